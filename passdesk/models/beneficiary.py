"""Beneficiaries (the people served) and the name words that make search-as-you-type fast."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from passdesk.models.base import Base


class Beneficiary(Base):
    __tablename__ = "beneficiary"
    __table_args__ = (Index("ix_beneficiary_name_key_birth", "name_key", "birth_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    last_name: Mapped[str] = mapped_column(String(120))
    first_name: Mapped[str] = mapped_column(String(120))
    birth_date: Mapped[date | None] = mapped_column(index=True)
    # "helene ndiaye": accents, case, hyphens and apostrophes folded; what search compares.
    search_name: Mapped[str] = mapped_column(String(250))
    # "ndiaye|helene": last then first name, folded; what duplicate detection compares.
    name_key: Mapped[str] = mapped_column(String(250))
    postcode: Mapped[str] = mapped_column(String(10), default="")
    commune: Mapped[str] = mapped_column(String(120), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    target_group: Mapped[str] = mapped_column(String(60), default="")
    diagnostic: Mapped[list[str]] = mapped_column(JSON, default=list)
    consent_at: Mapped[datetime | None]
    # Agreed to be called about their vouchers (the follow-up list shows their phone).
    contact_consent: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]
    created_by: Mapped[int] = mapped_column(ForeignKey("agent.id"))
    # The desk that registered the person (who sees them depends on the `people_shared`
    # setting of the territory).
    desk_id: Mapped[int] = mapped_column(ForeignKey("desk.id"), index=True)
    updated_at: Mapped[datetime | None]
    # The information notice: the version last shown to them (registration, a receipt, the
    # notice printed), and the version their consent was given under.
    notice_version_id: Mapped[int | None] = mapped_column(ForeignKey("notice_version.id"))
    notice_shown_at: Mapped[datetime | None]
    consent_notice_version_id: Mapped[int | None] = mapped_column(ForeignKey("notice_version.id"))
    # Set when the person's identity was erased (passdesk.models.privacy.ErasedPerson).
    erased_at: Mapped[datetime | None]


class NameToken(Base):
    """One folded word of a beneficiary's name; prefix ranges on it are index seeks."""

    __tablename__ = "name_token"

    __table_args__ = (
        # Covering: the "other words" check of a search reads no table row.
        Index("ix_name_token_beneficiary_token", "beneficiary_id", "token"),
    )

    # Compared byte by byte on every database: search walks prefix ranges ["martinez",
    # "martine{"), which a linguistic collation (a French ICU one sorts "{" before "z") would
    # leave empty. SQLite compares bytes already; PostgreSQL is told "C".
    token: Mapped[str] = mapped_column(
        String(120).with_variant(String(120, collation="C"), "postgresql"), primary_key=True
    )
    beneficiary_id: Mapped[int] = mapped_column(
        ForeignKey("beneficiary.id", ondelete="CASCADE"), primary_key=True
    )
