"""The orientation slip: where to go with the vouchers, on one A4 page the person takes home.

The same places as the receipt (nearest first, with opening hours, how to book and how far),
with more room: every service of each place, and the needs no place near answers, said plainly.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO, Final

from reportlab.lib.colors import HexColor, white
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from passdesk.documents import _blocks, _draw, fonts
from passdesk.documents._blocks import BRAND, block_height, draw_block, place_block
from passdesk.documents.output import atomic_output
from passdesk.documents.records import DeskLine, PlaceLine
from passdesk.formatting import format_date
from passdesk.i18n import _

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN: Final = 15 * mm
LEFT: Final = MARGIN
RIGHT: Final = PAGE_WIDTH - MARGIN
FULL: Final = RIGHT - LEFT
BOTTOM: Final = 22 * mm


@dataclass(frozen=True, slots=True)
class OrientationRecord:
    """What the slip says; `places` are chosen and ordered (nearest first) by the caller."""

    desk: DeskLine
    beneficiary_name: str
    locality: str
    issued_at: datetime
    needs: tuple[str, ...]
    places: tuple[PlaceLine, ...]
    unserved_needs: tuple[str, ...] = ()
    from_desk: bool = False
    footer: str = ""


def render_orientation(
    record: OrientationRecord, output: str | os.PathLike[str] | BinaryIO
) -> None:
    """Write the slip; all or nothing at a path (see `atomic_output`)."""
    if isinstance(output, str | os.PathLike):
        with atomic_output(output) as stream:
            _write(stream, record)
    else:
        _write(output, record)


def _write(stream: BinaryIO, record: OrientationRecord) -> None:
    fonts.register_fonts()
    c = Canvas(stream, pagesize=A4, pageCompression=1, invariant=1)
    c.setTitle(_("Where to use your vouchers"))
    c.setCreator("PassDesk")
    top = PAGE_HEIGHT - MARGIN
    logo = _draw.LogoCache().get(record.desk.logo_png)
    _blocks.draw_letterhead(c, record.desk, logo, LEFT, top, FULL, 22 * mm)
    y = top - 25 * mm
    height = 11 * mm
    c.setFillColor(_draw.ACCENT)
    c.roundRect(LEFT, y - height, FULL, height, 2 * mm, stroke=0, fill=1)
    c.setFillColor(white)
    _draw.draw_fitted(
        c, LEFT + 4 * mm, y - 7.3 * mm, _("Where to use your vouchers"), fonts.BOLD, 13, FULL
    )
    y -= height + 6 * mm
    c.setFillColor(HexColor("#000000"))
    lines = [
        (
            fonts.BOLD,
            11,
            _("For {name}, on {date}").format(
                name=record.beneficiary_name, date=format_date(record.issued_at.date())
            ),
        )
    ]
    if record.needs:
        lines.append(
            (fonts.REGULAR, 9.5, _("Needs: {needs}").format(needs=", ".join(record.needs)))
        )
    origin = (
        _("Distances from the desk.")
        if record.from_desk or not record.locality
        else _("Distances from {place}.").format(place=record.locality)
    )
    lines.append((fonts.REGULAR, 9, origin))
    for font, size, text in lines:
        for line in _draw.wrap(text, font, size, FULL)[:3]:
            c.setFont(font, size)
            c.drawString(LEFT, y - size, line)
            y -= size * 1.35
    y -= 3 * mm
    if record.unserved_needs:
        text = _("No place near you offers: {needs}. Ask the desk where to go.").format(
            needs=", ".join(record.unserved_needs)
        )
        wrapped = _draw.wrap(text, fonts.BOLD, 9.5, FULL - 8 * mm)[:3]
        box = len(wrapped) * 12 + 4 * mm
        c.setStrokeColor(_draw.ALERT)
        c.setFillColor(HexColor("#FBEAEA"))
        c.rect(LEFT, y - box, FULL, box, stroke=1, fill=1)
        c.setFillColor(_draw.ALERT)
        _draw.draw_lines(c, LEFT + 4 * mm, y - 2 * mm, wrapped, fonts.BOLD, 9.5, 12)
        y -= box + 5 * mm
    if not record.places:
        c.setFillColor(HexColor("#000000"))
        c.setFont(fonts.REGULAR, 10)
        c.drawString(
            LEFT, y - 4 * mm, _("Ask this desk for the list of qualified places near you.")
        )
    gutter = 8 * mm
    width = (FULL - gutter) / 2
    columns = (LEFT, LEFT + width + gutter)
    for start in range(0, len(record.places), 2):  # two places a row, nearest first
        blocks = [
            place_block(place, width, details=True) for place in record.places[start : start + 2]
        ]
        if y - max(block_height(b) for b in blocks) < BOTTOM:
            break
        y = min(draw_block(c, b, columns[i], y) for i, b in enumerate(blocks)) - 4 * mm
    c.setFillColor(_draw.GREY)
    if record.footer.strip():
        _draw.draw_fitted(
            c, PAGE_WIDTH / 2, 14 * mm, record.footer.strip(), fonts.REGULAR, 8, FULL,
            align="center", min_size=6,
        )  # fmt: skip
    _draw.draw_fitted(
        c,
        PAGE_WIDTH / 2,
        9 * mm,
        f"{BRAND} — " + _("Orientation slip"),
        fonts.REGULAR,
        7,
        FULL,
        align="center",
    )
    if record.desk.demo:
        _draw.demo_watermark(c, PAGE_WIDTH / 2, PAGE_HEIGHT / 2, PAGE_WIDTH, PAGE_HEIGHT)
    c.showPage()
    c.save()
