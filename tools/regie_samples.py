"""The régie papers shown in the README, from a fresh small demonstration database:

    .venv/bin/python tools/regie_samples.py

Writes docs/regie-register.png (the register's first page), docs/regie-register-summary.png
(its last page: totals, closing balance, serials by status, signatures) and
docs/closing-sheet.png (a daily closing with differences: two booklets missing from the safe,
one found that the register says was handed out). Needs pdftoppm (poppler-utils).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DPI = 100  # A4 at 827 x 1170, as the other pictures in docs/


def png(pdf: Path, page: int, target: Path) -> None:
    """One page of a PDF as a PNG at `target`."""
    stem = target.with_suffix("")
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            str(DPI),
            "-png",
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            str(pdf),
            str(stem),
        ],
        check=True,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    args = parser.parse_args(argv)
    home = Path(tempfile.mkdtemp(prefix="passdesk-regie-"))
    os.environ["PASSDESK_HOME"] = str(home)
    from passdesk import codes, i18n, paths
    from passdesk.demo import build
    from passdesk.services import open_services

    paths.set_base_dir(home)
    i18n.set_language("fr")
    services = open_services(home / "demo.sqlite3")
    build(services, seed=2019, scale="small")
    register = home / "register.pdf"
    services.regie.write_register("PN19", "2026-01-01", "2026-12-31", register)
    pages = int(
        next(
            line.split()[-1]
            for line in subprocess.run(
                ["pdfinfo", str(register)], capture_output=True, text=True, check=True
            ).stdout.splitlines()
            if line.startswith("Pages:")
        )
    )
    png(register, 1, args.out / "regie-register.png")
    png(register, pages, args.out / "regie-register-summary.png")

    expected = services.closing.expected()
    safe = sorted(expected.booklets["PN19"])[2:] + sorted(expected.booklets["CD69"])
    safe.append(codes.booklet_code("PN19", 1))  # handed out, says the register
    sheet = home / "closing.pdf"
    services.closing.close_day(
        services.accounts.actor("lucie.moreau"),
        scanned=safe,
        explanation=(
            "Deux carnets PN19 remis à l'accueil de la médiathèque sans passer par PassDesk "
            "(récépissés papier à saisir demain). Le carnet PN19-C000001 a été rapporté par "
            "sa bénéficiaire : remise à annuler par le référent."
        ),
        sheet=sheet,
    )
    png(sheet, 1, args.out / "closing-sheet.png")
    services.close()
    for name in ("regie-register.png", "regie-register-summary.png", "closing-sheet.png"):
        print(args.out / name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
