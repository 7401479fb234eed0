"""Issue 11 from the console: the places directory, the usage file and its mappings, the
follow-up list and calls, the orientation slip. Each command succeeds with the documented
--json document; bad input exits 2 with a French message and leaves the register row for row
as it was; a dry run writes nothing.

The register (tests/acceptance/conftest.py) is a desk in Lyon 8e where Hélène holds MGP26
booklets 1 and 2 (vouchers 1-20), handed out today; Łucja and Jean-Pierre hold nothing.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Any

import pytest

PLACES = Path(__file__).parents[1] / "data" / "lieux-mediation-numerique.csv"
NEAR = {
    "Espace numérique Vaulx Centre",
    "Médiathèque Georges-Brassens",
    "PIMMS Vénissieux",
    "Bus numérique de l'Est lyonnais",
}
BAD_INPUT = 2
TODAY = date.today().strftime("%d/%m/%Y")


@pytest.fixture
def located(register: Any) -> Any:
    """The register with the places directory imported (lieu-001 is in Vaulx-en-Velin)."""
    console, made = register
    console.ok("places", "import", str(PLACES))
    return console, made


def usage_file(folder: Path, rows: list[str], name: str = "usage.csv") -> Path:
    path = folder / name
    path.write_text("code;date;lieu;montant\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def refused_unchanged(console: Any, kit: Any, *args: str, french: str) -> Any:
    """Run `args`, expect bad input (2) with `french` in the message and nothing changed."""
    before = kit.dump(console.database)
    result = console.run(*args)
    assert result.status == BAD_INPUT, result
    assert french in result.err, result.err
    assert "Traceback" not in result.err
    assert kit.dump(console.database) == before
    return result


# --- places import --------------------------------------------------------------------------


def test_places_import_previews_with_counts_then_imports_and_updates_by_id(
    register: Any, kit: Any
) -> None:
    console, _made = register
    before = kit.dump(console.database)
    preview = console.data("places", "import", str(PLACES), "--dry-run")
    assert kit.dump(console.database) == before  # a dry run writes nothing
    assert set(preview) == {
        "applied", "rows", "new", "changed", "unchanged", "gone", "outside", "radius_km",
        "rejected", "warnings",
    }  # fmt: skip
    assert preview["applied"] is False and preview["rows"] == 5
    assert set(preview["new"]) == NEAR and preview["outside"] == 1  # Paris
    assert preview["rejected"] == [] and preview["radius_km"] == 30
    assert any("Cours de cuisine" in w for w in preview["warnings"])
    said = console.ok("places", "import", str(PLACES), "--dry-run")
    assert "--dry-run" in said.err and "4" in said.err

    done = console.data("places", "import", str(PLACES))
    assert done["applied"] is True and set(done["new"]) == NEAR
    assert len(kit.dump(console.database)["place"]) == 4
    again = console.data("places", "import", str(PLACES))
    assert (again["new"], again["changed"], again["unchanged"]) == ([], [], 4)


def test_places_file_with_a_rejected_row_changes_nothing_and_names_the_row(
    register: Any, kit: Any, tmp_path: Path
) -> None:
    console, _made = register
    bad = tmp_path / "bad.csv"
    text = PLACES.read_text(encoding="utf-8-sig")
    bad.write_text(text.replace('"Médiathèque Georges-Brassens"', '""'), encoding="utf-8")
    result = refused_unchanged(console, kit, "places", "import", str(bad), french="Ligne 3")
    assert "rien n'a donc été importé" in result.err and "pas de nom" in result.err
    preview = console.data("places", "import", str(bad), "--dry-run")
    assert preview["rejected"][0]["line"] == 3


@pytest.mark.parametrize(
    ("content", "french"),
    [
        (None, "Impossible de lire"),
        ("a;b\n1;2\n", "colonne id"),
    ],
    ids=["missing file", "not the standard"],
)
def test_places_import_of_a_file_it_cannot_use_is_bad_input(
    register: Any, kit: Any, tmp_path: Path, content: str | None, french: str
) -> None:
    console, _made = register
    path = tmp_path / "lieux.csv"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    refused_unchanged(console, kit, "places", "import", str(path), french=french)


# --- usage import ---------------------------------------------------------------------------


def test_usage_import_previews_then_applies_and_a_second_run_adds_nothing(
    located: Any, kit: Any, tmp_path: Path
) -> None:
    console, _made = located
    path = usage_file(
        tmp_path,
        [
            f"{kit.voucher(1)};{TODAY};lieu-001;10,00",
            f"{kit.voucher(2).replace('-', '')};{TODAY};lieu-002;10",
            f"{kit.voucher(50)};{TODAY};lieu-001;10",  # in stock: never handed out
        ],
    )
    before = kit.dump(console.database)
    preview = console.data("usage", "import", str(path), "--dry-run")
    assert kit.dump(console.database) == before
    assert set(preview) == {
        "file", "dry_run", "already_imported_on", "rows", "applied", "anomalies", "import_id"
    }  # fmt: skip
    assert preview["dry_run"] is True and preview["import_id"] is None
    assert (preview["rows"], preview["applied"]) == (3, 2)
    assert preview["anomalies"] == {"not_handed_out": 1}

    anomalies = tmp_path / "anomalies.csv"
    done = console.run("usage", "import", str(path), "--anomalies", str(anomalies))
    assert done.status == 0, done
    assert "2 chèques enregistrés comme utilisés" in done.err or "2" in done.err
    with anomalies.open(encoding="utf-8-sig", newline="") as stream:
        listed = list(csv.reader(stream, delimiter=";"))
    assert listed[0][0] == "ligne" and listed[1][:3] == ["4", kit.voucher(50), "not_handed_out"]
    statuses = {row[4]: row[5] for row in kit.dump(console.database)["voucher"]}
    assert statuses[kit.voucher(1)] == statuses[kit.voucher(2)] == "used"
    assert console.ok("check").status == 0  # the journal's chain holds

    after = kit.dump(console.database)
    again = console.data("usage", "import", str(path))
    assert again["already_imported_on"] is not None and again["applied"] == 0
    assert kit.dump(console.database) == after
    said = console.ok("usage", "import", str(path))
    assert "déjà été importé" in said.err

    rates = console.data("usage", "rates")
    assert rates[0]["used"] == 2 and rates[0]["rate"] > 0
    assert set(rates[0]) >= {"key", "label", "handed_out", "used", "rate"}


@pytest.mark.parametrize(
    ("rows", "header", "french"),
    [
        (["{v1};{today};lieu-001;10", "{v2};31/02/2026;lieu-001;10"], None, "ligne 3"),
        (["{v1};{today};lieu-001;dix euros"], None, "n'est pas un montant"),
        (["{v1};{today}"], None, "ligne 2"),
        (["{v1};{today};lieu-001;10"], "Numéro;Jour;Où;Valeur", "usage mapping"),
    ],
    ids=["impossible date", "amount in words", "missing cells", "unknown columns"],
)
def test_a_usage_file_that_cannot_be_read_is_bad_input_and_changes_nothing(
    located: Any, kit: Any, tmp_path: Path, rows: list[str], header: str | None, french: str
) -> None:
    console, _made = located
    filled = [r.format(v1=kit.voucher(1), v2=kit.voucher(2), today=TODAY) for r in rows]
    path = usage_file(tmp_path, filled)
    if header is not None:
        path.write_text(header + "\n" + "\n".join(filled) + "\n", encoding="utf-8")
    refused_unchanged(console, kit, "usage", "import", str(path), french=french)
    refused_unchanged(console, kit, "usage", "import", str(path), "--dry-run", french=french)


def test_a_named_mapping_is_saved_once_and_reads_the_operators_columns(
    located: Any, kit: Any, tmp_path: Path
) -> None:
    console, _made = located
    path = tmp_path / "aptic.csv"
    path.write_text(f"Numéro;Où;Valeur;Jour\n{kit.voucher(3)};lieu-001;10;{TODAY}\n", "utf-8")
    refused_unchanged(
        console, kit, "usage", "import", str(path), "--mapping", "Aptic", french="Aptic"
    )
    saved = console.data(
        "usage", "mapping", "Aptic",
        "--code", "Numéro", "--date", "Jour", "--place", "Où", "--amount", "Valeur",
    )  # fmt: skip
    assert saved == {
        "name": "Aptic",
        "columns": {"code": "Numéro", "date": "Jour", "place": "Où", "amount": "Valeur"},
    }
    done = console.data("usage", "import", str(path), "--mapping", "Aptic")
    assert (done["applied"], done["anomalies"]) == (1, {})
    wrong = tmp_path / "other.csv"
    wrong.write_text(f"Code;Quand;Lieu;Valeur\n{kit.voucher(4)};{TODAY};lieu-001;10\n", "utf-8")
    refused_unchanged(
        console, kit, "usage", "import", str(wrong), "--mapping", "Aptic", french="Numéro"
    )
    refused_unchanged(
        console, kit, "usage", "mapping", "x" * 61,
        "--code", "a", "--date", "b", "--place", "c", "--amount", "d",
        french="60 caractères",
    )  # fmt: skip


# --- follow-up ------------------------------------------------------------------------------


def test_followup_lists_who_used_nothing_then_records_a_call(
    located: Any, kit: Any, tmp_path: Path
) -> None:
    console, made = located
    helene = made.people["Hélène"]
    listed = console.data("followup", "list", "--weeks", "0")
    assert [row["beneficiary_id"] for row in listed] == [helene]  # the only standing handout
    assert set(listed[0]) == {
        "beneficiary_id", "name", "handed_out_on", "weeks", "phone", "contact_consent",
        "last_call_on", "last_outcome",
    }  # fmt: skip
    assert listed[0]["name"] == "Hélène N'Diaye" and listed[0]["phone"] == ""  # no consent
    assert console.data("followup", "list") == []  # the setting: weeks after the handout
    human = console.ok("followup", "list", "--weeks", "0")
    assert "Hélène" in human.out and "1 personne" in human.out

    calling = tmp_path / "appels.csv"
    console.ok("followup", "list", "--weeks", "0", "-o", str(calling))
    assert "Hélène N'Diaye" in calling.read_text(encoding="utf-8-sig")

    call = console.data("followup", "call", str(helene), "--outcome", "no_answer")
    assert call == {"beneficiary": helene, "outcome": "no_answer"}
    again = console.data("followup", "list", "--weeks", "0")
    assert again[0]["last_outcome"] == "no_answer" and again[0]["last_call_on"]

    used = usage_file(tmp_path, [f"{kit.voucher(5)};{TODAY};lieu-001;10"], "used.csv")
    console.ok("usage", "import", str(used))
    assert console.data("followup", "list", "--weeks", "0") == []  # she went


@pytest.mark.parametrize(
    ("args", "french"),
    [
        (["followup", "call", "999", "--outcome", "reached"], "Aucun bénéficiaire"),
        (["followup", "call", "1", "--outcome", "peut-être"], "choix non valide"),
        (["followup", "list", "--weeks", "-1"], "entre 0 et 520"),
        (["followup", "list", "--weeks", "9999999999"], "entre 0 et 520"),
        (["print", "orientation", "999", "-o", "{tmp}/slip.pdf"], "Aucun bénéficiaire"),
    ],
    ids=[
        "unknown person",
        "unknown outcome",
        "negative weeks",
        "weeks past any date",
        "slip of nobody",
    ],
)
def test_followup_and_slip_bad_input_change_nothing(
    located: Any, kit: Any, tmp_path: Path, args: list[str], french: str
) -> None:
    console, _made = located
    filled = [a.format(tmp=tmp_path) for a in args]
    refused_unchanged(console, kit, *filled, french=french)
    assert not list(tmp_path.glob("*.pdf"))


def test_the_orientation_slip_is_printed_for_a_person(
    located: Any, kit: Any, tmp_path: Path
) -> None:
    console, made = located
    before = kit.dump(console.database)
    target = tmp_path / "orientation.pdf"
    done = console.data("print", "orientation", str(made.people["Hélène"]), "-o", str(target))
    assert done == {"beneficiary": made.people["Hélène"], "path": str(target)}
    assert target.read_bytes().startswith(b"%PDF")
    after = kit.dump(console.database)
    # Printing a slip records nothing but the access to the person's data (issue 12).
    assert [row[2:] for row in after.pop("access_log")] == [(1, made.people["Hélène"], "slip", "")]
    before.pop("access_log")
    assert after == before
