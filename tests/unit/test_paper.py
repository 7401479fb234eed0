"""The paper the funder's auditor and the reimbursed places read (issue 8): what the receipt's
signature confirms, each programme's own validity and funders, places never cut, the
data-protection contact, copies marked as copies; vouchers with a stamp box, where to send them,
a stub that says who keeps it, a cover with its voucher codes, no page wasted on one voucher;
the scheme's rules in good French; DÉMONSTRATION on every page a demonstration desk prints.

Texts are read back with pdftotext (layout) or pypdf (content order, which keeps a wrapped
place's lines together); every barcode of a changed page is decoded back at 150 dpi.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pypdf
import pytest
from printing_pages import decode, decoded_codes, needs_poppler, page_images, pdf_text
from reportlab.lib.units import mm

from passdesk import codes
from passdesk.documents import _draw, fonts, render_booklets, render_receipt
from passdesk.documents.barcode import MIN_MODULE, Code128
from passdesk.documents.booklets import layout
from passdesk.documents.samples import sample_booklet, sample_receipt
from passdesk.services.places import PlaceInput
from passdesk.services.report_figures import ReportQuery

P = "MGP19"
RULES = (
    "Chèques non échangeables et non remboursables ; leur utilisation ne donne pas lieu à "
    "rendu de monnaie."
)
# 103 characters, as a person's registered names can be
LONG_NAME = (
    "Marie-Christine Évangéline Anne-Sophie de La Tour d'Auvergne-Lauraguais "
    "Saint-Exupéry-Montmorency-Mbaye"
)


def words(path: Path) -> list[str]:
    """Each page's text in content order, whitespace made single spaces."""
    return [" ".join(page.extract_text().split()) for page in pypdf.PdfReader(path).pages]


def booklet(n: int) -> str:
    return codes.booklet_code(P, n)


# --- the receipt ----------------------------------------------------------------------------


@needs_poppler
def test_the_receipt_says_what_the_signature_confirms(tmp_path: Path) -> None:
    path = tmp_path / "r.pdf"
    render_receipt(sample_receipt(booklets=(12, 13)), path)
    text = " ".join(pdf_text(path).split())
    assert (
        text.count(
            "Je reconnais avoir reçu les carnets listés ci-dessus : 20 chèques, d'une valeur "
            "totale de 200,00 €."
        )
        == 2
    )  # one per copy, above the beneficiary's signature


@needs_poppler
def test_the_receipt_prints_the_rules_in_good_french(tmp_path: Path) -> None:
    path = tmp_path / "r.pdf"
    render_receipt(sample_receipt(), path)
    text = pdf_text(path)
    assert text.count(RULES) == 2
    assert "ne peut être rendu en monnaie" not in text
    assert "Non échangeable," not in text


def test_places_services_and_opening_hours_are_printed_whole_in_french(
    services: Any, agent: Any, supervisor: Any, lot: Any, person: Any, tmp_path: Path
) -> None:
    place_services = (
        "Aide aux démarches administratives",
        "Maîtrise des outils numériques du quotidien",
        "Insertion professionnelle via le numérique",
        "Parentalité et éducation avec le numérique",
        "Acquisition de matériel informatique à prix solidaire",
    )
    services.places.add(
        supervisor,
        PlaceInput(
            "Centre social Cusset",
            "2 rue Eugène Fournière",
            "69100",
            "Villeurbanne",
            "04 78 85 13 52",
            opening_hours=(
                "Mo 09:00-12:00; Tu 14:00-18:00; We 09:00-12:00,14:00-17:00; "
                "Th 10:00-12:00,13:30-19:00; Fr 09:00-12:00; Sa 10:00-12:00"
            ),
            services=place_services,
        ),
    )
    handout = services.handouts.hand_out(agent, person.id, codes_=[booklet(1)])
    record = services.receipts.build_receipt(handout.id)
    hours = (
        "lun., ven. 9 h–12 h; mar. 14 h–18 h; mer. 9 h–12 h, 14 h–17 h; "
        "jeu. 10 h–12 h, 13 h 30–19 h; sam. 10 h–12 h"
    )
    assert record.places[0].opening_hours == hours
    path = services.receipts.write_receipt(handout.id, tmp_path / "r.pdf")
    first_copy = words(path)[0]
    assert f"Horaires : {hours}" in first_copy
    assert " · ".join(place_services) in first_copy
    assert "…" not in first_copy


