"""The report's three documents read back: the XLSX with openpyxl, the CSV files with `csv`, the
PDF's text with pdftotext. Numbers are numbers, the totals are the PDF's, and the hidden cells
(small and secondary) are hidden in all three."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from passdesk.documents.report_csv import file_names
from passdesk.documents.report_pdf import table_texts
from passdesk.documents.report_record import Hidden, Kind, ReportRecord, Table
from passdesk.errors import InvalidInput
from passdesk.services import Services
from passdesk.services.report_figures import ReportQuery
from tests.unit import report_fixtures
from tests.unit.printing_pages import needs_poppler, pdf_text, plain

report_desk = report_fixtures.report_desk
report_path = report_fixtures.report_path
reports = report_fixtures.reports
period = report_fixtures.period

YOUNG = "Jeune sans qualification (prioritaire)"
JOBSEEKER = "Demandeur d'emploi sans diplôme (prioritaire)"


def write(services: Services, query: ReportQuery, kind: str, path: Path, **options: str) -> Path:
    return services.reports.write(
        services.accounts.actor("claire.martin"), query, kind, path, **options
    )


def record(services: Services, query: ReportQuery) -> ReportRecord:
    return services.reports.record(services.accounts.actor("admin"), query)


def rows_of(table: Table) -> list[tuple[object, ...]]:
    return [*table.rows, *((table.total,) if table.total is not None else ())]


def as_cell(value: object) -> object:
    """What the XLSX should hold for a record's value, as openpyxl reads it back."""
    if isinstance(value, Hidden):
        return value.mark
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day)
    return value


# --- XLSX -----------------------------------------------------------------------------------


def test_xlsx_has_a_sheet_per_table_with_real_numbers(
    reports: Services, period: ReportQuery, tmp_path: Path
) -> None:
    path = write(reports, period, "xlsx", tmp_path / "rapport.xlsx")
    rec = record(reports, period)
    book = load_workbook(path)
    assert book.sheetnames == [
        "Synthèse",
        "Carnets et chèques",
        "Parts des financeurs",
        "Publics prioritaires et quota",
        "Personnes par public cible",
        "Personnes par âge",
        "Personnes par commune",
        "Personnes par besoin diagnostiq",  # 31 characters, Excel's limit
        "Remises par mois",
        "Remises par agent",
        "Méthode",
    ]
    for table, name in zip(rec.tables, book.sheetnames[1:-1], strict=True):
        sheet = book[name]
        header = next(r for r in range(1, 10) if sheet.cell(r, 1).value == table.columns[0].title)
        assert sheet.freeze_panes == f"A{header + 1}"  # the header stays in view
        got = [
            tuple(sheet.cell(header + 1 + i, c + 1).value for c in range(len(table.columns)))
            for i in range(len(rows_of(table)))
        ]
        assert got == [tuple(as_cell(v) for v in row) for row in rows_of(table)], name
        for c, column in enumerate(table.columns, start=1):
            width = sheet.column_dimensions[sheet.cell(1, c).column_letter].width
            assert width and width >= 6
            if column.kind is Kind.MONEY:
                cell = sheet.cell(header + 1, c)
                assert "€" in cell.number_format and isinstance(cell.value, float | int | str)
    groups = book["Personnes par public cible"]
    values = {row[0]: row[1:] for row in groups.iter_rows(values_only=True) if row[0]}
    assert values["Senior"] == (9, 18, 135, 1462.5)
    assert values[YOUNG] == ("s", "s", "s", "s")
    assert values[JOBSEEKER] == ("< 5", "< 5", "< 5", "< 5")
    assert values["Total"] == (28, 38, 335, 3462.5)
    months = book["Remises par mois"]
    first = next(r for r in months.iter_rows(min_row=1) if isinstance(r[0].value, datetime))
    assert first[0].value == datetime(2026, 2, 1) and first[0].number_format == "MMMM YYYY"
    summary = book["Synthèse"]
    dates = [c.value for row in summary.iter_rows() for c in row if isinstance(c.value, datetime)]
    assert datetime(2026, 2, 1) in dates and datetime(2026, 4, 30) in dates
    method = [row for row in book["Méthode"].iter_rows(values_only=True) if row[0]]
    assert ("Période" in {r[0] for r in method}) and ("Cases masquées" in {r[0] for r in method})


# --- CSV ------------------------------------------------------------------------------------


def read_zip(path: Path, encoding: str) -> dict[str, list[list[str]]]:
    with zipfile.ZipFile(path) as z:
        return {
            name: list(csv.reader(io.StringIO(z.read(name).decode(encoding)), delimiter=";"))
            for name in z.namelist()
        }


