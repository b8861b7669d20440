"""A local stand-in for the WhatsApp Cloud API and for Fonnte, for tests.

A real HTTP server on 127.0.0.1 (ephemeral port) that answers the way the two
services answer, records every request, checks the token, and plays faults a
test scripts: an error code for one number, a burst of 130429 then success,
5xx, a slow answer, a dropped connection, an expired token.

    with WhatsAppDouble(token="t") as double:
        double.fail(131026, to="6281234567890")
        provider = CloudApiProvider(token="t", phone_number_id=double.phone_number_id,
                                    base_url=double.base_url)

``whatsapp_double`` is a pytest fixture with the default token ``TOKEN``."""

from __future__ import annotations

import base64
import itertools
import json
import re
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

import pytest

TOKEN = "double-token-3f9a7c"
PHONE_NUMBER_ID = "106540352242922"
API_VERSION = "v21.0"

# Cloud API error code → (HTTP status, message title) as Meta answers them.
_CLOUD_ERRORS: dict[int, tuple[int, str]] = {
    1: (500, "API Unknown"),
    2: (503, "API Service"),
    4: (400, "Application request limit reached"),
    10: (403, "Permission denied"),
    100: (400, "Invalid parameter"),
    190: (401, "Error validating access token: Session has expired"),
    200: (403, "Permission error"),
    131000: (500, "Something went wrong"),
    131005: (403, "Access denied"),
    131008: (400, "Required parameter is missing"),
    131009: (400, "Parameter value is not valid"),
    131016: (503, "Service unavailable"),
    131026: (400, "Message undeliverable"),
    131030: (400, "Recipient phone number not in allowed list"),
    131047: (400, "Re-engagement message"),
    131048: (400, "Spam rate limit hit"),
    131049: (400, "Meta chose not to deliver"),
    131056: (400, "(Business Account, Consumer Account) pair rate limit hit"),
    130429: (400, "Rate limit hit"),
    132000: (400, "Number of parameters does not match the expected number of params"),
    132001: (404, "Template name does not exist in the translation"),
    132012: (400, "Parameter format does not match format in the created template"),
    132015: (400, "Template is Paused"),
}


