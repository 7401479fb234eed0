"""The daily closings: what the agent counted in the safe against the register, kept for good.

A closing is never changed once written: its journal event (kind CLOSED) holds the same facts and
the hash printed on its sheet anchors the chain. A second closing of the same day is a
correction; it points at the day's first closing.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from passdesk.models.base import Base


class DailyClosing(Base):
    __tablename__ = "daily_closing"

    id: Mapped[int] = mapped_column(primary_key=True)
    desk_id: Mapped[int] = mapped_column(ForeignKey("desk.id"))
    day: Mapped[date] = mapped_column(index=True)  # the desk's calendar day that was closed
    closed_at: Mapped[datetime]
    agent_id: Mapped[int] = mapped_column(ForeignKey("agent.id"))
    mode: Mapped[str] = mapped_column(String(10))  # "scanned" or "counted"
    # Per programme code: booklets in stock in the register and booklets counted.
    counts: Mapped[dict[str, Any]] = mapped_column(JSON)
    # Serials by kind of difference: missing, not_in_stock (with their status), unknown.
    differences: Mapped[dict[str, Any]] = mapped_column(JSON)
    explanation: Mapped[str] = mapped_column(Text, default="")
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("daily_closing.id"))
    event_id: Mapped[int] = mapped_column(ForeignKey("ledger_event.id"))
    head_hash: Mapped[str] = mapped_column(String(64))  # the journal's head after the event
