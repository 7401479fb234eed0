"""A booklet's cover: the desk, the programme, the value, the funders, where to use the pass.

Everything but the booklet's number, barcode and voucher codes is the same on every cover of a
print (a personalised print is for one person), so it is drawn once per piece as a form (the
background) and each cover only stamps it.
"""

from __future__ import annotations

from reportlab.lib.colors import HexColor, white
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from passdesk.documents import _blocks, _draw, fonts
from passdesk.documents._blocks import BRAND
from passdesk.documents.barcode import Code128, code128_height, draw_code128
from passdesk.documents.booklets.layout import (
    COVER_BAND_TOP,
    COVER_BAR_HEIGHT,
    COVER_BARCODE_ROOM,
    COVER_MARGIN,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    wrapped,
)
from passdesk.documents.booklets.piece import Piece
from passdesk.documents.records import BookletRecord, PlaceLine
from passdesk.formatting import format_date, format_money, format_percent
from passdesk.i18n import _, ngettext


def draw_cover(piece: Piece, booklet: BookletRecord) -> None:
    """One cover page: the shared background, then this booklet's number, barcode and holder."""
    c = piece.canvas
    key = (
        "cover",
        booklet.programme_code,
        booklet.programme_name,
        booklet.face_value,
        len(booklet.vouchers),
        booklet.total_value,
        booklet.valid_from,
        booklet.valid_until,
        booklet.funders,
        booklet.desk,
        booklet.places,
        booklet.cover_text,
        booklet.duplicate,
        booklet.beneficiary_name,
    )
    c.doForm(
        piece.form(
            key,
            PAGE_WIDTH,
            PAGE_HEIGHT,
            lambda canvas: _background(canvas, booklet, piece.logos),
        )
    )
    if booklet.duplicate:  # over the background, under the barcode's white quiet zones
        _draw.watermark(
            c,
            _("DUPLICATE"),
            PAGE_WIDTH / 2,
            PAGE_HEIGHT / 2,
            PAGE_WIDTH,
            PAGE_HEIGHT,
            alpha=0.15,
            over_content=True,
        )
    if booklet.desk.demo:
        _draw.demo_watermark(c, PAGE_WIDTH / 2, PAGE_HEIGHT / 2, PAGE_WIDTH, PAGE_HEIGHT)
    left, right = COVER_MARGIN, PAGE_WIDTH - COVER_MARGIN
    top = PAGE_HEIGHT - COVER_MARGIN
    c.setFillColor(_draw.ACCENT)
    _draw.draw_fitted(
        c,
        right,
        top - 5 * mm,
        _("Booklet no. {number}").format(number=booklet.booklet_number),
        fonts.BOLD,
        13,
        50 * mm,
        align="right",
    )
    symbol = Code128.of(booklet.booklet_code)
    module = symbol.module_to_fit(COVER_BARCODE_ROOM)
    height = code128_height(COVER_BAR_HEIGHT, 10)
    info = _info_top(booklet)
    draw_code128(
        c,
        symbol,
        right - symbol.width(module),
        info - 2 * mm - height,
        bar_height=COVER_BAR_HEIGHT,
        module=module,
        text_size=10,
    )
    c.setFillColor(HexColor("#000000"))
    _draw.draw_fitted(
        c,
        left,
        info - 26.5 * mm,
        _("Vouchers {first} → {last}").format(
            first=booklet.vouchers[0].code, last=booklet.vouchers[-1].code
        ),
        fonts.REGULAR,
        10,
        right - left,
    )
    piece.end_page()


