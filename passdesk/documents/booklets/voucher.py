"""A booklet's voucher pages: each voucher with its stub, value, validity and two barcodes.

A page holds `vouchers_per_page` slots cut apart along the cut marks; each slot is a stub on the
left (kept by the desk or the place, its code drawn upright) and the voucher on the right. What
every voucher of a programme shares is one form per piece; a slot adds only its codes.
"""

from __future__ import annotations

from decimal import Decimal

from reportlab.lib.colors import HexColor, white
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from passdesk.documents import _blocks, _draw, fonts
from passdesk.documents._blocks import BRAND
from passdesk.documents.barcode import Code128, code128_height, draw_code128
from passdesk.documents.booklets.layout import (
    BODY_LEFT,
    BODY_RIGHT,
    MARGIN_X,
    MARGIN_Y,
    PAGE_HEIGHT,
    SLOT_WIDTH,
    STUB_BAR_HEIGHT,
    STUB_TEXT_SIZE,
    STUB_WIDTH,
    VOUCHER_BAR_HEIGHT,
    VOUCHER_BARCODE_ROOM,
    rules,
    wrapped,
)
from passdesk.documents.booklets.piece import Piece
from passdesk.documents.records import BookletRecord
from passdesk.formatting import format_date, format_money
from passdesk.i18n import _


def draw_voucher_page(piece: Piece, booklet: BookletRecord, start: int, stop: int) -> None:
    """One page of `booklet`'s vouchers `start` to `stop` (excluded), with the cut marks."""
    c = piece.canvas
    height = piece.slot_height
    top = PAGE_HEIGHT - MARGIN_Y
    count = len(booklet.vouchers)
    for row, voucher in enumerate(booklet.vouchers[start:stop]):
        key = (
            "voucher",
            booklet.programme_code,
            booklet.programme_name,
            voucher.face_value,
            booklet.valid_from,
            booklet.valid_until,
            booklet.funders,
            booklet.desk,
            booklet.duplicate,
        )
        form = piece.form(
            key,
            SLOT_WIDTH,
            height,
            lambda canvas, v=voucher: _background(canvas, booklet, v.face_value, height),
        )
        c.saveState()
        c.translate(MARGIN_X, top - (row + 1) * height)
        c.doForm(form)
        if booklet.duplicate:
            _draw.watermark(
                c,
                _("DUPLICATE"),
                SLOT_WIDTH / 2,
                height / 2,
                SLOT_WIDTH,
                height,
                alpha=0.15,
                over_content=True,
            )
        _variable(c, booklet, voucher.code, voucher.number, count, height)
        c.restoreState()
    if piece.layout.cut_marks:
        used = stop - start
        _draw.cut_marks(
            c,
            (MARGIN_X, MARGIN_X + SLOT_WIDTH),
            [top - i * height for i in range(used + 1)],
            (MARGIN_X, top - used * height, MARGIN_X + SLOT_WIDTH, top),
            length=4 * mm,
            gap=1 * mm,
        )
    piece.end_page()


