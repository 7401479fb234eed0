"""Render docs/receipt-orientation.png and docs/orientation-slip.png: a receipt and a slip
whose places come from an imported directory.

    PYTHONPATH=. .venv/bin/python tools/orientation_sample.py [--out FOLDER] [--dpi 150]

A throw-away desk in Villeurbanne imports tests/data/lieux-mediation-numerique.csv, then
names on its receipts only places within 8 km of the person; it hands a booklet to a person of
Vaulx-en-Velin whose needs include online safety, which only PIMMS Vénissieux (10 km away)
offers, so both documents say that no place near her does. Their first pages become PNGs
(pdftoppm, 80 dpi for docs/; more to look at the details).
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    parser.add_argument("--dpi", type=int, default=80)
    args = parser.parse_args(argv)
    from passdesk import paths
    from passdesk.services import open_services
    from passdesk.services.beneficiaries import BeneficiaryInput

    with tempfile.TemporaryDirectory() as folder:
        paths.set_base_dir(Path(folder))
        services = open_services(Path(folder) / "sample.sqlite3")
        admin = services.accounts.init_desk(
            name="France Services Villeurbanne",
            address="Place Lazare-Goujon",
            postcode="69100",
            commune="Villeurbanne",
        )
        services.settings.set(admin, "places_radius_km", 12)
        services.programmes.add(
            admin, code="MGP19", name="Pass Numérique Métropole", face_value="10",
            vouchers_per_booklet=10, valid_from="2026-01-01", valid_until="2027-12-31",
            funders=[("État", 45), ("Métropole de Lyon", 55)],
        )  # fmt: skip
        services.stock.receive(admin, programme_code="MGP19", first_booklet=1, count=2)
        services.place_import.import_places(
            admin, ROOT / "tests" / "data" / "lieux-mediation-numerique.csv"
        )
        services.settings.set(admin, "places_radius_km", 8)  # PIMMS Vénissieux: too far
        person = services.beneficiaries.register(
            admin,
            BeneficiaryInput(
                last_name="N'Diaye", first_name="Hélène", birth_date="12/04/1985",
                postcode="69120", commune="Vaulx-en-Velin", phone="06 12 34 56 78",
                diagnostic=("admin_procedures", "security", "equipment", "job_search"),
                consent=True, contact_consent=True,
            ),
        )  # fmt: skip
        handout = services.handouts.hand_out(admin, person.id, next_programme="MGP19")
        pdf = Path(folder) / "receipt.pdf"
        services.receipts.write_receipt(handout.id, pdf)
        services.orientation.write_slip(person.id, Path(folder) / "slip.pdf")
        services.close()
        for name, target in (("receipt", "receipt-orientation"), ("slip", "orientation-slip")):
            subprocess.run(
                ["pdftoppm", "-r", str(args.dpi), "-png", "-f", "1", "-l", "1", "-singlefile",
                 str(Path(folder) / f"{name}.pdf"), str(args.out / target)],
                check=True,
            )  # fmt: skip
    print(f"receipt-orientation.png and orientation-slip.png written to {args.out}")


if __name__ == "__main__":
    main()
