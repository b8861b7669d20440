"""Synthetic webcam frames: Sitras stickers "photographed" on a desk.

Shared by the tests and ``benchmarks/bench_decode.py``. A sticker is rendered
from the real sticker PDF (``scanner.stickers.label_pdf`` through pypdfium2),
laid on a sheet of paper with lines of fake text, then placed on a 1280×720
desk background with an in-plane rotation (0–360°), a perspective tilt, lens
blur, uneven and dim lighting, sensor noise and JPEG compression. Everything
follows from the seed, so a frame bank is the same on every machine.

Difficulty levels (the ranges each frame draws from uniformly):

========  ==========  ===========  =========  ======  ==========  ====
level     label width  perspective  blur σ     noise σ  brightness  JPEG
========  ==========  ===========  =========  ======  ==========  ====
easy      520–720 px  ≤ 3 %        0–0.6 px   1–3     0.85–1.0    85–95
medium    360–520 px  ≤ 7 %        0.5–1.1    3–6     0.55–0.85   65–85
hard      280–400 px  ≤ 12 %       0.6–1.1    5–9     0.30–0.55   45–65
========  ==========  ===========  =========  ======  ==========  ====

The label is 90 mm wide, so at 280 px a Code 128 module is about 1.3 px and a
QR module about 2.9 px (a 720p webcam sees a 90 mm label at about 250–300 px
from 30 cm); perspective is the largest corner shift as a share of
the label width; brightness scales the light (with a gradient across the
frame). Kinds: ``code128`` / ``qr`` (a sticker with only that symbol),
``both`` (the real sticker), ``two`` (two stickers, different codes) and the
negatives ``none`` (paper, no symbol), ``ean13`` (a retail barcode),
``foreign_qr`` (a QR with someone else's link), ``foreign_code128`` (another
Code 128 label) and ``bad_check`` (a code with a wrong check symbol); the
negatives lie within 4° of an axis so that the foreign symbol is really read
and it is the interpretation that must refuse it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

import cv2
import numpy as np

from config.settings import OfficeSettings
from sitras_sheets import tracking_code
from sitras_sheets.models import Letter

FRAME_SIZE = (1280, 720)  # width, height
LEVELS = ("easy", "medium", "hard")
POSITIVE_KINDS = ("code128", "qr", "both")
NEGATIVE_KINDS = ("none", "ean13", "foreign_qr", "foreign_code128", "bad_check")
KINDS = (*POSITIVE_KINDS, "two", *NEGATIVE_KINDS)
RENDER_DPI = 300


@dataclass(frozen=True)
class Level:
    width: tuple[float, float]
    perspective: tuple[float, float]
    blur: tuple[float, float]
    noise: tuple[float, float]
    brightness: tuple[float, float]
    jpeg: tuple[int, int]


LEVEL_PARAMS = {
    "easy": Level((520, 720), (0.0, 0.03), (0.0, 0.6), (1, 3), (0.85, 1.0), (85, 95)),
    "medium": Level((360, 520), (0.0, 0.07), (0.5, 1.1), (3, 6), (0.55, 0.85), (65, 85)),
    "hard": Level((280, 400), (0.0, 0.12), (0.6, 1.1), (5, 9), (0.30, 0.55), (45, 65)),
}


@dataclass(frozen=True)
class Frame:
    """A synthetic frame and what a perfect reader finds in it."""

    image: np.ndarray
    kind: str
    level: str
    expected: tuple[str, ...]  # bare tracking codes
    seed: int
    params: dict[str, float] = field(default_factory=dict)


def make_frame(
    kind: str = "both",
    level: str = "easy",
    seed: int = 0,
    *,
    angle: float | None = None,
    code: str | None = None,
) -> Frame:
    """One frame of ``kind`` at ``level``; ``angle`` (degrees, counter-clockwise)
    and ``code`` override what the seed would draw."""
    if kind not in KINDS:
        raise ValueError(f"kind {kind!r}; choose one of: {', '.join(KINDS)}")
    if level not in LEVEL_PARAMS:
        raise ValueError(f"level {level!r}; choose one of: {', '.join(LEVELS)}")
    rng = np.random.default_rng([seed, KINDS.index(kind), LEVELS.index(level)])
    first = code or _random_code(rng)
    expected: tuple[str, ...] = ()
    if kind in POSITIVE_KINDS:
        symbols = ("qr", "code128") if kind == "both" else (kind,)
        item = sticker_image(first, symbols)
        expected = (first,)
    elif kind == "two":
        second = _random_code(rng)
        while second == first:
            second = _random_code(rng)
        left, right = sticker_image(first), sticker_image(second)
        gap = np.full((left.shape[0], left.shape[1] // 8), 255, np.uint8)
        item = np.hstack([left, gap, right])
        expected = (first, second)
        if angle is None:  # two stickers side by side only fit the frame near level
            angle = float(rng.uniform(-25, 25)) % 360
    else:
        item = _negative_image(kind, rng)
        if angle is None:  # near an axis, where every decoder can read the foreign symbol
            angle = float(rng.choice([0, 90, 180, 270]) + rng.uniform(-4, 4)) % 360
    background = desk_background(rng)
    params = LEVEL_PARAMS[level]
    stickers = 2 if kind == "two" else 1
    drawn = _place(background, item, rng, params, angle, stickers)
    image = _camera(background, rng, params, drawn)
    return Frame(image, kind, level, expected, seed, drawn)


def frame_bank(
    per_cell: int,
    *,
    seed: int = 2026,
    levels: tuple[str, ...] = LEVELS,
    kinds: tuple[str, ...] = POSITIVE_KINDS,
    negatives_per_kind: int = 0,
) -> Iterator[Frame]:
    """``per_cell`` frames for each (level, kind), then ``negatives_per_kind``
    frames of each negative kind (their level cycles through ``levels``)."""
    for level in levels:
        for kind in kinds:
            for n in range(per_cell):
                yield make_frame(kind, level, seed * 100_000 + n)
    for kind in NEGATIVE_KINDS:
        for n in range(negatives_per_kind):
            yield make_frame(kind, levels[n % len(levels)], seed * 100_000 + n)


# -- what is photographed -----------------------------------------------------


@lru_cache(maxsize=64)
def _label_pixels(code: str, symbols: tuple[str, ...]) -> np.ndarray:
    import pypdfium2 as pdfium

    from scanner.stickers import label_pdf

    letter = Letter(code=code, received_at="2026-12-04 09:30")
    pdf = pdfium.PdfDocument(label_pdf(letter, OfficeSettings(), symbols=symbols))
    try:
        bitmap = pdf[0].render(scale=RENDER_DPI / 72, grayscale=True)
        pixels = bitmap.to_numpy().copy()
    finally:
        pdf.close()
    return pixels.reshape(pixels.shape[0], pixels.shape[1])


def sticker_image(code: str, symbols: tuple[str, ...] = ("qr", "code128")) -> np.ndarray:
    """The real sticker of ``code`` as a gray image at 300 dpi (a copy)."""
    return _label_pixels(tracking_code.normalise(code), tuple(symbols)).copy()


def symbol_image(text: str, symbology: str, module_px: int = 4) -> np.ndarray:
    """Any barcode (``ean13``, ``qr``, ``code128``) on white, drawn by zxing-cpp."""
    import zxingcpp

    formats = {
        "ean13": zxingcpp.BarcodeFormat.EAN13,
        "qr": zxingcpp.BarcodeFormat.QRCode,
        "code128": zxingcpp.BarcodeFormat.Code128,
    }
    symbol = zxingcpp.create_barcode(text, formats[symbology])
    pixels = np.asarray(zxingcpp.write_barcode_to_image(symbol, scale=module_px))
    if pixels.ndim == 3:
        pixels = cv2.cvtColor(pixels, cv2.COLOR_RGB2GRAY)
    pad = 12 * module_px
    return np.pad(pixels, pad, constant_values=255)


def _negative_image(kind: str, rng: np.random.Generator) -> np.ndarray:
    if kind == "none":
        return np.full((531, 1063), 255, np.uint8)
    if kind == "ean13":
        digits = "".join(str(d) for d in rng.integers(0, 10, 12))
        check = (10 - sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits)) % 10) % 10
        return symbol_image(digits + str(check), "ean13", module_px=6)
    if kind == "foreign_qr":
        number = int(rng.integers(1000, 99999))
        return symbol_image(f"https://example.com/promo/{number}", "qr", module_px=12)
    if kind == "foreign_code128":
        number = int(rng.integers(1000, 99999))
        return symbol_image(f"INV-2026-{number:05d}", "code128", module_px=5)
    # bad_check: a sticker whose last symbol is wrong (as a misprint would be)
    good = _random_code(rng)
    wrong = tracking_code.ALPHABET[(tracking_code.ALPHABET.index(good[-1]) + 7) % 32]
    bad = good[:-1] + wrong
    return symbol_image(f"{bad[:4]}-{bad[4:8]}-{bad[8:]}", "code128", module_px=5)


def _random_code(rng: np.random.Generator) -> str:
    return tracking_code.generate(lambda n: int(rng.integers(0, n)))


# -- the scene ----------------------------------------------------------------


def desk_background(rng: np.random.Generator) -> np.ndarray:
    """A 1280×720 gray desk: a smooth wood-like tone, texture and clutter."""
    width, height = FRAME_SIZE
    base = rng.uniform(70, 150)
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    angle = rng.uniform(0, np.pi)
    grain = np.sin((x * np.cos(angle) + y * np.sin(angle)) / rng.uniform(6, 20)) * rng.uniform(
        3, 10
    )
    ramp = (x / width - 0.5) * rng.uniform(-40, 40) + (y / height - 0.5) * rng.uniform(-30, 30)
    desk = base + grain + ramp
    desk = np.clip(desk, 0, 255).astype(np.uint8)
    for _ in range(int(rng.integers(2, 6))):  # pens, papers, a keyboard edge
        colour = int(rng.integers(20, 235))
        centre = (float(rng.uniform(0, width)), float(rng.uniform(0, height)))
        size = (float(rng.uniform(40, 400)), float(rng.uniform(8, 220)))
        box = cv2.boxPoints((centre, size, float(rng.uniform(0, 180)))).astype(np.int32)
        cv2.fillPoly(desk, [box], colour)
    return desk


def _on_paper(item: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The item on a sheet of paper with a margin holding lines of fake text."""
    h, w = item.shape
    margin = int(0.35 * w)
    sheet = np.full((h + 2 * margin, w + 2 * margin), 255, np.uint8)
    sheet[margin : margin + h, margin : margin + w] = item
    line_y = int(rng.integers(20, 60))
    while line_y < sheet.shape[0] - 20:
        x = int(rng.integers(20, 60))
        while x < sheet.shape[1] - 40:
            word = int(rng.integers(20, 90))
            inside = margin - 10 < line_y < margin + h + 10 and margin - 10 < x + word
            inside = inside and x < margin + w + 10
            if not inside:
                cv2.rectangle(sheet, (x, line_y), (x + word, line_y + 14), 60, -1)
            x += word + int(rng.integers(12, 30))
        line_y += int(rng.integers(34, 48))
    return sheet


