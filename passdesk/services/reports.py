"""Funders' reports: the figures of a period (one read transaction), the documents made from them
(PDF, XLSX, CSV, small cells hidden) and the pseudonymised individual-level export.

`compute` gives the raw figures (the window's preview and `report --json` stay inside the
desk); `record` publishes them (`report_tables`, `disclosure`); `write` hands that one record
to the PDF, XLSX or CSV writer, so the three documents always agree.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from passdesk.documents.report_csv import write_report_csv
from passdesk.documents.report_pdf import render_report
from passdesk.documents.report_record import ReportRecord
from passdesk.documents.report_xlsx import write_report_xlsx
from passdesk.errors import InvalidInput
from passdesk.i18n import _
from passdesk.models import Desk
from passdesk.roles import Action
from passdesk.services.base import Service, require
from passdesk.services.desk_details import desk_row
from passdesk.services.desks import several_desks
from passdesk.services.print_lines import desk_line
from passdesk.services.report_compute import FiguresBuilder
from passdesk.services.report_figures import ReportFigures, ReportQuery, funder_lines
from passdesk.services.report_scope import (
    DeskScope,
    csv_encoding,
    desk_scope,
    funder_name,
    sees_territory,
)
from passdesk.services.report_tables import build_record
from passdesk.services.rows import Actor, DeskRow
from passdesk.store import open_database

log = logging.getLogger(__name__)

FORMATS = ("pdf", "xlsx", "csv")


class ReportService(Service):
    def compute(self, actor: Actor, query: ReportQuery) -> ReportFigures:
        """The period's raw figures (nothing hidden: for the desk itself)."""
        require(actor, Action.VIEW_REPORTS)
        with self._db.read() as session:
            return self._figures(session, query, desk_scope(session, actor, query.desk))

    def desk_choices(self, actor: Actor) -> tuple[DeskRow, ...]:
        """The desks an agent may choose to report on, for the window's selector: every desk
        (theirs included), for an administrator of the coordination of a database of several
        desks; none otherwise, and the window shows no selector. The whole territory is
        report_figures.TERRITORY."""
        require(actor, Action.VIEW_REPORTS)
        with self._db.read() as session:
            if not several_desks(session) or not sees_territory(session, actor):
                return ()
            return tuple(desk_row(d) for d in session.scalars(select(Desk).order_by(Desk.id)))

    def _figures(self, session: Session, query: ReportQuery, scope: DeskScope) -> ReportFigures:
        builder = FiguresBuilder(session, query, self._today(), scope)
        programmes, people = builder.build()
        return ReportFigures(
            query=query,
            generated_at=self._now(),
            today=self._today(),
            desk=scope.name,
            programmes=tuple(programmes),
            funders=tuple(funder_lines(programmes, funder_name(session, query))),
            **people,  # type: ignore[arg-type]
        )

    def record(self, actor: Actor, query: ReportQuery) -> ReportRecord:
        """The report as it leaves the desk (small cells hidden), from one read transaction."""
        require(actor, Action.VIEW_REPORTS)
        with self._db.read() as session:
            scope = desk_scope(session, actor, query.desk)
            figures = self._figures(session, query, scope)
            desk = desk_line(session, scope.desk)
        return build_record(figures, desk)

    def write(
        self,
        actor: Actor,
        query: ReportQuery,
        kind: str,
        path: str | os.PathLike[str],
        *,
        encoding: str = "utf-8",
        progress: Callable[[int, int], None] | None = None,
        cancel: Callable[[], bool] | None = None,
    ) -> Path:
        """Write the report as a PDF, an XLSX workbook or a .zip of CSV files (one per
        table); all or nothing at `path`."""
        require(actor, Action.EXPORT_REPORTS)
        if kind not in FORMATS:
            raise InvalidInput(
                _("The format must be one of: {choices}.").format(choices=", ".join(FORMATS)),
                field="format",
            )
        codec = csv_encoding(encoding)
        if progress:
            progress(0, 2)
        record = self.record(actor, query)
        if progress:
            progress(1, 2)
        if kind == "pdf":
            render_report(record, path)
        elif kind == "xlsx":
            write_report_xlsx(record, path)
        else:
            write_report_csv(record, path, encoding=codec)
        if progress:
            progress(2, 2)
        log.info("agent %s wrote a %s report for %s to %s", actor.id, kind, query.start, query.end)
        return Path(path)


def report_job(
    database_url: str,
    actor: Actor,
    query: ReportQuery,
    kind: str | None,
    path: str | None,
    encoding: str = "utf-8",
    *,
    progress: Callable[[int, int], None] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> ReportRecord | Path | int:
    """A report in a process of its own (passdesk.jobs): its record (`kind` None, the
    window's preview), a document, or the pseudonymised export (`kind` "pseudonymised")."""
    from passdesk.services.pseudonymised import PseudonymisedExport

    db = open_database(database_url)
    db.desk_id = actor.desk_id  # the process works for the actor's desk, as the window did
    try:
        if kind is None:
            return ReportService(db).record(actor, query)
        assert path is not None
        if kind == "pseudonymised":
            return PseudonymisedExport(db).write(actor, query, path, encoding=encoding)
        return ReportService(db).write(
            actor, query, kind, path, encoding=encoding, progress=progress, cancel=cancel
        )
    finally:
        db.close()
