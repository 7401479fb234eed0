"""A territory run from the console (issue 13): the first desk made the coordination, a second
desk added with its administrator, a lot received at the coordination and a range transferred
to the new desk, whose administrator hands one of its booklets out; `check` still passes.
Refused commands (unknown desk, bad code, count 0, a range partly handed out or held
elsewhere, a desk that may not do it) exit 1 or 2 in French and change nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from conftest import Console, Kit

REFUSED, BAD_INPUT = 1, 2
COORDINATION = "METROPOLE-DE"  # the code init gave "Métropole de Lyon"
VAULX = "VAULX"
PROGRAMME = "MGP26"
MOVED = range(11, 21)  # the booklets transferred to VAULX


@dataclass(frozen=True)
class Territory:
    console: Console
    kit: Kit
    person_at_vaulx: int
    person_at_coordination: int


def build_territory(console: Console, kit: Kit) -> Territory:
    console.ok("init", "--desk", "Métropole de Lyon", "--admin-name", "Awa Traoré")
    [desk] = console.data("desk", "list")
    assert desk == {"code": COORDINATION, "name": "Métropole de Lyon", "kind": "desk"}
    made = console.ok("desk", "coordination", COORDINATION)
    assert "coordination" in made.err
    console.ok(
        "desk", "add", "--code", "vaulx", "--name", "CCAS de Vaulx-en-Velin",
        "--admin", "vadmin", "--admin-name", "Véra Martin", "--address", "1 rue Émile Zola",
        "--postcode", "69120", "--commune", "Vaulx-en-Velin", "--password-stdin",
        stdin=kit.agent_password("vadmin") + "\n",
    )  # fmt: skip
    console.ok("agent", "add", "--login", "marie", "--name", "Marie Dubois", "--role", "agent")
    console.ok(
        "programme", "add", "--code", PROGRAMME, "--name", "Pass Numérique Métropole",
        *kit.PROGRAMME_ARGS, "--funder", "État=100",
    )  # fmt: skip
    console.ok(
        "stock", "receive", "--kind", "delivered", "--programme", PROGRAMME,
        "--first-booklet", "1", "--count", "50",
    )  # fmt: skip
    person = ["--last-name", "N'Diaye", "--first-name", "Hélène", "--birth-date", "1980-05-04"]
    at_vaulx = console.data("--agent", "vadmin", "beneficiary", "add", *person)["id"]
    other = ["--last-name", "Nowak", "--first-name", "Łucja", "--birth-date", "2001-02-17"]
    at_coordination = console.data("beneficiary", "add", *other)["id"]
    return Territory(console, kit, at_vaulx, at_coordination)


@pytest.fixture
def territory(console: Console, kit: Kit) -> Territory:
    return build_territory(console, kit)


def transfer(first: int, count: int, to: str = VAULX) -> list[str]:
    return [
        "transfer", "--programme", PROGRAMME, "--first-booklet", str(first),
        "--count", str(count), "--to", to,
    ]  # fmt: skip


def test_a_range_goes_to_the_new_desk_whose_admin_hands_one_out(territory: Territory) -> None:
    console, kit = territory.console, territory.kit
    desks = console.data("desk", "list")
    assert [(d["code"], d["kind"]) for d in desks] == [
        (COORDINATION, "coordination"),
        (VAULX, "desk"),
    ]
    listed = console.ok("desk", "list").out
    assert "CCAS de Vaulx-en-Velin" in listed and "coordination" in listed

    done = console.run(*transfer(MOVED.start, len(MOVED)))
    assert done.status == 0, done
    first, last = kit.booklet(MOVED.start), kit.booklet(MOVED.stop - 1)
    assert (
        f"10 carnets transférés de {COORDINATION} à {VAULX} : de {first} à {last}." in done.err
    ), done.err
    assert f"{first} .. {last}" in done.out
    [row] = console.data("transfers")
    assert (row["from_code"], row["to_code"], row["count"]) == (COORDINATION, VAULX, 10)
    assert (row["first_code"], row["last_code"], row["agent_login"]) == (first, last, "admin")

    handed = console.data(
        "--agent", "vadmin", "handout", "--beneficiary", str(territory.person_at_vaulx),
        "--booklet", kit.booklet(12),
    )  # fmt: skip
    assert handed["receipt_number"].endswith("-000001")  # VAULX's own series starts
    checked = console.run("check")
    assert checked.status == 0, checked
    # VAULX's administrator sees the transfers to VAULX too (logins: a password is asked).
    assert [r["to_code"] for r in console.data("--agent", "vadmin", "transfers")] == [VAULX]


def test_the_coordination_cannot_hand_out_a_booklet_it_gave_away(territory: Territory) -> None:
    console, kit = territory.console, territory.kit
    console.ok(*transfer(MOVED.start, len(MOVED)))
    before = kit.dump(console.database)
    refused = console.run(
        "--agent", "marie", "handout", "--beneficiary", str(territory.person_at_coordination),
        "--booklet", kit.booklet(13),
    )  # fmt: skip
    assert refused.status == REFUSED, refused
    assert VAULX in refused.err, refused.err
    assert kit.dump(console.database) == before


@dataclass(frozen=True)
class Case:
    args: Callable[[Territory], list[str]]
    status: int
    french: str
    stdin: str | None = None


CASES: dict[str, Case] = {
    "unknown desk": Case(
        lambda t: transfer(21, 5, "NOPE"),
        BAD_INPUT,
        f"Aucun guichet n'a le code NOPE (guichets : {COORDINATION}, {VAULX})",
    ),
    "bad desk code": Case(
        lambda t: transfer(21, 5, "va lx"), BAD_INPUT, "1 à 12 lettres majuscules"
    ),
    "count 0": Case(lambda t: transfer(21, 0), BAD_INPUT, "doit être compris entre 1 et"),
    "first booklet 0": Case(lambda t: transfer(0, 5), BAD_INPUT, "doit être compris entre 1 et"),
    "count not a number": Case(
        lambda t: [*transfer(21, 5)[:5], "--count", "dix", "--to", VAULX],
        BAD_INPUT,
        "dix n'est pas un nombre entier",
    ),
    "range partly handed out": Case(lambda t: transfer(28, 5), REFUSED, "a été remis"),
    "range partly held by VAULX": Case(
        lambda t: transfer(18, 5), REFUSED, "est détenu par le guichet VAULX"
    ),
    "range past the lot": Case(lambda t: transfer(48, 5), REFUSED, "n'existe pas"),
    "to its own desk": Case(lambda t: transfer(21, 5, COORDINATION), REFUSED, "déjà au guichet"),
    "unknown programme": Case(
        lambda t: [
            "transfer",
            "--programme",
            "ZZ99",
            "--first-booklet",
            "21",
            "--count",
            "1",
            "--to",
            VAULX,
        ],
        BAD_INPUT,
        "ZZ99",
    ),  # fmt: skip
    "an agent may not transfer": Case(
        lambda t: ["--agent", "marie", *transfer(21, 5)], REFUSED, "ne permet pas"
    ),
    "--desk-code names another desk": Case(
        lambda t: ["--desk-code", VAULX, "--agent", "admin", *transfer(21, 5)],
        REFUSED,
        f"admin travaille pour le guichet {COORDINATION}",
    ),
    "a desk code taken": Case(
        lambda t: [
            "desk",
            "add",
            "--code",
            VAULX,
            "--name",
            "Autre",
            "--admin",
            "autre",
            "--password-stdin",
        ],
        REFUSED,
        "déjà pris",
        stdin="autre-nuage-tambour-citron\n",
    ),  # fmt: skip
    "a bad desk code": Case(
        lambda t: [
            "desk",
            "add",
            "--code",
            "ca sa",
            "--name",
            "Autre",
            "--admin",
            "autre",
            "--password-stdin",
        ],
        BAD_INPUT,
        "1 à 12 lettres majuscules",
        stdin="autre-nuage-tambour-citron\n",
    ),  # fmt: skip
    "a desk without its admin's password": Case(
        lambda t: ["desk", "add", "--code", "BRON", "--name", "Bron", "--admin", "bron"],
        REFUSED,
        "--password-stdin",
    ),
    "a desk added by a desk of the territory": Case(
        lambda t: [
            "--agent",
            "vadmin",
            "desk",
            "add",
            "--code",
            "BRON",
            "--name",
            "Bron",
            "--admin",
            "bron",
            "--password-stdin",
        ],
        REFUSED,
        f"Seul un administrateur du guichet {COORDINATION}",
        stdin="bron-nuage-tambour-citron\n",
    ),  # fmt: skip
    "a second coordination desk added": Case(
        lambda t: [
            "desk",
            "add",
            "--code",
            "BRON",
            "--name",
            "Bron",
            "--admin",
            "bron",
            "--coordination",
            "--password-stdin",
        ],
        REFUSED,
        f"déjà un guichet de coordination : {COORDINATION}",
        stdin="bron-nuage-tambour-citron\n",
    ),
    "a second coordination": Case(
        lambda t: ["desk", "coordination", VAULX], REFUSED, "Seul un administrateur"
    ),
    "a coordination for an unknown desk": Case(
        lambda t: ["desk", "coordination", "NOPE"], BAD_INPUT, "Aucun guichet n'a le code NOPE"
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_refused_and_nothing_changes(name: str, territory: Territory) -> None:
    console, kit = territory.console, territory.kit
    console.ok(*transfer(MOVED.start, len(MOVED)))
    console.ok(
        "handout", "--beneficiary", str(territory.person_at_coordination),
        "--booklet", kit.booklet(30),
    )  # fmt: skip
    case = CASES[name]
    before = kit.dump(console.database)
    refused = console.run(*case.args(territory), stdin=case.stdin)
    assert refused.status == case.status, refused
    assert case.french in refused.err, refused.err
    assert "Traceback" not in refused.err
    assert kit.dump(console.database) == before


def test_desk_list_needs_no_password_and_shows_no_person(territory: Territory) -> None:
    listed: Any = territory.console.run("desk", "list", credentials=False)
    assert listed.status == 0, listed
    assert VAULX in listed.out and "Hélène" not in listed.out + listed.err


def test_init_is_not_stopped_by_a_desk_code_left_in_the_environment(
    console: Console, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A script that sets PASSDESK_DESK for every command still creates the first desk: there
    is no desk to look the code up in yet."""
    monkeypatch.setenv("PASSDESK_DESK", VAULX)
    made = console.run("init", "--desk", "Métropole de Lyon", "--admin-name", "Awa Traoré")
    assert made.status == 0, made
    monkeypatch.delenv("PASSDESK_DESK")
    assert [d["code"] for d in console.data("desk", "list")] == [COORDINATION]