@dataclass
class Recorded:
    """One request as the double received it."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    json: Any = None
    form: dict[str, str] | None = None


@dataclass
class Fault:
    kind: str  # cloud_error | fonnte_reason | status | slow | drop
    api: str | None = None  # cloud | fonnte | None (both)
    to: str | None = None  # only requests to this number
    times: int | None = None  # None: every matching request
    code: int = 0
    http_status: int = 0
    details: str = ""
    reason: str = ""
    body: str = ""
    retry_after: str | None = None
    seconds: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)


class WhatsAppDouble:
    def __init__(
        self,
        token: str = TOKEN,
        phone_number_id: str = PHONE_NUMBER_ID,
        api_version: str = API_VERSION,
    ) -> None:
        self.token = token
        self.phone_number_id = phone_number_id
        self.api_version = api_version
        self.requests: list[Recorded] = []
        self.token_expired = False
        self._faults: list[Fault] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._ids = itertools.count(80367170)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- life cycle -------------------------------------------------------------
    def start(self) -> WhatsAppDouble:
        handler = type("Handler", (_Handler,), {"double": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._server.handle_error = lambda request, address: None  # client went away
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = None

    def __enter__(self) -> WhatsAppDouble:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # --- scripting ----------------------------------------------------------------
    def fail(
        self,
        code: int,
        *,
        to: str | None = None,
        times: int | None = None,
        http_status: int | None = None,
        details: str = "",
        retry_after: str | None = None,
    ) -> None:
        """Cloud API: answer with Meta error ``code`` (and its usual HTTP status)."""
        status = http_status or _CLOUD_ERRORS.get(code, (400, ""))[0]
        self._add(
            Fault(
                "cloud_error",
                api="cloud",
                to=to,
                times=times,
                code=code,
                http_status=status,
                details=details,
                retry_after=retry_after,
            )
        )

    def fonnte_fail(self, reason: str, *, to: str | None = None, times: int | None = None) -> None:
        """Fonnte: answer ``{"status": false, "reason": reason}`` with HTTP 200."""
        self._add(Fault("fonnte_reason", api="fonnte", to=to, times=times, reason=reason))

    def fail_status(
        self,
        http_status: int,
        *,
        body: str = "",
        api: str | None = None,
        to: str | None = None,
        times: int | None = None,
        retry_after: str | None = None,
        content_type: str = "text/html",
    ) -> None:
        """Answer a bare HTTP status with ``body`` (a proxy's 502 page, a 429)."""
        self._add(
            Fault(
                "status",
                api=api,
                to=to,
                times=times,
                http_status=http_status,
                body=body,
                retry_after=retry_after,
                headers={"Content-Type": content_type},
            )
        )

    def slow(self, seconds: float, *, api: str | None = None, times: int | None = None) -> None:
        """Wait ``seconds`` before answering normally (the client should time out)."""
        self._add(Fault("slow", api=api, times=times, seconds=seconds))

    def drop(self, *, api: str | None = None, times: int | None = None) -> None:
        """Close the connection without answering."""
        self._add(Fault("drop", api=api, times=times))

    def expire_token(self) -> None:
        """From now on every Cloud API request gets 190 (token expired)."""
        self.token_expired = True

    def _add(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def _take_fault(self, api: str, to: str | None) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.api not in (None, api) or fault.to not in (None, to):
                    continue
                if fault.times is not None:
                    fault.times -= 1
                    if fault.times <= 0:
                        self._faults.remove(fault)
                return fault
        return None

    # --- looking at what arrived --------------------------------------------------
    def cloud_requests(self) -> list[Recorded]:
        return [r for r in self.requests if r.path.endswith("/messages")]

    def fonnte_requests(self) -> list[Recorded]:
        return [r for r in self.requests if r.path == "/send"]

    def new_message_id(self, api: str) -> str:
        number = next(self._ids)
        if api == "fonnte":
            return str(number)
        raw = f"HBgNNjI4{number:012d}FQIAERgS".encode()
        return "wamid." + base64.b64encode(raw).decode().rstrip("=")


class _Handler(BaseHTTPRequestHandler):
    double: WhatsAppDouble

    def log_message(self, format: str, *args: object) -> None:  # quiet
        return

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        recorded = Recorded("POST", self.path, dict(self.headers.items()), raw)
        content_type = self.headers.get("Content-Type", "")
        if "json" in content_type:
            try:
                recorded.json = json.loads(raw or b"null")
            except ValueError:
                recorded.json = None
        elif "form" in content_type:
            recorded.form = dict(parse_qsl(raw.decode("utf-8"), keep_blank_values=True))
        self.double.requests.append(recorded)

        cloud = re.fullmatch(r"/(v\d+\.\d+)/(\d+)/messages", self.path)
        if cloud:
            to = (recorded.json or {}).get("to") if isinstance(recorded.json, dict) else None
            if self._play(self.double._take_fault("cloud", to), "cloud"):
                self._cloud(recorded, cloud.group(1), cloud.group(2))
        elif self.path == "/send":
            to = (recorded.form or {}).get("target")
            if self._play(self.double._take_fault("fonnte", to), "fonnte"):
                self._fonnte(recorded)
        else:
            self._send(404, {"error": {"message": "Unknown path", "code": 803}})

    # --- faults -------------------------------------------------------------------
    def _play(self, fault: Fault | None, api: str) -> bool:
        """Act out ``fault``; True when the normal answer should still follow."""
        if fault is None:
            return True
        if fault.kind == "slow":
            self.double._stopping.wait(fault.seconds)
            return True
        if fault.kind == "drop":
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return False
        headers = dict(fault.headers)
        if fault.retry_after is not None:
            headers["Retry-After"] = fault.retry_after
        if fault.kind == "status":
            self._send_raw(fault.http_status, fault.body.encode(), headers)
        elif fault.kind == "fonnte_reason":
            self._send(200, {"reason": fault.reason, "status": False}, headers)
        else:
            self._send(fault.http_status, _cloud_error(fault.code, fault.details), headers)
        return False

    # --- normal answers -----------------------------------------------------------
    def _cloud(self, recorded: Recorded, version: str, phone_number_id: str) -> None:
        double = self.double
        authorization = recorded.headers.get("Authorization", "")
        if authorization != f"Bearer {double.token}":
            details = "Invalid OAuth access token - Cannot parse access token"
            self._send(401, _cloud_error(190, details, title="Invalid OAuth access token"))
            return
        if double.token_expired:
            details = "Error validating access token: Session has expired"
            self._send(401, _cloud_error(190, details, subcode=463))
            return
        if version != double.api_version or phone_number_id != double.phone_number_id:
            details = f"Object with ID '{phone_number_id}' does not exist"
            self._send(400, _cloud_error(100, details, subcode=33))
            return
        problem = _cloud_problem(recorded.json)
        if problem:
            self._send(400, _cloud_error(100, problem))
            return
        to = recorded.json["to"]
        self._send(
            200,
            {
                "messaging_product": "whatsapp",
                "contacts": [{"input": to, "wa_id": to}],
                "messages": [{"id": double.new_message_id("cloud"), "message_status": "accepted"}],
            },
        )

    def _fonnte(self, recorded: Recorded) -> None:
        double = self.double
        if self.headers.get("Authorization", "") != double.token:
            self._send(200, {"reason": "invalid token", "status": False})
            return
        form = recorded.form or {}
        target = form.get("target", "")
        if not target.isdigit():
            self._send(200, {"reason": "target invalid", "status": False})
            return
        if not form.get("message"):
            self._send(200, {"reason": "message invalid", "status": False})
            return
        self._send(
            200,
            {
                "detail": "success! message in queue",
                "id": [double.new_message_id("fonnte")],
                "process": "pending",
                "requestid": 2937124,
                "status": True,
                "target": [target],
            },
        )

    def _send(self, status: int, body: object, headers: dict[str, str] | None = None) -> None:
        headers = {"Content-Type": "application/json", **(headers or {})}
        self._send_raw(status, json.dumps(body).encode(), headers)

    def _send_raw(self, status: int, raw: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)


def _cloud_error(code: int, details: str = "", *, subcode: int | None = None, title: str = ""):
    title = title or _CLOUD_ERRORS.get(code, (400, "Error"))[1]
    error: dict[str, Any] = {
        "message": f"(#{code}) {title}",
        "type": "OAuthException",
        "code": code,
        "error_data": {"messaging_product": "whatsapp", "details": details or title},
        "fbtrace_id": "AazQ0d3bq9qT4r0pY1jZ2kE",
    }
    if subcode is not None:
        error["error_subcode"] = subcode
    return {"error": error}


def _cloud_problem(body: Any) -> str:
    """What Meta would call an invalid parameter in a messages request, or ''."""
    if not isinstance(body, dict):
        return "The request body is not JSON"
    if body.get("messaging_product") != "whatsapp":
        return "Parameter messaging_product is required and must be whatsapp"
    if not str(body.get("to", "")).isdigit():
        return "Parameter to must be a phone number"
    kind = body.get("type")
    if kind == "text":
        text = (body.get("text") or {}).get("body")
        if not text or len(text) > 4096:
            return "text.body is required and at most 4096 characters"
        return ""
    if kind == "template":
        template = body.get("template") or {}
        if not template.get("name") or not (template.get("language") or {}).get("code"):
            return "template.name and template.language.code are required"
        for component in template.get("components", []):
            for parameter in component.get("parameters", []):
                value = parameter.get("text", "")
                if not value or "\n" in value or "\t" in value or "     " in value:
                    return "Param text cannot have new-line/tab characters or more than 4 spaces"
        return ""
    return f"Unsupported message type {kind!r}"


def bypass_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    """requests honours proxy variables; the double is local and must be reached directly."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")


@pytest.fixture
def whatsapp_double(monkeypatch):
    """A running double with token ``TOKEN``, stopped after the test."""
    bypass_proxies(monkeypatch)
    with WhatsAppDouble() as double:
        yield double
