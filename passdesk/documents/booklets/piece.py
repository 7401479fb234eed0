"""One piece of a booklet batch: a small reportlab document, with its forms drawn once in it.

What every voucher of a programme shares (value, validity, funders, desk, rules) and what every
cover shares (places, free text) is drawn once per piece as a PDF form and stamped on each page,
so a page only adds its codes and barcodes. Covers and vouchers share one form table, so the
forms are numbered in the order the pages first ask for them.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Hashable

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from passdesk.documents import _draw, fonts
from passdesk.documents.booklets.layout import slot_height
from passdesk.documents.records import PrintLayout
from passdesk.i18n import _


class Piece:
    """A reportlab document of a few hundred pages; `finish()` gives its bytes to the joiner."""

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
        self.logos = _draw.LogoCache()
        self._forms: dict[Hashable, str] = {}

    def form(
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

    def end_page(self) -> None:
        self.canvas.showPage()
        self.pages += 1

    def finish(self) -> bytes:
        self.canvas.save()
        return self.buffer.getvalue()
