"""The sender's tracking page: ``/lacak`` (the form) and ``/lacak/<code>``.

What anyone with the code sees: the status, the timeline (desk, the role in
charge, time), the current position and whether a disposition was given. Never
a phone number, never a personal name. The sender's name, the subject and the
disposition text appear only in a browser session that proved the last four
digits of the WhatsApp number on file.

Against guessing: every letter page and every check counts against the
client's address (``WebLimits.lookups_per_ip``); wrong digits count per code and
address, per address, and per code over all addresses; past a limit the answer
is 429 with a friendly page. Codes have 55 random bits, so lookups cannot find
letters; the digit limits keep the 10,000 possible endings out of reach."""

from __future__ import annotations

import hmac
import ipaddress
import re
import secrets
from urllib.parse import urlsplit

from flask import Blueprint, Response, current_app, g, redirect, render_template, request, session

from sitras_sheets import tracking_code
from sitras_sheets.errors import InvalidTrackingCode
from web import present
from web.ports import TrackView

blueprint = Blueprint("pages", __name__)

VERIFIED_SECONDS = 12 * 3600  # at most, even if the browser session lasts longer
MAX_VERIFIED = 20
_DIGITS = re.compile(r"^\d{4}$")


def context():
    return current_app.extensions["sitras"]


def client() -> str:
    """Who is asking, for the rate limits: the IPv4 address, or the IPv6 /64
    (one household or phone gets a whole /64, so single addresses are cheap)."""
    address = request.remote_addr or "-"
    if ":" not in address:
        return address
    try:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    except ValueError:
        return address


def page(template: str, http_status: int = 200, **values) -> Response:
    response = current_app.make_response(render_template(template, **values))
    response.status_code = http_status
    return response


def message_page(heading: str, *paragraphs: str, status: int, **extra) -> Response:
    return page("message.html", status, heading=heading, paragraphs=paragraphs, **extra)


