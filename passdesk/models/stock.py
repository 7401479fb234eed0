"""Stock: lots received, booklets and their vouchers, each with a status."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, Enum, ForeignKey, Index, String, Text, UniqueConstraint, text
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


class LotKind(enum.StrEnum):
    """How a lot's booklets come to exist on paper, which decides how they may be printed.

    DELIVERED booklets arrive printed (by an operator or a printer): any print of one is a
    reprint, marked DUPLICATA, with a reason. PRINT_ON_SITE booklets are a range the desk prints
    itself: each must be printed once before it may be handed out.
    """

    DELIVERED = "delivered"
    PRINT_ON_SITE = "print_on_site"


class StockLot(Base):
    __tablename__ = "stock_lot"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id"))
    first_booklet: Mapped[int]
    last_booklet: Mapped[int]
    source: Mapped[str] = mapped_column(Text, default="")
    received_at: Mapped[datetime]
    received_by: Mapped[int] = mapped_column(ForeignKey("agent.id"))
    # The server default is what the upgrade to schema 0006 gave the lots received before it
    # (see that revision); PassDesk itself always says which kind a lot is.
    kind: Mapped[LotKind] = mapped_column(_enum(LotKind), server_default=LotKind.DELIVERED.value)
    # A delivered lot printed with its operator's serials: the format, and the running number
    # of the lot's first voucher (the others follow in booklet then voucher order).
    serial_format_id: Mapped[int | None] = mapped_column(ForeignKey("serial_format.id"))
    first_serial: Mapped[int | None] = mapped_column(BigInteger)


class Booklet(Base):
    __tablename__ = "booklet"
    __table_args__ = (
        UniqueConstraint("programme_id", "number"),
        # The next booklet in stock of a programme at a desk, in number order.
        Index(
            "ix_booklet_programme_status_desk_number", "programme_id", "status", "desk_id", "number"
        ),
        # The stock page sorts 100,000 booklets by number or status, a page at a time.
        Index("ix_booklet_number", "number"),
        Index("ix_booklet_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id"))
    lot_id: Mapped[int] = mapped_column(ForeignKey("stock_lot.id"))
    # The desk that holds it: the one that received its lot, until a transfer moves it.
    desk_id: Mapped[int] = mapped_column(ForeignKey("desk.id"))
    number: Mapped[int]
    code: Mapped[str] = mapped_column(String(20), unique=True)
    status: Mapped[BookletStatus] = mapped_column(_enum(BookletStatus))
    void_reason: Mapped[VoidReason | None] = mapped_column(_enum(VoidReason))
    print_count: Mapped[int] = mapped_column(default=0)


# The vouchers whose status may differ from their booklet's (voided or used on their own):
# stock counts read booklets and correct them with these, instead of a million voucher rows.
VOUCHERS_APART = "status IN ('voided', 'used')"


class Voucher(Base):
    __tablename__ = "voucher"
    __table_args__ = (
        Index(
            "ix_voucher_status_apart",
            "status",
            sqlite_where=text(VOUCHERS_APART),
            postgresql_where=text(VOUCHERS_APART),
        ),
    )

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
