"""Decoding: payload interpretation, the decoders, the station pipeline on
synthetic webcam frames, and the ``decode`` command."""

from __future__ import annotations

import argparse
import json
import logging
import sys

import cv2
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from config.settings import OfficeSettings, Settings
from scanner import commands, pipeline
from scanner.decoders import CODE128, QR, OpenCVDecoder, PyzbarDecoder, ZxingDecoder
from scanner.frames import make_frame, symbol_image
from scanner.payload import interpret
from scanner.pipeline import Pipeline, decode_frame
from sitras_sheets import tracking_code
from sitras_sheets.tracking_code import tracking_link

CODE = "7K2M9QXD4TR3"  # valid: check symbol 3
ALPHABET = tracking_code.ALPHABET


def codes() -> st.SearchStrategy[str]:
    data = st.text(alphabet=ALPHABET, min_size=11, max_size=11)
    return data.map(lambda d: d + tracking_code.check_symbol(d))


def grouped(code: str) -> str:
    return f"{code[:4]}-{code[4:8]}-{code[8:]}"


# -- payload interpretation -----------------------------------------------------------


@given(codes(), st.sampled_from(["-", " ", ""]), st.booleans())
def test_a_code_in_any_grouping_and_case_is_read(code: str, separator: str, lower: bool) -> None:
    payload = separator.join((code[:4], code[4:8], code[8:]))
    assert interpret(payload.lower() if lower else payload) == code
    assert interpret(f"  {payload}\n") == code


@given(codes(), st.sampled_from(["https://sitras.example.go.id", "http://10.0.0.5:8080/app"]))
def test_a_tracking_link_is_read_bare_or_grouped(code: str, base: str) -> None:
    assert interpret(tracking_link(base, code)) == code
    assert interpret(f"{base}/lacak/{grouped(code).lower()}") == code
    assert interpret(f"{base.upper()}/LACAK/{code}/") == code
    assert interpret(tracking_link(base, code), base_url=base) == code


@given(codes())
def test_a_link_elsewhere_is_refused_when_the_office_address_is_known(code: str) -> None:
    link = tracking_link("https://phishing.example.com", code)
    assert interpret(link) == code  # without an address any …/lacak/CODE is a code
    assert interpret(link, base_url="https://sitras.example.go.id") is None
    assert interpret(f"https://sitras.example.go.id/other/{code}") is None


@given(codes(), st.integers(min_value=1, max_value=31))
def test_a_wrong_check_symbol_is_refused(code: str, shift: int) -> None:
    wrong = ALPHABET[(ALPHABET.index(code[-1]) + shift) % 32]
    assert interpret(code[:-1] + wrong) is None
    assert interpret(grouped(code[:-1] + wrong)) is None


@given(st.from_regex(r"\A[0-9]{8,14}\Z"))
def test_retail_digits_are_not_codes(digits: str) -> None:
    assert interpret(digits) is None  # EAN-8/13, UPC-A, ITF-14, stock numbers


def test_a_code_of_digits_only_is_read_grouped_or_from_its_link() -> None:
    code = "100000000399"  # a valid code of digits only
    assert code.isdigit()
    assert interpret(grouped(code)) == code
    assert interpret(f"https://sitras.example.go.id/lacak/{code}") == code
    assert interpret(code) is None


@given(codes(), st.text(min_size=1, max_size=5).filter(lambda s: s.strip()))
def test_a_code_inside_other_text_is_not_a_payload(code: str, extra: str) -> None:
    assert interpret(f"{code}{extra.strip()}x") is None
    assert interpret(f"NOTA {grouped(code)}") is None


@given(st.text(max_size=80))
def test_any_text_is_none_or_a_valid_code(value: str) -> None:
    result = interpret(value)
    assert result is None or tracking_code.normalise(result) == result


# -- decoders -------------------------------------------------------------------------


@pytest.mark.parametrize("decoder", [ZxingDecoder, PyzbarDecoder, OpenCVDecoder])
def test_every_decoder_reads_a_clean_qr_with_its_symbology(decoder) -> None:
    found = decoder().decode(symbol_image(CODE, "qr", module_px=8))
    assert [(item.text, item.symbology) for item in found] == [(CODE, QR)]


