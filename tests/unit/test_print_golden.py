"""Golden files of what a receipt and a booklet say, gathered from a register in a known state.

The plain records (`build_receipt`, `build_booklets`) are written as stable JSON and compared to
tests/unit/golden/*.json, with a fixed clock, fixed data and the desk in Europe/Paris. A change of
content then shows up as a readable diff to review; when it is wanted, rewrite the files with

    PASSDESK_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/unit/test_print_golden.py

and review the diff of tests/unit/golden/ before committing it.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import time
from collections.abc import Iterator
from dataclasses import fields, is_dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from passdesk import codes
from passdesk.services.beneficiaries import BeneficiaryInput
from passdesk.services.places import PlaceInput

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("PASSDESK_UPDATE_GOLDEN") == "1"
P = "MGP19"


def plain(value: Any) -> Any:
    """A record as JSON values: Decimals and dates as text, bytes as their digest."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return "sha256:" + hashlib.sha256(value).hexdigest()
    return value


def check_golden(name: str, record: Any) -> None:
    text = json.dumps(plain(record), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    path = GOLDEN / f"{name}.json"
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    assert path.exists(), f"{path} is missing: run with PASSDESK_UPDATE_GOLDEN=1 and review it"
    expected = path.read_text(encoding="utf-8")
    if text != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                text.splitlines(keepends=True),
                f"golden/{name}.json",
                "now",
            )
        )
        pytest.fail(
            f"{name}: the printed content changed. If that is wanted, rerun with "
            f"PASSDESK_UPDATE_GOLDEN=1 and review the diff.\n{diff}",
            pytrace=False,
        )


@pytest.fixture(autouse=True)
def paris(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The desk's local time is Paris, whatever the machine running the tests."""
    monkeypatch.setenv("TZ", "Europe/Paris")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def desk(services: Any, admin: Any, supervisor: Any, lot: Any) -> Any:
    """A desk handing out booklets delivered printed, with its settings and places."""
    return furnished(services, admin, supervisor)


@pytest.fixture
def printing_desk(services: Any, admin: Any, supervisor: Any, site_lot: Any) -> Any:
    """The same desk, its booklets a range it prints itself."""
    return furnished(services, admin, supervisor)


def furnished(services: Any, admin: Any, supervisor: Any) -> Any:
    """Settings and places a desk would have: a footer, a cover text, three places."""
    services.accounts.update_desk(
        admin,
        name="Mairie de Villeurbanne",
        address="Place Lazare-Goujon",
        postcode="69100",
        commune="Villeurbanne",
        siret="73282932000074",
    )
    services.settings.set(admin, "receipt_footer", "Accueil du lundi au vendredi, 8 h 30 – 17 h")
    services.settings.set(admin, "cover_text", "Gardez ce carnet avec vos papiers.")
    services.settings.set(admin, "dpo_contact", "dpo@villeurbanne.fr, Hôtel de ville")
    services.settings.set(
        admin, "reimbursement_address", "Métropole de Lyon, 20 rue du Lac, 69003 Lyon"
    )
    for place in (
        PlaceInput(
            "Médiathèque du Tonkin", "2 promenade Lénine", "69100", "Villeurbanne", "04 78 68 04 04",
            opening_hours="Mo-Fr 09:30-12:30,14:00-17:30",
            services=("Maîtrise des outils numériques du quotidien",),
        ),
        PlaceInput(
            "PIMMS Médiation Lyon 8e", "3 rue Jean-Sarrazin", "69008", "Lyon",
            services=("Aide aux démarches administratives",),
        ),
        PlaceInput("Cyber-base de Brest", "1 rue de Siam", "29200", "Brest"),
    ):  # fmt: skip
        services.places.add(supervisor, place)
    return services


def test_receipt_with_an_override(desk: Any, agent: Any, supervisor: Any) -> None:
    person = desk.beneficiaries.register(
        agent,
        BeneficiaryInput(
            last_name="Nowak-Żelazna", first_name="Łucja", birth_date="1999-02-17",
            postcode="69008", commune="Lyon", diagnostic=("admin_procedures",), consent=True,
        ),
    )  # fmt: skip
    handout = desk.handouts.hand_out(
        supervisor,
        person.id,
        codes_=[codes.booklet_code(P, n) for n in (4, 5, 9)],
        override_reason="Accompagnement long validé par le référent",
    )
    check_golden("receipt_override", desk.receipts.build_receipt(handout.id))


def test_receipt_of_a_cancelled_handout(
    desk: Any, agent: Any, supervisor: Any, person: Any, clock: Any
) -> None:
    handout = desk.handouts.hand_out(agent, person.id, codes_=[codes.booklet_code(P, 1)])
    clock.advance(clock.now - clock.now.replace(hour=10))
    desk.handouts.cancel(supervisor, handout.id, "Carnet remis à la mauvaise personne")
    check_golden("receipt_cancelled", desk.receipts.build_receipt(handout.id))


def test_receipt_printed_again_after_a_loss(
    desk: Any, agent: Any, supervisor: Any, person: Any, clock: Any, tmp_path: Path
) -> None:
    """A copy: printed once at the handout, then again ten days later, after the person lost
    one voucher and the other booklet."""
    handout = desk.handouts.hand_out(
        agent, person.id, codes_=[codes.booklet_code(P, n) for n in (1, 2)]
    )
    desk.receipts.write_receipt(handout.id, tmp_path / "r.pdf", actor=agent)
    clock.advance(timedelta(days=10))
    desk.stock.void(supervisor, codes.voucher_code(P, 7), "lost")
    desk.stock.void(supervisor, codes.booklet_code(P, 2), "stolen")
    clock.advance(timedelta(hours=2))
    check_golden("receipt_copy", desk.receipts.build_receipt(handout.id))


def test_booklets_personalised_first_print(printing_desk: Any, person: Any) -> None:
    records = list(
        printing_desk.booklet_printing.build_booklets(
            programme_code=P, from_booklet=3, count=2, personalise_for=person.id
        )
    )
    check_golden("booklets_first_print", records)


def test_booklet_reprint(printing_desk: Any, supervisor: Any, tmp_path: Path) -> None:
    printing_desk.booklet_printing.print_booklets(
        supervisor, codes=[codes.booklet_code(P, 7)], path=tmp_path / "b.pdf"
    )
    records = list(
        printing_desk.booklet_printing.build_booklets(
            codes=[codes.voucher_code(P, 63)], reprint_reason="Bourrage de l'imprimante"
        )
    )
    check_golden("booklet_reprint", records)
