"""Printing: plain records in, PDF out (booklets with barcoded vouchers, handout receipts).

Services gather a `BookletRecord` or `ReceiptRecord`; the renderers here are the only reportlab
code and never see the database or Qt.
"""

from passdesk.documents.booklets import pages_for, render_booklets
from passdesk.documents.output import PrintCancelled
from passdesk.documents.receipt import render_receipt
from passdesk.documents.records import (
    BookletRecord,
    DeskLine,
    FunderShareLine,
    PlaceLine,
    PrintLayout,
    PrintSummary,
    ReceiptBookletLine,
    ReceiptProgrammeLine,
    ReceiptRecord,
    VoidedLine,
    VoucherRecord,
)

__all__ = [
    "BookletRecord",
    "DeskLine",
    "FunderShareLine",
    "PlaceLine",
    "PrintCancelled",
    "PrintLayout",
    "PrintSummary",
    "ReceiptBookletLine",
    "ReceiptProgrammeLine",
    "ReceiptRecord",
    "VoidedLine",
    "VoucherRecord",
    "pages_for",
    "render_booklets",
    "render_receipt",
]
