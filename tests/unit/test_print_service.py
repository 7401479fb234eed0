"""The printing service on a real register: what is printed scans back to the database's codes,
every print is in the print register and the ledger, reprints are traced DUPLICATA, and a refused,
failed or cancelled print leaves neither a file nor a row.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pypdf
import pytest
from printing_pages import decoded_codes, needs_poppler, pdf_text, plain

from passdesk import codes
from passdesk.documents import PrintCancelled
from passdesk.errors import Forbidden, InvalidCode, InvalidInput, NotFound, Refused
from passdesk.services.beneficiaries import BeneficiaryInput
from passdesk.services.booklet_printing import PrintResult
from passdesk.services.places import PlaceInput

P = "MGP19"


def booklet(n: int) -> str:
    return codes.booklet_code(P, n)


def expected_codes(raw: Any, numbers: list[int]) -> Counter[str]:
    """From the database: each booklet's cover code once, each voucher code twice (voucher, stub)."""
    expected: Counter[str] = Counter()
    for n in numbers:
        booklet_id, code = raw.query(
            "SELECT booklet.id, booklet.code FROM booklet JOIN programme "
            "ON programme.id = booklet.programme_id WHERE programme.code = ? AND number = ?",
            (P, n),
        )[0]
        expected[code] += 1
        for (voucher,) in raw.query("SELECT code FROM voucher WHERE booklet_id = ?", (booklet_id,)):
            expected[voucher] += 2
    return expected


def print_rows(raw: Any) -> list[tuple[Any, ...]]:
    return raw.query(
        "SELECT booklet.code, print_record.reprint, print_record.reason, first_code, last_code "
        "FROM print_record JOIN booklet ON booklet.id = print_record.booklet_id "
        "ORDER BY print_record.id"
    )


def ledger_kinds(raw: Any) -> list[str]:
    return [k for (k,) in raw.query("SELECT kind FROM ledger_event ORDER BY id")]


def files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.fixture
def out(tmp_path: Path) -> Path:
    folder = tmp_path / "pdf"
    folder.mkdir()
    return folder


# --- first prints ---------------------------------------------------------------------------


@needs_poppler
def test_first_print_scans_back_to_the_codes_in_the_database(
    services: Any, supervisor: Any, site_lot: Any, raw: Any, out: Path
) -> None:
    vouchers_before = raw.scalar("SELECT count(*) FROM voucher")
    path = out / "carnets.pdf"
    result = services.booklet_printing.print_booklets(
        supervisor, programme_code=P, from_booklet=2, count=3, path=path
    )
    # each booklet: its cover, then its vouchers 4, 3 and 3 a page (the default layout)
    assert result == PrintResult(path, booklets=3, vouchers=30, pages=12, reprint=False)
    assert len(pypdf.PdfReader(path).pages) == 12
    assert decoded_codes(path) == expected_codes(raw, [2, 3, 4])
    assert "DUPLICATA" not in pdf_text(path)
    assert raw.scalar("SELECT count(*) FROM voucher") == vouchers_before  # nothing new in stock
    assert print_rows(raw) == [
        (booklet(n), 0, None, codes.voucher_code(P, 10 * n - 9), codes.voucher_code(P, 10 * n))
        for n in (2, 3, 4)
    ]
    assert ledger_kinds(raw)[-3:] == ["printed"] * 3
    assert raw.query("SELECT number, print_count FROM booklet WHERE print_count > 0") == [
        (2, 1),
        (3, 1),
        (4, 1),
    ]
    assert services.ledger.verify().ok
    assert files(out) == ["carnets.pdf"]


def test_without_a_range_the_next_booklets_never_printed_come_out(
    services: Any, supervisor: Any, site_lot: Any, out: Path
) -> None:
    def numbers(**selection: Any) -> list[int]:
        return [b.booklet_number for b in services.booklet_printing.build_booklets(**selection)]

    services.booklet_printing.print_booklets(
        supervisor, programme_code=P, count=2, path=out / "a.pdf"
    )
    assert numbers(programme_code=P, count=3) == [3, 4, 5]
    services.stock.void(supervisor, codes.voucher_code(P, 25), "damaged")  # in booklet 3
    assert numbers(programme_code=P, count=3) == [4, 5, 6]  # a booklet with a hole is skipped
    assert numbers(programme_code="mgp19 ") == list(range(4, 13))
    services.booklet_printing.print_booklets(supervisor, programme_code=P, path=out / "b.pdf")
    with pytest.raises(Refused, match="attend d'être imprimé"):
        numbers(programme_code=P)


