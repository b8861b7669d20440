"""Frame sources: keyboard lines, image folders and the camera (a fake capture
object stands in for a webcam through the factory parameter)."""

from __future__ import annotations

import io
import string
from pathlib import Path

import cv2
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scanner.sources import (
    CameraSource,
    Frame,
    FrameKind,
    ImageSource,
    KeyboardSource,
    Notice,
    SourceFailed,
    TypedLine,
    codes_in_typed_line,
)
from sitras_sheets import tracking_code

CODE = "7K2M9QXD4TR3"


# -- keyboard ------------------------------------------------------------------------------
def test_keyboard_lines_end_at_cr_lf_or_crlf() -> None:
    stream = io.StringIO("7K2M-9QXD-4TR3\r\nAAAA\rBBBB\n\n   \r\nlast")
    assert list(KeyboardSource(stream)) == [
        TypedLine("7K2M-9QXD-4TR3"),
        TypedLine("AAAA"),
        TypedLine("BBBB"),
        TypedLine("last"),
    ]


@pytest.mark.parametrize(
    "typed",
    [
        "7K2M-9QXD-4TR3",
        "7k2m9qxd4tr3",
        "]C07K2M-9QXD-4TR3",  # AIM identifier of Code 128, glued
        "]Q17K2M9QXD4TR3",  # AIM identifier of QR
        "\x027K2M-9QXD-4TR3\x03",  # STX/ETX
        "  7K2M 9QXD 4TR3\t",
        "https://sitras.example.go.id/lacak/7K2M9QXD4TR3",
    ],
)
def test_a_typed_line_yields_the_code_despite_scanner_noise(typed: str) -> None:
    assert codes_in_typed_line(typed) == [CODE]


@pytest.mark.parametrize(
    "typed",
    ["7K2M-9QXD-4TR4", "8991234567890", "hello", "7K2M-9QXD", "x7K2M9QXD4TR3y"],
)
def test_a_line_without_a_valid_code_yields_nothing(typed: str) -> None:
    assert codes_in_typed_line(typed) == []


# Noise a scanner or a keyboard wedge puts around a code: control characters,
# an AIM identifier, whitespace, punctuation (never letters or digits glued to it).
_NOISE_CHARS = (
    "".join(ch for ch in string.punctuation + " \t\x02\x03\x1d\x1e\x04" if ch not in "-") + "-"
)
noise = st.one_of(
    st.text(alphabet=_NOISE_CHARS, max_size=6),
    st.builds(
        lambda aim, rest: aim + rest,
        st.sampled_from(["]C0", "]C1", "]Q1", "]Q3", "]d2"]),
        st.text(alphabet=" \t\x02", max_size=2),
    ),
)


@st.composite
def typed_codes(draw) -> tuple[str, str]:
    data = draw(st.text(alphabet=tracking_code.ALPHABET, min_size=11, max_size=11))
    code = data + tracking_code.check_symbol(data)
    separator = draw(st.sampled_from(["", "-", " "]))
    shown = separator.join((code[0:4], code[4:8], code[8:12]))
    shown = "".join(ch.lower() if draw(st.booleans()) else ch for ch in shown)
    return code, shown


@given(typed_codes(), noise, noise, st.sampled_from(["\n", "\r", "\r\n"]))
def test_keyboard_noise_around_a_valid_code_yields_exactly_that_code(
    typed: tuple[str, str], prefix: str, suffix: str, ending: str
) -> None:
    code, shown = typed
    lines = list(KeyboardSource(io.StringIO(prefix + shown + suffix + ending)))
    found = [c for line in lines for c in codes_in_typed_line(line.text)]
    assert found == [code]


