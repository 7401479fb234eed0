"""Booklet PDFs: a cover and barcoded vouchers with stubs, for desks that print their own stock.

A batch of booklets goes into one PDF, booklet after booklet, reading the records as they come
(a generator of 10,000 booklets is never turned into a list). reportlab keeps a document in
memory until it is saved, so the batch is drawn as small documents of a few hundred pages that
`pdfjoin` copies into the output file one after the other: memory stays flat whatever the count.
What every voucher of a programme shares (value, validity, funders, desk, rules) and what every
cover shares (places, free text) is drawn once per piece as a PDF form and stamped on each page,
so a page only adds its codes and barcodes.
"""

from __future__ import annotations

import functools
import io
import itertools
import os
from collections.abc import Callable, Hashable, Iterable
from decimal import Decimal
from typing import BinaryIO, Final

from reportlab.lib.colors import HexColor, white
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from passdesk.documents import _blocks, _draw, fonts
from passdesk.documents.barcode import Code128, code128_height, draw_code128
from passdesk.documents.output import PrintCancelled, atomic_output
from passdesk.documents.pdfjoin import PdfJoiner
from passdesk.documents.records import BookletRecord, PlaceLine, PrintLayout, PrintSummary
from passdesk.errors import InvalidInput
from passdesk.formatting import format_date, format_money, format_percent
from passdesk.i18n import _, ngettext

BRAND: Final = "Pass Numérique"  # the scheme's own name, the same in every language
PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X: Final = 8 * mm
MARGIN_Y: Final = 8 * mm
SLOT_WIDTH: Final = PAGE_WIDTH - 2 * MARGIN_X
STUB_WIDTH: Final = 44 * mm
BODY_LEFT: Final = STUB_WIDTH + 5 * mm
BODY_RIGHT: Final = SLOT_WIDTH - 4 * mm
VOUCHER_BARCODE_ROOM: Final = 90 * mm
VOUCHER_BAR_HEIGHT: Final = 13 * mm
STUB_BAR_HEIGHT: Final = 11 * mm
STUB_TEXT_SIZE: Final = 8.0
COVER_MARGIN: Final = 15 * mm
COVER_BAR_HEIGHT: Final = 15 * mm
COVER_BAND_TOP: Final = 258 * mm
COVER_BARCODE_ROOM: Final = 92 * mm
# pages per reportlab document before it is joined to the output (see pdfjoin)
CHUNK_PAGES: Final = 400

ProgressCallback = Callable[[int, int], None]
CancelCallback = Callable[[], bool]


def slot_height(layout: PrintLayout) -> float:
    """Height of one voucher (stub included): the printable page shared by the vouchers."""
    return (PAGE_HEIGHT - 2 * MARGIN_Y) / layout.vouchers_per_page