def test_booklets_given_by_codes_any_of_their_codes(
    services: Any, supervisor: Any, site_lot: Any, out: Path
) -> None:
    voucher_of_7 = codes.voucher_code(P, 65)  # booklet 7 holds vouchers 61..70
    records = list(services.booklet_printing.build_booklets(codes=[booklet(5), voucher_of_7]))
    assert [r.booklet_code for r in records] == [booklet(5), booklet(7)]
    assert [v.code for v in records[1].vouchers] == [
        codes.voucher_code(P, n) for n in range(61, 71)
    ]
    assert [v.number for v in records[1].vouchers] == list(range(1, 11))
    assert records[0].total_value == 100
    assert [(f.name, f.percent) for f in records[0].funders] == [
        ("État", 45),
        ("Métropole de Lyon", 55),
    ]


def test_layout_cover_text_and_places_come_from_the_settings(
    services: Any, admin: Any, supervisor: Any, site_lot: Any, person: Any, out: Path
) -> None:
    services.settings.set(admin, "vouchers_per_page", "2")
    services.settings.set(admin, "cover_text", "Ouvert le samedi matin.")
    services.places.add(
        supervisor,
        PlaceInput("Médiathèque du Tonkin", "2 promenade Lénine", "69100", "Villeurbanne"),
    )
    services.places.add(supervisor, PlaceInput("Fab lab de Brest", "", "29200", "Brest"))
    result = services.booklet_printing.print_booklets(
        supervisor, codes=[booklet(1)], path=out / "b.pdf", personalise_for=person.id
    )
    assert result.pages == 1 + 5
    record = next(
        services.booklet_printing.build_booklets(codes=[booklet(2)], personalise_for=person.id)
    )
    assert record.cover_text == "Ouvert le samedi matin."
    assert record.beneficiary_name == "Hélène N'Diaye"
    assert [p.name for p in record.places] == ["Médiathèque du Tonkin", "Fab lab de Brest"]
    assert record.desk.name == "Mairie de Villeurbanne"


@needs_poppler
def test_cover_shows_the_person_the_text_and_the_places(
    services: Any, admin: Any, supervisor: Any, site_lot: Any, person: Any, out: Path
) -> None:
    services.settings.set(admin, "cover_text", "Ouvert le samedi matin.")
    services.places.add(
        supervisor,
        PlaceInput("Médiathèque du Tonkin", "2 promenade Lénine", "69100", "Villeurbanne"),
    )
    path = out / "b.pdf"
    services.booklet_printing.print_booklets(
        supervisor, codes=[booklet(1)], path=path, personalise_for=person.id
    )
    cover = plain(pypdf.PdfReader(path).pages[0].extract_text())
    for expected in ("Hélène N'Diaye", "Ouvert le samedi matin.", "Médiathèque du Tonkin"):
        assert expected in cover


# --- reprints -------------------------------------------------------------------------------


