"""Funders and the programmes they pay for (face value, booklet size, validity, shares)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from passdesk.models.base import Base, Percent


class Funder(Base):
    __tablename__ = "funder"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    # Hex of the secret that keys this funder's pseudonyms (HMAC-SHA256) in individual-level
    # exports; made at the first such export, never shown or exported itself.
    pseudonym_key: Mapped[str | None] = mapped_column(String(64))


class Programme(Base):
    __tablename__ = "programme"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(8), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    face_value: Mapped[Decimal]
    vouchers_per_booklet: Mapped[int]
    valid_from: Mapped[date]
    valid_until: Mapped[date]
    limit_per_person: Mapped[int | None]
    target_groups: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Which target groups are priority, and the share of vouchers (percent) the programme must
    # hand out to them (the 2020 call asked 50); None when no quota was set.
    priority_groups: Mapped[list[str]] = mapped_column(JSON, default=list)
    priority_quota: Mapped[Decimal | None] = mapped_column(Percent)

    shares: Mapped[list[FunderShare]] = relationship(
        back_populates="programme", cascade="all, delete-orphan", order_by="FunderShare.id"
    )


class FunderShare(Base):
    __tablename__ = "funder_share"
    __table_args__ = (UniqueConstraint("programme_id", "funder_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id"))
    funder_id: Mapped[int] = mapped_column(ForeignKey("funder.id"))
    percent: Mapped[Decimal] = mapped_column(Percent)

    programme: Mapped[Programme] = relationship(back_populates="shares")
    funder: Mapped[Funder] = relationship()
