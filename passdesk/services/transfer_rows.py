"""The rows of a territory's stock movements (issue 13): transfers between desks, and what each
desk holds. Apart from rows.py so that the territory's screens import only what they show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class TransferRow:
    """One range of booklets given by a desk to another, as the Transfers page lists it."""

    id: int
    at: datetime
    programme_code: str
    from_code: str  # the desks' codes (VAULX)
    to_code: str
    first_code: str  # the first and last booklets' codes
    last_code: str
    count: int
    agent_login: str


@dataclass(frozen=True)
class HoldingRow:
    """How many booklets of a programme a desk holds in stock."""

    desk_code: str
    desk_name: str
    programme_code: str
    in_stock: int