@needs_poppler
def test_a_reprint_needs_a_reason_then_prints_duplicata_with_the_same_codes(
    services: Any, supervisor: Any, admin: Any, site_lot: Any, raw: Any, out: Path
) -> None:
    services.booklet_printing.print_booklets(supervisor, codes=[booklet(1)], path=out / "first.pdf")
    before = raw.dump()
    again = out / "again.pdf"
    for reason in (None, "   "):
        with pytest.raises(InvalidInput, match="motif de la réimpression") as refused:
            services.booklet_printing.print_booklets(
                supervisor, codes=[booklet(1)], path=again, reprint_reason=reason
            )
        assert refused.value.field == "reprint_reason"
        assert "DUPLICATA" in refused.value.message
    assert raw.dump() == before
    assert files(out) == ["first.pdf"]

    vouchers = raw.query("SELECT code, status FROM voucher ORDER BY id")
    result = services.booklet_printing.print_booklets(
        admin, codes=[booklet(1)], path=again, reprint_reason="Bourrage de l'imprimante"
    )
    assert result.reprint
    assert raw.query("SELECT code, status FROM voucher ORDER BY id") == vouchers
    reader = pypdf.PdfReader(again)
    assert all("DUPLICATA" in plain(page.extract_text()) for page in reader.pages)
    assert decoded_codes(again) == decoded_codes(out / "first.pdf") == expected_codes(raw, [1])
    assert print_rows(raw)[-1][:3] == (booklet(1), 1, "Bourrage de l'imprimante")
    assert ledger_kinds(raw)[-1] == "reprinted"
    history = services.booklet_printing.print_history(codes.voucher_code(P, 3))
    assert [(h.reprint, h.reason, h.agent_name) for h in history] == [
        (False, None, "Claire Martin"),
        (True, "Bourrage de l'imprimante", "Administrateur"),
    ] or [(h.reprint, h.reason) for h in history] == [
        (False, None),
        (True, "Bourrage de l'imprimante"),
    ]
    assert all(h.booklet_code == booklet(1) for h in history)
    assert services.ledger.verify().ok


def test_a_mixed_batch_reprints_only_what_was_printed(
    services: Any, supervisor: Any, site_lot: Any, raw: Any, out: Path
) -> None:
    services.booklet_printing.print_booklets(supervisor, codes=[booklet(2)], path=out / "a.pdf")
    records = list(
        services.booklet_printing.build_booklets(
            programme_code=P, from_booklet=1, count=3, reprint_reason="Feuilles abîmées"
        )
    )
    assert [r.duplicate for r in records] == [False, True, False]
    services.booklet_printing.print_booklets(
        supervisor,
        programme_code=P,
        from_booklet=1,
        count=3,
        path=out / "b.pdf",
        reprint_reason="Feuilles abîmées",
    )
    assert [row[:3] for row in print_rows(raw)[1:]] == [
        (booklet(1), 0, None),
        (booklet(2), 1, "Feuilles abîmées"),
        (booklet(3), 0, None),
    ]
    assert ledger_kinds(raw)[-3:] == ["printed", "reprinted", "printed"]


def test_handed_out_voided_or_expired_booklets_are_refused_unless_reprinted(
    services: Any, supervisor: Any, agent: Any, site_lot: Any, person: Any, clock: Any, out: Path
) -> None:
    services.booklet_printing.print_booklets(supervisor, codes=[booklet(1)], path=out / "a.pdf")
    services.handouts.hand_out(agent, person.id, codes_=[booklet(1)])
    services.stock.void(supervisor, booklet(3), "damaged")
    with pytest.raises(Refused, match="ne pourra plus jamais être imprimé"):
        services.booklet_printing.build_booklets(codes=[booklet(3)], reprint_reason="abîmé")
    with pytest.raises(InvalidInput, match="motif"):
        services.booklet_printing.build_booklets(codes=[booklet(1)])
    (record,) = services.booklet_printing.build_booklets(
        codes=[booklet(1)], reprint_reason="Carnet déchiré"
    )
    assert record.duplicate
    # a booklet with one voucher voided is printed without it (then handed out with the rest)
    services.stock.void(supervisor, codes.voucher_code(P, 45), "misprint")
    (record,) = services.booklet_printing.build_booklets(codes=[booklet(5)])
    assert codes.voucher_code(P, 45) not in [v.code for v in record.vouchers]
    assert len(record.vouchers) == 9
    # from D-15 (when handing out stops) nothing is printed for the stock
    clock.set_date(date(2027, 6, 14))
    services.booklet_printing.build_booklets(codes=[booklet(6)])
    clock.set_date(date(2027, 6, 15))
    with pytest.raises(Refused, match="l'impression pour le stock aussi"):
        services.booklet_printing.build_booklets(codes=[booklet(6)])
    # a duplicate for the person who holds the booklet, until the last valid day
    clock.set_date(date(2027, 6, 30))
    services.booklet_printing.build_booklets(codes=[booklet(1)], reprint_reason="déchiré")
    clock.set_date(date(2027, 7, 1))
    with pytest.raises(Refused, match="sont périmés depuis le 30/06/2027"):
        services.booklet_printing.build_booklets(codes=[booklet(1)], reprint_reason="déchiré")


