"""Beneficiaries: register, update, search as you type, and probable duplicates before saving."""

from __future__ import annotations

import difflib
import functools
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Row, and_, bindparam, delete, insert, or_, select
from sqlalchemy.orm import Session

from passdesk.errors import InvalidInput, NotFound, Refused
from passdesk.formatting import date_problem
from passdesk.i18n import N_, _
from passdesk.models import Beneficiary, NameToken
from passdesk.services.base import Service
from passdesk.services.name_search import matching_people
from passdesk.services.programmes import TARGET_GROUPS
from passdesk.services.rows import Actor, BeneficiaryRow
from passdesk.text import clean_name, fold, name_tokens, query_tokens

log = logging.getLogger(__name__)

SEARCH_LIMIT = 20
NAME_PATTERN = re.compile(r"^[^\d_@#$%*+=<>{}\[\]|\\/;:!?\"]+$")
POSTCODE_PATTERN = re.compile(r"^(?:\d{5}|2[AB]\d{3})$")
PHONE_PATTERN = re.compile(r"^(?:\+33|0033|0)[1-9]\d{8}$")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE_SEPARATORS = re.compile(r"[\s.\-]")
OLDEST_BIRTH = date(1900, 1, 1)
MAX_NAME_LENGTH = 120  # what the register's columns hold, first name and last name each
# The short needs diagnostic: what the person wants to learn (printed places match these).
DIAGNOSTIC_NEEDS: dict[str, str] = {
    "admin_procedures": N_("Online administrative procedures"),
    "everyday_tools": N_("Everyday digital tools (email, smartphone)"),
    "job_search": N_("Job search and training online"),
    "equipment": N_("Getting or using a computer or tablet"),
    "security": N_("Online safety and privacy"),
}


@dataclass(frozen=True)
class BeneficiaryInput:
    """What a form or the console gives for a person, as typed."""

    last_name: str
    first_name: str
    birth_date: str | date | None
    postcode: str = ""
    commune: str = ""
    phone: str = ""
    email: str = ""
    target_group: str = ""
    diagnostic: Sequence[str] = field(default_factory=tuple)
    consent: bool = False
    contact_consent: bool = False  # may be called about their vouchers (follow-up)


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


def clean_input(data: BeneficiaryInput, today: date) -> BeneficiaryInput:
    """The form as it is stored, names and numbers tidied; InvalidInput names the first bad field."""
    errors = field_errors(data, today)
    if errors:
        name, message = next(iter(errors.items()))
        raise InvalidInput(
            _("{field}: {message}").format(field=_(FIELD_LABELS.get(name, name)), message=message),
            field=name,
        )
    return BeneficiaryInput(
        last_name=clean_name(data.last_name),
        first_name=clean_name(data.first_name),
        birth_date=_parse_birth(data.birth_date or ""),
        postcode=data.postcode.strip().upper(),
        commune=clean_name(data.commune),
        phone=PHONE_SEPARATORS.sub("", data.phone),
        email=data.email.strip(),
        target_group=data.target_group,
        diagnostic=tuple(dict.fromkeys(data.diagnostic)),
        consent=data.consent,
        contact_consent=data.contact_consent,
    )


def beneficiary_values(clean: BeneficiaryInput, *, at: datetime, agent_id: int) -> dict[str, Any]:
    """The columns of a person registered at `at` from a cleaned form (see `clean_input`)."""
    return {
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
    }


def field_errors(data: BeneficiaryInput, today: date) -> dict[str, str]:
    """Every problem of a form at once, by field (the window shows them as the agent types)."""
    errors: dict[str, str] = {}
    for name, value in (("last_name", data.last_name), ("first_name", data.first_name)):
        value = clean_name(value)
        if not value:
            errors[name] = _("Required.")
        elif len(value) > MAX_NAME_LENGTH:
            errors[name] = _("A name has at most {max} characters ({count} typed).").format(
                max=MAX_NAME_LENGTH, count=len(value)
            )
        elif not NAME_PATTERN.match(value):
            errors[name] = _("Letters, spaces, hyphens and apostrophes only.")
    birth = data.birth_date
    if birth is None or (isinstance(birth, str) and not birth.strip()):
        errors["birth_date"] = _("Required.")
    else:
        parsed = _parse_birth(birth)
        if parsed is None:
            errors["birth_date"] = date_problem(str(birth)) or _("This birth date is not possible.")
        elif parsed > today or parsed < OLDEST_BIRTH:
            errors["birth_date"] = _("This birth date is not possible.")
    if data.postcode.strip() and not POSTCODE_PATTERN.match(data.postcode.strip().upper()):
        errors["postcode"] = _("A French postcode has 5 digits.")
    phone = PHONE_SEPARATORS.sub("", data.phone)
    if phone and not PHONE_PATTERN.match(phone):
        errors["phone"] = _("A French phone number has 10 digits, e.g. 06 12 34 56 78.")
    if data.email.strip() and not EMAIL_PATTERN.match(data.email.strip()):
        errors["email"] = _("This e-mail address is not valid.")
    if data.target_group and data.target_group not in TARGET_GROUPS:
        errors["target_group"] = _("Unknown target group.")
    unknown = [n for n in data.diagnostic if n not in DIAGNOSTIC_NEEDS]
    if unknown:
        errors["diagnostic"] = _("Unknown need: {need}.").format(need=unknown[0])
    return errors