@needs_poppler
def test_the_data_protection_contact_comes_from_the_settings(
    services: Any, admin: Any, agent: Any, lot: Any, person: Any, tmp_path: Path
) -> None:
    services.settings.set(admin, "dpo_contact", "DPO de la Ville, dpo@villeurbanne.fr")
    handout = services.handouts.hand_out(agent, person.id, codes_=[booklet(1)])
    assert services.receipts.build_receipt(handout.id).dpo_contact == (
        "DPO de la Ville, dpo@villeurbanne.fr"
    )
    text = " ".join(
        pdf_text(services.receipts.write_receipt(handout.id, tmp_path / "r.pdf")).split()
    )
    # In the notice of each copy, once: the notice names it, no second line repeats it.
    assert text.count("DPO de la Ville, dpo@villeurbanne.fr") == 2
    assert "Contact pour vos données : DPO de la Ville, dpo@villeurbanne.fr" in text


@needs_poppler
def test_a_receipt_printed_again_is_a_dated_copy_naming_what_was_voided_since(
    services: Any,
    agent: Any,
    supervisor: Any,
    lot: Any,
    person: Any,
    clock: Any,
    tmp_path: Path,
) -> None:
    handout = services.handouts.hand_out(agent, person.id, codes_=[booklet(1), booklet(2)])
    original = pdf_text(
        services.receipts.write_receipt(handout.id, tmp_path / "1.pdf", actor=agent)
    )
    assert "DUPLICATA" not in original
    assert "Invalidé depuis la remise" not in original
    clock.advance(timedelta(days=10))
    services.stock.void(supervisor, codes.voucher_code(P, 7), "lost")
    services.stock.void(supervisor, booklet(2), "stolen")
    record = services.receipts.build_receipt(handout.id)
    assert record.copy_printed_at is not None
    assert record.copy_printed_at.date() == date(2026, 3, 20)
    copy = pdf_text(services.receipts.write_receipt(handout.id, tmp_path / "2.pdf", actor=agent))
    flat = " ".join(copy.split())
    assert flat.count("DUPLICATA — copie faite le 20/03/2026") >= 4  # box and foot, two copies
    assert flat.count("L'original a été remis le 10/03/2026.") == 2
    assert (
        flat.count(f"Invalidé depuis la remise : {codes.voucher_code(P, 7)} (perdu, le 20/03/2026)")
        == 2
    )
    assert flat.count(f"Invalidé depuis la remise : {booklet(2)} (volé, le 20/03/2026)") == 2
    # given all the same: the value handed out does not change
    assert flat.count("Valeur faciale totale : 200,00 €") == 2


def test_a_code_range_shrunk_to_fit_its_column_keeps_its_last_digits() -> None:
    """Shrunk to fit exactly, the range was then cut for a rounding error: "…-0000020-…"."""
    fonts.register_fonts()
    text = "RHO26-0000016-98 → RHO26-0000020-48"
    shown, size = _draw.fit(text, fonts.REGULAR, 8.5, 60 * mm, 6.5)
    assert shown == text
    assert 6.5 <= size < 8.5


