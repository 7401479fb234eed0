"""Restores and receipt marks in a territory's database (issue 13): each desk has its own
receipt series, and a restore, or a start after an older copy was put back, raises EVERY desk's
counters past the numbers already printed (the cold review found VAULX handing out 2026-000002
a second time after a restore); each desk's marks go to its own second backup folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from passdesk import codes
from passdesk.errors import Refused
from passdesk.services import Services, receipt_marks
from passdesk.services.beneficiaries import BeneficiaryInput
from passdesk.services.rows import Actor, BeneficiaryRow, LotRow, ProgrammeRow
from tests.desks import START
from tests.territory import hand_over, second_desk

BOTH = pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)


FIRST_NAMES = ("Awa", "Ali", "Binta")


def number(receipt: str) -> int:
    return int(receipt.split("-")[1])


def year(receipt: str) -> int:
    return int(receipt.split("-")[0])


def give(services: Services, actor: Actor, person: BeneficiaryRow, programme: str, n: int) -> str:
    services.act_as(actor)
    code = codes.booklet_code(programme, n)
    return services.handouts.hand_out(actor, person.id, codes_=[code]).receipt_number


def people(services: Services, actor: Actor, surname: str, count: int) -> list[BeneficiaryRow]:
    services.act_as(actor)
    return [
        services.beneficiaries.register(actor, BeneficiaryInput(surname, name, f"19{70 + i}-05-03"))
        for i, name in enumerate(FIRST_NAMES[:count])
    ]


@pytest.fixture
def vaulx(services: Services, admin: Actor, programme: ProgrammeRow, lot: LotRow) -> Actor:
    """Desk VAULX, holding booklets 7 to 12; its agent."""
    vadmin, vagent = second_desk(services, START)
    hand_over(services, programme.code, 7, 6, vadmin)
    return vagent


@BOTH
def test_a_restore_never_gives_any_desks_receipt_number_again(
    services: Services, admin: Actor, programme: ProgrammeRow, vaulx: Actor, raw
) -> None:
    ours, theirs = people(services, admin, "Martin", 3), people(services, vaulx, "Diallo", 3)
    first = give(services, admin, ours[0], programme.code, 1)
    v_first = give(services, vaulx, theirs[0], programme.code, 7)
    services.act_as(admin)
    backup = services.backups.create("manual").path
    second = give(services, admin, ours[1], programme.code, 2)
    v_second = give(services, vaulx, theirs[1], programme.code, 8)
    assert number(v_second) == number(v_first) + 1 and number(second) == number(first) + 1

    services.act_as(admin)
    plan = services.restore.plan(backup)
    # What is lost: both desks' handouts after the backup (both may print 2026-000002).
    handed = [e for e in plan.lost if e.kind == "handed_out"]
    assert [e.booklet for e in handed] == [
        codes.booklet_code(programme.code, 2),
        codes.booklet_code(programme.code, 8),
    ]
    assert [e.receipt for e in handed] == [second, v_second]
    first_code = services.desks.get(admin.desk_id).code
    text = "\n".join(plan.lines())
    assert (
        f"Les récépissés du guichet {first_code} de {year(second)} reprendront au numéro "
        f"{number(second) + 1}." in text
    )
    assert (
        f"Les récépissés du guichet VAULX de {year(v_second)} reprendront au numéro "
        f"{number(v_second) + 1}." in text
    )
    assert plan.floors[vaulx.desk_id] == {year(v_second): number(v_second)}

    result = services.restore.restore(backup, admin)
    assert result.floors == {
        admin.desk_id: {year(second): number(second)},
        vaulx.desk_id: {year(v_second): number(v_second)},
    }
    assert raw.scalar("SELECT count(*) FROM handout") == 2  # the backup's
    third = give(services, admin, ours[2], programme.code, 3)
    v_third = give(services, vaulx, theirs[2], programme.code, 9)
    assert number(third) == number(second) + 1  # a gap, never a number printed before
    assert number(v_third) == number(v_second) + 1


@BOTH
def test_at_start_every_desks_counter_is_raised_to_its_marks(
    services: Services, admin: Actor, programme: ProgrammeRow, vaulx: Actor, raw
) -> None:
    ours, theirs = people(services, admin, "Martin", 2), people(services, vaulx, "Diallo", 3)
    mine = give(services, admin, ours[0], programme.code, 1)
    give(services, vaulx, theirs[0], programme.code, 7)
    last = give(services, vaulx, theirs[1], programme.code, 8)
    # An older copy put back behind PassDesk's back: every counter one behind.
    raw.execute("UPDATE receipt_counter SET last_number = last_number - 1")

    raised = receipt_marks.apply_marks(services.db)

    assert raised == {
        admin.desk_id: {year(mine): number(mine)},
        vaulx.desk_id: {year(last): number(last)},
    }
    assert number(give(services, vaulx, theirs[2], programme.code, 9)) == number(last) + 1
    assert number(give(services, admin, ours[1], programme.code, 2)) == number(mine) + 1


def test_each_desk_marks_its_receipts_in_its_own_second_folder(
    services: Services, admin: Actor, programme: ProgrammeRow, vaulx: Actor, tmp_path: Path
) -> None:
    vadmin = services.accounts.actor("vadmin")
    ours, theirs = tmp_path / "usb-first", tmp_path / "usb-vaulx"
    ours.mkdir()
    theirs.mkdir()
    services.settings.set(admin, "backup_folder", str(ours))
    services.settings.set(vadmin, "backup_folder", str(theirs))
    receipt = give(services, vaulx, people(services, vaulx, "Diallo", 1)[0], programme.code, 7)
    receipt_marks.flush()

    with services.db.read() as session:  # the process works for VAULX
        assert receipt_marks.second_folder_of(session) == theirs
        keys = {i: d.key for i, d in receipt_marks.desks_counters(session).items()}
    assert receipt_marks.read_marks(theirs)[keys[vaulx.desk_id]] == {year(receipt): number(receipt)}
    assert keys[vaulx.desk_id] not in receipt_marks.read_marks(ours)
    services.act_as(admin)
    with services.db.read() as session:
        assert receipt_marks.second_folder_of(session) == ours


@BOTH
def test_a_restore_is_refused_when_another_desks_counter_moved_since_its_plan(
    services: Services, admin: Actor, programme: ProgrammeRow, vaulx: Actor, raw
) -> None:
    give(services, vaulx, people(services, vaulx, "Diallo", 1)[0], programme.code, 7)
    services.act_as(admin)
    backup = services.backups.create("manual").path
    verify = services.restore._backups.verify

    def verify_while_vaulx_moves_its_counter(path: Path):  # type: ignore[no-untyped-def]
        report = verify(path)
        raw.execute(
            "UPDATE receipt_counter SET last_number = last_number + 5 WHERE desk_id = ?",
            (vaulx.desk_id,),
        )
        return report

    services.restore._backups.verify = verify_while_vaulx_moves_its_counter  # type: ignore[method-assign]
    before = raw.scalar("SELECT max(id) FROM ledger_event")
    with pytest.raises(Refused, match="Relancez la restauration"):
        services.restore.restore(backup, admin)
    assert raw.scalar("SELECT max(id) FROM ledger_event") == before
    assert (
        raw.scalar("SELECT last_number FROM receipt_counter WHERE desk_id = ?", (vaulx.desk_id,))
        == 6
    )
