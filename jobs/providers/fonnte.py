"""Fonnte (an Indonesian WhatsApp gateway): ``POST {base}/send`` with the token in
the ``Authorization`` header and a form ``target``, ``message``, ``countryCode``.

Fonnte answers ``{"status": true, "id": [...], ...}`` or ``{"status": false,
"reason": "..."}``, mostly with HTTP 200, so its ``reason`` decides."""

from __future__ import annotations

import requests

from jobs.messaging import OutboundMessage, Outcome, SendResult
from jobs.providers.base import NetworkProvider, result, scrub
from jobs.providers.transport import DEFAULT_TIMEOUT, Answer, Timeout, post

FONNTE_URL = "https://api.fonnte.com"
# Words in Fonnte's ``reason`` → (outcome, reason key), first match wins.
_REASONS: tuple[tuple[tuple[str, ...], Outcome, str], ...] = (
    (("token",), Outcome.PAUSED, "token"),
    (
        ("disconnect", "device", "quota", "package", "expired", "subscri"),
        Outcome.PAUSED,
        "fonnte_device",
    ),
    (
        ("target", "number", "not registered", "not exist", "tidak terdaftar"),
        Outcome.PERMANENT,
        "not_on_whatsapp",
    ),
    (("limit", "too many"), Outcome.TRANSIENT, "rate_limit"),
)


class FonnteProvider(NetworkProvider):
    name = "fonnte"

    def __init__(
        self,
        *,
        token: str,
        session: requests.Session | None = None,
        base_url: str = FONNTE_URL,
        timeout: Timeout = DEFAULT_TIMEOUT,
        country_code: str = "62",
    ) -> None:
        super().__init__(token=token, base_url=base_url, session=session, timeout=timeout)
        self.url = f"{self.base_url}/send"
        self.country_code = country_code

    def form(self, message: OutboundMessage) -> dict[str, str]:
        """The form Fonnte receives: always the whole text (no templates, no window)."""
        return {"target": message.to, "message": message.text, "countryCode": self.country_code}

    def _deliver(self, message: OutboundMessage) -> SendResult:
        answer = post(
            self.session,
            self.url,
            timeout=self.timeout,
            headers={"Authorization": self._token},
            data=self.form(message),
        )
        return self._classify(answer)

    def _classify(self, answer: Answer) -> SendResult:
        body = answer.body if isinstance(answer.body, dict) else {}
        details = {"http_status": str(answer.status)}
        if 200 <= answer.status < 300 and body.get("status") is True:
            ids = body.get("id")
            message_id = str(ids[0]) if isinstance(ids, list) and ids else ""
            if message_id:
                if body.get("process"):
                    details["process"] = scrub(body["process"], self._token)
                return SendResult(Outcome.SENT, message_id=message_id, details=details)
            return result(Outcome.TRANSIENT, "bad_answer", status=answer.status, details=details)
        reason = str(body.get("reason") or "")
        if reason and answer.status < 500:
            shown = scrub(reason, self._token)
            details["reason"] = shown
            outcome, key = classify_reason(reason)
            return result(
                outcome,
                key,
                retry_after=answer.retry_after,
                details=details,
                reason=shown,
                code=shown,
            )
        details["body"] = scrub(answer.snippet, self._token)
        outcome, key = classify_status(answer.status)
        return result(
            outcome,
            key,
            retry_after=answer.retry_after,
            details=details,
            status=answer.status,
            code=f"HTTP {answer.status}",
        )


def classify_reason(reason: str) -> tuple[Outcome, str]:
    """(outcome, reason key) for Fonnte's ``reason`` text."""
    lowered = reason.lower()
    for words, outcome, key in _REASONS:
        if any(word in lowered for word in words):
            return outcome, key
    return Outcome.TRANSIENT, "fonnte_rejected"


def classify_status(status: int) -> tuple[Outcome, str]:
    """(outcome, reason key) for an answer without a readable ``reason``."""
    if status in (401, 403):
        return Outcome.PAUSED, "token"
    if status == 429:
        return Outcome.TRANSIENT, "rate_limit"
    if status == 408:
        return Outcome.TRANSIENT, "timeout"
    if 400 <= status < 500:
        return Outcome.PERMANENT, "rejected"
    if status >= 500:
        return Outcome.TRANSIENT, "server_error"
    return Outcome.TRANSIENT, "bad_answer"
