"""The person's data from consent to erasure: the information notice's versions, the log of
who accessed a person's data, and what is left of an erased person."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from passdesk.models.base import Base


class NoticeVersion(Base):
    """One text of the information notice, as printed; a new row whenever the text changes
    (settings, the desk's details, the language), so that what a person was shown, and what
    their consent covered, can be printed again word for word. `id` is the version number."""

    __tablename__ = "notice_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    text_hash: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 of the text
    language: Mapped[str] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


class AccessEntry(Base):
    """Who opened, printed, exported or erased a person's data, and when: numbers only (the
    CNIL recommends logging access to social data; the log itself must not become a copy of
    them). Kept six months (passdesk.services.access_log)."""

    __tablename__ = "access_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))  # None: PassDesk itself
    beneficiary_id: Mapped[int] = mapped_column(ForeignKey("beneficiary.id"), index=True)
    action: Mapped[str] = mapped_column(String(20))
    # A handout number, a file format or a notice version: never free text.
    detail: Mapped[str] = mapped_column(String(20), default="")


class ErasedPerson(Base):
    """An erased person (on request, or by the retention purge): when, by whom, why, and the
    categories the funders' aggregate figures count them in, so that a report computed after
    the erasure gives the figures it gave before. None of it names anyone: no name, birth date
    or contact; the age band on each day they received booklets, not the birth date."""

    __tablename__ = "erased_person"

    beneficiary_id: Mapped[int] = mapped_column(ForeignKey("beneficiary.id"), primary_key=True)
    erased_at: Mapped[datetime]
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))  # None: the purge
    reason: Mapped[str] = mapped_column(String(200), default="")
    # As the reports group them (report_compute): commune by postcode and name, the target
    # group and needs keys, and [[first day, age band], ...] where the band changes.
    postcode: Mapped[str] = mapped_column(String(10), default="")
    commune: Mapped[str] = mapped_column(String(120), default="")
    target_group: Mapped[str] = mapped_column(String(60), default="")
    needs: Mapped[list[str]] = mapped_column(JSON, default=list)
    age_bands: Mapped[list[list[str]]] = mapped_column(JSON, default=list)