@pytest.mark.parametrize("decoder", [ZxingDecoder, PyzbarDecoder])
def test_zxing_and_zbar_read_a_clean_code128(decoder) -> None:
    image = cv2.cvtColor(symbol_image(grouped(CODE), "code128"), cv2.COLOR_GRAY2BGR)
    found = decoder().decode(image)
    assert [(item.text, item.symbology) for item in found] == [(grouped(CODE), CODE128)]


# -- the pipeline on frames -----------------------------------------------------------


def test_frames_follow_from_their_seed() -> None:
    first, again = make_frame("both", "hard", 5), make_frame("both", "hard", 5)
    assert np.array_equal(first.image, again.image)
    assert first.expected == again.expected and first.params == again.params
    other = make_frame("both", "hard", 6)
    assert other.expected != first.expected
    assert first.image.shape == (720, 1280, 3)
    assert 280 <= first.params["label_px"] <= 400  # the hard level's label width


@pytest.mark.parametrize(
    "image",
    [
        np.zeros((720, 1280, 3), np.uint8),
        np.random.default_rng(1).integers(0, 256, (720, 1280), dtype=np.uint8),
        np.zeros((0, 0), np.uint8),
        np.full((1, 1), 128, np.uint8),
        np.full((12, 700, 4), 200, np.uint8),
        None,
    ],
    ids=["black", "noise", "empty", "one-pixel", "thin-bgra", "none"],
)
def test_a_frame_without_a_code_gives_nothing(image) -> None:
    assert decode_frame(image) == []


@pytest.mark.parametrize("kind", ["none", "ean13", "foreign_qr", "foreign_code128", "bad_check"])
def test_negative_frames_give_nothing(kind: str) -> None:
    for level, seed in (("easy", 1), ("medium", 2)):
        frame = make_frame(kind, level, seed)
        assert frame.expected == ()
        assert decode_frame(frame.image) == []


def test_the_foreign_symbols_in_negative_frames_are_really_readable() -> None:
    """The negatives above mean something only if the symbols in them decode."""
    everything = ZxingDecoder(all_formats=True)
    for kind, symbology in (("ean13", "EAN-13"), ("foreign_qr", QR), ("bad_check", CODE128)):
        found = everything.decode(make_frame(kind, "easy", 1).image)
        assert found, kind
        assert symbology in {item.symbology for item in found}
    bad = everything.decode(make_frame("bad_check", "easy", 1).image)[0].text
    assert len(bad.replace("-", "")) == 12
    assert not tracking_code.is_valid(bad)


def test_an_ean13_alone_is_ignored() -> None:
    image = symbol_image("5901234123457", "ean13", module_px=4)
    assert ZxingDecoder(all_formats=True).decode(image)[0].text == "5901234123457"
    assert decode_frame(image) == []


def test_two_different_codes_in_one_frame_are_both_read() -> None:
    for level, seed in (("easy", 3), ("medium", 4)):
        frame = make_frame("two", level, seed)
        assert len(set(frame.expected)) == 2
        assert sorted(decode_frame(frame.image)) == sorted(frame.expected)


def test_the_same_code_twice_is_reported_once_in_a_stable_order() -> None:
    frame = make_frame("both", "easy", 5)  # QR and Code 128 carry the same code
    assert decode_frame(frame.image) == list(frame.expected)
    twice = np.hstack([frame.image, frame.image])
    assert decode_frame(twice) == list(frame.expected)
    assert decode_frame(twice) == decode_frame(twice.copy())


@pytest.mark.parametrize("payload", ["7k2m-9qxd-4tr3", "7K2M 9QXD 4TR3", "7K2M9QXD4TR3"])
def test_code128_payload_variants(payload: str) -> None:
    assert decode_frame(symbol_image(payload, "code128", module_px=3)) == [CODE]


@pytest.mark.parametrize(
    "payload",
    [
        "https://sitras.example.go.id/lacak/7K2M9QXD4TR3",
        "https://sitras.example.go.id/lacak/7k2m-9qxd-4tr3",
        "7k2m9qxd4tr3",
    ],
)
def test_qr_payload_variants(payload: str) -> None:
    assert decode_frame(symbol_image(payload, "qr", module_px=6)) == [CODE]


def test_a_link_to_another_site_is_ignored_when_the_office_address_is_given() -> None:
    image = symbol_image("https://elsewhere.example.com/lacak/7K2M9QXD4TR3", "qr", module_px=6)
    assert decode_frame(image, base_url="https://sitras.example.go.id") == []


