"""Code 128 drawn as vector bars, sized so a cashier's scanner reads it at the first try.

python-barcode computes the module pattern ('1' = bar module, '0' = space); we only draw it.
Vectors keep every edge sharp at any printer resolution, and no raster image enters the PDF.
Below 0.33 mm a module, bars failed to decode at 150 dpi; the module is 1/75 inch (see MODULE).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from barcode import get_barcode_class
from barcode.errors import BarcodeError
from reportlab.lib.colors import black, white
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from passdesk.codes import format_for_reading
from passdesk.documents import fonts
from passdesk.errors import PassDeskError

MIN_MODULE: Final = 0.33 * mm
# 1/75 inch (0.339 mm): a whole number of dots at 150 dpi (2), 300 dpi (4) and 600 dpi (8), so
# every bar keeps its exact width in modules once rasterised. At 0.38 mm (2.24 dots at 150 dpi)
# the rounding of bar edges made about 1 code in 300 unreadable in a 150 dpi scan.
MODULE: Final = 72 / 75
QUIET_MODULES: Final = 10
TEXT_SIZE: Final = 9.0
_TEXT_GAP: Final = 1.2 * mm

_Code128 = get_barcode_class("code128")
_BARS = re.compile("1+")


@dataclass(frozen=True, slots=True)
class Code128:
    """A code and its module pattern ('1' bar, '0' space, no quiet zones), computed once."""

    code: str
    pattern: str

    @classmethod
    def of(cls, code: str) -> Code128:
        return cls(code, code128_modules(code))

    @property
    def modules(self) -> int:
        """Modules across the symbol, quiet zones included."""
        return len(self.pattern) + 2 * QUIET_MODULES

    def width(self, module: float = MODULE) -> float:
        return self.modules * module

    def module_to_fit(self, room: float) -> float:
        """MODULE if the symbol fits `room` points; narrower if needed, never below 0.33 mm."""
        if self.width(MODULE) <= room:
            return MODULE
        module = room / self.modules
        if module < MIN_MODULE:
            raise ValueError(f"code {self.code!r} is too long for a {room / mm:.0f} mm barcode")
        return module


def code128_modules(code: str) -> str:
    """The module pattern of `code` ('1' bar, '0' space), without quiet zones."""
    if not code or not code.isascii() or not code.isprintable():
        raise ValueError(f"cannot encode {code!r} in Code 128")
    try:
        return str(_Code128(code).build()[0])
    except BarcodeError as error:  # pragma: no cover - guarded above
        raise ValueError(f"cannot encode {code!r} in Code 128") from error


def bar_runs(pattern: str) -> list[tuple[int, int]]:
    """(first module, width in modules) of each bar: one rectangle per bar, not per module."""
    return [(match.start(), match.end() - match.start()) for match in _BARS.finditer(pattern)]


def code128_height(bar_height: float, text_size: float | None = TEXT_SIZE) -> float:
    """Height in points of bars plus the clear text under them."""
    return bar_height + (_TEXT_GAP + text_size if text_size else 0.0)


def draw_code128(
    canvas: Canvas,
    code: str | Code128,
    x: float,
    y: float,
    *,
    bar_height: float,
    module: float = MODULE,
    text_size: float | None = TEXT_SIZE,
    background: bool = True,
) -> float:
    """Draw `code` with its lower-left corner (quiet zone included) at (x, y); return the width.

    The clear text, grouped for reading aloud, sits under the bars. `background` paints the
    quiet zones white so a watermark (DUPLICATA) never runs into the symbol.
    """
    if module < MIN_MODULE:
        raise ValueError(f"module {module / mm:.2f} mm is below the 0.33 mm minimum")
    symbol = code if isinstance(code, Code128) else Code128.of(code)
    width = symbol.width(module)
    height = code128_height(bar_height, text_size)
    text_room = height - bar_height
    canvas.saveState()
    if background:
        canvas.setFillColor(white)
        canvas.rect(x, y, width, height, stroke=0, fill=1)
    canvas.setFillColor(black)
    # One bar = one "re" in module units: the matrix scales a module to `module` points wide
    # and 1 to the bar height, so the operators are short integers, quick to write and to read.
    bars = " ".join(f"{start} 0 {run} 1 re" for start, run in bar_runs(symbol.pattern))
    canvas.addLiteral(
        f"q {module:.5f} 0 0 {bar_height:.4f} {x + QUIET_MODULES * module:.4f} "
        f"{y + text_room:.4f} cm {bars} f Q"
    )
    if text_size:
        fonts.register_fonts()
        canvas.setFont(fonts.REGULAR, text_size)
        canvas.drawCentredString(x + width / 2, y + 0.2 * text_size, reading_form(symbol.code))
    canvas.restoreState()
    return width


def reading_form(code: str) -> str:
    """The code grouped for reading aloud under its barcode (the barcode holds the exact code)."""
    try:
        return format_for_reading(code)
    except PassDeskError:  # not a register code (a test pattern): group it plainly
        return _plain_groups(code)


def _plain_groups(code: str) -> str:
    groups: list[str] = []
    for part in code.split("-"):
        if len(part) > 4 and part.isdigit():
            head = len(part) % 4 or 4
            groups.append(part[:head])
            groups.extend(part[i : i + 4] for i in range(head, len(part), 4))
        elif part:
            groups.append(part)
    return " ".join(groups)
