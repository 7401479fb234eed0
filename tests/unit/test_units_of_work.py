"""Units of work: one transaction per operation, replayed whole when it loses a race, and what
must happen once (a PDF renamed into place) happening once, after the commit."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from passdesk.documents import output as output_module
from passdesk.errors import EnvironmentProblem, Refused
from passdesk.store import Database, RetryPolicy, after_commit

INSERT_DESK = text(
    "INSERT INTO desk (code, name, address, postcode, commune, created_at) "
    "VALUES ((SELECT 'D' || (count(*) + 1) FROM desk), 'Mairie', '', '', '', '2026-01-01 00:00:00')"
)


class SerializationFailure(Exception):
    """What psycopg raises when PostgreSQL cancels a transaction that lost a race."""

    sqlstate = "40001"


class DeadlockDetected(Exception):
    sqlstate = "40P01"


def lost_race(kind: type[Exception] = SerializationFailure) -> OperationalError:
    return OperationalError("COMMIT", None, kind())


def desks(raw: Any) -> int:
    return raw.scalar("SELECT count(*) FROM desk")


@pytest.fixture
def quick(db: Database) -> Database:
    """The test database, retried without the waits between attempts."""
    db.retry = RetryPolicy(attempts=3, first_wait=0.0)
    return db


@pytest.fixture
def fail_commits(quick: Database) -> Iterator[list[Exception]]:
    """Put exceptions in the returned list: each makes the next commit on `quick` fail."""
    pending: list[Exception] = []

    def before_commit(session: Session) -> None:
        if pending and session.bind is not None:
            raise pending.pop(0)

    event.listen(Session, "before_commit", before_commit)
    yield pending
    event.remove(Session, "before_commit", before_commit)


@pytest.mark.parametrize("kind", [SerializationFailure, DeadlockDetected])
def test_a_unit_that_loses_a_race_once_is_replayed_and_commits_once(
    quick: Database, raw: Any, fail_commits: list[Exception], kind: type[Exception]
) -> None:
    runs: list[int] = []
    fail_commits.append(lost_race(kind))

    def work(session: Session) -> str:
        runs.append(1)
        session.execute(INSERT_DESK)
        return "done"

    assert quick.transaction(work) == "done"
    assert len(runs) == 2  # the first run rolled back, the replay committed
    assert desks(raw) == 1


def test_after_commit_actions_run_once_and_only_after_the_commit(
    quick: Database, raw: Any, fail_commits: list[Exception]
) -> None:
    ran: list[int] = []
    fail_commits.append(lost_race())

    def work(session: Session) -> None:
        session.execute(INSERT_DESK)
        after_commit(session, lambda: ran.append(desks(raw)))

    quick.transaction(work)
    assert ran == [1]  # once, and the row was already committed when it ran


def test_a_unit_that_keeps_losing_gives_up_in_french_and_changes_nothing(
    quick: Database, raw: Any, fail_commits: list[Exception]
) -> None:
    fail_commits.extend(lost_race() for _ in range(quick.retry.attempts))
    ran: list[int] = []

    def work(session: Session) -> None:
        session.execute(INSERT_DESK)
        after_commit(session, lambda: ran.append(1))

    with pytest.raises(EnvironmentProblem, match="Réessayez"):
        quick.transaction(work)
    assert desks(raw) == 0 and ran == []


def test_other_errors_are_not_replayed(quick: Database, raw: Any) -> None:
    runs: list[int] = []

    def work(session: Session) -> None:
        runs.append(1)
        session.execute(INSERT_DESK)
        raise ValueError("a bug")

    with pytest.raises(ValueError):
        quick.transaction(work)
    assert runs == [1] and desks(raw) == 0


def test_a_print_that_loses_a_race_is_renamed_into_place_exactly_once(
    services: Any,
    supervisor: Any,
    site_lot: Any,
    raw: Any,
    tmp_path: Path,
    fail_commits: list[Exception],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    renames: list[Path] = []
    real_replace = os.replace

    def counting_replace(source: Any, target: Any) -> None:
        renames.append(Path(target))
        real_replace(source, target)

    monkeypatch.setattr(output_module.os, "replace", counting_replace)
    services.db.retry = RetryPolicy(attempts=3, first_wait=0.0)
    fail_commits.append(lost_race())
    path = tmp_path / "carnets.pdf"

    result = services.booklet_printing.print_booklets(
        supervisor, programme_code=site_lot.programme_code, from_booklet=1, count=2, path=path
    )

    assert renames == [path] and path.read_bytes().startswith(b"%PDF")
    assert result.booklets == 2
    assert raw.scalar("SELECT count(*) FROM print_record") == 2  # not 4: the replay was whole
    assert raw.query("SELECT number, print_count FROM booklet WHERE print_count > 0") == [
        (1, 1),
        (2, 1),
    ]
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


def test_every_after_commit_action_runs_even_if_one_fails(quick: Database, raw: Any) -> None:
    ran: list[str] = []

    def failing() -> None:
        ran.append("first")
        raise OSError("disk removed")

    def work(session: Session) -> None:
        session.execute(INSERT_DESK)
        after_commit(session, failing)
        after_commit(session, lambda: ran.append("second"))

    with pytest.raises(OSError, match="disk removed"):
        quick.transaction(work)
    assert ran == ["first", "second"]
    assert desks(raw) == 1  # committed: the failure came after


def test_a_print_whose_file_cannot_be_renamed_keeps_its_pdf_and_says_where(
    services: Any,
    supervisor: Any,
    site_lot: Any,
    raw: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "carnets.pdf"
    path.write_bytes(b"an old print still open in a reader")
    real_replace = os.replace

    def locked_target(source: Any, target: Any) -> None:
        if Path(target) == path:
            raise PermissionError(13, "used by another process")
        real_replace(source, target)

    monkeypatch.setattr(output_module.os, "replace", locked_target)
    with pytest.raises(Refused) as refused:
        services.booklet_printing.print_booklets(
            supervisor, programme_code=site_lot.programme_code, from_booklet=1, count=2, path=path
        )
    kept = tmp_path / "carnets (2).pdf"
    assert str(kept) in refused.value.message and "enregistrée" in refused.value.message
    assert kept.read_bytes().startswith(b"%PDF")
    assert path.read_bytes() == b"an old print still open in a reader"
    # The print happened and is in the register: its file is the kept one, not lost.
    assert raw.scalar("SELECT count(*) FROM print_record") == 2
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []
