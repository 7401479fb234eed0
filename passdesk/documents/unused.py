"""The statement of unused value on paper (A4 portrait): the booklets and vouchers in stock or
expired, their face value, and what each funder is credited back, cents adding up."""

from __future__ import annotations

import os
from typing import BinaryIO, Final

from reportlab.lib.colors import black
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from passdesk.documents import _draw, fonts
from passdesk.documents._paper import Paper, draw_number, signature_boxes
from passdesk.documents.output import atomic_output
from passdesk.documents.regie_records import UnusedRecord
from passdesk.formatting import (
    format_date,
    format_money,
    format_number,
    format_percent,
    format_timestamp,
)
from passdesk.i18n import _

ROW: Final = 6 * mm
SIZE: Final = 9.0


def subject_lines(record: UnusedRecord) -> list[str]:
    programme = record.programme
    return [
        _("Programme {code} — {name}").format(code=programme.code, name=programme.name),
        _("Vouchers of {value}, valid from {start} to {end}").format(
            value=format_money(programme.face_value),
            start=format_date(programme.valid_from),
            end=format_date(programme.valid_until),
        ),
        _("Situation on {moment}").format(moment=format_timestamp(record.as_of)),
    ]


def render_unused(record: UnusedRecord, output: str | os.PathLike[str] | BinaryIO) -> int:
    """Write the statement; all or nothing at a path. Returns the number of pages (one)."""
    if isinstance(output, (str, os.PathLike)):
        with atomic_output(output) as stream:
            return _write(record, stream)
    return _write(record, output)


def _write(record: UnusedRecord, stream: BinaryIO) -> int:
    paper = Paper(
        stream,
        A4,
        desk=record.desk,
        title=_("Statement of unused value"),
        subject=subject_lines(record),
        foot=_("PassDesk — statement made on {moment} from the stock register").format(
            moment=format_timestamp(record.as_of)
        ),
    )
    c = paper.canvas
    y = paper.start_page() - 8 * mm
    c.setFillColor(black)
    intro = _(
        "Booklets and vouchers of this programme that were not handed out: still in stock, or "
        "expired at the end of validity. Their face value is credited back to the funders in "
        "proportion to their shares."
    )
    y = (
        _draw.draw_lines(
            c,
            paper.left,
            y,
            _draw.wrap(intro, fonts.REGULAR, SIZE, paper.full),
            fonts.REGULAR,
            SIZE,
        )
        - 6 * mm
    )
    columns = (paper.right - 95 * mm, paper.right - 65 * mm, paper.right)
    y = _table_head(
        paper, y, _("Unused value"), (_("Booklets"), _("Vouchers"), _("Value")), columns
    )
    for label, quantity, bold in (
        (_("In stock"), record.in_stock, False),
        (_("Expired"), record.expired, False),
        (_("Total unused value"), record.total, True),
    ):
        font = fonts.BOLD if bold else fonts.REGULAR
        if bold:
            c.setStrokeColor(black)
            c.line(paper.left, y, paper.right, y)
        texts = (
            format_number(quantity.booklets),
            format_number(quantity.vouchers),
            format_money(quantity.amount),
        )
        y = _row(paper, y, label, texts, columns, font)
    y -= 10 * mm
    columns = (paper.right - 50 * mm, paper.right)
    y = _table_head(paper, y, _("Credited back to the funders"), (_("Share"), _("Amount")), columns)
    for credit in record.credits:
        texts = (format_percent(credit.percent), format_money(credit.amount))
        y = _row(paper, y, credit.funder, texts, columns, fonts.REGULAR)
    c.setStrokeColor(black)
    c.line(paper.left, y, paper.right, y)
    total = sum((credit.amount for credit in record.credits), record.total.amount * 0)
    texts = (format_percent(sum(credit.percent for credit in record.credits)), format_money(total))
    y = _row(paper, y, _("Total"), texts, columns, fonts.BOLD)
    y -= 4 * mm
    c.setFillColor(_draw.GREY)
    note = _draw.wrap(record.rounding_note, fonts.REGULAR, 7.5, paper.full)
    y = _draw.draw_lines(c, paper.left, y, note, fonts.REGULAR, 7.5) - 10 * mm
    signature_boxes(
        paper,
        y,
        (
            _("The régisseur: name, date and signature"),
            _("Seen by the public accountant: date and signature"),
        ),
    )
    paper.finish_page()
    paper.save()
    return paper.pages


def _table_head(
    paper: Paper, y: float, title: str, headings: tuple[str, ...], columns: tuple[float, ...]
) -> float:
    c = paper.canvas
    c.setFillColor(_draw.ACCENT)
    _draw.draw_fitted(c, paper.left, y, title, fonts.BOLD, 10, paper.full / 2)
    y -= 3 * mm
    c.setFillColor(_draw.ACCENT_LIGHT)
    c.rect(paper.left, y - ROW, paper.full, ROW, stroke=0, fill=1)
    c.setFillColor(black)
    for text, right in zip(headings, columns, strict=True):
        _draw.draw_fitted(
            c, right - 1 * mm, y - 4.2 * mm, text, fonts.BOLD, SIZE, 28 * mm, align="right"
        )
    return y - ROW


def _row(
    paper: Paper,
    y: float,
    label: str,
    texts: tuple[str, ...],
    columns: tuple[float, ...],
    font: str,
) -> float:
    c = paper.canvas
    c.setFillColor(black)
    _draw.draw_fitted(
        c, paper.left + 1 * mm, y - 4.2 * mm, label, font, SIZE, columns[0] - paper.left - 32 * mm
    )
    for text, right in zip(texts, columns, strict=True):
        draw_number(c, right - 1 * mm, y - 4.2 * mm, text, font, SIZE, 28 * mm)
    c.setStrokeColor(_draw.LIGHT_GREY)
    c.setLineWidth(0.3)
    c.line(paper.left, y - ROW, paper.right, y - ROW)
    return y - ROW
