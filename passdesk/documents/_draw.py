"""Small canvas helpers shared by every printed page: fit, wrap, marks, watermarks.

Every helper keeps text inside the box it is given (shrink, then cut with an ellipsis) because
a name overflowing onto a barcode or off the page is worse than a smaller font; what a person
must read whole (a name, a place's services) is wrapped instead, with `wrap`.
"""

from __future__ import annotations

import io
import math
import unicodedata
from collections.abc import Iterable

from reportlab.lib.colors import Color, HexColor
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from passdesk.documents import fonts
from passdesk.i18n import _

ACCENT = HexColor("#114B5F")
ACCENT_LIGHT = HexColor("#E4EEF1")
GREY = HexColor("#5A5A5A")
LIGHT_GREY = HexColor("#BBBBBB")
ALERT = HexColor("#B3261E")
DEMO = HexColor("#B85C00")
ELLIPSIS = "…"


def clean(text: str) -> str:
    """NFC form: reportlab draws one glyph per code point, so "e" + U+0301 must become "é"."""
    if unicodedata.is_normalized("NFC", text):
        return text
    return unicodedata.normalize("NFC", text)


def width(text: str, font: str, size: float) -> float:
    return stringWidth(text, font, size)


def fit(
    text: str, font: str, size: float, max_width: float, min_size: float = 6.0
) -> tuple[str, float]:
    """The text and size that fit `max_width`: shrink down to `min_size`, then cut with "…"."""
    text = clean(text)
    if max_width <= 0:
        return "", size
    current = size
    text_width = width(text, font, current)
    if text_width > max_width:
        current = max(min_size, size * max_width / text_width)
        text_width = width(text, font, current)
    # The width scales with the size, but not to the last bit: a text shrunk to fit exactly
    # must not then be cut for a rounding error (a code range lost its last digits).
    if text_width <= max_width * (1 + 1e-9):
        return text, current
    low, high = 0, len(text)
    while low < high:  # longest prefix that fits with the ellipsis
        middle = (low + high + 1) // 2
        if width(text[:middle].rstrip() + ELLIPSIS, font, current) <= max_width:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + ELLIPSIS, current


def draw_fitted(
    canvas: Canvas,
    x: float,
    y: float,
    text: str,
    font: str,
    size: float,
    max_width: float,
    *,
    align: str = "left",
    min_size: float = 6.0,
) -> float:
    """Draw one line at baseline y within max_width; return the size used."""
    shown, used = fit(text, font, size, max_width, min_size)
    canvas.setFont(font, used)
    if align == "right":
        canvas.drawRightString(x, y, shown)
    elif align == "center":
        canvas.drawCentredString(x, y, shown)
    else:
        canvas.drawString(x, y, shown)
    return used


def wrap(text: str, font: str, size: float, max_width: float) -> list[str]:
    """Lines of `text` (its own line breaks kept) that each fit `max_width`."""
    lines: list[str] = []
    for paragraph in clean(text).splitlines() or [""]:
        split = _split(paragraph, font, size, max_width) if paragraph.strip() else [""]
        for line in split:  # a single word wider than the box is cut rather than overflowing
            lines.append(
                line
                if width(line, font, size) <= max_width
                else fit(line, font, size, max_width, size)[0]
            )
    return lines


def _split(paragraph: str, font: str, size: float, max_width: float) -> list[str]:
    """Greedy line breaking at plain spaces only: a no-break space (before %, €) holds.

    reportlab's simpleSplit breaks at every Unicode space, so "10 %" could end a line on "10".
    """
    lines: list[str] = []
    current = ""
    for word in paragraph.split(" "):
        if not word:
            continue
        candidate = f"{current} {word}" if current else word
        if current and stringWidth(candidate, font, size) > max_width:
            lines.append(current)
            current = word
        else:
            current = candidate
    lines.append(current)
    return lines


def draw_lines(
    canvas: Canvas,
    x: float,
    top: float,
    lines: Iterable[str],
    font: str,
    size: float,
    leading: float | None = None,
) -> float:
    """Draw lines downward from `top` (the top of the first line); return the y under the last."""
    leading = leading or size * 1.25
    canvas.setFont(font, size)
    y = top
    for line in lines:
        y -= leading
        canvas.drawString(x, y + (leading - size) / 2 + size * 0.22, line)
    return y


