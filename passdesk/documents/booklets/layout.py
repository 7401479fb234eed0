"""Where things sit on a booklet's A4 pages, and the texts that covers and vouchers both print.

The cover, the voucher pages and the barcode tests all measure against these numbers; keeping
them in one place is what lets a voucher barcode be checked to fit before a page is drawn.
"""

from __future__ import annotations

import functools
from typing import Final

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from passdesk.documents import _draw
from passdesk.documents.records import PrintLayout
from passdesk.i18n import _

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


def slot_height(layout: PrintLayout) -> float:
    """Height of one voucher (stub included): the printable page shared by the vouchers."""
    return (PAGE_HEIGHT - 2 * MARGIN_Y) / layout.vouchers_per_page


def rules() -> str:
    return _("Not exchangeable, not refundable, no change given.")


@functools.lru_cache(maxsize=512)
def wrapped(text: str, font: str, size: float, width: float, most: int) -> tuple[str, ...]:
    """`text` wrapped to `width`, at most `most` lines (the last one cut with "…")."""
    lines = _draw.wrap(text, font, size, width)
    if len(lines) > most:
        lines = lines[: most - 1] + [
            _draw.fit(" ".join(lines[most - 1 :]) + _draw.ELLIPSIS, font, size, width, size)[0]
        ]
    return tuple(lines)
