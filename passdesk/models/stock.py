"""Stock: lots received, booklets and their vouchers, each with a status."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from passdesk.models.base import Base


def _enum(cls: type[enum.Enum]) -> Enum:
    return Enum(cls, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


class BookletStatus(enum.StrEnum):
    IN_STOCK = "in_stock"
    HANDED_OUT = "handed_out"
    VOIDED = "voided"
    EXPIRED = "expired"


class VoucherStatus(enum.StrEnum):
    IN_STOCK = "in_stock"
    HANDED_OUT = "handed_out"
    USED = "used"
    VOIDED = "voided"
    EXPIRED = "expired"


class VoidReason(enum.StrEnum):
    LOST = "lost"
    STOLEN = "stolen"
    DAMAGED = "damaged"
    MISPRINT = "misprint"
    CANCELLED_HANDOUT = "cancelled_handout"


class StockLot(Base):
    __tablename__ = "stock_lot"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id"))
    first_booklet: Mapped[int]
    last_booklet: Mapped[int]
    source: Mapped[str] = mapped_column(Text, default="")
    received_at: Mapped[datetime]
    received_by: Mapped[int] = mapped_column(ForeignKey("agent.id"))


class Booklet(Base):
    __tablename__ = "booklet"
    __table_args__ = (
        UniqueConstraint("programme_id", "number"),
        Index("ix_booklet_programme_status_number", "programme_id", "status", "number"),
        # The stock page sorts 100,000 booklets by number or status, a page at a time.
        Index("ix_booklet_number", "number"),
        Index("ix_booklet_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id"))
    lot_id: Mapped[int] = mapped_column(ForeignKey("stock_lot.id"))
    number: Mapped[int]
    code: Mapped[str] = mapped_column(String(20), unique=True)
    status: Mapped[BookletStatus] = mapped_column(_enum(BookletStatus))
    void_reason: Mapped[VoidReason | None] = mapped_column(_enum(VoidReason))
    print_count: Mapped[int] = mapped_column(default=0)


class Voucher(Base):
    __tablename__ = "voucher"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id"))
    booklet_id: Mapped[int] = mapped_column(ForeignKey("booklet.id"), index=True)
    number: Mapped[int]
    code: Mapped[str] = mapped_column(String(20), unique=True)
    status: Mapped[VoucherStatus] = mapped_column(_enum(VoucherStatus))
    void_reason: Mapped[VoidReason | None] = mapped_column(_enum(VoidReason))
    used_at: Mapped[datetime | None]


class PrintRecord(Base):
    """One printing of one booklet: who, when, first print or reprint and why."""

    __tablename__ = "print_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    booklet_id: Mapped[int] = mapped_column(ForeignKey("booklet.id"), index=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agent.id"))
    printed_at: Mapped[datetime]
    reprint: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str | None] = mapped_column(Text)
    first_code: Mapped[str] = mapped_column(String(20))
    last_code: Mapped[str] = mapped_column(String(20))
