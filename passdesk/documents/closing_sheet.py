"""The daily closing sheet (A4): what was counted in the safe, every difference by serial, the
explanation, the signatures, and the journal's head hash that anchors the chain on paper.

Once signed and filed, the sheet is the evidence outside the database: `passdesk-admin check
--anchor HASH` proves that the journal still holds, unchanged, the event whose hash it prints.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import BinaryIO, Final

from reportlab.lib.colors import black
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from passdesk.documents import _draw, fonts
from passdesk.documents._paper import Paper, draw_number, signature_boxes
from passdesk.documents.output import atomic_output
from passdesk.documents.regie_records import ClosingRecord
from passdesk.formatting import format_date, format_datetime, format_number, format_timestamp
from passdesk.i18n import _, ngettext

SIZE: Final = 9.0
ROW: Final = 5.6 * mm
CODE_ROW: Final = 4.2 * mm
CODES_PER_LINE: Final = 4
ANCHOR_HEIGHT: Final = 31 * mm
SIGNATURES_HEIGHT: Final = 24 * mm


def render_closing(record: ClosingRecord, output: str | os.PathLike[str] | BinaryIO) -> int:
    """Write the sheet; all or nothing at a path. Returns the number of pages."""
    if isinstance(output, (str, os.PathLike)):
        with atomic_output(output) as stream:
            return _SheetWriter(stream, record).write()
    return _SheetWriter(output, record).write()


def hash_groups(digest: str, size: int = 8) -> str:
    """The hash in groups of eight characters, easier to read aloud and to compare by eye."""
    return " ".join(digest[i : i + size] for i in range(0, len(digest), size))


class _SheetWriter:
    def __init__(self, stream: BinaryIO, record: ClosingRecord) -> None:
        self.record = record
        subject = [
            _("Day of {date}").format(date=format_date(record.day)),
            _("Closing no. {id} recorded on {moment} by {agent}").format(
                id=record.closing_id,
                moment=format_datetime(record.closed_at),
                agent=record.agent_name,
            ),
        ]
        if record.corrects is not None and record.corrects_at is not None:
            subject.append(
                _("Corrects closing no. {id} of {moment}").format(
                    id=record.corrects, moment=format_timestamp(record.corrects_at)
                )
            )
        self.paper = Paper(
            stream,
            A4,
            desk=record.desk,
            title=_("Daily closing of the stock"),
            subject=subject,
            foot=_("PassDesk — closing no. {id} of {date}, journal event {event}").format(
                id=record.closing_id, date=format_date(record.day), event=record.event_id
            ),
        )
        self.c = self.paper.canvas
        self.y = 0.0

    def write(self) -> int:
        record, c = self.record, self.c
        self.y = self.paper.start_page() - 6 * mm
        how = (
            _("Each booklet in the safe was scanned; serials are compared one by one.")
            if record.scanned
            else _("The booklets in the safe were counted per programme; numbers are compared.")
        )
        c.setFillColor(black)
        self._text(how, fonts.REGULAR, SIZE)
        self.y -= 3 * mm
        self._counts()
        if not record.has_differences:
            self._heading(_("No difference: the safe and the register agree."))
        self._codes(
            ngettext(
                "{n} booklet in stock in the register but not found in the safe",
                "{n} booklets in stock in the register but not found in the safe",
                len(record.missing),
            ),
            list(record.missing),
        )
        self._codes(
            ngettext(
                "{n} booklet found in the safe but not in stock in the register",
                "{n} booklets found in the safe but not in stock in the register",
                len(record.not_in_stock),
            ),
            [f"{b.code} ({b.status})" for b in record.not_in_stock],
        )
        self._codes(
            ngettext(
                "{n} code this desk never received",
                "{n} codes this desk never received",
                len(record.unknown),
            ),
            list(record.unknown),
        )
        if record.explanation:
            self._heading(_("Explanation"))
            for line in _draw.wrap(record.explanation, fonts.REGULAR, SIZE, self.paper.full)[:40]:
                self._room(ROW)
                c.setFillColor(black)
                _draw.draw_fitted(
                    c, self.paper.left, self.y - 4 * mm, line, fonts.REGULAR, SIZE, self.paper.full
                )
                self.y -= ROW * 0.8
        self._room(ANCHOR_HEIGHT + SIGNATURES_HEIGHT + 12 * mm)
        self._anchor()
        signature_boxes(
            self.paper,
            self.y - 6 * mm,
            (
                _("Counted by {agent}: signature").format(agent=record.agent_name),
                _("The régisseur: name, date and signature"),
            ),
            height=SIGNATURES_HEIGHT,
        )
        self.paper.finish_page()
        self.paper.save()
        return self.paper.pages

    # --- pieces ---------------------------------------------------------------------------

    def _room(self, needed: float) -> None:
        if self.y - needed >= self.paper.bottom:
            return
        self.paper.finish_page()
        self.y = self.paper.start_page() - 4 * mm

    def _text(self, text: str, font: str, size: float) -> None:
        lines = _draw.wrap(text, font, size, self.paper.full)
        self.y = _draw.draw_lines(self.c, self.paper.left, self.y, lines, font, size)

    def _heading(self, text: str) -> None:
        self._room(3 * ROW)
        self.c.setFillColor(_draw.ACCENT)
        self.y -= 8 * mm
        _draw.draw_fitted(self.c, self.paper.left, self.y, text, fonts.BOLD, 10, self.paper.full)
        self.y -= 2.5 * mm

    def _counts(self) -> None:
        c, paper = self.c, self.paper
        right = paper.right
        columns = (right - 90 * mm, right - 50 * mm, right - 20 * mm, right)
        headings = (_("Programme"), _("In stock (register)"), _("Counted"), _("Difference"))
        c.setFillColor(_draw.ACCENT_LIGHT)
        c.rect(paper.left, self.y - ROW, paper.full, ROW, stroke=0, fill=1)
        c.setFillColor(black)
        baseline = self.y - 4 * mm
        _draw.draw_fitted(c, paper.left + 1 * mm, baseline, headings[0], fonts.BOLD, SIZE, 80 * mm)
        for text, x in zip(headings[1:], columns[1:], strict=True):
            _draw.draw_fitted(
                c, x - 1 * mm, baseline, text, fonts.BOLD, SIZE, 38 * mm, align="right"
            )
        self.y -= ROW
        for line in self.record.counts:
            baseline = self.y - 4 * mm
            font = fonts.BOLD if line.difference else fonts.REGULAR
            c.setFillColor(_draw.ALERT if line.difference else black)
            _draw.draw_fitted(
                c,
                paper.left + 1 * mm,
                baseline,
                f"{line.programme_code} — {line.programme_name}",
                font,
                SIZE,
                columns[0] - paper.left,
            )
            difference = f"{line.difference:+d}" if line.difference else "0"
            for text, x in zip(
                (format_number(line.expected), format_number(line.counted), difference),
                columns[1:],
                strict=True,
            ):
                draw_number(c, x - 1 * mm, baseline, text, font, SIZE, 29 * mm)
            c.setStrokeColor(_draw.LIGHT_GREY)
            c.setLineWidth(0.3)
            c.line(paper.left, self.y - ROW, paper.right, self.y - ROW)
            self.y -= ROW

    def _codes(self, title: str, codes: Sequence[str]) -> None:
        if not codes:
            return
        self._heading(title.format(n=format_number(len(codes))))
        c, paper = self.c, self.paper
        width = paper.full / CODES_PER_LINE
        for start in range(0, len(codes), CODES_PER_LINE):
            if self.y - CODE_ROW < paper.bottom:
                self.paper.finish_page()
                self.y = self.paper.start_page() - 4 * mm
                self._heading(title.format(n=format_number(len(codes))) + " " + _("(continued)"))
            c.setFillColor(black)
            for i, code in enumerate(codes[start : start + CODES_PER_LINE]):
                _draw.draw_fitted(
                    c,
                    paper.left + i * width,
                    self.y - 3.2 * mm,
                    code,
                    fonts.REGULAR,
                    8.5,
                    width - 3 * mm,
                )
            self.y -= CODE_ROW

    def _anchor(self) -> None:
        c, paper, record = self.c, self.paper, self.record
        top = self.y - 6 * mm
        c.setStrokeColor(_draw.ACCENT)
        c.setLineWidth(1)
        c.rect(paper.left, top - ANCHOR_HEIGHT, paper.full, ANCHOR_HEIGHT, stroke=1, fill=0)
        c.setFillColor(_draw.ACCENT)
        _draw.draw_fitted(
            c,
            paper.left + 3 * mm,
            top - 5 * mm,
            _("Anchor of the journal"),
            fonts.BOLD,
            10,
            paper.full - 6 * mm,
        )
        c.setFillColor(black)
        _draw.draw_fitted(
            c,
            paper.left + 3 * mm,
            top - 10 * mm,
            _("SHA-256 of the journal's head after this closing (event no. {event}):").format(
                event=record.event_id
            ),
            fonts.REGULAR,
            8.5,
            paper.full - 6 * mm,
        )
        # Never cut: the size is chosen so that the whole hash fits, with room to spare.
        shown = hash_groups(record.head_hash)
        size = min(12.5, 0.97 * (paper.full - 6 * mm) / _draw.width(shown, fonts.BOLD, 1))
        c.setFont(fonts.BOLD, size)
        c.drawCentredString(paper.left + paper.full / 2, top - 17 * mm, shown)
        c.setFillColor(_draw.GREY)
        _draw.draw_fitted(
            c,
            paper.left + 3 * mm,
            top - 23.5 * mm,
            _("To prove later that the journal was not rewritten since, run:"),
            fonts.REGULAR,
            7.5,
            paper.full - 6 * mm,
        )
        _draw.draw_fitted(
            c,
            paper.left + 3 * mm,
            top - 27.5 * mm,
            f"passdesk-admin check --anchor {record.head_hash}",
            fonts.REGULAR,
            7.5,
            paper.full - 6 * mm,
            min_size=5,
        )
        self.y = top - ANCHOR_HEIGHT
