"""Shared by the printing tests: PDF pages to images (pdftoppm), barcodes back (zxing-cpp), text."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections import Counter
from pathlib import Path

import pytest

DPI = 150

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None,
    reason="pdftoppm/pdftotext missing: apt-get install poppler-utils (CI installs it)",
)


def page_images(
    pdf: Path, first: int | None = None, last: int | None = None, dpi: int = DPI
) -> list:
    """The pages as greyscale PIL images, rendered like a 150 dpi scan."""
    from PIL import Image

    with tempfile.TemporaryDirectory() as folder:
        command = ["pdftoppm", "-r", str(dpi), "-gray", "-png"]
        if first is not None:
            command += ["-f", str(first)]
        if last is not None:
            command += ["-l", str(last)]
        result = subprocess.run(
            [*command, str(pdf), f"{folder}/page"], check=True, capture_output=True, text=True
        )
        assert not result.stderr, f"poppler complains about {pdf.name}: {result.stderr}"
        images = []
        for path in sorted(Path(folder).glob("page-*.png"), key=lambda p: int(p.stem[5:])):
            with Image.open(path) as image:
                images.append(image.copy())
        return images


def decode(image) -> list[str]:
    """Every Code 128 symbol the decoder finds on one page image."""
    import zxingcpp

    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.Code128)
    return [barcode.text for barcode in found]


def decoded_codes(pdf: Path, first: int | None = None, last: int | None = None) -> Counter[str]:
    """How many times each code was decoded over the pages."""
    counts: Counter[str] = Counter()
    for image in page_images(pdf, first, last):
        counts.update(decode(image))
    return counts


def pdf_text(pdf: Path) -> str:
    """The text of the PDF (layout order) with French non-breaking spaces made plain."""
    result = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True
    )
    return plain(result.stdout.decode("utf-8"))


def plain(text: str) -> str:
    return text.replace("\u00a0", " ").replace("\u202f", " ")
