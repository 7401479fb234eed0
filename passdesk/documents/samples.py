"""Realistic made-up booklets and receipts: for tests, docs pictures and speed measurements.

Nothing here comes from a database; the codes are built by `passdesk.codes` like real ones, so
a sample page scans and parses as a real page would.
"""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

from passdesk.codes import booklet_code, voucher_code
from passdesk.documents.records import (
    BookletRecord,
    DeskLine,
    FunderShareLine,
    PlaceLine,
    ReceiptBookletLine,
    ReceiptProgrammeLine,
    ReceiptRecord,
    VoidedLine,
    VoucherRecord,
)
from passdesk.notice import as_text, standard_sections

PROGRAMME_CODE = "LYO26"
PROGRAMME_NAME = "Pass Numérique Métropole de Lyon 2026"
FACE_VALUE = Decimal("10.00")
VALID_FROM = date(2026, 1, 1)
VALID_UNTIL = date(2026, 12, 31)

FUNDERS = (
    FunderShareLine("État — Agence nationale de la cohésion des territoires", Decimal("45")),
    FunderShareLine("Métropole de Lyon", Decimal("55")),
)

PLACES = (
    PlaceLine(
        "Médiathèque du Tonkin",
        "2 bis promenade du Lys Orange",
        "69100",
        "Villeurbanne",
        "04 78 89 78 40",
        ("Maîtrise des outils numériques du quotidien", "Aide aux démarches administratives"),
        opening_hours="mar.–ven. 10 h–12 h 30, 14 h–18 h 30; sam. 10 h–17 h",
    ),
    PlaceLine(
        "Espace numérique des Buers",
        "17 rue Mansard",
        "69100",
        "Villeurbanne",
        "04 72 37 41 10",
        (
            "Maîtrise des outils numériques du quotidien",
            "Insertion professionnelle via le numérique",
        ),
        opening_hours="lun.–ven. 9 h 30–12 h 30, 14 h–17 h 30",
    ),
    PlaceLine(
        "France Services Villeurbanne Saint-Jean",
        "36 rue Saint-Jean",
        "69100",
        "Villeurbanne",
        "04 87 65 43 21",
        ("Aide aux démarches administratives", "Accompagner les démarches de santé"),
        opening_hours="lun.–jeu. 8 h 30–12 h, 13 h 30–17 h; ven. 8 h 30–12 h",
    ),
    PlaceLine(
        "Fab lab de la Doua",
        "43 boulevard du 11 Novembre 1918",
        "69100",
        "Villeurbanne",
        "",
        ("Créer avec le numérique", "Promouvoir la citoyenneté numérique"),
    ),
    PlaceLine(
        "Centre social Cusset",
        "2 rue Eugène Fournière",
        "69100",
        "Villeurbanne",
        "04 78 85 13 52",
        (
            "Aide aux démarches administratives",
            "Soutenir la parentalité et l'éducation avec le numérique",
        ),
    ),
    PlaceLine(
        "Bibliothèque municipale du 3e — Duguesclin",
        "246 rue Duguesclin",
        "69003",
        "Lyon",
        "04 78 62 18 00",
        ("Maîtrise des outils numériques du quotidien",),
    ),
    PlaceLine(
        "Maison de la Métropole pour les solidarités",
        "18 rue Jean-Baptiste Clément",
        "69120",
        "Vaulx-en-Velin",
        "04 26 83 91 00",
        ("Aide aux démarches administratives", "Insertion professionnelle via le numérique"),
    ),
    PlaceLine(
        "Association Connect'Emploi",
        "5 place Grandclément",
        "69100",
        "Villeurbanne",
        "06 12 34 56 78",
        ("Insertion professionnelle via le numérique",),
    ),
    PlaceLine(
        "Espace public numérique de Bron",
        "1 esplanade Jean Moulin",
        "69500",
        "Bron",
        "04 72 36 13 00",
        ("Maîtrise des outils numériques du quotidien",),
    ),
    PlaceLine(
        "Cyber-base de Vénissieux",
        "12 avenue Marcel Houël",
        "69200",
        "Vénissieux",
        "04 72 21 44 44",
        ("Maîtrise des outils numériques du quotidien", "Aide aux démarches administratives"),
    ),
)

