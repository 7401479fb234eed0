"""The desk and its agents: first set-up, accounts, roles and password checks (argon2id)."""

from __future__ import annotations

import logging
import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from stdnum.fr import siret as stdnum_siret

from passdesk.errors import InvalidInput, NotFound, Refused
from passdesk.i18n import _
from passdesk.models import Agent, Desk, EventKind, Role
from passdesk.roles import Action
from passdesk.services import ledger
from passdesk.services.base import Service, actor_of, require, the_desk
from passdesk.services.rows import Actor, AgentRow, DeskRow
from passdesk.text import clean_name

log = logging.getLogger(__name__)

LOGIN_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,59}$")
MIN_PASSWORD_LENGTH = 8
# argon2id with the library's current recommended parameters: about 0.1 s a hash on a desk PC,
# which is the point of it.
STRONG_HASHER = PasswordHasher()
_hasher = STRONG_HASHER


def use_password_hasher(hasher: PasswordHasher | None) -> None:
    """Hash with `hasher` from now on, or with STRONG_HASHER again when None.

    The seam exists for the test suite only (tests/conftest.py): it makes hundreds of accounts,
    and argon2's cheapest parameters take it from minutes to seconds. Hashes carry their own
    parameters, so either hasher verifies the other's.
    """
    global _hasher
    _hasher = hasher or STRONG_HASHER


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _desk_row(desk: Desk) -> DeskRow:
    return DeskRow(
        desk.id, desk.name, desk.address, desk.postcode, desk.commune, desk.siret, desk.logo_png
    )


def _desk_identity(desk: Desk) -> dict[str, str | None]:
    """The desk's printed identity as the journal keeps it: SHA-256 of each field, since an
    address may be a social worker's own (no free text in the journal)."""
    return {
        "name": ledger.fingerprint(desk.name),
        "address": ledger.fingerprint(desk.address),
        "postcode": ledger.fingerprint(desk.postcode),
        "commune": ledger.fingerprint(desk.commune),
        "siret": ledger.fingerprint(desk.siret),
        "logo": ledger.fingerprint(desk.logo_png),
    }


def _agent_row(agent: Agent) -> AgentRow:
    return AgentRow(
        agent.id,
        agent.login,
        agent.display_name,
        agent.role,
        agent.active,
        agent.password_hash is not None,
    )


def check_login(login: str) -> str:
    login = login.strip().lower()
    if not LOGIN_PATTERN.match(login):
        raise InvalidInput(
            _(
                "The login must be 2 to 60 lowercase letters, digits, dots, dashes "
                "or underscores, e.g. marie.dupont."
            ),
            field="login",
        )
    return login


def check_siret(siret: str | None) -> str | None:
    if siret is None or not siret.strip():
        return None
    compact = stdnum_siret.compact(siret)
    if not stdnum_siret.is_valid(compact):
        raise InvalidInput(
            _(
                "This SIRET number is not valid (14 digits, check key). Check it "
                "on the desk's official papers."
            ),
            field="siret",
        )
    return compact


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            _("The password must have at least {n} characters.").format(n=MIN_PASSWORD_LENGTH),
            field="password",
        )


