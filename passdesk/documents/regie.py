"""The régie stock register on paper: A4 landscape, one line per movement, totals carried over.

The columns are the accountant's: entries into the safe, exits from it, movements of value that
already left it (voided after handout, used), and the safe's balance after each line, each in
booklets, vouchers and euros. Every page ends with the running totals "to carry over" and the
next one starts with them "brought forward"; the last page adds the period's totals, the
closing balance, every status at both ends of the period and the box the régisseur signs.
"""

from __future__ import annotations

import os
from typing import BinaryIO, Final

from reportlab.lib.colors import black
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm

from passdesk.documents import _draw, fonts
from passdesk.documents._paper import Paper, draw_number, signature_boxes
from passdesk.documents.output import atomic_output
from passdesk.documents.regie_records import (
    ENTRY,
    EXIT,
    OUTSIDE,
    Quantity,
    RegisterLine,
    RegisterRecord,
)
from passdesk.formatting import format_amount, format_date, format_money, format_number
from passdesk.formatting import format_timestamp as timestamp
from passdesk.i18n import _

SIZE: Final = 7.0
ROW: Final = 6.2 * mm  # a movement: its label, and under it the serials or receipts
SPECIAL_ROW: Final = 4.6 * mm  # opening, brought forward, carried over, totals
NUMBER_WIDTHS: Final = (12 * mm, 14 * mm, 21 * mm)  # booklets, vouchers, euros
GROUP: Final = sum(NUMBER_WIDTHS)
DATE_WIDTH: Final = 17 * mm
GROUPS: Final = (ENTRY, EXIT, OUTSIDE, "stock")
SUMMARY_ROW: Final = 3.6 * mm
SUMMARY_BASE: Final = 48 * mm  # headings, the closing sentence and the signature boxes


def group_titles() -> dict[str, str]:
    return {
        ENTRY: _("Entries into the safe"),
        EXIT: _("Exits from the safe"),
        OUTSIDE: _("Outside the safe (value handed out)"),
        "stock": _("Balance in the safe"),
    }


def render_register(record: RegisterRecord, output: str | os.PathLike[str] | BinaryIO) -> int:
    """Write the register; all or nothing at a path. Returns the number of pages."""
    if isinstance(output, (str, os.PathLike)):
        with atomic_output(output) as stream:
            return _RegisterWriter(stream, record).write()
    return _RegisterWriter(output, record).write()


def subject_lines(record: RegisterRecord) -> list[str]:
    programme = record.programme
    return [
        _("Programme {code} — {name}").format(code=programme.code, name=programme.name),
        _("Vouchers of {value}, booklets of {count}").format(
            value=format_money(programme.face_value), count=programme.vouchers_per_booklet
        ),
        _("Period from {start} to {end}").format(
            start=format_date(record.period_from), end=format_date(record.period_to)
        ),
    ]