def test_a_long_name_is_wrapped_whole_never_shrunk_or_cut(tmp_path: Path) -> None:
    assert len(LONG_NAME) == 103
    path = tmp_path / "r.pdf"
    render_receipt(replace(sample_receipt(LONG_NAME), places=()), path)
    sizes: list[float] = []

    def visit(text: str, cm: Any, tm: Any, font: Any, size: float) -> None:
        if text.strip() and text.strip() in LONG_NAME and len(text.strip()) > 20:
            sizes.append(size * tm[0])

    page = pypdf.PdfReader(path).pages[0]
    page.extract_text(visitor_text=visit)
    assert sizes, "the name is not on the page"
    assert min(sizes) >= 13  # at the size of a short name (it was shrunk to 7 points)
    assert len(sizes) >= 2  # on two lines
    assert LONG_NAME in " ".join(page.extract_text().split())
    assert "…" not in page.extract_text()


# --- vouchers and covers --------------------------------------------------------------------


@needs_poppler
def test_vouchers_have_a_stamp_box_where_to_send_them_and_a_stub_that_says_who_keeps_it(
    printing_desk: Any, admin: Any, supervisor: Any, tmp_path: Path
) -> None:
    printing_desk.settings.set(
        admin, "reimbursement_address", "Métropole de Lyon, 20 rue du Lac, 69003 Lyon"
    )
    path = tmp_path / "b.pdf"
    printing_desk.booklet_printing.print_booklets(
        supervisor, programme_code=P, from_booklet=1, count=1, path=path
    )
    text = " ".join(words(path))
    assert text.count("Cachet et signature du lieu") == 10
    assert (
        text.count(
            "Remboursement : le lieu envoie ce chèque, tamponné et signé, à : Métropole de Lyon, "
            "20 rue du Lac, 69003 Lyon"
        )
        == 10
    )
    assert text.count("Reste dans le carnet : le bénéficiaire le garde.") == 10
    assert "la structure ou le lieu" not in text
    assert text.count(RULES) == 11  # each voucher and the cover
    assert "son talon reste dans votre carnet" in text


@pytest.fixture
def printing_desk(services: Any, site_lot: Any) -> Any:
    return services


@needs_poppler
def test_without_the_setting_a_voucher_is_sent_to_the_desk(
    printing_desk: Any, supervisor: Any, tmp_path: Path
) -> None:
    path = tmp_path / "b.pdf"
    printing_desk.booklet_printing.print_booklets(
        supervisor, programme_code=P, from_booklet=1, count=1, path=path
    )
    assert (
        " ".join(pdf_text(path).split()).count("tamponné et signé, à la structure qui l'a délivré.")
        == 10
    )


@needs_poppler
def test_the_cover_shows_its_first_and_last_voucher_codes(tmp_path: Path) -> None:
    record = sample_booklet(12, 10)
    path = tmp_path / "b.pdf"
    render_booklets([record], path)
    cover = pypdf.PdfReader(path).pages[0].extract_text()
    assert "Chèques LYO26-0000111-22 → LYO26-0000120-92" in cover
    assert (record.vouchers[0].code, record.vouchers[-1].code) == (
        "LYO26-0000111-22",
        "LYO26-0000120-92",
    )