OTHER_CODE = "RHO26"
OTHER_NAME = "Pass Numérique Département du Rhône"
OTHER_FACE_VALUE = Decimal("20.00")
OTHER_UNTIL = date(2026, 6, 30)
OTHER_FUNDERS = (FunderShareLine("Département du Rhône", Decimal("100")),)
DPO_CONTACT = "Délégué à la protection des données du CCAS, dpo@ccas-villeurbanne.fr"

REIMBURSEMENT = (
    "Métropole de Lyon, Direction de l'inclusion numérique, 20 rue du Lac, CS 33569, "
    "69505 Lyon Cedex 03"
)

COVER_TEXT = (
    "Ce carnet vous donne droit à un accompagnement au numérique : ateliers collectifs, aide "
    "personnalisée pour vos démarches en ligne, prise en main d'un ordinateur ou d'un "
    "smartphone. Présentez-le dans l'un des lieux qualifiés ci-dessous ; le médiateur détache "
    "un chèque par séance. Des questions ? Appelez le CCAS au 04 78 03 67 67."
)


def sample_logo() -> bytes:
    """A small PNG standing in for a desk's logo."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (240, 120), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((4, 4, 116, 116), fill=(17, 75, 95, 255))
    draw.rectangle((40, 40, 80, 80), fill=(255, 255, 255, 255))
    draw.rectangle((130, 30, 236, 50), fill=(17, 75, 95, 255))
    draw.rectangle((130, 66, 210, 86), fill=(120, 160, 175, 255))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def sample_desk(with_logo: bool = True) -> DeskLine:
    return DeskLine(
        "CCAS de Villeurbanne",
        "Place Lazare-Goujon",
        "69100",
        "Villeurbanne",
        "26690266700012",
        sample_logo() if with_logo else None,
    )


def sample_booklet(
    number: int = 12,
    vouchers: int = 10,
    *,
    desk: DeskLine | None = None,
    beneficiary_name: str | None = None,
    duplicate: bool = False,
    places: tuple[PlaceLine, ...] = PLACES,
    programme_code: str = PROGRAMME_CODE,
) -> BookletRecord:
    first = (number - 1) * vouchers + 1
    return BookletRecord(
        programme_code=programme_code,
        programme_name=PROGRAMME_NAME,
        booklet_code=booklet_code(programme_code, number),
        booklet_number=number,
        vouchers=tuple(
            VoucherRecord(voucher_code(programme_code, first + i), i + 1, FACE_VALUE)
            for i in range(vouchers)
        ),
        face_value=FACE_VALUE,
        valid_from=VALID_FROM,
        valid_until=VALID_UNTIL,
        funders=FUNDERS,
        desk=desk or sample_desk(),
        places=places,
        cover_text=COVER_TEXT,
        beneficiary_name=beneficiary_name,
        duplicate=duplicate,
        reimbursement=REIMBURSEMENT,
    )


def sample_receipt(
    beneficiary_name: str = "Hélène N'Diaye",
    booklets: tuple[int, ...] = (12, 13),
    *,
    notice_text: str = "",
    cancelled: bool = False,
    cancel_reason: str | None = None,
    override_reason: str | None = None,
    with_logo: bool = True,
) -> ReceiptRecord:
    """A handout of the given booklets (10 vouchers each, one programme) to one person."""
    lines = []
    for number in booklets:
        record = sample_booklet(number, 10, desk=DeskLine("x"), places=())
        lines.append(
            ReceiptBookletLine(
                record.booklet_code,
                record.vouchers[0].code,
                record.vouchers[-1].code,
                len(record.vouchers),
                record.total_value,
                record.programme_name,
            )
        )
    if not notice_text:  # the standard notice, as a desk that kept it prints it
        desk = "CCAS de Villeurbanne, Place Lazare-Goujon, 69100 Villeurbanne"
        notice_text = " ".join(as_text(standard_sections(desk, 36, DPO_CONTACT)).splitlines())
    return ReceiptRecord(
        receipt_number="2026-000123",
        issued_at=datetime(2026, 3, 14, 10, 42),
        desk=sample_desk(with_logo),
        agent_name="Marie Lefèvre",
        beneficiary_name=beneficiary_name,
        booklets=tuple(lines),
        total_value=sum((line.value for line in lines), Decimal(0)),
        programmes=(
            ReceiptProgrammeLine(
                PROGRAMME_NAME,
                VALID_FROM,
                VALID_UNTIL,
                FUNDERS,
                sum(line.voucher_count for line in lines),
                sum((line.value for line in lines), Decimal(0)),
            ),
        ),
        notice_text=notice_text,
        beneficiary_birth_date=date(1961, 5, 2),
        beneficiary_address=("12 rue des Acacias", "69100 Villeurbanne"),
        override_reason=override_reason,
        places=PLACES,
        cancelled=cancelled,
        cancel_reason=cancel_reason,
        notice_version=1,
        dpo_contact=DPO_CONTACT,
    )


def sample_mixed_receipt() -> ReceiptRecord:
    """Two booklets of the metropolis's programme and one of the département's, which ends
    sooner and has its own funder: the receipt says each one's validity and funders."""
    record = sample_receipt(booklets=(12, 13))
    other = sample_booklet(4, 5, desk=DeskLine("x"), places=(), programme_code=OTHER_CODE)
    line = ReceiptBookletLine(
        other.booklet_code,
        other.vouchers[0].code,
        other.vouchers[-1].code,
        len(other.vouchers),
        OTHER_FACE_VALUE * len(other.vouchers),
        OTHER_NAME,
    )
    return replace(
        record,
        booklets=(*record.booklets, line),
        total_value=record.total_value + line.value,
        programmes=(
            *record.programmes,
            ReceiptProgrammeLine(
                OTHER_NAME, VALID_FROM, OTHER_UNTIL, OTHER_FUNDERS, line.voucher_count, line.value
            ),
        ),
    )


