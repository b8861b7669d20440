"""The one function through which every WhatsApp HTTP call goes.

Explicit timeouts, no retries here (the outbox decides when to try again), the
environment's proxy and CA settings honoured (a plain ``requests.Session``),
and library errors translated into a TransportError that says only what kind of
failure it was. Nothing here logs or returns a request header."""

from __future__ import annotations

import email.utils
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import requests

# (connect, read) seconds. A send that times out may still have been delivered:
# the provider reports it as transient and says so in the details.
DEFAULT_TIMEOUT: tuple[float, float] = (5.0, 20.0)
USER_AGENT = "sitras/0.1"
_SNIPPET = 300

Timeout = float | tuple[float, float]


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any  # the parsed JSON body, None when it was not JSON
    snippet: str  # the first characters of the raw body, for logs (redact first)
    retry_after: float | None  # seconds, from a Retry-After header


class TransportError(Exception):
    """No HTTP answer at all. ``kind`` is ``timeout`` or ``connection``."""

    def __init__(self, kind: str, error: BaseException) -> None:
        super().__init__(kind)
        self.kind = kind
        self.error_type = type(error).__name__
        self.error_text = str(error)


def post(
    session: requests.Session,
    url: str,
    *,
    timeout: Timeout,
    headers: Mapping[str, str],
    json: object = None,
    data: Mapping[str, str] | None = None,
) -> Answer:
    """POST and read the whole answer; raises TransportError when none came."""
    try:
        response = session.post(
            url,
            headers={"User-Agent": USER_AGENT, **headers},
            json=json,
            data=data,
            timeout=timeout,
        )
        with response:
            raw = response.text
            try:
                body = response.json()
            except ValueError:
                body = None
            return Answer(
                status=response.status_code,
                body=body,
                snippet=raw[:_SNIPPET],
                retry_after=parse_retry_after(response.headers.get("Retry-After")),
            )
    except requests.Timeout as error:
        raise TransportError("timeout", error) from None
    except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as error:
        raise TransportError("connection", error) from None


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds from a Retry-After header: ``120`` or an HTTP date; None if absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return float(value)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment is None or moment.tzinfo is None:
        return None
    return max(0.0, moment.timestamp() - (time.time() if now is None else now))


def redact(text: str, *secrets: str) -> str:
    """``text`` with every secret replaced by ``****``."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "****")
    return text
