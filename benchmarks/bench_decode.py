"""Decoder benchmark: pyzbar, zxing-cpp, OpenCV and the station pipeline, side
by side, on the same synthetic webcam frames (``scanner.frames``) and on real
photographs (zxing-cpp's blackbox samples).

    .venv/bin/python benchmarks/bench_decode.py --ablation      # ~2.5 minutes on 2 cores
    .venv/bin/python benchmarks/bench_decode.py                 # without the ablation rows
    .venv/bin/python benchmarks/bench_decode.py --per-cell 10   # a quick look

The default bank: 40 frames for each level (easy, medium, hard) × kind
(code128-only, qr-only, both) = 360 positive frames, 20 of each of the five
negative kinds = 100, i.e. 460 frames; then 48 frames of Code 128 alone at 24
angles; then the 141 real photographs.

Synthetic frames: a frame *reads* when every expected code comes out; a
*misread* is a code out of a frame that holds other codes; a *false positive*
is a code out of a frame that holds none (blank paper, EAN-13, someone else's
QR or Code 128, a code with a wrong check symbol). Times are wall-clock per
1280×720 frame for decoding plus interpretation, one frame at a time.

Real samples: raw texts (no tracking-code filter, since their payloads are
other things) compared with each image's ``.txt``; the pipeline runs its
preprocessing chain until some symbol is decoded."""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scanner.decoders import (  # noqa: E402
    Decoded,
    OpenCVDecoder,
    PyzbarDecoder,
    ZxingDecoder,
    to_gray,
)
from scanner.frames import LEVELS, NEGATIVE_KINDS, POSITIVE_KINDS, frame_bank, make_frame  # noqa: E402
from scanner.pipeline import Pipeline, codes_from  # noqa: E402

SAMPLES = Path("/work/shared/samples/zxing-blackbox")
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".bmp", ".tif", ".tiff"}

Reader = Callable[[np.ndarray], list[Decoded]]


def readers(ablation: bool) -> dict[str, Reader]:
    pipeline = Pipeline()
    chosen: dict[str, Reader] = {
        "pyzbar": PyzbarDecoder().decode,
        "zxing-cpp": ZxingDecoder().decode,
        "opencv": OpenCVDecoder().decode,
        "pipeline": pipeline.read,
    }
    if ablation:  # step 1 plus one fallback step, then everything but ZBar
        chosen["1+deskew"] = Pipeline(upscale_qr=False, use_pyzbar=False).read
        chosen["1+qr2x"] = Pipeline(deskew=False, use_pyzbar=False).read
        chosen["1+zbar"] = Pipeline(deskew=False, upscale_qr=False).read
        chosen["pipeline-no-zbar"] = Pipeline(use_pyzbar=False).read
        chosen["1+clahe"] = _with_clahe(ZxingDecoder())
    return chosen


def _with_clahe(zxing: ZxingDecoder) -> Reader:
    """Step 1, then zxing-cpp on a CLAHE-equalised frame (a low-light remedy the
    pipeline does not use; here to show why)."""
    clahe = cv2.createCLAHE(clipLimit=2.0, tileGridSize=(8, 8))

    def read(image: np.ndarray) -> list[Decoded]:
        found = zxing.decode(image)
        if codes_from(found):
            return found
        return found + zxing.decode(clahe.apply(to_gray(image)))

    return read


class Tally:
    def __init__(self) -> None:
        self.cells: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
        self.misreads = 0
        self.false_positives = 0
        self.negatives_seen = 0  # negative frames where a (foreign) symbol was decoded
        self.ms: list[float] = []
        self.first_pass_ms: list[float] = []

    def rate(self, key: tuple[str, str]) -> str:
        hits, total = self.cells.get(key, (0, 0))
        return f"{100 * hits / total:5.1f}" if total else "    -"


def run_synthetic(args: argparse.Namespace, chosen: dict[str, Reader]) -> dict[str, Tally]:
    tallies = {name: Tally() for name in chosen}
    frames = frame_bank(args.per_cell, seed=args.seed, negatives_per_kind=args.negatives)
    count = 0
    easy_for_zxing: list[bool] = []  # frames zxing-cpp alone reads
    for frame in frames:
        count += 1
        expected = set(frame.expected)
        for name, read in chosen.items():
            start = time.perf_counter()
            found = read(frame.image)
            got = codes_from(found)
            tally = tallies[name]
            tally.ms.append(1000 * (time.perf_counter() - start))
            if expected:
                cell = tally.cells[(frame.level, frame.kind)]
                cell[0] += expected <= set(got)
                cell[1] += 1
                tally.misreads += len(set(got) - expected)
            else:
                tally.false_positives += len(got)
                tally.negatives_seen += bool(found)
            if name == "zxing-cpp":
                easy_for_zxing.append(bool(expected) and expected <= set(got))
    print(f"synthetic bank: {count} frames (seed {args.seed})")
    for tally in tallies.values():
        tally.first_pass_ms = [ms for ms, ok in zip(tally.ms, easy_for_zxing, strict=True) if ok]
    return tallies


