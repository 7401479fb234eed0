"""Beneficiaries: register, update, search as you type, and probable duplicates before saving."""

from __future__ import annotations

import difflib
import functools
import logging
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Row, and_, bindparam, delete, insert, or_, select
from sqlalchemy.orm import Session

from passdesk.errors import InvalidInput, NotFound, Refused
from passdesk.formatting import format_date
from passdesk.i18n import _
from passdesk.models import Beneficiary, NameToken
from passdesk.roles import Action
from passdesk.services import access_log, privacy_notice
from passdesk.services.base import Service, local_date, require
from passdesk.services.beneficiary_input import (
    DIAGNOSTIC_NEEDS,
    FIELD_LABELS,
    BeneficiaryInput,
    clean_input,
    field_errors,
    parse_birth,
)
from passdesk.services.name_search import matching_people
from passdesk.services.people_scope import desk_is, people_desk, visible_person
from passdesk.services.programmes import TARGET_GROUPS
from passdesk.services.rows import Actor, BeneficiaryRow
from passdesk.services.search_terms import search_terms
from passdesk.text import fold, name_tokens

log = logging.getLogger(__name__)

# The form's rules live in beneficiary_input; importing them from here still works.
__all__ = [
    "DIAGNOSTIC_NEEDS",
    "FIELD_LABELS",
    "BeneficiaryInput",
    "BeneficiaryService",
    "Duplicates",
    "clean_input",
    "field_errors",
]

SEARCH_LIMIT = 20


class Duplicates(Refused):
    """Probable duplicates found: shown to the agent before a new person is saved."""

    def __init__(self, candidates: list[BeneficiaryRow]) -> None:
        super().__init__(
            _(
                "This person may already be registered ({n} probable match). Open "
                "the existing record, or confirm it is someone else."
            ).format(n=len(candidates))
        )
        self.candidates = candidates


# What a BeneficiaryRow is made of, for reads that need no entity.
_ROW_COLUMNS = (
    Beneficiary.id,
    Beneficiary.last_name,
    Beneficiary.first_name,
    Beneficiary.birth_date,
    Beneficiary.postcode,
    Beneficiary.commune,
    Beneficiary.phone,
    Beneficiary.email,
    Beneficiary.target_group,
    Beneficiary.diagnostic,
    Beneficiary.consent_at,
    Beneficiary.contact_consent,
)
# Built once: building it for each keystroke cost as much as running it.
_PEOPLE = select(*_ROW_COLUMNS, Beneficiary.name_key).where(
    Beneficiary.id.in_(bindparam("ids", expanding=True))
)


def row(b: Beneficiary | Row[Any]) -> BeneficiaryRow:
    return BeneficiaryRow(
        b.id,
        b.last_name,
        b.first_name,
        b.birth_date,
        b.postcode,
        b.commune,
        b.phone,
        b.email,
        b.target_group,
        tuple(b.diagnostic or ()),
        b.consent_at is not None,
        bool(b.contact_consent),
    )


def name_key(last_name: str, first_name: str) -> str:
    return f"{fold(last_name)}|{fold(first_name)}"


def search_name(first_name: str, last_name: str) -> str:
    return fold(f"{first_name} {last_name}")


@functools.lru_cache(maxsize=8192)
def _tokens_of(name: str) -> frozenset[str]:
    return frozenset(name_tokens(name))


def index_tokens(first_name: str, last_name: str) -> list[str]:
    """A person's words in name_token, in the order they are written.

    `name_tokens` takes each name apart on its own, so a person's words are the union of their
    names' words: cached by name, the 200,000 people of the national demonstration, who share
    a few thousand names, are indexed without taking the same name apart again and again.
    """
    return sorted(_tokens_of(first_name) | _tokens_of(last_name))


def beneficiary_values(
    clean: BeneficiaryInput,
    *,
    at: datetime,
    agent_id: int,
    desk_id: int,
    notice: int | None = None,
) -> dict[str, Any]:
    """The columns of a person registered at `at` from a cleaned form (see `clean_input`),
    shown version `notice` of the information notice (their consent, if given, is under it)."""
    return {
        "notice_version_id": notice,
        "notice_shown_at": at if notice is not None else None,
        "consent_notice_version_id": notice if clean.consent else None,
        "last_name": clean.last_name,
        "first_name": clean.first_name,
        "birth_date": clean.birth_date,
        "search_name": search_name(clean.first_name, clean.last_name),
        "name_key": name_key(clean.last_name, clean.first_name),
        "postcode": clean.postcode,
        "commune": clean.commune,
        "phone": clean.phone,
        "email": clean.email,
        "target_group": clean.target_group,
        "diagnostic": list(clean.diagnostic),
        "consent_at": at if clean.consent else None,
        "contact_consent": clean.contact_consent,
        "created_at": at,
        "created_by": agent_id,
        "desk_id": desk_id,
    }


