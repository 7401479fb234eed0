"""Where things sit on a booklet's A4 pages, and how a booklet's vouchers share its pages.

The cover, the voucher pages and the barcode tests all measure against these numbers; keeping
them in one place is what lets a voucher barcode be checked to fit before a page is drawn.

A voucher is a slot across the page: its stub on top (the code across it, with the date and
place the holder notes), then the voucher the place tears off along the dotted line, stamps,
signs and sends to be reimbursed. Both barcodes run across, so a slot is as short as its
content allows (70 mm: four per A4).
"""

from __future__ import annotations

import functools
from typing import Final

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from passdesk.documents import _draw
from passdesk.documents.records import PrintLayout

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X: Final = 8 * mm
MARGIN_Y: Final = 8 * mm
SLOT_WIDTH: Final = PAGE_WIDTH - 2 * MARGIN_X
# the stub: a strip on top of the slot
STUB_HEIGHT: Final = 18 * mm
STUB_BAR_HEIGHT: Final = 8 * mm
STUB_TEXT_SIZE: Final = 7.0
# the voucher, under the stub: value | barcode | the place's stamp
BODY_LEFT: Final = 4 * mm
BODY_RIGHT: Final = SLOT_WIDTH - 4 * mm
# The stub's code starts at the left edge, well left of the voucher's: a decoder reading a
# whole page (a scanned sheet) takes two identical codes straight above each other for one.
STUB_BARCODE_LEFT: Final = BODY_LEFT
# A 19-character code at the full 1/75 inch module with its quiet zones: 85.7 mm.
STUB_BARCODE_ROOM: Final = 86 * mm
STUB_INFO_LEFT: Final = STUB_BARCODE_LEFT + STUB_BARCODE_ROOM + 4 * mm
VALUE_COLUMN: Final = 48 * mm
VOUCHER_BARCODE_LEFT: Final = BODY_LEFT + VALUE_COLUMN + 3 * mm
VOUCHER_BARCODE_ROOM: Final = 86 * mm
VOUCHER_BAR_HEIGHT: Final = 11 * mm
STAMP_LEFT: Final = VOUCHER_BARCODE_LEFT + VOUCHER_BARCODE_ROOM + 3 * mm
STAMP_MAX_HEIGHT: Final = 34 * mm
STUB_INFO_WIDTH: Final = STAMP_LEFT - 4 * mm - STUB_INFO_LEFT
COVER_MARGIN: Final = 15 * mm
COVER_BAR_HEIGHT: Final = 15 * mm
COVER_BAND_TOP: Final = 258 * mm
COVER_BARCODE_ROOM: Final = 92 * mm


def slot_height(layout: PrintLayout) -> float:
    """Height of one voucher (stub included): the printable page shared by the vouchers."""
    return (PAGE_HEIGHT - 2 * MARGIN_Y) / layout.vouchers_per_page


def page_slices(count: int, per_page: int) -> list[tuple[int, int]]:
    """The (start, stop) of each page's vouchers: as few pages as the layout allows, shared
    evenly, so that no page carries a lone voucher when the booklet could spread (10 at 4 a
    page: 4, 3, 3 rather than 4, 4, 2; at 3 a page: 3, 3, 2, 2 rather than 3, 3, 3, 1)."""
    if count <= 0:
        return []
    pages = -(-count // per_page)
    base, extra = divmod(count, pages)
    slices, start = [], 0
    for page in range(pages):
        stop = start + base + (1 if page < extra else 0)
        slices.append((start, stop))
        start = stop
    return slices


@functools.lru_cache(maxsize=512)
def wrapped(text: str, font: str, size: float, width: float, most: int) -> tuple[str, ...]:
    """`text` wrapped to `width`, at most `most` lines (the last one cut with "…")."""
    lines = _draw.wrap(text, font, size, width)
    if len(lines) > most:
        lines = lines[: most - 1] + [
            _draw.fit(" ".join(lines[most - 1 :]) + _draw.ELLIPSIS, font, size, width, size)[0]
        ]
    return tuple(lines)
