"""The information notice as this desk prints it: generated from the settings and the desk's
details, versioned (a new version whenever its words change), recorded on the person it was
shown to, and written as a page of its own.

What a person was told, and what their consent covered, must be provable later, word for
word: each distinct text is stored once (`NoticeVersion`), and the person keeps the number of
the version last shown to them and of the one they consented under.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from passdesk import i18n
from passdesk.documents.privacy import NoticeRecord, render_notice
from passdesk.errors import NotFound, Refused
from passdesk.i18n import _
from passdesk.models import Beneficiary, NoticeVersion
from passdesk.notice import NoticeSection, as_text, own_sections, standard_sections
from passdesk.roles import Action
from passdesk.services import access_log
from passdesk.services.base import Service, require, the_desk
from passdesk.services.people_scope import visible_person
from passdesk.services.print_lines import desk_line
from passdesk.services.rows import Actor
from passdesk.services.settings import value_in

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Notice:
    """The notice as the settings make it now; `version` None until it is first stored."""

    sections: tuple[NoticeSection, ...]
    text: str
    language: str
    version: int | None = None
    since: datetime | None = None  # when this version was first stored


@dataclass(frozen=True)
class NoticeVersionRow:
    version: int
    created_at: datetime
    language: str
    text: str


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def desk_words(session: Session) -> str:
    """ "Mairie de Villeurbanne, Place Lazare-Goujon, 69100 Villeurbanne": the controller."""
    desk = the_desk(session)
    locality = " ".join(p for p in (desk.postcode, desk.commune) if p)
    return ", ".join(p for p in (desk.name, desk.address.strip(), locality) if p)


def current_notice(session: Session) -> Notice:
    """The notice the settings make, with its version number when that text is stored."""
    desk = desk_words(session)
    months = int(value_in(session, "retention_months"))
    contact = str(value_in(session, "dpo_contact") or "").strip()
    own = str(value_in(session, "notice_text") or "").strip()
    sections = (
        own_sections(own, desk, months, contact)
        if own
        else standard_sections(desk, months, contact)
    )
    text = as_text(sections)
    stored = session.execute(
        select(NoticeVersion.id, NoticeVersion.created_at).where(
            NoticeVersion.text_hash == _digest(text)
        )
    ).first()
    return Notice(
        sections,
        text,
        i18n.current_language(),
        stored[0] if stored else None,
        stored[1] if stored else None,
    )


def stamp(session: Session, now: datetime) -> Notice:
    """The current notice, stored as a new version if its text is new (inside the caller's
    unit of work: the version and what refers to it are committed together)."""
    notice = current_notice(session)
    if notice.version is not None:
        return notice
    try:
        with session.begin_nested():  # another desk storing the same text meanwhile: theirs
            version = NoticeVersion(
                text_hash=_digest(notice.text),
                language=notice.language,
                text=notice.text,
                created_at=now,
            )
            session.add(version)
            session.flush()
    except IntegrityError:
        return current_notice(session)
    log.info("information notice version %s stored", version.id)
    return Notice(notice.sections, notice.text, notice.language, version.id, now)


def show_to(session: Session, person: Beneficiary, notice: Notice, now: datetime) -> None:
    """Record that `person` was shown (given, printed) this version of the notice."""
    if person.erased_at is None:
        person.notice_version_id = notice.version
        person.notice_shown_at = now


class NoticeService(Service):
    def current(self) -> Notice:
        with self._db.read() as session:
            return current_notice(session)

    def versions(self) -> list[NoticeVersionRow]:
        """Every version stored, newest first."""
        with self._db.read() as session:
            return [
                NoticeVersionRow(v.id, v.created_at, v.language, v.text)
                for v in session.scalars(select(NoticeVersion).order_by(NoticeVersion.id.desc()))
            ]

    def version(self, number: int) -> NoticeVersionRow:
        with self._db.read() as session:
            found = session.get(NoticeVersion, number)
            if found is None:
                raise NotFound(
                    _("No version {number} of the information notice.").format(number=number),
                    field="version",
                )
            return NoticeVersionRow(found.id, found.created_at, found.language, found.text)

    def write(self, actor: Actor, path: str | Path, *, beneficiary_id: int | None = None) -> Notice:
        """The notice as a PDF page, its version stored; given to `beneficiary_id`, the version
        is recorded on them (and the printing in the access log)."""
        require(actor, Action.SERVE)
        now = self._now()

        def work(session: Session) -> tuple[Notice, NoticeRecord]:
            notice = stamp(session, now)
            if beneficiary_id is not None:
                # Another desk's person, unless people are shared, is "not found" as a number
                # nobody has: no notice stamped on them, no access-log line, no hint.
                person = visible_person(session, beneficiary_id, actor.desk_id)
                if person is None:
                    raise NotFound(
                        _("No beneficiary with the number {id}.").format(id=beneficiary_id),
                        field="beneficiary",
                    )
                if person.erased_at is not None:
                    raise Refused(_("This person's data was erased."))
                show_to(session, person, notice, now)
                access_log.record(
                    session, actor.id, [person.id], "notice", now, detail=str(notice.version)
                )
            assert notice.version is not None and notice.since is not None
            record = NoticeRecord(
                desk=desk_line(session),
                version=notice.version,
                since=notice.since,
                sections=tuple((s.heading, s.text) for s in notice.sections),
            )
            return notice, record

        notice, record = self._db.transaction(work)
        render_notice(record, Path(path))
        log.info("agent %s printed notice version %s", actor.id, notice.version)
        return notice