def cut_marks(
    canvas: Canvas,
    xs: Iterable[float],
    ys: Iterable[float],
    box: tuple[float, float, float, float],
    length: float = 4 * mm,
    gap: float = 1.5 * mm,
) -> None:
    """Crop marks outside `box` (x0, y0, x1, y1), in line with each cut at xs and ys."""
    x0, y0, x1, y1 = box
    canvas.saveState()
    canvas.setLineWidth(0.3)
    canvas.setStrokeColor(Color(0, 0, 0))
    path = canvas.beginPath()
    for x in xs:
        path.moveTo(x, y1 + gap)
        path.lineTo(x, y1 + gap + length)
        path.moveTo(x, y0 - gap)
        path.lineTo(x, y0 - gap - length)
    for y in ys:
        path.moveTo(x0 - gap, y)
        path.lineTo(x0 - gap - length, y)
        path.moveTo(x1 + gap, y)
        path.lineTo(x1 + gap + length, y)
    canvas.drawPath(path, stroke=1, fill=0)
    canvas.restoreState()


def watermark(
    canvas: Canvas,
    text: str,
    cx: float,
    cy: float,
    box_width: float,
    box_height: float,
    color: Color = ALERT,
    alpha: float = 0.18,
    over_content: bool = False,
    rising: bool = True,
) -> None:
    """A large diagonal word (DUPLICATA, ANNULÉ) across a box, light enough to read through.

    Under the content it is an opaque tint (PDF forms from reportlab drop transparency);
    `over_content` draws it last with real transparency so nothing can hide it. `rising` runs
    it from the lower left to the upper right; the other diagonal lets two words cross.
    """
    angle = math.degrees(math.atan2(box_height, box_width)) * (1 if rising else -1)
    diagonal = math.hypot(box_width, box_height)
    size = min(0.8 * diagonal / max(width(text, fonts.BOLD, 1), 1e-6), box_height * 0.45)
    canvas.saveState()
    if over_content:
        canvas.setFillColor(color)
        canvas.setFillAlpha(alpha)
    else:
        canvas.setFillColor(Color(*(alpha * part + (1 - alpha) for part in color.rgb())))
    canvas.translate(cx, cy)
    canvas.rotate(angle)
    canvas.setFont(fonts.BOLD, size)
    canvas.drawCentredString(0, -size * 0.35, text)
    canvas.restoreState()


def demo_watermark(
    canvas: Canvas, cx: float, cy: float, box_width: float, box_height: float
) -> None:
    """DÉMONSTRATION across a page (or a voucher) printed by a demonstration desk.

    Every document calls this one function when its record's `DeskLine.demo` is set, so that
    no paper of a demonstration can pass for a real one. It runs on the falling diagonal, so
    that it crosses DUPLICATA or ANNULÉ rather than covering them; drawn before a barcode, it
    leaves the barcode's white quiet zones (and so its reading) untouched.
    """
    watermark(
        canvas,
        _("DEMONSTRATION"),
        cx,
        cy,
        box_width,
        box_height,
        color=DEMO,
        alpha=0.22,
        over_content=True,
        rising=False,
    )


class LogoCache:
    """One ImageReader per logo bytes, so a batch decodes the desk's PNG once, not per cover."""

    def __init__(self) -> None:
        self._readers: dict[bytes, ImageReader | None] = {}

    def get(self, data: bytes | None) -> ImageReader | None:
        if not data:
            return None
        if data not in self._readers:
            try:
                self._readers[data] = ImageReader(io.BytesIO(data))
            except Exception:  # a damaged logo must not stop a handout's receipt
                self._readers[data] = None
        return self._readers[data]


def draw_logo(
    canvas: Canvas, reader: ImageReader, x: float, top: float, max_width: float, max_height: float
) -> float:
    """Draw the logo inside the box at (x, top), keeping its proportions; return its width."""
    image_width, image_height = reader.getSize()
    scale = min(max_width / image_width, max_height / image_height)
    shown_width, shown_height = image_width * scale, image_height * scale
    canvas.drawImage(reader, x, top - shown_height, shown_width, shown_height, mask="auto")
    return shown_width