def pages_for(voucher_count: int, layout: PrintLayout) -> int:
    """Pages one booklet takes: its cover plus its vouchers, a booklet never sharing a page."""
    return 1 + -(-voucher_count // layout.vouchers_per_page)


def render_booklets(
    records: Iterable[BookletRecord],
    output: str | os.PathLike[str] | BinaryIO,
    layout: PrintLayout | None = None,
    *,
    total_vouchers: int = 0,
    progress: ProgressCallback | None = None,
    cancel: CancelCallback | None = None,
) -> PrintSummary:
    """Print booklets into one PDF; all or nothing at a path (see `atomic_output`).

    `progress(done_vouchers, total_vouchers)` is called after each page (total 0 = unknown, a
    busy bar); `cancel()` is polled before each page and, when true, raises PrintCancelled. Given
    an open binary file instead of a path, the caller owns it and its cleanup.
    """
    layout = layout or PrintLayout()
    iterator = iter(records)
    first = next(iterator, None)
    if first is None:
        raise InvalidInput(_("Nothing to print: no booklet was given."))
    booklets = itertools.chain((first,), iterator)
    if isinstance(output, (str, os.PathLike)):
        with atomic_output(output) as stream:
            return _write_batch(booklets, stream, layout, total_vouchers, progress, cancel)
    return _write_batch(booklets, output, layout, total_vouchers, progress, cancel)


def _write_batch(
    booklets: Iterable[BookletRecord],
    stream: BinaryIO,
    layout: PrintLayout,
    total: int,
    progress: ProgressCallback | None,
    cancel: CancelCallback | None,
) -> PrintSummary:
    """Render the booklets piece by piece (CHUNK_PAGES at a time) and join the pieces."""
    joiner = PdfJoiner(stream)
    chunk: _Chunk | None = None
    done_booklets = done_vouchers = 0
    per_page = layout.vouchers_per_page
    for booklet in booklets:
        if not booklet.vouchers:
            raise InvalidInput(
                _("Booklet {code} has no vouchers to print.").format(code=booklet.booklet_code)
            )
        if cancel is not None and cancel():
            raise PrintCancelled()
        if chunk is None:
            chunk = _Chunk(layout)
        chunk.cover(booklet)
        count = len(booklet.vouchers)
        for start in range(0, count, per_page):
            if cancel is not None and cancel():
                raise PrintCancelled()
            chunk.voucher_page(booklet, start, min(start + per_page, count))
            done_vouchers += min(per_page, count - start)
            if progress is not None:
                progress(done_vouchers, total)
        done_booklets += 1
        if chunk.pages >= CHUNK_PAGES:
            joiner.add(chunk.finish())
            chunk = None
    if chunk is not None:
        joiner.add(chunk.finish())
    joiner.finish()
    return PrintSummary(booklets=done_booklets, vouchers=done_vouchers, pages=joiner.page_count)


class _Chunk:
    """One small reportlab document of the batch, with the forms already defined in it."""

    def __init__(self, layout: PrintLayout) -> None:
        fonts.register_fonts()
        self.layout = layout
        self.slot_height = slot_height(layout)
        self.buffer = io.BytesIO()
        self.canvas = Canvas(self.buffer, pagesize=A4, pageCompression=1, invariant=1)
        self.canvas.setTitle(_("Pass Numérique booklets"))
        self.canvas.setAuthor("PassDesk")
        self.canvas.setCreator("PassDesk")
        self.pages = 0
        self._forms: dict[Hashable, str] = {}
        self._logos = _draw.LogoCache()

    def finish(self) -> bytes:
        self.canvas.save()
        return self.buffer.getvalue()

    # -- forms -----------------------------------------------------------------------------

    def _form(
        self, key: Hashable, width: float, height: float, draw: Callable[[Canvas], None]
    ) -> str:
        """The name of the form for `key`, drawing it the first time it is needed."""
        name = self._forms.get(key)
        if name is None:
            name = f"PD{len(self._forms)}"
            self.canvas.beginForm(name, 0, 0, width, height)
            draw(self.canvas)
            self.canvas.endForm()
            self._forms[key] = name
        return name

    # -- cover -----------------------------------------------------------------------------

    def cover(self, booklet: BookletRecord) -> None:
        c = self.canvas
        key = (
            "cover",
            booklet.programme_code,
            booklet.programme_name,
            booklet.face_value,
            len(booklet.vouchers),
            booklet.total_value,
            booklet.valid_from,
            booklet.valid_until,
            booklet.funders,
            booklet.desk,
            booklet.places,
            booklet.cover_text,
            booklet.duplicate,
        )
        c.doForm(
            self._form(
                key, PAGE_WIDTH, PAGE_HEIGHT, lambda canvas: self._cover_background(canvas, booklet)
            )
        )
        if booklet.duplicate:  # over the background, under the barcode's white quiet zones
            _draw.watermark(
                c,
                _("DUPLICATE"),
                PAGE_WIDTH / 2,
                PAGE_HEIGHT / 2,
                PAGE_WIDTH,
                PAGE_HEIGHT,
                alpha=0.15,
                over_content=True,
            )
        left, right = COVER_MARGIN, PAGE_WIDTH - COVER_MARGIN
        top = PAGE_HEIGHT - COVER_MARGIN
        c.setFillColor(_draw.ACCENT)
        _draw.draw_fitted(
            c,
            right,
            top - 5 * mm,
            _("Booklet no. {number}").format(number=booklet.booklet_number),
            fonts.BOLD,
            13,
            50 * mm,
            align="right",
        )
        symbol = Code128.of(booklet.booklet_code)
        module = symbol.module_to_fit(COVER_BARCODE_ROOM)
        height = code128_height(COVER_BAR_HEIGHT, 10)
        info = _cover_info_top(booklet)
        draw_code128(
            c,
            symbol,
            right - symbol.width(module),
            info - 2 * mm - height,
            bar_height=COVER_BAR_HEIGHT,
            module=module,
            text_size=10,
        )
        if booklet.beneficiary_name:
            c.setFillColor(_draw.ACCENT)
            _draw.draw_fitted(
                c,
                left,
                info - 27.5 * mm,
                _("Booklet of: {name}").format(name=booklet.beneficiary_name),
                fonts.BOLD,
                11,
                right - left,
                min_size=7,
            )
        c.showPage()
        self.pages += 1

    def _cover_background(self, c: Canvas, booklet: BookletRecord) -> None:
        left, right = COVER_MARGIN, PAGE_WIDTH - COVER_MARGIN
        top = PAGE_HEIGHT - COVER_MARGIN
        full = right - left
        if booklet.duplicate:
            c.setFillColor(_draw.ALERT)
            _draw.draw_fitted(
                c, right, top - 11 * mm, _("DUPLICATE"), fonts.BOLD, 13, 50 * mm, align="right"
            )
        _blocks.draw_letterhead(
            c,
            booklet.desk,
            self._logos.get(booklet.desk.logo_png),
            left,
            top,
            full - 55 * mm,
            top - COVER_BAND_TOP - 2 * mm,
        )

        programme, band_height = _cover_band(booklet)
        band_top = COVER_BAND_TOP
        c.setFillColor(_draw.ACCENT)
        c.roundRect(left, band_top - band_height, full, band_height, 3 * mm, stroke=0, fill=1)
        c.setFillColor(white)
        _draw.draw_fitted(
            c, left + 8 * mm, band_top - 12 * mm, BRAND, fonts.BOLD, 26, full - 16 * mm
        )
        c.setFont(fonts.REGULAR, 14)
        for index, line in enumerate(programme):
            c.drawString(left + 8 * mm, band_top - (21 + 6 * index) * mm, line)
        info = _cover_info_top(booklet)

        column = full - COVER_BARCODE_ROOM - 4 * mm
        count = len(booklet.vouchers)
        c.setFillColor(_draw.ACCENT)
        _draw.draw_fitted(
            c,
            left,
            info - 8 * mm,
            ngettext("{count} voucher of {value}", "{count} vouchers of {value}", count).format(
                count=count, value=format_money(booklet.face_value)
            ),
            fonts.BOLD,
            16,
            column,
        )
        c.setFillColor(HexColor("#000000"))
        _draw.draw_fitted(
            c,
            left,
            info - 14.5 * mm,
            _("Total value: {value}").format(value=format_money(booklet.total_value)),
            fonts.REGULAR,
            11,
            column,
        )
        _draw.draw_fitted(c, left, info - 20.5 * mm, _validity(booklet), fonts.BOLD, 10.5, column)
        c.setFillColor(_draw.GREY)
        _draw.draw_fitted(
            c,
            right,
            info - 0.5 * mm,
            _("Booklet code"),
            fonts.REGULAR,
            7.5,
            COVER_BARCODE_ROOM,
            align="right",
        )

        c.setStrokeColor(_draw.ACCENT)
        c.setLineWidth(0.8)
        c.line(left, info - 33 * mm, right, info - 33 * mm)
        y = self._funders_block(c, booklet, left, info - 36 * mm, full)
        y = self._cover_text_block(c, booklet.cover_text, left, y - 4 * mm, full)
        self._places_block(c, booklet.places, left, y - 5 * mm, full, 24 * mm)

        c.setStrokeColor(_draw.LIGHT_GREY)
        c.setLineWidth(0.5)
        c.line(left, 20 * mm, right, 20 * mm)
        c.setFillColor(HexColor("#000000"))
        _draw.draw_fitted(
            c, PAGE_WIDTH / 2, 15.5 * mm, _rules(), fonts.BOLD, 8.5, full, align="center"
        )
        c.setFillColor(_draw.GREY)
        _draw.draw_fitted(
            c,
            PAGE_WIDTH / 2,
            11.5 * mm,
            _("Each voucher comes off its stub, which the desk or the place keeps."),
            fonts.REGULAR,
            7.5,
            full,
            align="center",
        )

    def _funders_block(
        self, c: Canvas, booklet: BookletRecord, left: float, top: float, full: float
    ) -> float:
        if not booklet.funders:
            return top
        c.setFillColor(_draw.ACCENT)
        _draw.draw_fitted(c, left, top - 4 * mm, _("Funded by"), fonts.BOLD, 10.5, full)
        c.setFillColor(HexColor("#000000"))
        funders = booklet.funders
        columns = 1 if len(funders) <= 4 else 2
        rows = -(-len(funders) // columns)
        width = (full - 6 * mm * (columns - 1)) / columns
        for index, funder in enumerate(funders):
            column, row = divmod(index, rows)
            text = f"{funder.name} — {format_percent(funder.percent)}"
            _draw.draw_fitted(
                c,
                left + column * (width + 6 * mm),
                top - (9 + 5 * row) * mm,
                text,
                fonts.REGULAR,
                9.5,
                width,
                min_size=7,
            )
        return top - (9 + 5 * (rows - 1)) * mm - 1.5 * mm

    def _cover_text_block(
        self, c: Canvas, text: str, left: float, top: float, full: float
    ) -> float:
        if not text.strip():
            return top
        size, leading, pad = 9.5, 12.5, 4 * mm
        lines = _draw.wrap(text, fonts.REGULAR, size, full - 2 * pad)
        if len(lines) > 9:
            lines = lines[:8] + [
                _draw.fit(
                    lines[8] + " " + _draw.ELLIPSIS, fonts.REGULAR, size, full - 2 * pad, size
                )[0]
            ]
        height = len(lines) * leading + 2 * pad
        c.setFillColor(_draw.ACCENT_LIGHT)
        c.roundRect(left, top - height, full, height, 2 * mm, stroke=0, fill=1)
        c.setFillColor(HexColor("#000000"))
        _draw.draw_lines(c, left + pad, top - pad, lines, fonts.REGULAR, size, leading)
        return top - height

    def _places_block(
        self,
        c: Canvas,
        places: tuple[PlaceLine, ...],
        left: float,
        top: float,
        full: float,
        bottom: float,
    ) -> None:
        if not places:
            return
        c.setFillColor(_draw.ACCENT)
        _draw.draw_fitted(c, left, top - 5 * mm, _("Where to use this pass"), fonts.BOLD, 13, full)
        c.setFillColor(_draw.GREY)
        _draw.draw_fitted(
            c,
            left,
            top - 9.5 * mm,
            _("Qualified places that accept these vouchers"),
            fonts.REGULAR,
            8,
            full,
        )
        gutter = 6 * mm
        column_width = (full - gutter) / 2
        column_top = top - 12 * mm
        note_room = 5 * mm
        columns = [left, left + column_width + gutter]
        column, y = 0, column_top
        shown = 0
        for place in places:
            block = _blocks.place_block(place, column_width)
            needed = _blocks.block_height(block)
            limit = bottom + (note_room if shown < len(places) - 1 else 0)
            if y - needed < limit:
                if column == 0:
                    column, y = 1, column_top
                if y - needed < limit:
                    break
            _blocks.draw_block(c, block, columns[column], y)
            y -= needed + 2.5 * mm
            shown += 1
        hidden = len(places) - shown
        if hidden:
            c.setFillColor(_draw.GREY)
            _draw.draw_fitted(
                c,
                left,
                bottom + 1 * mm,
                ngettext(
                    "… and {count} other place: ask the desk for the full list.",
                    "… and {count} other places: ask the desk for the full list.",
                    hidden,
                ).format(count=hidden),
                fonts.REGULAR,
                8,
                full,
            )

    # -- vouchers --------------------------------------------------------------------------

    def voucher_page(self, booklet: BookletRecord, start: int, stop: int) -> None:
        c = self.canvas
        height = self.slot_height
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
            form = self._form(
                key,
                SLOT_WIDTH,
                height,
                lambda canvas, v=voucher: self._voucher_background(
                    canvas, booklet, v.face_value, height
                ),
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
            self._voucher_variable(c, booklet, voucher.code, voucher.number, count, height)
            c.restoreState()
        if self.layout.cut_marks:
            used = stop - start
            _draw.cut_marks(
                c,
                (MARGIN_X, MARGIN_X + SLOT_WIDTH),
                [top - i * height for i in range(used + 1)],
                (MARGIN_X, top - used * height, MARGIN_X + SLOT_WIDTH, top),
                length=4 * mm,
                gap=1 * mm,
            )
        c.showPage()
        self.pages += 1

    def _voucher_variable(
        self, c: Canvas, booklet: BookletRecord, code: str, number: int, count: int, height: float
    ) -> None:
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
        middle = _voucher_middle(booklet, height)
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
                    _lines(named, fonts.BOLD, 8, _value_column(), 2),
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
        _draw.draw_fitted(
            c, column, height - 34 * mm, booklet_no, fonts.REGULAR, 7, room, min_size=5
        )
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

    def _voucher_background(
        self, c: Canvas, booklet: BookletRecord, face_value: Decimal, height: float
    ) -> None:
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
        _draw.draw_fitted(
            c, column, height - 25 * mm, format_money(face_value), fonts.BOLD, 12, room
        )
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
        for index, line in enumerate(_voucher_programme(booklet)):
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
        rule = _voucher_rule(booklet, height)
        c.line(BODY_LEFT, rule, BODY_RIGHT, rule)

        # middle band: the value, large, and the validity (the barcode is added per voucher)
        middle = _voucher_middle(booklet, height)
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
        _draw.draw_fitted(c, BODY_LEFT, 4.5 * mm, _rules(), fonts.BOLD, 7.5, body)


# -- texts -----------------------------------------------------------------------------------


def _rules() -> str:
    return _("Not exchangeable, not refundable, no change given.")


def _validity(booklet: BookletRecord) -> str:
    return _("Valid from {start} to {end}").format(
        start=format_date(booklet.valid_from), end=format_date(booklet.valid_until)
    )


def _value_column() -> float:
    return BODY_RIGHT - BODY_LEFT - VOUCHER_BARCODE_ROOM - 4 * mm


@functools.lru_cache(maxsize=512)
def _lines(text: str, font: str, size: float, width: float, most: int) -> tuple[str, ...]:
    """`text` wrapped to `width`, at most `most` lines (the last one cut with "…")."""
    lines = _draw.wrap(text, font, size, width)
    if len(lines) > most:
        lines = lines[: most - 1] + [
            _draw.fit(" ".join(lines[most - 1 :]) + _draw.ELLIPSIS, font, size, width, size)[0]
        ]
    return tuple(lines)


def _cover_band(booklet: BookletRecord) -> tuple[tuple[str, ...], float]:
    """The programme name's lines in the cover's band, and the band's height."""
    lines = _lines(
        booklet.programme_name, fonts.REGULAR, 14, PAGE_WIDTH - 2 * COVER_MARGIN - 16 * mm, 2
    )
    return lines, (26 if len(lines) < 2 else 32) * mm


def _cover_info_top(booklet: BookletRecord) -> float:
    return COVER_BAND_TOP - _cover_band(booklet)[1] - 6 * mm


def _voucher_programme(booklet: BookletRecord) -> tuple[str, ...]:
    room = BODY_RIGHT - BODY_LEFT - (32 * mm if booklet.duplicate else 0)
    return _lines(booklet.programme_name, fonts.BOLD, 11.5, room, 2)


def _voucher_rule(booklet: BookletRecord, height: float) -> float:
    """Where the line under the programme's name runs: one or two lines of name above it."""
    return height - (16 if len(_voucher_programme(booklet)) < 2 else 20.5) * mm


def _voucher_middle(booklet: BookletRecord, height: float) -> float:
    return (17 * mm + _voucher_rule(booklet, height)) / 2
