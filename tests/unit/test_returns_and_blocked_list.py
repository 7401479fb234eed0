"""Returns on a later day, booklets with voided vouchers (counts, receipt), and the blocked list."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from printing_pages import needs_poppler, pdf_text

from passdesk import codes
from passdesk.errors import InvalidInput
from passdesk.services.integrity import check_database

P = "MGP19"  # 10 vouchers of 10 € a booklet


def booklet(n: int) -> str:
    return codes.booklet_code(P, n)


def test_a_later_cancel_asks_whether_the_booklet_came_back(
    services: Any,
    agent: Any,
    supervisor: Any,
    lot: Any,
    person: Any,
    raw: Any,
    clock: Any,
) -> None:
    # The hole: a later cancel always voided the booklet, losing public value.
    handout = services.handouts.hand_out(agent, person.id, codes_=[booklet(2)])
    clock.advance(timedelta(days=3))
    before = raw.dump()
    with pytest.raises(InvalidInput, match="revenus intacts") as asked:
        services.handouts.cancel(supervisor, handout.id, "Rendu le lendemain")
    assert asked.value.field == "returned"
    assert raw.dump() == before
    last = raw.scalar("SELECT max(id) FROM ledger_event")
    row = services.handouts.cancel(supervisor, handout.id, "Rendu intact", returned=True)
    assert row.cancelled and row.booklets[0].status == "in_stock"
    assert [k for (k,) in raw.query("SELECT kind FROM ledger_event WHERE id > ?", (last,))] == [
        "cancelled",
        "returned",
    ]
    assert raw.query(
        "SELECT DISTINCT status FROM voucher WHERE booklet_id = "
        "(SELECT id FROM booklet WHERE code = ?)",
        (booklet(2),),
    ) == [("in_stock",)]
    again = services.handouts.hand_out(agent, person.id, codes_=[booklet(2)])
    assert again.booklets[0].status == "handed_out"
    assert check_database(services).ok


def test_the_same_day_a_booklet_not_returned_is_voided_when_said(
    services: Any, agent: Any, supervisor: Any, lot: Any, person: Any, raw: Any
) -> None:
    handout = services.handouts.hand_out(agent, person.id, codes_=[booklet(3)])
    row = services.handouts.cancel(supervisor, handout.id, "Parti avec", returned=False)
    assert row.booklets[0].status == "voided"


def test_counts_and_value_show_vouchers_not_only_booklets(
    services: Any, supervisor: Any, agent: Any, lot: Any, person: Any
) -> None:
    # The hole: a booklet with one voided voucher counted as a whole booklet in stock.
    services.stock.void(supervisor, codes.voucher_code(P, 5), "misprint")  # booklet 1
    services.handouts.hand_out(agent, person.id, codes_=[booklet(2)])
    counts = services.stock.counts(P)
    assert (counts.received, counts.in_stock, counts.handed_out) == (12, 11, 1)
    v = counts.vouchers
    assert (v.received, v.in_stock, v.handed_out, v.voided, v.expired, v.used) == (
        120,
        109,
        10,
        1,
        0,
        0,
    )
    assert v.value_in_stock == Decimal("1090.00")
    assert counts.balanced
    assert services.stock.counts_by_programme()[P] == counts


@needs_poppler
def test_the_receipt_lists_the_vouchers_not_given_and_the_value_is_reduced(
    services: Any, supervisor: Any, agent: Any, lot: Any, person: Any, tmp_path: Path, raw: Any
) -> None:
    voided = [codes.voucher_code(P, 13), codes.voucher_code(P, 17)]
    for code in voided:
        services.stock.void(supervisor, code, "damaged")
    handout = services.handouts.hand_out(agent, person.id, codes_=[booklet(2), booklet(3)])
    record = services.receipts.build_receipt(handout.id)
    first, second = record.booklets
    assert (first.voucher_count, first.value, first.excluded) == (
        8,
        Decimal("80.00"),
        tuple(voided),
    )
    assert (second.voucher_count, second.excluded) == (10, ())
    assert record.total_value == Decimal("180.00")
    # a voucher voided after the handout (the person lost it) was given: the receipt still
    # counts it, and names it as voided since
    services.stock.void(supervisor, codes.voucher_code(P, 25), "lost")
    again = services.receipts.build_receipt(handout.id)
    assert [replace(line, voided_since=()) for line in again.booklets] == list(record.booklets)
    assert [item.code for item in again.booklets[1].voided_since] == [codes.voucher_code(P, 25)]
    assert again.total_value == record.total_value
    path = services.receipts.write_receipt(handout.id, tmp_path / "r.pdf", actor=agent)
    text = pdf_text(path)
    assert "Non remis (invalidés avant la remise)" in text
    assert all(code in text for code in voided)
    assert "180,00" in text
    # written for an agent, each copy is a journal event: the first, then reprints
    services.receipts.write_receipt(handout.id, tmp_path / "r2.pdf", actor=supervisor)
    assert raw.query(
        "SELECT agent_id, handout_id, details FROM ledger_event WHERE kind = 'receipt_printed'"
    ) == [
        (agent.id, handout.id, f'{{"receipt":"{handout.receipt_number}"}}'),
        (supervisor.id, handout.id, f'{{"receipt":"{handout.receipt_number}"}}'),
    ]


def test_a_booklet_whose_vouchers_are_all_voided_is_voided_whole(
    services: Any, supervisor: Any, agent: Any, other_programme: Any, person: Any
) -> None:
    for n in range(1, 6):  # PN26: 5 vouchers a booklet
        services.stock.void(supervisor, codes.voucher_code("PN26", n), "misprint")
    with pytest.raises(Exception, match="invalidez le carnet"):
        services.handouts.hand_out(agent, person.id, codes_=[codes.booklet_code("PN26", 1)])
    assert services.stock.void(supervisor, codes.booklet_code("PN26", 1), "misprint")


def test_the_blocked_list_is_csv_as_french_excel_opens_it(
    services: Any,
    supervisor: Any,
    agent: Any,
    admin: Any,
    lot: Any,
    person: Any,
    clock: Any,
    tmp_path: Path,
) -> None:
    services.stock.void(supervisor, booklet(4), "stolen")
    services.stock.void(supervisor, codes.voucher_code(P, 55), "misprint")
    handout = services.handouts.hand_out(agent, person.id, codes_=[booklet(7)])
    clock.advance(timedelta(days=1))
    services.handouts.cancel(supervisor, handout.id, "Jamais revenu", returned=False)
    path = tmp_path / "bloques.csv"
    assert services.blocked_list.write(P, path) == 21
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == [
        "Code du chèque",
        "Numéro d'opérateur",
        "Carnet",
        "État",
        "Motif",
        "Depuis le",
    ]
    by_code = {r[0]: r for r in rows[1:]}
    assert by_code[codes.voucher_code(P, 31)][2:] == [booklet(4), "invalidé", "volé", "10/03/2026"]
    assert by_code[codes.voucher_code(P, 55)][4] == "erreur d'impression"
    assert by_code[codes.voucher_code(P, 61)][4:] == ["remise annulée", "11/03/2026"]
    assert [r[0] for r in rows[1:]] == sorted(by_code)  # in voucher order
    with pytest.raises(Exception, match="ZZ26"):
        services.blocked_list.write("ZZ26", tmp_path / "x.csv")