# --- checked before anything ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("selection", "error", "french"),
    [
        ({}, InvalidInput, "Indiquez soit une opération"),
        ({"programme_code": P, "codes": [booklet(1)]}, InvalidInput, "Indiquez soit"),
        ({"programme_code": "ZZZ26"}, NotFound, "ZZZ26"),
        ({"programme_code": P, "from_booklet": 3}, InvalidInput, "combien de carnets"),
        ({"programme_code": P, "count": 0}, InvalidInput, "au moins un carnet"),
        ({"programme_code": P, "from_booklet": 10, "count": 5}, NotFound, "carnet 13"),
        ({"programme_code": P, "count": 20}, Refused, "ne reste que 12 carnets"),
        ({"codes": [booklet(1), booklet(1)]}, InvalidInput, "deux fois"),
        ({"codes": [booklet(1), "MGP19-C000002-11"]}, InvalidCode, "clé"),
        ({"codes": [codes.booklet_code("PN26", 1)]}, NotFound, "pas partie du stock"),
        ({"codes": [booklet(1)], "count": 2}, InvalidInput, "pas avec des codes"),
        ({"codes": [booklet(1)], "personalise_for": 999}, NotFound, "999"),
        ({"codes": [booklet(1)], "reprint_reason": "x" * 501}, InvalidInput, "trop long"),
    ],
)
def test_bad_requests_are_refused_in_french_and_change_nothing(
    services: Any,
    supervisor: Any,
    site_lot: Any,
    raw: Any,
    out: Path,
    selection: dict[str, Any],
    error: type[Exception],
    french: str,
) -> None:
    before = raw.dump()
    with pytest.raises(error, match=french):
        services.booklet_printing.print_booklets(supervisor, path=out / "b.pdf", **selection)
    with pytest.raises(error, match=french):
        services.booklet_printing.build_booklets(**selection)
    assert raw.dump() == before
    assert files(out) == []


def test_an_agent_may_not_print_booklets(
    services: Any, agent: Any, site_lot: Any, raw: Any, out: Path
) -> None:
    before = raw.dump()
    with pytest.raises(Forbidden, match="imprimer des carnets"):
        services.booklet_printing.print_booklets(agent, codes=[booklet(1)], path=out / "b.pdf")
    assert raw.dump() == before
    assert files(out) == []


@pytest.mark.parametrize("where", ["missing folder", "a folder"])
def test_an_unwritable_path_writes_nothing_and_records_nothing(
    services: Any, supervisor: Any, site_lot: Any, raw: Any, out: Path, where: str
) -> None:
    path = out / "nowhere" / "b.pdf" if where == "missing folder" else out
    before = raw.dump()
    with pytest.raises(InvalidInput) as refused:
        services.booklet_printing.print_booklets(supervisor, codes=[booklet(1)], path=path)
    assert refused.value.field == "path"
    assert raw.dump() == before
    assert files(out) == []


def test_the_layout_setting_cannot_ask_more_than_a_page_holds(
    services: Any, admin: Any, raw: Any
) -> None:
    # A voucher and its stub need a quarter of A4: the setting stops at 4, so printing never
    # fails on it.
    before = raw.dump()
    with pytest.raises(InvalidInput, match="1 et 4"):
        services.settings.set(admin, "vouchers_per_page", "5")
    assert raw.dump() == before


# --- cancelled, failed, or overtaken: nothing left ------------------------------------------


