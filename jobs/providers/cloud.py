"""WhatsApp Cloud API (Meta): ``POST {base}/{version}/{phone_number_id}/messages``.

Outside the 24-hour window a business may only send an approved template; inside
it (``window_open``) the whole text goes as a plain text message. Errors are
classified by Meta's ``error.code`` first (a throttling code arrives with HTTP
400), then by HTTP status."""

from __future__ import annotations

import re
from dataclasses import replace

import requests

from jobs.messaging import OutboundMessage, Outcome, SendResult
from jobs.providers.base import NetworkProvider, result, scrub
from jobs.providers.transport import DEFAULT_TIMEOUT, Answer, Timeout, post
from sitras_sheets.errors import ConfigError

GRAPH_URL = "https://graph.facebook.com"
# Sitras language → the template language submitted to Meta.
META_LANGUAGE = {"id": "id", "en": "en_US"}
# 131047: a free-form text went out more than 24 h after the recipient's last
# message. The result is TRANSIENT with this detail; the caller resends the same
# message with ``window_open=False`` (``as_template``) and it goes as a template.
RESEND_AS = "resend_as"

# Meta error code → (outcome, reason key in messages/whatsapp.py as wa.reason.*).
_CODES: dict[int, tuple[Outcome, str]] = {
    # the token or the account: nothing can be sent until an operator acts
    0: (Outcome.PAUSED, "token"),
    102: (Outcome.PAUSED, "token"),
    190: (Outcome.PAUSED, "token"),
    3: (Outcome.PAUSED, "permission"),
    10: (Outcome.PAUSED, "permission"),
    131005: (Outcome.PAUSED, "permission"),
    368: (Outcome.PAUSED, "account"),
    131031: (Outcome.PAUSED, "account"),
    131042: (Outcome.PAUSED, "account"),
    133010: (Outcome.PAUSED, "account"),
    # try again later
    1: (Outcome.TRANSIENT, "server_error"),
    2: (Outcome.TRANSIENT, "server_error"),
    131000: (Outcome.TRANSIENT, "server_error"),
    131016: (Outcome.TRANSIENT, "server_error"),
    4: (Outcome.TRANSIENT, "rate_limit"),
    80007: (Outcome.TRANSIENT, "rate_limit"),
    130429: (Outcome.TRANSIENT, "rate_limit"),
    131056: (Outcome.TRANSIENT, "pair_rate_limit"),
    131048: (Outcome.TRANSIENT, "spam_limit"),
    131049: (Outcome.TRANSIENT, "ecosystem"),
    132015: (Outcome.TRANSIENT, "template_paused"),
    # this message to this number will never go through as it is
    100: (Outcome.PERMANENT, "invalid_parameter"),
    131008: (Outcome.PERMANENT, "invalid_parameter"),
    131009: (Outcome.PERMANENT, "invalid_parameter"),
    131026: (Outcome.PERMANENT, "not_on_whatsapp"),
    131030: (Outcome.PERMANENT, "recipient_not_allowed"),
    130472: (Outcome.PERMANENT, "experiment"),
    132000: (Outcome.PERMANENT, "template_params"),
    132001: (Outcome.PERMANENT, "template_missing"),
    132012: (Outcome.PERMANENT, "template_format"),
}
_API_VERSION = re.compile(r"^v\d+\.\d+$")


def as_template(message: OutboundMessage) -> OutboundMessage:
    """The same message, to be sent as its approved template (after 131047)."""
    return replace(message, window_open=False)