def _place(
    canvas: np.ndarray,
    item: np.ndarray,
    rng: np.random.Generator,
    level: Level,
    angle: float | None,
    stickers: int = 1,
) -> dict[str, float]:
    """Warp ``item`` (``stickers`` labels side by side) on its sheet of paper
    onto ``canvas`` in place, the labels wholly inside the frame."""
    sheet = _on_paper(item, rng)
    item_h, item_w = item.shape
    target = float(rng.uniform(*level.width))
    if stickers > 1:
        target = min(target, 520.0)
    scale = target * stickers * 1.06 / item_w if stickers > 1 else target / item_w
    theta = float(rng.uniform(0, 360)) if angle is None else float(angle)
    width, height = FRAME_SIZE
    rad = np.deg2rad(theta)
    # Half the extent of the rotated labels, plus room for the perspective shift.
    half_w = 0.5 * scale * (abs(item_w * np.cos(rad)) + abs(item_h * np.sin(rad)))
    half_h = 0.5 * scale * (abs(item_w * np.sin(rad)) + abs(item_h * np.cos(rad)))
    room = level.perspective[1] * target + 4
    cx = float(rng.uniform(min(half_w + room, width / 2), max(width - half_w - room, width / 2)))
    cy = float(rng.uniform(min(half_h + room, height / 2), max(height - half_h - room, height / 2)))
    sh, sw = sheet.shape
    cos, sin = np.cos(rad) * scale, np.sin(rad) * scale
    corners = np.array([[0, 0], [sw, 0], [sw, sh], [0, sh]], np.float32) - [sw / 2, sh / 2]
    rotated = np.stack(
        [corners[:, 0] * cos + corners[:, 1] * sin, -corners[:, 0] * sin + corners[:, 1] * cos],
        axis=1,
    ) + [cx, cy]
    tilt = float(rng.uniform(*level.perspective))
    jitter = rng.uniform(-1, 1, (4, 2)) * tilt * target
    destination = (rotated + jitter).astype(np.float32)
    source = np.array([[0, 0], [sw, 0], [sw, sh], [0, sh]], np.float32)
    matrix = cv2.getPerspectiveTransform(source, destination)
    warped = cv2.warpPerspective(
        sheet, matrix, (width, height), flags=cv2.INTER_AREA, borderValue=0
    )
    mask = cv2.warpPerspective(
        np.full_like(sheet, 255), matrix, (width, height), flags=cv2.INTER_LINEAR, borderValue=0
    )
    alpha = mask.astype(np.float32) / 255.0
    canvas[:] = (canvas * (1 - alpha) + warped * alpha).astype(np.uint8)
    return {"angle": theta, "label_px": target, "tilt": tilt}


