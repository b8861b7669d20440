"""Stickers for letters and receipts (*tanda terima*) for senders, as PDF.

The sticker carries Code 128 of the grouped code (``7K2M-9QXD-4TR3``), a QR of
the bare code, the code in large type and the date. The receipt carries the
office, the code, a QR of the tracking link, the letter's details and, when
the office's WhatsApp number is given, a ``wa.me`` link and QR so that the
sender can message the office first. Layouts: an A4 sheet (receipt on top,
stickers below) and 58 mm / 80 mm thermal rolls (receipt, cut line, sticker).

Text goes to the canvas with ``drawString`` only — never through Paragraph
markup — so names and subjects are drawn literally whatever they contain."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.code128 import Code128
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from config.settings import OfficeSettings
from messages import text
from sitras_sheets import tracking_code
from sitras_sheets.models import Letter
from sitras_sheets.phone import normalise_whatsapp
from sitras_sheets.tracking_code import tracking_link

LAYOUTS = ("a4", "58mm", "80mm")
STICKER_LAYOUTS = (*LAYOUTS, "label")
LABEL_SIZE = (90 * mm, 45 * mm)
SYMBOLS = ("qr", "code128")
# Paper width and printable width of thermal rolls.
_ROLLS = {"58mm": (58 * mm, 48 * mm), "80mm": (80 * mm, 72 * mm)}
_FONT, _BOLD = "Helvetica", "Helvetica-Bold"
_DOT = 25.4 * mm / 203  # a thermal printer's dot
_QR_LEVEL = "M"  # the bare code stays at version 1 (21 modules); M survives smudges


def wa_link(whatsapp_number: str, code: str) -> str:
    """``https://wa.me/<digits>?text=LACAK%20<code>`` for the office's number."""
    digits = normalise_whatsapp(whatsapp_number)
    return f"https://wa.me/{digits}?text=LACAK%20{tracking_code.normalise(code)}"


def write_sticker(
    letter: Letter,
    office: OfficeSettings,
    path: str | Path,
    layout: str = "label",
    *,
    copies: int = 2,
    lang: str = "id",
) -> Path:
    """The sticker alone. ``label``: one page the size of the sticker (90×45 mm,
    for label printers); ``a4``: ``copies`` stickers on an A4 sheet; ``58mm`` /
    ``80mm``: one sticker on a thermal roll."""
    _check_layout(layout, STICKER_LAYOUTS)
    code = tracking_code.normalise(letter.code)
    path = Path(path)
    if layout == "label":
        canvas = Canvas(str(path), pagesize=LABEL_SIZE)
        _draw_label(canvas, 0, 0, letter, office, code, lang)
    elif layout == "a4":
        canvas = Canvas(str(path), pagesize=A4)
        _draw_label_grid(canvas, A4[1] - 15 * mm, letter, office, code, lang, copies)
    else:
        column = _Column(_ROLLS[layout][1])
        _sticker_column(column, letter, office, code, lang)
        canvas = _roll_canvas(path, layout, column)
    _finish(canvas, code, lang)
    return path


def label_pdf(
    letter: Letter,
    office: OfficeSettings,
    *,
    symbols: tuple[str, ...] = SYMBOLS,
    lang: str = "id",
) -> bytes:
    """One label as PDF bytes, optionally with only some of its symbols (the
    synthetic camera frames of tests and benchmarks use this)."""
    code = tracking_code.normalise(letter.code)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=LABEL_SIZE)
    _draw_label(canvas, 0, 0, letter, office, code, lang, symbols)
    _finish(canvas, code, lang)
    return buffer.getvalue()


