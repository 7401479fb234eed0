"""The register's tables, one aggregate per module; importing this registers them all."""

from passdesk.models.base import Base
from passdesk.models.beneficiary import Beneficiary, NameToken
from passdesk.models.closing import DailyClosing
from passdesk.models.desk import (
    Agent,
    AgentEvent,
    Desk,
    DeskKind,
    ReceiptCounter,
    Role,
    Setting,
)
from passdesk.models.handout import Handout, HandoutBooklet
from passdesk.models.ledger import EventKind, LedgerEvent, LedgerHead
from passdesk.models.place import Place
from passdesk.models.privacy import AccessEntry, ErasedPerson, NoticeVersion
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
from passdesk.models.transfer import Transfer
from passdesk.models.usage import FollowUpCall, UsageImport, UsageMapping, VoucherUse

__all__ = [
    "AccessEntry",
    "Agent",
    "AgentEvent",
    "Base",
    "Beneficiary",
    "Booklet",
    "BookletStatus",
    "DailyClosing",
    "Desk",
    "DeskKind",
    "ErasedPerson",
    "EventKind",
    "FollowUpCall",
    "Funder",
    "FunderShare",
    "Handout",
    "HandoutBooklet",
    "LedgerEvent",
    "LedgerHead",
    "LotKind",
    "NameToken",
    "NoticeVersion",
    "Place",
    "PrintRecord",
    "Programme",
    "ReceiptCounter",
    "Role",
    "SerialFormat",
    "Setting",
    "StockLot",
    "Transfer",
    "UsageImport",
    "UsageMapping",
    "VoidReason",
    "Voucher",
    "VoucherStatus",
    "VoucherUse",
]
