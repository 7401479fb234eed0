"""A batch of booklets into one PDF: drawn piece by piece, joined as it goes, with progress.

A batch goes into one PDF, booklet after booklet, reading the records as they come (a generator
of 10,000 booklets is never turned into a list). reportlab keeps a document in memory until it
is saved, so the batch is drawn as small pieces of a few hundred pages that `pdfjoin` copies
into the output file one after the other: memory stays flat whatever the count.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterable
from typing import BinaryIO, Final

from passdesk.documents.booklets.cover import draw_cover
from passdesk.documents.booklets.layout import page_slices
from passdesk.documents.booklets.piece import Piece
from passdesk.documents.booklets.voucher import draw_voucher_page
from passdesk.documents.output import PrintCancelled, atomic_output
from passdesk.documents.pdfjoin import PdfJoiner
from passdesk.documents.records import BookletRecord, PrintLayout, PrintSummary
from passdesk.errors import InvalidInput
from passdesk.i18n import _

# pages per reportlab document before it is joined to the output (see pdfjoin)
CHUNK_PAGES: Final = 400

ProgressCallback = Callable[[int, int], None]
CancelCallback = Callable[[], bool]


def pages_for(voucher_count: int, layout: PrintLayout) -> int:
    """Pages one booklet takes: its cover plus its vouchers, a booklet never sharing a page."""
    return 1 + len(page_slices(voucher_count, layout.vouchers_per_page))


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
    piece: Piece | None = None
    done_booklets = done_vouchers = 0
    per_page = layout.vouchers_per_page
    for booklet in booklets:
        if not booklet.vouchers:
            raise InvalidInput(
                _("Booklet {code} has no vouchers to print.").format(code=booklet.booklet_code)
            )
        if cancel is not None and cancel():
            raise PrintCancelled()
        if piece is None:
            piece = Piece(layout)
        draw_cover(piece, booklet)
        for start, stop in page_slices(len(booklet.vouchers), per_page):
            if cancel is not None and cancel():
                raise PrintCancelled()
            draw_voucher_page(piece, booklet, start, stop)
            done_vouchers += stop - start
            if progress is not None:
                progress(done_vouchers, total)
        done_booklets += 1
        if piece.pages >= CHUNK_PAGES:
            joiner.add(piece.finish())
            piece = None
    if piece is not None:
        joiner.add(piece.finish())
    joiner.finish()
    return PrintSummary(booklets=done_booklets, vouchers=done_vouchers, pages=joiner.page_count)
