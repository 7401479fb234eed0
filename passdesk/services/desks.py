"""The desks of a database: how a desk is named in the console (its code), and a territory's
desks created and made the coordination by its administrator (issue 13)."""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from passdesk.errors import Forbidden, InvalidInput, NotFound, Refused
from passdesk.i18n import _
from passdesk.models import Agent, Desk, DeskKind, EventKind
from passdesk.roles import Action
from passdesk.services import ledger
from passdesk.services.account_input import agent_name, desk_texts
from passdesk.services.base import Service, desk_of, first_desk, require
from passdesk.services.credentials import check_login, check_password, hash_password
from passdesk.services.desk_details import desk_row
from passdesk.services.desk_founding import found_desk
from passdesk.services.rows import Actor, DeskRow

CODE_LENGTH = 12
# Words the console reads as "every desk" (`report --scope-desk all`), so no desk is named so.
RESERVED_CODES = frozenset({"ALL", "TERRITORY"})
_CODE = re.compile(r"[A-Z0-9](?:[A-Z0-9-]{0,10}[A-Z0-9])?")


def code_from_name(name: str, taken: set[str]) -> str:
    """ "Mairie d'Écully" -> "MAIRIE-D-ECU": a code for a desk created without one, unique
    among `taken` (which it joins). Revision 0010 made the codes of existing desks this way."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().upper()
    base = "-".join(re.findall(r"[A-Z0-9]+", folded))[:CODE_LENGTH].strip("-") or "GUICHET"
    code, n = base, 2
    while code in taken or code in RESERVED_CODES:
        suffix = f"-{n}"
        code, n = base[: CODE_LENGTH - len(suffix)].strip("-") + suffix, n + 1
    taken.add(code)
    return code


def check_code(text: str, *, new: bool = False) -> str:
    """A desk code as typed ("vaulx" -> "VAULX"), or InvalidInput in French; for a `new`
    desk, not one of the words that mean every desk (`RESERVED_CODES`)."""
    code = (text or "").strip().upper()
    if not _CODE.fullmatch(code):
        raise InvalidInput(
            _(
                "A desk code is 1 to 12 capital letters, digits or hyphens, such as VAULX or "
                "CCAS-2 ({code} given)."
            ).format(code=code or "«»"),
            field="code",
        )
    if new and code in RESERVED_CODES:
        raise InvalidInput(
            _(
                "{code} cannot be a desk's code: the console reads it as every desk of the "
                "territory. Choose another one."
            ).format(code=code),
            field="code",
        )
    return code


def taken_codes(session: Session) -> set[str]:
    return set(session.scalars(select(Desk.code)))


def desk_by_code(session: Session, text: str) -> Desk:
    code = check_code(text)
    desk = session.scalar(select(Desk).where(Desk.code == code))
    if desk is None:
        known = ", ".join(sorted(taken_codes(session))) or "—"
        raise NotFound(
            _("No desk has the code {code} (desks: {known}).").format(code=code, known=known),
            field="desk",
        )
    return desk


# Built once, as a plain table statement: a search reads it at each keystroke (people_scope).
_TWO_DESKS = select(Desk.__table__.c.id).limit(2)


def several_desks(session: Session) -> bool:
    """Whether desks share this database (a territory's), or it is one desk's: the one rule
    that decides whether anything is filtered, refused or offered per desk."""
    return len(session.connection().execute(_TWO_DESKS).all()) > 1


def coordination(session: Session) -> Desk | None:
    return session.scalar(select(Desk).where(Desk.kind == DeskKind.COORDINATION))


def territory_master(session: Session) -> Desk:
    """The desk whose administrators decide for the territory (its desks, its settings): the
    coordination, else the database's first desk (the one `init` made)."""
    return coordination(session) or first_desk(session)


def _kind(text: str) -> DeskKind:
    try:
        return DeskKind((text or "").strip().lower())
    except ValueError:
        raise InvalidInput(
            _("A desk's kind is «desk» or «coordination» ({kind} given).").format(kind=text),
            field="kind",
        ) from None


def _refuse_a_second_coordination(session: Session, desk: Desk | None = None) -> None:
    existing = coordination(session)
    if existing is not None and existing is not desk:
        raise Refused(
            _("The territory already has a coordination desk: {code}.").format(code=existing.code),
            field="kind",
        )


def require_desk_manager(session: Session, actor: Actor) -> Desk:
    """The actor's desk if it may manage the territory's desks: the coordination's, or before
    there is one the database's first desk's (the one `init` made), so that a desk of the
    territory cannot make itself its master."""
    require(actor, Action.MANAGE_DESKS)
    desk = desk_of(session, actor)
    master = territory_master(session)
    if desk.id != master.id:
        raise Forbidden(
            _("Only an administrator of the desk {code} manages the territory's desks.").format(
                code=master.code
            )
        )
    return desk


class DeskService(Service):
    """The desks of the database, as rows; a territory's desks added, and its coordination."""

    def desks(self) -> list[DeskRow]:
        with self._db.read() as session:
            return [desk_row(d) for d in session.scalars(select(Desk).order_by(Desk.id))]

    def several(self) -> bool:
        """Whether desks share the database (`several_desks`): the window's territory pages."""
        with self._db.read() as session:
            return several_desks(session)

    def get(self, desk_id: int) -> DeskRow:
        with self._db.read() as session:
            desk = session.get(Desk, desk_id)
            if desk is None:
                raise NotFound(_("No desk with the number {id}.").format(id=desk_id))
            return desk_row(desk)

    def by_code(self, code: str) -> DeskRow:
        with self._db.read() as session:
            return desk_row(desk_by_code(session, code))

    def add_desk(
        self,
        actor: Actor,
        *,
        code: str,
        name: str,
        kind: str = "desk",
        admin_login: str,
        admin_name: str = "",
        admin_password: str | None = None,
        address: str = "",
        postcode: str = "",
        commune: str = "",
    ) -> DeskRow:
        """A new desk of the territory with its first administrator (logins are unique in the
        whole database: `--agent LOGIN` needs no desk), journaled as `init` journals the first."""
        code = check_code(code, new=True)
        desk_kind = _kind(kind)
        name, address, postcode, commune = desk_texts(name, address, postcode, commune)
        if not name:
            raise InvalidInput(_("Give the desk's name."), field="name")
        login = check_login(admin_login)
        admin_name = agent_name(admin_name or "")
        if admin_password is not None:
            check_password(admin_password, user_inputs=(login, admin_name, name))
        password_hash = hash_password(admin_password) if admin_password else None
        now = self._now()

        def work(session: Session) -> DeskRow:
            require_desk_manager(session, actor)
            if code in taken_codes(session):
                raise Refused(
                    _("The desk code {code} is already taken.").format(code=code), field="code"
                )
            if session.scalar(select(func.count()).select_from(Agent).where(Agent.login == login)):
                raise Refused(
                    _("The login {login} is already taken.").format(login=login),
                    field="admin_login",
                )
            if desk_kind is DeskKind.COORDINATION:
                _refuse_a_second_coordination(session)
            desk = Desk(
                code=code,
                kind=desk_kind,
                name=name,
                address=address,
                postcode=postcode,
                commune=commune,
                created_at=now,
            )
            found_desk(
                session,
                desk,
                login=login,
                display_name=admin_name or login,
                password_hash=password_hash,
                at=now,
                by_agent_id=actor.id,
            )
            return desk_row(desk)

        return self._db.transaction(work)

    def set_kind(self, actor: Actor, code: str, kind: str) -> DeskRow:
        """Make the administrator's own desk the territory's coordination (the desk `init` made
        becomes it, keeping its stock), or an ordinary desk again."""
        desk_kind = _kind(kind)
        now = self._now()

        def work(session: Session) -> DeskRow:
            own = require_desk_manager(session, actor)
            desk = desk_by_code(session, code)
            if desk.id != own.id:
                raise Forbidden(
                    _("Only an administrator of the desk {code} may change its kind.").format(
                        code=desk.code
                    )
                )
            if desk.kind is desk_kind:
                return desk_row(desk)
            if desk_kind is DeskKind.COORDINATION:
                _refuse_a_second_coordination(session, desk)
            desk.kind = desk_kind
            ledger.append(
                session,
                at=now,
                agent_id=actor.id,
                kind=EventKind.DESK_CHANGED,
                details={"desk": desk.id, "kind": desk_kind.value},
            )
            return desk_row(desk)

        return self._db.transaction(work)