def _variable(
    c: Canvas, booklet: BookletRecord, code: str, number: int, count: int, height: float
) -> None:
    """What differs from one voucher to the next: its rank, its barcodes, its holder."""
    rank = _("Voucher {number}/{count}").format(number=number, count=count)
    booklet_no = _("Booklet no. {number}").format(number=booklet.booklet_number)
    c.setFillColor(HexColor("#000000"))
    _draw.draw_fitted(
        c,
        BODY_RIGHT,
        height - 7 * mm,
        f"{rank} · {booklet_no}",
        fonts.REGULAR,
        8,
        70 * mm,
        align="right",
    )
    # voucher barcode, right of the value, centred in the middle band
    middle = _middle(booklet, height)
    symbol = Code128.of(code)
    module = symbol.module_to_fit(VOUCHER_BARCODE_ROOM)
    bar_box = code128_height(VOUCHER_BAR_HEIGHT)
    draw_code128(
        c,
        symbol,
        BODY_RIGHT - symbol.width(module),
        middle - bar_box / 2,
        bar_height=VOUCHER_BAR_HEIGHT,
        module=module,
    )
    if booklet.beneficiary_name:
        c.setFillColor(_draw.ACCENT)
        named = _("Named holder: {name}").format(name=booklet.beneficiary_name)
        shown, size = _draw.fit(named, fonts.BOLD, 8, _value_column(), 6.5)
        if shown.endswith(_draw.ELLIPSIS):  # a long name: two lines rather than cut
            _draw.draw_lines(
                c,
                BODY_LEFT,
                middle - 11 * mm,
                wrapped(named, fonts.BOLD, 8, _value_column(), 2),
                fonts.BOLD,
                8,
            )
        else:
            c.setFont(fonts.BOLD, size)
            c.drawString(BODY_LEFT, middle - 14 * mm, shown)
    # stub: upright texts, then the same code drawn upright along the stub's left edge
    column = 23 * mm
    room = STUB_WIDTH - column - 2.5 * mm
    c.setFillColor(HexColor("#000000"))
    _draw.draw_fitted(c, column, height - 30 * mm, rank, fonts.BOLD, 7.5, room)
    _draw.draw_fitted(c, column, height - 34 * mm, booklet_no, fonts.REGULAR, 7, room, min_size=5)
    stub_module = symbol.module_to_fit(height - 3 * mm)
    length = symbol.width(stub_module)
    thickness = code128_height(STUB_BAR_HEIGHT, STUB_TEXT_SIZE)
    c.saveState()
    c.translate(3 * mm + thickness, (height - length) / 2)
    c.rotate(90)
    draw_code128(
        c,
        symbol,
        0,
        0,
        bar_height=STUB_BAR_HEIGHT,
        module=stub_module,
        text_size=STUB_TEXT_SIZE,
    )
    c.restoreState()