def write_receipt(
    letter: Letter,
    office: OfficeSettings,
    path: str | Path,
    layout: str = "a4",
    whatsapp_number: str = "",
    *,
    lang: str = "id",
) -> Path:
    """The sender's receipt with the letter's sticker(s) on the same PDF."""
    _check_layout(layout, LAYOUTS)
    code = tracking_code.normalise(letter.code)
    wa = wa_link(whatsapp_number, code) if whatsapp_number else ""
    path = Path(path)
    if layout == "a4":
        width, height = A4
        column = _Column(width - 30 * mm)
        _receipt_column(column, letter, office, code, wa, lang, qr_size=38 * mm)
        canvas = Canvas(str(path), pagesize=A4)
        top = height - 15 * mm
        column.draw(canvas, 15 * mm, top)
        cut_y = top - column.height - 6 * mm
        _cut_line(canvas, 15 * mm, cut_y, width - 30 * mm, lang)
        _draw_label_grid(canvas, cut_y - 8 * mm, letter, office, code, lang, copies=2)
    else:
        column = _Column(_ROLLS[layout][1])
        qr_size = min(column.width, 40 * mm)
        _receipt_column(column, letter, office, code, wa, lang, qr_size=qr_size)
        column.gap(5 * mm)
        column.cut(text("sticker.cut", lang))
        column.gap(5 * mm)
        _sticker_column(column, letter, office, code, lang)
        canvas = _roll_canvas(path, layout, column)
    _finish(canvas, code, lang)
    return path


# -- layouts ------------------------------------------------------------------


def _receipt_column(
    column: _Column,
    letter: Letter,
    office: OfficeSettings,
    code: str,
    wa: str,
    lang: str,
    qr_size: float,
) -> None:
    narrow = column.width < 60 * mm
    column.text(office.name, _BOLD, 9 if narrow else 12, align="center")
    column.gap(1 * mm)
    column.text(text("sticker.title", lang), _BOLD, 11 if narrow else 14, align="center")
    column.gap(3 * mm)
    column.text(text("sticker.code_label", lang), _FONT, 8 if narrow else 10, align="center")
    _code_line(column, code, 16 if narrow else 24)
    column.gap(2 * mm)
    size = 8 if narrow else 10
    column.fields(
        [
            (text("sticker.number", lang), letter.number),
            (text("sticker.subject", lang), letter.subject),
            (text("sticker.sender", lang), _sender(letter)),
            (text("sticker.time", lang), letter.received_at),
        ],
        size,
    )
    column.gap(3 * mm)
    if office.public_base_url:
        column.text(text("sticker.scan_to_track", lang), _FONT, size, align="center")
        link = tracking_link(office.public_base_url, code)
        column.qr(link, qr_size)
        column.text(link, _FONT, size - 1, align="center", url=link)
    else:
        column.qr(code, qr_size)
        column.text(text("sticker.no_link", lang), _FONT, size, align="center")
    if wa:
        column.gap(3 * mm)
        column.text(text("sticker.whatsapp", lang), _FONT, size, align="center")
        column.qr(wa, min(qr_size, 30 * mm))
        column.text(wa, _FONT, size - 1, align="center", url=wa)
    column.gap(2 * mm)
    column.text(text("sticker.keep", lang), _FONT, size - 1, align="center")


def _code_line(column: _Column, code: str, size: float) -> None:
    """The code in large type, on one line: smaller type rather than a break."""
    shown = tracking_code.display(code)
    column.text(shown, _BOLD, _fit(shown, _BOLD, size, column.width), align="center")


def _sticker_column(
    column: _Column, letter: Letter, office: OfficeSettings, code: str, lang: str
) -> None:
    narrow = column.width < 60 * mm
    column.text(office.name, _FONT, 7, align="center")
    _code_line(column, code, 15 if narrow else 20)
    column.gap(1 * mm)
    column.qr(code, 26 * mm)
    column.gap(1 * mm)
    column.code128(tracking_code.display(code), 12 * mm)
    column.gap(1 * mm)
    column.text(text("sticker.received", lang, time=_date(letter)), _FONT, 8, align="center")