def _background(c: Canvas, booklet: BookletRecord, logos: _draw.LogoCache) -> None:
    left, right = COVER_MARGIN, PAGE_WIDTH - COVER_MARGIN
    top = PAGE_HEIGHT - COVER_MARGIN
    full = right - left
    if booklet.duplicate:
        c.setFillColor(_draw.ALERT)
        _draw.draw_fitted(
            c, right, top - 11 * mm, _("DUPLICATE"), fonts.BOLD, 13, 50 * mm, align="right"
        )
    _blocks.draw_letterhead(
        c,
        booklet.desk,
        logos.get(booklet.desk.logo_png),
        left,
        top,
        full - 55 * mm,
        top - COVER_BAND_TOP - 2 * mm,
    )

    programme, band_height = _band(booklet)
    band_top = COVER_BAND_TOP
    c.setFillColor(_draw.ACCENT)
    c.roundRect(left, band_top - band_height, full, band_height, 3 * mm, stroke=0, fill=1)
    c.setFillColor(white)
    _draw.draw_fitted(c, left + 8 * mm, band_top - 12 * mm, BRAND, fonts.BOLD, 26, full - 16 * mm)
    c.setFont(fonts.REGULAR, 14)
    for index, line in enumerate(programme):
        c.drawString(left + 8 * mm, band_top - (21 + 6 * index) * mm, line)
    info = _info_top(booklet)

    column = full - COVER_BARCODE_ROOM - 4 * mm
    count = len(booklet.vouchers)
    c.setFillColor(_draw.ACCENT)
    _draw.draw_fitted(
        c,
        left,
        info - 8 * mm,
        ngettext("{count} voucher of {value}", "{count} vouchers of {value}", count).format(
            count=count, value=format_money(booklet.face_value)
        ),
        fonts.BOLD,
        16,
        column,
    )
    c.setFillColor(HexColor("#000000"))
    _draw.draw_fitted(
        c,
        left,
        info - 14.5 * mm,
        _("Total value: {value}").format(value=format_money(booklet.total_value)),
        fonts.REGULAR,
        11,
        column,
    )
    _draw.draw_fitted(c, left, info - 20.5 * mm, _validity(booklet), fonts.BOLD, 10.5, column)
    c.setFillColor(_draw.GREY)
    _draw.draw_fitted(
        c,
        right,
        info - 0.5 * mm,
        _("Booklet code"),
        fonts.REGULAR,
        7.5,
        COVER_BARCODE_ROOM,
        align="right",
    )

    rule = info - 31 * mm
    if booklet.beneficiary_name:  # wrapped, never cut: the booklet is the person's
        c.setFillColor(_draw.ACCENT)
        for line in _holder_lines(booklet, full):
            c.setFont(fonts.BOLD, 11)
            c.drawString(left, rule - 2 * mm, line)
            rule -= 5 * mm
        rule -= 2 * mm
    c.setStrokeColor(_draw.ACCENT)
    c.setLineWidth(0.8)
    c.line(left, rule, right, rule)
    y = _funders_block(c, booklet, left, rule - 3 * mm, full)
    y = _cover_text_block(c, booklet.cover_text, left, y - 4 * mm, full)
    _places_block(c, booklet.places, left, y - 5 * mm, full, 24 * mm)

    c.setStrokeColor(_draw.LIGHT_GREY)
    c.setLineWidth(0.5)
    c.line(left, 20 * mm, right, 20 * mm)
    c.setFillColor(HexColor("#000000"))
    _draw.draw_fitted(
        c, PAGE_WIDTH / 2, 15.5 * mm, _blocks.rules(), fonts.BOLD, 8.5, full, align="center"
    )
    c.setFillColor(_draw.GREY)
    _draw.draw_fitted(
        c,
        PAGE_WIDTH / 2,
        11.5 * mm,
        _(
            "At each session the place tears off one voucher, stamps it and sends it to be "
            "reimbursed; its stub stays in your booklet."
        ),
        fonts.REGULAR,
        7.5,
        full,
        align="center",
    )


