"""What the operator reports back: vouchers used at places, the files that said so, and the
follow-up calls to people who never went."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from passdesk.models.base import Base


class UsageImport(Base):
    """One usage file imported: its SHA-256 (a second import of it adds nothing), and counts."""

    __tablename__ = "usage_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    file_hash: Mapped[str] = mapped_column(String(64), unique=True)
    file_name: Mapped[str] = mapped_column(String(260))
    imported_at: Mapped[datetime]
    agent_id: Mapped[int] = mapped_column(ForeignKey("agent.id"))
    mapping_name: Mapped[str | None] = mapped_column(String(60))
    rows: Mapped[int] = mapped_column(default=0)
    applied: Mapped[int] = mapped_column(default=0)
    # Anomalies by kind, e.g. {"unknown_code": 3}: the rows themselves go to the CSV export.
    anomalies: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)


class VoucherUse(Base):
    """Where and when one voucher was spent, and the file row that said so (its hash tells a
    row imported again from another file from a second use of the voucher)."""

    __tablename__ = "voucher_use"

    voucher_id: Mapped[int] = mapped_column(ForeignKey("voucher.id"), primary_key=True)
    used_at: Mapped[datetime]
    place_id: Mapped[int | None] = mapped_column(ForeignKey("place.id"), index=True)
    amount: Mapped[Decimal]
    import_id: Mapped[int] = mapped_column(ForeignKey("usage_import.id"), index=True)
    row_hash: Mapped[str] = mapped_column(String(32))


class UsageMapping(Base):
    """A named column mapping of an operator's usage file, chosen once and reused by name."""

    __tablename__ = "usage_mapping"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    # Our field ("code", "date", "place", "amount") -> the file's column header.
    columns: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime]
    created_by: Mapped[int] = mapped_column(ForeignKey("agent.id"))


class FollowUpCall(Base):
    """A call to a person who had not used their vouchers: when, by whom, what came of it."""

    __tablename__ = "follow_up_call"

    id: Mapped[int] = mapped_column(primary_key=True)
    beneficiary_id: Mapped[int] = mapped_column(ForeignKey("beneficiary.id"), index=True)
    called_at: Mapped[datetime]
    agent_id: Mapped[int] = mapped_column(ForeignKey("agent.id"))
    outcome: Mapped[str] = mapped_column(String(30))
    note: Mapped[str] = mapped_column(Text, default="", info={"max_length": 2000})
