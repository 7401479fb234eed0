"""The register's tables, one aggregate per module; importing this registers them all."""

from passdesk.models.base import Base
from passdesk.models.beneficiary import Beneficiary, NameToken
from passdesk.models.desk import Agent, Desk, ReceiptCounter, Role, Setting
from passdesk.models.handout import Handout, HandoutBooklet
from passdesk.models.ledger import EventKind, LedgerEvent, LedgerHead
from passdesk.models.place import Place
from passdesk.models.programme import Funder, FunderShare, Programme
from passdesk.models.serial_format import SerialFormat
from passdesk.models.stock import (
    Booklet,
    BookletStatus,
    LotKind,
    PrintRecord,
    StockLot,
    VoidReason,
    Voucher,
    VoucherStatus,
)

__all__ = [
    "Agent",
    "Base",
    "Beneficiary",
    "Booklet",
    "BookletStatus",
    "Desk",
    "EventKind",
    "Funder",
    "FunderShare",
    "Handout",
    "HandoutBooklet",
    "LedgerEvent",
    "LedgerHead",
    "LotKind",
    "NameToken",
    "Place",
    "PrintRecord",
    "Programme",
    "ReceiptCounter",
    "Role",
    "SerialFormat",
    "Setting",
    "StockLot",
    "VoidReason",
    "Voucher",
    "VoucherStatus",
]