@needs_poppler
def test_a_ten_voucher_booklet_takes_three_pages_none_holding_a_lone_voucher(
    tmp_path: Path,
) -> None:
    record = sample_booklet(12, 10, beneficiary_name="Hélène N'Diaye")
    path = tmp_path / "b.pdf"
    summary = render_booklets([record], path)
    assert summary.pages == 4  # the cover and 3 pages of vouchers (it was 5: 3, 3, 3 and 1)
    per_page = [Counter(decode(image)) for image in page_images(path)[1:]]
    assert [sum(found.values()) // 2 for found in per_page] == [4, 3, 3]
    assert sum(per_page, Counter()) == Counter({v.code: 2 for v in record.vouchers})


@needs_poppler
def test_the_worst_voucher_still_scans(tmp_path: Path) -> None:
    """The longest codes, a two-line programme name, a named holder of 103 characters, a long
    reimbursement address, a reprint: four to a page, every barcode reads, none below 0.33 mm."""
    record = replace(
        sample_booklet(123456, 4, programme_code="ABCDEFGH", beneficiary_name=LONG_NAME,
                       duplicate=True, places=()),
        programme_name="Pass Numérique de la Communauté d'agglomération du Grand Territoire "
        "et de ses communes associées, saison 2026",
        reimbursement="Direction de l'inclusion numérique, service des chèques, " * 4,
    )  # fmt: skip
    for code in (v.code for v in record.vouchers):
        assert Code128.of(code).module_to_fit(layout.VOUCHER_BARCODE_ROOM) >= MIN_MODULE
        assert Code128.of(code).module_to_fit(layout.STUB_BARCODE_ROOM) >= MIN_MODULE
    path = tmp_path / "b.pdf"
    render_booklets([record], path)
    expected = Counter({record.booklet_code: 1} | {v.code: 2 for v in record.vouchers})
    assert decoded_codes(path) == expected
    text = " ".join(pdf_text(path).split())
    assert text.count(f"Nominatif : {LONG_NAME}") == 4
    assert f"Carnet nominatif : {LONG_NAME}" in text


# --- DÉMONSTRATION --------------------------------------------------------------------------


@pytest.fixture
def demo(raw: Any, admin: Any) -> None:
    """The desk is a demonstration one: its `demo` flag is set in the database."""
    raw.execute("UPDATE desk SET demo = TRUE")


def every_page_says_demonstration(path: Path) -> bool:
    pages = pypdf.PdfReader(path).pages
    return len(pages) > 0 and all("DÉMONSTRATION" in page.extract_text() for page in pages)


@needs_poppler
def test_a_demonstration_desk_marks_every_page_it_prints(
    demo: None,
    services: Any,
    admin: Any,
    supervisor: Any,
    agent: Any,
    site_lot: Any,
    person: Any,
    tmp_path: Path,
) -> None:
    booklets = tmp_path / "booklets.pdf"
    services.booklet_printing.print_booklets(
        supervisor, programme_code=P, from_booklet=1, count=2, path=booklets
    )
    handout = services.handouts.hand_out(agent, person.id, codes_=[booklet(1)])
    receipt = services.receipts.write_receipt(handout.id, tmp_path / "receipt.pdf", actor=agent)
    slip = services.orientation.write_slip(person.id, tmp_path / "slip.pdf")
    services.regie.write_register(P, "2026-03-01", "2026-03-31", tmp_path / "register.pdf")
    services.regie.write_unused(P, tmp_path / "unused.pdf")
    closing = services.closing.close_day(agent, counts={P: 11}, explanation="Essai")
    services.closing.write_sheet(closing.closing_id, tmp_path / "closing.pdf")
    services.reports.write(
        admin, ReportQuery(date(2026, 3, 1), date(2026, 3, 31)), "pdf", tmp_path / "report.pdf"
    )
    papers = ["booklets", "receipt", "slip", "register", "unused", "closing", "report"]
    for name in papers:
        assert every_page_says_demonstration(tmp_path / f"{name}.pdf"), name
    assert receipt.exists() and slip.exists()
    # each voucher cut from its page still says it, and every barcode still reads
    voucher_page = pypdf.PdfReader(booklets).pages[1].extract_text()
    assert voucher_page.count("DÉMONSTRATION") == 4
    assert sum(decoded_codes(booklets).values()) == 2 * (1 + 2 * 10)


@needs_poppler
def test_a_real_desk_prints_no_demonstration_mark(
    services: Any, supervisor: Any, agent: Any, site_lot: Any, person: Any, tmp_path: Path
) -> None:
    booklets = tmp_path / "booklets.pdf"
    services.booklet_printing.print_booklets(
        supervisor, programme_code=P, from_booklet=1, count=1, path=booklets
    )
    handout = services.handouts.hand_out(agent, person.id, codes_=[booklet(1)])
    receipt = services.receipts.write_receipt(handout.id, tmp_path / "receipt.pdf")
    for path in (booklets, receipt):
        assert not any("DÉMONSTRATION" in page for page in words(path))
