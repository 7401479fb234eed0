"""Handouts: booklets given to a beneficiary, with a gapless receipt number."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from passdesk.models.base import Base


class Handout(Base):
    __tablename__ = "handout"
    # Each desk has its own series (2026-000001 ...), so a number is unique within a desk.
    __table_args__ = (UniqueConstraint("desk_id", "receipt_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    desk_id: Mapped[int] = mapped_column(ForeignKey("desk.id"))
    beneficiary_id: Mapped[int] = mapped_column(ForeignKey("beneficiary.id"), index=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agent.id"))
    created_at: Mapped[datetime]
    receipt_number: Mapped[str] = mapped_column(String(20))
    # Free text that reaches the receipt: at most 500 characters (checked by the service).
    override_reason: Mapped[str | None] = mapped_column(Text, info={"max_length": 500})
    cancelled_at: Mapped[datetime | None]
    cancelled_by: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))
    cancel_reason: Mapped[str | None] = mapped_column(Text, info={"max_length": 500})


class HandoutBooklet(Base):
    """Which booklets a handout gave; kept after a cancellation, for the history."""

    __tablename__ = "handout_booklet"

    handout_id: Mapped[int] = mapped_column(ForeignKey("handout.id"), primary_key=True)
    booklet_id: Mapped[int] = mapped_column(ForeignKey("booklet.id"), primary_key=True, index=True)
