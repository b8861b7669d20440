"""WhatsApp providers behind ``jobs.messaging.Provider``: ``log`` (the default, no
network), ``cloud`` (WhatsApp Cloud API) and ``fonnte``.

``build_provider`` checks the configuration and raises ConfigError at start;
``send`` never raises, it returns a SendResult (see docs/whatsapp-templates.md
for the error classification)."""

from __future__ import annotations

from pathlib import Path

import requests

from config.settings import WhatsAppSettings
from jobs.messaging import Provider
from jobs.providers.cloud import GRAPH_URL, META_LANGUAGE, RESEND_AS, CloudApiProvider, as_template
from jobs.providers.fonnte import FONNTE_URL, FonnteProvider
from jobs.providers.log import LogProvider
from messages import LANGUAGES
from sitras_sheets.errors import ConfigError

__all__ = [
    "FONNTE_URL",
    "GRAPH_URL",
    "META_LANGUAGE",
    "RESEND_AS",
    "CloudApiProvider",
    "FonnteProvider",
    "LogProvider",
    "as_template",
    "build_provider",
]


def build_provider(
    settings: WhatsAppSettings,
    *,
    session: requests.Session | None = None,
    log_path: Path | None = None,
) -> Provider:
    """The provider ``settings.provider`` names, checked now so a bad token or a
    missing phone number id stops the process at start, not at the first send."""
    if settings.language not in LANGUAGES:
        raise ConfigError(
            f"whatsapp.language {settings.language!r}; pilih salah satu: {', '.join(LANGUAGES)}"
        )
    if settings.provider == "log":
        return LogProvider(log_path=log_path)
    if settings.provider == "cloud":
        return CloudApiProvider(
            token=settings.token,
            phone_number_id=settings.phone_number_id,
            api_version=settings.api_version,
            session=session,
        )
    if settings.provider == "fonnte":
        return FonnteProvider(token=settings.token, session=session)
    raise ConfigError(
        f"whatsapp.provider = {settings.provider!r}; pilih salah satu: log, cloud, fonnte"
    )