def _parse_birth(value: str | date) -> date | None:
    if isinstance(value, date):
        return value
    text = value.strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    match = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})", text)
    if match:
        try:
            return date(int(match[3]), int(match[2]), int(match[1]))
        except ValueError:
            return None
    return None


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
        self, data: BeneficiaryInput, *, exclude_id: int | None = None, limit: int = 5
    ) -> list[BeneficiaryRow]:
        """Probable duplicates: same folded name and a close birth date, or same birth date
        and a close name."""
        birth = _parse_birth(data.birth_date or "") if data.birth_date else None
        key = name_key(data.last_name, data.first_name)
        if birth is None or key == "|":
            return []
        with self._db.read() as session:
            candidates = session.scalars(
                select(Beneficiary)
                .where(
                    or_(
                        and_(
                            Beneficiary.name_key == key,
                            Beneficiary.birth_date.between(
                                birth.replace(month=1, day=1), birth.replace(month=12, day=31)
                            ),
                        ),
                        Beneficiary.name_key == key,
                        Beneficiary.birth_date == birth,
                    )
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
            candidates = self.duplicates(clean)
            if candidates:
                raise Duplicates(candidates)
        now = self._now()

        def work(session: Session) -> BeneficiaryRow:
            person = Beneficiary(**beneficiary_values(clean, at=now, agent_id=actor.id))
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
            person = session.get(Beneficiary, beneficiary_id)
            if person is None:
                raise self._not_found(beneficiary_id)
            person.last_name, person.first_name = clean.last_name, clean.first_name
            person.birth_date = clean.birth_date  # type: ignore[assignment]
            person.search_name = search_name(clean.first_name, clean.last_name)
            person.name_key = name_key(clean.last_name, clean.first_name)
            person.postcode, person.commune = clean.postcode, clean.commune
            person.phone, person.email = clean.phone, clean.email
            person.target_group = clean.target_group
            person.diagnostic = list(clean.diagnostic)
            if clean.consent and person.consent_at is None:
                person.consent_at = self._now()
            elif not clean.consent:
                person.consent_at = None
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
            person = session.get(Beneficiary, beneficiary_id)
            if person is None:
                raise self._not_found(beneficiary_id)
            person.target_group = target_group
            person.diagnostic = list(dict.fromkeys(diagnostic))
            if consent and person.consent_at is None:
                person.consent_at = now
            elif not consent:
                person.consent_at = None
            if contact_consent is not None:
                person.contact_consent = contact_consent
            person.updated_at = now
            log.info("agent %s updated the profile of beneficiary %s", actor.id, person.id)
            return row(person)

        return self._db.transaction(work)

    def get(self, beneficiary_id: int) -> BeneficiaryRow:
        with self._db.read() as session:
            person = session.get(Beneficiary, beneficiary_id)
            if person is None:
                raise self._not_found(beneficiary_id)
            return row(person)

    @staticmethod
    def _not_found(beneficiary_id: int) -> NotFound:
        return NotFound(
            _("No beneficiary with the number {id}.").format(id=beneficiary_id), field="beneficiary"
        )

    def search(self, text: str, limit: int = SEARCH_LIMIT) -> list[BeneficiaryRow]:
        """People whose name words start with every word typed, accents and case ignored, in
        name order. Which `limit` people when more match: see `name_search`."""
        words = query_tokens(text)
        if not words or limit < 1:
            return []
        with self._db.read() as session:
            connection = session.connection()
            ids = matching_people(connection, words, limit)
            if not ids:
                return []
            people = connection.execute(_PEOPLE, {"ids": ids}).all()
        return [
            row(p) for p in sorted(people, key=lambda p: (*p.name_key.partition("|")[::2], p.id))
        ]

    def count(self) -> int:
        from sqlalchemy import func

        with self._db.read() as session:
            return session.scalar(select(func.count()).select_from(Beneficiary)) or 0

    def list(self, *, offset: int = 0, limit: int = 200) -> list[BeneficiaryRow]:
        with self._db.read() as session:
            return [
                row(p)
                for p in session.scalars(
                    select(Beneficiary)
                    .order_by(Beneficiary.name_key, Beneficiary.id)
                    .offset(offset)
                    .limit(limit)
                )
            ]


FIELD_LABELS = {
    "last_name": N_("Last name"),
    "first_name": N_("First name"),
    "birth_date": N_("Birth date"),
    "postcode": N_("Postcode"),
    "commune": N_("Commune"),
    "phone": N_("Phone"),
    "email": N_("E-mail"),
    "target_group": N_("Target group"),
    "diagnostic": N_("Needs"),
    "contact_consent": N_("May be called"),
}
