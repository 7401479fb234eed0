"""`passdesk-admin print`: booklets and receipts as a desk's IT contact prints them.

What is printed scans back (zxing-cpp on a 150 dpi rendering) to exactly the codes the register
holds; receipts carry the person's name with its accents. Bad input exits 1 or 2 with a French
message, leaves the output path absent and the register row-for-row as it was.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from conftest import Console, Kit, Register

REFUSED, BAD_INPUT = 1, 2
B = "MGP26"

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None,
    reason="pdftoppm/pdftotext missing: apt-get install poppler-utils",
)


def scanned(pdf: Path) -> Counter[str]:
    """Every Code 128 decoded from the pages rendered at 150 dpi, as a scanner would see them."""
    import zxingcpp
    from PIL import Image

    found: Counter[str] = Counter()
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(
            ["pdftoppm", "-r", "150", "-gray", "-png", str(pdf), f"{folder}/p"], check=True
        )
        for page in sorted(Path(folder).glob("p-*.png")):
            with Image.open(page) as image:
                found.update(
                    r.text
                    for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.Code128)
                )
    return found


def text(pdf: Path) -> str:
    done = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True)
    return done.stdout.decode("utf-8").replace("\u00a0", " ").replace("\u202f", " ")


@pytest.fixture
def site(register: tuple[Console, Register]) -> tuple[Console, Register]:
    """The register and a range MGP26 101-120 that the desk prints itself (the rest came
    printed: printing one of those is a reprint)."""
    console, made = register
    console.ok(
        "stock", "receive", "--programme", B, "--first-booklet", "101", "--count", "20",
        "--kind", "print-on-site",
    )  # fmt: skip
    return console, made


def in_register(kit: Kit, database: Path, numbers: list[int]) -> Counter[str]:
    """What the register says those booklets hold: cover code once, each voucher twice (stub)."""
    dump = kit.dump(database)
    programme_id = next(row[0] for row in dump["programme"] if row[1] == B)
    booklets = {
        row[0]: row[4] for row in dump["booklet"] if row[1] == programme_id and row[3] in numbers
    }
    expected: Counter[str] = Counter(booklets.values())
    for row in dump["voucher"]:
        if row[2] in booklets:
            expected[row[4]] += 2
    return expected


@needs_poppler
def test_print_a_range_then_reprint_it_with_a_reason(
    site: tuple[Console, Register], kit: Kit, tmp_path: Path
) -> None:
    console, _made = site
    vouchers_before = kit.dump(console.database)["voucher"]
    first = tmp_path / "carnets.pdf"
    result = console.ok(
        "print", "booklets", "--programme", B, "--from-booklet", "110", "--count", "3",
        "-o", str(first),
    )  # fmt: skip
    # each booklet: its cover and its vouchers 4, 3 and 3 a page (the default layout)
    assert "3 carnets imprimés (30 chèques, 12 pages)" in result.err
    assert scanned(first) == in_register(kit, console.database, [110, 111, 112])
    assert "DUPLICATA" not in text(first)

    again = tmp_path / "duplicata.pdf"
    before = kit.dump(console.database)
    refused = console.run("print", "booklets", kit.booklet(111), "-o", str(again))
    assert refused.status == BAD_INPUT
    assert "motif de la réimpression" in refused.err
    assert not again.exists()
    assert kit.dump(console.database) == before

    console.ok(
        "print", "booklets", kit.voucher(1115), "-o", str(again),
        "--reprint-reason", "Bourrage de l'imprimante",
    )  # fmt: skip
    assert scanned(again) == in_register(kit, console.database, [112])
    assert text(again).count("DUPLICATA") >= 4  # every page
    after = kit.dump(console.database)
    assert after["voucher"] == vouchers_before  # no code was made, none changed
    assert len(after["print_record"]) == 4
    kinds = [row[3] for row in after["ledger_event"]]
    assert kinds.count("printed") == 3 and kinds.count("reprinted") == 1

    history = console.data("print", "history", kit.booklet(112))
    assert [(h["reprint"], h["reason"]) for h in history] == [
        (False, None),
        (True, "Bourrage de l'imprimante"),
    ]
    assert "réimprimé par" in console.ok("print", "history", kit.booklet(112)).out
    console.ok("check")


def test_print_the_next_booklets_never_printed(
    site: tuple[Console, Register], kit: Kit, tmp_path: Path
) -> None:
    console, _made = site
    document = console.data(
        "print", "booklets", "--programme", B, "--count", "2", "-o", str(tmp_path / "a.pdf")
    )
    assert document == {
        "path": str(tmp_path / "a.pdf"),
        "booklets": 2,
        "vouchers": 20,
        "pages": 8,
        "reprint": False,
    }
    # booklets 1 to 100 came printed: the first two of the range printed here come out
    assert console.data("print", "history", kit.booklet(3)) == []
    assert len(console.data("print", "history", kit.booklet(101))) == 1
    assert console.data("print", "history", kit.booklet(102))[0]["reprint"] is False


@needs_poppler
def test_receipts_name_the_person_with_accents_and_say_annule_when_cancelled(
    register: tuple[Console, Register], kit: Kit, tmp_path: Path
) -> None:
    console, made = register
    receipt = tmp_path / "recu.pdf"
    console.ok("print", "receipt", str(made.handouts["first"]), "-o", str(receipt))
    content = text(receipt)
    assert content.count("Hélène N'Diaye") == 2
    assert f"Récépissé n° {made.receipts['first']}" in content
    assert f"{kit.voucher(1)} → {kit.voucher(10)}" in content
    assert "Valeur faciale totale : 100,00 €" in content
    assert "ANNULÉ" not in content

    cancelled = tmp_path / "annule.pdf"
    console.ok("print", "receipt", str(made.handouts["cancelled"]), "-o", str(cancelled))
    content = text(cancelled)
    assert "Jean-Pierre Lefèvre-Dupont" in content
    assert "ANNULÉ" in content
    assert "erreur de saisie" in content

    # Łucja gets a booklet; an agent (not a supervisor) prints her receipt
    handout = console.data(
        "handout", "--beneficiary", str(made.people["Łucja"]), "--booklet", kit.booklet(20)
    )
    mine = tmp_path / "lucja.pdf"
    console.ok("--agent", "marie", "print", "receipt", str(handout["id"]), "-o", str(mine))
    assert text(mine).count("Łucja Nowak-Żelazna") == 2


def test_the_installed_script_prints_a_receipt(
    register: tuple[Console, Register], kit: Kit, tmp_path: Path
) -> None:
    console, made = register
    target = tmp_path / "récépissé.pdf"
    result = kit.run_installed(
        "--database", str(console.database),
        "print", "receipt", str(made.handouts["second"]), "-o", str(target),
    )  # fmt: skip
    assert result.status == 0, result
    assert target.read_bytes().startswith(b"%PDF-")
    assert "Récépissé de la remise" in result.err


BAD = {
    "unknown handout": (["print", "receipt", "9999"], BAD_INPUT, "Aucune remise"),
    "voided booklet": (["print", "booklets", "MGP26-C000100-%s"], REFUSED, "invalidé"),
    "voided booklet with a reason": (
        ["print", "booklets", "MGP26-C000100-%s", "--reprint-reason", "perdu"],
        REFUSED,
        "plus jamais",
    ),
    "delivered booklet without a reason": (
        ["print", "booklets", "MGP26-C000001-%s"],
        BAD_INPUT,
        "livré imprimé",
    ),
    "reprint without reason": (["print", "booklets", "PRINTED"], BAD_INPUT, "motif"),
    "reprint with a blank reason": (
        ["print", "booklets", "PRINTED", "--reprint-reason", "  "],
        BAD_INPUT,
        "motif",
    ),
    "agent may not print booklets": (
        ["--agent", "marie", "print", "booklets", "MGP26-C000104-%s"],
        REFUSED,
        "rôle",
    ),
    "mistyped code": (["print", "booklets", "MISTYPED"], BAD_INPUT, "clé"),
    "code and programme": (
        ["print", "booklets", "--programme", B, "MGP26-C000104-%s"],
        BAD_INPUT,
        "soit --programme",
    ),
    "nothing to print": (["print", "booklets"], BAD_INPUT, "soit --programme"),
    "from without count": (
        ["print", "booklets", "--programme", B, "--from-booklet", "105"],
        BAD_INPUT,
        "--count",
    ),
    "range past the stock": (
        ["print", "booklets", "--programme", B, "--from-booklet", "119", "--count", "5"],
        BAD_INPUT,
        "carnet 121",
    ),
    "unknown programme": (["print", "booklets", "--programme", "ZZZ26"], BAD_INPUT, "ZZZ26"),
    "missing -o": (["print", "receipt", "1"], BAD_INPUT, "-o"),
}


def _args(args: list[str], kit: Kit, printed: str) -> list[str]:
    out: list[str] = []
    for arg in args:
        if arg.startswith("MGP26-C"):
            number = int(arg.split("-")[1][1:])
            arg = kit.booklet(number)
        elif arg == "PRINTED":
            arg = printed
        elif arg == "MISTYPED":
            arg = kit.mistype(kit.booklet(104))
        out.append(arg)
    return out


@pytest.mark.parametrize("case", BAD.values(), ids=BAD.keys())
def test_bad_input_writes_no_file_and_changes_no_row(
    case: tuple[list[str], int, str],
    site: tuple[Console, Register],
    kit: Kit,
    tmp_path: Path,
) -> None:
    console, _made = site
    out = tmp_path / "pdf"
    out.mkdir()
    printed = kit.booklet(115)
    console.ok("print", "booklets", printed, "-o", str(out / "first.pdf"))
    args, status, french = case
    target = out / "out.pdf"
    argv = _args(args, kit, printed)
    if french != "-o":
        argv += ["-o", str(target)]
    before = kit.dump(console.database)
    for as_json in (False, True):
        result = console.run(*argv, as_json=as_json)
        assert result.status == status, result
        assert french in result.err, result.err
        assert "Traceback" not in result.err + result.out
        if as_json:
            assert result.json()["exit"] == status
        assert not target.exists()
        assert sorted(p.name for p in out.iterdir()) == ["first.pdf"]
        assert kit.dump(console.database) == before


def test_unwritable_output_path_writes_nothing(
    site: tuple[Console, Register], kit: Kit, tmp_path: Path
) -> None:
    console, made = site
    out = tmp_path / "pdf"
    out.mkdir()
    before = kit.dump(console.database)
    for argv in (
        ["print", "booklets", kit.booklet(105)],
        ["print", "receipt", str(made.handouts["first"])],
    ):
        for target in (out / "absent" / "x.pdf", out):
            result = console.run(*argv, "-o", str(target))
            assert result.status == BAD_INPUT, result
            assert "dossier" in result.err, result.err
    assert list(out.iterdir()) == []
    assert kit.dump(console.database) == before