def test_the_demonstration_is_not_stopped_by_a_desk_code_left_in_the_environment(
    console: Console, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PASSDESK_DESK", VAULX)
    made = console.run("demo", credentials=False)
    assert made.status == 0, made
    monkeypatch.delenv("PASSDESK_DESK")
    assert len(console.data("desk", "list")) == 1


@pytest.mark.parametrize("source", ["--desk-code", "PASSDESK_DESK"])
def test_a_desk_mismatch_names_where_the_desk_came_from(
    source: str, territory: Territory, monkeypatch: pytest.MonkeyPatch
) -> None:
    console, kit = territory.console, territory.kit
    before = kit.dump(console.database)
    chosen = ["--desk-code", VAULX] if source == "--desk-code" else []
    if source == "PASSDESK_DESK":
        monkeypatch.setenv("PASSDESK_DESK", VAULX)
    refused = console.run(*chosen, "--agent", "admin", *transfer(21, 5))
    assert refused.status == REFUSED, refused
    assert (
        f"admin travaille pour le guichet {COORDINATION}, pas pour le guichet {VAULX} que "
        f"nomme {source}."
    ) in refused.err, refused.err
    assert kit.dump(console.database) == before


def test_an_empty_scope_desk_is_the_agents_own_desk(territory: Territory) -> None:
    console = territory.console
    period = ["report", "--from", "2020-01-01", "--to", "2040-12-31"]
    own = console.data("--agent", "vadmin", *period)
    empty = console.data("--agent", "vadmin", *period, "--scope-desk", "")
    assert empty["desk"] == own["desk"] == "CCAS de Vaulx-en-Velin"
    assert empty | {"generated_at": None} == own | {"generated_at": None}
    refused = console.run("--agent", "vadmin", *period, "--scope-desk", "all")
    assert refused.status == REFUSED and "coordination" in refused.err, refused


@pytest.mark.parametrize("code", ["ALL", "all", "Territory"])
def test_all_and_territory_cannot_be_desk_codes(code: str, territory: Territory) -> None:
    console, kit = territory.console, territory.kit
    before = kit.dump(console.database)
    refused = console.run(
        "desk", "add", "--code", code, "--name", "Tous", "--admin", "tous", "--password-stdin",
        stdin="tous-nuage-tambour-citron\n",
    )  # fmt: skip
    assert refused.status == BAD_INPUT, refused
    assert f"{code.upper()} ne peut pas être le code d'un guichet" in refused.err, refused.err
    assert kit.dump(console.database) == before
