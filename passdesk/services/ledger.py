"""The journal: append events in the caller's transaction, verify the SHA-256 chain.

Stock movements and, since issue 9, every other change (the desk, agents, settings, programmes,
serial formats, receipt prints) are events. A chain rewritten whole from its first event would
still verify by itself; `verify(anchor=...)` checks it against a hash printed on paper (the daily
closing sheet prints the head hash), which a rewrite cannot keep.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from passdesk.errors import InvalidInput
from passdesk.i18n import _
from passdesk.models import EventKind, LedgerEvent, LedgerHead
from passdesk.services.base import Service
from passdesk.services.rows import LedgerReport

GENESIS = "0" * 64
_HASH = re.compile(r"[0-9a-f]{64}")


def fingerprint(value: str | bytes | None) -> str | None:
    """The SHA-256 of a free text (a reason, a typed value) in place of the text itself: the
    journal, which nothing may rewrite, keeps no free text, yet shows that it changed and can
    prove what it was to whoever holds the text."""
    if value is None:
        return None
    data = value if isinstance(value, bytes) else value.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def anchor_hash(text: str) -> str:
    """A hash as printed on a closing sheet (any case, spaces ignored), or InvalidInput."""
    cleaned = "".join(text.split()).lower()
    if not _HASH.fullmatch(cleaned):
        raise InvalidInput(
            _("An anchor is the 64 hexadecimal characters of an event's hash, as printed."),
            field="anchor",
        )
    return cleaned


def canonical(
    event_id: int,
    at: datetime,
    agent_id: int,
    kind: str,
    programme_id: int | None,
    booklet_id: int | None,
    voucher_id: int | None,
    handout_id: int | None,
    details: str,
) -> str:
    """The exact text that is hashed: every column but the hashes, in a fixed form."""
    return json.dumps(
        [
            event_id,
            at.astimezone(UTC).isoformat(timespec="microseconds"),
            agent_id,
            kind,
            programme_id,
            booklet_id,
            voucher_id,
            handout_id,
            details,
        ],
        ensure_ascii=True,
        separators=(",", ":"),
    )


def chain_hash(prev_hash: str, text: str) -> str:
    return hashlib.sha256((prev_hash + text).encode("ascii")).hexdigest()


def ensure_head(session: Session) -> None:
    if session.get(LedgerHead, 1) is None:
        session.add(LedgerHead(id=1, last_id=0, last_hash=GENESIS))
        session.flush()


def details_text(details: dict[str, Any] | None) -> str:
    """The `details` column: sorted keys and no spaces, so that the same facts hash the same."""
    return json.dumps(details or {}, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def event_values(
    event_id: int,
    prev_hash: str,
    *,
    at: datetime,
    agent_id: int,
    kind: EventKind,
    programme_id: int | None = None,
    booklet_id: int | None = None,
    voucher_id: int | None = None,
    handout_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Every column of the event that follows `prev_hash`, its hash included.

    The one way an event is made: `append` writes it through the session, the demonstration's
    bulk writer many at a time, and both give the same chain.
    """
    at = at.astimezone(UTC)
    text = details_text(details)
    digest = chain_hash(
        prev_hash,
        canonical(
            event_id,
            at,
            agent_id,
            kind.value,
            programme_id,
            booklet_id,
            voucher_id,
            handout_id,
            text,
        ),
    )
    return {
        "id": event_id,
        "at": at,
        "agent_id": agent_id,
        "kind": kind.value,
        "programme_id": programme_id,
        "booklet_id": booklet_id,
        "voucher_id": voucher_id,
        "handout_id": handout_id,
        "details": text,
        "prev_hash": prev_hash,
        "hash": digest,
    }


