"""The receipt's table of booklets handed out: one row per booklet, its notes, the total.

Under a booklet's row, a note names what the auditor must not miss: its vouchers voided before
the handout (not given, not counted), and on a receipt printed again, the booklet or vouchers
voided since (given, counted, but no longer good). The table goes on to a continuation page
through the sheet's `room`, which repeats its header there.
"""

from __future__ import annotations

from typing import Final, Protocol

from reportlab.lib.colors import HexColor
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from passdesk.documents import _blocks, _draw, fonts
from passdesk.documents.records import ReceiptBookletLine, ReceiptRecord, VoidedLine
from passdesk.formatting import format_date, format_money
from passdesk.i18n import _

BLACK: Final = HexColor("#000000")
ROW_SIZE: Final = 8.5
PROGRAMME_SIZE: Final = 7.5


class Sheet(Protocol):
    """The receipt being written: its canvas, its cursor `y` going down, and `room`, which
    goes on to a continuation page when `needed` points do not fit."""

    canvas: Canvas
    y: float
    limit: float

    def room(self, needed: float) -> None: ...


def draw_booklets(sheet: Sheet, record: ReceiptRecord, left: float, right: float) -> None:
    """The rows, their notes and the total line; leaves `sheet.y` under the total."""
    full = right - left
    columns = _columns(full)
    _header(sheet, left, columns)
    for line in record.booklets:
        if sheet.y - 8 * mm < sheet.limit:
            sheet.room(8 * mm)
            _header(sheet, left, columns)
        _row(sheet, line, left, right, columns)
        if line.excluded:
            _note(
                sheet,
                _("Not given (voided before the handout): {codes}").format(
                    codes=", ".join(line.excluded)
                ),
                left,
                right,
            )
        if line.voided_since:
            _note(
                sheet,
                _("Voided since the handout: {items}").format(
                    items="; ".join(voided_text(item) for item in line.voided_since)
                ),
                left,
                right,
            )
    c = sheet.canvas
    sheet.room(10 * mm)
    c.setStrokeColor(BLACK)
    c.setLineWidth(0.8)
    c.line(left, sheet.y, right, sheet.y)
    c.setFillColor(BLACK)
    _draw.draw_fitted(
        c,
        right,
        sheet.y - 5.5 * mm,
        _("Total face value: {value}").format(value=format_money(record.total_value)),
        fonts.BOLD,
        11.5,
        full / 2,
        align="right",
    )
    _draw.draw_fitted(
        c,
        left,
        sheet.y - 5.5 * mm,
        _("Vouchers handed out: {count}").format(count=record.voucher_count),
        fonts.REGULAR,
        9.5,
        full / 2,
    )
    sheet.y -= 11 * mm


def voided_text(item: VoidedLine) -> str:
    """ "MGP19-C000004-56 (lost, on 20/03/2026)"."""
    return _("{code} ({reason}, on {date})").format(
        code=item.code, reason=item.reason, date=format_date(item.on)
    )


def _columns(full: float) -> tuple[float, ...]:
    """Booklet, range, count, value, programme."""
    return (35 * mm, 63 * mm, 12 * mm, 22 * mm, full - 132 * mm)


def _header(sheet: Sheet, left: float, columns: tuple[float, ...]) -> None:
    c = sheet.canvas
    height = 6 * mm
    c.setFillColor(_draw.ACCENT_LIGHT)
    c.rect(left, sheet.y - height, sum(columns), height, stroke=0, fill=1)
    c.setFillColor(_draw.ACCENT)
    titles = (
        _("Booklet"),
        _("Vouchers (first → last)"),
        _("Count"),
        _("Value"),
        _("Programme"),
    )
    x = left
    for index, (title, width) in enumerate(zip(titles, columns, strict=True)):
        numeric = index in (2, 3)
        _draw.draw_fitted(
            c,
            x + width - 2 * mm if numeric else x + 1.5 * mm,
            sheet.y - 4.2 * mm,
            title,
            fonts.BOLD,
            8,
            width - 3 * mm,
            align="right" if numeric else "left",
        )
        x += width
    sheet.y -= height


def _programme_lines(name: str, room: float) -> list[str]:
    lines = _draw.wrap(name, fonts.REGULAR, PROGRAMME_SIZE, room)
    if len(lines) > 2:
        rest = " ".join(lines[1:])
        lines = [lines[0], _draw.fit(rest, fonts.REGULAR, PROGRAMME_SIZE, room, PROGRAMME_SIZE)[0]]
    return lines


def _row(
    sheet: Sheet, line: ReceiptBookletLine, left: float, right: float, columns: tuple[float, ...]
) -> None:
    c = sheet.canvas
    programme = _programme_lines(line.programme_name, columns[4] - 3 * mm)
    height = 6 * mm if len(programme) < 2 else 8 * mm
    cells = (
        line.booklet_code,
        f"{line.first_voucher_code} → {line.last_voucher_code}",
        str(line.voucher_count),
        format_money(line.value),
    )
    c.setFillColor(BLACK)
    x = left
    for index, (text, width) in enumerate(zip(cells, columns[:4], strict=True)):
        numeric = index in (2, 3)
        _draw.draw_fitted(
            c,
            x + width - 2 * mm if numeric else x + 1.5 * mm,
            sheet.y - 4.2 * mm,
            text,
            fonts.REGULAR,
            ROW_SIZE,
            width - 3 * mm,
            align="right" if numeric else "left",
            min_size=6.5,
        )
        x += width
    if len(programme) == 1:  # on the row's baseline, as the other cells
        _draw.draw_fitted(
            c, x + 1.5 * mm, sheet.y - 4.2 * mm, programme[0], fonts.REGULAR,
            PROGRAMME_SIZE, right - x - 3 * mm, min_size=PROGRAMME_SIZE,
        )  # fmt: skip
    else:
        _draw.draw_lines(
            c,
            x + 1.5 * mm,
            sheet.y - 0.8 * mm,
            programme,
            fonts.REGULAR,
            PROGRAMME_SIZE,
            PROGRAMME_SIZE * 1.2,
        )
    c.setStrokeColor(_draw.LIGHT_GREY)
    c.setLineWidth(0.3)
    c.line(left, sheet.y - height, right, sheet.y - height)
    sheet.y -= height


def _note(sheet: Sheet, text: str, left: float, right: float) -> None:
    sheet.room(_blocks.note_height(text, right - left))
    sheet.y -= _blocks.draw_note(sheet.canvas, text, left, right, sheet.y)
