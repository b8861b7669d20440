"""What every network provider shares: config checks at construction, a ``send``
that never raises, redaction of the token, one log line per message."""

from __future__ import annotations

import logging
import re
import traceback
from dataclasses import replace
from urllib.parse import urlsplit

import requests

from jobs.messaging import OutboundMessage, Outcome, SendResult
from jobs.providers.transport import DEFAULT_TIMEOUT, Timeout, TransportError, redact
from messages import text
from sitras_sheets.errors import ConfigError
from sitras_sheets.phone import mask

logger = logging.getLogger("sitras.whatsapp")

_TOKEN = re.compile(r"^[\x21-\x7e]+$")  # printable ASCII, no spaces: fits an HTTP header
_LONG_DIGITS = re.compile(r"\d{9,}")
_LEVELS = {
    Outcome.SENT: logging.INFO,
    Outcome.TRANSIENT: logging.WARNING,
    Outcome.PERMANENT: logging.WARNING,
    Outcome.PAUSED: logging.ERROR,
}


def result(
    outcome: Outcome,
    reason_key: str,
    *,
    error_code: str = "",
    retry_after: float | None = None,
    details: dict[str, str] | None = None,
    **values: object,
) -> SendResult:
    """A failed SendResult whose reason (Bahasa Indonesia, for the sheet) comes
    from the catalogue entry ``wa.reason.<reason_key>``."""
    return SendResult(
        outcome=outcome,
        reason=text(f"wa.reason.{reason_key}", "id", **values),
        error_code=error_code,
        retry_after=retry_after if outcome is Outcome.TRANSIENT else None,
        details=details or {},
    )


def check_token(token: str, provider: str) -> str:
    token = (token or "").strip()
    if not token:
        raise ConfigError(f"SITRAS_WHATSAPP_TOKEN wajib diisi untuk provider {provider}")
    if not _TOKEN.match(token):
        raise ConfigError(
            "SITRAS_WHATSAPP_TOKEN memuat spasi, baris baru atau karakter di luar ASCII; "
            "salin ulang tokennya"
        )
    return token


def check_base_url(base_url: str) -> str:
    parts = urlsplit(base_url or "")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(
            f"alamat layanan WhatsApp {base_url!r} harus diawali http:// atau https://"
        )
    return base_url.rstrip("/")


def scrub(value: object, token: str) -> str:
    """Text from a provider's answer, safe for the sheet and logs: short, without
    the token and without a full phone number."""
    cleaned = redact(str(value), token)[:200]
    return _LONG_DIGITS.sub(lambda match: mask(match.group(0)), cleaned)


class NetworkProvider:
    """Base of the HTTP providers. Subclasses implement ``_deliver``."""

    name = "network"

    def __init__(
        self,
        *,
        token: str,
        base_url: str,
        session: requests.Session | None,
        timeout: Timeout = DEFAULT_TIMEOUT,
    ) -> None:
        self._token = check_token(token, self.name)
        self.base_url = check_base_url(base_url)
        self.session = session if session is not None else requests.Session()
        self.timeout = timeout

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r}, token='****')"

    def send(self, message: OutboundMessage) -> SendResult:
        """Deliver one message; every failure becomes a SendResult, never an exception."""
        if not (message.to.isascii() and message.to.isdigit()):
            sent = result(Outcome.PERMANENT, "bad_number")
        else:
            try:
                sent = self._deliver(message)
            except TransportError as error:
                sent = self._transport_failure(error)
            except Exception as error:  # send never raises; the outbox records and retries
                logger.debug(
                    "whatsapp %s: unexpected error\n%s",
                    self.name,
                    redact("".join(traceback.format_exception(error)), self._token),
                )
                sent = result(Outcome.TRANSIENT, "unexpected", error=type(error).__name__)
        sent = self._redacted(sent)
        self._log(message, sent)
        return sent

    def _deliver(self, message: OutboundMessage) -> SendResult:
        raise NotImplementedError

    def _transport_failure(self, error: TransportError) -> SendResult:
        logger.debug(
            "whatsapp %s: %s (%s): %s",
            self.name,
            error.kind,
            error.error_type,
            scrub(error.error_text, self._token),
        )
        # After a read timeout or a dropped answer the message may have arrived.
        details = {"transport": error.kind, "error": error.error_type}
        return result(Outcome.TRANSIENT, error.kind, details=details)

    def _redacted(self, sent: SendResult) -> SendResult:
        return replace(
            sent,
            message_id=redact(sent.message_id, self._token),
            reason=redact(sent.reason, self._token),
            details={key: redact(value, self._token) for key, value in sent.details.items()},
        )

    def _log(self, message: OutboundMessage, sent: SendResult) -> None:
        logger.log(
            _LEVELS[sent.outcome],
            "whatsapp %s %s %s to %s: %s%s%s",
            self.name,
            message.event,
            message.message_key,
            mask(message.to),
            sent.outcome.value,
            f" {sent.message_id}" if sent.message_id else "",
            f" ({sent.error_code} {sent.reason})".replace("( ", "(") if sent.reason else "",
        )