def _draw_label(
    canvas: Canvas,
    x: float,
    y: float,
    letter: Letter,
    office: OfficeSettings,
    code: str,
    lang: str,
    symbols: tuple[str, ...] = SYMBOLS,
) -> None:
    """One 90×45 mm label with its bottom-left corner at (x, y): QR on the left,
    the code in large type and the date on the right, Code 128 along the bottom."""
    width, height = LABEL_SIZE
    margin = 3 * mm
    qr_size = 27 * mm
    qr_top = y + height - margin
    if "qr" in symbols:
        _draw_qr(canvas, code, x + margin, qr_top - qr_size, qr_size)
    left = x + margin + qr_size + 1 * mm
    room = x + width - margin - left
    grouped = tracking_code.display(code)
    size = _fit(grouped, _BOLD, 18, room)
    canvas.setFont(_BOLD, size)
    canvas.drawString(left, qr_top - 9 * mm, grouped)
    canvas.setFont(_FONT, 8)
    canvas.drawString(left, qr_top - 15 * mm, text("sticker.received", lang, time=_date(letter)))
    canvas.setFont(_FONT, 6.5)
    for n, line in enumerate(_wrap(office.name, _FONT, 6.5, room)[:2]):
        canvas.drawString(left, qr_top - 20 * mm - n * 7, line)
    if "code128" in symbols:
        _draw_code128(canvas, grouped, x + margin, y + margin, width - 2 * margin, 11 * mm)


def _draw_label_grid(
    canvas: Canvas,
    top: float,
    letter: Letter,
    office: OfficeSettings,
    code: str,
    lang: str,
    copies: int,
) -> None:
    """``copies`` labels in two columns from ``top`` down, each with a thin frame
    to cut along; further pages when they do not fit."""
    width, height = LABEL_SIZE
    left = (A4[0] - 2 * width - 6 * mm) / 2
    y = top
    for n in range(max(1, copies)):
        col = n % 2
        if col == 0 and n:
            y -= height + 6 * mm
        if y - height < 10 * mm:
            canvas.showPage()
            y = A4[1] - 15 * mm
        x = left + col * (width + 6 * mm)
        canvas.setLineWidth(0.3)
        canvas.setDash(1, 2)
        canvas.rect(x, y - height, width, height, stroke=1, fill=0)
        canvas.setDash()
        _draw_label(canvas, x, y - height, letter, office, code, lang)


def _cut_line(canvas: Canvas, x: float, y: float, width: float, lang: str) -> None:
    canvas.setLineWidth(0.5)
    canvas.setDash(3, 3)
    canvas.line(x, y, x + width, y)
    canvas.setDash()
    canvas.setFont(_FONT, 7)
    canvas.drawCentredString(x + width / 2, y + 2, text("sticker.cut", lang))


def _roll_canvas(path: Path, layout: str, column: _Column) -> Canvas:
    paper, printable = _ROLLS[layout]
    margin_y = 4 * mm
    canvas = Canvas(str(path), pagesize=(paper, column.height + 2 * margin_y))
    column.draw(canvas, (paper - printable) / 2, column.height + margin_y)
    return canvas


def _finish(canvas: Canvas, code: str, lang: str) -> None:
    canvas.setTitle(f"{text('sticker.title', lang)} {tracking_code.display(code)}")
    canvas.setCreator("Sitras")
    canvas.showPage()
    canvas.save()


def _check_layout(layout: str, allowed: tuple[str, ...]) -> None:
    if layout not in allowed:
        raise ValueError(f"layout {layout!r}; choose one of: {', '.join(allowed)}")


def _sender(letter: Letter) -> str:
    if letter.sender and letter.sender_org:
        return f"{letter.sender} ({letter.sender_org})"
    return letter.sender or letter.sender_org


def _date(letter: Letter) -> str:
    return letter.received_at or "-"


def _wrap(value: str, font: str, size: float, width: float) -> list[str]:
    """Lines of ``value`` no wider than ``width``: at spaces where possible,
    inside a word (a long link) where not."""
    lines: list[str] = []
    for line in simpleSplit(value, font, size, width) or [""]:
        while stringWidth(line, font, size) > width and len(line) > 1:
            cut = len(line) - 1
            while cut > 1 and stringWidth(line[:cut], font, size) > width:
                cut -= 1
            lines.append(line[:cut])
            line = line[cut:]
        lines.append(line)
    return lines


def _fit(value: str, font: str, size: float, width: float) -> float:
    """The largest size ≤ ``size`` at which ``value`` fits in ``width``."""
    while size > 6 and stringWidth(value, font, size) > width:
        size -= 0.5
    return size


# -- symbols ------------------------------------------------------------------


