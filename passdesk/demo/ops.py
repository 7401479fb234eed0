"""The operations a demonstration year is made of: what the planner lists and the writers write.

Each one is a service call with its arguments and the moment the clock shows: the writer
through the services makes exactly that call; the bulk writer derives the same rows from it.
Ids are those an empty database gives (the n-th registration is beneficiary n + 1).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from passdesk.demo.scales import LotSpec
from passdesk.services.beneficiaries import BeneficiaryInput

# (step shown to the person waiting, done, total)
Progress = Callable[[str, int, int], None]

BookletRef = tuple[str, int]  # (programme code, booklet number)


@dataclass(frozen=True, slots=True)
class Receive:
    """StockService.receive of one of the scale's lots."""

    at: datetime
    login: str
    lot: LotSpec


@dataclass(frozen=True, slots=True)
class Register:
    """BeneficiaryService.register, duplicates allowed (two namesakes may share a birth date)."""

    at: datetime
    login: str
    person: int  # 0-based: the beneficiary's id is person + 1
    data: BeneficiaryInput


@dataclass(frozen=True, slots=True)
class HandOut:
    """HandoutService.hand_out of these booklets to the person."""

    at: datetime
    login: str
    handout: int  # 0-based: the handout's id is handout + 1
    person: int
    booklets: tuple[BookletRef, ...]
    override: str | None


@dataclass(frozen=True, slots=True)
class Cancel:
    """HandoutService.cancel."""

    at: datetime
    login: str
    handout: int
    reason: str
    returned: bool | None = None  # did the booklets come back intact (a later day must say)


@dataclass(frozen=True, slots=True)
class VoidBooklet:
    """StockService.void of a booklet."""

    at: datetime
    login: str
    booklet: BookletRef
    reason: str


@dataclass(frozen=True, slots=True)
class VoidVoucher:
    """StockService.void of one voucher of a booklet."""

    at: datetime
    login: str
    booklet: BookletRef
    voucher: int  # the voucher's number in the programme
    reason: str


Op = Receive | Register | HandOut | Cancel | VoidBooklet | VoidVoucher