class CloudApiProvider(NetworkProvider):
    name = "cloud"

    def __init__(
        self,
        *,
        token: str,
        phone_number_id: str,
        api_version: str = "v21.0",
        session: requests.Session | None = None,
        base_url: str = GRAPH_URL,
        timeout: Timeout = DEFAULT_TIMEOUT,
    ) -> None:
        if not (phone_number_id or "").isdigit():
            raise ConfigError(
                "whatsapp.phone_number_id wajib diisi dengan ID nomor pengirim dari Meta "
                "(angka saja) untuk provider cloud"
            )
        if not _API_VERSION.match(api_version or ""):
            raise ConfigError(f"whatsapp.api_version {api_version!r} harus seperti 'v21.0'")
        super().__init__(token=token, base_url=base_url, session=session, timeout=timeout)
        self.url = f"{self.base_url}/{api_version}/{phone_number_id}/messages"

    def request_body(self, message: OutboundMessage) -> dict:
        """The JSON the Cloud API receives for ``message``."""
        body: dict = {"messaging_product": "whatsapp", "recipient_type": "individual"}
        body["to"] = message.to
        if message.window_open:
            body["type"] = "text"
            body["text"] = {"body": message.text}
            return body
        template: dict = {
            "name": message.template,
            "language": {"code": META_LANGUAGE.get(message.language, message.language)},
        }
        if message.parameters:
            parameters = [{"type": "text", "text": value} for value in message.parameters]
            template["components"] = [{"type": "body", "parameters": parameters}]
        body["type"] = "template"
        body["template"] = template
        return body

    def _deliver(self, message: OutboundMessage) -> SendResult:
        answer = post(
            self.session,
            self.url,
            timeout=self.timeout,
            headers={"Authorization": f"Bearer {self._token}"},
            json=self.request_body(message),
        )
        return self._classify(answer, message.window_open)

    def _classify(self, answer: Answer, window_open: bool) -> SendResult:
        body = answer.body if isinstance(answer.body, dict) else {}
        if 200 <= answer.status < 300:
            messages = body.get("messages")
            if isinstance(messages, list) and messages and isinstance(messages[0], dict):
                message_id = str(messages[0].get("id") or "")
                if message_id:
                    status = str(messages[0].get("message_status") or "accepted")
                    return SendResult(
                        Outcome.SENT, message_id=message_id, details={"message_status": status}
                    )
            return result(
                Outcome.TRANSIENT,
                "bad_answer",
                status=answer.status,
                details={"http_status": str(answer.status)},
            )
        error = body.get("error") if isinstance(body.get("error"), dict) else {}
        code = error.get("code") if isinstance(error.get("code"), int) else None
        details = {"http_status": str(answer.status)}
        if error.get("message"):
            details["message"] = scrub(error["message"], self._token)
        error_data = error.get("error_data")
        if isinstance(error_data, dict) and error_data.get("details"):
            details["details"] = scrub(error_data["details"], self._token)
        if error.get("fbtrace_id"):
            details["fbtrace_id"] = scrub(error["fbtrace_id"], self._token)
        if code is None and not error:
            details["body"] = scrub(answer.snippet, self._token)
        outcome, key = classify_error(answer.status, code, window_open)
        if code == 100 and error.get("error_subcode") == 33:
            # The phone_number_id itself is unknown: no message can go out.
            outcome, key = Outcome.PAUSED, "sender_id"
        if code == 131047 and window_open:
            details[RESEND_AS] = "template"
        shown = code if code is not None else f"HTTP {answer.status}"
        return result(
            outcome,
            key,
            error_code="" if code is None else str(code),
            retry_after=answer.retry_after,
            details=details,
            code=shown,
            status=answer.status,
        )


def classify_error(status: int, code: int | None, window_open: bool) -> tuple[Outcome, str]:
    """(outcome, reason key) for a Cloud API error answer."""
    if code == 131047:
        # Re-engagement: only a free-form text can be fixed by resending as a template.
        if window_open:
            return Outcome.TRANSIENT, "window_closed"
        return Outcome.PERMANENT, "rejected"
    if code in _CODES:
        return _CODES[code]
    if code is not None and 200 <= code <= 299:
        return Outcome.PAUSED, "permission"
    if code is not None and 132000 <= code <= 132999 and status < 500:
        return Outcome.PERMANENT, "template_other"
    if status == 401:
        return Outcome.PAUSED, "token"
    if status == 403:
        return Outcome.PAUSED, "permission"
    if status == 429:
        return Outcome.TRANSIENT, "rate_limit"
    if status == 408:
        return Outcome.TRANSIENT, "timeout"
    if status >= 500:
        return Outcome.TRANSIENT, "server_error"
    if 400 <= status < 500:
        return Outcome.PERMANENT, "rejected"
    return Outcome.TRANSIENT, "bad_answer"
