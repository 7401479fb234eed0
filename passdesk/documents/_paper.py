"""The frame of the public accountant's papers: the desk and the title on every page, the foot
with "page N / M", and the boxes where people sign.

A loose sheet of a register must still say whose register it is and where it belongs, so every
page repeats the desk's identity and the paper's subject. The total page count is drawn once
at the end into a form that every page's foot already refers to, so a paper is drawn in one
pass whatever its length.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import BinaryIO, Final

from reportlab.lib.colors import black
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from passdesk.documents import _draw, fonts
from passdesk.documents._blocks import desk_locality, one_line
from passdesk.documents.records import DeskLine
from passdesk.i18n import _

MARGIN: Final = 12 * mm
HEADER_HEIGHT: Final = 20 * mm
FOOTER_HEIGHT: Final = 7 * mm
_TOTAL_FORM: Final = "passdesk-page-total"


class Paper:
    """One PDF whose pages share a header (desk, title, subject) and a numbered foot."""

    def __init__(
        self,
        stream: BinaryIO,
        pagesize: tuple[float, float],
        *,
        desk: DeskLine,
        title: str,
        subject: Sequence[str],
        foot: str,
    ) -> None:
        fonts.register_fonts()
        self.canvas = Canvas(stream, pagesize=pagesize, pageCompression=1, invariant=1)
        self.canvas.setTitle(title)
        self.canvas.setAuthor(desk.name)
        self.canvas.setCreator("PassDesk")
        self.width, self.height = pagesize
        self.left, self.right = MARGIN, self.width - MARGIN
        self.full = self.right - self.left
        self.top = self.height - MARGIN - HEADER_HEIGHT  # where a page's content starts
        self.bottom = MARGIN + FOOTER_HEIGHT  # where it must end
        self.desk, self.title, self.subject, self.foot = desk, title, tuple(subject), foot
        self.pages = 0

    def start_page(self) -> float:
        """Draw the header of a new page; returns the y where its content starts."""
        self.pages += 1
        c = self.canvas
        top = self.height - MARGIN
        half = self.full / 2 - 3 * mm
        c.setFillColor(black)
        _draw.draw_fitted(c, self.left, top - 4 * mm, self.desk.name, fonts.BOLD, 10, half)
        c.setFillColor(_draw.GREY)
        identity = [
            ", ".join(p for p in (one_line(self.desk.address), desk_locality(self.desk)) if p),
            _("SIRET {siret}").format(siret=self.desk.siret) if self.desk.siret else "",
        ]
        y = top - 8.5 * mm
        for line in (i for i in identity if i):
            _draw.draw_fitted(c, self.left, y, line, fonts.REGULAR, 7.5, half)
            y -= 3.6 * mm
        c.setFillColor(_draw.ACCENT)
        _draw.draw_fitted(
            c, self.right, top - 4 * mm, self.title.upper(), fonts.BOLD, 11, half, align="right"
        )
        c.setFillColor(black)
        y = top - 8.5 * mm
        for line in self.subject[:3]:
            _draw.draw_fitted(c, self.right, y, line, fonts.REGULAR, 8, half, align="right")
            y -= 3.6 * mm
        c.setStrokeColor(_draw.ACCENT)
        c.setLineWidth(0.8)
        c.line(self.left, self.top + 2 * mm, self.right, self.top + 2 * mm)
        return self.top

    def finish_page(self) -> None:
        """Draw the foot ("page N / M", M filled in at the end) and go to the next page."""
        c = self.canvas
        y = MARGIN
        c.setStrokeColor(_draw.LIGHT_GREY)
        c.setLineWidth(0.4)
        c.line(self.left, y + 4 * mm, self.right, y + 4 * mm)
        c.setFillColor(_draw.GREY)
        _draw.draw_fitted(c, self.left, y, self.foot, fonts.REGULAR, 7, self.full * 0.7)
        number = _("page {number} / ").format(number=self.pages)
        room = _draw.width("00000", fonts.REGULAR, 7)
        c.setFont(fonts.REGULAR, 7)
        c.drawRightString(self.right - room, y, number)
        c.saveState()
        c.translate(self.right - room, y)
        c.doForm(_TOTAL_FORM)
        c.restoreState()
        if self.desk.demo:
            _draw.demo_watermark(c, self.width / 2, self.height / 2, self.width, self.height)
        c.showPage()

    def save(self) -> None:
        """Write the page count every foot refers to, then the file."""
        c = self.canvas
        c.beginForm(_TOTAL_FORM)
        c.setFillColor(_draw.GREY)
        c.setFont(fonts.REGULAR, 7)
        c.drawString(0, 0, str(self.pages))
        c.endForm()
        c.save()


def signature_boxes(
    paper: Paper, top: float, labels: Sequence[str], height: float = 24 * mm
) -> float:
    """Boxes side by side for the people who sign, their role written inside; returns the y
    under them."""
    c = paper.canvas
    gutter = 6 * mm
    width = (paper.full - gutter * (len(labels) - 1)) / len(labels)
    c.setStrokeColor(_draw.GREY)
    c.setLineWidth(0.6)
    for index, label in enumerate(labels):
        x = paper.left + index * (width + gutter)
        c.rect(x, top - height, width, height, stroke=1, fill=0)
        c.setFillColor(_draw.GREY)
        lines = _draw.wrap(label, fonts.REGULAR, 7.5, width - 4 * mm)[:3]
        _draw.draw_lines(c, x + 2 * mm, top - 1 * mm, lines, fonts.REGULAR, 7.5)
    return top - height


def draw_number(
    canvas: Canvas, right: float, y: float, text: str, font: str, size: float, max_width: float
) -> None:
    """A figure right-aligned at `right`, made smaller to fit but never cut: an amount with an
    ellipsis would be a wrong amount."""
    natural = _draw.width(text, font, size)
    if natural > max_width > 0:
        size *= 0.98 * max_width / natural
    canvas.setFont(font, size)
    canvas.drawRightString(right, y, text)
