"""The station pipeline: a frame in, the valid tracking codes in it out.

``decode_frame(image)`` is what stations, ``decode`` and the demo call. Each
step was kept because ``benchmarks/bench_decode.py`` showed it earns its cost
(run it with ``--ablation`` to see each step alone):

1. zxing-cpp on the whole frame, Code 128 and QR only: the fastest decoder and
   the best single one on every level (pyzbar ~5× slower and weaker on QR in
   low light; OpenCV reads no Code 128 at all). Most frames end here, so the
   pipeline costs what zxing-cpp costs on them.
2. Only while no tracking code has been found:
   a. *Code 128 at any angle.* zxing-cpp and ZBar read a wide, short Code 128
      only within a few degrees of the axes (both read 17 % of angles in 15°
      steps). Bar-code-like regions are found with the structure tensor of the
      image gradient (many parallel edges); each is rotated upright and
      enlarged 2× in one warp, smoothed along the bars, sharpened, and read by
      zxing-cpp: every angle reads.
   b. *Small or soft QR.* The frame is sharpened, enlarged 2× and read again
      (the hard level's QR-only frames gain about 5 points). CLAHE was tried
      for low light and lost reads; it is not used.
   c. *Curved or crumpled paper.* ZBar (pyzbar) on the whole frame. It adds
      nothing on synthetic frames but reads real photographs of crumpled QR
      codes that zxing-cpp misses. Without libzbar this step is skipped, with
      one warning.

Decoders and preprocessing only read symbols; ``scanner.payload`` decides
what is a tracking code. Decoders are built on first use, never at import."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from messages import text
from scanner.decoders import (
    CODE128,
    Decoded,
    Decoder,
    DecoderUnavailable,
    PyzbarDecoder,
    ZxingDecoder,
    to_gray,
)
from scanner.payload import interpret

log = logging.getLogger(__name__)

Accept = Callable[[Decoded], bool]


def is_tracking_code(found: Decoded) -> bool:
    return interpret(found.text) is not None


@dataclass(frozen=True)
class Region:
    """A bar-code-like area: the gradient direction across its bars (degrees,
    OpenCV's rotation sense) and its pixels' coordinates in the frame."""

    angle: float
    points: np.ndarray
    area: int


class Pipeline:
    """Step 1 always; the fallback steps only while nothing accepted was found."""

    def __init__(
        self,
        *,
        deskew: bool = True,
        upscale_qr: bool = True,
        use_pyzbar: bool = True,
    ) -> None:
        self.first = ZxingDecoder(try_rotate=True, try_downscale=True)
        self.patch_decoder = ZxingDecoder(try_rotate=False, try_downscale=False)
        self.last: Decoder | None = None
        if use_pyzbar:
            try:
                self.last = PyzbarDecoder()
            except DecoderUnavailable as error:
                log.warning(text("station.decoder_unavailable", decoder="pyzbar", reason=error))
        self.deskew = deskew
        self.upscale_qr = upscale_qr

    @property
    def decoders(self) -> list[str]:
        """The names of the decoders this pipeline uses."""
        return [self.first.name] + ([self.last.name] if self.last else [])

    def read(self, image: np.ndarray, accept: Accept = is_tracking_code) -> list[Decoded]:
        """Every symbol decoded, up to the first step that finds an accepted one."""
        gray = to_gray(image)
        found = self.first.decode(gray)
        if any(accept(item) for item in found):
            return found
        if self.deskew:
            for region in find_bar_regions(gray)[:MAX_REGIONS]:
                cx, cy = region.points.mean(axis=0)
                more = [
                    Decoded(item.text, item.symbology, (float(cx), float(cy)))
                    for item in self.patch_decoder.decode(upright_bars(gray, region))
                    if item.symbology == CODE128
                ]
                found.extend(more)
                if any(accept(item) for item in more):
                    return found
        if self.upscale_qr:
            more = [
                Decoded(item.text, item.symbology, (item.centre[0] / 2, item.centre[1] / 2))
                for item in self.patch_decoder.decode(upscale(sharpen(gray), 2.0))
            ]
            found.extend(more)
            if any(accept(item) for item in more):
                return found
        if self.last is not None:
            found.extend(self.last.decode(gray))
        return found

    def codes(self, image: np.ndarray, base_url: str | None = None) -> list[str]:
        found = self.read(image, accept=lambda item: interpret(item.text, base_url) is not None)
        return codes_from(found, base_url)


def codes_from(found: list[Decoded], base_url: str | None = None) -> list[str]:
    """Valid bare codes among decoded symbols, without repeats, top to bottom
    then left to right (a stable order for the same picture)."""
    codes: list[str] = []
    for item in sorted(found, key=lambda d: (round(d.centre[1] / 40), d.centre[0])):
        code = interpret(item.text, base_url)
        if code and code not in codes:
            codes.append(code)
    return codes


# -- preprocessing ------------------------------------------------------------

MAX_REGIONS = 4
_DETECT_SCALE = 0.75  # the tensor at ¾ size: at ½ a 2-px module blurs away
_WINDOW = 9
_MIN_COHERENCE = 0.6
_MIN_AREA = 340  # pixels at detection scale
_MIN_FILL = 0.55  # share of its minimum-area rectangle a region fills
_MIN_ELONGATION = 0.7  # extent across the bars / extent along them (Code 128: 7)


def find_bar_regions(gray: np.ndarray) -> list[Region]:
    """Areas with many strong parallel edges, largest first.

    The structure tensor J = [[gx², gxgy], [gxgy, gy²]] averaged over a window
    has one dominant eigenvector across bars (coherence near 1) and none in
    text or texture. Solid, roughly rectangular blobs of coherent, strong
    gradient are kept."""
    if min(gray.shape[:2]) < 32:  # no readable bar code is that small
        return []
    small = cv2.resize(gray, None, fx=_DETECT_SCALE, fy=_DETECT_SCALE, interpolation=cv2.INTER_AREA)
    gx = cv2.Sobel(small, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(small, cv2.CV_32F, 0, 1, ksize=3)
    window = (_WINDOW, _WINDOW)
    jxx = cv2.boxFilter(cv2.multiply(gx, gx), -1, window)
    jyy = cv2.boxFilter(cv2.multiply(gy, gy), -1, window)
    jxy = cv2.boxFilter(cv2.multiply(gx, gy), -1, window)
    energy = cv2.add(jxx, jyy)
    # coherence = |λ1 - λ2| / (λ1 + λ2) = sqrt((jxx - jyy)² + 4 jxy²) / energy
    spread = cv2.magnitude(cv2.subtract(jxx, jyy), cv2.multiply(jxy, 2.0))
    sample = energy[::4, ::4].ravel()
    top = float(np.partition(sample, int(sample.size * 0.95))[int(sample.size * 0.95)])
    strong = max(top * 0.25, 100.0)
    mask = cv2.bitwise_and(
        cv2.compare(spread, cv2.multiply(energy, _MIN_COHERENCE), cv2.CMP_GT),
        cv2.compare(energy, strong, cv2.CMP_GT),
    )
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((5, 5), np.uint8))
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask)
    regions: list[Region] = []
    for label in range(1, count):
        x, y, w, h, area = (int(v) for v in stats[label])
        if area < _MIN_AREA:
            continue
        inside = labels[y : y + h, x : x + w] == label
        ys, xs = np.nonzero(inside)
        points = np.stack([xs + x, ys + y], axis=1).astype(np.float32)
        (_, _), (rw, rh), _ = cv2.minAreaRect(points)
        if area < _MIN_FILL * max(rw * rh, 1.0):
            continue
        sxx = float(jxx[y : y + h, x : x + w][inside].sum())
        syy = float(jyy[y : y + h, x : x + w][inside].sum())
        sxy = float(jxy[y : y + h, x : x + w][inside].sum())
        theta = 0.5 * np.arctan2(2 * sxy, sxx - syy)  # across the bars
        across = np.ptp(points @ np.array([np.cos(theta), np.sin(theta)], np.float32))
        along = np.ptp(points @ np.array([-np.sin(theta), np.cos(theta)], np.float32))
        if across < _MIN_ELONGATION * along:  # lines of text: long along their "bars"
            continue
        regions.append(Region(float(np.degrees(theta)), points / _DETECT_SCALE, area))
    regions.sort(key=lambda r: -r.area)
    return regions


def upright_bars(gray: np.ndarray, region: Region, scale: float = 2.0) -> np.ndarray:
    """The region turned so that its bars stand vertical and enlarged ``scale``×
    in one warp (one interpolation), with room for the quiet zones; then
    averaged along the bars (noise) and sharpened (blur)."""
    cx, cy = region.points.mean(axis=0)
    matrix = cv2.getRotationMatrix2D((float(cx), float(cy)), region.angle, scale)
    turned = region.points @ matrix[:, :2].T + matrix[:, 2]
    (x0, y0), (x1, y1) = turned.min(axis=0), turned.max(axis=0)
    margin = 0.15 * (x1 - x0) + 10 * scale
    x0, x1, y0, y1 = x0 - margin, x1 + margin, y0 - 4 * scale, y1 + 4 * scale
    matrix[0, 2] -= x0
    matrix[1, 2] -= y0
    size = (max(int(x1 - x0), 16), max(int(y1 - y0), 16))
    patch = cv2.warpAffine(
        gray, matrix, size, flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE
    )
    along = max(3, int(15 * scale) | 1)
    return sharpen(cv2.blur(patch, (1, along)), 1.5 * scale)


def sharpen(gray: np.ndarray, sigma: float = 1.5) -> np.ndarray:
    return cv2.addWeighted(gray, 2.0, cv2.GaussianBlur(gray, (0, 0), sigma), -1.0, 0)


def upscale(gray: np.ndarray, factor: float) -> np.ndarray:
    return cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC)


# -- the shared default -------------------------------------------------------

_default: Pipeline | None = None
_lock = threading.Lock()


def default_pipeline() -> Pipeline:
    global _default
    with _lock:
        if _default is None:
            _default = Pipeline()
        return _default


def decode_frame(image: np.ndarray, base_url: str | None = None) -> list[str]:
    """The valid tracking codes (bare, 12 symbols) in a BGR or gray image,
    deduplicated, in a stable order; [] when there is none.

    ``base_url`` (the office's ``public_base_url``) makes tracking links count
    only when they point at this office."""
    if image is None or getattr(image, "size", 0) == 0:
        return []
    return default_pipeline().codes(image, base_url)
