"""A booklet's voucher pages: each voucher with its stub, value, validity, two barcodes and a box
for the place's stamp.

A page holds up to `vouchers_per_page` slots cut apart along the cut marks (see `layout`). Each
slot is the stub on top, which stays in the booklet with the holder, then the voucher the place
tears off, stamps, signs and sends to be reimbursed (where to: a desk setting, printed at its
foot). What every voucher of a print shares is one form per piece; a slot adds only its codes.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from reportlab.lib.colors import Color, HexColor, white
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
    STAMP_LEFT,
    STAMP_MAX_HEIGHT,
    STUB_BAR_HEIGHT,
    STUB_BARCODE_LEFT,
    STUB_BARCODE_ROOM,
    STUB_HEIGHT,
    STUB_INFO_LEFT,
    STUB_INFO_WIDTH,
    STUB_TEXT_SIZE,
    VALUE_COLUMN,
    VOUCHER_BAR_HEIGHT,
    VOUCHER_BARCODE_LEFT,
    VOUCHER_BARCODE_ROOM,
    wrapped,
)
from passdesk.documents.booklets.piece import Piece
from passdesk.documents.records import BookletRecord
from passdesk.formatting import format_date, format_money
from passdesk.i18n import _

BLACK = HexColor("#000000")
FOOT_SIZE = 6.8
FOOT_LEADING = 3.1 * mm
HOLDER_SIZE = 7.5
VALUE_SIZE = 22.0
VALUE_CAP = 0.73 * VALUE_SIZE  # the height of the value's figures above their baseline


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
            booklet.reimbursement,
            booklet.beneficiary_name,
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
        # Over the background, under the barcodes' white quiet zones: each voucher cut from
        # the page still says it, and every barcode still reads.
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
        if booklet.desk.demo:
            _draw.demo_watermark(c, SLOT_WIDTH / 2, height / 2, SLOT_WIDTH, height)
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


@dataclass(frozen=True)
class _Bands:
    """Where the voucher's bands run, in points from the slot's foot: the rule under its title,
    the top of its foot (funders, desk, rules), and the middle band's centre between them."""

    rule: float
    foot: float
    holder_in_column: bool

    @property
    def middle(self) -> float:
        return (self.rule + self.foot) / 2


def _bands(booklet: BookletRecord, height: float) -> _Bands:
    body_top = height - STUB_HEIGHT
    rule = body_top - (12 if len(_programme(booklet)) < 2 else 16.5) * mm
    lines = _foot_lines(booklet)
    foot = 2.6 * mm + len(lines) * FOOT_LEADING + 0.6 * mm
    return _Bands(rule, foot, _holder_fits_column(booklet))


def _rank(booklet: BookletRecord, number: int, count: int) -> str:
    rank = _("Voucher {number}/{count}").format(number=number, count=count)
    booklet_no = _("Booklet no. {number}").format(number=booklet.booklet_number)
    return f"{rank} · {booklet_no}"


def _variable(
    c: Canvas, booklet: BookletRecord, code: str, number: int, count: int, height: float
) -> None:
    """What differs from one voucher to the next: its rank and its two barcodes."""
    rank = _rank(booklet, number, count)
    body_top = height - STUB_HEIGHT
    symbol = Code128.of(code)
    # the stub: its code at its left edge, its rank under the word STUB
    c.setFillColor(BLACK)
    _draw.draw_fitted(c, STUB_INFO_LEFT, height - 15.5 * mm, rank, fonts.REGULAR, 6.5,
                      STUB_INFO_WIDTH - 18 * mm, min_size=5)  # fmt: skip
    stub_module = symbol.module_to_fit(STUB_BARCODE_ROOM)
    stub_box = code128_height(STUB_BAR_HEIGHT, STUB_TEXT_SIZE)
    draw_code128(
        c,
        symbol,
        STUB_BARCODE_LEFT,
        body_top + (STUB_HEIGHT - stub_box) / 2,
        bar_height=STUB_BAR_HEIGHT,
        module=stub_module,
        text_size=STUB_TEXT_SIZE,
    )
    # the voucher: its rank top right, its code between the value and the stamp
    _draw.draw_fitted(
        c, BODY_RIGHT, body_top - 4.5 * mm, rank, fonts.REGULAR, 8, 70 * mm, align="right"
    )
    module = symbol.module_to_fit(VOUCHER_BARCODE_ROOM)
    bar_box = code128_height(VOUCHER_BAR_HEIGHT)
    draw_code128(
        c,
        symbol,
        VOUCHER_BARCODE_LEFT + (VOUCHER_BARCODE_ROOM - symbol.width(module)) / 2,
        _bands(booklet, height).middle - bar_box / 2,
        bar_height=VOUCHER_BAR_HEIGHT,
        module=module,
    )


