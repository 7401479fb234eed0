"""Render the paper's pictures in docs/ from the sample records (no database needed):
docs/receipt.png (a handout mixing two programmes), docs/receipt-copy.png (the same receipt
printed again after a loss), docs/booklet-cover.png and docs/booklet-vouchers.png (a named
booklet's cover and first page of vouchers).

    PYTHONPATH=. .venv/bin/python tools/paper_samples.py [--out FOLDER] [--dpi 100] [--demo]

`--demo` prints them as a demonstration desk would (DÉMONSTRATION across every page), to look
at, not for docs/.
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    parser.add_argument("--dpi", type=int, default=100)
    parser.add_argument("--demo", action="store_true")
    args = parser.parse_args(argv)
    from passdesk import i18n
    from passdesk.documents import render_booklets, render_receipt
    from passdesk.documents.samples import (
        sample_booklet,
        sample_mixed_receipt,
        sample_receipt_copy,
    )

    i18n.set_language("fr")
    receipts = {"receipt": sample_mixed_receipt(), "receipt-copy": sample_receipt_copy()}
    booklet = sample_booklet(12, 10, beneficiary_name="Hélène N'Diaye")
    if args.demo:
        receipts = {k: replace(r, desk=replace(r.desk, demo=True)) for k, r in receipts.items()}
        booklet = replace(booklet, desk=replace(booklet.desk, demo=True))
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        pages: dict[str, tuple[Path, int]] = {}
        for name, record in receipts.items():
            render_receipt(record, Path(folder) / f"{name}.pdf")
            pages[name] = (Path(folder) / f"{name}.pdf", 1)
        render_booklets([booklet], Path(folder) / "booklet.pdf")
        pages["booklet-cover"] = (Path(folder) / "booklet.pdf", 1)
        pages["booklet-vouchers"] = (Path(folder) / "booklet.pdf", 2)
        for name, (pdf, page) in pages.items():
            target = args.out / name
            subprocess.run(
                ["pdftoppm", "-r", str(args.dpi), "-f", str(page), "-l", str(page), "-png",
                 "-singlefile", str(pdf), str(target)],
                check=True,
            )  # fmt: skip
            print(f"{target}.png")


if __name__ == "__main__":
    main()
