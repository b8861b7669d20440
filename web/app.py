"""The Flask app factory: wires settings, the two ports, the clock and the limiter."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask, Response, g, render_template, request
from werkzeug.exceptions import HTTPException

from config.settings import Settings
from messages import LANGUAGES, text
from web import pages, webhook
from web.ports import TrackingStore, WebhookSink
from web.security import (
    SECURITY_HEADERS,
    RateLimiter,
    WebLimits,
    load_or_create_secret_key,
)

log = logging.getLogger("sitras.web")

LANG_COOKIE = "lang"
SESSION_COOKIE = "sitras_sesi"


@dataclass
class WebContext:
    settings: Settings
    store: TrackingStore
    sink: WebhookSink
    limiter: RateLimiter
    limits: WebLimits
    clock: Callable[[], float]
    seen_inbound: webhook.RecentIds = field(default_factory=webhook.RecentIds)


def data_folder(settings: Settings) -> Path:
    """Where Sitras keeps its local files: the folder of the state database."""
    return Path(settings.state.path).parent


def create_app(
    settings: Settings,
    store: TrackingStore,
    sink: WebhookSink,
    *,
    clock: Callable[[], float] = time.time,
    rate_limiter: RateLimiter | None = None,
    secret_key: bytes | None = None,
    limits: WebLimits | None = None,
) -> Flask:
    """The tracking page and the webhook. ``clock`` gives epoch seconds (limits,
    session expiry); ``secret_key`` defaults to the one kept in the data folder."""
    limits = limits or WebLimits()
    app = Flask(__name__, static_folder="static", template_folder="templates")
    app.config.update(
        SECRET_KEY=secret_key or load_or_create_secret_key(data_folder(settings)),
        MAX_CONTENT_LENGTH=limits.body_bytes,
        MAX_FORM_MEMORY_SIZE=16 * 1024,
        SESSION_COOKIE_NAME=SESSION_COOKIE,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.office.public_base_url.startswith("https://"),
        SESSION_REFRESH_EACH_REQUEST=False,
        SEND_FILE_MAX_AGE_DEFAULT=3600,
    )
    app.jinja_env.autoescape = True  # every template, whatever its name
    app.extensions["sitras"] = WebContext(
        settings=settings,
        store=store,
        sink=sink,
        limiter=rate_limiter or RateLimiter(clock),
        limits=limits,
        clock=clock,
    )
    app.register_blueprint(pages.blueprint)
    app.register_blueprint(webhook.blueprint)
    app.before_request(_choose_language)
    app.after_request(_finish)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)

    @app.context_processor
    def _globals() -> dict:
        return {
            "t": g.t,
            "lang": g.lang,
            "office": settings.office.name,
            "switch_lang": text("web.lang_switch_code", g.lang),
            "switch_path": g.get("switch_path") or request.path,
        }

    return app


def _choose_language() -> None:
    asked = request.args.get("lang", "")
    lang = asked if asked in LANGUAGES else request.cookies.get(LANG_COOKIE, "")
    g.lang = lang if lang in LANGUAGES else "id"
    g.t = lambda key, **values: text(key, g.lang, **values)


def _finish(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    if request.endpoint != "static":
        response.headers["Cache-Control"] = "no-store"
        response.vary.add("Cookie")
    asked = request.args.get("lang", "")
    if asked in LANGUAGES and request.cookies.get(LANG_COOKIE) != asked:
        response.set_cookie(
            LANG_COOKIE,
            asked,
            max_age=365 * 86400,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure,
        )
    return response


def _http_error(error: HTTPException) -> Response:
    status = error.code or 500
    if request.path.startswith("/webhook/"):
        return Response(error.name.lower(), status=status, mimetype="text/plain")
    _ensure_language()
    heading, body = {
        404: ("web.missing.heading", "web.missing.body"),
        405: ("web.missing.heading", "web.missing.body"),
        413: ("web.too_large.heading", "web.error.body"),
    }.get(status, ("web.error.heading", "web.error.body"))
    return _message(heading, body, status)


def _unexpected_error(error: Exception) -> Response:
    log.exception("page failed: %s %s", request.method, request.path)
    if request.path.startswith("/webhook/"):
        return Response("error", status=500, mimetype="text/plain")
    _ensure_language()
    return _message("web.error.heading", "web.error.body", 500)


def _message(heading: str, body: str, status: int) -> Response:
    html = render_template(
        "message.html", heading=g.t(heading), paragraphs=(g.t(body),), show_form=True
    )
    return Response(html, status=status, mimetype="text/html")


def _ensure_language() -> None:
    if not hasattr(g, "t"):
        _choose_language()
