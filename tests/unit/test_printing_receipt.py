"""Handout receipts: the text a person signs is all there, accents included, in two copies."""

from __future__ import annotations

import subprocess
from dataclasses import replace
from pathlib import Path

import pypdf
import pytest
from printing_pages import needs_poppler, pdf_text

from passdesk.documents import render_receipt
from passdesk.documents.samples import sample_mixed_receipt, sample_receipt
from passdesk.errors import InvalidInput
from passdesk.notice import SECTIONS, as_text, standard_sections

NAMES = ["Hélène N'Diaye", "Łucja Nowak-Żelazna", "Nguyễn Thị Hà"]


@needs_poppler
@pytest.mark.parametrize("name", NAMES)
def test_receipt_text_has_name_number_ranges_and_total(tmp_path: Path, name: str) -> None:
    record = sample_receipt(name, booklets=(12, 13, 14))
    path = tmp_path / "receipt.pdf"
    render_receipt(record, path)
    assert len(pypdf.PdfReader(path).pages) == 2
    text = pdf_text(path)
    assert text.count(name) == 2  # one per copy
    assert text.count("Récépissé n° 2026-000123") >= 2
    for line in record.booklets:
        assert text.count(f"{line.first_voucher_code} → {line.last_voucher_code}") == 2
        assert text.count(line.booklet_code) == 2
    assert text.count("Valeur faciale totale : 300,00 €") == 2
    assert "Exemplaire du bénéficiaire" in text
    assert "Exemplaire de la structure" in text
    for expected in (
        "Le 14/03/2026 à 10:42",
        "Agent : Marie Lefèvre",
        "Né(e) le 02/05/1961",
        "12 rue des Acacias",
        "Métropole de Lyon 55 %",
        "du 01/01/2026 au 31/12/2026",
        "Médiathèque du Tonkin",
        "Signature du bénéficiaire",
        "Vos données personnelles",
        "CNIL",
        "CCAS de Villeurbanne",
    ):
        assert expected in text
    assert "ANNULÉ" not in text
    assert "Dérogation" not in text


@needs_poppler
def test_pypdf_reads_the_accents_too(tmp_path: Path) -> None:
    path = tmp_path / "receipt.pdf"
    render_receipt(sample_receipt("Nguyễn Thị Hà"), path)
    first = pypdf.PdfReader(path).pages[0].extract_text()
    assert "Nguyễn Thị Hà" in first


@needs_poppler
def test_cancelled_receipt_says_so_with_its_reason(tmp_path: Path) -> None:
    path = tmp_path / "receipt.pdf"
    render_receipt(sample_receipt(cancelled=True, cancel_reason="Erreur de bénéficiaire"), path)
    text = pdf_text(path)
    assert text.count("ANNULÉ — remise annulée, motif : Erreur de bénéficiaire") == 2
    pages = pypdf.PdfReader(path).pages  # pypdf also reads the diagonal watermark
    assert [page.extract_text().count("ANNULÉ") for page in pages] == [2, 2]


@needs_poppler
def test_override_reason_is_printed(tmp_path: Path) -> None:
    path = tmp_path / "receipt.pdf"
    render_receipt(sample_receipt(override_reason="Atelier CV prolongé"), path)
    assert pdf_text(path).count("Dérogation accordée par un référent : Atelier CV prolongé") == 2


@needs_poppler
def test_a_handout_of_many_booklets_continues_on_more_pages(tmp_path: Path) -> None:
    record = sample_receipt(booklets=tuple(range(1, 41)))
    path = tmp_path / "receipt.pdf"
    render_receipt(record, path)
    pages = len(pypdf.PdfReader(path).pages)
    assert pages > 2 and pages % 2 == 0
    text = pdf_text(path)
    for line in record.booklets:
        assert text.count(line.booklet_code) == 2
    assert text.count("Valeur faciale totale : 4 000,00 €") == 2
    assert text.count("Signature du bénéficiaire") == 2


def test_standard_notice_is_french_and_complete() -> None:
    notice = as_text(standard_sections("Mairie de Lyon 3e", 18, "dpo@lyon.fr"))
    assert len(notice.splitlines()) == len(SECTIONS)
    for word in (
        "Responsable du traitement : Mairie de Lyon 3e",
        "Finalité",
        "Base légale",
        "Destinataires",
        "Durée de conservation : 18 mois",
        "Contact pour vos données : dpo@lyon.fr.",
        "accès",
        "rectification",
        "effacement",
        "CNIL",
    ):
        assert word in notice
    assert "3 ans" not in notice  # the retention is the setting's, never a fixed promise


def test_the_receipt_prints_the_notice_version(tmp_path: Path) -> None:
    path = tmp_path / "receipt.pdf"
    render_receipt(sample_receipt(), path)
    text = pypdf.PdfReader(path).pages[0].extract_text()
    assert "version 1" in text


def test_desk_notice_text_replaces_the_default(tmp_path: Path) -> None:
    path = tmp_path / "receipt.pdf"
    render_receipt(
        sample_receipt(notice_text="Notice de la structure : contact dpo@ville.fr"), path
    )
    text = pypdf.PdfReader(path).pages[0].extract_text()
    assert "dpo@ville.fr" in text
    assert "CNIL" not in text


@needs_poppler
def test_fonts_are_embedded(tmp_path: Path) -> None:
    path = tmp_path / "receipt.pdf"
    render_receipt(sample_receipt("Łucja Nowak-Żelazna"), path)
    report = subprocess.run(
        ["pdffonts", str(path)], check=True, capture_output=True, text=True
    ).stdout.splitlines()[2:]
    embedded = {line.split()[0].split("+")[-1] for line in report if " yes " in line}
    assert embedded == {"DejaVuSans", "DejaVuSans-Bold"}


def test_receipt_without_logo_birth_date_or_places(tmp_path: Path) -> None:
    record = replace(
        sample_receipt(with_logo=False),
        beneficiary_birth_date=None,
        beneficiary_address=(),
        places=(),
        programmes=tuple(replace(p, funders=()) for p in sample_receipt().programmes),
    )
    render_receipt(record, tmp_path / "receipt.pdf")
    assert len(pypdf.PdfReader(tmp_path / "receipt.pdf").pages) == 2


def test_unwritable_receipt_path_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="n'existe pas"):
        render_receipt(sample_receipt(), tmp_path / "missing" / "receipt.pdf")
    assert list(tmp_path.iterdir()) == []


def test_a_damaged_logo_does_not_stop_the_receipt(tmp_path: Path) -> None:
    record = sample_receipt()
    record = replace(record, desk=replace(record.desk, logo_png=b"not a png"))
    render_receipt(record, tmp_path / "receipt.pdf")
    assert len(pypdf.PdfReader(tmp_path / "receipt.pdf").pages) == 2


def test_a_full_receipt_still_says_where_to_use_the_vouchers(tmp_path: Path) -> None:
    """Three booklets of two programmes and the whole notice leave little room: the nearest
    places are still printed (without their hours if need be), never an empty heading."""
    path = tmp_path / "r.pdf"
    record = sample_mixed_receipt()
    render_receipt(record, path)
    first_page = pypdf.PdfReader(path).pages[0].extract_text()
    assert "Où utiliser vos chèques" in first_page
    after = first_page.split("Où utiliser vos chèques", 1)[1].split("Vos données personnelles")[0]
    assert record.places[0].name in after, after
