"""Render docs/notice.png and docs/person-export.png: the information notice as a desk prints it,
and the first page of a person's data export.

    PYTHONPATH=. .venv/bin/python tools/privacy_images.py [--out FOLDER] [--dpi 80]

A throw-away desk in Villeurbanne (a data-protection contact set, 24 months of retention) serves
a person: registered with consent, two handouts (one cancelled), a voucher used at a place, a
follow-up call, the notice printed for her; then her data are exported. The PDFs' first pages
become PNGs (pdftoppm).
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    parser.add_argument("--dpi", type=int, default=80)
    args = parser.parse_args(argv)
    from passdesk import i18n, paths
    from passdesk.services import Services
    from passdesk.services.beneficiaries import BeneficiaryInput
    from passdesk.services.places import PlaceInput
    from passdesk.store import open_database

    i18n.set_language("fr")
    now = [datetime(2026, 3, 10, 9, 30, tzinfo=UTC)]
    with tempfile.TemporaryDirectory() as folder:
        paths.set_base_dir(Path(folder))
        services = Services.build(open_database(Path(folder) / "sample.sqlite3"), lambda: now[0])
        admin = services.accounts.init_desk(
            name="France Services Villeurbanne",
            address="Place Lazare-Goujon",
            postcode="69100",
            commune="Villeurbanne",
            admin_name="Awa Traoré",
        )
        services.settings.set(admin, "retention_months", 24)
        services.settings.set(
            admin, "dpo_contact", "Délégué à la protection des données, dpo@villeurbanne.fr"
        )
        services.programmes.add(
            admin, code="MGP19", name="Pass Numérique Métropole", face_value="10",
            vouchers_per_booklet=10, valid_from="2026-01-01", valid_until="2027-12-31",
            funders=[("État", 45), ("Métropole de Lyon", 55)],
        )  # fmt: skip
        services.stock.receive(admin, programme_code="MGP19", first_booklet=1, count=4)
        services.places.add(admin, PlaceInput("Médiathèque Le Rize", postcode="69100"))
        person = services.beneficiaries.register(
            admin,
            BeneficiaryInput(
                last_name="N'Diaye", first_name="Hélène", birth_date="12/04/1985",
                postcode="69120", commune="Vaulx-en-Velin", phone="06 12 34 56 78",
                email="helene.ndiaye@exemple.fr", target_group="jobseeker_no_diploma",
                diagnostic=("admin_procedures", "job_search"), consent=True,
                contact_consent=True,
            ),
        )  # fmt: skip
        handout = services.handouts.hand_out(admin, person.id, next_programme="MGP19")
        wrong = services.handouts.hand_out(admin, person.id, next_programme="MGP19")
        services.handouts.cancel(admin, wrong.id, "Carnet remis en double par erreur")
        now[0] += timedelta(days=9)
        usage = Path(folder) / "usage.csv"
        first = handout.booklets[0].first_voucher_code
        usage.write_text(f"code;date;lieu;montant\n{first};19/03/2026;1;10\n", encoding="utf-8")
        services.usage.import_file(admin, usage)
        now[0] += timedelta(days=40)
        services.followup.record_call(admin, person.id, "reached", "Ira à la médiathèque jeudi")
        services.beneficiaries.open(admin, person.id)
        now[0] += timedelta(minutes=5)
        notice_pdf = Path(folder) / "notice.pdf"
        services.notice.write(admin, notice_pdf, beneficiary_id=person.id)
        export_pdf = Path(folder) / "export.pdf"
        services.person_export.export(admin, person.id, export_pdf)
        services.close()
        args.out.mkdir(parents=True, exist_ok=True)
        for pdf, name in ((notice_pdf, "notice"), (export_pdf, "person-export")):
            prefix = Path(folder) / name
            subprocess.run(
                ["pdftoppm", "-png", "-r", str(args.dpi), "-f", "1", "-l", "1", "-singlefile",
                 str(pdf), str(prefix)],
                check=True,
            )  # fmt: skip
            (args.out / f"{name}.png").write_bytes(prefix.with_suffix(".png").read_bytes())
            print(args.out / f"{name}.png")


if __name__ == "__main__":
    main()
