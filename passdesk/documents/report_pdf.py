"""The funder's report as a PDF: A4, the desk's letterhead, the period, the programmes and their
funders, the key figures, charts drawn as vectors, every table, and how each figure is computed;
"page N of M" at the foot of every page.

Laid out with reportlab's platypus (tables run over as many pages as they need, their header
repeated); what it prints is exactly the ReportRecord, hidden cells included.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any, BinaryIO, Final
from xml.sax.saxutils import escape

from reportlab.lib.colors import HexColor
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Table as FlowTable

from passdesk.documents import _blocks, _draw, fonts
from passdesk.documents.output import atomic_output
from passdesk.documents.report_charts import chart_drawing
from passdesk.documents.report_record import Kind, ReportRecord, Table, cell_text
from passdesk.formatting import format_date, format_timestamp
from passdesk.i18n import _

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN: Final = 15 * mm
FULL: Final = PAGE_WIDTH - 2 * MARGIN
LETTERHEAD: Final = 24 * mm
STRIPE: Final = HexColor("#F4F8F9")
NUMBER_WIDTH: Final = {
    Kind.COUNT: 18 * mm,
    Kind.MONEY: 25 * mm,
    Kind.PERCENT: 17 * mm,
    Kind.DATE: 20 * mm,
}


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=fonts.REGULAR, fontSize=8.5, leading=10.5)
    return {
        "title": ParagraphStyle(
            "title", base, fontName=fonts.BOLD, fontSize=16, leading=20, textColor=_draw.ACCENT
        ),
        "subtitle": ParagraphStyle("subtitle", base, fontSize=10.5, leading=14),
        "h2": ParagraphStyle(
            "h2",
            base,
            fontName=fonts.BOLD,
            fontSize=11.5,
            leading=15,
            textColor=_draw.ACCENT,
            spaceBefore=8,
            spaceAfter=4,
        ),
        "body": base,
        "note": ParagraphStyle("note", base, fontSize=7.5, leading=9.5, textColor=_draw.GREY),
        "cell": ParagraphStyle("cell", base, fontSize=7.8, leading=9.4),
        "head": ParagraphStyle("head", base, fontName=fonts.BOLD, fontSize=7.5, leading=9),
        "head_right": ParagraphStyle(
            "head_right", base, fontName=fonts.BOLD, fontSize=7.5, leading=9, alignment=TA_RIGHT
        ),
    }


def _widths(table: Table) -> list[float]:
    """Numbers get their column (at least as wide as the longest word of its header, which
    never breaks inside a word); text columns share what is left."""
    fixed: list[float | None] = []
    for column in table.columns:
        base = NUMBER_WIDTH.get(column.kind)
        if base is not None:
            words = column.title.split() or [""]
            base = max(base, max(_draw.width(w, fonts.BOLD, 7.5) for w in words) + 8)
        fixed.append(base)
    free = [i for i, w in enumerate(fixed) if w is None]
    room = FULL - sum(w for w in fixed if w is not None)
    return [w if w is not None else room / len(free) for w in fixed]


def flow_table(table: Table, styles: dict[str, ParagraphStyle]) -> FlowTable:
    kinds = [c.kind for c in table.columns]
    numeric = [k not in (Kind.TEXT, Kind.MONTH) for k in kinds]
    header = [
        Paragraph(escape(c.title), styles["head_right" if numeric[i] else "head"])
        for i, c in enumerate(table.columns)
    ]
    body: list[list[Any]] = [header]
    for values in (*table.rows, *((table.total,) if table.total is not None else ())):
        body.append(
            [
                cell_text(v, k)
                if numeric[i]
                else Paragraph(escape(cell_text(v, k)), styles["cell"])
                for i, (v, k) in enumerate(zip(values, kinds, strict=True))
            ]
        )
    flow = FlowTable(body, colWidths=_widths(table), repeatRows=1, hAlign="LEFT")
    style = [
        ("FONT", (0, 0), (-1, -1), fonts.REGULAR, 7.8),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), _draw.ACCENT_LIGHT),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, _draw.ACCENT),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    style += [("ALIGN", (i, 1), (i, -1), "RIGHT") for i, n in enumerate(numeric) if n]
    for row in range(2, len(body), 2):
        style.append(("BACKGROUND", (0, row), (-1, row), STRIPE))
    if table.total is not None:
        style += [
            ("FONT", (0, -1), (-1, -1), fonts.BOLD, 7.8),
            ("LINEABOVE", (0, -1), (-1, -1), 0.6, _draw.GREY),
        ]
    flow.setStyle(TableStyle(style))
    return flow


def _section(table: Table, styles: dict[str, ParagraphStyle]) -> list[Any]:
    parts: list[Any] = [CondPageBreak(40 * mm), Paragraph(escape(table.title), styles["h2"])]
    parts.append(flow_table(table, styles))
    if table.note:
        parts += [Spacer(0, 2), Paragraph(escape(table.note), styles["note"])]
    return parts


def _charts(record: ReportRecord) -> list[Any]:
    if not record.charts:
        return []
    first, *others = record.charts
    flows: list[Any] = [chart_drawing(first, FULL, 62 * mm)]
    if others:
        half = (FULL - 6 * mm) / 2
        row = [chart_drawing(c, half, 62 * mm) for c in others[:2]]
        grid = FlowTable([row], colWidths=[half + 6 * mm] * len(row), hAlign="LEFT")
        grid.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0)]))
        flows += [Spacer(0, 4 * mm), grid]
    return flows


def _story(record: ReportRecord) -> list[Any]:
    styles = _styles()
    period = _("From {start} to {end}").format(
        start=format_date(record.start), end=format_date(record.end)
    )
    story: list[Any] = [
        Paragraph(escape(record.title), styles["title"]),
        Paragraph(escape(period), styles["subtitle"]),
        Spacer(0, 2 * mm),
    ]
    story += [Paragraph(escape(line), styles["body"]) for line in record.scope]
    story += [Spacer(0, 2 * mm), *_section(record.summary, styles)]
    story += [Spacer(0, 5 * mm), *_charts(record)]
    story += [PageBreak(), Paragraph(escape(record.disclosure), styles["note"])]
    for table in record.tables:
        story += _section(table, styles)
    story += [
        CondPageBreak(60 * mm),
        Paragraph(escape(_("How each figure is computed")), styles["h2"]),
    ]
    rows = [
        [Paragraph(escape(m.figure), styles["head"]), Paragraph(escape(m.how), styles["cell"])]
        for m in record.methods
    ]
    grid = FlowTable(rows, colWidths=[40 * mm, FULL - 40 * mm], hAlign="LEFT")
    grid.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.3, _draw.LIGHT_GREY),
                ("TOPPADDING", (0, 0), (-1, -1), 2.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
            ]
        )
    )
    story.append(KeepTogether([grid]) if len(rows) < 8 else grid)
    return story


def _canvas_class(record: ReportRecord) -> type[Canvas]:
    """A canvas that writes "page N of M" on each page once it knows M (pages are kept until
    the document is saved)."""
    footer = f"{_blocks.BRAND} — {record.title} — " + _("made on {moment}").format(
        moment=format_timestamp(record.generated_at)
    )
    heading = f"{record.desk.name} — " + _("From {start} to {end}").format(
        start=format_date(record.start), end=format_date(record.end)
    )

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._furniture(total)
                super().showPage()
            super().save()

        def _furniture(self, total: int) -> None:
            number = self._pageNumber
            self.setFillColor(_draw.GREY)
            _draw.draw_fitted(
                self, MARGIN, 9 * mm, footer, fonts.REGULAR, 7, FULL - 30 * mm, min_size=5.5
            )
            _draw.draw_fitted(
                self,
                PAGE_WIDTH - MARGIN,
                9 * mm,
                _("Page {number} of {total}").format(number=number, total=total),
                fonts.REGULAR,
                7.5,
                30 * mm,
                align="right",
            )
            if number > 1:
                _draw.draw_fitted(
                    self, MARGIN, PAGE_HEIGHT - 10 * mm, heading, fonts.REGULAR, 7.5, FULL
                )
            if record.desk.demo:
                _draw.demo_watermark(self, PAGE_WIDTH / 2, PAGE_HEIGHT / 2, PAGE_WIDTH, PAGE_HEIGHT)

    return NumberedCanvas


def _first_page(record: ReportRecord) -> Any:
    logos = _draw.LogoCache()

    def draw(canvas: Canvas, _doc: Any) -> None:
        canvas.saveState()
        _blocks.draw_letterhead(
            canvas,
            record.desk,
            logos.get(record.desk.logo_png),
            MARGIN,
            PAGE_HEIGHT - MARGIN,
            FULL,
            LETTERHEAD - 4 * mm,
        )
        canvas.setStrokeColor(_draw.ACCENT)
        canvas.setLineWidth(0.8)
        y = PAGE_HEIGHT - MARGIN - LETTERHEAD + 2 * mm
        canvas.line(MARGIN, y, PAGE_WIDTH - MARGIN, y)
        canvas.restoreState()

    return draw


def render_report(record: ReportRecord, output: str | os.PathLike[str] | BinaryIO) -> None:
    """Write the report's PDF; all or nothing at a path (see `atomic_output`)."""
    if isinstance(output, str | os.PathLike):
        with atomic_output(output) as stream:
            _build(record, stream)
    else:
        _build(record, output)


def _build(record: ReportRecord, stream: BinaryIO) -> None:
    fonts.register_fonts()
    doc = SimpleDocTemplate(
        stream,
        pagesize=A4,
        # Platypus frames pad their content by 6 points: the text then starts at MARGIN, under
        # the letterhead, and the tables are FULL wide.
        leftMargin=MARGIN - 6,
        rightMargin=MARGIN - 6,
        topMargin=MARGIN + 3 * mm,
        bottomMargin=MARGIN + 2 * mm,
        title=record.title,
        author=record.desk.name,
        creator="PassDesk",
        invariant=1,
        pageCompression=1,
    )
    story: list[Any] = [Spacer(0, LETTERHEAD - 3 * mm), *_story(record)]
    doc.build(story, onFirstPage=_first_page(record), canvasmaker=_canvas_class(record))


def table_texts(table: Table) -> Sequence[Sequence[str]]:
    """The cells of a table as the PDF prints them (tests compare them with the XLSX's)."""
    kinds = [c.kind for c in table.columns]
    rows = (*table.rows, *((table.total,) if table.total is not None else ()))
    return [[cell_text(v, k) for v, k in zip(r, kinds, strict=True)] for r in rows]
