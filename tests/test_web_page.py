"""The sender's tracking page, through Flask's test client, on in-memory ports."""

from __future__ import annotations

import os
import random
import re
import sys
import time

import pytest

from config.settings import build_settings
from sitras_sheets import tracking_code
from sitras_sheets.tracking_code import tracking_link
from web.app import create_app
from web.memory import MemorySink, MemoryStore
from web.ports import TrackStep, TrackView
from web.security import Limit, RateLimiter, load_or_create_secret_key

BASE_URL = "http://sitras.test"
PHONE = "6281234567890"
SENDER = "Siti Aminah Rahmawati"
SUBJECT = "Permohonan izin keramaian HUT desa"
DISPOSITION = "Asisten Pemerintahan: untuk ditindaklanjuti, hubungi Bpk. Darto Wiryo"


class Clock:
    def __init__(self, start: float = 1_765_000_000.0):
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def make_view(code: str, **changes) -> TrackView:
    values = dict(
        code=code,
        status="Diproses",
        received_at="2025-12-04 08:05",
        steps=(
            TrackStep("2025-12-04 09:15", "UMUM", "Bagian Umum", "Kepala Bagian Umum"),
            TrackStep("2025-12-04 11:40", "ASPEM", "Asisten Pemerintahan", ""),
        ),
        disposition=DISPOSITION,
        updated_at="2025-12-04 11:40",
        sender_name=SENDER,
        subject=SUBJECT,
        phone_last4=PHONE[-4:],
    )
    values.update(changes)
    return TrackView(**values)


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def store():
    return MemoryStore()


@pytest.fixture
def code(store):
    code = tracking_code.generate()
    store.add(make_view(code), PHONE)
    return code


@pytest.fixture
def app(store, clock):
    settings = build_settings({"office": {"public_base_url": BASE_URL}}, {}, "test")
    return create_app(settings, store, MemorySink(), clock=clock, secret_key=b"s" * 32)


@pytest.fixture
def client(app):
    return app.test_client()


def html(response) -> str:
    return response.get_data(as_text=True)


