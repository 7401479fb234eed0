"""End of validity: what is left in stock after a programme's end expires (one event a booklet,
once), D-30 alerts list what ends soon, and a day still to come is refused."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from passdesk import codes
from passdesk.errors import InvalidInput, Refused
from passdesk.services.expiry import alert_text
from passdesk.services.integrity import check_database

OTHER = "PN26"  # valid until 31/12/2026, 20 booklets of 5 vouchers of 20 €


def test_booklets_left_in_stock_after_the_end_expire_once_each(
    services: Any,
    agent: Any,
    supervisor: Any,
    other_programme: Any,
    lot: Any,
    person: Any,
    raw: Any,
    clock: Any,
) -> None:
    # The hole: past the end, booklets stayed "in stock" and no EXPIRED event was written.
    handed = services.handouts.hand_out(agent, person.id, codes_=[codes.booklet_code(OTHER, 1)])
    services.stock.void(supervisor, codes.booklet_code(OTHER, 2), "lost")
    services.stock.void(supervisor, codes.voucher_code(OTHER, 12), "misprint")  # booklet 3
    clock.set_date(date(2026, 12, 31))
    assert services.expiry.expire(supervisor).booklets == 0  # the last valid day
    clock.set_date(date(2027, 1, 1))
    before = raw.scalar("SELECT max(id) FROM ledger_event")

    result = services.expiry.expire(agent)  # the calendar decides: any agent's session

    assert [(p.code, p.booklets, p.vouchers, p.value) for p in result.programmes] == [
        (OTHER, 18, 18 * 5 - 1, Decimal("20") * (18 * 5 - 1))
    ]
    statuses = dict(
        raw.query(
            "SELECT number, status FROM booklet WHERE programme_id = ?", (other_programme.id,)
        )
    )
    assert statuses[1] == "handed_out" and statuses[2] == "voided"
    assert {statuses[n] for n in range(3, 21)} == {"expired"}
    assert raw.query(
        "SELECT status, count(*) FROM voucher WHERE booklet_id IN "
        "(SELECT id FROM booklet WHERE programme_id = ? AND number = 3) GROUP BY status",
        (other_programme.id,),
    ) == [("expired", 4), ("voided", 1)]
    events = raw.query(
        "SELECT kind, agent_id, booklet_id, details FROM ledger_event WHERE id > ? ORDER BY id",
        (before,),
    )
    assert len(events) == 18 and {e[0] for e in events} == {"expired"}
    assert {e[1] for e in events} == {agent.id}
    assert json.loads(events[0][3]) == {
        "booklet": codes.booklet_code(OTHER, 3),
        "valid_until": "2026-12-31",
        "vouchers": 4,
    }
    # MGP19 is still valid: untouched
    assert services.stock.counts("MGP19").in_stock == lot.count
    # idempotent: nothing more to do, nothing written
    dump = raw.dump()
    assert services.expiry.expire(supervisor).booklets == 0
    assert raw.dump() == dump
    counts = services.stock.counts(OTHER)
    assert (counts.in_stock, counts.expired, counts.vouchers.expired) == (0, 18, 89)
    assert counts.balanced
    assert check_database(services).ok
    # the person's booklet is theirs until then; expired ones are never handed out
    assert services.handouts.get(handed.id).booklets[0].status == "handed_out"
    with pytest.raises(Refused):
        services.handouts.hand_out(agent, person.id, codes_=[codes.booklet_code(OTHER, 5)])


def test_expiring_as_of_a_day_to_come_is_refused_and_changes_nothing(
    services: Any, supervisor: Any, other_programme: Any, raw: Any
) -> None:
    before = raw.dump()
    with pytest.raises(InvalidInput, match="un jour à venir"):
        services.expiry.expire(supervisor, "2030-01-01")
    with pytest.raises(InvalidInput, match="AAAA-MM-JJ"):
        services.expiry.expire(supervisor, "01/01/2027")
    assert raw.dump() == before
    # as of a day already gone: what had ended by then (nothing here)
    assert services.expiry.expire(supervisor, "2026-01-01").booklets == 0


def test_alerts_list_what_ends_within_thirty_days_with_the_stock_left(
    services: Any, supervisor: Any, other_programme: Any, lot: Any
) -> None:
    services.stock.void(supervisor, codes.voucher_code(OTHER, 1), "damaged")
    assert services.expiry.alerts("2026-11-30") == []  # D-31
    [alert] = services.expiry.alerts("2026-12-01")  # D-30
    assert (alert.code, alert.days_left, alert.handout_stop) == (OTHER, 30, date(2026, 12, 16))
    assert (alert.booklets_in_stock, alert.vouchers_in_stock) == (20, 99)
    assert alert.value_in_stock == Decimal("1980.00")
    text = alert_text(alert)
    assert "31/12/2026" in text and "dans 30 jours" in text and "à partir du 16/12/2026" in text
    [later] = services.expiry.alerts(date(2026, 12, 20))
    assert "arrêtée depuis le 16/12/2026" in alert_text(later)
    # ended with stock not yet expired: still listed; once expired, gone
    [ended] = services.expiry.alerts("2027-01-02")
    assert ended.days_left == -2 and "pas encore périmés" in alert_text(ended)


def test_handing_out_and_printing_stop_at_d_minus_15(
    services: Any, agent: Any, supervisor: Any, other_programme: Any, person: Any, clock: Any
) -> None:
    clock.set_date(date(2026, 12, 31) - timedelta(days=15))
    with pytest.raises(Refused, match="16/12/2026"):
        services.handouts.hand_out(agent, person.id, next_programme=OTHER)
    with pytest.raises(Refused, match="16/12/2026"):
        services.booklet_printing.build_booklets(
            codes=[codes.booklet_code(OTHER, 1)], reprint_reason="abîmé"
        )


@pytest.mark.sqlite_only  # the race is staged on SQLite's connection
def test_a_handout_committed_while_the_stock_is_read_is_not_expired(
    services: Any, agent: Any, other_programme: Any, raw: Any, clock: Any
) -> None:
    """On PostgreSQL a handout may commit while expiry reads the stock. Modelled on SQLite: the
    handout's change is made on expiry's connection just after its read of the stock or, when
    that read locks what it reads (FOR UPDATE: PostgreSQL grants the lock only once the
    handout has committed, and then reads the booklet as handed out), just before it."""
    from sqlalchemy import event

    target = codes.booklet_code(OTHER, 5)
    state = {"read": False, "done": False}

    def handout(cursor: Any) -> None:
        state["done"] = True
        db = cursor.connection
        db.execute("UPDATE booklet SET status = 'handed_out' WHERE code = ?", (target,))
        db.execute(
            "UPDATE voucher SET status = 'handed_out' WHERE booklet_id = "
            "(SELECT id FROM booklet WHERE code = ?)",
            (target,),
        )

    def reads_stock(statement: str) -> bool:
        return statement.lstrip().startswith("SELECT booklet.id, booklet.code")

    def before(
        conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: Any
    ) -> None:
        if state["done"]:
            return
        locks = context.compiled is not None and (
            getattr(context.compiled.statement, "_for_update_arg", None) is not None
        )
        if state["read"] or (reads_stock(statement) and locks):
            handout(cursor)

    def after(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: Any) -> None:
        if reads_stock(statement):
            state["read"] = True

    engine = services.db.engine
    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    clock.set_date(date(2027, 1, 1))
    try:
        result = services.expiry.expire(agent)
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)
    assert state["done"]
    assert [(p.code, p.booklets, p.vouchers) for p in result.programmes] == [(OTHER, 19, 95)]
    assert raw.scalar("SELECT status FROM booklet WHERE code = ?", (target,)) == "handed_out"
    assert raw.query(
        "SELECT DISTINCT status FROM voucher WHERE booklet_id = "
        "(SELECT id FROM booklet WHERE code = ?)",
        (target,),
    ) == [("handed_out",)]
    expired = raw.query("SELECT json_extract(details, '$.booklet') FROM ledger_event "
                        "WHERE kind = 'expired'")  # fmt: skip
    assert len(expired) == 19 and (target,) not in expired
    assert services.ledger.verify().ok