def _funders_block(
    c: Canvas, booklet: BookletRecord, left: float, top: float, full: float
) -> float:
    if not booklet.funders:
        return top
    c.setFillColor(_draw.ACCENT)
    _draw.draw_fitted(c, left, top - 4 * mm, _("Funded by"), fonts.BOLD, 10.5, full)
    c.setFillColor(HexColor("#000000"))
    funders = booklet.funders
    columns = 1 if len(funders) <= 4 else 2
    rows = -(-len(funders) // columns)
    width = (full - 6 * mm * (columns - 1)) / columns
    for index, funder in enumerate(funders):
        column, row = divmod(index, rows)
        text = f"{funder.name} — {format_percent(funder.percent)}"
        _draw.draw_fitted(
            c,
            left + column * (width + 6 * mm),
            top - (9 + 5 * row) * mm,
            text,
            fonts.REGULAR,
            9.5,
            width,
            min_size=7,
        )
    return top - (9 + 5 * (rows - 1)) * mm - 1.5 * mm


def _cover_text_block(c: Canvas, text: str, left: float, top: float, full: float) -> float:
    if not text.strip():
        return top
    size, leading, pad = 9.5, 12.5, 4 * mm
    lines = _draw.wrap(text, fonts.REGULAR, size, full - 2 * pad)
    if len(lines) > 9:
        lines = lines[:8] + [
            _draw.fit(lines[8] + " " + _draw.ELLIPSIS, fonts.REGULAR, size, full - 2 * pad, size)[0]
        ]
    height = len(lines) * leading + 2 * pad
    c.setFillColor(_draw.ACCENT_LIGHT)
    c.roundRect(left, top - height, full, height, 2 * mm, stroke=0, fill=1)
    c.setFillColor(HexColor("#000000"))
    _draw.draw_lines(c, left + pad, top - pad, lines, fonts.REGULAR, size, leading)
    return top - height


def _places_block(
    c: Canvas,
    places: tuple[PlaceLine, ...],
    left: float,
    top: float,
    full: float,
    bottom: float,
) -> None:
    """Two columns of places, nearest first, and a note for those that do not fit."""
    if not places:
        return
    c.setFillColor(_draw.ACCENT)
    _draw.draw_fitted(c, left, top - 5 * mm, _("Where to use this pass"), fonts.BOLD, 13, full)
    c.setFillColor(_draw.GREY)
    _draw.draw_fitted(
        c,
        left,
        top - 9.5 * mm,
        _("Qualified places that accept these vouchers"),
        fonts.REGULAR,
        8,
        full,
    )
    gutter = 6 * mm
    column_width = (full - gutter) / 2
    column_top = top - 12 * mm
    note_room = 5 * mm
    columns = [left, left + column_width + gutter]
    column, y = 0, column_top
    shown = 0
    for place in places:
        block = _blocks.place_block(place, column_width)
        needed = _blocks.block_height(block)
        limit = bottom + (note_room if shown < len(places) - 1 else 0)
        if y - needed < limit:
            if column == 0:
                column, y = 1, column_top
            if y - needed < limit:
                break
        _blocks.draw_block(c, block, columns[column], y)
        y -= needed + 2.5 * mm
        shown += 1
    hidden = len(places) - shown
    if hidden:
        c.setFillColor(_draw.GREY)
        _draw.draw_fitted(
            c,
            left,
            bottom + 1 * mm,
            ngettext(
                "… and {count} other place: ask the desk for the full list.",
                "… and {count} other places: ask the desk for the full list.",
                hidden,
            ).format(count=hidden),
            fonts.REGULAR,
            8,
            full,
        )


def _holder_lines(booklet: BookletRecord, width: float) -> list[str]:
    text = _("Booklet of: {name}").format(name=booklet.beneficiary_name)
    return _draw.wrap(text, fonts.BOLD, 11, width)


def _validity(booklet: BookletRecord) -> str:
    return _("Valid from {start} to {end}").format(
        start=format_date(booklet.valid_from), end=format_date(booklet.valid_until)
    )


def _band(booklet: BookletRecord) -> tuple[tuple[str, ...], float]:
    """The programme name's lines in the cover's band, and the band's height."""
    lines = wrapped(
        booklet.programme_name, fonts.REGULAR, 14, PAGE_WIDTH - 2 * COVER_MARGIN - 16 * mm, 2
    )
    return lines, (26 if len(lines) < 2 else 32) * mm


def _info_top(booklet: BookletRecord) -> float:
    """Where the value, validity and barcode start: under the band, however tall it is."""
    return COVER_BAND_TOP - _band(booklet)[1] - 6 * mm