def test_a_cancelled_print_leaves_no_file_and_no_row(
    services: Any, supervisor: Any, site_lot: Any, raw: Any, out: Path
) -> None:
    before = raw.dump()
    seen: list[tuple[int, int]] = []
    with pytest.raises(PrintCancelled, match="annulée"):
        services.booklet_printing.print_booklets(
            supervisor,
            programme_code=P,
            from_booklet=1,
            count=6,
            path=out / "b.pdf",
            progress=lambda done, total: seen.append((done, total)),
            cancel=lambda: len(seen) >= 5,
        )
    assert seen[:3] == [(4, 60), (7, 60), (10, 60)]  # pages of 4, 3, 3 vouchers
    assert raw.dump() == before
    assert files(out) == []


def test_progress_reaches_the_total(
    services: Any, supervisor: Any, site_lot: Any, out: Path
) -> None:
    seen: list[tuple[int, int]] = []
    services.booklet_printing.print_booklets(
        supervisor, programme_code=P, count=2, path=out / "b.pdf",
        progress=lambda done, total: seen.append((done, total)),
    )  # fmt: skip
    assert seen[-1] == (20, 20)
    assert [done for done, _total in seen] == sorted(done for done, _total in seen)


def test_an_error_while_drawing_leaves_no_file_and_no_row(
    services: Any, supervisor: Any, site_lot: Any, raw: Any, out: Path
) -> None:
    before = raw.dump()

    def progress(done: int, total: int) -> None:
        if done > 12:
            raise RuntimeError("printer driver crashed")

    with pytest.raises(RuntimeError):
        services.booklet_printing.print_booklets(
            supervisor, programme_code=P, count=3, path=out / "b.pdf", progress=progress
        )
    assert raw.dump() == before
    assert files(out) == []


def test_a_booklet_changed_during_the_print_is_not_recorded_and_no_file_is_left(
    services: Any, supervisor: Any, site_lot: Any, raw: Any, out: Path
) -> None:
    """Another desk voids booklet 2 while booklets 1..3 are drawn: the print is refused whole."""
    done: list[int] = []

    def progress(vouchers: int, total: int) -> None:
        if not done:
            services.stock.void(supervisor, booklet(2), "lost")
        done.append(vouchers)

    previous = out / "b.pdf"
    previous.write_bytes(b"yesterday's print")
    events = len(ledger_kinds(raw))
    with pytest.raises(Refused, match="a changé pendant l'impression"):
        services.booklet_printing.print_booklets(
            supervisor, programme_code=P, count=3, path=previous, progress=progress
        )
    assert ledger_kinds(raw)[events:] == ["voided"]  # only the other desk's void
    assert raw.scalar("SELECT count(*) FROM print_record") == 0
    assert raw.scalar("SELECT count(*) FROM booklet WHERE print_count > 0") == 0
    assert previous.read_bytes() == b"yesterday's print"
    assert files(out) == ["b.pdf"]


def test_build_booklets_checks_at_once_and_reads_lazily(
    services: Any, supervisor: Any, site_lot: Any
) -> None:
    records = services.booklet_printing.build_booklets(programme_code=P)
    assert not isinstance(records, list | tuple)
    first = next(records)
    assert first.booklet_number == 1
    assert sum(1 for _ in records) == 11


# --- receipts -------------------------------------------------------------------------------


NAMES = [("N'Diaye", "Hélène"), ("Nowak-Żelazna", "Łucja"), ("Nguyễn", "Thị Hà")]


@needs_poppler
@pytest.mark.parametrize(("last", "first"), NAMES)
def test_receipt_text_has_the_person_the_number_the_ranges_and_the_total(
    services: Any, agent: Any, lot: Any, out: Path, last: str, first: str
) -> None:
    person = services.beneficiaries.register(
        agent,
        BeneficiaryInput(
            last_name=last,
            first_name=first,
            birth_date="1990-01-01",
            postcode="69100",
            commune="Villeurbanne",
        ),
    )
    handout = services.handouts.hand_out(agent, person.id, codes_=[booklet(4), booklet(9)])
    path = services.receipts.write_receipt(handout.id, out / "recu.pdf")
    assert path == out / "recu.pdf"
    text = pdf_text(path)
    assert text.count(f"{first} {last}") == 2
    assert text.count(f"Récépissé n° {handout.receipt_number}") >= 2
    for n in (4, 9):
        first_code, last_code = codes.voucher_code(P, 10 * n - 9), codes.voucher_code(P, 10 * n)
        assert text.count(f"{first_code} → {last_code}") == 2
        assert text.count(booklet(n)) == 2
    assert text.count("Valeur faciale totale : 200,00 €") == 2
    assert "Agent : Yanis Benali" in text
    assert "État 45 %, Métropole de Lyon 55 %" in text
    assert "ANNULÉ" not in text


