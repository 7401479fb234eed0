"""Every change is a journal event; a chain rewritten whole is caught by a printed anchor; the
journal replayed gives the register's statuses."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from passdesk import codes
from passdesk.errors import InvalidInput
from passdesk.models import Role
from passdesk.services import ledger
from passdesk.services.integrity import check_database


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def events(raw: Any, after: int = 0) -> list[tuple[str, int, dict[str, Any]]]:
    return [
        (kind, agent_id, json.loads(details))
        for kind, agent_id, details in raw.query(
            "SELECT kind, agent_id, details FROM ledger_event WHERE id > ? ORDER BY id", (after,)
        )
    ]


def last_id(raw: Any) -> int:
    return raw.scalar("SELECT coalesce(max(id), 0) FROM ledger_event")


def test_changes_outside_the_stock_are_journal_events_without_free_text(
    services: Any, admin: Any, raw: Any
) -> None:
    # The hole: programmes, agents, settings and the desk's identity changed without an event.
    [(kind, agent_id, details)] = events(raw)
    assert (kind, agent_id) == ("desk_created", admin.id)
    assert details["identity"]["name"] == sha("Mairie de Villeurbanne")
    after = last_id(raw)
    agent = services.accounts.add_agent(
        admin, login="lea.roux", display_name="Léa Roux", role=Role.AGENT
    )
    services.accounts.set_password(admin, "lea.roux", "un mot de passe long")
    services.settings.set(admin, "vouchers_per_page", "2")
    services.settings.set(admin, "receipt_footer", "Ouvert le samedi, appeler Mme Durand")
    services.accounts.update_desk(
        admin,
        name="Mairie de Villeurbanne",
        address="Place Lazare-Goujon",
        postcode="69100",
        commune="Villeurbanne",
        siret=None,
    )
    services.programmes.add(
        admin,
        code="LYON26",
        name="Pass Ville de Lyon",
        face_value="10",
        vouchers_per_booklet=5,
        valid_from="2026-01-01",
        valid_until="2026-12-31",
        funders=[("Ville de Lyon", 100)],
        limit_per_person=1,
    )
    assert events(raw, after) == [
        ("agent_added", admin.id, {"agent": agent.id, "role": "agent"}),
        ("agent_changed", admin.id, {"agent": agent.id, "password": "set"}),
        ("setting_changed", admin.id, {"key": "vouchers_per_page", "value": 2}),
        (
            "setting_changed",
            admin.id,
            {"key": "receipt_footer", "sha256": sha("Ouvert le samedi, appeler Mme Durand")},
        ),
        (
            "desk_changed",
            admin.id,
            {
                "desk": 1,
                "identity": {
                    "address": sha("Place Lazare-Goujon"),
                    "postcode": sha("69100"),
                    "commune": sha("Villeurbanne"),
                },
            },
        ),
        (
            "programme_created",
            admin.id,
            {
                "code": "LYON26",
                "name": "Pass Ville de Lyon",
                "face_value": "10.00",
                "vouchers_per_booklet": 5,
                "valid_from": "2026-01-01",
                "valid_until": "2026-12-31",
                "limit_per_person": 1,
                "funders": {"Ville de Lyon": "100"},
            },
        ),
    ]
    text = " ".join(d for (d,) in raw.query("SELECT details FROM ledger_event"))
    for free in ("Durand", "Lazare", "Léa"):
        assert free not in text
    assert services.ledger.verify().ok


def test_an_agents_role_state_and_unlock_are_journal_events(
    services: Any, admin: Any, raw: Any
) -> None:
    # The hole: set_role, set_active and unlock wrote only the account's own history.
    agent = services.accounts.add_agent(
        admin, login="lea.roux", display_name="Léa Roux", role=Role.AGENT
    )
    after = last_id(raw)
    services.accounts.set_role(admin, "lea.roux", Role.SUPERVISOR)
    services.accounts.set_role(admin, "lea.roux", Role.SUPERVISOR)  # no change: no event
    services.accounts.set_active(admin, "lea.roux", False)
    services.accounts.set_active(admin, "lea.roux", True)
    services.accounts.unlock(admin, "lea.roux")  # not locked: nothing to journal
    raw.execute(
        "UPDATE agent SET locked_at = '2026-03-10 12:00:00.000000' WHERE login = 'lea.roux'"
    )
    services.accounts.unlock(admin, "lea.roux")
    assert events(raw, after) == [
        ("agent_changed", admin.id, {"agent": agent.id, "role": "supervisor"}),
        ("agent_changed", admin.id, {"agent": agent.id, "active": False}),
        ("agent_changed", admin.id, {"agent": agent.id, "active": True}),
        ("agent_changed", admin.id, {"agent": agent.id, "unlocked": True}),
    ]
    assert services.ledger.verify().ok
    assert check_database(services).ok


def test_a_limit_override_keeps_the_sha256_of_its_reason(
    services: Any, agent: Any, supervisor: Any, programme: Any, lot: Any, person: Any, raw: Any
) -> None:
    for n in (1, 2):
        services.handouts.hand_out(agent, person.id, codes_=[codes.booklet_code("MGP19", n)])
    after = last_id(raw)
    reason = "Famille nombreuse, accord du CCAS"
    services.handouts.hand_out(
        supervisor, person.id, next_programme="MGP19", override_reason=reason
    )
    [(kind, who, details)] = events(raw, after)
    assert (kind, who, details["override"]) == ("handed_out", supervisor.id, sha(reason))


@pytest.fixture
def journal_file(services: Any, supervisor: Any, agent: Any, lot: Any, person: Any) -> None:
    """A journal with a handout and a void in it."""
    services.handouts.hand_out(agent, person.id, next_programme="MGP19")
    services.stock.void(supervisor, codes.booklet_code("MGP19", 5), "stolen")


def test_check_anchor_accepts_any_event_hash_and_refuses_a_rewritten_chain(
    services: Any, journal_file: None, raw: Any
) -> None:
    hashes = [h for (h,) in raw.query("SELECT hash FROM ledger_event ORDER BY id")]
    for number, digest in enumerate(hashes, 1):
        report = check_database(services, anchor=digest.upper())
        assert report.ok and report.ledger.anchor_event == number
        assert any(f"l'événement {number} porte l'empreinte" in line for line in report.lines)
    anchor = hashes[2]
    # The hole: rewriting the chain whole from its first event passed `check`.
    _rewrite_whole_chain(raw)
    assert services.ledger.verify().ok  # consistent by itself...
    report = check_database(services, anchor=anchor)
    assert not report.ok  # ...but the paper's hash is gone
    assert "Aucun événement du journal ne porte l'empreinte" in report.ledger.problem
    with pytest.raises(InvalidInput, match="64 caractères"):
        services.ledger.verify(anchor="1234")


def _rewrite_whole_chain(raw: Any) -> None:
    """What a forger with the database could do: change an old event and rehash everything."""
    rows = raw.query(
        "SELECT id, at, agent_id, kind, programme_id, booklet_id, voucher_id, handout_id, "
        "details FROM ledger_event ORDER BY id"
    )
    prev = ledger.GENESIS
    for row in rows:
        event_id, at, agent_id, kind, programme, booklet, voucher, handout, details = row
        if event_id == 1:
            details = details.replace("{", '{"forged":true,', 1)
        moment = (at if isinstance(at, datetime) else datetime.fromisoformat(at)).replace(
            tzinfo=UTC
        )
        text = ledger.canonical(
            event_id, moment, agent_id, kind, programme, booklet, voucher, handout, details
        )
        digest = ledger.chain_hash(prev, text)
        raw.execute(
            "UPDATE ledger_event SET details = ?, prev_hash = ?, hash = ? WHERE id = ?",
            (details, prev, digest, event_id),
        )
        prev = digest
    raw.execute("UPDATE ledger_head SET last_hash = ?", (prev,))


def test_check_replays_the_journal_and_names_a_voucher_changed_behind_its_back(
    services: Any, journal_file: None, raw: Any
) -> None:
    assert check_database(services).ok
    voucher = codes.voucher_code("MGP19", 23)
    raw.execute("UPDATE voucher SET status = 'voided' WHERE code = ?", (voucher,))
    report = check_database(services)
    assert not report.ok
    assert any("1 chèque diffère du journal rejoué" in p and voucher in p for p in report.problems)


def test_a_territorys_desks_and_transfers_are_journal_events_without_free_text(
    services: Any, admin: Any, lot: Any, raw: Any
) -> None:
    # Issue 13: a desk added, the first desk made the coordination, a range transferred.
    after = last_id(raw)
    vaulx = services.desks.add_desk(
        admin, code="VAULX", name="CCAS de Vaulx-en-Velin", admin_login="vadmin"
    )
    services.desks.set_kind(admin, services.desks.get(admin.desk_id).code, "coordination")
    services.transfers.transfer(admin, programme="MGP19", first_booklet=1, count=2, to_desk="VAULX")
    vadmin = services.accounts.actor("vadmin")
    moved = {
        "from": admin.desk_id,
        "to": vaulx.id,
        "programme": "MGP19",
        "first": codes.booklet_code("MGP19", 1),
        "last": codes.booklet_code("MGP19", 2),
        "count": 2,
    }
    found = events(raw, after)
    assert [(kind, who) for kind, who, _details in found] == [
        ("desk_created", admin.id),
        ("desk_changed", admin.id),
        ("transferred_out", admin.id),
        ("transferred_in", admin.id),
    ]
    assert found[0][2]["desk"] == vaulx.id and found[0][2]["admin"] == vadmin.id
    assert found[0][2]["identity"]["name"] == sha("CCAS de Vaulx-en-Velin")
    assert found[1][2] == {"desk": admin.desk_id, "kind": "coordination"}
    assert found[2][2] == found[3][2] == moved
    assert "Vaulx" not in " ".join(d for (d,) in raw.query("SELECT details FROM ledger_event"))
    assert check_database(services).ok