def test_csv_one_file_per_table_for_french_spreadsheets(
    reports: Services, period: ReportQuery, tmp_path: Path
) -> None:
    path = write(reports, period, "csv", tmp_path / "rapport.zip")
    rec = record(reports, period)
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        raw = z.read("05-target_group.csv")
    assert names == file_names(rec)
    assert names[:3] == ["00-report.csv", "01-summary.csv", "02-stock.csv"]
    assert names[-1] == "11-method.csv"
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw  # BOM, Windows line ends
    files = read_zip(path, "utf-8-sig")
    groups = {row[0]: row[1:] for row in files["05-target_group.csv"]}
    assert files["05-target_group.csv"][0] == [
        "Public cible",
        "Personnes",
        "Carnets",
        "Chèques",
        "Valeur faciale",
    ]
    assert groups["Senior"] == ["9", "18", "135", "1462,50"]  # a decimal comma, no € sign
    assert groups[YOUNG] == ["s"] * 4
    assert groups[JOBSEEKER] == ["< 5"] * 4
    assert groups["Total"] == ["28", "38", "335", "3462,50"]
    funders = {(r[0], r[1]): r[2:] for r in files["03-funders.csv"][1:]}
    assert funders[("CAF du Rhône", "CD69")] == ["33,33", "416,62", "187,48", "25,00"]
    identity = dict((r[0], r[1]) for r in files["00-report.csv"])
    assert (identity["Du"], identity["Au"]) == ("01/02/2026", "30/04/2026")
    months = files["09-month.csv"]
    assert [r[0] for r in months[1:]] == ["02/2026", "03/2026", "04/2026", "Total"]
    # Every table, cell for cell, as the record says.
    for table, name in zip(rec.all_tables, names[1:-1], strict=True):
        assert len(files[name]) == 1 + len(rows_of(table)), name


def test_csv_in_windows_1252(reports: Services, period: ReportQuery, tmp_path: Path) -> None:
    path = write(reports, period, "csv", tmp_path / "rapport.zip", encoding="cp1252")
    with zipfile.ZipFile(path) as z:
        raw = z.read("05-target_group.csv")
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert "Demandeur d'emploi sans diplôme".encode("cp1252") in raw
    files = read_zip(path, "cp1252")
    assert {r[0]: r[1] for r in files["05-target_group.csv"]}["Senior"] == "9"


# --- PDF ------------------------------------------------------------------------------------


def cells_of_line(text: str, label: str) -> list[str]:
    """The cells of the PDF's line that starts with `label` (columns are 2+ spaces apart)."""
    for line in text.splitlines():
        if line.strip().startswith(label):
            return re.split(r"\s{2,}", line.strip()[len(label) :].strip())
    raise AssertionError(f"no line starts with {label!r}")


@needs_poppler
def test_pdf_prints_the_same_tables_and_numbers_its_pages(
    reports: Services, period: ReportQuery, tmp_path: Path
) -> None:
    path = write(reports, period, "pdf", tmp_path / "rapport.pdf")
    rec = record(reports, period)
    text = pdf_text(path)
    pages = text.count("\f") + (0 if text.endswith("\f") else 1)
    assert f"Page 1 sur {pages}" in text and f"Page {pages} sur {pages}" in text
    assert "Rapport d'activité aux financeurs" in text and "Du 01/02/2026 au 30/04/2026" in text
    assert "Mairie de Bron" in text
    for table in rec.all_tables:
        assert table.title in text
    section = text[text.rindex("Personnes par public cible") :]
    assert cells_of_line(section, YOUNG) == ["s", "s", "s", "s"]
    # pdftotext may print "< 5" without its narrow space.
    assert [c.replace(" ", "") for c in cells_of_line(section, JOBSEEKER)] == ["<5"] * 4
    assert cells_of_line(section, "Senior") == ["9", "18", "135", "1 462,50 €"]
    # The totals the PDF prints are the XLSX's numbers (checked above) in French forms.
    groups = next(t for t in rec.tables if t.key == "target_group")
    assert plain(" ".join(table_texts(groups)[-1][1:])) == "28 38 335 3 462,50 €"
    total_line = [line for line in text.splitlines() if line.strip().startswith("Total")]
    assert any(
        re.split(r"\s{2,}", line.strip())[1:] == ["28", "38", "335", "3 462,50 €"]
        for line in total_line
    )
    assert "Mode de calcul de chaque indicateur" in text


def test_a_document_goes_where_it_can_or_nowhere(
    reports: Services, period: ReportQuery, tmp_path: Path, report_path: Path
) -> None:
    with pytest.raises(InvalidInput):
        write(reports, period, "xlsx", tmp_path / "missing-folder" / "r.xlsx")
    with pytest.raises(InvalidInput):
        write(reports, period, "docx", tmp_path / "r.docx")
    with pytest.raises(InvalidInput):
        write(reports, period, "csv", tmp_path / "r.zip", encoding="latin-9")
    written = [p.name for p in tmp_path.iterdir() if not p.name.startswith(report_path.name)]
    assert [name for name in written if name != "passdesk-home"] == []  # the test's own home