class _RegisterWriter:
    """Lays the register out: a cursor going down, a new page when the next line will not fit
    above the row of totals carried over."""

    def __init__(self, stream: BinaryIO, record: RegisterRecord) -> None:
        self.record = record
        self.paper = Paper(
            stream,
            landscape(A4),
            desk=record.desk,
            title=_("Stock register of the régie"),
            subject=subject_lines(record),
            foot=_("PassDesk — register made on {moment} from the stock journal").format(
                moment=timestamp(record.made_at)
            ),
        )
        paper = self.paper
        self.c = paper.canvas
        self.label_width = paper.full - DATE_WIDTH - 4 * GROUP
        self.group_x = {
            name: paper.left + DATE_WIDTH + self.label_width + i * GROUP
            for i, name in enumerate(GROUPS)
        }
        self.totals = {ENTRY: Quantity(), EXIT: Quantity(), OUTSIDE: Quantity()}
        self.stock = record.opening_stock
        self.y = 0.0

    def write(self) -> int:
        record = self.record
        self._page()
        self._special(
            _("Opening balance on {date}").format(date=format_date(record.period_from)),
            {"stock": record.opening_stock},
        )
        for line in record.lines:
            self._room(ROW)
            self._line(line)
        if not record.lines:
            self._note(_("No movement in this period."))
        self._room(2 * SPECIAL_ROW)
        self._special(
            _("Totals of the period"), {**self.totals, "stock": self.stock}, bold=True, rule=True
        )
        self._special(
            _("Closing balance on {date}").format(date=format_date(record.period_to)),
            {"stock": record.closing_stock},
            bold=True,
        )
        rows = max(len(record.statuses) + 3, len(record.movements) + 2)
        if self.y - (SUMMARY_BASE + rows * SUMMARY_ROW) < self.paper.bottom:
            self.paper.finish_page()
            self.y = self.paper.start_page()
        self._summary()
        self.paper.finish_page()
        self.paper.save()
        return self.paper.pages

    # --- the table ----------------------------------------------------------------------

    def _room(self, needed: float) -> None:
        """Carry the totals over to a new page when `needed` points do not fit above them."""
        if self.y - needed >= self.paper.bottom + SPECIAL_ROW:
            return
        self._special(_("To carry over"), {**self.totals, "stock": self.stock}, bold=True)
        self.paper.finish_page()
        self._page()
        self._special(_("Brought forward"), {**self.totals, "stock": self.stock})

    def _page(self) -> None:
        self.y = self.paper.start_page()
        c, left = self.c, self.paper.left
        titles = group_titles()
        top = self.y
        c.setFillColor(_draw.ACCENT_LIGHT)
        c.rect(left, top - 9 * mm, self.paper.full, 9 * mm, stroke=0, fill=1)
        c.setFillColor(black)
        _draw.draw_fitted(c, left + 1 * mm, top - 5.5 * mm, _("Date"), fonts.BOLD, SIZE, DATE_WIDTH)
        _draw.draw_fitted(
            c,
            left + DATE_WIDTH,
            top - 5.5 * mm,
            _("Movement — serials, receipts"),
            fonts.BOLD,
            SIZE,
            self.label_width - 2 * mm,
        )
        units = self._unit_names()
        for name in GROUPS:
            x = self.group_x[name]
            _draw.draw_fitted(
                c,
                x + GROUP / 2,
                top - 3.3 * mm,
                titles[name],
                fonts.BOLD,
                SIZE,
                GROUP - 2 * mm,
                align="center",
            )
            right = x
            for unit, width in zip(units, NUMBER_WIDTHS, strict=True):
                right += width
                _draw.draw_fitted(
                    c,
                    right - 1 * mm,
                    top - 7.6 * mm,
                    unit,
                    fonts.REGULAR,
                    6.5,
                    width - 1.5 * mm,
                    align="right",
                )
        self._separators(top, 9 * mm)
        self.y = top - 9 * mm

    def _numbers(self, quantity: Quantity, group: str, y: float, font: str) -> None:
        self._numbers_at(self.group_x[group], y, quantity, font)

    def _numbers_at(
        self, x: float, y: float, quantity: Quantity, font: str, booklets: bool = True
    ) -> None:
        """Booklets, vouchers and euros right-aligned in the three columns starting at x."""
        values = (
            format_number(quantity.booklets) if booklets else "",
            format_number(quantity.vouchers),
            format_amount(quantity.amount),
        )
        for text, width in zip(values, NUMBER_WIDTHS, strict=True):
            x += width
            draw_number(self.c, x - 1 * mm, y, text, font, SIZE, width - 1.5 * mm)

    def _separators(self, top: float, height: float) -> None:
        """The thin lines between the column groups, over one row."""
        c = self.c
        c.setStrokeColor(_draw.LIGHT_GREY)
        c.setLineWidth(0.4)
        for x in self.group_x.values():
            c.line(x, top, x, top - height)

    def _line(self, line: RegisterLine) -> None:
        c, left = self.c, self.paper.left
        top = self.y
        baseline = top - 2.9 * mm
        c.setFillColor(black)
        _draw.draw_fitted(
            c, left + 1 * mm, baseline, format_date(line.day), fonts.REGULAR, SIZE, DATE_WIDTH
        )
        _draw.draw_fitted(
            c,
            left + DATE_WIDTH,
            baseline,
            line.label,
            fonts.REGULAR,
            SIZE,
            self.label_width - 2 * mm,
        )
        self._numbers(line.quantity, line.effect, baseline, fonts.REGULAR)
        if line.effect in self.totals:
            self.totals[line.effect] = self.totals[line.effect] + line.quantity
        self.stock = line.stock_after
        c.setFillColor(_draw.GREY)
        self._numbers(line.stock_after, "stock", baseline, fonts.REGULAR)
        if line.detail:
            _draw.draw_fitted(
                c,
                left + DATE_WIDTH + 2 * mm,
                top - 5.4 * mm,
                line.detail,
                fonts.REGULAR,
                6,
                self.label_width - 4 * mm,
                min_size=5,
            )
        c.setStrokeColor(_draw.LIGHT_GREY)
        c.setLineWidth(0.2)
        c.line(left, top - ROW, self.paper.right, top - ROW)
        self._separators(top, ROW)
        self.y = top - ROW

    def _special(
        self,
        label: str,
        quantities: dict[str, Quantity],
        *,
        bold: bool = False,
        rule: bool = False,
    ) -> None:
        c, left = self.c, self.paper.left
        top = self.y
        font = fonts.BOLD if bold else fonts.REGULAR
        c.setFillColor(_draw.ACCENT_LIGHT)
        c.rect(left, top - SPECIAL_ROW, self.paper.full, SPECIAL_ROW, stroke=0, fill=1)
        if rule:
            c.setStrokeColor(black)
            c.setLineWidth(0.6)
            c.line(left, top, self.paper.right, top)
        baseline = top - 3.2 * mm
        c.setFillColor(black)
        _draw.draw_fitted(
            c, left + 1 * mm, baseline, label, font, SIZE, DATE_WIDTH + self.label_width - 2 * mm
        )
        for group, quantity in quantities.items():
            self._numbers(quantity, group, baseline, font)
        self._separators(top, SPECIAL_ROW)
        self.y = top - SPECIAL_ROW

    def _note(self, text: str) -> None:
        self.c.setFillColor(_draw.GREY)
        _draw.draw_fitted(
            self.c,
            self.paper.left + DATE_WIDTH,
            self.y - 4 * mm,
            text,
            fonts.REGULAR,
            SIZE,
            self.label_width,
        )
        self.y -= 6 * mm

    # --- the last page's summary ----------------------------------------------------------

    def _summary(self) -> None:
        c, paper, record = self.c, self.paper, self.record
        top = self.y - 6 * mm
        half = paper.full / 2 - 4 * mm
        right_x = paper.left + half + 8 * mm
        c.setFillColor(_draw.ACCENT)
        _draw.draw_fitted(c, paper.left, top, _("Serials by status"), fonts.BOLD, 8.5, half)
        _draw.draw_fitted(c, right_x, top, _("Movements of the period"), fonts.BOLD, 8.5, half)
        statuses_bottom = self._statuses_table(paper.left, top - 2 * mm, half)
        movements_bottom = self._movements_table(right_x, top - 2 * mm, half)
        y = min(statuses_bottom, movements_bottom) - 5 * mm
        c.setFillColor(black)
        closing = record.closing_stock
        _draw.draw_fitted(
            c,
            paper.left,
            y,
            _(
                "Register closed on {date}: {booklets} booklets and {vouchers} vouchers in the "
                "safe, worth {amount}."
            ).format(
                date=format_date(record.period_to),
                booklets=format_number(closing.booklets),
                vouchers=format_number(closing.vouchers),
                amount=format_money(closing.amount),
            ),
            fonts.BOLD,
            8,
            paper.full,
        )
        signature_boxes(
            paper,
            y - 3 * mm,
            (
                _("The régisseur: name, date and signature"),
                _("Seen by the public accountant: date and signature"),
            ),
            height=20 * mm,
        )

    def _units(self, x: float, y: float, title: str) -> None:
        """A group's title over its three units, the group starting at x."""
        c = self.c
        _draw.draw_fitted(
            c, x + GROUP / 2, y, title, fonts.BOLD, SIZE, GROUP - 2 * mm, align="center"
        )
        right = x
        for unit, width in zip(self._unit_names(), NUMBER_WIDTHS, strict=True):
            right += width
            _draw.draw_fitted(
                c,
                right - 1 * mm,
                y - SUMMARY_ROW,
                unit,
                fonts.REGULAR,
                6.5,
                width - 1.5 * mm,
                align="right",
            )

    @staticmethod
    def _unit_names() -> tuple[str, str, str]:
        return (_("Booklets"), _("Vouchers"), _("Amount (€)"))

    def _statuses_table(self, x: float, top: float, width: float) -> float:
        c = self.c
        label_width = width - 2 * GROUP
        y = top - 4 * mm
        c.setFillColor(black)
        _draw.draw_fitted(c, x, y - SUMMARY_ROW, _("Status"), fonts.BOLD, SIZE, label_width)
        self._units(x + label_width, y, _("At the opening"))
        self._units(x + label_width + GROUP, y, _("At the closing"))
        y -= 2 * SUMMARY_ROW
        statuses = self.record.statuses
        total = (
            sum((s.opening for s in statuses), Quantity()),
            sum((s.closing for s in statuses), Quantity()),
        )
        rows = [(s.label, s.opening, s.closing, s.has_booklets) for s in statuses]
        rows.append((_("All serials received"), *total, True))
        for index, (label, opening, closing, has_booklets) in enumerate(rows):
            font = fonts.BOLD if index == len(rows) - 1 else fonts.REGULAR
            _draw.draw_fitted(c, x, y, label, font, SIZE, label_width - 1 * mm)
            for i, quantity in enumerate((opening, closing)):
                self._numbers_at(x + label_width + i * GROUP, y, quantity, font, has_booklets)
            y -= SUMMARY_ROW
        return y

    def _movements_table(self, x: float, top: float, width: float) -> float:
        c = self.c
        label_width = width - GROUP
        y = top - 4 * mm
        c.setFillColor(black)
        _draw.draw_fitted(c, x, y - SUMMARY_ROW, _("Movement"), fonts.BOLD, SIZE, label_width)
        self._units(x + label_width, y, _("Period"))
        y -= 2 * SUMMARY_ROW
        if not self.record.movements:
            c.setFillColor(_draw.GREY)
            _draw.draw_fitted(c, x, y, _("No movement in this period."), fonts.REGULAR, SIZE, width)
            return y - SUMMARY_ROW
        columns = {ENTRY: _("entry"), EXIT: _("exit"), OUTSIDE: _("outside the safe")}
        for movement in self.record.movements:
            label = f"{movement.label} ({columns[movement.effect]})"
            _draw.draw_fitted(c, x, y, label, fonts.REGULAR, SIZE, label_width - 1 * mm)
            self._numbers_at(x + label_width, y, movement.quantity, fonts.REGULAR)
            y -= SUMMARY_ROW
        return y
