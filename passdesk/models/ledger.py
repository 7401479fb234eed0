"""The append-only journal of stock movements, chained by SHA-256 so tampering shows."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from passdesk.models.base import Base


class EventKind(enum.StrEnum):
    RECEIVED = "received"
    HANDED_OUT = "handed_out"
    CANCELLED = "cancelled"
    RETURNED = "returned"
    VOIDED = "voided"
    PRINTED = "printed"
    REPRINTED = "reprinted"
    USED = "used"
    EXPIRED = "expired"
    CLOSED = "closed"  # a daily closing: the safe counted against the register
    # Changes outside the stock, so that the journal covers every change (issue 9). Their
    # details never hold free text: a reason or a typed value is kept as its SHA-256.
    DESK_CREATED = "desk_created"
    DESK_CHANGED = "desk_changed"
    AGENT_ADDED = "agent_added"
    AGENT_CHANGED = "agent_changed"
    SETTING_CHANGED = "setting_changed"
    PROGRAMME_CREATED = "programme_created"
    PROGRAMME_CHANGED = "programme_changed"
    SERIAL_FORMAT_ADDED = "serial_format_added"
    RECEIPT_PRINTED = "receipt_printed"
    # Several desks in one database (issue 13): a range of booklets moved from one desk to
    # another, one event for each side (the pair is in the `transfer` table).
    TRANSFERRED_OUT = "transferred_out"
    TRANSFERRED_IN = "transferred_in"


class LedgerEvent(Base):
    __tablename__ = "ledger_event"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    at: Mapped[datetime]
    agent_id: Mapped[int] = mapped_column(ForeignKey("agent.id"))
    kind: Mapped[str] = mapped_column(String(20))
    programme_id: Mapped[int | None] = mapped_column(ForeignKey("programme.id"))
    booklet_id: Mapped[int | None] = mapped_column(ForeignKey("booklet.id"), index=True)
    voucher_id: Mapped[int | None] = mapped_column(ForeignKey("voucher.id"))
    handout_id: Mapped[int | None] = mapped_column(ForeignKey("handout.id"))
    # Canonical JSON of what moved (codes, ranges, reasons): never personal data.
    details: Mapped[str] = mapped_column(Text, default="{}")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class LedgerHead(Base):
    """The single row that holds the chain's tip; locking it serialises appends on PostgreSQL."""

    __tablename__ = "ledger_head"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_id: Mapped[int] = mapped_column(default=0)
    last_hash: Mapped[str] = mapped_column(String(64))