def _background(c: Canvas, booklet: BookletRecord, face_value: Decimal, height: float) -> None:
    """What every voucher of the print shares, drawn once per piece as a form."""
    c.setStrokeColor(HexColor("#DDDDDD"))
    c.setLineWidth(0.3)
    c.rect(0, 0, SLOT_WIDTH, height, stroke=1, fill=0)
    _stub(c, booklet, face_value, height)
    _body(c, booklet, face_value, height)


def _stub(c: Canvas, booklet: BookletRecord, face_value: Decimal, height: float) -> None:
    """The strip on top: what the holder keeps in the booklet once the voucher is torn off."""
    body_top = height - STUB_HEIGHT
    # the perforation between stub and voucher, with scissors on it
    c.setStrokeColor(_draw.GREY)
    c.setLineWidth(0.6)
    c.setDash(2.5, 2)
    c.line(0, body_top, SLOT_WIDTH, body_top)
    c.setDash()
    c.setFillColor(white)
    c.rect(SLOT_WIDTH - 9 * mm, body_top - 2.2 * mm, 5 * mm, 4.4 * mm, stroke=0, fill=1)
    c.setFillColor(_draw.GREY)
    c.setFont(fonts.REGULAR, 10)
    c.drawCentredString(SLOT_WIDTH - 6.5 * mm, body_top - 1.2 * mm, "✂")

    left, room = STUB_INFO_LEFT, STUB_INFO_WIDTH
    c.setFillColor(_draw.ACCENT)
    _draw.draw_fitted(c, left, height - 4.5 * mm, _("STUB"), fonts.BOLD, 9, 20 * mm)
    c.setFillColor(BLACK)
    _draw.draw_fitted(c, left + room, height - 4.5 * mm, format_money(face_value), fonts.BOLD,
                      10, 22 * mm, align="right")  # fmt: skip
    c.setFillColor(_draw.GREY)
    who = _draw.wrap(_("Stays in the booklet: the holder keeps it."), fonts.REGULAR, 6, room)
    _draw.draw_lines(c, left, height - 5.6 * mm, who[:2], fonts.REGULAR, 6, 7)
    if booklet.duplicate:  # on the line of the rank, which each voucher adds at its left
        c.setFillColor(_draw.ALERT)
        _draw.draw_fitted(c, left + room, height - 15.5 * mm, _("DUPLICATE"), fonts.BOLD, 7,
                          16 * mm, align="right")  # fmt: skip
    # where the holder notes the session the voucher paid for
    right = BODY_RIGHT
    left = STAMP_LEFT
    c.setStrokeColor(_draw.LIGHT_GREY)
    c.setLineWidth(0.5)
    for label, y in ((_("Date:"), height - 7.5 * mm), (_("Place:"), height - 14.5 * mm)):
        c.setFillColor(_draw.GREY)
        shown = _draw.draw_fitted(c, left, y, label, fonts.REGULAR, 7, 14 * mm)
        start = left + _draw.width(label, fonts.REGULAR, shown) + 1.5 * mm
        c.line(start, y - 0.8 * mm, right, y - 0.8 * mm)


def _body(c: Canvas, booklet: BookletRecord, face_value: Decimal, height: float) -> None:
    """The voucher itself: title, value and validity, the stamp box, and its foot."""
    body_top = height - STUB_HEIGHT
    bands = _bands(booklet, height)
    c.setFillColor(_draw.ACCENT)
    _draw.draw_fitted(c, BODY_LEFT, body_top - 4.5 * mm, BRAND.upper(), fonts.BOLD, 7.5, 40 * mm)
    c.setFillColor(BLACK)
    c.setFont(fonts.BOLD, 11)
    for index, line in enumerate(_programme(booklet)):
        c.drawString(BODY_LEFT, body_top - (9.5 + 4.5 * index) * mm, line)
    if booklet.duplicate:
        c.setFillColor(_draw.ALERT)
        _draw.draw_fitted(c, BODY_RIGHT, body_top - 9.5 * mm, _("DUPLICATE"), fonts.BOLD, 11,
                          30 * mm, align="right")  # fmt: skip
    c.setStrokeColor(_draw.ACCENT)
    c.setLineWidth(0.8)
    c.line(BODY_LEFT, bands.rule, BODY_RIGHT, bands.rule)

    # middle band: the value and validity, (the barcode, added per voucher), the stamp box;
    # the value's block is centred on the band, whether it ends with the holder's name or not
    holder = bool(booklet.beneficiary_name) and bands.holder_in_column
    block = VALUE_CAP + (11 if holder else 7.5) * mm + 1 * mm
    value = bands.middle + block / 2 - VALUE_CAP
    c.setFillColor(_draw.ACCENT)
    _draw.draw_fitted(c, BODY_LEFT, value, format_money(face_value), fonts.BOLD, VALUE_SIZE,
                      VALUE_COLUMN, min_size=12)  # fmt: skip
    c.setFillColor(BLACK)
    _draw.draw_fitted(
        c,
        BODY_LEFT,
        value - 4 * mm,
        _("Valid from {start}").format(start=format_date(booklet.valid_from)),
        fonts.REGULAR,
        8,
        VALUE_COLUMN,
    )
    _draw.draw_fitted(
        c,
        BODY_LEFT,
        value - 7.5 * mm,
        _("until {end}").format(end=format_date(booklet.valid_until)),
        fonts.BOLD,
        8,
        VALUE_COLUMN,
    )
    if holder:
        c.setFillColor(_draw.ACCENT)
        c.setFont(fonts.BOLD, HOLDER_SIZE)
        c.drawString(BODY_LEFT, value - 11 * mm, _holder(booklet))
    _stamp_box(c, bands)

    # foot: the holder (when long), where to send the voucher, funders, desk, rules
    c.setStrokeColor(_draw.LIGHT_GREY)
    c.setLineWidth(0.5)
    c.line(BODY_LEFT, bands.foot, BODY_RIGHT, bands.foot)
    y = bands.foot - 0.6 * mm
    for font, colour, text in _foot_lines(booklet):
        y -= FOOT_LEADING
        c.setFillColor(colour)
        c.setFont(font, FOOT_SIZE)
        c.drawString(BODY_LEFT, y + 0.9 * mm, text)


