"""Printing: plain records in, PDF out (booklets with barcoded vouchers, handout receipts).

Services gather a `BookletRecord` or `ReceiptRecord`; the renderers here are the only reportlab
code and never see the database or Qt.
"""

from passdesk.printing.booklet import pages_for, render_booklets
from passdesk.printing.output import PrintCancelled
from passdesk.printing.receipt import DEFAULT_NOTICE, default_notice, render_receipt
from passdesk.printing.records import (
    BookletRecord,
    DeskLine,
    FunderShareLine,
    PlaceLine,
    PrintLayout,
    PrintSummary,
    ReceiptBookletLine,
    ReceiptRecord,
    VoucherRecord,
)

__all__ = [
    "DEFAULT_NOTICE",
    "BookletRecord",
    "DeskLine",
    "FunderShareLine",
    "PlaceLine",
    "PrintCancelled",
    "PrintLayout",
    "PrintSummary",
    "ReceiptBookletLine",
    "ReceiptRecord",
    "VoucherRecord",
    "default_notice",
    "pages_for",
    "render_booklets",
    "render_receipt",
]
