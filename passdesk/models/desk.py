"""The desk (this installation's organisation), its agents, their account events and its
settings."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    Enum,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from passdesk.models.base import Base
from passdesk.roles import Role


class DeskKind(enum.StrEnum):
    """A territory's structures share one database (issue 13): the desks that serve people,
    and at most one coordination, which receives the lots and transfers ranges to the desks.
    A database of one desk has one row of kind DESK, which receives its own lots."""

    DESK = "desk"
    COORDINATION = "coordination"


class Desk(Base):
    __tablename__ = "desk"
    __table_args__ = (
        Index(
            "uq_desk_one_coordination",
            "kind",
            unique=True,
            sqlite_where=text("kind = 'coordination'"),
            postgresql_where=text("kind = 'coordination'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # "VAULX": how the console (--desk, transfer --to) and the screens name the desk.
    code: Mapped[str] = mapped_column(String(12), unique=True)
    kind: Mapped[DeskKind] = mapped_column(
        Enum(
            DeskKind, native_enum=False, length=12, values_callable=lambda e: [m.value for m in e]
        ),
        default=DeskKind.DESK,
        server_default=DeskKind.DESK.value,
    )
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(Text, default="", info={"max_length": 300})
    postcode: Mapped[str] = mapped_column(String(10), default="")
    commune: Mapped[str] = mapped_column(String(120), default="")
    siret: Mapped[str | None] = mapped_column(String(14))
    logo_png: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]
    # A demonstration desk (passdesk.demo): its people and vouchers are invented; the window
    # and every printed page say so.
    demo: Mapped[bool] = mapped_column(default=False, server_default=false())


class Agent(Base):
    __tablename__ = "agent"

    id: Mapped[int] = mapped_column(primary_key=True)
    desk_id: Mapped[int] = mapped_column(ForeignKey("desk.id"))
    login: Mapped[str] = mapped_column(String(60), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[Role] = mapped_column(
        Enum(Role, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])
    )
    password_hash: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    # The lockout (passdesk.services.lockout), in the database so that the window and the
    # console share it: wrong passwords in a row, when the next try is allowed, and since when
    # the account is locked (until an administrator lifts it).
    failed_logins: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    retry_after: Mapped[datetime | None]
    locked_at: Mapped[datetime | None]


class AgentEvent(Base):
    """What happened to an account, by whom: kept apart from the stock journal, whose chain
    accounts for serials, and never deleted (an agent is disabled, not removed)."""

    __tablename__ = "agent_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agent.id"), index=True)
    by_agent_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))  # None: the system
    kind: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str] = mapped_column(String(60), default="")
    at: Mapped[datetime]


class Setting(Base):
    """One declared parameter's value (see passdesk.services.settings for the declarations)."""

    __tablename__ = "setting"
    __table_args__ = (UniqueConstraint("desk_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    desk_id: Mapped[int] = mapped_column(ForeignKey("desk.id"))
    key: Mapped[str] = mapped_column(String(80))
    value: Mapped[str] = mapped_column(Text)


class ReceiptCounter(Base):
    """Last receipt number issued per desk and year: numbers are gapless (2026-000123)."""

    __tablename__ = "receipt_counter"

    desk_id: Mapped[int] = mapped_column(ForeignKey("desk.id"), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(default=0)
