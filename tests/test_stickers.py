"""Stickers and receipts: rendered to pixels (pypdfium2) and read back by the
station pipeline, upright and turned; their texts; the ``receipt`` command."""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium
import pytest

from config.settings import OfficeSettings, RegisterSettings, Settings
from scanner import commands
from scanner.pipeline import Pipeline, decode_frame
from scanner.stickers import label_pdf, wa_link, write_receipt, write_sticker
from sitras_sheets import tracking_code
from sitras_sheets.errors import InvalidPhoneNumber, LetterNotFound
from sitras_sheets.models import Letter

CODE = "7K2M9QXD4TR3"
BASE = "https://sitras.example.go.id"
LETTER = Letter(
    code="7K2M-9QXD-4TR3",
    received_at="2026-12-04 10:15",
    number="140/27/DS/XI/2026",
    subject='Undangan <b>rapat</b> & "koordinasi" =IMPORTXML("http://x","//a")',
    sender="Siti Rahmawati",
    sender_org="Pemerintah Desa Sumber",
)


def render(path: Path, dpi: int = 150) -> list[np.ndarray]:
    """Every page of a PDF as a gray image."""
    pdf = pdfium.PdfDocument(str(path))
    try:
        pages = []
        for page in pdf:
            bitmap = page.render(scale=dpi / 72, grayscale=True)
            pixels = bitmap.to_numpy().copy()
            pages.append(pixels.reshape(pixels.shape[0], pixels.shape[1]))
        return pages
    finally:
        pdf.close()


def page_text(path: Path) -> str:
    pdf = pdfium.PdfDocument(str(path))
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in pdf)
    finally:
        pdf.close()


def rotate(image: np.ndarray, angle: float) -> np.ndarray:
    """``image`` turned by ``angle`` degrees on a canvas large enough for it."""
    h, w = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    cos, sin = abs(matrix[0, 0]), abs(matrix[0, 1])
    size = (int(h * sin + w * cos), int(h * cos + w * sin))
    matrix[0, 2] += size[0] / 2 - w / 2
    matrix[1, 2] += size[1] / 2 - h / 2
    return cv2.warpAffine(image, matrix, size, flags=cv2.INTER_LINEAR, borderValue=255)


def raw_texts(image: np.ndarray) -> set[tuple[str, str]]:
    """(symbology, text) of every symbol, tracking code or not."""
    found = Pipeline().read(image, accept=lambda _: False)  # run every step
    return {(item.symbology, item.text) for item in found}


# -- the sticker ----------------------------------------------------------------------


@pytest.mark.parametrize("layout", ["label", "a4", "58mm", "80mm"])
def test_the_sticker_reads_back_upright_and_turned(tmp_path: Path, layout: str) -> None:
    path = write_sticker(LETTER, OfficeSettings(), tmp_path / f"stiker-{layout}.pdf", layout)
    (page,) = render(path)
    for angle in (0, 37, 90, 180):
        assert decode_frame(rotate(page, angle)) == [CODE], angle


def test_the_sticker_carries_code128_with_dashes_and_a_qr_of_the_bare_code(tmp_path) -> None:
    (page,) = render(write_sticker(LETTER, OfficeSettings(), tmp_path / "s.pdf", "label"))
    assert raw_texts(page) == {("code128", "7K2M-9QXD-4TR3"), ("qr", CODE)}
    text = page_text(tmp_path / "s.pdf")
    assert "7K2M-9QXD-4TR3" in text
    assert "2026-12-04 10:15" in text


@pytest.mark.parametrize("symbols", [("qr",), ("code128",)])
def test_each_symbol_of_the_sticker_reads_on_its_own(symbols: tuple[str, ...]) -> None:
    pdf = pdfium.PdfDocument(label_pdf(LETTER, OfficeSettings(), symbols=symbols))
    try:
        pixels = pdf[0].render(scale=200 / 72, grayscale=True).to_numpy().copy()
    finally:
        pdf.close()
    page = pixels.reshape(pixels.shape[0], pixels.shape[1])
    assert {kind for kind, _ in raw_texts(page)} == set(symbols)
    assert decode_frame(rotate(page, 143)) == [CODE]


def test_an_a4_sheet_of_stickers_holds_the_copies_asked_for(tmp_path: Path) -> None:
    path = write_sticker(LETTER, OfficeSettings(), tmp_path / "lembar.pdf", "a4", copies=5)
    assert page_text(path).count("7K2M-9QXD-4TR3") == 5
    assert decode_frame(render(path)[0]) == [CODE]


# -- the receipt ----------------------------------------------------------------------


@pytest.mark.parametrize("layout", ["a4", "58mm", "80mm"])
def test_the_receipt_reads_back_upright_and_turned(tmp_path: Path, layout: str) -> None:
    office = OfficeSettings(public_base_url=BASE)
    path = write_receipt(LETTER, office, tmp_path / f"r-{layout}.pdf", layout, "0812-3456-7890")
    pages = render(path)
    assert len(pages) == 1
    for angle in (0, 37, 90, 180):
        assert decode_frame(rotate(pages[0], angle), base_url=BASE) == [CODE], angle


