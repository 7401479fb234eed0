"""Qualified places (lieux de médiation numérique) where vouchers are spent."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from passdesk.models.base import Base


class Place(Base):
    __tablename__ = "place"
    # The open data's `id`: a re-import updates the place it names (hand-typed places: None).
    __table_args__ = (Index("ix_place_external_id", "external_id", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(100))
    siret: Mapped[str] = mapped_column(String(14), default="")
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(Text, default="")
    postcode: Mapped[str] = mapped_column(String(10), default="", index=True)
    commune: Mapped[str] = mapped_column(String(120), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    opening_hours: Mapped[str] = mapped_column(Text, default="")
    services: Mapped[list[str]] = mapped_column(JSON, default=list)
    latitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    longitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    active: Mapped[bool] = mapped_column(default=True)
    # How to get help there: the standard's access modes ("Se présenter", "Téléphoner"...) and
    # an online booking address.
    access: Mapped[list[str]] = mapped_column(JSON, default=list)
    booking_url: Mapped[str] = mapped_column(String(300), default="")
    # Set when an import no longer lists an imported place (it is then inactive); cleared when
    # it comes back. A place a supervisor made inactive by hand has none and stays inactive.
    gone_at: Mapped[datetime | None]
