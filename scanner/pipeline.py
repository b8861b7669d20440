"""The station pipeline: a frame in, the valid tracking codes in it out.

``decode_frame(image)`` is what stations, ``decode`` and the demo call. The
decoders are built on first use (never at import)."""

from __future__ import annotations

import logging
import threading

import numpy as np

from scanner.decoders import Decoded, ZxingDecoder
from scanner.payload import interpret

log = logging.getLogger(__name__)


class Pipeline:
    """Decoders tried in order until one finds a tracking code."""

    def __init__(self) -> None:
        self._zxing = ZxingDecoder()

    def raw(self, image: np.ndarray) -> list[Decoded]:
        return self._zxing.decode(image)

    def codes(self, image: np.ndarray, base_url: str | None = None) -> list[str]:
        return codes_from(self.raw(image), base_url)


def codes_from(found: list[Decoded], base_url: str | None = None) -> list[str]:
    """Valid bare codes among decoded symbols, without repeats, top to bottom
    then left to right (a stable order for the same picture)."""
    codes: list[str] = []
    for item in sorted(found, key=lambda d: (round(d.centre[1] / 40), d.centre[0])):
        code = interpret(item.text, base_url)
        if code and code not in codes:
            codes.append(code)
    return codes


_default: Pipeline | None = None
_lock = threading.Lock()


def default_pipeline() -> Pipeline:
    global _default
    with _lock:
        if _default is None:
            _default = Pipeline()
        return _default


def decode_frame(image: np.ndarray, base_url: str | None = None) -> list[str]:
    """The valid tracking codes (bare, 12 symbols) in a BGR or gray image,
    deduplicated, in a stable order; [] when there is none."""
    if image is None or getattr(image, "size", 0) == 0:
        return []
    return default_pipeline().codes(image, base_url)
