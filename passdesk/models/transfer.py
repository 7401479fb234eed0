"""Transfers: a range of booklets moved from one desk of a territory to another."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from passdesk.models.base import Base


class Transfer(Base):
    """One contiguous range of one programme's booklets, given by a desk (usually the
    coordination, which receives the lots) to another. The journal holds the movement twice,
    an event on each side; this row ties the two together for the screens and `check`."""

    __tablename__ = "transfer"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    agent_id: Mapped[int] = mapped_column(ForeignKey("agent.id"))
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id"))
    from_desk_id: Mapped[int] = mapped_column(ForeignKey("desk.id"), index=True)
    to_desk_id: Mapped[int] = mapped_column(ForeignKey("desk.id"), index=True)
    first_booklet: Mapped[int]
    last_booklet: Mapped[int]
    count: Mapped[int]
    out_event_id: Mapped[int] = mapped_column(ForeignKey("ledger_event.id"))
    in_event_id: Mapped[int] = mapped_column(ForeignKey("ledger_event.id"))