@needs_poppler
def test_a_cancelled_handout_receipt_says_annule(
    services: Any, agent: Any, supervisor: Any, lot: Any, person: Any, out: Path
) -> None:
    handout = services.handouts.hand_out(agent, person.id, codes_=[booklet(1)])
    services.handouts.cancel(supervisor, handout.id, "Carnet remis à la mauvaise personne")
    text = pdf_text(services.receipts.write_receipt(handout.id, out / "r.pdf"))
    assert "ANNULÉ" in text
    assert "Carnet remis à la mauvaise personne" in text


def test_a_receipt_with_no_places_says_where_to_ask(
    services: Any, agent: Any, lot: Any, person: Any, out: Path
) -> None:
    assert services.places.list() == []
    handout = services.handouts.hand_out(agent, person.id, codes_=[booklet(lot.first_booklet)])
    path = services.receipts.write_receipt(handout.id, out / "r.pdf")
    text = " ".join(" ".join(p.extract_text().split()) for p in pypdf.PdfReader(path).pages)
    assert "Demandez à l'accueil la liste des lieux qualifiés" in text


def test_receipt_record_gathers_the_handout(
    services: Any, admin: Any, agent: Any, supervisor: Any, lot: Any, person: Any
) -> None:
    services.settings.set(admin, "receipt_footer", "Ouvert du lundi au vendredi")
    services.places.add(
        supervisor,
        PlaceInput(
            "Bibliothèque de Lyon 8e", "", "69008", "Lyon",
            services=("Aide aux démarches administratives",),
        ),
    )  # fmt: skip
    services.places.add(supervisor, PlaceInput("Espace numérique", "", "69100", "Villeurbanne"))
    handout = services.handouts.hand_out(agent, person.id, codes_=[booklet(2)])
    record = services.receipts.build_receipt(handout.id)
    assert record.receipt_number == handout.receipt_number
    assert record.beneficiary_name == "Hélène N'Diaye"
    assert record.beneficiary_birth_date == date(1985, 4, 12)
    assert record.beneficiary_address == ("69100 Villeurbanne",)
    assert record.agent_name == "Yanis Benali"
    assert record.total_value == 100
    assert [p.name for p in record.places][0] == "Espace numérique"  # same commune first
    assert record.notice_text.startswith("Responsable du traitement : Mairie de Villeurbanne")
    assert record.notice_version == 1  # stored when the person was registered
    assert record.footer == "Ouvert du lundi au vendredi"
    assert record.issued_at == handout.created_at
    assert not record.cancelled


@needs_poppler
def test_receipt_mixing_programmes_gives_each_its_own_validity_and_funders(
    services: Any, agent: Any, lot: Any, other_programme: Any, person: Any, out: Path
) -> None:
    # Blended shares (État 22.5 %...) matched no funding agreement, and one blended validity
    # (the earliest end) understated the other programme's: each programme says its own.
    handout = services.handouts.hand_out(
        agent, person.id, codes_=[booklet(1), codes.booklet_code("PN26", 1)]
    )
    record = services.receipts.build_receipt(handout.id)
    assert record.total_value == 200  # 10 x 10 € + 5 x 20 €
    metropole, departement = record.programmes
    assert (metropole.name, metropole.valid_from, metropole.valid_until) == (
        "Pass Numérique Métropole",
        date(2026, 1, 1),
        date(2027, 6, 30),
    )
    assert {f.name: f.percent for f in metropole.funders} == {"État": 45, "Métropole de Lyon": 55}
    assert (metropole.voucher_count, metropole.value) == (10, 100)
    assert departement.valid_until == date(2026, 12, 31)
    assert {f.name: f.percent for f in departement.funders} == {"Conseil départemental": 100}
    assert (departement.voucher_count, departement.value) == (5, 100)
    text = " ".join(pdf_text(services.receipts.write_receipt(handout.id, out / "r.pdf")).split())
    assert (
        text.count("Pass Numérique Métropole : chèques valables du 01/01/2026 au 30/06/2027") == 2
    )
    assert (
        text.count("Pass Numérique Département : chèques valables du 01/01/2026 au 31/12/2026") == 2
    )
    assert text.count("Financé par : État 45 %, Métropole de Lyon 55 %") == 2
    assert text.count("Financé par : Conseil départemental 100 %") == 2
    assert "22,5 %" not in text


