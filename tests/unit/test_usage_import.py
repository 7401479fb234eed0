"""The operator's usage file: each anomaly class, all or nothing, idempotence, and a hypothesis
test that every row is either applied or listed as an anomaly, never both, never neither."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from passdesk import codes
from passdesk.errors import InvalidInput, Refused
from passdesk.services import Services
from passdesk.services.rows import Actor, BeneficiaryRow, HandoutRow
from tests.desks import PROGRAMME_CODE, PROGRAMME_UNTIL
from tests.unit.conftest import RawDb

HEADER = "code;date;lieu;montant\n"


def voucher(n: int) -> str:
    return codes.voucher_code(PROGRAMME_CODE, n)


@pytest.fixture
def handed(
    services: Services, agent: Actor, supervisor: Actor, person: BeneficiaryRow, lot: object
) -> HandoutRow:
    """Booklet 1 (vouchers 1-10) handed out on 10/03/2026; one place in the directory."""
    from passdesk.services.places import PlaceInput

    services.places.add(supervisor, PlaceInput("Médiathèque", postcode="69100"))
    return services.handouts.hand_out(agent, person.id, next_programme=PROGRAMME_CODE)


def write(tmp_path: Path, body: str, name: str = "usage.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def kinds(result: object) -> list[tuple[int, str]]:
    return [(a.line, a.kind) for a in result.anomalies]  # type: ignore[attr-defined]


def test_a_clean_file_marks_the_vouchers_used_with_their_journal_events(
    services: Services, supervisor: Actor, handed: HandoutRow, raw: RawDb, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        f"{voucher(1)};15/03/2026;1;10,00\n{voucher(2).replace('-', '')};2026-03-16;1;10\n",
    )
    result = services.usage.import_file(supervisor, path)
    assert (result.rows, result.applied, result.anomalies) == (2, 2, [])
    assert raw.scalar("SELECT count(*) FROM voucher WHERE status = 'used'") == 2
    assert raw.scalar("SELECT count(*) FROM ledger_event WHERE kind = 'used'") == 2
    assert raw.scalar("SELECT count(*) FROM voucher_use WHERE place_id = 1") == 2
    assert services.ledger.verify().ok
    assert services.followup.usage_rate().used == 2


def _serial(number: int) -> str:
    """A serial of the made-up operator format OP1: OPX, 8 digits, Luhn."""
    from stdnum import luhn

    return "OPX" + f"{number:08d}" + luhn.calc_check_digit(f"{number:08d}")


@pytest.fixture
def serial_handout(
    services: Services, admin: Actor, agent: Actor, person: BeneficiaryRow, handed: HandoutRow
) -> HandoutRow:
    """Booklets 20-21 delivered with OP1 serials from 5000 (voucher 191 is OPX00005000...);
    booklet 20 handed out to the person too."""
    from passdesk.services.lots import LotSerials

    services.serial_formats.add(admin, name="op1", prefix="opx", digits=8, check="luhn")
    services.stock.receive(
        admin,
        programme_code=PROGRAMME_CODE,
        first_booklet=20,
        count=2,
        serials=LotSerials("OP1", _serial(5000)),
    )
    return services.handouts.hand_out(agent, person.id, codes_=[_serial(5000)])


def test_operator_serials_are_read_as_the_vouchers_they_name(
    services: Services, supervisor: Actor, serial_handout: HandoutRow, raw: RawDb, tmp_path: Path
) -> None:
    bad_check = _serial(5002)[:-1] + str((int(_serial(5002)[-1]) + 1) % 10)
    path = write(
        tmp_path,
        f"{_serial(5000)};15/03/2026;1;10\n"  # voucher 191, handed out: applied
        f"{_serial(5001).lower()};15/03/2026;1;10\n"  # 192, typed in lower case: applied
        f"{voucher(191)};16/03/2026;1;10\n"  # 191 again, under our code: used twice
        f"{_serial(5010)};15/03/2026;1;10\n"  # 201, booklet 21, in stock
        f"{bad_check};15/03/2026;1;10\n"  # the Luhn check fails
        f"{_serial(7000)};15/03/2026;1;10\n",  # no lot holds it
    )
    result = services.usage.import_file(supervisor, path)
    assert list(result.applied_lines) == [2, 3]
    assert kinds(result) == [
        (4, "used_twice"),
        (5, "not_handed_out"),
        (6, "invalid_code"),
        (7, "unknown_code"),
    ]
    assert raw.query("SELECT code FROM voucher WHERE status = 'used' ORDER BY number") == [
        (voucher(191),),
        (voucher(192),),
    ]
    assert services.ledger.verify().ok


@pytest.mark.parametrize(
    ("row", "kind"),
    [
        (f"{voucher(1)[:-2]}00;15/03/2026;1;10", "invalid_code"),
        ("pas un code;15/03/2026;1;10", "invalid_code"),
        (f"{codes.voucher_code('PN26', 5)};15/03/2026;1;10", "unknown_code"),
        (f"{voucher(11)};15/03/2026;1;10", "not_handed_out"),
        (f"{voucher(1)};01/03/2026;1;10", "before_handout"),
        (
            f"{voucher(1)};{(PROGRAMME_UNTIL + timedelta(days=1)).isoformat()};1;10",
            "after_validity",
        ),
        (f"{voucher(1)};15/03/2026;1;20", "wrong_amount"),
        (f"{voucher(1)};15/03/2026;999;10", "unknown_place"),
        (f"{voucher(1)};15/03/2026;;10", "unknown_place"),
    ],
)
def test_each_anomaly_is_listed_and_not_applied(
    services: Services,
    supervisor: Actor,
    handed: HandoutRow,
    raw: RawDb,
    tmp_path: Path,
    row: str,
    kind: str,
) -> None:
    result = services.usage.import_file(supervisor, write(tmp_path, row + "\n"))
    assert kinds(result) == [(2, kind)] and result.applied == 0
    assert raw.scalar("SELECT count(*) FROM voucher WHERE status = 'used'") == 0
    exported = result.write_anomalies(tmp_path / "anomalies.csv")
    assert kind in exported.read_text(encoding="utf-8-sig")


def test_voided_stolen_and_used_twice_are_anomalies(
    services: Services, supervisor: Actor, handed: HandoutRow, tmp_path: Path
) -> None:
    services.stock.void(supervisor, voucher(3), "lost")
    services.stock.void(supervisor, voucher(4), "stolen")
    rows = (
        f"{voucher(3)};15/03/2026;1;10\n{voucher(4)};15/03/2026;1;10\n"
        f"{voucher(5)};15/03/2026;1;10\n{voucher(5)};16/03/2026;1;10\n"
    )
    result = services.usage.import_file(supervisor, write(tmp_path, rows))
    assert kinds(result) == [(2, "voided"), (3, "stolen"), (5, "used_twice")]
    # Used again in a later file, on another day: a second use, not the same row.
    later = services.usage.import_file(
        supervisor, write(tmp_path, f"{voucher(5)};20/03/2026;1;10\n", "later.csv")
    )
    assert kinds(later) == [(2, "used_twice")]


def test_a_place_no_longer_in_the_directory_is_an_anomaly(
    services: Services, supervisor: Actor, handed: HandoutRow, tmp_path: Path
) -> None:
    from passdesk.services.places import PlaceInput

    services.places.update(supervisor, 1, PlaceInput("Médiathèque", postcode="69100", active=False))
    result = services.usage.import_file(
        supervisor, write(tmp_path, f"{voucher(1)};15/03/2026;1;10\n")
    )
    assert kinds(result) == [(2, "place_outside")]


def test_the_same_file_twice_adds_nothing_and_says_already_imported(
    services: Services, supervisor: Actor, handed: HandoutRow, raw: RawDb, tmp_path: Path
) -> None:
    path = write(tmp_path, f"{voucher(1)};15/03/2026;1;10\n")
    services.usage.import_file(supervisor, path)
    before = raw.dump()
    again = services.usage.import_file(supervisor, path)
    assert again.already_imported_on is not None and again.applied == 0
    assert "déjà été importé" in again.lines()[0]
    assert raw.dump() == before
    # The same row in another file (another layout): already imported, not a second use.
    other = tmp_path / "other.csv"
    other.write_text(f"code,date,place,amount\n{voucher(1).replace('-', '')},2026-03-15,1,10.00\n")
    result = services.usage.import_file(supervisor, other)
    assert kinds(result) == [(2, "already_imported")]
    assert raw.scalar("SELECT count(*) FROM voucher_use") == 1


def test_a_file_with_one_unreadable_row_changes_nothing_and_says_which_and_why(
    services: Services, supervisor: Actor, handed: HandoutRow, raw: RawDb, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        f"{voucher(1)};15/03/2026;1;10\n{voucher(2)};31/02/2026;1;10\n{voucher(3)};15/03/2026;1;10\n",
    )
    before = raw.dump()
    with pytest.raises(InvalidInput) as caught:
        services.usage.import_file(supervisor, path)
    assert "ligne 3" in caught.value.message and "31/02/2026" in caught.value.message
    assert raw.dump() == before


def test_a_cancelled_import_records_nothing(
    services: Services, supervisor: Actor, handed: HandoutRow, raw: RawDb, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    from passdesk.services import usage_import

    monkeypatch.setattr(usage_import, "BATCH", 1)
    path = write(tmp_path, f"{voucher(1)};15/03/2026;1;10\n{voucher(2)};15/03/2026;1;10\n")
    before = raw.dump()
    with pytest.raises(Refused):
        services.usage.import_file(supervisor, path, cancel=lambda: True)
    assert raw.dump() == before


def test_a_cancel_after_the_last_row_of_a_small_file_still_records_nothing(
    services: Services, supervisor: Actor, handed: HandoutRow, raw: RawDb, tmp_path: Path
) -> None:
    path = write(tmp_path, f"{voucher(1)};15/03/2026;1;10\n")  # far fewer rows than a batch
    asked: list[bool] = []

    def cancel() -> bool:
        asked.append(True)
        return True

    before = raw.dump()
    with pytest.raises(Refused):
        services.usage.import_file(supervisor, path, cancel=cancel)
    assert asked and raw.dump() == before


def test_an_unknown_header_needs_a_named_mapping_remembered_for_next_time(
    services: Services, supervisor: Actor, handed: HandoutRow, tmp_path: Path
) -> None:
    path = tmp_path / "operator.csv"
    path.write_text(
        f"Numéro du chèque;Lieu SIRET;Valeur;Jour\n{voucher(1)};1;10;15/03/2026\n",
        encoding="utf-8",
    )
    with pytest.raises(InvalidInput) as caught:
        services.usage.preview(path)
    assert caught.value.field == "mapping"
    services.usage.save_mapping(
        supervisor,
        "Opérateur Aptic",
        {"code": "Numéro du chèque", "date": "Jour", "place": "Lieu SIRET", "amount": "Valeur"},
    )
    assert "Opérateur Aptic" in services.usage.mappings()
    result = services.usage.import_file(supervisor, path, mapping="Opérateur Aptic")
    assert result.applied == 1


def test_an_xlsx_usage_file_is_read(
    services: Services, supervisor: Actor, handed: HandoutRow, tmp_path: Path
) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["code", "date", "place", "amount"])
    sheet.append([voucher(1), date(2026, 3, 15), 1, 10])
    sheet.append([voucher(2), "16/03/2026", "1", "10,00"])
    path = tmp_path / "usage.xlsx"
    book.save(path)
    result = services.usage.import_file(supervisor, path)
    assert (result.applied, result.anomalies) == (2, [])


def test_agents_may_not_import(
    services: Services, agent: Actor, handed: HandoutRow, tmp_path: Path
) -> None:
    with pytest.raises(Refused):
        services.usage.import_file(agent, write(tmp_path, f"{voucher(1)};15/03/2026;1;10\n"))


# --- every row applied or listed, never both, never neither ------------------------------------

ROW = st.tuples(
    st.sampled_from(
        ["ok", "bad_check", "stock", "early", "late", "amount", "place", "dashless", "serial"]
    ),
    st.integers(min_value=1, max_value=14),
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(ROW, min_size=1, max_size=25))
def test_every_row_is_applied_or_an_anomaly_never_both_never_neither(
    services: Services, supervisor: Actor, serial_handout: HandoutRow,
    tmp_path_factory: pytest.TempPathFactory, rows: list[tuple[str, int]],
) -> None:  # fmt: skip
    lines = []
    for kind, n in rows:
        code = voucher(n)
        day, place, amount = "15/03/2026", "1", "10"
        if kind == "bad_check":
            code = code[:-2] + ("00" if code[-2:] != "00" else "01")
        elif kind == "stock":
            code = voucher(10 + n)
        elif kind == "early":
            day = "01/01/2026"
        elif kind == "late":
            day = "01/01/2030"
        elif kind == "amount":
            amount = "12,50"
        elif kind == "place":
            place = "nowhere"
        elif kind == "dashless":
            code = code.replace("-", "")
        elif kind == "serial":  # booklet 20 (handed out) by its operator serials, then 21
            code = _serial(4999 + n)
        lines.append(f"{code};{day};{place};{amount}")
    folder = tmp_path_factory.mktemp("usage")
    path = folder / "usage.csv"
    path.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    used_before = services.followup.usage_rate().used
    result = services.usage.import_file(supervisor, path)
    if result.already_imported_on is not None:  # the same file drawn twice: recognised whole
        assert services.followup.usage_rate().used == used_before
        return
    applied = set(result.applied_lines)
    listed = [a.line for a in result.anomalies]
    assert len(listed) == len(set(listed))  # one reason a row
    assert applied.isdisjoint(listed)  # never both
    assert applied | set(listed) == set(range(2, len(lines) + 2))  # never neither
    serials = {line for line, (kind, _n) in enumerate(rows, start=2) if kind == "serial"}
    assert not [a for a in result.anomalies if a.line in serials and a.kind == "invalid_code"]
    assert services.followup.usage_rate().used - used_before == len(applied)


def test_the_dashboard_shows_the_usage_rate_once_a_usage_file_is_imported(
    services: Services, supervisor: Actor, handed: HandoutRow, tmp_path: Path
) -> None:
    assert services.dashboard.dashboard(supervisor).usage_rate is None  # nothing imported yet
    path = write(tmp_path, f"{voucher(1)};15/03/2026;1;10\n{voucher(2)};16/03/2026;1;10\n")
    services.usage.import_file(supervisor, path)
    # 2 of the 10 vouchers handed out were used: the same figure as the follow-up's rate.
    assert services.dashboard.dashboard(supervisor).usage_rate == 20
    assert services.followup.usage_rate().rate == 0.2


def test_the_list_to_call_asks_the_roles_table(
    services: Services,
    agent: Actor,
    supervisor: Actor,
    handed: HandoutRow,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The hole: names and phones came out for anyone, without asking the roles table.
    from passdesk import roles
    from passdesk.errors import Forbidden
    from passdesk.roles import Action, Role

    due = [r.beneficiary_id for r in services.followup.to_call(agent, 0)]
    assert due == [handed.beneficiary_id]
    monkeypatch.setitem(roles.MINIMUM_ROLE, Action.FOLLOW_UP, Role.SUPERVISOR)
    with pytest.raises(Forbidden):
        services.followup.to_call(agent, 0)
    with pytest.raises(Forbidden):
        services.followup.export_calling_list(agent, tmp_path / "calls.csv", 0)
    assert not (tmp_path / "calls.csv").exists()
    assert [r.beneficiary_id for r in services.followup.to_call(supervisor, 0)] == due


def test_the_usage_rate_counts_the_vouchers_a_booklet_gave(
    services: Services,
    agent: Actor,
    supervisor: Actor,
    person: BeneficiaryRow,
    handed: HandoutRow,
    tmp_path: Path,
) -> None:
    # Booklet 2 leaves without its voided voucher 12: 9 vouchers given, the receipt says so.
    services.stock.void(supervisor, voucher(12), "misprint")
    services.handouts.hand_out(agent, person.id, codes_=[codes.booklet_code(PROGRAMME_CODE, 2)])
    services.usage.import_file(supervisor, write(tmp_path, f"{voucher(13)};15/03/2026;1;10\n"))
    rate = services.followup.usage_rate()
    assert (rate.handed_out, rate.used) == (19, 1)
    assert services.followup.usage_rate(programme=PROGRAMME_CODE).handed_out == 19
    assert services.followup.usage_rate(agent_id=agent.id).handed_out == 19
    for by in ("programme", "desk", "agent"):
        assert [r.handed_out for r in services.followup.usage_rates(by)] == [19], by
    assert services.dashboard.dashboard(supervisor).usage_rate == Decimal("5.3")  # 1 of 19
