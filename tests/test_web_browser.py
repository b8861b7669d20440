"""End to end in a real browser: Debian's Chromium, driven by Playwright, against the
app served by waitress on 127.0.0.1 (an ephemeral port, in a thread).

Needs ``playwright`` from requirements-dev.txt and a Chromium: Debian's apt
package ``chromium``, or on Ubuntu (where Chromium is a snap) Playwright's own
build, which sitras.sh installs there. When either is missing the test FAILS
with the install command: CI must not pass by skipping it."""

from __future__ import annotations

import os
import re
import shutil
import threading
from pathlib import Path

import pytest

from config.settings import build_settings
from sitras_sheets import tracking_code
from web.app import create_app
from web.commands import make_server
from web.memory import MemorySink, MemoryStore
from web.ports import TrackStep, TrackView

ROOT = Path(__file__).parents[1]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = "6281234567890"
SENDER = "Siti Aminah Rahmawati"
SUBJECT = "Permohonan izin keramaian HUT Desa Sumber"
DISPOSITION = "Asisten Pemerintahan: untuk ditindaklanjuti"
PHONE_LIKE = re.compile(r"(?:\+?62|0)8\d{7,12}|\d{4}[\s-]\d{4}[\s-]\d{3,4}")


def chromium_path() -> str | None:
    """Debian's Chromium, the binary SITRAS_CHROMIUM names, or None for
    Playwright's own build (SITRAS_CHROMIUM=playwright: what sitras.sh sets on
    Ubuntu, whose Chromium is a snap)."""
    chosen = os.environ.get("SITRAS_CHROMIUM", "")
    if chosen == "playwright":
        return None
    path = chosen or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).is_file():
        pytest.fail(
            "Chromium is missing: install Debian's package with "
            "`apt-get install -y --no-install-recommends chromium`, or set SITRAS_CHROMIUM "
            "to a Chromium binary, or to `playwright` after `playwright install chromium`",
            pytrace=False,
        )
    return path


def sync_playwright():
    try:
        from playwright.sync_api import sync_playwright as start
    except ImportError:
        pytest.fail(
            "Playwright for Python is missing: `.venv/bin/pip install playwright==1.65.2` "
            "(listed in requirements-dev.txt)",
            pytrace=False,
        )
    return start()


def letter_code() -> str:
    # a code in which the sender's last four digits cannot appear by chance
    while True:
        code = tracking_code.generate()
        if PHONE[-4:] not in code:
            return code


@pytest.fixture
def served():
    store = MemoryStore()
    code = letter_code()
    store.add(
        TrackView(
            code=code,
            status="Didisposisi",
            received_at="2025-12-04 08:05",
            steps=(
                TrackStep("2025-12-04 09:12", "UMUM", "Bagian Umum", "Kepala Bagian Umum"),
                TrackStep(
                    "2025-12-04 13:40", "ASPEM", "Asisten Pemerintahan dan Kesejahteraan Rakyat"
                ),
            ),
            disposition=DISPOSITION,
            updated_at="2025-12-04 13:41",
            sender_name=SENDER,
            subject=SUBJECT,
            phone_last4=PHONE[-4:],
        ),
        PHONE,
    )
    settings = build_settings({}, {}, "browser test")
    app = create_app(settings, store, MemorySink(), secret_key=os.urandom(32))
    server = make_server(app, "127.0.0.1", 0)
    thread = threading.Thread(target=server.run, name="waitress-test", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}", code
    finally:
        server.close()
        thread.join(timeout=5)


def test_track_a_letter_in_chromium(served):
    base, code = served
    executable = chromium_path()
    ARTIFACTS.mkdir(exist_ok=True)
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            phone = browser.new_context(viewport={"width": 390, "height": 844})
            page = phone.new_page()
            page.on("console", lambda message: problems.append(message.text))
            page.on("pageerror", lambda error: problems.append(str(error)))

            page.goto(f"{base}/lacak")
            assert page.locator("h1").inner_text() == "Lacak surat Anda"
            page.screenshot(path=str(ARTIFACTS / "lacak-form-390.png"), full_page=True)

            typed = tracking_code.display(code).lower()
            page.fill("#kode", typed)
            with page.expect_navigation(url=f"{base}/lacak/{code}"):
                page.click("form.lookup button[type=submit]")
            assert page.locator("h1.code").inner_text() == tracking_code.display(code)
            assert page.locator("#status").inner_text() == "Didisposisi"
            steps = page.locator("#timeline li").all_inner_texts()
            assert len(steps) == 3
            assert "Diterima di loket" in steps[0] and "4 Des 2025, 08:05" in steps[0]
            assert "Penanggung jawab: Kepala Bagian Umum" in steps[1]
            assert "posisi sekarang" in steps[2]
            # our stylesheet applies under the CSP (no inline style, no CDN)
            header = page.locator("header.bar").evaluate("e => getComputedStyle(e).backgroundColor")
            assert header == "rgb(11, 93, 59)"

            dom = page.content()
            for private in (SENDER, "Siti", "Aminah", SUBJECT, PHONE, PHONE[-4:], DISPOSITION):
                assert private not in dom, f"{private!r} is in the DOM before the check"
            assert not PHONE_LIKE.search(dom)
            page.screenshot(path=str(ARTIFACTS / "lacak-timeline-390.png"), full_page=True)

            page.fill("#digits", PHONE[-4:])
            with page.expect_navigation(url=f"{base}/lacak/{code}"):
                page.click("form.verify button[type=submit]")
            assert page.locator("#subject").inner_text() == SUBJECT
            assert page.locator("#sender").inner_text() == SENDER
            assert page.locator("#disposition").inner_text() == DISPOSITION
            assert PHONE not in page.content()
            page.screenshot(path=str(ARTIFACTS / "lacak-verified-390.png"), full_page=True)

            # the session cookie carries the proof; the cookie lives for this session only
            [session] = [c for c in phone.cookies() if c["name"] == "sitras_sesi"]
            assert session["httpOnly"] and session["sameSite"] == "Lax"
            assert session["expires"] == -1

            desktop = browser.new_context(viewport={"width": 1280, "height": 800})
            wide = desktop.new_page()
            wide.goto(f"{base}/lacak/{code}?lang=en")
            assert wide.locator("#status").inner_text() == "Forwarded (disposition)"
            assert SUBJECT not in wide.content()  # another browser: not verified
            wide.fill("#digits", PHONE[-4:])
            with wide.expect_navigation(url=f"{base}/lacak/{code}"):
                wide.click("form.verify button[type=submit]")
            assert wide.locator("#subject").inner_text() == SUBJECT
            wide.screenshot(path=str(ARTIFACTS / "lacak-verified-1280.png"), full_page=True)
        finally:
            browser.close()
    assert not problems, f"browser console: {problems}"
    for name in ("form-390", "timeline-390", "verified-390", "verified-1280"):
        assert (ARTIFACTS / f"lacak-{name}.png").stat().st_size > 10_000