@pytest.mark.parametrize("layout", ["a4", "58mm", "80mm"])
def test_the_receipt_qr_is_the_tracking_link_and_wa_me_is_offered(tmp_path, layout) -> None:
    office = OfficeSettings(public_base_url=BASE + "/")
    path = write_receipt(LETTER, office, tmp_path / "r.pdf", layout, "+62 812-3456-7890")
    found = raw_texts(render(path, dpi=150 if layout == "a4" else 203)[0])  # printer dots
    wa = "https://wa.me/6281234567890?text=LACAK%207K2M9QXD4TR3"
    assert ("qr", f"{BASE}/lacak/{CODE}") in found
    assert ("qr", wa) in found
    assert ("qr", CODE) in found and ("code128", "7K2M-9QXD-4TR3") in found  # the sticker
    text = page_text(path).replace("\r", "").replace("\n", "")
    assert wa in text


def test_without_an_address_the_receipt_qr_is_the_bare_code_with_a_note(tmp_path) -> None:
    path = write_receipt(LETTER, OfficeSettings(public_base_url=""), tmp_path / "r.pdf", "80mm")
    found = raw_texts(render(path)[0])
    assert {text for kind, text in found if kind == "qr"} == {CODE}
    text = page_text(path)
    assert "belum tersedia" in text
    assert "wa.me" not in text and "lacak/" not in text


def test_the_receipt_shows_the_letter_literally(tmp_path: Path) -> None:
    office = OfficeSettings(name="Sekretariat Daerah Kabupaten Cirebon")
    text = page_text(write_receipt(LETTER, office, tmp_path / "r.pdf", "a4"))
    flat = " ".join(text.split())
    for expected in (
        "Sekretariat Daerah Kabupaten Cirebon",
        "TANDA TERIMA SURAT",
        "7K2M-9QXD-4TR3",
        "140/27/DS/XI/2026",
        "Siti Rahmawati (Pemerintah Desa Sumber)",
        "2026-12-04 10:15",
        'Undangan <b>rapat</b> & "koordinasi"',  # markup stays text
        '=IMPORTXML("http://x","//a")',
    ):
        assert expected in flat, expected


def test_a_long_subject_wraps_inside_a_58mm_roll(tmp_path: Path) -> None:
    letter = replace(LETTER, subject="Permohonan " * 40 + "x" * 90)
    path = write_receipt(letter, OfficeSettings(), tmp_path / "r.pdf", "58mm")
    (page,) = render(path)
    short = render(write_receipt(LETTER, OfficeSettings(), tmp_path / "s.pdf", "58mm"))[0]
    assert page.shape[1] == short.shape[1]  # same roll width
    assert page.shape[0] > short.shape[0] + 150  # the page grew instead
    margin = page[:, : int(page.shape[1] * 5 / 58)]  # the 5 mm left margin stays blank
    assert margin.min() > 200
    assert decode_frame(page) == [CODE]


@pytest.mark.parametrize("layout", ["58mm", "80mm", "a4"])
def test_the_code_in_large_type_never_breaks_across_lines(tmp_path: Path, layout: str) -> None:
    wide = "WWWW-WWWW-WWW" + tracking_code.check_symbol("WWWWWWWWWWW")
    letter = replace(LETTER, code=wide)
    lines = page_text(write_receipt(letter, OfficeSettings(), tmp_path / "r.pdf", layout))
    assert lines.splitlines().count(wide) >= 2  # on the receipt and on the sticker


def test_bad_layouts_and_numbers_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="layout"):
        write_receipt(LETTER, OfficeSettings(), tmp_path / "r.pdf", "a5")
    with pytest.raises(ValueError, match="layout"):
        write_sticker(LETTER, OfficeSettings(), tmp_path / "s.pdf", "letter")
    with pytest.raises(InvalidPhoneNumber):
        wa_link("12", CODE)
    assert not (tmp_path / "r.pdf").exists()


# -- receipt CODE [-o FILE.pdf] ------------------------------------------------------


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        office=OfficeSettings(public_base_url=BASE),
        register=RegisterSettings(backend="local", path=str(tmp_path / "register.sqlite3")),
    )


def _registered(settings: Settings) -> Letter:
    from app.bootstrap import build_register

    register = build_register(settings)
    register.init()
    return register.add_letter(replace(LETTER, code="", received_at=""))


def test_receipt_writes_the_default_file_in_the_current_folder(
    settings, tmp_path, monkeypatch, capsys
) -> None:
    letter = _registered(settings)
    monkeypatch.chdir(tmp_path)
    code = tracking_code.normalise(letter.code)
    args = argparse.Namespace(code=code.lower(), output=None, layout="a4")
    assert commands.receipt(settings, args) == 0
    path = tmp_path / f"tanda-terima-{tracking_code.display(code)}.pdf"
    assert path.is_file()
    assert decode_frame(render(path)[0], base_url=BASE) == [code]
    assert str(path.name) in capsys.readouterr().out


def test_receipt_writes_where_asked_and_refuses_an_unknown_code(settings, tmp_path) -> None:
    letter = _registered(settings)
    target = tmp_path / "keluar" / "r.pdf"
    target.parent.mkdir()
    args = argparse.Namespace(code=letter.code, output=str(target), layout="a4")
    assert commands.receipt(settings, args) == 0
    assert target.is_file()
    roll = tmp_path / "roll.pdf"
    args = argparse.Namespace(code=letter.code, output=str(roll), layout="58mm")
    assert commands.receipt(settings, args) == 0
    pdf = pdfium.PdfDocument(str(roll))
    assert round(pdf[0].get_width() / 72 * 25.4) == 58
    pdf.close()
    other = tracking_code.generate()
    with pytest.raises(LetterNotFound):
        commands.receipt(settings, argparse.Namespace(code=other, output=None, layout="a4"))
