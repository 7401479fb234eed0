"""A territory's desks and transfers (issue 13): a desk added with its first administrator, the
first desk made the coordination, a range of booklets given by one desk to another (two journal
events and one row, or nothing at all), and `check` finding a holder changed by hand."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest

from passdesk import codes
from passdesk.errors import Forbidden, NotFound, PassDeskError, Refused
from passdesk.models import Role
from passdesk.services import Services
from passdesk.services.integrity import check_database
from passdesk.store import open_database
from tests.desks import OTHER_CODE
from tests.territory import SECOND_CODE, hand_over, second_desk

MGP = "MGP19"
FIRST_CODE = "MAIRIE-DE-VI"  # the unit fixtures' desk ("Mairie de Villeurbanne")


def booklet(n: int, programme: str = MGP) -> str:
    return codes.booklet_code(programme, n)


def holders(raw: Any, programme: str = MGP) -> dict[int, str]:
    return dict(
        raw.query(
            "SELECT b.number, d.code FROM booklet b JOIN desk d ON d.id = b.desk_id "
            "JOIN programme p ON p.id = b.programme_id WHERE p.code = ? ORDER BY b.number",
            (programme,),
        )
    )


def events_after(raw: Any, after: int) -> list[tuple[str, int, int | None, dict[str, Any]]]:
    return [
        (kind, agent_id, programme_id, json.loads(details))
        for kind, agent_id, programme_id, details in raw.query(
            "SELECT kind, agent_id, programme_id, details FROM ledger_event WHERE id > ? "
            "ORDER BY id",
            (after,),
        )
    ]


def last_event(raw: Any) -> int:
    return raw.scalar("SELECT coalesce(max(id), 0) FROM ledger_event")


def test_a_transfer_moves_the_range_with_two_events_and_one_row(
    services: Services, supervisor: Any, lot: Any, raw: Any
) -> None:
    vadmin, _vagent = second_desk(services)
    after = last_event(raw)
    row = services.transfers.transfer(
        supervisor, programme="mgp19", first_booklet=3, count=4, to_desk="vaulx"
    )
    assert (row.programme_code, row.from_code, row.to_code, row.count) == (
        MGP,
        FIRST_CODE,
        SECOND_CODE,
        4,
    )
    assert (row.first_code, row.last_code, row.agent_login) == (
        booklet(3),
        booklet(6),
        "claire.martin",
    )
    held = holders(raw)
    assert [n for n, code in held.items() if code == SECOND_CODE] == [3, 4, 5, 6]
    assert [n for n, code in held.items() if code == FIRST_CODE] == [1, 2, *range(7, 13)]
    details = {
        "from": supervisor.desk_id,
        "to": vadmin.desk_id,
        "programme": MGP,
        "first": booklet(3),
        "last": booklet(6),
        "count": 4,
    }
    programme_id = raw.scalar("SELECT id FROM programme WHERE code = ?", (MGP,))
    assert events_after(raw, after) == [
        ("transferred_out", supervisor.id, programme_id, details),
        ("transferred_in", supervisor.id, programme_id, details),
    ]
    assert raw.query(
        "SELECT agent_id, from_desk_id, to_desk_id, first_booklet, last_booklet, count, "
        "out_event_id, in_event_id FROM transfer"
    ) == [
        (supervisor.id, supervisor.desk_id, vadmin.desk_id, 3, 6, 4, after + 1, after + 2),
    ]
    report = check_database(services)
    assert report.ok, report.lines
    # The statuses did not move: still twelve in stock, four of them at VAULX.
    assert {(h.desk_code, h.in_stock) for h in services.transfers.holdings(supervisor)} == {
        (FIRST_CODE, 8),
        (SECOND_CODE, 4),
    }
    # VAULX gives two back: the holder follows, `check` still agrees.
    services.transfers.transfer(vadmin, programme=MGP, first_booklet=5, count=2, to_desk=FIRST_CODE)
    assert [n for n, code in holders(raw).items() if code == SECOND_CODE] == [3, 4]
    assert check_database(services).ok
    assert [(t.from_code, t.to_code, t.count) for t in services.transfers.transfers()] == [
        (SECOND_CODE, FIRST_CODE, 2),
        (FIRST_CODE, SECOND_CODE, 4),
    ]


def test_a_desk_sees_its_own_transfers_and_the_coordination_all(
    services: Services, admin: Any, lot: Any, other_programme: Any
) -> None:
    vadmin, _vagent = second_desk(services)
    services.desks.add_desk(admin, code="BRON", name="CCAS de Bron", admin_login="badmin")
    services.desks.set_kind(admin, FIRST_CODE, "coordination")
    services.transfers.transfer(admin, programme=MGP, first_booklet=1, count=2, to_desk="VAULX")
    services.transfers.transfer(
        admin, programme=OTHER_CODE, first_booklet=1, count=5, to_desk="BRON"
    )
    services.act_as(vadmin)
    assert [(t.programme_code, t.to_code) for t in services.transfers.transfers()] == [
        (MGP, SECOND_CODE)
    ]
    services.act_as(admin)
    assert [(t.programme_code, t.to_code) for t in services.transfers.transfers()] == [
        (OTHER_CODE, "BRON"),
        (MGP, SECOND_CODE),
    ]
    assert [t.to_code for t in services.transfers.transfers(limit=1)] == ["BRON"]


@pytest.mark.parametrize("culprit", ["handed out", "voided", "elsewhere", "missing"])
def test_a_range_that_is_not_all_in_stock_here_is_refused_whole(
    services: Services, supervisor: Any, agent: Any, lot: Any, person: Any, raw: Any, culprit: str
) -> None:
    vadmin, _vagent = second_desk(services)
    first, count = 3, 4
    if culprit == "handed out":
        services.handouts.hand_out(agent, person.id, codes_=[booklet(5)])
        named = f"{booklet(5)} a été remis"
    elif culprit == "voided":
        services.stock.void(supervisor, booklet(5), "stolen")
        named = f"{booklet(5)} a été invalidé"
    elif culprit == "elsewhere":
        hand_over(services, MGP, 5, 1, vadmin)
        named = f"{booklet(5)} est détenu par le guichet VAULX"
    else:
        first, count = 10, 5  # the lot stops at 12
        named = f"{booklet(13)} n'existe pas; {booklet(14)} n'existe pas"
    before = raw.dump()
    with pytest.raises(Refused) as refused:
        services.transfers.transfer(
            supervisor, programme=MGP, first_booklet=first, count=count, to_desk="VAULX"
        )
    message = str(refused.value)
    assert message.startswith("Rien n'a été transféré : ")
    assert named in message, message
    assert raw.dump() == before
    assert check_database(services).ok


def test_who_may_transfer_and_to_whom(
    services: Services, admin: Any, supervisor: Any, agent: Any, lot: Any, raw: Any
) -> None:
    vadmin, vagent = second_desk(services)
    services.desks.add_desk(admin, code="BRON", name="CCAS de Bron", admin_login="badmin")
    hand_over(services, MGP, 1, 2, vadmin)
    before = raw.dump()

    def refused(actor: Any, to: str, first: int = 5, error: type = Refused) -> str:
        with pytest.raises(error) as caught:
            services.transfers.transfer(
                actor, programme=MGP, first_booklet=first, count=1, to_desk=to
            )
        return str(caught.value)

    assert "Votre rôle ne permet pas cette action : transférer des carnets" in refused(
        agent, "VAULX"
    )
    assert "Votre rôle ne permet pas" in refused(vagent, FIRST_CODE, first=1)
    assert refused(supervisor, FIRST_CODE) == f"Les carnets sont déjà au guichet {FIRST_CODE}."
    assert "Aucun guichet n'a le code NOWHERE" in refused(supervisor, "NOWHERE", error=NotFound)
    assert "détenu par le guichet" in refused(vadmin, "BRON")  # 5 is not VAULX's
    with pytest.raises(NotFound, match="ZZ9"):
        services.transfers.transfer(
            supervisor, programme="ZZ9", first_booklet=1, count=1, to_desk="VAULX"
        )
    assert raw.dump() == before
    # With a coordination, the desks give back to it only; it shares out.
    services.desks.set_kind(admin, FIRST_CODE, "coordination")
    before = raw.dump()
    message = refused(vadmin, "BRON", first=1, error=Forbidden)
    assert message.startswith(f"Un guichet ne rend des carnets qu'à la coordination ({FIRST_CODE})")
    assert raw.dump() == before
    services.transfers.transfer(vadmin, programme=MGP, first_booklet=1, count=1, to_desk=FIRST_CODE)
    services.transfers.transfer(supervisor, programme=MGP, first_booklet=7, count=2, to_desk="BRON")
    assert holders(raw)[1] == FIRST_CODE and holders(raw)[8] == "BRON"
    assert check_database(services).ok


def test_check_finds_a_holder_changed_behind_the_journals_back(
    services: Services, supervisor: Any, lot: Any, raw: Any
) -> None:
    vadmin, _vagent = second_desk(services)
    hand_over(services, MGP, 3, 2, vadmin)
    assert check_database(services).ok
    # The forger moves booklet 7 to VAULX without a transfer...
    raw.execute("UPDATE booklet SET desk_id = ? WHERE code = ?", (vadmin.desk_id, booklet(7)))
    report = check_database(services)
    assert not report.ok
    assert (
        f"1 carnet est détenu par un autre guichet que celui que dit le journal : {booklet(7)}."
        in report.problems
    )
    # ...or takes a transferred one back by hand: both show.
    raw.execute("UPDATE booklet SET desk_id = ? WHERE code = ?", (supervisor.desk_id, booklet(3)))
    [problem] = [p for p in check_database(services).problems if "autre guichet" in p]
    assert problem.startswith("2 carnets sont détenus") and booklet(3) in problem


def test_check_finds_a_transfer_row_that_does_not_match_its_events(
    services: Services, supervisor: Any, lot: Any, raw: Any
) -> None:
    vadmin, _vagent = second_desk(services)
    hand_over(services, MGP, 3, 2, vadmin)
    raw.execute("UPDATE transfer SET count = 3, last_booklet = 5")
    report = check_database(services)
    assert not report.ok
    [out_id] = raw.query("SELECT out_event_id FROM transfer")[0][:1]
    assert (
        f"Aucun enregistrement de transfert ne correspond aux événements {out_id} et "
        f"{out_id + 1}." in report.problems
    )


def test_a_desk_is_added_with_its_first_administrator_as_init_adds_the_first(
    services: Services, admin: Any, raw: Any
) -> None:
    after = last_event(raw)
    row = services.desks.add_desk(
        admin,
        code="vaulx",
        name="CCAS de Vaulx-en-Velin",
        admin_login="Vadmin",
        admin_name="Véra Admin",
        admin_password="un mot de passe bien long pour Vaulx",
        commune="Vaulx-en-Velin",
    )
    assert (row.code, row.kind, row.name, row.commune) == (
        "VAULX",
        "desk",
        "CCAS de Vaulx-en-Velin",
        "Vaulx-en-Velin",
    )
    vadmin = services.accounts.authenticate("vadmin", "un mot de passe bien long pour Vaulx")
    assert (vadmin.desk_id, vadmin.role) == (row.id, Role.ADMIN)
    [(kind, by, _programme, details)] = events_after(raw, after)
    assert (kind, by) == ("desk_created", admin.id)
    assert details["desk"] == row.id and details["admin"] == vadmin.id
    assert set(details["identity"]) == {"name", "address", "postcode", "commune", "siret", "logo"}
    assert "Vaulx" not in json.dumps(details)  # fingerprints only
    assert raw.query(
        "SELECT kind, detail, by_agent_id FROM agent_event WHERE agent_id = ?", (vadmin.id,)
    ) == [("created", "admin", admin.id)]
    assert check_database(services).ok


def test_a_taken_code_or_login_and_a_desk_of_the_territory_are_refused(
    services: Services, admin: Any, supervisor: Any, raw: Any
) -> None:
    vadmin, _vagent = second_desk(services)
    before = raw.dump()
    with pytest.raises(Refused, match="Le code de guichet VAULX est déjà pris"):
        services.desks.add_desk(admin, code="VAULX", name="Autre", admin_login="autre")
    with pytest.raises(Refused, match="L'identifiant claire.martin est déjà utilisé"):
        services.desks.add_desk(admin, code="BRON", name="Bron", admin_login="claire.martin")
    with pytest.raises(
        Forbidden, match="Votre rôle ne permet pas cette action : gérer les guichets"
    ):
        services.desks.add_desk(supervisor, code="BRON", name="Bron", admin_login="badmin")
    with pytest.raises(Forbidden, match=f"Seul un administrateur du guichet {FIRST_CODE}"):
        services.desks.add_desk(vadmin, code="BRON", name="Bron", admin_login="badmin")
    with pytest.raises(Forbidden, match=f"Seul un administrateur du guichet {FIRST_CODE}"):
        services.desks.set_kind(vadmin, "VAULX", "coordination")
    with pytest.raises(Forbidden, match="Seul un administrateur du guichet VAULX"):
        services.desks.set_kind(admin, "VAULX", "coordination")
    assert raw.dump() == before


def test_one_coordination_per_territory(services: Services, admin: Any, raw: Any) -> None:
    vadmin, _vagent = second_desk(services)
    after = last_event(raw)
    row = services.desks.set_kind(admin, FIRST_CODE, "coordination")
    assert row.kind == "coordination"
    assert events_after(raw, after) == [
        ("desk_changed", admin.id, None, {"desk": admin.desk_id, "kind": "coordination"})
    ]
    before = raw.dump()
    with pytest.raises(Refused, match=f"a déjà un guichet de coordination : {FIRST_CODE}"):
        services.desks.add_desk(
            admin, code="METRO", name="Métropole", kind="coordination", admin_login="madmin"
        )
    with pytest.raises(Forbidden, match=f"Seul un administrateur du guichet {FIRST_CODE}"):
        services.desks.set_kind(vadmin, "VAULX", "coordination")
    assert raw.dump() == before
    # The coordination's administrator manages the desks; back to a desk, a new one may lead.
    services.desks.add_desk(admin, code="BRON", name="CCAS de Bron", admin_login="badmin")
    services.desks.set_kind(admin, FIRST_CODE, "desk")
    metro = services.desks.add_desk(
        admin, code="METRO", name="Métropole", kind="coordination", admin_login="madmin"
    )
    assert [d.code for d in services.desks.desks() if d.kind == "coordination"] == [metro.code]
    with pytest.raises(Forbidden, match="Seul un administrateur du guichet METRO"):
        services.desks.add_desk(admin, code="RIEUX", name="Rillieux", admin_login="radmin")
    assert check_database(services).ok


def test_a_transfer_racing_a_handout_of_the_same_booklet_lets_one_through(
    services: Services,
    db_url: str,
    clock: Any,
    supervisor: Any,
    agent: Any,
    other_programme: Any,
    person: Any,
    raw: Any,
) -> None:
    """Each round, a transfer and a handout of one booklet start together on their own
    connections: one is done, the other refused (the transfer's row locks, the handout's
    conditional update on the holder), never both."""
    second_desk(services)
    rounds = 8
    outcomes: list[tuple[str, str]] = []
    barrier = threading.Barrier(2, timeout=60)

    def run(job: Any, results: dict[str, str], name: str) -> None:
        database = open_database(db_url)
        try:
            mine = Services.build(database, clock)
            barrier.wait()
            try:
                job(mine)
                results[name] = "done"
            except PassDeskError as refusal:
                results[name] = type(refusal).__name__
        finally:
            database.close()

    for n in range(1, rounds + 1):
        results: dict[str, str] = {}

        def give(mine: Services, n: int = n) -> None:
            mine.transfers.transfer(
                supervisor, programme=OTHER_CODE, first_booklet=n, count=1, to_desk="VAULX"
            )

        def hand(mine: Services, n: int = n) -> None:
            mine.handouts.hand_out(agent, person.id, codes_=[booklet(n, OTHER_CODE)])

        threads = [
            threading.Thread(target=run, args=(give, results, "transfer")),
            threading.Thread(target=run, args=(hand, results, "handout")),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        outcomes.append((results["transfer"], results["handout"]))
    assert all(sorted(o) == ["Refused", "done"] for o in outcomes), outcomes
    held = holders(raw, OTHER_CODE)
    statuses = dict(
        raw.query(
            "SELECT b.number, b.status FROM booklet b JOIN programme p ON p.id = b.programme_id "
            "WHERE p.code = ?",
            (OTHER_CODE,),
        )
    )
    for n, (transfer, _handout) in enumerate(outcomes, 1):
        if transfer == "done":
            assert (held[n], statuses[n]) == (SECOND_CODE, "in_stock")
        else:
            assert (held[n], statuses[n]) == (FIRST_CODE, "handed_out")
    report = check_database(services)
    assert report.ok, report.lines


@pytest.mark.parametrize("backend", [pytest.param("postgres", marks=pytest.mark.postgres)])
def test_a_transfer_committed_between_a_handouts_read_and_write_refuses_the_handout(
    services: Services,
    db_url: str,
    clock: Any,
    supervisor: Any,
    agent: Any,
    other_programme: Any,
    person: Any,
    raw: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The race above made certain, on PostgreSQL (SQLite's one writer cannot interleave): the
    handout has read the booklet in stock at its desk when the transfer commits; its
    conditional update then finds the booklet held elsewhere, and it is refused whole."""
    from passdesk.services import handouts

    second_desk(services)
    check_limits = handouts.check_limits

    def transfer_meanwhile(*args: Any, **kwargs: Any) -> None:
        check_limits(*args, **kwargs)
        other = open_database(db_url)
        try:
            thread = threading.Thread(
                target=Services.build(other, clock).transfers.transfer,
                args=(supervisor,),
                kwargs={
                    "programme": OTHER_CODE,
                    "first_booklet": 4,
                    "count": 1,
                    "to_desk": "VAULX",
                },
            )
            thread.start()
            thread.join(timeout=60)
        finally:
            other.close()

    monkeypatch.setattr(handouts, "check_limits", transfer_meanwhile)
    with pytest.raises(Refused, match="est détenu par un autre guichet"):
        services.handouts.hand_out(agent, person.id, codes_=[booklet(4, OTHER_CODE)])
    assert (holders(raw, OTHER_CODE)[4], raw.scalar("SELECT count(*) FROM handout")) == (
        SECOND_CODE,
        0,
    )
    assert check_database(services).ok
