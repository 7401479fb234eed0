"""Render docs/receipt-orientation.png: a receipt whose places come from an imported directory.

    PYTHONPATH=. .venv/bin/python tools/orientation_sample.py

A throw-away desk in Villeurbanne imports tests/data/lieux-mediation-numerique.csv, hands a
booklet to a person of Vaulx-en-Velin whose needs include one no place near answers, prints
the receipt and turns its first page into a PNG (pdftoppm -r 80).
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
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
                ["pdftoppm", "-r", "80", "-png", "-f", "1", "-l", "1", "-singlefile",
                 str(Path(folder) / f"{name}.pdf"), str(ROOT / "docs" / target)],
                check=True,
            )  # fmt: skip
    print("docs/receipt-orientation.png and docs/orientation-slip.png written")


if __name__ == "__main__":
    main()
