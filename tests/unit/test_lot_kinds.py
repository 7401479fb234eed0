"""Issue 9's holes in printing: a lot is delivered printed or printed on site, and the print rules
follow; a voided or stolen booklet is never printed again; printing stops with handing out."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from passdesk import codes
from passdesk.errors import InvalidInput, Refused

P = "MGP19"


def booklet(n: int) -> str:
    return codes.booklet_code(P, n)


def kinds(raw: Any) -> list[str]:
    return [k for (k,) in raw.query("SELECT kind FROM ledger_event ORDER BY id")]


@pytest.fixture
def out(tmp_path: Path) -> Path:
    folder = tmp_path / "pdf"
    folder.mkdir()
    return folder


def test_a_delivered_booklet_is_never_printed_as_a_second_original(
    services: Any, supervisor: Any, lot: Any, raw: Any, out: Path
) -> None:
    # The hole: `print booklets` printed a delivered booklet as an original.
    before = raw.dump()
    with pytest.raises(InvalidInput, match="livré imprimé.*DUPLICATA") as refused:
        services.booklet_printing.print_booklets(supervisor, codes=[booklet(1)], path=out / "a.pdf")
    assert refused.value.field == "reprint_reason"
    assert raw.dump() == before and list(out.iterdir()) == []
    result = services.booklet_printing.print_booklets(
        supervisor, codes=[booklet(1)], path=out / "a.pdf", reprint_reason="Carnet mouillé"
    )
    assert result.reprint
    assert raw.query("SELECT reprint, reason FROM print_record") == [(1, "Carnet mouillé")]
    assert kinds(raw)[-1] == "reprinted"
    # and nothing of a delivered lot is "waiting to be printed"
    with pytest.raises(Refused, match="livrés sont arrivés imprimés"):
        services.booklet_printing.build_booklets(programme_code=P)


def test_a_booklet_printed_on_site_is_printed_before_it_is_handed_out(
    services: Any, supervisor: Any, agent: Any, site_lot: Any, person: Any, raw: Any, out: Path
) -> None:
    # The hole: `handout --next` handed out a print-on-site booklet never printed.
    before = raw.dump()
    with pytest.raises(Refused, match="pas encore été imprimé"):
        services.handouts.hand_out(agent, person.id, codes_=[booklet(1)])
    with pytest.raises(Refused, match="aucun carnet de MGP19"):
        services.handouts.hand_out(agent, person.id, next_programme=P)
    assert services.handouts.next_booklet(P) is None
    assert raw.dump() == before
    services.booklet_printing.print_booklets(supervisor, codes=[booklet(3)], path=out / "a.pdf")
    assert services.handouts.next_booklet(P).code == booklet(3)
    row = services.handouts.hand_out(agent, person.id, next_programme=P)
    assert [b.booklet_code for b in row.booklets] == [booklet(3)]


def test_a_printed_booklet_lost_before_handout_is_voided_never_printed_again(
    services: Any, supervisor: Any, site_lot: Any, raw: Any, out: Path
) -> None:
    services.booklet_printing.print_booklets(supervisor, codes=[booklet(2)], path=out / "a.pdf")
    # a second print of it is never an original: a reprint, with its reason
    with pytest.raises(InvalidInput, match="déjà été imprimé une fois"):
        services.booklet_printing.build_booklets(codes=[booklet(2)])
    services.stock.void(supervisor, booklet(2), "lost")
    before = raw.dump()
    for reason in (None, "Imprimé perdu au guichet"):
        with pytest.raises(Refused, match="plus jamais être imprimé"):
            services.booklet_printing.print_booklets(
                supervisor, codes=[booklet(2)], path=out / "b.pdf", reprint_reason=reason
            )
    assert raw.dump() == before
    assert raw.query("SELECT reprint FROM print_record") == [(0,)]


@pytest.mark.parametrize("reason", ["stolen", "lost", "damaged", "misprint"])
def test_a_voided_or_stolen_booklet_can_never_be_reprinted(
    services: Any, supervisor: Any, lot: Any, raw: Any, out: Path, reason: str
) -> None:
    # The hole: `void X --reason stolen` then `print booklets X --reprint-reason ...` worked.
    services.stock.void(supervisor, booklet(5), reason)
    before = raw.dump()
    for code in (booklet(5), codes.voucher_code(P, 45)):
        with pytest.raises(Refused, match="invalidé : il ne pourra plus jamais"):
            services.booklet_printing.print_booklets(
                supervisor, codes=[code], path=out / "b.pdf", reprint_reason="perdu"
            )
    assert raw.dump() == before
    assert list(out.iterdir()) == []


def test_a_reprint_draws_only_the_vouchers_still_valid(
    services: Any, supervisor: Any, agent: Any, lot: Any, person: Any
) -> None:
    services.handouts.hand_out(agent, person.id, codes_=[booklet(4)])
    lost = codes.voucher_code(P, 33)  # booklet 4 holds 31..40
    services.stock.void(supervisor, lost, "lost")
    (record,) = services.booklet_printing.build_booklets(
        codes=[booklet(4)], reprint_reason="Carnet déchiré"
    )
    assert record.duplicate
    assert [v.code for v in record.vouchers] == [
        codes.voucher_code(P, n) for n in range(31, 41) if n != 33
    ]


def test_printing_for_the_stock_stops_where_handing_out_stops(
    services: Any, supervisor: Any, site_lot: Any, clock: Any
) -> None:
    # MGP19 is valid until 30/06/2027: handing out stops on 15/06 (D-15), and so does printing.
    clock.set_date(date(2027, 6, 14))
    services.booklet_printing.build_booklets(codes=[booklet(1)])
    clock.set_date(date(2027, 6, 15))
    with pytest.raises(Refused, match="15/06/2027"):
        services.booklet_printing.build_booklets(codes=[booklet(1)])
    with pytest.raises(Refused, match="15/06/2027"):
        services.booklet_printing.build_booklets(programme_code=P, count=1)
