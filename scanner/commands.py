"""Handlers of ``decode PATH… [--json]`` and ``receipt CODE [-o FILE.pdf]``.
Each is ``(settings, args) -> int``."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path

from config.settings import Settings
from messages import text
from sitras_sheets import tracking_code

EXIT_OK, EXIT_FAILED = 0, 1
IMAGE_SUFFIXES = frozenset(
    {".png", ".jpg", ".jpeg", ".jpe", ".webp", ".bmp", ".tif", ".tiff", ".pgm", ".ppm", ".pbm"}
)


def decode(settings: Settings, args: argparse.Namespace) -> int:
    """Decode image files and folders (recursively). One line per image: the
    valid codes, in JSON with ``--json``. Exit 1 if any file could not be read."""
    from scanner.pipeline import decode_frame

    base_url = settings.office.public_base_url or None
    failed = False
    for path, problem in image_paths(args.paths):
        if problem:
            print(text(problem, file=path, path=path), file=sys.stderr)
            failed = failed or problem == "station.decode_missing"
            continue
        image = read_image(path)
        if image is None:
            print(text("station.decode_unreadable", file=path), file=sys.stderr)
            failed = True
            continue
        codes = decode_frame(image, base_url)
        if args.json:
            print(json.dumps({"file": str(path), "codes": codes}, ensure_ascii=False))
        elif codes:
            shown = ", ".join(tracking_code.display(code) for code in codes)
            print(text("station.decode_found", file=path, codes=shown))
        else:
            print(text("station.decode_none", file=path))
        sys.stdout.flush()
    return EXIT_FAILED if failed else EXIT_OK


def image_paths(paths: list[str]) -> Iterator[tuple[Path, str]]:
    """(path, "") for each file to decode, in the order given, folders walked
    recursively in name order; (path, message key) for what cannot be used."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES
            )
            if not found:
                yield path, "station.decode_no_images"
            for item in found:
                yield item, ""
        elif path.is_file():
            yield path, ""  # named explicitly: try it whatever its suffix
        else:
            yield path, "station.decode_missing"


def read_image(path: Path):
    """The image as a BGR array, or None if it cannot be read or decoded.
    (``cv2.imread`` cannot open non-ASCII paths on Windows; bytes can.)"""
    import cv2
    import numpy as np

    try:
        data = np.fromfile(str(path), dtype=np.uint8)
    except OSError:
        return None
    if data.size == 0:
        return None
    return cv2.imdecode(data, cv2.IMREAD_COLOR)


def receipt(settings: Settings, args: argparse.Namespace) -> int:
    """Write the receipt and stickers of a registered letter (A4 unless
    ``args.layout`` says ``58mm`` or ``80mm``). An unknown code raises
    LetterNotFound, which ``main`` prints (exit 1)."""
    from app.bootstrap import build_register
    from scanner.stickers import write_receipt

    letter = build_register(settings).find(args.code)
    grouped = tracking_code.display(letter.code)
    output = Path(args.output) if args.output else Path.cwd() / f"tanda-terima-{grouped}.pdf"
    write_receipt(letter, settings.office, output, args.layout, settings.office.whatsapp_number)
    print(text("station.receipt_written", code=grouped, path=output))
    return EXIT_OK