def _background(c: Canvas, booklet: BookletRecord, face_value: Decimal, height: float) -> None:
    """What every voucher of the programme shares, drawn once per piece as a form."""
    black = HexColor("#000000")
    c.setStrokeColor(HexColor("#DDDDDD"))
    c.setLineWidth(0.3)
    c.rect(0, 0, SLOT_WIDTH, height, stroke=1, fill=0)
    # stub / voucher perforation, with scissors on the line
    c.setStrokeColor(_draw.GREY)
    c.setLineWidth(0.6)
    c.setDash(2.5, 2)
    c.line(STUB_WIDTH, 0, STUB_WIDTH, height)
    c.setDash()
    c.setFillColor(white)
    c.rect(STUB_WIDTH - 2.2 * mm, height - 9 * mm, 4.4 * mm, 5 * mm, stroke=0, fill=1)
    c.setFillColor(_draw.GREY)
    c.setFont(fonts.REGULAR, 10)
    c.drawCentredString(STUB_WIDTH, height - 7.5 * mm, "✂")

    # stub texts
    column = 23 * mm
    room = STUB_WIDTH - column - 2.5 * mm
    c.setFillColor(_draw.ACCENT)
    _draw.draw_fitted(c, column, height - 8 * mm, _("STUB"), fonts.BOLD, 9, room)
    c.setFillColor(_draw.GREY)
    lines = _draw.wrap(_("To be kept by the desk or the place"), fonts.REGULAR, 6, room)
    _draw.draw_lines(c, column, height - 9.5 * mm, lines[:3], fonts.REGULAR, 6, 7)
    c.setFillColor(black)
    _draw.draw_fitted(c, column, height - 25 * mm, format_money(face_value), fonts.BOLD, 12, room)
    c.setStrokeColor(_draw.LIGHT_GREY)
    c.setLineWidth(0.5)
    for label, y in ((_("Date:"), 24 * mm), (_("Place:"), 13 * mm)):
        c.setFillColor(_draw.GREY)
        _draw.draw_fitted(c, column, y + 3.5 * mm, label, fonts.REGULAR, 7, room)
        c.line(column, y - 1 * mm, column + room, y - 1 * mm)
    c.setFillColor(_draw.GREY)
    _draw.draw_fitted(c, column, 4.5 * mm, booklet.programme_code, fonts.REGULAR, 6.5, room)
    if booklet.duplicate:
        c.setFillColor(_draw.ALERT)
        _draw.draw_fitted(c, column, height - 40 * mm, _("DUPLICATE"), fonts.BOLD, 8, room)

    # voucher body: top band
    body = BODY_RIGHT - BODY_LEFT
    c.setFillColor(_draw.ACCENT)
    _draw.draw_fitted(c, BODY_LEFT, height - 7 * mm, BRAND.upper(), fonts.BOLD, 8, 40 * mm)
    c.setFillColor(black)
    c.setFont(fonts.BOLD, 11.5)
    for index, line in enumerate(_programme(booklet)):
        c.drawString(BODY_LEFT, height - (13 + 4.5 * index) * mm, line)
    if booklet.duplicate:
        c.setFillColor(_draw.ALERT)
        _draw.draw_fitted(
            c,
            BODY_RIGHT,
            height - 13 * mm,
            _("DUPLICATE"),
            fonts.BOLD,
            11,
            30 * mm,
            align="right",
        )
    c.setStrokeColor(_draw.ACCENT)
    c.setLineWidth(0.8)
    rule = _rule(booklet, height)
    c.line(BODY_LEFT, rule, BODY_RIGHT, rule)

    # middle band: the value, large, and the validity (the barcode is added per voucher)
    middle = _middle(booklet, height)
    column_width = _value_column()
    c.setFillColor(_draw.ACCENT)
    _draw.draw_fitted(
        c,
        BODY_LEFT,
        middle + 2 * mm,
        format_money(face_value),
        fonts.BOLD,
        30,
        column_width,
        min_size=14,
    )
    c.setFillColor(black)
    _draw.draw_fitted(
        c,
        BODY_LEFT,
        middle - 4.5 * mm,
        _("Valid from {start}").format(start=format_date(booklet.valid_from)),
        fonts.REGULAR,
        8.5,
        column_width,
    )
    _draw.draw_fitted(
        c,
        BODY_LEFT,
        middle - 8.5 * mm,
        _("until {end}").format(end=format_date(booklet.valid_until)),
        fonts.BOLD,
        8.5,
        column_width,
    )

    # bottom band: funders, desk, rules
    c.setStrokeColor(_draw.LIGHT_GREY)
    c.setLineWidth(0.5)
    c.line(BODY_LEFT, 17 * mm, BODY_RIGHT, 17 * mm)
    c.setFillColor(_draw.GREY)
    if booklet.funders:
        funders = _blocks.funder_list(booklet.funders)
        _draw.draw_fitted(
            c,
            BODY_LEFT,
            12.5 * mm,
            _("Funded by: {funders}").format(funders=funders),
            fonts.REGULAR,
            7.5,
            body,
        )
    desk = _blocks.desk_one_line(booklet.desk)
    _draw.draw_fitted(
        c,
        BODY_LEFT,
        8.5 * mm,
        _("Handed out by: {desk}").format(desk=desk),
        fonts.REGULAR,
        7.5,
        body,
    )
    c.setFillColor(black)
    _draw.draw_fitted(c, BODY_LEFT, 4.5 * mm, rules(), fonts.BOLD, 7.5, body)


def _value_column() -> float:
    """Width left of the voucher barcode, where the value and the validity go."""
    return BODY_RIGHT - BODY_LEFT - VOUCHER_BARCODE_ROOM - 4 * mm


def _programme(booklet: BookletRecord) -> tuple[str, ...]:
    room = BODY_RIGHT - BODY_LEFT - (32 * mm if booklet.duplicate else 0)
    return wrapped(booklet.programme_name, fonts.BOLD, 11.5, room, 2)


def _rule(booklet: BookletRecord, height: float) -> float:
    """Where the line under the programme's name runs: one or two lines of name above it."""
    return height - (16 if len(_programme(booklet)) < 2 else 20.5) * mm


def _middle(booklet: BookletRecord, height: float) -> float:
    return (17 * mm + _rule(booklet, height)) / 2
