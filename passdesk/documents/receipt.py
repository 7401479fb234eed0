"""The handout receipt (récépissé de remise): the paper both sides sign, in two copies.

One copy for the beneficiary, one for the desk, each on its own A4 page (more only if a handout
has so many booklets that the table runs over). What is printed is exactly the ReceiptRecord:
this module decides where things go, never what they say. A receipt printed again says
DUPLICATA and when; a demonstration desk's says DÉMONSTRATION across every page.
"""

from __future__ import annotations

import os
from typing import BinaryIO, Final

from reportlab.lib.colors import HexColor, white
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from passdesk.documents import _blocks, _draw, fonts
from passdesk.documents._blocks import BRAND, draw_place_columns, funder_list
from passdesk.documents.output import atomic_output
from passdesk.documents.receipt_table import draw_booklets
from passdesk.documents.records import ReceiptRecord
from passdesk.formatting import format_date, format_datetime, format_money
from passdesk.i18n import _, ngettext

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN: Final = 15 * mm
LEFT: Final = MARGIN
RIGHT: Final = PAGE_WIDTH - MARGIN
FULL: Final = RIGHT - LEFT
BLACK: Final = HexColor("#000000")
SIGNATURE_HEIGHT: Final = 26 * mm
NOTICE_SIZE: Final = 7.0
NOTICE_LEADING: Final = 8.6
ACKNOWLEDGE_SIZE: Final = 8.5
ACKNOWLEDGE_LEADING: Final = 10.5
NAME_SIZE: Final = 13.0


def render_receipt(record: ReceiptRecord, output: str | os.PathLike[str] | BinaryIO) -> None:
    """Write the two copies of a receipt; all or nothing at a path (see `atomic_output`)."""
    if isinstance(output, (str, os.PathLike)):
        with atomic_output(output) as stream:
            _ReceiptWriter(stream, record).write()
    else:
        _ReceiptWriter(output, record).write()