def _draw_qr(canvas: Canvas, value: str, x: float, y: float, size: float) -> None:
    widget = QrCodeWidget(value, barLevel=_QR_LEVEL, barBorder=4, barWidth=size, barHeight=size)
    drawing = Drawing(size, size)
    drawing.add(widget)
    renderPDF.draw(drawing, canvas, x, y)


def _draw_code128(
    canvas: Canvas,
    value: str,
    x: float,
    y: float,
    width: float,
    height: float,
    *,
    quiet_inside: bool = True,
) -> None:
    """Code 128 centred in ``width``. With ``quiet_inside`` the ten-module
    quiet zones fit in ``width`` too. Without, it is for a thermal roll: the
    bars may use all of ``width``, the quiet zones lie in the white unprintable
    margins beyond, and bars are whole printer dots (1/203 in) where they can be."""
    modules = Code128(value, barWidth=1, quiet=0).width
    bar = width / (modules + (20 if quiet_inside else 0))
    if not quiet_inside and bar >= 2 * _DOT:
        bar = int(bar / _DOT) * _DOT
    symbol = Code128(value, barWidth=bar, barHeight=height, quiet=0)
    symbol.drawOn(canvas, x + (width - symbol.width) / 2, y)


# -- a column of blocks, measured before it is drawn (thermal rolls need the
#    page height up front) --------------------------------------------------------


@dataclass
class _Column:
    width: float
    height: float = 0.0
    _ops: list[tuple[float, Callable[[Canvas, float, float], None]]] = field(default_factory=list)

    def gap(self, height: float) -> None:
        self.height += height

    def _add(self, height: float, op: Callable[[Canvas, float, float], None]) -> None:
        self._ops.append((self.height, op))
        self.height += height

    def text(
        self, value: str, font: str, size: float, *, align: str = "left", url: str = ""
    ) -> None:
        leading = size * 1.25
        for line in _wrap(value, font, size, self.width):

            def op(c: Canvas, x: float, top: float, line: str = line) -> None:
                c.setFont(font, size)
                baseline = top - size
                if align == "center":
                    c.drawCentredString(x + self.width / 2, baseline, line)
                else:
                    c.drawString(x, baseline, line)
                if url:
                    c.linkURL(url, (x, baseline - 2, x + self.width, top), relative=0)

            self._add(leading, op)

    def fields(self, rows: list[tuple[str, str]], size: float) -> None:
        """Label: value rows, values aligned; on a narrow roll labels go above."""
        label_width = max(stringWidth(label + ":", _BOLD, size) for label, _ in rows) + 2 * mm
        for label, value in rows:
            if label_width > self.width * 0.4:
                self.text(label + ":", _BOLD, size)
                self.text(value or "-", _FONT, size)
            else:
                self._field(label, value or "-", size, label_width)

    def _field(self, label: str, value: str, size: float, label_width: float) -> None:
        lines = _wrap(value, _FONT, size, self.width - label_width)
        for n, line in enumerate(lines):

            def op(c: Canvas, x: float, top: float, line: str = line, first: bool = n == 0):
                if first:
                    c.setFont(_BOLD, size)
                    c.drawString(x, top - size, label + ":")
                c.setFont(_FONT, size)
                c.drawString(x + label_width, top - size, line)

            self._add(size * 1.3, op)

    def qr(self, value: str, size: float) -> None:
        size = min(size, self.width)
        self._add(
            size,
            lambda c, x, top: _draw_qr(c, value, x + (self.width - size) / 2, top - size, size),
        )

    def code128(self, value: str, height: float) -> None:
        self._add(
            height,
            lambda c, x, top: _draw_code128(
                c, value, x, top - height, self.width, height, quiet_inside=False
            ),
        )

    def cut(self, label: str) -> None:
        def op(c: Canvas, x: float, top: float) -> None:
            c.setFont(_FONT, 6)
            c.drawCentredString(x + self.width / 2, top - 6, label)
            c.setLineWidth(0.5)
            c.setDash(3, 3)
            c.line(x, top - 9, x + self.width, top - 9)
            c.setDash()

        self._add(10, op)

    def draw(self, canvas: Canvas, x: float, top: float) -> None:
        for offset, op in self._ops:
            op(canvas, x, top - offset)
