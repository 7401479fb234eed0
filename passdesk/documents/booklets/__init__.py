"""Booklet PDFs: a cover and barcoded vouchers with stubs, for desks that print their own stock.

`batch` writes a batch into one PDF (pieces joined as they come, progress, cancel), drawing each
page with `cover` and `voucher`; `layout` holds the geometry they share and `piece` the small
reportlab document they draw into.
"""

from passdesk.documents.booklets.batch import pages_for, render_booklets
from passdesk.documents.booklets.layout import slot_height

__all__ = ["pages_for", "render_booklets", "slot_height"]