def test_receipt_of_an_unknown_handout_or_to_an_unwritable_path_writes_nothing(
    services: Any, agent: Any, lot: Any, person: Any, raw: Any, out: Path
) -> None:
    handout = services.handouts.hand_out(agent, person.id, codes_=[booklet(1)])
    before = raw.dump()
    with pytest.raises(NotFound, match="Aucune remise") as missing:
        services.receipts.write_receipt(handout.id + 1, out / "r.pdf")
    assert missing.value.field == "handout"
    with pytest.raises(InvalidInput) as unwritable:
        services.receipts.write_receipt(handout.id, out / "absent" / "r.pdf")
    assert unwritable.value.field == "path"
    assert raw.dump() == before
    assert files(out) == []


def test_the_clock_after_the_programme_does_not_stop_receipts(
    services: Any, agent: Any, lot: Any, person: Any, clock: Any, out: Path
) -> None:
    handout = services.handouts.hand_out(agent, person.id, codes_=[booklet(1)])
    clock.advance(timedelta(days=800))
    services.receipts.write_receipt(handout.id, out / "r.pdf")
    assert files(out) == ["r.pdf"]


@needs_poppler
def test_receipt_prints_the_desk_footer(
    services: Any, admin: Any, agent: Any, lot: Any, person: Any, out: Path
) -> None:
    services.settings.set(admin, "receipt_footer", "Accueil du lundi au vendredi, 8 h 30 – 17 h")
    handout = services.handouts.hand_out(agent, person.id, codes_=[booklet(1)])
    content = pdf_text(services.receipts.write_receipt(handout.id, out / "r.pdf"))
    assert content.count("Accueil du lundi au vendredi, 8 h 30 – 17 h") == 2


def test_a_share_never_wraps_away_from_its_percent_sign() -> None:
    from passdesk.documents import _blocks, _draw, fonts
    from passdesk.documents.records import FunderShareLine

    fonts.register_fonts()
    funders = tuple(
        FunderShareLine(name, percent)
        for name, percent in (
            ("État (ANCT)", 30),
            ("Métropole de Lyon", Decimal("36.67")),
            ("Département du Rhône", Decimal("23.33")),
            ("CAF du Rhône", 10),
        )
    )
    text = "Financé par : " + _blocks.funder_list(funders)
    for width in range(120, 520, 7):
        for line in _draw.wrap(text, fonts.REGULAR, 9, width):
            assert not line.endswith(("30", "36,67", "23,33", "10")), (width, line)
            assert not line.startswith("%"), (width, line)


@needs_poppler
def test_the_stub_that_failed_at_0_38_mm_scans_at_150_dpi(tmp_path: Path) -> None:
    """At 0.38 mm a module (2.24 dots at 150 dpi) the stub of MGP19-0000030-44, alone on its
    page, did not decode; at 1/75 inch (2 dots) every bar keeps its width. (Its booklet's last
    page now holds vouchers 28 to 30: no voucher is alone on a page any more.)"""
    from passdesk.documents import render_booklets
    from passdesk.documents.samples import sample_booklet

    record = sample_booklet(3, 10, programme_code=P)
    path = tmp_path / "b.pdf"
    render_booklets([record], path)
    assert decoded_codes(path, 4, 4) == Counter({codes.voucher_code(P, n): 2 for n in (28, 29, 30)})