@pytest.mark.parametrize("angle", [0, 8, 23, 37, 45, 90, 128, 180, 215, 270, 333])
def test_code128_alone_reads_at_any_angle(angle: int) -> None:
    frame = make_frame("code128", "easy", 40 + angle, angle=float(angle))
    assert decode_frame(frame.image) == list(frame.expected)


@pytest.mark.parametrize("angle", [0, 30, 75, 160, 250])
def test_qr_alone_reads_at_any_angle(angle: int) -> None:
    frame = make_frame("qr", "medium", 60 + angle, angle=float(angle))
    assert decode_frame(frame.image) == list(frame.expected)


def test_the_deskew_fallback_reads_what_the_first_pass_cannot() -> None:
    frame = make_frame("code128", "medium", 7, angle=37.0)
    first_pass = ZxingDecoder().decode(frame.image)
    assert not any(interpret(item.text) for item in first_pass)
    assert Pipeline().codes(frame.image) == list(frame.expected)
    assert Pipeline(deskew=False).codes(frame.image) == []


def test_medium_frames_of_each_kind_are_read() -> None:
    for kind in ("code128", "qr", "both"):
        frames = [make_frame(kind, "medium", seed) for seed in range(3)]
        assert [decode_frame(f.image) for f in frames] == [list(f.expected) for f in frames]


def test_without_libzbar_the_pipeline_still_decodes_and_warns_once(monkeypatch, caplog) -> None:
    # What a machine without libzbar looks like to Python: the import fails.
    monkeypatch.setitem(sys.modules, "pyzbar", None)
    monkeypatch.setitem(sys.modules, "pyzbar.pyzbar", None)
    with pytest.raises(Exception, match="pyzbar"):
        PyzbarDecoder()
    monkeypatch.setattr(pipeline, "_default", None)
    with caplog.at_level(logging.WARNING, logger="scanner.pipeline"):
        frame = make_frame("code128", "easy", 11, angle=41.0)
        assert decode_frame(frame.image) == list(frame.expected)
        assert decode_frame(make_frame("qr", "easy", 12).image)
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "pyzbar" in warnings[0].getMessage()
    assert pipeline.default_pipeline().decoders == ["zxing-cpp"]
    monkeypatch.setattr(pipeline, "_default", None)  # the next test gets ZBar back


# -- decode PATH… [--json] -----------------------------------------------------------


def _decode(paths, json_output: bool) -> int:
    args = argparse.Namespace(paths=[str(p) for p in paths], json=json_output)
    return commands.decode(Settings(office=OfficeSettings()), args)


def test_decode_prints_one_json_line_per_image_and_walks_folders(tmp_path, capsys) -> None:
    frame = make_frame("both", "easy", 21)
    nested = tmp_path / "meja" / "pagi"
    nested.mkdir(parents=True)
    cv2.imwrite(str(nested / "surat.png"), frame.image)
    cv2.imwrite(str(tmp_path / "kosong.jpg"), make_frame("none", "easy", 22).image)
    assert cv2.imwrite(str(tmp_path / "kode.webp"), symbol_image(CODE, "qr", 6))
    (tmp_path / "catatan.txt").write_text("bukan gambar", encoding="utf-8")
    assert _decode([tmp_path], json_output=True) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    by_name = {line["file"].replace("\\", "/").rsplit("/", 1)[-1]: line["codes"] for line in lines}
    assert by_name == {"surat.png": list(frame.expected), "kosong.jpg": [], "kode.webp": [CODE]}


def test_decode_reports_unreadable_files_goes_on_and_exits_1(tmp_path, capsys) -> None:
    broken = tmp_path / "rusak.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    good = tmp_path / "baik.png"
    cv2.imwrite(str(good), symbol_image(grouped(CODE), "code128"))
    assert _decode([broken, tmp_path / "tidak-ada.png", good], json_output=False) == 1
    out, err = capsys.readouterr()
    assert "rusak.png: gambar tidak dapat dibaca" in err
    assert "tidak-ada.png: berkas atau folder tidak ditemukan" in err
    assert out.strip() == f"{good}: 7K2M-9QXD-4TR3"


def test_decode_without_codes_is_not_an_error(tmp_path, capsys) -> None:
    empty = tmp_path / "meja.png"
    cv2.imwrite(str(empty), make_frame("ean13", "easy", 23).image)
    assert _decode([empty], json_output=False) == 0
    assert capsys.readouterr().out.strip() == f"{empty}: tidak ada kode lacak"
