"""``python main.py serve``: the tracking page and the webhook under waitress
(pure Python, runs on Windows too). Behind a reverse proxy, pass the proxy's
address as ``trusted_proxy`` so the rate limits see the visitor's address."""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys

from flask import Flask
from waitress.server import create_server

from config.settings import Settings
from messages import text
from web.app import create_app
from web.ports import TrackingStore, WebhookSink

log = logging.getLogger("sitras.web")

SECRET_KEY_ENV = "SITRAS_WEB_SECRET_KEY"  # noqa: S105 (a variable name, not a secret)
THREADS = 8


def make_server(
    app: Flask, host: str = "127.0.0.1", port: int = 0, *, trusted_proxy: str | None = None
):
    """A waitress server bound to ``host:port`` (0 = any free port; see
    ``server.effective_port``). ``server.run()`` serves, ``server.close()`` stops."""
    options: dict[str, object] = {
        "threads": THREADS,
        "ident": "sitras",
        "max_request_body_size": 1024 * 1024,
        "channel_timeout": 30,
        "clear_untrusted_proxy_headers": True,
    }
    if trusted_proxy:
        options.update(
            trusted_proxy=trusted_proxy,
            trusted_proxy_headers={"x-forwarded-for", "x-forwarded-proto"},
            trusted_proxy_count=1,
        )
    return create_server(app, host=host, port=port, **options)


def build_ports(settings: Settings) -> tuple[TrackingStore, WebhookSink] | None:
    """The adapters over the notifier's local state, or None while ``web.sqlite_store``
    (which needs ``jobs.state``) is not available."""
    try:
        module = importlib.import_module("web.sqlite_store")
    except ModuleNotFoundError as error:
        if error.name in ("web.sqlite_store", "jobs.state"):
            return None
        raise
    return module.build(settings)


def serve(settings: Settings, args: argparse.Namespace) -> int:
    ports = build_ports(settings)
    if ports is None:
        print(text("web.serve.no_state"), file=sys.stderr)
        return 1
    store, sink = ports
    secret = os.environ.get(SECRET_KEY_ENV, "")
    app = create_app(settings, store, sink, secret_key=secret.encode() if secret else None)
    proxy = getattr(args, "trusted_proxy", None)
    if settings.office.public_base_url.startswith("https://") and not proxy:
        log.warning(text("web.serve.no_proxy"))
    server = make_server(app, args.host, args.port, trusted_proxy=proxy)
    print(text("web.serve.listening", host=args.host, port=server.effective_port), flush=True)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
    return 0
