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