def _consent(session: Session, person: Beneficiary, given: bool, now: datetime) -> None:
    """Consent given now is recorded with the notice version it was given under (the one in
    force, which the agent shows); withdrawn, both are cleared."""
    if given and person.consent_at is None:
        person.consent_at = now
        person.consent_notice_version_id = privacy_notice.stamp(session, now).version
    elif not given:
        person.consent_at = None
        person.consent_notice_version_id = None


def _names_close(a: str, b: str) -> bool:
    """Both the last and the first names are near-identical (a typo, a missing letter)."""
    return all(
        difflib.SequenceMatcher(None, x, y).ratio() >= 0.8
        for x, y in zip(a.split("|"), b.split("|"), strict=True)
    )


def _birth_close(a: date, b: date) -> bool:
    """Same day, day and month swapped, or one field off by a typo."""
    if a == b or (a.year == b.year and a.day == b.month and a.month == b.day):
        return True
    same = (a.year == b.year) + (a.month == b.month) + (a.day == b.day)
    return same == 2 or abs(a - b) <= timedelta(days=1)


class BeneficiaryService(Service):
    def duplicates(
        self,
        data: BeneficiaryInput,
        *,
        exclude_id: int | None = None,
        limit: int = 5,
        desk_id: int | None = None,
    ) -> list[BeneficiaryRow]:
        """Probable duplicates: same folded name and a close birth date, or same birth date
        and a close name; among the people desk `desk_id` (the process's) sees."""
        birth = parse_birth(data.birth_date or "") if data.birth_date else None
        key = name_key(data.last_name, data.first_name)
        if birth is None or key == "|":
            return []
        with self._db.read() as session:
            own = people_desk(session, desk_id)
            candidates = session.scalars(
                select(Beneficiary)
                .where(
                    *([desk_is(Beneficiary.desk_id, own)] if own is not None else []),
                    or_(
                        and_(
                            Beneficiary.name_key == key,
                            Beneficiary.birth_date.between(
                                birth.replace(month=1, day=1), birth.replace(month=12, day=31)
                            ),
                        ),
                        Beneficiary.name_key == key,
                        Beneficiary.birth_date == birth,
                    ),
                )
                .limit(500)
            ).all()
            found = []
            for person in candidates:
                if person.id == exclude_id:
                    continue
                same_name = person.name_key == key
                close_name = _names_close(person.name_key, key)
                swapped = person.name_key == "|".join(reversed(key.split("|")))
                close_birth = person.birth_date is not None and _birth_close(
                    person.birth_date, birth
                )
                if (same_name and close_birth) or (
                    person.birth_date == birth and (close_name or swapped)
                ):
                    found.append(row(person))
            return found[:limit]

    def register(
        self, actor: Actor, data: BeneficiaryInput, *, allow_duplicate: bool = False
    ) -> BeneficiaryRow:
        """Save a new person; raises Duplicates first unless the agent confirmed."""
        clean = clean_input(data, self._today())
        if not allow_duplicate:
            candidates = self.duplicates(clean, desk_id=actor.desk_id)
            if candidates:
                raise Duplicates(candidates)
        now = self._now()

        def work(session: Session) -> BeneficiaryRow:
            notice = privacy_notice.stamp(session, now).version  # what registering tells them
            person = Beneficiary(
                **beneficiary_values(
                    clean, at=now, agent_id=actor.id, desk_id=actor.desk_id, notice=notice
                )
            )
            session.add(person)
            session.flush()
            self._index(session, person)
            log.info("agent %s registered beneficiary %s", actor.id, person.id)
            return row(person)

        return self._db.transaction(work)

    @staticmethod
    def _index(session: Session, person: Beneficiary) -> None:
        session.execute(delete(NameToken).where(NameToken.beneficiary_id == person.id))
        tokens = index_tokens(person.first_name, person.last_name)
        if tokens:
            session.execute(
                insert(NameToken), [{"token": t, "beneficiary_id": person.id} for t in tokens]
            )

    def update(self, actor: Actor, beneficiary_id: int, data: BeneficiaryInput) -> BeneficiaryRow:
        clean = clean_input(data, self._today())

        def work(session: Session) -> BeneficiaryRow:
            person = self._live(session, beneficiary_id, actor.desk_id)
            person.last_name, person.first_name = clean.last_name, clean.first_name
            person.birth_date = clean.birth_date  # type: ignore[assignment]
            person.search_name = search_name(clean.first_name, clean.last_name)
            person.name_key = name_key(clean.last_name, clean.first_name)
            person.postcode, person.commune = clean.postcode, clean.commune
            person.phone, person.email = clean.phone, clean.email
            person.target_group = clean.target_group
            person.diagnostic = list(clean.diagnostic)
            _consent(session, person, clean.consent, self._now())
            person.contact_consent = clean.contact_consent
            person.updated_at = self._now()
            self._index(session, person)
            log.info("agent %s updated beneficiary %s", actor.id, person.id)
            return row(person)

        return self._db.transaction(work)

    def update_profile(
        self,
        actor: Actor,
        beneficiary_id: int,
        *,
        target_group: str,
        diagnostic: Sequence[str],
        consent: bool,
        contact_consent: bool | None = None,
    ) -> BeneficiaryRow:
        """Only the profile the serve panel edits (ticks, group, consent): another agent's
        change to the identity, saved meanwhile, is not overwritten by a stale panel."""
        if target_group and target_group not in TARGET_GROUPS:
            raise InvalidInput(_("Unknown target group."), field="target_group")
        unknown = [n for n in diagnostic if n not in DIAGNOSTIC_NEEDS]
        if unknown:
            raise InvalidInput(
                _("Unknown need: {need}.").format(need=unknown[0]), field="diagnostic"
            )
        now = self._now()

        def work(session: Session) -> BeneficiaryRow:
            person = self._live(session, beneficiary_id, actor.desk_id)
            person.target_group = target_group
            person.diagnostic = list(dict.fromkeys(diagnostic))
            _consent(session, person, consent, now)
            if contact_consent is not None:
                person.contact_consent = contact_consent
            person.updated_at = now
            log.info("agent %s updated the profile of beneficiary %s", actor.id, person.id)
            return row(person)

        return self._db.transaction(work)

    def open(self, actor: Actor, beneficiary_id: int) -> BeneficiaryRow:
        """A person shown to an agent (the serve panel, the edit dialog): read and logged in
        the access log in one unit of work; an erased person cannot be opened."""
        require(actor, Action.SERVE)
        now = self._now()

        def work(session: Session) -> BeneficiaryRow:
            person = self._live(session, beneficiary_id, actor.desk_id)
            access_log.record(session, actor.id, [person.id], "opened", now)
            return row(person)

        return self._db.transaction(work)

    def _live(self, session: Session, beneficiary_id: int, desk_id: int) -> Beneficiary:
        """The person, for a change or a look by desk `desk_id`: refused once their data was
        erased."""
        person = visible_person(session, beneficiary_id, desk_id)
        if person is None:
            raise self._not_found(beneficiary_id)
        if person.erased_at is not None:
            raise Refused(
                _("This person's data was erased on {date}.").format(
                    date=format_date(local_date(person.erased_at))
                ),
                field="beneficiary",
            )
        return person

    def get(self, beneficiary_id: int) -> BeneficiaryRow:
        with self._db.read() as session:
            person = visible_person(session, beneficiary_id)
            if person is None:
                raise self._not_found(beneficiary_id)
            return row(person)

    @staticmethod
    def _not_found(beneficiary_id: int) -> NotFound:
        return NotFound(
            _("No beneficiary with the number {id}.").format(id=beneficiary_id), field="beneficiary"
        )

    def search(
        self, text: str, limit: int = SEARCH_LIMIT, *, desk_id: int | None = None
    ) -> list[BeneficiaryRow]:
        """People whose name words start with every word typed, accents and case ignored, and
        born on the date (or in the year) typed with them, in name order; among those desk
        `desk_id` (the process's) sees. Which `limit` people when more match: see
        `name_search`."""
        terms = search_terms(text, self._today())
        if terms.nobody or terms.empty or limit < 1:
            return []
        with self._db.read() as session:
            own = people_desk(session, desk_id)
            connection = session.connection()
            ids = matching_people(connection, terms.words, limit, terms.born, own)
            if not ids:
                return []
            people = connection.execute(_PEOPLE, {"ids": ids}).all()
        return [
            row(p) for p in sorted(people, key=lambda p: (*p.name_key.partition("|")[::2], p.id))
        ]

    def search_listed(
        self, actor: Actor, text: str, limit: int = SEARCH_LIMIT
    ) -> list[BeneficiaryRow]:
        """A search whose whole result an agent reads at once (the console's `beneficiary
        find`, which a script could run for every letter): each person listed is in the access
        log. The window's search-as-you-type is not logged; opening a person is (`open`)."""
        require(actor, Action.SERVE)
        rows = self.search(text, limit, desk_id=actor.desk_id)
        if rows:
            now = self._now()
            self._db.transaction(
                lambda session: access_log.record(
                    session, actor.id, [r.id for r in rows], "listed", now
                )
            )
        return rows

    def count(self) -> int:
        from sqlalchemy import func

        with self._db.read() as session:
            return (
                session.scalar(
                    select(func.count())
                    .select_from(Beneficiary)
                    .where(Beneficiary.erased_at.is_(None), *_seen_by(session))
                )
                or 0
            )

    def list(self, *, offset: int = 0, limit: int = 200) -> list[BeneficiaryRow]:
        with self._db.read() as session:
            return [
                row(p)
                for p in session.scalars(
                    select(Beneficiary)
                    .where(Beneficiary.erased_at.is_(None), *_seen_by(session))
                    .order_by(Beneficiary.name_key, Beneficiary.id)
                    .offset(offset)
                    .limit(limit)
                )
            ]


def _seen_by(session: Session) -> list[Any]:
    """The condition on `Beneficiary` of the people the session's desk sees (none: everyone)."""
    own = people_desk(session)
    return [desk_is(Beneficiary.desk_id, own)] if own is not None else []