def print_synthetic(tallies: dict[str, Tally]) -> None:
    columns = [(level, kind) for level in LEVELS for kind in POSITIVE_KINDS]
    head = " ".join(f"{level[:3]}/{kind[:4]:>4}" for level, kind in columns)
    print(f"{'reader':17} {head}  misread  falsepos  negseen  median ms  p95 ms  med ms*")
    for name, tally in tallies.items():
        rates = " ".join(f"{tally.rate(c):>8}" for c in columns)
        median = statistics.median(tally.ms)
        p95 = float(np.percentile(tally.ms, 95))
        first = statistics.median(tally.first_pass_ms) if tally.first_pass_ms else float("nan")
        print(
            f"{name:17} {rates}  {tally.misreads:7d}  {tally.false_positives:8d}"
            f"  {tally.negatives_seen:7d}  {median:9.1f}  {p95:6.1f}  {first:7.1f}"
        )
    print(
        "  decode rate % by level/kind (code128-only, qr-only, both symbols on the sticker);\n"
        "  negseen: negative frames in which the reader decoded the foreign symbol (and the\n"
        "  payload filter refused it); med ms*: median over the frames zxing-cpp alone reads"
    )


def run_angles(chosen: dict[str, Reader], step: int, seeds: int) -> None:
    """Code 128 alone on an easy frame, at every ``step`` degrees."""
    angles = list(range(0, 360, step))
    print(f"\nCode 128 only, easy level, angle 0–{360 - step}° every {step}° × {seeds} seeds:")
    frames = [
        make_frame("code128", "easy", 900 + s, angle=float(a)) for a in angles for s in range(seeds)
    ]
    for name, read in chosen.items():
        hits = [set(f.expected) <= set(codes_from(read(f.image))) for f in frames]
        missed = sorted({angles[i // seeds] for i, hit in enumerate(hits) if not hit})
        shown = ", ".join(f"{a}°" for a in missed[:12]) + (" …" if len(missed) > 12 else "")
        print(f"  {name:18} {100 * sum(hits) / len(hits):5.1f}%   missed at: {shown or '-'}")


def run_samples(root: Path, chosen: dict[str, Reader]) -> None:
    if not root.is_dir():
        print(f"\n(no real samples at {root})")
        return
    raw: dict[str, Reader] = {
        "pyzbar": PyzbarDecoder().decode,
        "zxing-cpp": ZxingDecoder().decode,
        "opencv": OpenCVDecoder().decode,
    }
    pipeline = Pipeline()
    raw["pipeline (no filter)"] = lambda image: pipeline.read(image, accept=lambda _: True)
    print(f"\nreal samples, raw decode rate (text equal to the .txt) — {root}")
    folders = sorted(p for p in root.iterdir() if p.is_dir())
    print(f"{'folder':12} {'n':>4} " + " ".join(f"{name:>20}" for name in raw))
    totals = defaultdict(int)
    total_n = 0
    timings: dict[str, list[float]] = defaultdict(list)
    for folder in folders:
        images = sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        hits = defaultdict(int)
        n = 0
        for path in images:
            expected_file = path.with_suffix(".txt")
            image = cv2.imread(str(path), cv2.IMREAD_COLOR)
            if image is None or not expected_file.is_file():
                continue
            expected = _lines(expected_file.read_text(encoding="utf-8"))
            n += 1
            for name, read in raw.items():
                start = time.perf_counter()
                texts = {_lines(item.text) for item in read(image)}
                timings[name].append(1000 * (time.perf_counter() - start))
                hits[name] += expected in texts
        total_n += n
        for name in raw:
            totals[name] += hits[name]
        print(
            f"{folder.name:12} {n:4d} "
            + " ".join(f"{hits[name]:>9d} ({100 * hits[name] / max(n, 1):5.1f}%)" for name in raw)
        )
    print(
        f"{'all':12} {total_n:4d} "
        + " ".join(
            f"{totals[name]:>9d} ({100 * totals[name] / max(total_n, 1):5.1f}%)" for name in raw
        )
    )
    print(
        f"{'median ms':12} {'':4} "
        + " ".join(f"{statistics.median(timings[name]):>20.1f}" for name in raw)
    )


def _lines(value: str) -> str:
    """Line ends made alike (the expected files use LF; QR payloads often CRLF)."""
    return value.replace("\r\n", "\n").replace("\r", "\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-cell", type=int, default=40, help="frames per level and kind")
    parser.add_argument("--negatives", type=int, default=20, help="frames per negative kind")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--angle-step", type=int, default=15)
    parser.add_argument("--angle-seeds", type=int, default=2)
    parser.add_argument("--samples", type=Path, default=SAMPLES)
    parser.add_argument("--no-samples", action="store_true")
    parser.add_argument("--ablation", action="store_true", help="also the pipeline's steps alone")
    args = parser.parse_args()
    cv2.setNumThreads(1)  # one frame at a time, as a station decodes
    chosen = readers(args.ablation)
    started = time.perf_counter()
    negatives = ", ".join(NEGATIVE_KINDS)
    print(f"negative kinds: {negatives}")
    print_synthetic(run_synthetic(args, chosen))
    run_angles(chosen, args.angle_step, args.angle_seeds)
    if not args.no_samples:
        run_samples(args.samples, chosen)
    print(f"\ntotal {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
