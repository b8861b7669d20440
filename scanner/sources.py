"""Frame sources: iterators of events for the station. Nothing is opened until
a source is iterated (a camera, a file, the standard input).

Events: ``Frame`` (an image to decode), ``TypedLine`` (what a USB scanner typed
before Enter) and ``Notice`` (something the officer should read: a catalogue
key and its values). A source that cannot go on raises ``SourceFailed``."""

from __future__ import annotations

import enum
import re
import sys
import time
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TextIO

import numpy as np

from messages import text
from sitras_sheets import tracking_code
from sitras_sheets.errors import SitrasError

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp"})


class FrameKind(enum.Enum):
    CAMERA = "camera"
    FILE = "file"


@dataclass(frozen=True, eq=False)
class Frame:
    image: np.ndarray
    origin: str  # a file path or "kamera N", for messages
    kind: FrameKind


@dataclass(frozen=True)
class TypedLine:
    text: str


@dataclass(frozen=True)
class Notice:
    key: str
    values: dict[str, Any] = field(default_factory=dict)

    def render(self, lang: str = "id") -> str:
        return text(self.key, lang, **self.values)


Event = Frame | TypedLine | Notice


class SourceFailed(SitrasError):
    """A source cannot go on (camera missing or gone); carries a catalogue key."""

    def __init__(self, key: str, **values: Any) -> None:
        self.notice = Notice(key, values)
        super().__init__(key)

    def render(self, lang: str = "id") -> str:
        return self.notice.render(lang)

    def __str__(self) -> str:
        return self.render()


# -- images and folders ----------------------------------------------------------------
def read_image(path: Path) -> np.ndarray | None:
    """A colour image from a file, or None if it is not one. Reads the bytes with
    pathlib so that any file name works on Windows too."""
    import cv2

    try:
        data = np.frombuffer(path.read_bytes(), dtype=np.uint8)
    except OSError:
        return None
    if not data.size:
        return None
    image = cv2.imdecode(data, cv2.IMREAD_COLOR)
    return image if image is not None and image.size else None


class ImageSource:
    """Image files, and folders searched recursively (sorted, so runs repeat)."""

    def __init__(self, paths: Iterable[Path | str]) -> None:
        self.paths = [Path(p) for p in paths]

    def files(self) -> Iterator[Path]:
        for path in self.paths:
            if path.is_dir():
                yield from sorted(
                    p for p in path.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file()
                )
            else:
                yield path

    def __iter__(self) -> Iterator[Event]:
        for path in self.files():
            if not path.exists():
                yield Notice("scan.path_missing", {"path": str(path)})
                continue
            image = read_image(path)
            if image is None:
                yield Notice("scan.image_unreadable", {"path": str(path)})
                continue
            yield Frame(image, str(path), FrameKind.FILE)


# -- the keyboard (a USB scanner types the code, then Enter) -----------------------------
# An AIM symbology identifier some scanners put first: "]C0" (Code 128), "]Q1" (QR)…
_AIM = re.compile(r"\][A-Za-z][0-9A-Za-z]")


class KeyboardSource:
    """Lines from a text stream (standard input by default). A line ends at CR, LF
    or CRLF; blank lines are skipped. Ends at end of input."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream

    def __iter__(self) -> Iterator[Event]:
        stream = self.stream if self.stream is not None else sys.stdin
        for chunk in iter(stream.readline, ""):
            for line in re.split(r"[\r\n]+", chunk):
                if line.strip():
                    yield TypedLine(line)


def codes_in_typed_line(line: str) -> list[str]:
    """The valid tracking codes (bare form) a scanner typed, tolerating what
    scanners add around them: control characters, an AIM identifier, spaces,
    punctuation, lower case, a tracking link. Empty if there is none."""
    cleaned = "".join(ch if ch.isprintable() else " " for ch in line)
    return tracking_code.find_in_text(cleaned) or tracking_code.find_in_text(_AIM.sub(" ", cleaned))


def shown_line(line: str, limit: int = 40) -> str:
    """A typed line as it may be shown back to the officer (printable, short)."""
    cleaned = "".join(ch for ch in line if ch.isprintable()).strip()
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"


# -- the camera ------------------------------------------------------------------------
class Capture(Protocol):
    """What the station needs of ``cv2.VideoCapture``."""

    def isOpened(self) -> bool: ...  # noqa: N802 (OpenCV's name)
    def read(self) -> tuple[bool, np.ndarray | None]: ...
    def release(self) -> None: ...


def open_opencv_capture(index: int) -> Capture:
    import cv2

    # OpenCV's own warnings ("can't open camera by index") would only repeat, in
    # English, what the station says; errors still show.
    cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_ERROR)
    capture = cv2.VideoCapture(index)
    if capture.isOpened():
        capture.set(cv2.CAP_PROP_BUFFERSIZE, 1)  # the newest frame, not a backlog
    return capture


class CameraSource:
    """Frames from a webcam, opened only when iterated.

    Missing at start: ``SourceFailed("scan.camera_missing")`` at once, no retry.
    Unplugged while running (``failed_reads`` reads fail in a row): a notice, then
    one reopen attempt after each delay of ``reopen_delays``; if none works,
    ``SourceFailed("scan.camera_gave_up")``."""

    def __init__(
        self,
        index: int,
        *,
        capture_factory: Callable[[int], Capture] = open_opencv_capture,
        failed_reads: int = 20,
        read_retry_seconds: float = 0.05,
        reopen_delays: tuple[float, ...] = (1.0, 2.0, 4.0, 8.0, 15.0),
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.index = index
        self.capture_factory = capture_factory
        self.failed_reads = failed_reads
        self.read_retry_seconds = read_retry_seconds
        self.reopen_delays = reopen_delays
        self.sleep = sleep
        self._opened: Capture | None = None

    def open(self) -> None:
        """Open the camera now (else the first iteration does); ``SourceFailed`` if missing."""
        if self._opened is None:
            self._opened = self._open()
            if self._opened is None:
                raise SourceFailed("scan.camera_missing", index=self.index)

    def _open(self) -> Capture | None:
        capture = self.capture_factory(self.index)
        if capture.isOpened():
            return capture
        capture.release()
        return None

    def __iter__(self) -> Iterator[Event]:
        origin = text("scan.source_camera", index=self.index)
        self.open()
        capture, self._opened = self._opened, None
        failures = 0
        try:
            while True:
                ok, image = capture.read()
                if ok and image is not None and image.size:
                    failures = 0
                    yield Frame(image, origin, FrameKind.CAMERA)
                    continue
                failures += 1
                if failures < self.failed_reads:
                    self.sleep(self.read_retry_seconds)
                    continue
                capture.release()
                capture = None
                yield Notice("scan.camera_lost", {"index": self.index})
                capture = yield from self._reopen()
                failures = 0
        finally:
            if capture is not None:
                capture.release()

    def _reopen(self) -> Generator[Event, None, Capture]:
        attempts = len(self.reopen_delays)
        for attempt, delay in enumerate(self.reopen_delays, start=1):
            yield Notice(
                "scan.camera_retry",
                {"index": self.index, "attempt": attempt, "attempts": attempts, "delay": delay},
            )
            self.sleep(delay)
            capture = self._open()
            if capture is not None:
                yield Notice("scan.camera_back", {"index": self.index})
                return capture
        raise SourceFailed("scan.camera_gave_up", index=self.index, attempts=attempts)
