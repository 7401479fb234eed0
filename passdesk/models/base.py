"""Declarative base, naming convention (stable constraint names for Alembic) and shared types."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import DateTime, MetaData, Numeric, TypeDecorator
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Timestamps stored as naive UTC, returned timezone-aware, identically on SQLite and PG."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None else None


Money = Numeric(12, 2, asdecimal=True)
Percent = Numeric(5, 2, asdecimal=True)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {Decimal: Money, datetime: UTCDateTime}


def max_length(attribute: Any) -> int:
    """How many characters a text column holds: its String(n), else the `max_length` its
    mapping declares in `info` (a Text column that still has a limit). SQLite enforces
    neither, so the services check text against this before writing (passdesk.text)."""
    column = attribute.property.columns[0]
    length = getattr(column.type, "length", None) or column.info.get("max_length")
    if not length:
        raise AssertionError(f"{attribute} declares no length")
    return int(length)
