"""Booklet PDFs: every barcode scans back to exactly its code, pages add up, nothing half-written."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pypdf
import pytest
from printing_pages import decoded_codes, needs_poppler, pdf_text, plain

from passdesk.documents import (
    BookletRecord,
    PrintCancelled,
    PrintLayout,
    pages_for,
    render_booklets,
)
from passdesk.documents.booklets import batch
from passdesk.documents.samples import sample_booklet, sample_desk
from passdesk.errors import InvalidInput, Refused


def expected_codes(*records: BookletRecord) -> Counter[str]:
    """Each cover barcode once; each voucher code twice (the voucher and its stub)."""
    expected: Counter[str] = Counter()
    for record in records:
        expected[record.booklet_code] += 1
        for voucher in record.vouchers:
            expected[voucher.code] += 2
    return expected


def page_count(path: Path) -> int:
    return len(pypdf.PdfReader(path).pages)


def leftovers(folder: Path) -> list[str]:
    """What is in the folder, apart from the isolated PassDesk home the fixtures put there."""
    return sorted(p.name for p in folder.iterdir() if p.name != "passdesk-home")


@needs_poppler
def test_every_barcode_decodes_to_its_code_none_missing_none_extra(tmp_path: Path) -> None:
    records = (
        sample_booklet(12, 10, beneficiary_name="Nguyễn Thị Hà"),
        sample_booklet(13, 10, duplicate=True),
    )
    path = tmp_path / "booklets.pdf"
    summary = render_booklets(records, path)
    # each booklet: a cover and 3 pages of vouchers (4, 3, 3), every voucher under its stub
    assert (summary.booklets, summary.vouchers, summary.pages) == (2, 20, 8)
    assert page_count(path) == 8
    assert decoded_codes(path) == expected_codes(*records)


@needs_poppler
@pytest.mark.parametrize("per_page", [1, 2, 3, 4])
def test_each_layout_scans_and_has_the_expected_pages(tmp_path: Path, per_page: int) -> None:
    record = sample_booklet(7, 4)
    path = tmp_path / f"layout{per_page}.pdf"
    summary = render_booklets([record], path, PrintLayout(per_page))
    assert summary.pages == page_count(path) == pages_for(4, PrintLayout(per_page))
    assert decoded_codes(path) == expected_codes(record)


@needs_poppler
def test_nineteen_character_codes_scan_too(tmp_path: Path) -> None:
    record = sample_booklet(123456, 3, programme_code="ABCDEFGH", places=())
    assert len(record.vouchers[0].code) == 19
    path = tmp_path / "long.pdf"
    render_booklets([record], path)
    assert decoded_codes(path) == expected_codes(record)


@pytest.mark.parametrize(
    ("vouchers", "per_page", "pages"),
    [
        (10, 4, 4),
        (8, 4, 3),
        (5, 4, 3),
        (10, 3, 5),
        (9, 3, 4),
        (5, 3, 3),
        (1, 3, 2),
        (10, 2, 6),
        (10, 1, 11),
    ],
)
def test_page_count(tmp_path: Path, vouchers: int, per_page: int, pages: int) -> None:
    layout = PrintLayout(per_page)
    assert pages_for(vouchers, layout) == pages
    summary = render_booklets([sample_booklet(1, vouchers, places=())], tmp_path / "b.pdf", layout)
    assert summary.pages == page_count(tmp_path / "b.pdf") == pages


def test_default_layout_batch_page_count(tmp_path: Path) -> None:
    records = [sample_booklet(n, 10, places=()) for n in range(1, 6)]
    summary = render_booklets(records, tmp_path / "b.pdf")
    assert summary.pages == page_count(tmp_path / "b.pdf") == 5 * (1 + 3)


@pytest.mark.parametrize("per_page", [0, 5, 6])
def test_layouts_that_cannot_hold_a_barcode_are_refused(per_page: int) -> None:
    with pytest.raises(InvalidInput, match="chèques"):
        PrintLayout(per_page)


@needs_poppler
def test_duplicate_is_printed_on_every_page_and_only_on_reprints(tmp_path: Path) -> None:
    path = tmp_path / "b.pdf"
    render_booklets([sample_booklet(1, 4, places=()), sample_booklet(2, 4, duplicate=True)], path)
    reader = pypdf.PdfReader(path)
    marked = ["DUPLICATA" in plain(page.extract_text()) for page in reader.pages]
    assert marked == [False] * 2 + [True] * 2


@needs_poppler
def test_cover_and_vouchers_show_what_the_person_reads(tmp_path: Path) -> None:
    record = sample_booklet(12, 3, beneficiary_name="Łucja Nowak-Żelazna")
    path = tmp_path / "b.pdf"
    render_booklets([record], path)
    text = pdf_text(path)
    for expected in (
        "Pass Numérique Métropole de Lyon 2026",
        "Carnet n° 12",
        "3 chèques de 10,00 €",
        "Valeur totale : 30,00 €",
        "Valable du 01/01/2026 au 31/12/2026",
        "Łucja Nowak-Żelazna",
        "Métropole de Lyon — 55 %",
        "Où utiliser ce pass",
        "Médiathèque du Tonkin",
        "Chèques non échangeables et non remboursables ; leur utilisation ne donne pas lieu à "
        "rendu de monnaie.",
        "TALON",
        "Chèque 3/3",
        "CCAS de Villeurbanne",
    ):
        assert expected in text
    assert text.count("Nominatif : Łucja Nowak-Żelazna") == 3


def test_no_raster_image_without_a_logo(tmp_path: Path) -> None:
    record = sample_booklet(1, 3, desk=sample_desk(with_logo=False))
    render_booklets([record], tmp_path / "b.pdf")
    assert b"/Subtype /Image" not in (tmp_path / "b.pdf").read_bytes()


def test_cancel_leaves_no_file(tmp_path: Path) -> None:
    polls = 0

    def cancel() -> bool:
        nonlocal polls
        polls += 1
        return polls > 3

    target = tmp_path / "out" / "booklets.pdf"
    target.parent.mkdir()
    with pytest.raises(PrintCancelled) as raised:
        render_booklets((sample_booklet(n, 10) for n in range(1, 4)), target, cancel=cancel)
    assert isinstance(raised.value, Refused)
    assert "annulée" in raised.value.message
    assert leftovers(target.parent) == []


def test_cancel_keeps_a_previous_file_untouched(tmp_path: Path) -> None:
    target = tmp_path / "booklets.pdf"
    target.write_bytes(b"previous print")
    with pytest.raises(PrintCancelled):
        render_booklets([sample_booklet(1, 10)], target, cancel=lambda: True)
    assert target.read_bytes() == b"previous print"
    assert leftovers(tmp_path) == ["booklets.pdf"]


def test_an_error_half_way_leaves_no_file(tmp_path: Path) -> None:
    def records() -> Iterator[BookletRecord]:
        yield sample_booklet(1, 10)
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        render_booklets(records(), tmp_path / "b.pdf")
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("where", ["missing folder", "folder is a file", "target is a folder"])
def test_unwritable_path_is_a_clear_error_and_writes_nothing(tmp_path: Path, where: str) -> None:
    (tmp_path / "file.txt").write_text("x")
    (tmp_path / "folder.pdf").mkdir()
    target = {
        "missing folder": tmp_path / "nope" / "b.pdf",
        "folder is a file": tmp_path / "file.txt" / "b.pdf",
        "target is a folder": tmp_path / "folder.pdf",
    }[where]
    with pytest.raises(InvalidInput) as raised:
        render_booklets([sample_booklet(1, 3)], target)
    assert "dossier" in raised.value.message
    assert leftovers(tmp_path) == ["file.txt", "folder.pdf"]
    assert list((tmp_path / "folder.pdf").iterdir()) == []


def test_read_only_folder_is_a_clear_error(read_only_folder: Any) -> None:
    booklets = [sample_booklet(1, 3)]
    with read_only_folder.in_effect(), pytest.raises(InvalidInput, match="Impossible d'écrire"):
        render_booklets(booklets, read_only_folder.path / "b.pdf")
    assert list(read_only_folder.path.iterdir()) == []


def test_nothing_to_print_is_refused_before_any_file(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="Rien à imprimer"):
        render_booklets(iter(()), tmp_path / "b.pdf")
    assert leftovers(tmp_path) == []


def test_progress_counts_vouchers_and_records_are_read_lazily(tmp_path: Path) -> None:
    pulled = 0

    def records() -> Iterator[BookletRecord]:
        nonlocal pulled
        for number in range(1, 5):
            pulled += 1
            yield sample_booklet(number, 5, places=())

    seen: list[tuple[int, int, int]] = []
    summary = render_booklets(
        records(),
        tmp_path / "b.pdf",
        total_vouchers=20,
        progress=lambda done, total: seen.append((done, total, pulled)),
    )
    assert summary.vouchers == 20
    assert [done for done, _total, _pulled in seen] == [3, 5, 8, 10, 13, 15, 18, 20]
    assert {total for _done, total, _pulled in seen} == {20}
    # booklet k is drawn while at most k booklets have been read: no list of the batch
    assert all(already <= -(-done // 5) for done, _total, already in seen)


def test_writing_to_an_open_file(tmp_path: Path) -> None:
    stream = io.BytesIO()
    summary = render_booklets([sample_booklet(1, 3, places=())], stream)
    assert stream.getvalue().startswith(b"%PDF-")
    assert len(pypdf.PdfReader(stream).pages) == summary.pages == 2


def test_a_booklet_without_vouchers_is_refused(tmp_path: Path) -> None:
    from dataclasses import replace

    empty = replace(sample_booklet(1, 3), vouchers=())
    with pytest.raises(InvalidInput, match="aucun chèque"):
        render_booklets([empty], tmp_path / "b.pdf")
    assert leftovers(tmp_path) == []


@needs_poppler
def test_batches_are_joined_from_pieces_into_one_valid_pdf(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batch, "CHUNK_PAGES", 4)  # a piece every booklet
    records = [sample_booklet(n, 4, places=(), duplicate=n == 2) for n in range(1, 4)]
    path = tmp_path / "b.pdf"
    summary = render_booklets(records, path)
    reader = pypdf.PdfReader(path, strict=True)
    assert summary.pages == len(reader.pages) == 6
    assert [("Carnet n° " in plain(p.extract_text())) for p in reader.pages] == [True] * 6
    assert decoded_codes(path) == expected_codes(*records)