class _ReceiptWriter:
    """Lays out one receipt: a cursor `y` going down the page, a new page when it runs out."""

    def __init__(self, stream: BinaryIO, record: ReceiptRecord) -> None:
        fonts.register_fonts()
        self.record = record
        self.canvas = Canvas(stream, pagesize=A4, pageCompression=1, invariant=1)
        self.canvas.setTitle(_("Receipt {number}").format(number=record.receipt_number))
        self.canvas.setCreator("PassDesk")
        self.logos = _draw.LogoCache()
        self.copy_label = ""
        self.y = 0.0
        self.notice = _draw.wrap(record.notice_text, fonts.REGULAR, NOTICE_SIZE, FULL)
        self.contact = (
            _draw.wrap(
                _("Data-protection contact: {contact}").format(contact=record.dpo_contact),
                fonts.BOLD,
                NOTICE_SIZE,
                FULL,
            )
            if record.dpo_contact.strip()
            and " ".join(record.dpo_contact.split()) not in " ".join(record.notice_text.split())
            else []  # the notice names the contact already: once is enough, room for places
        )
        self.acknowledgement = _draw.wrap(
            acknowledgement(record), fonts.BOLD, ACKNOWLEDGE_SIZE, FULL
        )
        self.bottom_block = (
            SIGNATURE_HEIGHT
            + 9 * mm
            + 5 * mm
            + (len(self.notice) + len(self.contact)) * NOTICE_LEADING
            + len(self.acknowledgement) * ACKNOWLEDGE_LEADING
            + 4 * mm
        )
        self.limit = MARGIN + self.bottom_block + 4 * mm

    def write(self) -> None:
        for label in (_("Beneficiary's copy"), _("Desk's copy")):
            self.copy_label = label
            self._copy()
        self.canvas.save()

    # -- one copy ----------------------------------------------------------------------------

    def _copy(self) -> None:
        record = self.record
        self._header()
        self._title()
        if record.cancelled:
            self._cancel_box()
        if record.copy_printed_at is not None:
            self._copy_box()
        self._beneficiary()
        self._heading(_("Booklets handed out"))
        draw_booklets(self, record, LEFT, RIGHT)
        self._funding()
        if record.override_reason:
            self._override()
        self._places()
        self._bottom()
        self._finish_page()

    def _finish_page(self) -> None:
        c, record = self.canvas, self.record
        c.setFillColor(_draw.GREY)
        if record.footer.strip():
            _draw.draw_fitted(
                c,
                PAGE_WIDTH / 2,
                14 * mm,
                record.footer.strip(),
                fonts.REGULAR,
                8,
                FULL,
                align="center",
                min_size=6,
            )
        foot = [
            BRAND,
            _("Receipt no. {number}").format(number=record.receipt_number),
            self.copy_label,
        ]
        if record.copy_printed_at is not None:
            foot.append(copy_words(record))
        _draw.draw_fitted(
            c, PAGE_WIDTH / 2, 9 * mm, " — ".join(foot), fonts.REGULAR, 7, FULL, align="center"
        )
        if record.cancelled or record.copy_printed_at is not None:
            _draw.watermark(
                c,
                _("CANCELLED") if record.cancelled else _("DUPLICATE"),
                PAGE_WIDTH / 2,
                PAGE_HEIGHT / 2,
                PAGE_WIDTH,
                PAGE_HEIGHT,
                alpha=0.2 if record.cancelled else 0.14,
                over_content=True,
            )
        if record.desk.demo:
            _draw.demo_watermark(c, PAGE_WIDTH / 2, PAGE_HEIGHT / 2, PAGE_WIDTH, PAGE_HEIGHT)
        c.showPage()

    def room(self, needed: float) -> None:
        """Go on to a continuation page when `needed` points do not fit above the bottom block."""
        if self.y - needed >= self.limit:
            return
        self._finish_page()
        c = self.canvas
        self.y = PAGE_HEIGHT - MARGIN
        c.setFillColor(_draw.ACCENT)
        _draw.draw_fitted(
            c,
            LEFT,
            self.y - 5 * mm,
            _("Receipt no. {number} (continued)").format(number=self.record.receipt_number)
            + f" — {self.copy_label}",
            fonts.BOLD,
            10,
            FULL,
        )
        self.y -= 10 * mm

    def _header(self) -> None:
        c, record = self.canvas, self.record
        top = PAGE_HEIGHT - MARGIN
        right_room = 72 * mm
        _blocks.draw_letterhead(
            c,
            record.desk,
            self.logos.get(record.desk.logo_png),
            LEFT,
            top,
            FULL - right_room - 4 * mm,
            22 * mm,
        )
        c.setFillColor(BLACK)
        _draw.draw_fitted(
            c,
            RIGHT,
            top - 4 * mm,
            _("Receipt no. {number}").format(number=record.receipt_number),
            fonts.BOLD,
            11,
            right_room,
            align="right",
        )
        c.setFillColor(_draw.GREY)
        _draw.draw_fitted(
            c,
            RIGHT,
            top - 9 * mm,
            _("On {moment}").format(moment=format_datetime(record.issued_at)),
            fonts.REGULAR,
            9,
            right_room,
            align="right",
        )
        _draw.draw_fitted(
            c,
            RIGHT,
            top - 13.5 * mm,
            _("Agent: {name}").format(name=record.agent_name),
            fonts.REGULAR,
            9,
            right_room,
            align="right",
        )
        self.y = top - 24 * mm

    def _title(self) -> None:
        c = self.canvas
        height = 11 * mm
        c.setFillColor(_draw.ACCENT)
        c.roundRect(LEFT, self.y - height, FULL, height, 2 * mm, stroke=0, fill=1)
        c.setFillColor(white)
        label_width = 62 * mm
        _draw.draw_fitted(
            c,
            LEFT + 4 * mm,
            self.y - 7.3 * mm,
            _("Receipt for a Pass Numérique handout"),
            fonts.BOLD,
            13,
            FULL - label_width - 8 * mm,
        )
        _draw.draw_fitted(
            c,
            RIGHT - 4 * mm,
            self.y - 7 * mm,
            self.copy_label,
            fonts.BOLD,
            9.5,
            label_width,
            align="right",
        )
        self.y -= height + 5 * mm

    def _cancel_box(self) -> None:
        record = self.record
        text = (
            _("Handout cancelled — reason: {reason}").format(reason=record.cancel_reason)
            if record.cancel_reason
            else _("Handout cancelled")
        )
        self._alert_box(text)

    def _copy_box(self) -> None:
        """A copy says so where the eye lands first, with the day of the handout it copies."""
        record = self.record
        self._alert_box(
            copy_words(record)
            + " — "
            + _("The original was handed out on {date}.").format(
                date=format_date(record.issued_at.date())
            )
        )

    def _alert_box(self, text: str) -> None:
        c = self.canvas
        lines = _draw.wrap(text, fonts.BOLD, 11, FULL - 8 * mm)[:3]
        height = len(lines) * 14 + 5 * mm
        c.setStrokeColor(_draw.ALERT)
        c.setLineWidth(1.5)
        c.setFillColor(HexColor("#FBEAEA"))
        c.rect(LEFT, self.y - height, FULL, height, stroke=1, fill=1)
        c.setFillColor(_draw.ALERT)
        _draw.draw_lines(c, LEFT + 4 * mm, self.y - 2.5 * mm, lines, fonts.BOLD, 11, 14)
        self.y -= height + 5 * mm

    def _heading(self, text: str) -> None:
        c = self.canvas
        self.room(12 * mm)
        c.setFillColor(_draw.ACCENT)
        _draw.draw_fitted(c, LEFT, self.y - 4 * mm, text, fonts.BOLD, 10.5, FULL)
        c.setStrokeColor(_draw.ACCENT)
        c.setLineWidth(0.5)
        c.line(LEFT, self.y - 5.5 * mm, RIGHT, self.y - 5.5 * mm)
        self.y -= 10 * mm

    def _beneficiary(self) -> None:
        c, record = self.canvas, self.record
        self._heading(_("Beneficiary"))
        c.setFillColor(BLACK)
        # A long name is wrapped, never shrunk or cut: the person signs under their own name.
        for line in _draw.wrap(record.beneficiary_name, fonts.BOLD, NAME_SIZE, FULL):
            c.setFont(fonts.BOLD, NAME_SIZE)
            c.drawString(LEFT, self.y - 1 * mm, line)
            self.y -= 6.5 * mm
        details: list[str] = []
        if record.beneficiary_birth_date:
            details.append(
                _("Born on {date}").format(date=format_date(record.beneficiary_birth_date))
            )
        details.extend(line for line in record.beneficiary_address if line.strip())
        for line in details[:5]:
            _draw.draw_fitted(c, LEFT, self.y - 0.5 * mm, line, fonts.REGULAR, 9.5, FULL)
            self.y -= 4.6 * mm
        self.y -= 3 * mm

    def _funding(self) -> None:
        """Validity and funders per programme: a handout mixing programmes prints each one's
        own dates and shares, which is what each funding agreement says."""
        c, record = self.canvas, self.record
        lines: list[tuple[str, str]] = []
        if len(record.programmes) == 1:
            (programme,) = record.programmes
            if programme.funders:
                funders = funder_list(programme.funders)
                lines.append((fonts.REGULAR, _("Funded by: {funders}").format(funders=funders)))
            lines.append(
                (
                    fonts.BOLD,
                    _("Vouchers valid from {start} to {end}, at the qualified places only.").format(
                        start=format_date(programme.valid_from),
                        end=format_date(programme.valid_until),
                    ),
                )
            )
        else:
            for programme in record.programmes:
                lines.append(
                    (
                        fonts.BOLD,
                        _("{programme}: vouchers valid from {start} to {end}").format(
                            programme=programme.name,
                            start=format_date(programme.valid_from),
                            end=format_date(programme.valid_until),
                        ),
                    )
                )
                if programme.funders:
                    funders = funder_list(programme.funders)
                    lines.append((fonts.REGULAR, _("Funded by: {funders}").format(funders=funders)))
            lines.append((fonts.REGULAR, _("Vouchers are accepted at the qualified places only.")))
        lines.append((fonts.REGULAR, _blocks.rules()))
        c.setFillColor(BLACK)
        for font, text in lines:
            for wrapped in _draw.wrap(text, font, 9, FULL):
                self.room(5 * mm)
                c.setFont(font, 9)
                c.drawString(LEFT, self.y - 3.5 * mm, wrapped)
                self.y -= 4.6 * mm
        self.y -= 3 * mm

    def _override(self) -> None:
        c, record = self.canvas, self.record
        text = _("Exception granted by a supervisor: {reason}").format(
            reason=record.override_reason
        )
        lines = _draw.wrap(text, fonts.REGULAR, 9, FULL - 8 * mm)[:4]
        height = len(lines) * 11.5 + 4 * mm
        self.room(height + 3 * mm)
        c.setFillColor(HexColor("#FFF4D6"))
        c.setStrokeColor(HexColor("#C98A00"))
        c.setLineWidth(0.8)
        c.rect(LEFT, self.y - height, FULL, height, stroke=1, fill=1)
        c.setFillColor(BLACK)
        _draw.draw_lines(c, LEFT + 4 * mm, self.y - 2 * mm, lines, fonts.REGULAR, 9, 11.5)
        self.y -= height + 4 * mm

    def _places(self) -> None:
        """As many places as fit above the notice, nearest first, in two columns."""
        c, record = self.canvas, self.record
        if self.y - 16 * mm < self.limit:  # the heading and one place without its hours
            return
        self._heading(_("Where to use your vouchers"))
        if not record.places:  # the directory is empty: say where to ask, not nothing
            self._ask_the_desk()
            return
        if record.unserved_needs:  # said before the places, so it is not missed
            text = _("No place near you offers: {needs}. Ask the desk where to go.").format(
                needs=", ".join(record.unserved_needs)
            )
            c.setFillColor(_draw.ALERT)
            for line in _draw.wrap(text, fonts.BOLD, 8.5, FULL)[:2]:
                c.setFont(fonts.BOLD, 8.5)
                c.drawString(LEFT, self.y - 3.5 * mm, line)
                self.y -= 4.2 * mm
            self.y -= 1.5 * mm
        lowest = draw_place_columns(c, record.places, LEFT, FULL, self.y, self.limit)
        if lowest == self.y:  # a full page: the places without their hours, or where to ask
            lowest = draw_place_columns(
                c, record.places, LEFT, FULL, self.y, self.limit, details=False
            )
        if lowest == self.y:
            self._ask_the_desk()
            return
        self.y = lowest - 2 * mm

    def _ask_the_desk(self) -> None:
        self.canvas.setFont(fonts.REGULAR, 9.5)
        self.canvas.setFillColor(BLACK)
        text = _("Ask this desk for the list of qualified places near you.")
        self.canvas.drawString(LEFT, self.y - 4 * mm, text)
        self.y -= 9 * mm

    def _bottom(self) -> None:
        """Notice and signature boxes, always at the foot of the copy's last page."""
        c, record = self.canvas, self.record
        top = MARGIN + self.bottom_block
        c.setFillColor(_draw.ACCENT)
        heading = _("Your personal data")
        if record.notice_version is not None:
            heading = _("Your personal data (information notice, version {version})")
        heading = heading.format(version=record.notice_version)
        _draw.draw_fitted(c, LEFT, top - 4 * mm, heading, fonts.BOLD, 8.5, FULL)
        c.setFillColor(_draw.GREY)
        y = _draw.draw_lines(
            c, LEFT, top - 5 * mm, self.notice, fonts.REGULAR, NOTICE_SIZE, NOTICE_LEADING
        )
        y = _draw.draw_lines(c, LEFT, y, self.contact, fonts.BOLD, NOTICE_SIZE, NOTICE_LEADING)
        # What the beneficiary's signature confirms, just above it.
        c.setFillColor(BLACK)
        y = _draw.draw_lines(
            c,
            LEFT,
            y - 3 * mm,
            self.acknowledgement,
            fonts.BOLD,
            ACKNOWLEDGE_SIZE,
            ACKNOWLEDGE_LEADING,
        )
        box_top = y - 1 * mm
        gutter = 8 * mm
        width = (FULL - gutter) / 2
        labels = (
            _("Beneficiary's signature"),
            _("Signature and stamp of the desk ({agent})").format(agent=record.agent_name),
        )
        c.setStrokeColor(_draw.GREY)
        c.setLineWidth(0.6)
        for index, label in enumerate(labels):
            x = LEFT + index * (width + gutter)
            c.rect(x, box_top - SIGNATURE_HEIGHT, width, SIGNATURE_HEIGHT, stroke=1, fill=0)
            c.setFillColor(_draw.GREY)
            lines = _draw.wrap(label, fonts.REGULAR, 8, width - 5 * mm)[:2]
            _draw.draw_lines(c, x + 2.5 * mm, box_top - 1.5 * mm, lines, fonts.REGULAR, 8)


def acknowledgement(record: ReceiptRecord) -> str:
    """The sentence the beneficiary signs: what they received, counted as the table counts."""
    return ngettext(
        "I acknowledge receiving the booklets listed above: {count} voucher, worth {value} in all.",
        "I acknowledge receiving the booklets listed above: {count} vouchers, worth {value} "
        "in all.",
        record.voucher_count,
    ).format(count=record.voucher_count, value=format_money(record.total_value))


def copy_words(record: ReceiptRecord) -> str:
    """ "DUPLICATA — copie du 20/03/2026 à 14:05"."""
    assert record.copy_printed_at is not None
    return _("DUPLICATE — copy made on {moment}").format(
        moment=format_datetime(record.copy_printed_at)
    )