def visible_text(response) -> str:
    """The page as a reader sees it: tags dropped, entities left as they are."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html(response)))


def csrf_of(response) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html(response)).group(1)


def submit_digits(client, code: str, digits: str, *, token: str | None = None, **kwargs):
    if token is None:
        token = csrf_of(client.get(f"/lacak/{code}"))
    return client.post(
        f"/lacak/{code}/verifikasi", data={"digits": digits, "csrf": token}, **kwargs
    )


def wrong_digits(right: str) -> str:
    return f"{(int(right) + 1) % 10000:04d}"


# --- the form and the canonical URL ---


def test_form_is_in_indonesian_by_default(client):
    response = client.get("/lacak")
    assert response.status_code == 200
    assert '<html lang="id">' in html(response)
    assert "Lacak surat Anda" in html(response)
    assert 'action="/lacak"' in html(response)


def test_root_sends_to_the_form(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/lacak")


@pytest.mark.parametrize("style", ["lower", "dashes", "spaces", "aliases"])
def test_the_form_redirects_any_spelling_to_the_canonical_url(client, code, style):
    typed = {
        "lower": code.lower(),
        "dashes": tracking_code.display(code),
        "spaces": " ".join(tracking_code.display(code).split("-")),
        "aliases": code.replace("0", "O").replace("1", "l"),
    }[style]
    response = client.get("/lacak", query_string={"kode": typed})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/lacak/{code}"


@pytest.mark.parametrize("suffix", ["lower", "dashes", "slash"])
def test_a_letter_url_in_another_spelling_redirects(client, code, suffix):
    path = {
        "lower": f"/lacak/{code.lower()}",
        "dashes": f"/lacak/{tracking_code.display(code).lower()}",
        "slash": f"/lacak/{code}/",
    }[suffix]
    response = client.get(path)
    assert response.status_code == 301
    assert response.headers["Location"] == f"/lacak/{code}"
    assert client.get(response.headers["Location"]).status_code == 200


def test_the_receipt_link_is_the_canonical_page(client, code):
    link = tracking_link(BASE_URL, code)
    response = client.get(link.removeprefix(BASE_URL))
    assert response.status_code == 200


def test_wrong_check_symbol_is_a_friendly_400(client, code):
    last = tracking_code.ALPHABET.index(code[-1])
    mistyped = code[:-1] + tracking_code.ALPHABET[(last + 1) % 32]
    for response in (
        client.get(f"/lacak/{mistyped}"),
        client.get(
            "/lacak", query_string={"kode": f"{mistyped[:4]}-{mistyped[4:8]}-{mistyped[8:]}"}
        ),
    ):
        assert response.status_code == 400
        assert "Kode lacak salah ketik" in html(response)
        assert "simbol pemeriksa" in html(response)
        assert 'name="kode"' in html(response)  # the form is right there to retry


@pytest.mark.parametrize(
    ("typed", "says"),
    [("7K2M-9QXD", "12 karakter"), ("7K2M-9QXD-4TR3-XX", "12 karakter"), ("7K2M$9QXD4TR", "huruf")],
)
def test_other_malformed_codes_say_what_is_wrong(client, typed, says):
    response = client.get("/lacak", query_string={"kode": typed})
    assert response.status_code == 400
    assert says in html(response)


def test_an_empty_form_asks_for_a_code(client):
    response = client.get("/lacak", query_string={"kode": "  "})
    assert response.status_code == 400
    assert "Tulis kode lacak" in html(response)


def test_unknown_valid_code_is_a_friendly_404(client):
    unknown = tracking_code.generate()
    response = client.get(f"/lacak/{unknown}")
    assert response.status_code == 404
    assert "Surat tidak ditemukan" in html(response)
    assert tracking_code.display(unknown) in html(response)


def test_other_paths_get_a_friendly_404(client):
    response = client.get("/admin")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in html(response)


# --- the public timeline ---


def test_timeline_shows_desks_roles_times_position_and_status(client, code):
    response = client.get(f"/lacak/{code}")
    assert response.status_code == 200
    page = visible_text(response)
    assert tracking_code.display(code) in page
    assert "Diproses" in page
    assert "Diterima di loket" in page and "4 Des 2025, 08:05" in page
    assert "Di Bagian Umum" in page and "Penanggung jawab: Kepala Bagian Umum" in page
    assert "4 Des 2025, 09:15" in page
    # a desk without a role title: the desk's staff are in charge, no one by name
    assert "Penanggung jawab: petugas Asisten Pemerintahan" in page
    assert "Posisi saat ini Asisten Pemerintahan" in page
    assert "posisi sekarang" in page
    assert "Sudah didisposisi" in page


def test_the_public_page_shows_no_phone_no_name_no_subject(client, code):
    page = html(client.get(f"/lacak/{code}"))
    for private in (SENDER, "Siti", SUBJECT, PHONE, PHONE[-4:], "0812", "Darto", DISPOSITION):
        assert private not in page


def test_a_letter_without_a_number_offers_no_check(client, store):
    code = tracking_code.generate()
    store.add(make_view(code, phone_last4=""), "")
    page = html(client.get(f"/lacak/{code}"))
    assert "Tidak ada nomor WhatsApp" in page
    assert 'name="digits"' not in page
    response = client.post(f"/lacak/{code}/verifikasi", data={"digits": "0000", "csrf": "x"})
    assert response.status_code == 403  # no session token: nothing to guess either


def test_a_letter_still_at_the_counter(client, store):
    code = tracking_code.generate()
    store.add(make_view(code, steps=(), disposition="", status="Diterima"), PHONE)
    page = visible_text(client.get(f"/lacak/{code}"))
    assert "Posisi saat ini Loket penerimaan" in page
    assert "Belum ada disposisi" in page


@pytest.mark.parametrize(
    ("status", "note"),
    [("Selesai", "sudah selesai"), ("Dikembalikan", "perlu dilengkapi"), ("Ditolak", "penjelasan")],
)
def test_a_final_status_says_what_to_do_next(client, store, status, note):
    code = tracking_code.generate()
    store.add(make_view(code, status=status), PHONE)
    page = html(client.get(f"/lacak/{code}"))
    assert status in page and note in page


def test_english_switch_translates_and_is_remembered(client, code):
    page = html(client.get(f"/lacak/{code}"))
    assert f'href="/lacak/{code}?lang=en"' in page
    response = client.get(f"/lacak/{code}?lang=en")
    assert '<html lang="en">' in html(response)
    assert "Timeline" in html(response) and "In progress" in html(response)
    assert "lang=en" in response.headers["Set-Cookie"]
    again = client.get(f"/lacak/{code}")
    assert "Current position" in html(again)
    assert "Riwayat perjalanan" in html(client.get(f"/lacak/{code}?lang=id"))


def test_security_headers(client, code):
    for path in (f"/lacak/{code}", "/lacak", "/nowhere"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "script-src 'none'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "no-referrer"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Cache-Control"] == "no-store"
    page = html(client.get(f"/lacak/{code}"))
    assert "<script" not in page and " style=" not in page
    assert not re.search(r"\son[a-z]+=", page)  # no inline event handlers


def test_the_stylesheet_is_our_own(client):
    response = client.get("/static/sitras.css")
    assert response.status_code == 200
    assert response.mimetype == "text/css"
    assert "http" not in html(response)  # no CDN, no remote font


def test_html_in_subject_and_disposition_is_shown_as_text(client, store):
    code = tracking_code.generate()
    store.add(
        make_view(
            code,
            subject='<script>alert("x")</script><img src=x onerror=alert(1)>',
            disposition='Kabag "Umum": <b>segera</b> <a href="javascript:alert(2)">klik</a>',
            sender_name="<svg onload=alert(3)>",
            steps=(TrackStep("2025-12-04 09:15", "X", "<i>Meja</i>", "<u>Kepala</u>"),),
        ),
        PHONE,
    )
    before = html(client.get(f"/lacak/{code}"))
    assert "&lt;i&gt;Meja&lt;/i&gt;" in before and "<i>" not in before
    assert "&lt;u&gt;Kepala&lt;/u&gt;" in before and "<u>" not in before
    assert submit_digits(client, code, PHONE[-4:]).status_code == 303
    after = html(client.get(f"/lacak/{code}"))
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in after
    assert "&lt;img src=x onerror=alert(1)&gt;" in after
    assert "&lt;b&gt;segera&lt;/b&gt;" in after
    assert "&lt;svg onload=alert(3)&gt;" in after
    for raw in ("<script", "<img", "<b>", "<svg", '<a href="javascript'):
        assert raw not in after


# --- the four-digit check ---


def test_the_right_digits_show_name_and_subject_for_this_session_only(app, client, code):
    response = submit_digits(client, code, PHONE[-4:])
    assert response.status_code == 303
    assert response.headers["Location"] == f"/lacak/{code}"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Expires" not in cookie and "Max-Age" not in cookie  # a browser-session cookie
    page = html(client.get(f"/lacak/{code}"))
    assert SENDER in page and SUBJECT in page and "Bpk. Darto Wiryo" in page
    assert PHONE not in page and PHONE[-4:] not in page
    # another browser, same address: nothing
    other = html(app.test_client().get(f"/lacak/{code}"))
    assert SENDER not in other and SUBJECT not in other


def test_the_session_holds_only_codes_never_the_details(client, code):
    submit_digits(client, code, PHONE[-4:])
    cookie = client.get_cookie("sitras_sesi").value
    import base64
    import zlib

    payload = cookie.split(".")[0] if not cookie.startswith(".") else cookie.split(".")[1]
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    if cookie.startswith("."):
        raw = zlib.decompress(raw)
    assert code.encode() in raw
    for private in (SENDER, SUBJECT, PHONE[-4:]):
        assert private.encode() not in raw


def test_a_session_cookie_signed_with_another_key_is_not_trusted(client, store, clock, code):
    settings = build_settings({}, {}, "test")
    other = create_app(settings, store, MemorySink(), clock=clock, secret_key=b"o" * 32)
    elsewhere = other.test_client()
    submit_digits(elsewhere, code, PHONE[-4:])
    assert SUBJECT in html(elsewhere.get(f"/lacak/{code}"))
    client.set_cookie("sitras_sesi", elsewhere.get_cookie("sitras_sesi").value)
    assert SUBJECT not in html(client.get(f"/lacak/{code}"))
    client.set_cookie("sitras_sesi", '{"verified": {"%s": 1765000000}}' % code)  # noqa: UP031
    assert SUBJECT not in html(client.get(f"/lacak/{code}"))


def test_verification_expires(client, code, clock):
    submit_digits(client, code, PHONE[-4:])
    assert SUBJECT in html(client.get(f"/lacak/{code}"))
    clock.advance(13 * 3600)
    assert SUBJECT not in html(client.get(f"/lacak/{code}"))


def test_verification_needs_the_form_token(client, app, code):
    client.get(f"/lacak/{code}")
    no_token = client.post(f"/lacak/{code}/verifikasi", data={"digits": PHONE[-4:]})
    assert no_token.status_code == 403
    assert "Formulir kedaluwarsa" in html(no_token)
    stranger = app.test_client()
    foreign_token = csrf_of(stranger.get(f"/lacak/{code}"))
    assert submit_digits(client, code, PHONE[-4:], token=foreign_token).status_code == 403
    assert SUBJECT not in html(client.get(f"/lacak/{code}"))


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "https://evil.example", "Sec-Fetch-Site": "same-origin"},
        {"Origin": "null", "Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Sec-Fetch-Site": "none"},
    ],
)
def test_a_cross_site_post_is_refused(client, code, headers):
    response = submit_digits(client, code, PHONE[-4:], headers=headers)
    assert response.status_code == 403
    assert SUBJECT not in html(client.get(f"/lacak/{code}"))


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"},
        {"Origin": "http://sitras.test"},  # the public address, behind a proxy
        # what Chromium sends for our own form under Referrer-Policy: no-referrer
        {"Origin": "null", "Sec-Fetch-Site": "same-origin"},
    ],
)
def test_a_same_origin_post_is_accepted(client, code, headers):
    assert submit_digits(client, code, PHONE[-4:], headers=headers).status_code == 303
    assert SUBJECT in html(client.get(f"/lacak/{code}"))


def test_digits_in_the_wrong_format_do_not_count(client, code):
    for typed in ("12", "abcd", "12345", ""):
        response = submit_digits(client, code, typed)
        assert response.status_code == 303
        assert "tepat 4 angka" in html(client.get(f"/lacak/{code}"))
    assert submit_digits(client, code, PHONE[-4:]).status_code == 303
    assert SUBJECT in html(client.get(f"/lacak/{code}"))


def test_guessing_the_digits_is_locked_after_five_wrong_tries(client, code, clock):
    token = csrf_of(client.get(f"/lacak/{code}"))
    wrong = wrong_digits(PHONE[-4:])
    for left in (4, 3, 2, 1, 0):
        assert submit_digits(client, code, wrong, token=token).status_code == 303
        page = html(client.get(f"/lacak/{code}"))
        assert f"Sisa percobaan: {left}" in page
    assert 'name="digits"' not in page and "Terlalu banyak percobaan" in page
    locked = submit_digits(client, code, PHONE[-4:], token=token)  # even the right digits
    assert locked.status_code == 429
    assert "Terlalu banyak percobaan" in html(locked) and "60 menit" in html(locked)
    assert 3500 < int(locked.headers["Retry-After"]) <= 3600
    assert SUBJECT not in html(client.get(f"/lacak/{code}"))
    clock.advance(3601)
    assert submit_digits(client, code, PHONE[-4:]).status_code == 303
    assert SUBJECT in html(client.get(f"/lacak/{code}"))


def client_at(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_the_lock_counts_per_address(app, code):
    attacker, sender = client_at(app, "203.0.113.9"), client_at(app, "198.51.100.7")
    token = csrf_of(attacker.get(f"/lacak/{code}"))
    for _ in range(5):
        submit_digits(attacker, code, wrong_digits(PHONE[-4:]), token=token)
    assert submit_digits(attacker, code, PHONE[-4:], token=token).status_code == 429
    assert submit_digits(sender, code, PHONE[-4:]).status_code == 303
    assert SUBJECT in html(sender.get(f"/lacak/{code}"))


def test_many_addresses_together_get_ten_wrong_tries_per_code_a_day(app, code, clock):
    for number in range(10):
        submit_digits(client_at(app, f"203.0.113.{number}"), code, f"{number:04d}")
    late = client_at(app, "198.51.100.7")
    page = html(late.get(f"/lacak/{code}"))
    assert 'name="digits"' not in page and "Terlalu banyak percobaan" in page
    clock.advance(86_401)
    assert submit_digits(late, code, PHONE[-4:]).status_code == 303


def test_one_address_gets_twenty_wrong_tries_over_all_codes(app, store):
    codes = []
    for _ in range(5):
        codes.append(tracking_code.generate())
        store.add(make_view(codes[-1]), PHONE)
    guesser = client_at(app, "203.0.113.50")
    token = csrf_of(guesser.get(f"/lacak/{codes[0]}"))
    for code in codes[:4]:
        for _ in range(5):
            submit_digits(guesser, code, wrong_digits(PHONE[-4:]), token=token)
    assert submit_digits(guesser, codes[4], PHONE[-4:], token=token).status_code == 429


# --- enumeration ---


def test_ten_thousand_random_codes_from_one_address(app, store, code):
    attacker = client_at(app, "203.0.113.66")
    rng = random.Random(5)
    counts: dict[int, int] = {}
    started = time.perf_counter()
    for _ in range(10_000):
        data = "".join(rng.choice(tracking_code.ALPHABET) for _ in range(11))
        candidate = data + rng.choice((tracking_code.check_symbol(data), "0"))
        response = attacker.get(f"/lacak/{candidate}")
        counts[response.status_code] = counts.get(response.status_code, 0) + 1
        body = response.get_data()
        assert SENDER.encode() not in body and SUBJECT.encode() not in body
        assert PHONE[-4:].encode() not in body
    elapsed = time.perf_counter() - started
    assert counts[429] >= 10_000 - 60
    assert set(counts) <= {400, 404, 429}
    assert store.lookups <= 60  # the store was not even asked after the limit
    assert elapsed < 30, f"10,000 requests took {elapsed:.1f} s"
    # the real sender, elsewhere, is not affected
    assert client_at(app, "198.51.100.7").get(f"/lacak/{code}").status_code == 200


def test_one_ipv6_network_counts_as_one_address(app, code):
    for host in range(60):
        assert client_at(app, f"2001:db8:1:2::{host:x}").get(f"/lacak/{code}").status_code == 200
    assert client_at(app, "2001:db8:1:2:ffff::1").get(f"/lacak/{code}").status_code == 429
    assert client_at(app, "2001:db8:1:3::1").get(f"/lacak/{code}").status_code == 200


def test_the_lookup_limit_is_friendly_and_recovers(app, code, clock):
    visitor = client_at(app, "203.0.113.77")
    for _ in range(60):
        assert visitor.get(f"/lacak/{code}").status_code == 200
    refused = visitor.get(f"/lacak/{code}")
    assert refused.status_code == 429
    assert "Terlalu banyak permintaan" in html(refused) and "Retry-After" in refused.headers
    assert refused.headers["Cache-Control"] == "no-store"
    clock.advance(61)
    assert visitor.get(f"/lacak/{code}").status_code == 200


# --- pieces ---


def test_the_rate_limiter_slides_and_stays_bounded():
    clock = Clock(0)
    limiter = RateLimiter(clock, max_keys=100)
    limit = Limit(3, 10)
    assert [limiter.hit("a", limit) for _ in range(4)] == [True, True, True, False]
    assert limiter.retry_after("a", limit) == 10
    clock.advance(5)
    assert not limiter.hit("a", limit)
    assert limiter.remaining("a", limit) == 0
    clock.advance(5)
    assert limiter.remaining("a", limit) == 3 and limiter.hit("a", limit)
    for key in range(1000):
        limiter.hit(("flood", key), limit)
    assert len(limiter._events) <= 100


def test_the_secret_key_is_made_once_and_kept(tmp_path):
    folder = tmp_path / "data"
    first = load_or_create_secret_key(folder)
    assert len(first) == 64
    assert load_or_create_secret_key(folder) == first
    if sys.platform != "win32":
        assert oct(os.stat(folder / "web-secret.key").st_mode & 0o777) == "0o600"


def test_without_a_secret_key_the_app_keeps_one_in_the_data_folder(tmp_path, store):
    settings = build_settings({"state": {"path": str(tmp_path / "d" / "state.sqlite3")}}, {}, "t")
    app = create_app(settings, store, MemorySink())
    assert app.secret_key == (tmp_path / "d" / "web-secret.key").read_text().strip().encode()
    assert repr(app.secret_key) not in repr(settings)


# --- over the notifier's state (jobs.state) and through `main.py serve` ---


def seed_state(path, code: str):
    from jobs.diff import LetterState
    from sitras_sheets.models import Desk
    from tests.fakes import seeded_state

    letter = LetterState(
        code=code,
        subject=SUBJECT,
        sender=SENDER,
        whatsapp="0812-3456-7890",
        received_at="2025-12-04 08:05",
        status="Diproses",
        disposition=DISPOSITION,
        updated_at="2025-12-04 09:16",
    )
    stops = [
        ("2025-12-04 09:15", Desk("UMUM", "Bagian Umum", "Hj. Ratna Dewi Kusuma")),
        ("2025-12-04 11:40", Desk("ASPEM", "Asisten Pemerintahan", "Drs. H. Ahmad Yani")),
    ]
    return seeded_state(path, letter, stops)


def test_the_page_reads_the_notifiers_state_and_names_no_one(tmp_path, clock):
    from web.sqlite_store import build

    code = tracking_code.generate()
    seed_state(tmp_path / "state.sqlite3", code).close()
    settings = build_settings({"state": {"path": str(tmp_path / "state.sqlite3")}}, {}, "t")
    store, sink = build(settings)
    client = create_app(settings, store, sink, clock=clock, secret_key=b"s" * 32).test_client()
    response = client.get(f"/lacak/{code}")
    assert response.status_code == 200
    page = visible_text(response)
    assert "Di Bagian Umum" in page and "Penanggung jawab: petugas Bagian Umum" in page
    assert "Posisi saat ini Asisten Pemerintahan" in page
    for private in ("Ratna", "Ahmad", SENDER, SUBJECT, "7890", "0812"):
        assert private not in html(response)
    assert client.get(f"/lacak/{tracking_code.generate()}").status_code == 404
    assert submit_digits(client, code, "7890").status_code == 303
    assert SUBJECT in html(client.get(f"/lacak/{code}"))


def test_serve_runs_the_page_under_waitress(tmp_path):
    import subprocess
    import urllib.request

    code = tracking_code.generate()
    seed_state(tmp_path / "state.sqlite3", code).close()
    config = tmp_path / "sitras.toml"
    config.write_text(
        f"[register]\npath = {str(tmp_path / 'register.sqlite3')!r}\n"
        f"[state]\npath = {str(tmp_path / 'state.sqlite3')!r}\n"
    )
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    server = subprocess.Popen(
        [sys.executable, "main.py", "--config", str(config), "serve", "--port", "0"],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "SITRAS_WEB_SECRET_KEY": ""},
    )
    try:
        line = server.stdout.readline()
        address = re.search(r"http://127\.0\.0\.1:(\d+)/lacak", line)
        assert address, line + server.stderr.read(2000) if server.poll() is not None else line
        with urllib.request.urlopen(
            f"http://127.0.0.1:{address.group(1)}/lacak/{code}", timeout=10
        ) as response:
            body = response.read().decode()
            assert response.status == 200
            assert response.headers["Server"] == "sitras"
        assert "Bagian Umum" in body and SENDER not in body
        assert (tmp_path / "web-secret.key").is_file()  # made in the data folder
    finally:
        server.terminate()
        server.wait(timeout=10)
    key = (tmp_path / "web-secret.key").read_text().strip()
    assert key not in server.stdout.read() + server.stderr.read()  # never logged
