"""Thin Qt table models over the rows the services return (search results, past handouts)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from passdesk.formatting import format_date, format_money
from passdesk.i18n import N_, _
from passdesk.services.base import local_date
from passdesk.services.rows import BeneficiaryRow, HandoutRow

Index = QModelIndex | QPersistentModelIndex


def short_date(value: date | datetime | None) -> str:
    """DD/MM/YYYY; a stored moment (UTC) is shown on the desk's calendar day."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = local_date(value)
    return format_date(value)


class _RowsModel(QAbstractTableModel):
    """Rows in, one string per cell out; `row_at` gives the plain row back."""

    headers: tuple[str, ...] = ()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> Any:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.headers)

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,  # noqa: N802
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self.headers)
        ):
            return _(self.headers[section])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self.cell(self._rows[index.row()], index.column())
        return None

    def cell(self, row: Any, column: int) -> str:
        raise NotImplementedError


class SearchResultsModel(_RowsModel):
    headers = (N_("Name"), N_("Birth date"), N_("Commune"))

    def cell(self, row: BeneficiaryRow, column: int) -> str:
        if column == 0:
            return f"{row.last_name.upper()} {row.first_name}"
        if column == 1:
            return short_date(row.birth_date)
        return " ".join(p for p in (row.postcode, row.commune) if p)


class HandoutsModel(_RowsModel):
    headers = (N_("Receipt"), N_("Date"), N_("Booklets"), N_("Value"), N_("Status"))

    def cell(self, row: HandoutRow, column: int) -> str:
        if column == 0:
            return row.receipt_number
        if column == 1:
            return short_date(row.created_at)
        if column == 2:
            return ", ".join(b.booklet_code for b in row.booklets)
        if column == 3:
            return format_money(row.total_value)
        if row.cancelled:
            return _("cancelled")
        return _("overridden") if row.override_reason else _("handed out")
