"""The régie papers as files: the register's PDF (page N / M, totals carried over and brought
forward, the closing balance) and XLSX (numbers stay numbers, dates stay dates, euro formats,
frozen header), the statement of unused value with cents that add up, and the file's extension
choosing the format."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from passdesk import codes, i18n
from passdesk.documents.records import DeskLine
from passdesk.documents.regie import render_register
from passdesk.documents.regie_records import (
    EXIT,
    Quantity,
    RegisterLine,
    RegisterRecord,
    StatusLine,
)
from passdesk.errors import InvalidInput
from passdesk.formatting import format_amount
from passdesk.services import Services
from passdesk.services.beneficiaries import BeneficiaryInput
from passdesk.services.rows import Actor, LotRow, ProgrammeRow
from passdesk.services.unused_value import share_out

if TYPE_CHECKING:
    from conftest import MovableClock, RawDb


@pytest.fixture
def worked(
    services: Services, supervisor: Actor, agent: Actor, lot: LotRow, clock: MovableClock
) -> Services:
    """Two handouts, a void, over two days."""
    person = services.beneficiaries.register(agent, BeneficiaryInput("Martin", "Léa", "1990-01-01"))
    other = services.beneficiaries.register(agent, BeneficiaryInput("Petit", "Noé", "1991-02-02"))
    services.handouts.hand_out(agent, person.id, codes_=[codes.booklet_code("MGP19", 1)])
    clock.advance(timedelta(days=1))
    services.handouts.hand_out(agent, other.id, codes_=[codes.booklet_code("MGP19", 2)])
    services.stock.void(supervisor, codes.booklet_code("MGP19", 12), "damaged")
    return services


def pdf_text(path: Path) -> list[str]:
    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(path).pages]


def test_the_register_pdf_is_numbered_and_ends_with_the_closing_balance(
    worked: Services, tmp_path: Path
) -> None:
    path = tmp_path / "registre.pdf"
    record = worked.regie.write_register("MGP19", "2026-03-01", "2026-03-31", path)

    pages = pdf_text(path)
    assert pages[-1].count(f"page {len(pages)} / {len(pages)}") == 1
    text = " ".join(pages)
    assert "REGISTRE DES VALEURS INACTIVES" in text
    assert "Période du 01/03/2026 au 31/03/2026" in text
    assert "Solde d'ouverture au 01/03/2026" in text
    assert "Solde de clôture au 31/03/2026" in text
    assert "récépissé 2026-000001" in text
    assert "Invalidé en stock : abîmé" in text
    assert format_amount(record.closing_stock.amount) in text
    assert "Le régisseur : nom, date et signature" in text


def test_long_registers_carry_their_totals_over_from_page_to_page(tmp_path: Path) -> None:
    """Built as a record: 150 lines run over several pages; each page but the last ends with
    the running totals, and the next one starts with the same figures."""
    face = Decimal("10")
    day = date(2026, 1, 5)
    stock = Quantity(1000, 10_000, face * 10_000)
    lines = []
    for i in range(150):
        stock = stock - Quantity(1, 10, face * 10)
        lines.append(
            RegisterLine(
                day + timedelta(days=i // 3),
                "handed_out",
                "Remises",
                f"récépissé {i}",
                EXIT,
                Quantity(1, 10, face * 10),
                stock,
            )
        )
    record = RegisterRecord(
        desk=DeskLine("Mairie de Test"),
        programme=programme_heading_for_test(),
        period_from=day,
        period_to=day + timedelta(days=60),
        made_at=datetime(2026, 3, 1, 9, 0).astimezone(),
        opening_stock=Quantity(1000, 10_000, face * 10_000),
        lines=tuple(lines),
        closing_stock=stock,
        statuses=(StatusLine("in_stock", "En stock", Quantity(), stock),),
        movements=(),
    )
    path = tmp_path / "long.pdf"
    pages = render_register(record, path)

    texts = pdf_text(path)
    assert pages == len(texts) >= 4
    carried = []
    last_table = next(i for i, text in enumerate(texts) if "Totaux de la période" in text)
    assert last_table >= 3
    for number, text in enumerate(texts[:last_table], start=1):
        assert "À reporter" in text, number
        following = texts[number]
        assert "Report" in following
        # The exits carried at the foot are the ones brought forward at the top of the next.
        foot = text.split("À reporter", 1)[1].split()
        head = following.split("Report", 1)[1].split()
        carried.append(foot[:12])
        assert foot[:12] == head[:12]
    # The totals grow from page to page (a foot is not a copy of the previous one).
    assert len({tuple(c) for c in carried}) == len(carried)
    assert "Solde de clôture" in " ".join(texts[last_table:])
    assert f"page {pages} / {pages}" in texts[-1]


def programme_heading_for_test():  # noqa: ANN201
    from passdesk.documents.regie_records import ProgrammeHeading

    return ProgrammeHeading(
        "MGP19", "Pass Numérique", Decimal("10"), 10, date(2026, 1, 1), date(2027, 6, 30)
    )


def test_the_register_xlsx_holds_numbers_dates_and_euro_formats(
    worked: Services, tmp_path: Path, raw: RawDb
) -> None:
    path = tmp_path / "registre.xlsx"
    record = worked.regie.write_register("MGP19", "2026-03-01", "2026-03-31", path)

    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Registre", "États", "Mouvements"]
    sheet = book["Registre"]
    header_row = next(row[0].row for row in sheet.iter_rows() if row[0].value == "Date")
    assert sheet.freeze_panes == f"A{header_row + 1}"
    rows = list(sheet.iter_rows(min_row=header_row + 1))
    first = rows[0]
    assert first[1].value == "Solde d'ouverture au 01/03/2026"
    lines = rows[1 : 1 + len(record.lines)]
    for row, line in zip(lines, record.lines, strict=True):
        assert row[0].value == datetime.combine(line.day, datetime.min.time())
        assert row[0].number_format == "DD/MM/YYYY"
        numbers = [c.value for c in row[3:] if c.value is not None]
        assert all(isinstance(v, int | float) for v in numbers)
        assert row[14].value == pytest.approx(float(line.stock_after.amount))
        assert "€" in row[14].number_format
    closing = rows[len(record.lines) + 2]
    assert closing[1].value.startswith("Solde de clôture")
    in_stock = raw.scalar("SELECT count(*) FROM voucher WHERE status = 'in_stock'")
    assert [c.value for c in closing[12:15]] == [
        raw.scalar("SELECT count(*) FROM booklet WHERE status = 'in_stock'"),
        in_stock,
        in_stock * 10,
    ]
    # Columns are as wide as their content: the movement labels are not squeezed.
    assert sheet.column_dimensions["B"].width >= len("Invalidé en stock : abîmé")

    statuses = book["États"]
    values = {row[0]: row for row in statuses.iter_rows(values_only=True) if row[0]}
    assert values["Remis"][4:7] == (2, 20, 200)


def test_the_extension_chooses_the_format_and_others_are_refused_in_french(
    worked: Services, tmp_path: Path
) -> None:
    for name in ("registre.csv", "registre", "registre.PDF.txt"):
        with pytest.raises(InvalidInput, match=r"\.pdf.*\.xlsx"):
            worked.regie.write_register("MGP19", "2026-03-01", "2026-03-31", tmp_path / name)
    assert list(tmp_path.iterdir()) == [tmp_path / "passdesk-home"] or not any(
        p.name.startswith("registre") for p in tmp_path.iterdir()
    )
    worked.regie.write_register("MGP19", "2026-03-01", "2026-03-31", tmp_path / "R.PDF")
    assert (tmp_path / "R.PDF").read_bytes().startswith(b"%PDF")


# --- the statement of unused value ------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(
    cents=st.integers(min_value=0, max_value=10**11),
    percents=st.lists(
        st.decimals(min_value=Decimal("0.01"), max_value=100, places=2), min_size=1, max_size=6
    ),
)
def test_shares_add_up_to_the_cent_and_stay_within_a_cent_of_exact(
    cents: int, percents: list[Decimal]
) -> None:
    total = Decimal(cents) / 100
    parts = share_out(total, percents)
    assert sum(parts) == total
    weight = sum(percents)
    for part, percent in zip(parts, percents, strict=True):
        assert part == part.quantize(Decimal("0.01")) and part >= 0
        assert abs(part - total * percent / weight) < Decimal("0.01")


def test_the_largest_remainder_takes_the_left_over_cent() -> None:
    # 100.00 € in thirds: 33.33 each and one cent left, to the first of the equal remainders.
    assert share_out(Decimal("100"), [Decimal("33.33")] * 3) == [
        Decimal("33.34"),
        Decimal("33.33"),
        Decimal("33.33"),
    ]
    # 0.05 € at 45/55: exact 0.0225 and 0.0275; floors 0.02 and 0.02; the cent goes to 55 %.
    assert share_out(Decimal("0.05"), [Decimal(45), Decimal(55)]) == [
        Decimal("0.02"),
        Decimal("0.03"),
    ]


def test_the_unused_statement_counts_stock_and_credits_each_funder(
    worked: Services, programme: ProgrammeRow, tmp_path: Path, raw: RawDb
) -> None:
    record = worked.regie.unused("mgp19")
    in_stock = raw.scalar("SELECT count(*) FROM voucher WHERE status = 'in_stock'")
    assert record.in_stock == Quantity(9, in_stock, Decimal(in_stock) * programme.face_value)
    assert record.expired == Quantity()
    assert [(c.funder, c.percent, c.amount) for c in record.credits] == [
        ("État", Decimal("45.00"), Decimal("405.00")),
        ("Métropole de Lyon", Decimal("55.00"), Decimal("495.00")),
    ]
    assert "plus forts restes" in record.rounding_note

    worked.regie.write_unused("MGP19", tmp_path / "inutilise.pdf")
    text = " ".join(pdf_text(tmp_path / "inutilise.pdf"))
    assert "ÉTAT DES VALEURS INUTILISÉES" in text
    assert "405,00" in text and "495,00" in text and "900,00" in text

    worked.regie.write_unused("MGP19", tmp_path / "inutilise.xlsx")
    rows = list(openpyxl.load_workbook(tmp_path / "inutilise.xlsx").active.iter_rows())
    by_label = {row[0].value: row for row in rows if row[0].value}
    assert [c.value for c in by_label["État"][:3]] == ["État", 45, 405]
    assert by_label["État"][2].number_format.endswith('"€"')
    assert isinstance(by_label["En stock"][1].value, int)


def test_papers_follow_the_language(worked: Services, tmp_path: Path) -> None:
    i18n.set_language("en")
    worked.regie.write_register("MGP19", "2026-03-01", "2026-03-31", tmp_path / "en.pdf")
    assert "STOCK REGISTER OF THE RÉGIE" in " ".join(pdf_text(tmp_path / "en.pdf"))


def test_expired_booklets_count_as_unused_value(
    worked: Services, programme: ProgrammeRow, raw: RawDb
) -> None:
    """Expiry itself is other work's; whatever it marks expired is credited back too."""
    booklet_id = raw.scalar(
        "SELECT id FROM booklet WHERE code = ?", (codes.booklet_code("MGP19", 5),)
    )
    raw.execute("UPDATE booklet SET status = 'expired' WHERE id = ?", (booklet_id,))
    raw.execute("UPDATE voucher SET status = 'expired' WHERE booklet_id = ?", (booklet_id,))
    record = worked.regie.unused("MGP19")
    assert record.expired == Quantity(1, 10, Decimal("100.00"))
    assert record.in_stock.booklets == 8
    assert sum(c.amount for c in record.credits) == record.total.amount == Decimal("900.00")
