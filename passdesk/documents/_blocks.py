"""Pieces printed on both covers and receipts: the desk's letterhead and the places directory.

Drawn the same way on both papers, so a person recognises the desk and the places at a glance.
"""

from __future__ import annotations

from typing import Final

from reportlab.lib.colors import Color, black
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from passdesk.documents import _draw, fonts
from passdesk.documents.records import DeskLine, FunderShareLine, PlaceLine
from passdesk.formatting import format_number, format_percent
from passdesk.i18n import _

BRAND: Final = "Pass Numérique"  # the scheme's own name, the same in every language
PlaceBlock = list[tuple[str, float, str, Color]]  # (font, size, text, colour) per line


def one_line(text: str) -> str:
    """A multi-line address as one line ("Hôtel de ville, 1 place de la République")."""
    return ", ".join(line.strip() for line in text.splitlines() if line.strip())


def desk_locality(desk: DeskLine) -> str:
    return " ".join(p for p in (desk.postcode, desk.commune) if p)


def desk_one_line(desk: DeskLine) -> str:
    """Name, address and commune on one line, as printed on each voucher."""
    return ", ".join(p for p in (desk.name, one_line(desk.address), desk_locality(desk)) if p)


def rules() -> str:
    """The scheme's rules, the same words on receipts, covers and vouchers."""
    return _("Vouchers not exchangeable, not refundable; using them gives no change.")


def funder_list(funders: tuple[FunderShareLine, ...]) -> str:
    return ", ".join(f"{f.name} {format_percent(f.percent)}" for f in funders)


def draw_letterhead(
    c: Canvas,
    desk: DeskLine,
    logo: ImageReader | None,
    x: float,
    top: float,
    room: float,
    height: float,
) -> None:
    """Logo, then the desk's name (two lines at most), address, commune and SIRET, kept
    within `room` points across and `height` points down."""
    if logo is not None:
        shift = _draw.draw_logo(c, logo, x, top, 40 * mm, min(20 * mm, height)) + 5 * mm
        x, room = x + shift, room - shift
    name = _draw.wrap(desk.name, fonts.BOLD, 11, room)
    if len(name) > 2:
        name = [name[0], _draw.fit(" ".join(name[1:]), fonts.BOLD, 11, room, 11)[0]]
    c.setFillColor(black)
    c.setFont(fonts.BOLD, 11)
    y = top - 4 * mm
    for line in name:
        c.drawString(x, y, line)
        y -= 4.6 * mm
    details = [
        one_line(desk.address),
        desk_locality(desk),
        _("SIRET {siret}").format(siret=desk.siret) if desk.siret else "",
    ]
    c.setFillColor(_draw.GREY)
    y += 0.4 * mm
    for line in (d for d in details if d):
        if y < top - height + 1 * mm:
            break
        _draw.draw_fitted(c, x, y, line, fonts.REGULAR, 8.5, room)
        y -= 4 * mm


def distance_text(place: PlaceLine) -> str:
    if place.distance_km is None:
        return ""
    shown = round(place.distance_km, 1) if place.distance_km < 10 else round(place.distance_km)
    # One unit on the page: a line never ends on "à" with "3,4 km" on the next.
    return _("{km} km away").format(km=format_number(shown)).replace(" ", "\u00a0")


def place_block(place: PlaceLine, width: float, *, details: bool = False) -> PlaceBlock:
    """The lines that describe one place in a column of `width` points; with `details`, how
    far it is, its opening hours and how to book (receipts and orientation slips).

    Nothing is cut: a place whose services or hours run long takes more lines, and the page
    shows fewer places rather than a service ending in "…" that the person cannot ask for.
    """
    lines: PlaceBlock = []
    for text in _draw.wrap(place.name, fonts.BOLD, 8.5, width):
        lines.append((fonts.BOLD, 8.5, text, black))
    locality = " ".join(p for p in (place.postcode, place.commune) if p)
    address = ", ".join(p for p in (one_line(place.address), locality) if p)
    distance = distance_text(place) if details else ""
    # the distance after the address, never lost to a long one
    located = " · ".join(p for p in (address, distance) if p)
    if located:
        lines.extend((fonts.REGULAR, 7.5, text, black) for text in
                     _draw.wrap(located, fonts.REGULAR, 7.5, width))  # fmt: skip
    if place.phone:
        lines.append((fonts.REGULAR, 7.5, _("Tel. {phone}").format(phone=place.phone), black))
    if details and place.opening_hours:
        hours = _("Open: {hours}").format(hours=place.opening_hours)
        for text in _draw.wrap(hours, fonts.REGULAR, 7.5, width):
            lines.append((fonts.REGULAR, 7.5, text, black))
    if details and place.booking:
        for text in _draw.wrap(place.booking, fonts.REGULAR, 7.5, width):
            lines.append((fonts.REGULAR, 7.5, text, _draw.ACCENT))
    if place.services:
        wrapped = _draw.wrap(" · ".join(place.services), fonts.REGULAR, 6.5, width)
        lines.extend((fonts.REGULAR, 6.5, text, _draw.GREY) for text in wrapped)
    return lines


def block_height(block: PlaceBlock) -> float:
    return sum(size * 1.22 for _font, size, _text, _colour in block)


def draw_block(c: Canvas, block: PlaceBlock, x: float, top: float) -> float:
    """Draw the lines from `top` downward; return the y under the last one."""
    y = top
    for font, size, text, colour in block:
        y -= size * 1.22
        c.setFillColor(colour)
        c.setFont(font, size)
        c.drawString(x, y + size * 0.25, text)
    return y


def draw_place_columns(
    c: Canvas,
    places: tuple[PlaceLine, ...],
    left: float,
    width: float,
    top: float,
    limit: float,
    *,
    details: bool = True,
) -> float:
    """As many places as fit between `top` and `limit`, nearest first, two a row (as the
    orientation slip shows them: the columns stay even); returns the lowest y drawn (`top`
    when not even the nearest fits)."""
    gutter = 6 * mm
    column_width = (width - gutter) / 2
    columns = (left, left + column_width + gutter)
    lowest = y = top
    for start in range(0, len(places), 2):
        blocks = [
            place_block(place, column_width, details=details) for place in places[start : start + 2]
        ]
        if y - block_height(blocks[0]) < limit:
            break
        if y - max(block_height(b) for b in blocks) < limit:
            blocks = blocks[:1]  # the nearer of the two still fits
        y = min(draw_block(c, b, columns[i], y) for i, b in enumerate(blocks)) - 2 * mm
        lowest = y
    return lowest


NOTE_SIZE, NOTE_LEADING = 7.5, 9.0


def note_height(text: str, full_width: float) -> float:
    """The height `draw_note` takes for `text` across `full_width`."""
    lines = _draw.wrap(text, fonts.REGULAR, NOTE_SIZE, full_width - 6 * mm)
    return len(lines) * NOTE_LEADING + 2 * mm


def draw_note(c: Canvas, text: str, left: float, right: float, top: float) -> float:
    """A small warning line under a table row (e.g. vouchers not given), ruled below; returns
    its height."""
    lines = _draw.wrap(text, fonts.REGULAR, NOTE_SIZE, right - left - 6 * mm)
    height = len(lines) * NOTE_LEADING + 2 * mm
    c.setFillColor(_draw.ALERT)
    _draw.draw_lines(c, left + 4 * mm, top - 1 * mm, lines, fonts.REGULAR, NOTE_SIZE, NOTE_LEADING)
    c.setStrokeColor(_draw.LIGHT_GREY)
    c.setLineWidth(0.3)
    c.line(left, top - height, right, top - height)
    return height