def sample_receipt_copy() -> ReceiptRecord:
    """The receipt printed again a week later, after the person lost one voucher."""
    record = sample_receipt(booklets=(12, 13))
    first, second = record.booklets
    lost = VoidedLine(second.first_voucher_code, date(2026, 3, 19), "perdu")
    return replace(
        record,
        booklets=(first, replace(second, voided_since=(lost,))),
        copy_printed_at=datetime(2026, 3, 21, 9, 15),
    )


def main(argv: list[str] | None = None) -> None:
    """`python -m passdesk.documents.samples FOLDER`: sample PDFs to look at (docs pictures)."""
    import sys
    from pathlib import Path

    from passdesk.documents.booklets import render_booklets
    from passdesk.documents.receipt import render_receipt

    folder = Path((argv if argv is not None else sys.argv[1:] or ["."])[0])
    folder.mkdir(parents=True, exist_ok=True)
    render_booklets(
        [sample_booklet(12, 10, beneficiary_name="Hélène N'Diaye")], folder / "sample-booklet.pdf"
    )
    render_booklets([sample_booklet(13, 10, duplicate=True)], folder / "sample-reprint.pdf")
    render_receipt(sample_receipt(), folder / "sample-receipt.pdf")
    render_receipt(
        sample_receipt(
            "Łucja Nowak-Żelazna",
            cancelled=True,
            cancel_reason="Carnet remis à la mauvaise personne.",
        ),
        folder / "sample-receipt-cancelled.pdf",
    )


if __name__ == "__main__":
    main()