def limited_page(retry_after: int, heading_key: str, body_key: str) -> Response:
    minutes = max(1, (retry_after + 59) // 60)
    response = message_page(
        g.t(heading_key), g.t(body_key, minutes=minutes), status=429, show_form=False
    )
    response.headers["Retry-After"] = str(retry_after)
    return response


def _lookup_allowed() -> Response | None:
    ctx = context()
    key = ("lookup", client())
    if ctx.limiter.hit(key, ctx.limits.lookups_per_ip):
        return None
    return limited_page(
        ctx.limiter.retry_after(key, ctx.limits.lookups_per_ip),
        "web.limited.heading",
        "web.limited.body",
    )


def _parse(raw: str) -> tuple[str, Response | None]:
    """The bare code, or the friendly 400 page saying what is wrong with it."""
    try:
        return tracking_code.normalise(raw), None
    except InvalidTrackingCode:
        pass
    shown = raw.strip()[:40]
    bare = re.sub(r"[\s\-_.]+", "", raw)
    if not bare:
        return "", page("form.html", 400, error=g.t("web.form.empty"), value="")
    if not bare.isascii() or not bare.isalnum():
        reason = g.t("web.invalid.chars", code=shown)
    elif len(bare) != tracking_code.LENGTH:
        reason = g.t("web.invalid.length", code=shown, length=len(bare))
    else:
        reason = g.t("web.invalid.check", code=shown)
    response = message_page(
        g.t("web.invalid.heading"), reason, g.t("web.invalid.hint"), status=400, show_form=True
    )
    return "", response


def _not_found(code: str) -> Response:
    body = g.t("web.notfound.body", code=tracking_code.display(code))
    return message_page(g.t("web.notfound.heading"), body, status=404, show_form=True)


def _canonical(code: str) -> str:
    return f"/lacak/{code}"


def _to_letter(code: str, status: int) -> Response:
    return redirect(request.script_root + _canonical(code), status)


@blueprint.get("/")
def home() -> Response:
    return redirect(request.script_root + "/lacak", 302)


@blueprint.get("/favicon.ico")
def favicon() -> Response:
    return redirect(request.script_root + "/static/favicon.svg", 301)


@blueprint.get("/lacak")
def form() -> Response:
    raw = request.args.get("kode")
    if raw is None:
        return page("form.html", value="")
    refused = _lookup_allowed()
    if refused:
        return refused
    code, problem = _parse(raw[:200])
    return problem or _to_letter(code, 303)


@blueprint.get("/lacak/<raw>")
@blueprint.get("/lacak/<raw>/")
def letter(raw: str) -> Response:
    refused = _lookup_allowed()
    if refused:
        return refused
    code, problem = _parse(raw[:200])
    if problem:
        return problem
    if request.path != _canonical(code):
        return _to_letter(code, 301)
    view = context().store.view(code)
    if view is None:
        return _not_found(code)
    return _letter_page(view)


def _letter_page(view: TrackView) -> Response:
    lang = g.lang
    verified = _is_verified(view.code)
    notice = session.pop("notice", None) if "notice" in session else None
    if not (isinstance(notice, dict) and notice.get("code") == view.code):
        notice = None
    locked = bool(view.phone_last4) and not verified and _locked(view.code)
    desk, since = present.position(view, lang)
    return page(
        "letter.html",
        view=view,
        code_display=tracking_code.display(view.code),
        status=present.status_label(view.status, lang),
        status_key=present.status_key(view.status).lower() or "other",
        status_note=present.status_note(view.status, lang),
        position=desk,
        since=since,
        steps=present.timeline(view, lang),
        updated=present.when(view.updated_at, lang) if view.updated_at else "",
        verified=verified,
        can_verify=bool(view.phone_last4),
        locked=locked,
        notice=notice,
        csrf=_csrf_token() if view.phone_last4 and not verified and not locked else "",
    )


@blueprint.post("/lacak/<raw>/verifikasi")
def verify(raw: str) -> Response:
    g.switch_path = _canonical(raw)
    refused = _lookup_allowed()
    if refused:
        return refused
    if not _same_origin() or not _csrf_valid():
        return message_page(
            g.t("web.forbidden.heading"), g.t("web.forbidden.body"), status=403, show_form=False
        )
    code, problem = _parse(raw[:200])
    if problem:
        return problem
    view = context().store.view(code)
    if view is None:
        return _not_found(code)
    back = _to_letter(code, 303)
    if not view.phone_last4 or _is_verified(code):
        return back
    if _locked(code):
        return limited_page(_retry_after(code), "web.locked.heading", "web.locked.body")
    digits = request.form.get("digits", "").strip()
    if not _DIGITS.match(digits):
        session["notice"] = {"code": code, "key": "web.verify.format"}
        return back
    if hmac.compare_digest(digits.encode(), view.phone_last4.encode()):
        _mark_verified(code)
        return back
    ctx = context()
    for key, limit in _digit_limits(code):
        ctx.limiter.hit(key, limit)
    left = min(ctx.limiter.remaining(key, limit) for key, limit in _digit_limits(code))
    session["notice"] = {"code": code, "key": "web.verify.wrong", "left": left}
    return back


def _digit_limits(code: str):
    limits = context().limits
    ip = client()
    return (
        (("digits", ip, code), limits.wrong_digits_per_code_and_ip),
        (("digits-ip", ip), limits.wrong_digits_per_ip),
        (("digits-code", code), limits.wrong_digits_per_code),
    )


def _locked(code: str) -> bool:
    limiter = context().limiter
    return any(limiter.exhausted(key, limit) for key, limit in _digit_limits(code))


def _retry_after(code: str) -> int:
    limiter = context().limiter
    return max(limiter.retry_after(key, limit) for key, limit in _digit_limits(code))


def _is_verified(code: str) -> bool:
    verified = session.get("verified")
    if not isinstance(verified, dict):
        return False
    since = verified.get(code)
    now = context().clock()
    return isinstance(since, int | float) and 0 <= now - since < VERIFIED_SECONDS


def _mark_verified(code: str) -> None:
    verified = session.get("verified")
    verified = dict(verified) if isinstance(verified, dict) else {}
    verified[code] = int(context().clock())
    newest = sorted(verified.items(), key=lambda item: item[1])[-MAX_VERIFIED:]
    session["verified"] = dict(newest)
    session.pop("csrf", None)  # a fresh token after a change of privilege


def _csrf_token() -> str:
    token = session.get("csrf")
    if not isinstance(token, str) or len(token) < 32:
        token = session["csrf"] = secrets.token_urlsafe(32)
    return token


def _csrf_valid() -> bool:
    expected = session.get("csrf")
    given = request.form.get("csrf", "")
    if not isinstance(expected, str) or not expected or not given:
        return False
    return hmac.compare_digest(expected.encode(), given.encode("utf-8", "replace"))


def _same_origin() -> bool:
    """The form was posted from our own page, as far as the browser tells: Fetch
    metadata must say ``same-origin`` and an Origin header must be ours. Because
    every page is served with ``Referrer-Policy: no-referrer``, browsers send
    ``Origin: null`` on our own form posts; that alone proves nothing either way,
    so the per-session form token (and the SameSite=Lax session cookie) decide."""
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None and site != "same-origin":
        return False
    origin = request.headers.get("Origin")
    if not origin or origin == "null":
        return True
    allowed = {request.host_url.rstrip("/")}
    base = context().settings.office.public_base_url
    if base:
        parts = urlsplit(base)
        allowed.add(f"{parts.scheme}://{parts.netloc}")
    return origin.rstrip("/") in allowed
