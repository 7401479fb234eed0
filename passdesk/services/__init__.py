"""What the desk does, in plain Python: one transaction per operation, plain rows back.

`Services` is built once by the composition root (app.py or cli.py) and handed to whoever
needs it; nothing here knows about Qt.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from passdesk.services import receipt_marks
from passdesk.services.access_log import AccessLogService
from passdesk.services.accounts import AccountService
from passdesk.services.backup_restore import RestoreService
from passdesk.services.backups import BackupService
from passdesk.services.base import Clock, system_clock
from passdesk.services.beneficiaries import BeneficiaryService
from passdesk.services.blocked_list import BlockedListService
from passdesk.services.booklet_history import BookletHistoryService
from passdesk.services.booklet_printing import BookletPrintService
from passdesk.services.closing import ClosingService
from passdesk.services.dashboard import DashboardService
from passdesk.services.desks import DeskService
from passdesk.services.erasure import ErasureService
from passdesk.services.expiry import ExpiryService
from passdesk.services.followup import FollowUpService
from passdesk.services.handouts import HandoutService
from passdesk.services.ledger import LedgerService
from passdesk.services.lookup import LookupService
from passdesk.services.orientation import OrientationService
from passdesk.services.person_export import PersonExportService
from passdesk.services.place_import import PlaceImportService
from passdesk.services.places import PlaceService
from passdesk.services.privacy_notice import NoticeService
from passdesk.services.programmes import ProgrammeService
from passdesk.services.pseudonymised import PseudonymisedExport
from passdesk.services.receipts import ReceiptService
from passdesk.services.regie import RegieService
from passdesk.services.reports import ReportService
from passdesk.services.rows import Actor
from passdesk.services.serial_formats import SerialFormatService
from passdesk.services.settings import SettingsService
from passdesk.services.stock import StockService
from passdesk.services.transfers import TransferService
from passdesk.services.usage_import import UsageImportService
from passdesk.store import Database, open_database


@dataclass(frozen=True)
class Services:
    db: Database
    accounts: AccountService
    programmes: ProgrammeService
    stock: StockService
    beneficiaries: BeneficiaryService
    handouts: HandoutService
    lookup: LookupService
    ledger: LedgerService
    places: PlaceService
    settings: SettingsService
    receipts: ReceiptService
    booklet_printing: BookletPrintService
    place_import: PlaceImportService
    usage: UsageImportService
    followup: FollowUpService
    orientation: OrientationService
    regie: RegieService
    closing: ClosingService
    reports: ReportService
    pseudonymised: PseudonymisedExport
    dashboard: DashboardService
    serial_formats: SerialFormatService
    expiry: ExpiryService
    blocked_list: BlockedListService
    backups: BackupService
    restore: RestoreService
    notice: NoticeService
    access_log: AccessLogService
    erasure: ErasureService
    person_export: PersonExportService
    booklet_history: BookletHistoryService
    desks: DeskService
    transfers: TransferService

    @classmethod
    def build(cls, db: Database, clock: Clock = system_clock) -> Services:
        places = PlaceService(db, clock)
        settings = SettingsService(db, clock)
        backups = BackupService(db, clock, settings=settings)
        booklet_printing = BookletPrintService(db, clock, places=places, settings=settings)
        return cls(
            db=db,
            accounts=AccountService(db, clock),
            programmes=ProgrammeService(db, clock),
            stock=StockService(db, clock),
            beneficiaries=BeneficiaryService(db, clock),
            handouts=HandoutService(db, clock),
            lookup=LookupService(db, clock),
            ledger=LedgerService(db, clock),
            places=places,
            settings=settings,
            receipts=ReceiptService(db, clock, places=places, settings=settings),
            booklet_printing=booklet_printing,
            place_import=PlaceImportService(db, clock, settings=settings),
            usage=UsageImportService(db, clock),
            followup=FollowUpService(db, clock, settings=settings),
            orientation=OrientationService(db, clock, places=places, settings=settings),
            regie=RegieService(db, clock),
            closing=ClosingService(db, clock),
            reports=ReportService(db, clock),
            pseudonymised=PseudonymisedExport(db, clock),
            dashboard=DashboardService(db, clock),
            serial_formats=SerialFormatService(db, clock),
            expiry=ExpiryService(db, clock),
            blocked_list=BlockedListService(db, clock),
            backups=backups,
            restore=RestoreService(db, clock, backups_=backups),
            notice=NoticeService(db, clock),
            access_log=AccessLogService(db, clock),
            erasure=ErasureService(db, clock),
            person_export=PersonExportService(db, clock),
            booklet_history=BookletHistoryService(db, clock, printing=booklet_printing),
            desks=DeskService(db, clock),
            transfers=TransferService(db, clock),
        )

    def act_as(self, actor: Actor) -> Actor:
        """From now on the process works for the agent's desk (a database may hold several):
        what it reads without an agent (settings, stock, the desk's identity) is that desk's."""
        self.db.desk_id = actor.desk_id
        return actor

    def close(self) -> None:
        self.db.close()


def open_services(
    database: str | os.PathLike[str] | None = None, *, clock: Clock = system_clock
) -> Services:
    db = open_database(database)
    receipt_marks.apply_marks(db)
    return Services.build(db, clock)
