"""Signatures, rate limits, response headers and the Flask secret key."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from pathlib import Path

SIGNATURE_PREFIX = "sha256="
SECRET_KEY_FILE = "web-secret.key"  # noqa: S105 (a file name)

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'none'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'; img-src 'self'; style-src 'self'"
)
SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}


def valid_signature(secret: str, body: bytes, header: str | None) -> bool:
    """Whether ``X-Hub-Signature-256`` is ``sha256=`` + HMAC-SHA256(raw body, app secret).

    False when the secret is not configured or the header is missing or malformed;
    the comparison takes the same time whatever the header holds."""
    if not secret or not header:
        return False
    expected = SIGNATURE_PREFIX + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    given = header.strip().lower().encode("utf-8", "replace")
    return hmac.compare_digest(expected.encode(), given)


def same_secret(expected: str, given: str | None) -> bool:
    """Constant-time comparison of a configured token; never true when none is set."""
    if not expected or given is None:
        return False
    return hmac.compare_digest(expected.encode(), given.encode("utf-8", "replace"))


@dataclass(frozen=True)
class Limit:
    """At most ``count`` events per key in any ``seconds`` long window."""

    count: int
    seconds: float


class RateLimiter:
    """A sliding-window log per key, in memory, thread-safe, with an injected clock.

    Each key keeps at most ``limit.count`` timestamps, and at most ``max_keys``
    keys are kept (expired ones first, then the oldest), so a flood of new keys
    cannot exhaust memory."""

    def __init__(self, clock: Callable[[], float] = time.time, max_keys: int = 100_000):
        self._clock = clock
        self._max_keys = max_keys
        self._events: dict[Hashable, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: Hashable, limit: Limit) -> bool:
        """Count one event and answer True, or answer False (and count nothing)
        when the key already had ``limit.count`` events in the window."""
        with self._lock:
            now = self._clock()
            events = self._current(key, limit, now)
            if len(events) >= limit.count:
                return False
            events.append(now)
            return True

    def exhausted(self, key: Hashable, limit: Limit) -> bool:
        with self._lock:
            return len(self._current(key, limit, self._clock())) >= limit.count

    def remaining(self, key: Hashable, limit: Limit) -> int:
        with self._lock:
            return max(0, limit.count - len(self._current(key, limit, self._clock())))

    def retry_after(self, key: Hashable, limit: Limit) -> int:
        """Whole seconds until the key may act again (0 if it may now)."""
        with self._lock:
            now = self._clock()
            events = self._current(key, limit, now)
            if len(events) < limit.count:
                return 0
            return max(1, int(events[0] + limit.seconds - now + 0.999))

    def forget(self, key: Hashable) -> None:
        with self._lock:
            self._events.pop(key, None)

    def _current(self, key: Hashable, limit: Limit, now: float) -> deque[float]:
        events = self._events.get(key)
        if events is None:
            if len(self._events) >= self._max_keys:
                self._make_room(limit, now)
            events = self._events[key] = deque(maxlen=limit.count)
        while events and events[0] <= now - limit.seconds:
            events.popleft()
        return events

    def _make_room(self, limit: Limit, now: float) -> None:
        # Keys whose newest event is older than the longest window we use are gone.
        horizon = now - max(limit.seconds, 86_400)
        for stale in [k for k, ev in self._events.items() if not ev or ev[-1] <= horizon]:
            del self._events[stale]
        while len(self._events) >= self._max_keys:
            del self._events[next(iter(self._events))]


@dataclass(frozen=True)
class WebLimits:
    """How much one client may do; see the module docs of ``web.pages``."""

    lookups_per_ip: Limit = Limit(60, 60)  # letter pages and checks
    wrong_digits_per_code_and_ip: Limit = Limit(5, 3600)
    wrong_digits_per_ip: Limit = Limit(20, 3600)
    wrong_digits_per_code: Limit = Limit(10, 86_400)  # all networks together
    replies_per_number: Limit = Limit(10, 3600)  # WhatsApp answers to one number
    body_bytes: int = 256 * 1024  # webhook and form bodies


def load_or_create_secret_key(folder: Path) -> bytes:
    """The Flask secret key kept in ``folder/web-secret.key``: created once (readable
    by the owner only), then reused so sessions survive a restart. Never logged."""
    path = folder / SECRET_KEY_FILE
    key = _read_key(path)
    if key:
        return key
    folder.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it meanwhile, or it is unusable
        key = _read_key(path)
        if key:
            return key
        descriptor = os.open(path, os.O_WRONLY | os.O_TRUNC, 0o600)
    new_key = secrets.token_hex(32)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(new_key + "\n")
    return new_key.encode()


def _read_key(path: Path) -> bytes | None:
    try:
        key = path.read_text(encoding="ascii").strip()
    except (FileNotFoundError, UnicodeDecodeError):
        return None
    return key.encode() if len(key) >= 32 else None
