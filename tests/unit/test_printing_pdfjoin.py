"""Joining reportlab documents into one PDF, as batch printing does to keep memory flat."""

from __future__ import annotations

import io

import pypdf
import pytest
from reportlab.pdfgen.canvas import Canvas

from passdesk.documents.pdfjoin import PdfJoiner


def document(*labels: str, image: bool = False) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, invariant=1)
    canvas.setTitle("first" if labels[0] == "a1" else "other")
    for label in labels:
        canvas.drawString(100, 700, f"page {label}")
        if image:
            from PIL import Image

            picture = io.BytesIO()
            Image.new("RGB", (4, 4), (200, 10, 10)).save(picture, format="PNG")
            picture.seek(0)
            from reportlab.lib.utils import ImageReader

            canvas.drawImage(ImageReader(picture), 100, 600, 20, 20)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def test_pages_follow_each_other_in_order() -> None:
    out = io.BytesIO()
    joiner = PdfJoiner(out)
    joiner.add(document("a1", "a2"))
    joiner.add(document("b1", image=True))
    joiner.add(document("c1", "c2", "c3"))
    joiner.finish()
    assert joiner.page_count == 6
    reader = pypdf.PdfReader(io.BytesIO(out.getvalue()), strict=True)
    texts = [page.extract_text().strip() for page in reader.pages]
    assert texts == ["page a1", "page a2", "page b1", "page c1", "page c2", "page c3"]
    assert reader.metadata is not None and reader.metadata.title == "first"
    assert "/XObject" in reader.pages[2]["/Resources"]


def test_not_a_reportlab_pdf_is_refused() -> None:
    with pytest.raises(ValueError):
        PdfJoiner(io.BytesIO()).add(b"%PDF-1.4\nhello\n")


def test_finish_without_pages_is_refused() -> None:
    with pytest.raises(ValueError):
        PdfJoiner(io.BytesIO()).finish()