# -- images ----------------------------------------------------------------------------------
def _png(path: Path, value: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    ok, data = cv2.imencode(".png", np.full((8, 8, 3), value, np.uint8))
    assert ok
    path.write_bytes(data.tobytes())
    return path


def test_images_from_files_and_folders_recursively_in_order(tmp_path: Path) -> None:
    b = _png(tmp_path / "batch" / "b.png", 20)
    a = _png(tmp_path / "batch" / "sub folder" / "a.PNG", 10)
    (tmp_path / "batch" / "notes.txt").write_text("not an image")
    (tmp_path / "batch" / "broken.jpg").write_bytes(b"\xff\xd8 not really")
    single = _png(tmp_path / "single é.png", 30)
    events = list(
        ImageSource([tmp_path / "batch", single, tmp_path / "missing.png"]),
    )
    frames = [e for e in events if isinstance(e, Frame)]
    assert [f.origin for f in frames] == [str(b), str(a), str(single)]
    assert [int(f.image[0, 0, 0]) for f in frames] == [20, 10, 30]
    assert all(f.kind is FrameKind.FILE and f.image.shape == (8, 8, 3) for f in frames)
    notices = [e for e in events if isinstance(e, Notice)]
    assert notices == [
        Notice("scan.image_unreadable", {"path": str(tmp_path / "batch" / "broken.jpg")}),
        Notice("scan.path_missing", {"path": str(tmp_path / "missing.png")}),
    ]
    assert "tidak ditemukan" in notices[1].render()


# -- camera ------------------------------------------------------------------------------------
class FakeCapture:
    """A webcam: ``frames`` good reads, then (if ``unplugged``) reads fail forever."""

    def __init__(self, opened: bool = True, frames: int = 10**9) -> None:
        self.opened, self.frames, self.released = opened, frames, False

    def isOpened(self) -> bool:  # noqa: N802
        return self.opened

    def read(self):
        if self.frames <= 0 or self.released:
            return False, None
        self.frames -= 1
        return True, np.zeros((4, 4, 3), np.uint8)

    def release(self) -> None:
        self.released = True


class Factory:
    def __init__(self, *captures: FakeCapture) -> None:
        self.captures = list(captures)
        self.calls = 0

    def __call__(self, index: int) -> FakeCapture:
        self.calls += 1
        return self.captures.pop(0) if self.captures else FakeCapture(opened=False)


def test_nothing_is_opened_until_the_camera_is_iterated() -> None:
    factory = Factory()
    CameraSource(0, capture_factory=factory)
    assert factory.calls == 0


def test_a_missing_camera_fails_at_once_with_a_clear_message() -> None:
    factory = Factory(FakeCapture(opened=False))
    slept: list[float] = []
    with pytest.raises(SourceFailed) as failed:
        next(iter(CameraSource(2, capture_factory=factory, sleep=slept.append)))
    assert failed.value.notice.key == "scan.camera_missing"
    assert "Kamera 2 tidak ditemukan" in str(failed.value)
    assert "Camera 2 was not found" in failed.value.render("en")
    assert factory.calls == 1 and slept == []


def test_an_unplugged_camera_is_reopened_a_bounded_number_of_times() -> None:
    first = FakeCapture(frames=3)
    factory = Factory(first)
    slept: list[float] = []
    source = CameraSource(
        0,
        capture_factory=factory,
        failed_reads=5,
        read_retry_seconds=0.01,
        reopen_delays=(1.0, 2.0, 4.0),
        sleep=slept.append,
    )
    events = []
    with pytest.raises(SourceFailed) as failed:
        for event in source:
            events.append(event)
    assert sum(isinstance(e, Frame) for e in events) == 3
    notices = [e for e in events if isinstance(e, Notice)]
    assert [n.key for n in notices] == ["scan.camera_lost"] + ["scan.camera_retry"] * 3
    assert [n.values["attempt"] for n in notices[1:]] == [1, 2, 3]
    assert failed.value.notice.key == "scan.camera_gave_up"
    assert "3 percobaan" in str(failed.value)
    assert factory.calls == 4  # the first open and three reopen attempts, no more
    assert slept == [0.01] * 4 + [1.0, 2.0, 4.0]
    assert first.released


def test_a_camera_plugged_back_in_goes_on_giving_frames() -> None:
    factory = Factory(FakeCapture(frames=2), FakeCapture(opened=False), FakeCapture(frames=3))
    source = CameraSource(
        1,
        capture_factory=factory,
        failed_reads=2,
        reopen_delays=(0.5, 0.5, 0.5),
        sleep=lambda s: None,
    )
    events = []
    with pytest.raises(SourceFailed):
        for event in source:
            events.append(event)
    keys = [e.key if isinstance(e, Notice) else "frame" for e in events]
    assert keys[:7] == [
        "frame",
        "frame",
        "scan.camera_lost",
        "scan.camera_retry",
        "scan.camera_retry",
        "scan.camera_back",
        "frame",
    ]
    assert keys.count("frame") == 5
