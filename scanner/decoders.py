"""Decoders: an image (numpy array, BGR or gray) in, raw decoded texts out.

Each library sits behind the same small interface so that measurements, not
habit, decide which ones the station uses (see ``benchmarks/bench_decode.py``).
Decoders only read symbols; what a text means is ``scanner.payload``'s job.
Libraries are imported when a decoder is built, never when this module loads."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol

import numpy as np

log = logging.getLogger(__name__)

CODE128 = "code128"
QR = "qr"


@dataclass(frozen=True)
class Decoded:
    """One symbol found in an image: its text, symbology and centre (x, y)."""

    text: str
    symbology: str
    centre: tuple[float, float] = (0.0, 0.0)


class Decoder(Protocol):
    name: str

    def decode(self, image: np.ndarray) -> list[Decoded]: ...


class DecoderUnavailable(RuntimeError):
    """The library behind a decoder cannot be loaded on this machine."""


def to_gray(image: np.ndarray) -> np.ndarray:
    """A contiguous 8-bit single-channel copy (or view) of ``image``."""
    import cv2

    if image.ndim == 3 and image.shape[2] == 1:
        image = image[:, :, 0]
    elif image.ndim == 3 and image.shape[2] == 4:
        image = cv2.cvtColor(image, cv2.COLOR_BGRA2GRAY)
    elif image.ndim == 3:
        image = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    if image.dtype != np.uint8:
        image = np.clip(image, 0, 255).astype(np.uint8)
    return np.ascontiguousarray(image)


def _centre(points) -> tuple[float, float]:
    pts = np.asarray(points, dtype=float).reshape(-1, 2)
    if not len(pts):
        return (0.0, 0.0)
    x, y = pts.mean(axis=0)
    return (float(x), float(y))


class ZxingDecoder:
    """zxing-cpp, restricted to Code 128 and QR by default."""

    name = "zxing-cpp"

    def __init__(
        self,
        *,
        all_formats: bool = False,
        try_rotate: bool = True,
        try_downscale: bool = True,
        try_invert: bool = False,
    ) -> None:
        try:
            import zxingcpp
        except ImportError as error:  # pragma: no cover - it is a pinned dependency
            raise DecoderUnavailable(f"zxing-cpp: {error}") from error
        self._zxing = zxingcpp
        fmt = zxingcpp.BarcodeFormat
        self._formats = None if all_formats else (fmt.Code128, fmt.QRCode)
        self._symbology = {fmt.Code128: CODE128, fmt.QRCode: QR}
        self._options = {
            "text_mode": zxingcpp.TextMode.Plain,  # the bytes as text, like ZBar
            "try_rotate": try_rotate,
            "try_downscale": try_downscale,
            "try_invert": try_invert,
        }

    def decode(self, image: np.ndarray) -> list[Decoded]:
        kwargs = dict(self._options)
        if self._formats is not None:
            kwargs["formats"] = self._formats
        found = self._zxing.read_barcodes(to_gray(image), **kwargs)
        out = []
        for result in found:
            if not result.valid:
                continue
            symbology = self._symbology.get(result.format, str(result.format))
            p = result.position
            corners = [
                (p.top_left.x, p.top_left.y),
                (p.top_right.x, p.top_right.y),
                (p.bottom_right.x, p.bottom_right.y),
                (p.bottom_left.x, p.bottom_left.y),
            ]
            out.append(Decoded(result.text, symbology, _centre(corners)))
        return out


class PyzbarDecoder:
    """ZBar through pyzbar, restricted to Code 128 and QR by default. Raises
    DecoderUnavailable when the libzbar shared library cannot be loaded."""

    name = "pyzbar"

    def __init__(self, *, all_formats: bool = False) -> None:
        try:
            from pyzbar import pyzbar
        except (ImportError, OSError) as error:
            raise DecoderUnavailable(f"pyzbar/libzbar: {error}") from error
        self._pyzbar = pyzbar
        symbol = pyzbar.ZBarSymbol
        self._symbols = None if all_formats else [symbol.CODE128, symbol.QRCODE]
        self._symbology = {"CODE128": CODE128, "QRCODE": QR}

    def decode(self, image: np.ndarray) -> list[Decoded]:
        found = self._pyzbar.decode(to_gray(image), symbols=self._symbols)
        out = []
        for result in found:
            text = result.data.decode("utf-8", errors="replace")
            symbology = self._symbology.get(result.type, result.type.lower())
            out.append(Decoded(text, symbology, _centre(result.polygon)))
        return out


class OpenCVDecoder:
    """OpenCV's objdetect: QRCodeDetectorAruco for QR and BarcodeDetector for
    1D. OpenCV's 1D decoder reads EAN-8/13 and UPC-A/E only — not Code 128 —
    so for Sitras it contributes QR at most."""

    name = "opencv"

    def __init__(self, *, all_formats: bool = False) -> None:
        import cv2

        self._cv2 = cv2
        self._qr = cv2.QRCodeDetectorAruco()
        self._barcode = cv2.barcode.BarcodeDetector() if all_formats else None

    def decode(self, image: np.ndarray) -> list[Decoded]:
        gray = to_gray(image)
        out: list[Decoded] = []
        try:
            ok, payloads, points, _ = self._qr.detectAndDecodeBytesMulti(gray)
        except self._cv2.error as error:  # e.g. a QR mode OpenCV does not implement
            log.debug("OpenCV QR decoder failed: %s", error)
            ok = False
        if ok:
            for payload, quad in zip(payloads, points, strict=False):
                if payload:
                    text = bytes(payload).decode("utf-8", errors="replace")
                    out.append(Decoded(text, QR, _centre(quad)))
        if self._barcode is not None:
            try:
                ok, texts, kinds, points = self._barcode.detectAndDecodeWithType(gray)
            except self._cv2.error as error:
                log.debug("OpenCV barcode decoder failed: %s", error)
                ok = False
            if ok:
                for text, kind, quad in zip(texts, kinds, points, strict=False):
                    if text:
                        out.append(Decoded(text, str(kind).lower(), _centre(quad)))
        return out


FACTORIES = {
    ZxingDecoder.name: ZxingDecoder,
    PyzbarDecoder.name: PyzbarDecoder,
    OpenCVDecoder.name: OpenCVDecoder,
}