def _camera(
    scene: np.ndarray, rng: np.random.Generator, level: Level, drawn: dict[str, float]
) -> np.ndarray:
    """Lens blur, light, sensor noise and JPEG, as a BGR frame."""
    image = scene.astype(np.float32)
    sigma = float(rng.uniform(*level.blur))
    if sigma > 0.05:
        image = cv2.GaussianBlur(image, (0, 0), sigma)
    width, height = FRAME_SIZE
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    brightness = float(rng.uniform(*level.brightness))
    gradient = (
        1 + (x / width - 0.5) * rng.uniform(-0.3, 0.3) + (y / height - 0.5) * rng.uniform(-0.2, 0.2)
    )
    image = image * brightness * gradient + rng.uniform(0, 12)
    noise = float(rng.uniform(*level.noise))
    image = image + rng.normal(0, noise, image.shape).astype(np.float32)
    gray = np.clip(image, 0, 255).astype(np.uint8)
    tint = np.array(rng.uniform(0.9, 1.1, 3), np.float32)
    bgr = np.clip(gray[..., None].astype(np.float32) * tint, 0, 255).astype(np.uint8)
    quality = int(rng.integers(level.jpeg[0], level.jpeg[1] + 1))
    ok, encoded = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:  # pragma: no cover - OpenCV always encodes JPEG
        raise RuntimeError("JPEG encoding failed")
    drawn.update(blur=sigma, brightness=brightness, noise=noise, jpeg=quality)
    return cv2.imdecode(encoded, cv2.IMREAD_COLOR)
