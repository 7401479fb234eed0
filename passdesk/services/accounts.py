"""The desk and its agents: first set-up, accounts, roles, the password rule, logging in
(argon2id, with the lockout of passdesk.services.lockout) and the accounts' history."""

from __future__ import annotations

import logging
from datetime import datetime

from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from passdesk.errors import InvalidInput, NotFound, Refused
from passdesk.i18n import N_, _
from passdesk.models import Agent, AgentEvent, Desk, EventKind, Role
from passdesk.roles import Action
from passdesk.services import ledger, lockout
from passdesk.services.account_input import agent_name, desk_texts
from passdesk.services.base import Service, actor_of, desk_id_in, desk_of, require, the_desk
from passdesk.services.credentials import (  # noqa: F401 - re-exported for callers
    HOW_TO_CHOOSE,
    MIN_PASSWORD_LENGTH,
    STRONG_HASHER,
    check_login,
    check_password,
    check_siret,
    hash_password,
    needs_rehash,
    use_password_hasher,
    verify_password,
)
from passdesk.services.desk_details import desk_identity, desk_row
from passdesk.services.desk_founding import found_desk
from passdesk.services.desks import code_from_name
from passdesk.services.rows import Actor, AgentEventRow, AgentRow, DeskRow

log = logging.getLogger(__name__)


def _agent_row(agent: Agent) -> AgentRow:
    return AgentRow(
        agent.id,
        agent.login,
        agent.display_name,
        agent.role,
        agent.active,
        agent.password_hash is not None,
        agent.locked_at is not None,
    )


# What happened to an account (AgentEvent.kind), as the Agents page says it.
EVENT_LABELS = {
    "created": N_("account created"),
    "disabled": N_("disabled"),
    "enabled": N_("enabled again"),
    "role": N_("role changed"),
    "password_reset": N_("password reset by an administrator"),
    "password_changed": N_("password changed by the agent"),
    "locked": N_("locked after wrong passwords"),
    "unlocked": N_("unlocked"),
}


def _record(
    session: Session, agent: Agent, by: Actor | None, kind: str, at: datetime, detail: str = ""
) -> None:
    assert kind in EVENT_LABELS, kind
    session.add(
        AgentEvent(
            agent_id=agent.id, by_agent_id=by.id if by else None, kind=kind, detail=detail, at=at
        )
    )


def _journal_change(
    session: Session, agent: Agent, by: Actor, at: datetime, **change: str | bool
) -> None:
    """The journal's AGENT_CHANGED event of a change an administrator made to an account
    (role, enabled or disabled, unlocked), beside its account history (`_record`): the
    journal covers every change, and holds no name."""
    ledger.append(
        session,
        at=at,
        agent_id=by.id,
        kind=EventKind.AGENT_CHANGED,
        details={"agent": agent.id, **change},
    )


def _agent(session: Session, login: str, desk_id: int | None = None) -> Agent:
    """The agent of `login`; with `desk_id`, only one of that desk's (each desk of a territory
    manages its own agents: another desk's is not found, as a login nobody has)."""
    agent = session.scalar(select(Agent).where(Agent.login == login.strip().lower()))
    if agent is None or (desk_id is not None and agent.desk_id != desk_id):
        raise NotFound(_("No agent with the login {login}.").format(login=login))
    return agent


