"""`passdesk-admin report` and the programmes' targeting, as the IT contact uses them: figures on
stdout (raw with --json), documents with small cells hidden, refusals that change nothing."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from passdesk.cli import build_parser


def today() -> str:
    return date.today().isoformat()


def period() -> list[str]:
    return ["--from", today(), "--to", today()]


def test_programmes_declare_their_priority_groups(console, kit) -> None:  # noqa: ANN001
    console.ok("init", "--desk", "Mairie")
    row = console.data(
        "programme", "add", "--code", "PN26", "--name", "Pass", *kit.PROGRAMME_ARGS,
        "--funder", "État=100", "--target-group", "young_no_qualification",
        "--target-group", "senior", "--priority-group", "young_no_qualification",
        "--priority-quota", "50",
    )  # fmt: skip
    assert row["priority_groups"] == ["young_no_qualification"]
    assert row["priority_quota"] == "50.00"
    listed = console.ok("programme", "list").out
    assert "prioritaires : young_no_qualification ; quota prioritaire : 50" in listed
    row = console.data("programme", "edit", "PN26", "--no-priority-quota")
    assert (row["priority_groups"], row["priority_quota"]) == (["young_no_qualification"], None)
    before = kit.dump(console.database)
    refused = console.run("programme", "edit", "PN26", "--priority-group", "other")
    assert refused.status == 2 and "ne fait pas partie des publics cibles" in refused.err
    assert kit.dump(console.database) == before


def test_report_figures_on_stdout(register) -> None:  # noqa: ANN001
    console, _made = register
    data = console.data("report", *period())
    by_code = {p["code"]: p for p in data["programmes"]}
    # Hélène's two booklets; Jean-Pierre's, cancelled the same day; booklet 100 lost.
    assert by_code["MGP26"]["handed_out"] == {"booklets": 2, "vouchers": 20, "value": "200.00"}
    assert by_code["MGP26"]["returned"]["booklets"] == 1
    assert by_code["MGP26"]["voided"]["booklets"] == 1
    assert by_code["MGP26"]["received"]["booklets"] == 100
    assert by_code["LYON26"]["received"]["booklets"] == 10
    assert (data["people_served"], data["new_people"], data["handouts"]) == (1, 1, 2)
    # Raw, for the desk itself: one person is printed as 1, not "< 5".
    groups = next(b for b in data["breakdowns"] if b["dimension"] == "target_group")
    assert groups["total"]["people"] == 1
    human = console.ok("report", *period()).out.replace("\u00a0", " ").replace("\u202f", " ")
    assert "Carnets remis : 2 (200,00 €)" in human
    assert "Personnes servies : 1, dont nouvelles : 1" in human


def test_report_documents(register, tmp_path: Path) -> None:  # noqa: ANN001
    console, _made = register
    for kind, name in (("pdf", "r.pdf"), ("xlsx", "r.xlsx"), ("csv", "r.zip")):
        result = console.data("report", *period(), "--format", kind, "-o", str(tmp_path / name))
        assert result == {"written": str(tmp_path / name), "format": kind}
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
    summary = load_workbook(tmp_path / "r.xlsx")["Synthèse"]
    cells = {row[0]: row[1] for row in summary.iter_rows(values_only=True) if row[0]}
    assert cells["Carnets remis"] == 2 and cells["Personnes servies"] == "< 5"
    with zipfile.ZipFile(tmp_path / "r.zip") as z:
        rows = list(
            csv.reader(io.StringIO(z.read("01-summary.csv").decode("utf-8-sig")), delimiter=";")
        )
    assert ["Personnes servies", "< 5", ""] in rows


def test_pseudonymised_export_is_for_an_administrator(register, tmp_path: Path, kit) -> None:  # noqa: ANN001
    console, _made = register
    target = tmp_path / "etat.csv"
    before = kit.dump(console.database)
    refused = console.run(
        "--agent", "marie", "report", *period(), "--funder", "État", "--format",
        "pseudonymised", "-o", str(target),
    )  # fmt: skip
    assert refused.status == 1 and "Votre rôle ne permet pas" in refused.err
    assert not target.exists() and kit.dump(console.database) == before
    done = console.data(
        "report", *period(), "--funder", "État", "--format", "pseudonymised", "-o", str(target)
    )
    assert done["rows"] == 2  # Hélène's two handouts, under one pseudonym
    text = target.read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))[3:]
    assert len({r[0] for r in rows}) == 1
    assert "Hélène" not in text and "N'Diaye" not in text and "pseudonymisées" in text


@pytest.mark.parametrize(
    "args",
    [
        ["--from", "2026-05-01", "--to", "2026-04-01"],  # the end before the start
        ["--from", "2026-02-30", "--to", "2026-04-01"],  # no such day
        [*["--from", "2026-01-01", "--to", "2026-12-31"], "--programme", "NOPE1"],
        [*["--from", "2026-01-01", "--to", "2026-12-31"], "--funder", "Personne"],
        [*["--from", "2026-01-01", "--to", "2026-12-31"], "--format", "xlsx"],  # no -o
        [
            *["--from", "2026-01-01", "--to", "2026-12-31"],
            "--format",
            "pseudonymised",
            "-o",
            "p.csv",
        ],
        [*["--from", "2026-01-01", "--to", "2026-12-31"], "--format", "docx", "-o", "r.docx"],
    ],
)
def test_bad_report_requests_are_refused_and_change_nothing(
    register,
    kit,
    tmp_path: Path,
    args: list[str],
    monkeypatch: pytest.MonkeyPatch,  # noqa: ANN001
) -> None:
    console, _made = register
    monkeypatch.chdir(tmp_path)
    before = kit.dump(console.database)
    result = console.run("report", *args)
    assert result.status in (1, 2, 3), result
    assert result.err.strip() and "Traceback" not in result.err
    assert kit.dump(console.database) == before
    assert not [p for p in tmp_path.iterdir() if p.suffix in (".csv", ".docx", ".xlsx")]


def test_the_help_says_what_leaves_the_desk() -> None:
    parser = build_parser()
    report = parser._subparsers._group_actions[0].choices["report"]  # type: ignore[union-attr]
    text = report.format_help()
    assert ".zip" in text and "--json" in text and "pseudonymised" in text
