"""The person's data on paper: the information notice (one page the person takes home) and
the export of everything the desk holds about a person (their right of access), as PDFs.

Both flow down A4 pages under the desk's letterhead: headings, paragraphs, label/value rows
and tables, a new page when the next line does not fit. What they say comes whole from the
records; this module only lays it out.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO, Final

from reportlab.lib.colors import HexColor, white
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from passdesk.documents import _blocks, _draw, fonts
from passdesk.documents._blocks import BRAND
from passdesk.documents.output import atomic_output
from passdesk.documents.records import DeskLine
from passdesk.formatting import format_date, format_datetime
from passdesk.i18n import _

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN: Final = 18 * mm
LEFT: Final = MARGIN
RIGHT: Final = PAGE_WIDTH - MARGIN
FULL: Final = RIGHT - LEFT
BOTTOM: Final = 20 * mm
BLACK: Final = HexColor("#000000")
TEXT_SIZE: Final = 9.5
LEADING: Final = 12.5
CELL_SIZE: Final = 8.5
CELL_LEADING: Final = 10.5


@dataclass(frozen=True, slots=True)
class NoticeRecord:
    """The information notice as printed: (heading, text) sections (a desk's own notice has
    no headings), and the version these words are."""

    desk: DeskLine
    version: int
    since: datetime
    sections: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class ExportSection:
    """One part of a person's export: label/value rows (no `columns`), a table whose `widths`
    are fractions of the page, or `text`; `empty` is said when there are no rows."""

    title: str
    rows: tuple[tuple[str, ...], ...]
    columns: tuple[str, ...] = ()
    widths: tuple[float, ...] = ()
    empty: str = ""
    text: str = ""  # paragraphs, a line each (a notice's words)


@dataclass(frozen=True, slots=True)
class PersonExportRecord:
    desk: DeskLine
    beneficiary_id: int
    generated_at: datetime
    agent_name: str
    intro: str
    sections: tuple[ExportSection, ...]


def render_notice(record: NoticeRecord, output: str | os.PathLike[str] | BinaryIO) -> None:
    """Write the notice; all or nothing at a path (see `atomic_output`)."""
    _render(output, lambda stream: _write_notice(stream, record))


def render_person_export(
    record: PersonExportRecord, output: str | os.PathLike[str] | BinaryIO
) -> None:
    _render(output, lambda stream: _write_export(stream, record))


def _render(output: str | os.PathLike[str] | BinaryIO, write: object) -> None:
    if isinstance(output, str | os.PathLike):
        with atomic_output(output) as stream:
            write(stream)  # type: ignore[operator]
    else:
        write(output)  # type: ignore[operator]


class _Flow:
    """A cursor going down A4 pages: the letterhead and title on the first, a running title on
    the next, the footer and page number on each."""

    def __init__(self, stream: BinaryIO, desk: DeskLine, title: str, footer: str) -> None:
        fonts.register_fonts()
        self.c = Canvas(stream, pagesize=A4, pageCompression=1, invariant=1)
        self.c.setTitle(title)
        self.c.setCreator("PassDesk")
        self.title, self.footer, self.page = title, footer, 1
        top = PAGE_HEIGHT - MARGIN
        _blocks.draw_letterhead(
            self.c, desk, _draw.LogoCache().get(desk.logo_png), LEFT, top, FULL, 22 * mm
        )
        self.y = top - 25 * mm
        height = 11 * mm
        self.c.setFillColor(_draw.ACCENT)
        self.c.roundRect(LEFT, self.y - height, FULL, height, 2 * mm, stroke=0, fill=1)
        self.c.setFillColor(white)
        _draw.draw_fitted(
            self.c, LEFT + 4 * mm, self.y - 7.3 * mm, title, fonts.BOLD, 13, FULL - 8 * mm
        )
        self.y -= height + 6 * mm

    def room(self, needed: float) -> None:
        if self.y - needed >= BOTTOM:
            return
        self._foot()
        self.c.showPage()
        self.page += 1
        self.y = PAGE_HEIGHT - MARGIN
        self.c.setFillColor(_draw.ACCENT)
        _draw.draw_fitted(
            self.c, LEFT, self.y - 4 * mm, self.title, fonts.BOLD, 10, FULL, min_size=7
        )
        self.y -= 10 * mm

    def _foot(self) -> None:
        self.c.setFillColor(_draw.GREY)
        _draw.draw_fitted(
            self.c,
            PAGE_WIDTH / 2,
            10 * mm,
            f"{BRAND} — {self.footer} — " + _("page {n}").format(n=self.page),
            fonts.REGULAR,
            7,
            FULL,
            align="center",
        )

    def heading(self, text: str) -> None:
        self.room(26 * mm)  # never alone at the foot of a page: a line or two of it follows
        self.c.setFillColor(_draw.ACCENT)
        _draw.draw_fitted(self.c, LEFT, self.y - 4.5 * mm, text, fonts.BOLD, 11, FULL)
        self.c.setStrokeColor(_draw.ACCENT)
        self.c.setLineWidth(0.5)
        self.c.line(LEFT, self.y - 6 * mm, RIGHT, self.y - 6 * mm)
        self.y -= 9.5 * mm

    def paragraph(
        self, text: str, *, font: str = fonts.REGULAR, size: float = TEXT_SIZE, grey: bool = False
    ) -> None:
        leading = size * LEADING / TEXT_SIZE
        for line in _draw.wrap(text, font, size, FULL):
            self.room(leading)
            self.c.setFillColor(_draw.GREY if grey else BLACK)
            self.c.setFont(font, size)
            self.c.drawString(LEFT, self.y - size, line)
            self.y -= leading
        self.y -= 2 * mm

    def labelled(self, rows: Sequence[tuple[str, ...]]) -> None:
        """Label on the left, value wrapped on the right."""
        label_width = 62 * mm
        for label, value, *_rest in rows:
            lines = _draw.wrap(value or "—", fonts.REGULAR, TEXT_SIZE, FULL - label_width)
            self.room(LEADING * min(len(lines), 3))
            self.c.setFillColor(_draw.GREY)
            _draw.draw_fitted(
                self.c, LEFT, self.y - TEXT_SIZE, label, fonts.REGULAR, TEXT_SIZE, label_width
            )
            for line in lines:
                self.room(LEADING)
                self.c.setFillColor(BLACK)
                self.c.setFont(fonts.REGULAR, TEXT_SIZE)
                self.c.drawString(LEFT + label_width, self.y - TEXT_SIZE, line)
                self.y -= LEADING
        self.y -= 2 * mm

    def table(
        self, columns: Sequence[str], widths: Sequence[float], rows: Sequence[Sequence[str]]
    ) -> None:
        spans = [FULL * w / sum(widths) for w in widths]
        self._table_header(columns, spans)
        for row in rows:
            cells = [
                _draw.wrap(text, fonts.REGULAR, CELL_SIZE, span - 2 * mm)[:4]
                for text, span in zip(row, spans, strict=True)
            ]
            height = max(len(c) for c in cells) * CELL_LEADING + 2 * mm
            if self.y - height < BOTTOM:
                self.room(height + 7 * mm)
                self._table_header(columns, spans)
            self.c.setFillColor(BLACK)
            x = LEFT
            for lines, span in zip(cells, spans, strict=True):
                _draw.draw_lines(
                    self.c, x + 1 * mm, self.y - 0.5 * mm, lines, fonts.REGULAR, CELL_SIZE,
                    CELL_LEADING,
                )  # fmt: skip
                x += span
            self.y -= height
            self.c.setStrokeColor(_draw.LIGHT_GREY)
            self.c.setLineWidth(0.3)
            self.c.line(LEFT, self.y, RIGHT, self.y)
        self.y -= 4 * mm

    def _table_header(self, columns: Sequence[str], spans: Sequence[float]) -> None:
        height = 6 * mm
        self.room(height + CELL_LEADING * 2)
        self.c.setFillColor(_draw.ACCENT_LIGHT)
        self.c.rect(LEFT, self.y - height, FULL, height, stroke=0, fill=1)
        self.c.setFillColor(_draw.ACCENT)
        x = LEFT
        for title, span in zip(columns, spans, strict=True):
            _draw.draw_fitted(
                self.c, x + 1 * mm, self.y - 4.2 * mm, title, fonts.BOLD, 8, span - 2 * mm
            )
            x += span
        self.y -= height

    def finish(self) -> None:
        self._foot()
        self.c.showPage()
        self.c.save()


def _write_notice(stream: BinaryIO, record: NoticeRecord) -> None:
    title = _("Information on your personal data")
    version = _("Notice version {version} of {date}").format(
        version=record.version, date=format_date(record.since.astimezone().date())
    )
    flow = _Flow(stream, record.desk, title, version)
    flow.paragraph(
        _(
            "This desk hands out Pass Numérique vouchers. To do so it records some data about "
            "you; here is what, why, for how long, and your rights."
        ),
        size=10.5,
    )
    for heading, text in record.sections:
        if heading:
            flow.heading(heading)
            flow.paragraph(text[:1].upper() + text[1:], size=10.5)
        else:
            flow.paragraph(text, size=10.5)
    flow.y -= 4 * mm
    flow.paragraph(version, size=8.5, grey=True)
    flow.finish()


def _write_export(stream: BinaryIO, record: PersonExportRecord) -> None:
    title = _("Personal data held about beneficiary no. {id}").format(id=record.beneficiary_id)
    flow = _Flow(
        stream,
        record.desk,
        title,
        _("Export of {moment}").format(moment=format_datetime(record.generated_at)),
    )
    flow.paragraph(record.intro)
    for section in record.sections:
        flow.heading(section.title)
        if section.text:
            for paragraph in section.text.splitlines():
                flow.paragraph(paragraph)
        elif not section.rows:
            flow.paragraph(section.empty or "—")
        elif section.columns:
            flow.table(section.columns, section.widths, section.rows)
        else:
            flow.labelled(section.rows)
    flow.paragraph(
        _("Written on {moment} by {agent}.").format(
            moment=format_datetime(record.generated_at), agent=record.agent_name
        ),
        size=8.5,
        grey=True,
    )
    flow.finish()