class AccountService(Service):
    def is_initialised(self) -> bool:
        with self._db.read() as session:
            return (session.scalar(select(func.count()).select_from(Desk)) or 0) > 0

    def init_desk(
        self,
        *,
        name: str,
        admin_login: str = "admin",
        admin_name: str | None = None,
        admin_password: str | None = None,
        address: str = "",
        postcode: str = "",
        commune: str = "",
        siret: str | None = None,
        logo_png: bytes | None = None,
    ) -> Actor:
        """Create the desk and its first administrator; refused if a desk exists."""
        name = clean_name(name)
        if not name:
            raise InvalidInput(_("Give the desk's name."), field="name")
        login = check_login(admin_login)
        siret = check_siret(siret)
        if admin_password is not None:
            check_password(admin_password)
        now = self._now()

        def work(session: Session) -> Actor:
            if session.scalar(select(func.count()).select_from(Desk)):
                raise Refused(
                    _("This database already has a desk ({name}).").format(
                        name=the_desk(session).name
                    )
                )
            desk = Desk(
                name=name,
                address=address.strip(),
                postcode=postcode.strip(),
                commune=clean_name(commune),
                siret=siret,
                logo_png=logo_png,
                created_at=now,
            )
            session.add(desk)
            session.flush()
            agent = Agent(
                desk_id=desk.id,
                login=login,
                display_name=clean_name(admin_name or "") or login,
                role=Role.ADMIN,
                created_at=now,
                active=True,
                password_hash=hash_password(admin_password) if admin_password else None,
            )
            session.add(agent)
            ledger.ensure_head(session)
            session.flush()
            ledger.append(
                session,
                at=now,
                agent_id=agent.id,
                kind=EventKind.DESK_CREATED,
                details={"desk": desk.id, "admin": agent.id, "identity": _desk_identity(desk)},
            )
            log.info("desk %s initialised, admin agent id %s", desk.id, agent.id)
            return actor_of(agent)

        return self._db.transaction(work)

    def desk(self) -> DeskRow:
        with self._db.read() as session:
            return _desk_row(the_desk(session))

    def update_desk(
        self,
        actor: Actor,
        *,
        name: str,
        address: str,
        postcode: str,
        commune: str,
        siret: str | None,
        logo_png: bytes | None = None,
        keep_logo: bool = True,
    ) -> DeskRow:
        require(actor, Action.EDIT_DESK)
        name = clean_name(name)
        if not name:
            raise InvalidInput(_("Give the desk's name."), field="name")
        siret = check_siret(siret)

        def work(session: Session) -> DeskRow:
            desk = the_desk(session)
            before = _desk_identity(desk)
            desk.name, desk.address, desk.postcode = name, address.strip(), postcode.strip()
            desk.commune, desk.siret = clean_name(commune), siret
            if not keep_logo or logo_png is not None:
                desk.logo_png = logo_png
            after = _desk_identity(desk)
            changed = {key: value for key, value in after.items() if before[key] != value}
            if changed:
                ledger.append(
                    session,
                    at=self._now(),
                    agent_id=actor.id,
                    kind=EventKind.DESK_CHANGED,
                    details={"desk": desk.id, "identity": changed},
                )
            log.info("agent %s updated the desk details", actor.id)
            return _desk_row(desk)

        return self._db.transaction(work)

    def add_agent(
        self,
        actor: Actor,
        *,
        login: str,
        display_name: str,
        role: Role,
        password: str | None = None,
    ) -> AgentRow:
        require(actor, Action.MANAGE_AGENTS)
        login = check_login(login)
        display_name = clean_name(display_name)
        if not display_name:
            raise InvalidInput(_("Give the agent's name."), field="display_name")
        if password is not None:
            check_password(password)

        def work(session: Session) -> AgentRow:
            if session.scalar(select(Agent).where(Agent.login == login)) is not None:
                raise Refused(
                    _("The login {login} is already taken.").format(login=login), field="login"
                )
            agent = Agent(
                desk_id=the_desk(session).id,
                login=login,
                display_name=display_name,
                role=role,
                created_at=self._now(),
                active=True,
                password_hash=hash_password(password) if password else None,
            )
            session.add(agent)
            session.flush()
            ledger.append(
                session,
                at=agent.created_at,
                agent_id=actor.id,
                kind=EventKind.AGENT_ADDED,
                details={"agent": agent.id, "role": role.value},
            )
            log.info("agent %s created agent %s (%s)", actor.id, agent.id, role.value)
            return _agent_row(agent)

        return self._db.transaction(work)

    def set_password(self, actor: Actor, login: str, password: str) -> None:
        if actor.login != login:
            require(actor, Action.MANAGE_AGENTS)
        check_password(password)

        def work(session: Session) -> None:
            agent = session.scalar(select(Agent).where(Agent.login == login))
            if agent is None:
                raise NotFound(_("No agent with the login {login}.").format(login=login))
            agent.password_hash = hash_password(password)
            ledger.append(
                session,
                at=self._now(),
                agent_id=actor.id,
                kind=EventKind.AGENT_CHANGED,
                details={"agent": agent.id, "password": "set"},
            )
            log.info("agent %s set the password of agent %s", actor.id, agent.id)

        return self._db.transaction(work)

    def agents(self) -> list[AgentRow]:
        with self._db.read() as session:
            return [_agent_row(a) for a in session.scalars(select(Agent).order_by(Agent.login))]

    def actor(self, login: str | None = None) -> Actor:
        """The agent an unattended caller (console) acts as; by default the first admin."""
        with self._db.read() as session:
            query = select(Agent).where(Agent.active.is_(True))
            if login is None:
                query = query.where(Agent.role == Role.ADMIN).order_by(Agent.id)
            else:
                query = query.where(Agent.login == login.strip().lower())
            agent = session.scalars(query.limit(1)).first()
            if agent is None:
                if login is None:
                    the_desk(session)  # says "no desk yet" when that is the reason
                    raise NotFound(_("This desk has no active administrator."))
                raise NotFound(_("No active agent with the login {login}.").format(login=login))
            return actor_of(agent)

    def authenticate(self, login: str, password: str) -> Actor:
        """The agent if the password matches; one message for every failure (no hints)."""
        failure = Refused(_("Wrong login or password."), field="password")
        with self._db.read() as session:
            agent = session.scalar(select(Agent).where(Agent.login == login.strip().lower()))
            if agent is None or not agent.active or agent.password_hash is None:
                raise failure
            try:
                _hasher.verify(agent.password_hash, password)
            except (VerificationError, InvalidHashError):
                log.info("failed login for agent %s", agent.id)
                raise failure from None
            needs_rehash = _hasher.check_needs_rehash(agent.password_hash)
            actor = actor_of(agent)
        if needs_rehash:
            new_hash = hash_password(password)

            def rehash(session: Session) -> None:
                stored = session.get(Agent, actor.id)
                assert stored is not None
                stored.password_hash = new_hash

            self._db.transaction(rehash)
        log.info("agent %s logged in", actor.id)
        return actor