def append(
    session: Session,
    *,
    at: datetime,
    agent_id: int,
    kind: EventKind,
    programme_id: int | None = None,
    booklet_id: int | None = None,
    voucher_id: int | None = None,
    handout_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> LedgerEvent:
    """Add one event at the chain's tip; the head row lock serialises concurrent appends."""
    head = session.scalars(select(LedgerHead).where(LedgerHead.id == 1).with_for_update()).one()
    values = event_values(
        head.last_id + 1,
        head.last_hash,
        at=at,
        agent_id=agent_id,
        kind=kind,
        programme_id=programme_id,
        booklet_id=booklet_id,
        voucher_id=voucher_id,
        handout_id=handout_id,
        details=details,
    )
    event = LedgerEvent(**values)
    session.add(event)
    head.last_id = values["id"]
    head.last_hash = values["hash"]
    return event


class LedgerService(Service):
    def count(self) -> int:
        with self._db.read() as session:
            return session.scalar(select(func.count()).select_from(LedgerEvent)) or 0

    def verify(self, anchor: str | None = None) -> LedgerReport:
        """Recompute every hash in order; name the first event that does not match.

        With `anchor` (a hash printed on paper), the event bearing it must exist: then the chain
        up to it is the one the paper saw, since no other chain reaches the same hash.
        """
        anchor = anchor_hash(anchor) if anchor is not None else None
        report = self._verify(anchor)
        if anchor is None or not report.ok:
            return report
        if report.anchor_event is None:
            return LedgerReport(
                report.events_checked,
                None,
                _(
                    "No event of the journal has the hash {hash}: the journal was rewritten "
                    "after that hash was printed, or the hash was mistyped."
                ).format(hash=anchor),
            )
        return report

    def _verify(self, anchor: str | None) -> LedgerReport:
        anchored = None
        with self._db.read() as session:
            expected_prev = GENESIS
            expected_id = 1
            checked = 0
            rows = session.execute(
                select(
                    LedgerEvent.id,
                    LedgerEvent.at,
                    LedgerEvent.agent_id,
                    LedgerEvent.kind,
                    LedgerEvent.programme_id,
                    LedgerEvent.booklet_id,
                    LedgerEvent.voucher_id,
                    LedgerEvent.handout_id,
                    LedgerEvent.details,
                    LedgerEvent.prev_hash,
                    LedgerEvent.hash,
                )
                .order_by(LedgerEvent.id)
                .execution_options(yield_per=5000)
            )
            for row in rows:
                if row.id != expected_id:
                    return LedgerReport(
                        checked,
                        expected_id,
                        _("Event {number} is missing from the journal.").format(number=expected_id),
                    )
                digest = chain_hash(
                    expected_prev,
                    canonical(
                        row.id,
                        row.at,
                        row.agent_id,
                        row.kind,
                        row.programme_id,
                        row.booklet_id,
                        row.voucher_id,
                        row.handout_id,
                        row.details,
                    ),
                )
                if row.prev_hash != expected_prev or row.hash != digest:
                    return LedgerReport(
                        checked,
                        row.id,
                        _("Event {number} was modified after it was written.").format(
                            number=row.id
                        ),
                    )
                if row.hash == anchor:
                    anchored = row.id
                expected_prev = row.hash
                expected_id += 1
                checked += 1
            head = session.get(LedgerHead, 1)
            if head is None:
                if checked:
                    return LedgerReport(
                        checked,
                        None,
                        _("The journal's head record is missing: the journal was tampered with."),
                    )
            elif head.last_id > checked:
                return LedgerReport(
                    checked,
                    checked + 1,
                    _(
                        "The journal ends at event {found} but {expected} were written: events were "
                        "deleted."
                    ).format(found=checked, expected=head.last_id),
                )
            elif head.last_id < checked:
                return LedgerReport(
                    checked,
                    head.last_id + 1,
                    _("Event {number} was added to the journal outside PassDesk.").format(
                        number=head.last_id + 1
                    ),
                )
            elif head.last_hash != expected_prev:
                return LedgerReport(
                    checked,
                    checked,
                    _("Event {number} was modified after it was written.").format(number=checked),
                )
            return LedgerReport(checked, None, None, anchored)
