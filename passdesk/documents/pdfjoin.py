"""Joining PDFs written by reportlab into one file as they come, so a batch's memory stays flat.

reportlab holds a whole document in memory until `save()` (every page, then the complete file
as one bytes object), so a print of 10,000 booklets cannot be one reportlab document. The batch
is rendered as small documents instead, and each is copied here, object by object, into the
output file; only the object offsets (a few integers per page) stay in memory. The pieces'
page trees hang under one root page tree, as PDF allows, so no page object is rewritten beyond
its object numbers.

This reads only what reportlab writes (a classic xref table, one indirect object after the
other, `/Length` given directly); anything else is refused with ValueError rather than guessed.
"""

from __future__ import annotations

import re
from typing import BinaryIO

_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")
_XREF_ENTRY = re.compile(rb"(\d{10}) (\d{5}) ([nf])")
_REFERENCE = re.compile(rb"(?<![\d.])(\d+) 0 R(?![A-Za-z0-9])")
_ROOT = re.compile(rb"/Root (\d+) 0 R")
_INFO = re.compile(rb"/Info (\d+) 0 R")
_PAGES = re.compile(rb"/Pages (\d+) 0 R")
_COUNT = re.compile(rb"/Count (\d+)")
_STREAM = b"\nstream\n"

_ROOT_PAGES = 1
_CATALOG = 2


class PdfJoiner:
    """Appends whole reportlab PDFs to `out`; `finish()` writes the page tree, xref and trailer."""

    def __init__(self, out: BinaryIO) -> None:
        self._out = out
        self._written = 0
        self._offsets: dict[int, int] = {}
        self._next_number = _CATALOG + 1
        self._kids: list[int] = []
        self._page_count = 0
        self._info: int | None = None
        self._started = False

    @property
    def page_count(self) -> int:
        return self._page_count

    def _write(self, data: bytes) -> None:
        self._out.write(data)
        self._written += len(data)

    def _write_object(self, number: int, body: bytes) -> None:
        self._offsets[number] = self._written
        self._write(b"%d 0 obj\n" % number + body)

    def add(self, pdf: bytes) -> None:
        """Copy every page of `pdf` (a complete reportlab document) after those already added."""
        if not self._started:
            header_end = pdf.index(b"\n", pdf.index(b"\n") + 1) + 1
            self._write(pdf[:header_end])
            self._started = True
        objects, trailer = _read_objects(pdf)
        root = _number(_ROOT, trailer, "/Root")
        info = _number(_INFO, trailer, "/Info")
        pages = _number(_PAGES, _dictionary(objects[root]), "/Pages")
        pages_body = _dictionary(objects[pages])
        count = _COUNT.search(pages_body)
        if count is None:
            raise ValueError("page tree without /Count")
        keep_info = self._info is None
        renumbered: dict[int, int] = {}
        for old in sorted(objects):
            if old == root or (old == info and not keep_info):
                continue
            renumbered[old] = self._next_number
            self._next_number += 1

        def replace(match: re.Match[bytes]) -> bytes:
            return b"%d 0 R" % renumbered[int(match.group(1))]

        for old, new in renumbered.items():
            body = objects[old]
            if old == info:
                self._write_object(new, body)  # strings only: nothing to renumber
                continue
            split = body.find(_STREAM)
            head, tail = (body, b"") if split < 0 else (body[:split], body[split:])
            try:
                head = _REFERENCE.sub(replace, head)
            except KeyError as error:
                raise ValueError(f"reference to a missing object {error}") from error
            if old == pages:
                head = head.replace(b"<<", b"<<\n/Parent %d 0 R" % _ROOT_PAGES, 1)
            self._write_object(new, head + tail)
        if keep_info:
            self._info = renumbered[info]
        self._kids.append(renumbered[pages])
        self._page_count += int(count.group(1))

    def finish(self) -> None:
        """Write the root page tree, the catalogue, the xref table and the trailer."""
        if not self._started:
            raise ValueError("no PDF was added")
        kids = b" ".join(b"%d 0 R" % kid for kid in self._kids)
        self._write_object(
            _ROOT_PAGES,
            b"<<\n/Count %d /Kids [ %s ] /Type /Pages\n>>\nendobj\n" % (self._page_count, kids),
        )
        self._write_object(
            _CATALOG,
            b"<<\n/PageMode /UseNone /Pages %d 0 R /Type /Catalog\n>>\nendobj\n" % _ROOT_PAGES,
        )
        size = self._next_number
        xref_at = self._written
        lines = [b"xref\n0 %d\n0000000000 65535 f \n" % size]
        lines.extend(b"%010d 00000 n \n" % self._offsets[number] for number in range(1, size))
        self._write(b"".join(lines))
        info = b"/Info %d 0 R " % self._info if self._info is not None else b""
        self._write(
            b"trailer\n<<\n%s/Root %d 0 R /Size %d\n>>\nstartxref\n%d\n%%%%EOF\n"
            % (info, _CATALOG, size, xref_at)
        )


def _number(pattern: re.Pattern[bytes], text: bytes, what: str) -> int:
    match = pattern.search(text)
    if match is None:
        raise ValueError(f"no {what} in the PDF")
    return int(match.group(1))


def _dictionary(body: bytes) -> bytes:
    split = body.find(_STREAM)
    return body if split < 0 else body[:split]


def _read_objects(pdf: bytes) -> tuple[dict[int, bytes], bytes]:
    """Object number -> bytes after "N 0 obj\\n" up to the next object; and the trailer."""
    end = _STARTXREF.search(pdf[-64:])
    if end is None:
        raise ValueError("not a PDF written by reportlab (no startxref)")
    xref_at = int(end.group(1))
    trailer_at = pdf.index(b"trailer", xref_at)
    section = pdf[xref_at:trailer_at]
    if not section.startswith(b"xref\n0 "):
        raise ValueError("unexpected xref table")
    offsets = {
        number: int(offset)
        for number, (offset, _generation, kind) in enumerate(_XREF_ENTRY.findall(section))
        if kind == b"n"
    }
    ordered = sorted(offsets.items(), key=lambda item: item[1])
    objects: dict[int, bytes] = {}
    for index, (number, offset) in enumerate(ordered):
        stop = ordered[index + 1][1] if index + 1 < len(ordered) else xref_at
        header = b"%d 0 obj\n" % number
        if not pdf.startswith(header, offset):
            raise ValueError(f"object {number} is not where the xref table says")
        objects[number] = pdf[offset + len(header) : stop]
    return objects, pdf[trailer_at:]
