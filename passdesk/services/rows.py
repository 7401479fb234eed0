"""Plain rows the services return: frozen, detached from any session, safe to hand to a view."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from passdesk.roles import Role


@dataclass(frozen=True)
class Actor:
    """The agent on whose behalf an operation runs (the logged-in agent, or --agent)."""

    id: int
    login: str
    display_name: str
    role: Role
    desk_id: int  # the desk the agent works for


@dataclass(frozen=True)
class DeskRow:
    id: int
    name: str
    address: str
    postcode: str
    commune: str
    siret: str | None
    logo_png: bytes | None
    demo: bool = False  # a demonstration desk: invented data, marked on screen and on paper
    code: str = ""  # how the console names it (--desk, transfer --to)
    kind: str = "desk"  # or "coordination": receives the lots, transfers ranges to the desks


@dataclass(frozen=True)
class AgentRow:
    id: int
    login: str
    display_name: str
    role: Role
    active: bool
    has_password: bool
    locked: bool = False


@dataclass(frozen=True)
class AgentEventRow:
    """One line of an account's history (passdesk.services.accounts.EVENT_LABELS)."""

    at: datetime
    kind: str
    detail: str  # the role given, for "created" and "role"
    by_login: str | None  # None: PassDesk itself (a lock after wrong passwords)


@dataclass(frozen=True)
class FunderShareRow:
    funder: str
    percent: Decimal


@dataclass(frozen=True)
class ProgrammeRow:
    id: int
    code: str
    name: str
    face_value: Decimal
    vouchers_per_booklet: int
    valid_from: date
    valid_until: date
    limit_per_person: int | None
    target_groups: tuple[str, ...]
    shares: tuple[FunderShareRow, ...]
    priority_groups: tuple[str, ...] = ()
    priority_quota: Decimal | None = None  # percent of the vouchers, for the priority groups

    @property
    def booklet_value(self) -> Decimal:
        return self.face_value * self.vouchers_per_booklet


@dataclass(frozen=True)
class LotRow:
    id: int
    programme_code: str
    first_booklet: int
    last_booklet: int
    first_code: str
    last_code: str
    source: str
    received_at: datetime
    kind: str = "delivered"  # models.LotKind's value
    serial_format: str | None = None  # the operator serial format the lot declares
    first_serial: str | None = None  # the serials of its first and last vouchers
    last_serial: str | None = None

    @property
    def count(self) -> int:
        return self.last_booklet - self.first_booklet + 1


@dataclass(frozen=True)
class BookletRow:
    id: int
    programme_code: str
    number: int
    code: str
    status: str
    first_voucher_code: str
    last_voucher_code: str
    lot_id: int
    print_count: int


@dataclass(frozen=True)
class VoucherCounts:
    """Vouchers by status, and the face value still in stock: a booklet in stock may hold a
    voided voucher, so booklets alone overstate what the desk can hand out."""

    received: int = 0
    in_stock: int = 0
    handed_out: int = 0
    voided: int = 0
    expired: int = 0
    used: int = 0
    value_in_stock: Decimal = Decimal(0)

    @property
    def balanced(self) -> bool:
        return self.received == (
            self.in_stock + self.handed_out + self.voided + self.expired + self.used
        )


@dataclass(frozen=True)
class StockCounts:
    received: int
    in_stock: int
    handed_out: int
    voided: int
    expired: int
    vouchers: VoucherCounts = VoucherCounts()

    @property
    def balanced(self) -> bool:
        booklets = self.received == self.in_stock + self.handed_out + self.voided + self.expired
        return booklets and self.vouchers.balanced


@dataclass(frozen=True)
class BeneficiaryRow:
    id: int
    last_name: str
    first_name: str
    birth_date: date | None
    postcode: str
    commune: str
    phone: str
    email: str
    target_group: str
    diagnostic: tuple[str, ...]
    consent: bool
    contact_consent: bool = False

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True)
class HandoutBookletRow:
    booklet_id: int
    booklet_code: str
    programme_code: str
    programme_name: str
    first_voucher_code: str
    last_voucher_code: str
    voucher_count: int  # the vouchers given: the booklet's, less those voided before
    value: Decimal
    status: str
    excluded: tuple[str, ...] = ()  # its vouchers voided before the handout, not given


@dataclass(frozen=True)
class HandoutRow:
    id: int
    receipt_number: str
    created_at: datetime
    beneficiary_id: int
    agent_id: int
    agent_name: str
    booklets: tuple[HandoutBookletRow, ...]
    override_reason: str | None
    cancelled_at: datetime | None
    cancel_reason: str | None

    @property
    def total_value(self) -> Decimal:
        return sum((b.value for b in self.booklets), Decimal("0"))

    @property
    def cancelled(self) -> bool:
        return self.cancelled_at is not None


@dataclass(frozen=True)
class Entitlement:
    """What a person may still receive from one programme."""

    programme_code: str
    programme_name: str
    received: int
    limit: int | None

    @property
    def remaining(self) -> int | None:
        return None if self.limit is None else max(self.limit - self.received, 0)


@dataclass(frozen=True)
class BookletCheck:
    """A scanned booklet, checked for a handout to one person, before anything is written."""

    booklet: BookletRow
    programme: ProgrammeRow
    needs_override: bool  # the person's limit is reached: a supervisor may override
    message: str | None
    excluded: tuple[str, ...] = ()  # its voided vouchers, left out of the handout
    received: int = 0  # booklets of its programme the person has already received


@dataclass(frozen=True)
class LookupResult:
    kind: str  # "voucher" or "booklet"
    code: str
    status: str
    programme_code: str
    programme_name: str
    booklet_code: str
    booklet_status: str
    first_voucher_code: str
    last_voucher_code: str
    face_value: Decimal
    valid_until: date
    receipt_number: str | None
    handed_out_at: datetime | None
    beneficiary_id: int | None
    beneficiary_name: str | None
    holder_desk: str | None = None  # "Name (CODE)" when another desk holds the booklet


@dataclass(frozen=True)
class PlaceRow:
    id: int
    name: str
    address: str
    postcode: str
    commune: str
    phone: str
    email: str
    website: str
    opening_hours: str
    services: tuple[str, ...]
    active: bool
    # From the open-data import (hand-typed places have none of these).
    external_id: str | None = None
    siret: str = ""
    latitude: float | None = None
    longitude: float | None = None
    access: tuple[str, ...] = ()
    booking_url: str = ""


@dataclass(frozen=True)
class LedgerReport:
    events_checked: int
    first_bad_event: int | None
    problem: str | None
    anchor_event: int | None = None  # the event whose hash `check --anchor` was given

    @property
    def ok(self) -> bool:
        return self.first_bad_event is None and self.problem is None