def _refuse_losing_the_last_admin(session: Session, agent: Agent) -> None:
    """A desk keeps at least one active administrator, or nobody could manage it again."""
    others = session.scalar(
        select(func.count())
        .select_from(Agent)
        .where(
            Agent.role == Role.ADMIN,
            Agent.active.is_(True),
            Agent.id != agent.id,
            Agent.desk_id == agent.desk_id,
        )
    )
    if agent.role == Role.ADMIN and agent.active and not others:
        raise Refused(
            _(
                "{login} is the desk's only active administrator: make another agent "
                "administrator first."
            ).format(login=agent.login)
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
        demo: bool = False,
    ) -> Actor:
        """Create the desk and its first administrator; refused if a desk exists. `demo`: a
        demonstration desk (passdesk.demo), marked as such on screen and on paper."""
        name, address, postcode, commune = desk_texts(name, address, postcode, commune)
        admin_name = agent_name(admin_name or "")
        if not name:
            raise InvalidInput(_("Give the desk's name."), field="name")
        login = check_login(admin_login)
        siret = check_siret(siret)
        if admin_password is not None:
            check_password(admin_password, user_inputs=(login, admin_name or "", name))
        now = self._now()

        def work(session: Session) -> Actor:
            if session.scalar(select(func.count()).select_from(Desk)):
                raise Refused(
                    _("This database already has a desk ({name}).").format(
                        name=the_desk(session).name
                    )
                )
            desk = Desk(
                code=code_from_name(name, set()),
                name=name,
                address=address,
                postcode=postcode,
                commune=commune,
                siret=siret,
                logo_png=logo_png,
                created_at=now,
                demo=demo,
            )
            agent = found_desk(
                session,
                desk,
                login=login,
                display_name=admin_name or login,
                password_hash=hash_password(admin_password) if admin_password else None,
                at=now,
            )
            log.info("desk %s initialised, admin agent id %s", desk.id, agent.id)
            return actor_of(agent)

        return self._db.transaction(work)

    def desk(self) -> DeskRow:
        with self._db.read() as session:
            return desk_row(the_desk(session))

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
        name, address, postcode, commune = desk_texts(name, address, postcode, commune)
        if not name:
            raise InvalidInput(_("Give the desk's name."), field="name")
        siret = check_siret(siret)

        def work(session: Session) -> DeskRow:
            desk = desk_of(session, actor)
            before = desk_identity(desk)
            desk.name, desk.address, desk.postcode = name, address, postcode
            desk.commune, desk.siret = commune, siret
            if not keep_logo or logo_png is not None:
                desk.logo_png = logo_png
            after = desk_identity(desk)
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
            return desk_row(desk)

        return self._db.transaction(work)

    def _desk_name(self) -> str:
        with self._db.read() as session:
            desk = session.scalars(select(Desk).order_by(Desk.id).limit(1)).first()
            return desk.name if desk is not None else ""

    def check_new_password(self, password: str, *, login: str, display_name: str = "") -> None:
        """check_password with this agent's and this desk's names as what it must not lean on."""
        check_password(password, user_inputs=(login, display_name, self._desk_name()))

    # --- the agents' accounts (administrators) ----------------------------------------------

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
        role = Role(role)
        login = check_login(login)
        display_name = agent_name(display_name)
        if not display_name:
            raise InvalidInput(_("Give the agent's name."), field="display_name")
        if password is not None:
            self.check_new_password(password, login=login, display_name=display_name)
        now = self._now()

        def work(session: Session) -> AgentRow:
            if session.scalar(select(Agent).where(Agent.login == login)) is not None:
                raise Refused(
                    _("The login {login} is already taken.").format(login=login), field="login"
                )
            agent = Agent(
                desk_id=desk_of(session, actor).id,
                login=login,
                display_name=display_name,
                role=role,
                created_at=now,
                active=True,
                password_hash=hash_password(password) if password else None,
            )
            session.add(agent)
            session.flush()
            _record(session, agent, actor, "created", now, role.value)
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
        """An administrator resets anyone's password (which also lifts a lock); any agent sets
        their own (the window asks for the current one first: change_own_password)."""
        own = actor.login == login.strip().lower()
        if not own:
            require(actor, Action.MANAGE_AGENTS)
        with self._db.read() as session:
            target = _agent(session, login, actor.desk_id)
            self.check_new_password(password, login=target.login, display_name=target.display_name)
        new_hash = hash_password(password)
        now = self._now()

        def work(session: Session) -> None:
            agent = _agent(session, login, actor.desk_id)
            agent.password_hash = new_hash
            if own:
                _record(session, agent, actor, "password_changed", now)
            else:
                _record(session, agent, actor, "password_reset", now)
                if agent.locked_at is not None:
                    _record(session, agent, actor, "unlocked", now)
                lockout.clear(agent)
            ledger.append(
                session,
                at=now,
                agent_id=actor.id,
                kind=EventKind.AGENT_CHANGED,
                details={"agent": agent.id, "password": "set"},
            )
            log.info("agent %s set the password of agent %s", actor.id, agent.id)

        return self._db.transaction(work)

    def change_own_password(self, actor: Actor, current: str, new: str) -> None:
        """The agent proves it is them (a wrong current password counts towards the lock)."""
        self.authenticate(actor.login, current)
        self.set_password(actor, actor.login, new)

    def set_active(self, actor: Actor, login: str, active: bool) -> AgentRow:
        """Disable an account (never deleted: the journal names its agent) or enable it again."""
        require(actor, Action.MANAGE_AGENTS)
        now = self._now()

        def work(session: Session) -> AgentRow:
            agent = _agent(session, login, actor.desk_id)
            if agent.active == active:
                return _agent_row(agent)
            if not active:
                if agent.id == actor.id:
                    raise Refused(_("You cannot disable your own account."))
                _refuse_losing_the_last_admin(session, agent)
            agent.active = active
            _record(session, agent, actor, "enabled" if active else "disabled", now)
            _journal_change(session, agent, actor, now, active=active)
            log.info(
                "agent %s %s agent %s", actor.id, "enabled" if active else "disabled", agent.id
            )
            return _agent_row(agent)

        return self._db.transaction(work)

    def set_role(self, actor: Actor, login: str, role: Role) -> AgentRow:
        require(actor, Action.MANAGE_AGENTS)
        role = Role(role)
        now = self._now()

        def work(session: Session) -> AgentRow:
            agent = _agent(session, login, actor.desk_id)
            if agent.role == role:
                return _agent_row(agent)
            if role != Role.ADMIN:
                _refuse_losing_the_last_admin(session, agent)
            agent.role = role
            _record(session, agent, actor, "role", now, role.value)
            _journal_change(session, agent, actor, now, role=role.value)
            log.info("agent %s gave agent %s the role %s", actor.id, agent.id, role.value)
            return _agent_row(agent)

        return self._db.transaction(work)

    def unlock(self, actor: Actor, login: str) -> AgentRow:
        """Lift the lock that wrong passwords put on an account."""
        require(actor, Action.MANAGE_AGENTS)
        now = self._now()

        def work(session: Session) -> AgentRow:
            agent = _agent(session, login, actor.desk_id)
            if agent.locked_at is not None:
                _record(session, agent, actor, "unlocked", now)
                _journal_change(session, agent, actor, now, unlocked=True)
                log.info("agent %s unlocked agent %s", actor.id, agent.id)
            lockout.clear(agent)
            return _agent_row(agent)

        return self._db.transaction(work)

    def agents(self) -> list[AgentRow]:
        """The agents of the desk the process works for (each desk has its own)."""
        with self._db.read() as session:
            return [
                _agent_row(a)
                for a in session.scalars(
                    select(Agent).where(Agent.desk_id == desk_id_in(session)).order_by(Agent.login)
                )
            ]

    def events(self, actor: Actor, login: str) -> list[AgentEventRow]:
        """An account's history, newest first."""
        require(actor, Action.MANAGE_AGENTS)
        with self._db.read() as session:
            agent = _agent(session, login, actor.desk_id)
            logins = {row.id: row.login for row in session.execute(select(Agent.id, Agent.login))}
            events = session.scalars(
                select(AgentEvent)
                .where(AgentEvent.agent_id == agent.id)
                .order_by(AgentEvent.id.desc())  # as recorded, whatever each PC's clock
            )
            return [
                AgentEventRow(
                    e.at,
                    e.kind,
                    e.detail,
                    logins.get(e.by_agent_id) if e.by_agent_id is not None else None,
                )
                for e in events
            ]

    # --- who acts ----------------------------------------------------------------------------

    def actor(self, login: str | None = None) -> Actor:
        """The active agent of `login`, by default the first administrator, without checking a
        password: for code that already knows who acts (the demonstration, tests). The console
        authenticates first (passdesk.cli.common.acting_agent)."""
        with self._db.read() as session:
            query = select(Agent).where(Agent.active.is_(True))
            if login is None:  # the chosen desk's first (a database of one desk: its first)
                query = query.where(
                    Agent.role == Role.ADMIN, Agent.desk_id == desk_id_in(session)
                ).order_by(Agent.id)
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
        """The agent if the password matches; one message for every unknown login or wrong
        password (no hints), the lockout's own for a locked account or a try made too early.
        The password is checked outside any transaction (argon2 takes 0.1 s); the outcome is
        written in one."""
        failure = Refused(_("Wrong login or password."), field="password")
        now = self._now()
        with self._db.read() as session:
            agent = session.scalar(select(Agent).where(Agent.login == login.strip().lower()))
            if agent is None or not agent.active or agent.password_hash is None:
                raise failure
            lockout.refuse_if_barred(agent, now)
            try:
                verify_password(agent.password_hash, password)
                right = True
            except (VerificationError, InvalidHashError):
                right = False
            rehash = right and needs_rehash(agent.password_hash)
            had_failures = bool(agent.failed_logins) or agent.retry_after is not None
            actor = actor_of(agent)
        new_hash = hash_password(password) if rehash else None

        def work(session: Session) -> lockout.Outcome | None:
            stored = session.get(Agent, actor.id)
            assert stored is not None
            if not right:
                outcome = lockout.record_failure(stored, now)
                if outcome.locked:
                    _record(session, stored, None, "locked", now)
                return outcome
            lockout.clear(stored)
            if new_hash is not None:
                stored.password_hash = new_hash
            return None

        outcome = None
        if not right or had_failures or new_hash is not None:
            outcome = self._db.transaction(work)
        if outcome is not None:
            log.info("failed login for agent %s (%s in a row)", actor.id, outcome.failures)
            if outcome.locked:
                log.warning("agent %s locked after %s wrong passwords", actor.id, outcome.failures)
                raise lockout.locked_error(actor.login)
            raise failure
        log.info("agent %s logged in", actor.id)
        return actor