def _stamp_box(c: Canvas, bands: _Bands) -> None:
    """Where the place stamps and signs the voucher it accepted, before sending it off."""
    room = bands.rule - bands.foot - 3 * mm
    box = min(room, STAMP_MAX_HEIGHT)
    bottom = bands.middle - box / 2
    width = BODY_RIGHT - STAMP_LEFT
    c.setStrokeColor(_draw.GREY)
    c.setLineWidth(0.6)
    c.setDash(1, 1.5)
    c.roundRect(STAMP_LEFT, bottom, width, box, 1.5 * mm, stroke=1, fill=0)
    c.setDash()
    c.setFillColor(_draw.GREY)
    label = _draw.wrap(_("Stamp and signature of the place"), fonts.REGULAR, 6.5, width - 3 * mm)
    _draw.draw_lines(c, STAMP_LEFT + 1.5 * mm, bottom + box - 0.5 * mm, label[:2],
                     fonts.REGULAR, 6.5, 7.5)  # fmt: skip
    _draw.draw_fitted(c, STAMP_LEFT + 1.5 * mm, bottom + 1.5 * mm, _("Date:"), fonts.REGULAR, 6.5,
                      width - 3 * mm)  # fmt: skip


def _holder(booklet: BookletRecord) -> str:
    return _("Named holder: {name}").format(name=booklet.beneficiary_name)


def _holder_fits_column(booklet: BookletRecord) -> bool:
    """A short name goes under the validity; a long one gets the foot's whole width."""
    if not booklet.beneficiary_name:
        return True
    return len(wrapped(_holder(booklet), fonts.BOLD, HOLDER_SIZE, VALUE_COLUMN, 99)) == 1


def _foot_lines(booklet: BookletRecord) -> list[tuple[str, Color, str]]:
    """The foot's lines, top down, each within the voucher's width: nothing is cut."""
    width = BODY_RIGHT - BODY_LEFT
    lines: list[tuple[str, Color, str]] = []

    def add(font: str, colour: Color, text: str) -> None:
        lines.extend((font, colour, line) for line in wrapped(text, font, FOOT_SIZE, width, 99))

    if booklet.beneficiary_name and not _holder_fits_column(booklet):
        add(fonts.BOLD, _draw.ACCENT, _holder(booklet))
    if booklet.reimbursement.strip():
        add(
            fonts.REGULAR,
            BLACK,
            _(
                "Reimbursement: the place sends this voucher, stamped and signed, to {address}"
            ).format(address=_blocks.one_line(booklet.reimbursement)),
        )
    else:
        add(
            fonts.REGULAR,
            BLACK,
            _(
                "Reimbursement: the place sends this voucher, stamped and signed, to the desk "
                "that handed it out."
            ),
        )
    if booklet.funders:
        funders = _blocks.funder_list(booklet.funders)
        add(fonts.REGULAR, _draw.GREY, _("Funded by: {funders}").format(funders=funders))
    desk = _blocks.desk_one_line(booklet.desk)
    add(fonts.REGULAR, _draw.GREY, _("Handed out by: {desk}").format(desk=desk))
    add(fonts.BOLD, BLACK, _blocks.rules())
    return lines


def _programme(booklet: BookletRecord) -> tuple[str, ...]:
    room = BODY_RIGHT - BODY_LEFT - (32 * mm if booklet.duplicate else 0)
    return wrapped(booklet.programme_name, fonts.BOLD, 11, room, 2)
