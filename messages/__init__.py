"""Every text a person reads, in one place: Bahasa Indonesia first, English too.

Each area keeps its catalogue in a module of this package (``cli``, ``station``,
``whatsapp``, ``web``); ``text(key, lang, **values)`` looks a key up in all of them."""

from __future__ import annotations

import importlib
from functools import cache

LANGUAGES = ("id", "en")
_CATALOGUES = ("cli", "station", "scan", "whatsapp", "notifier", "web")


@cache
def catalogue() -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {}
    for name in _CATALOGUES:
        try:
            module = importlib.import_module(f"messages.{name}")
        except ModuleNotFoundError as error:
            if error.name != f"messages.{name}":
                raise
            continue
        for key, texts in module.MESSAGES.items():
            if key in merged:
                raise KeyError(f"message key {key!r} defined twice")
            merged[key] = texts
    return merged


def text(key: str, lang: str = "id", **values: object) -> str:
    """The text for ``key`` in ``lang`` (falling back to Indonesian), filled in."""
    texts = catalogue()[key]
    template = texts.get(lang) or texts["id"]
    return template.format(**values)
