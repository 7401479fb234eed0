"""Operator serial formats a delivered lot may declare (see passdesk.serials for the rules)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from passdesk.models.base import Base


class SerialFormat(Base):
    """Declared once by an admin, never changed: lots and the journal name it."""

    __tablename__ = "serial_format"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(20), unique=True)
    prefix: Mapped[str] = mapped_column(String(10))
    digits: Mapped[int]
    check_scheme: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime]
    created_by: Mapped[int] = mapped_column(ForeignKey("agent.id"))
