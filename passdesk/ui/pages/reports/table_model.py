"""A read-only Qt model over one published report table (documents.report_record.Table):
cells read exactly as the PDF prints them, hidden cells as their mark."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from passdesk.documents.report_record import Kind, Table, cell_text

Index = QModelIndex | QPersistentModelIndex
_TEXT_ROLES = (
    Qt.ItemDataRole.DisplayRole,
    Qt.ItemDataRole.ToolTipRole,
    Qt.ItemDataRole.AccessibleTextRole,
)


class ReportTableModel(QAbstractTableModel):
    """The rows of a report table, then its total (in bold)."""

    def __init__(self, table: Table, parent: Any = None) -> None:
        super().__init__(parent)
        self.table = table
        self._rows = [*table.rows, *((table.total,) if table.total is not None else ())]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.table.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        kind = self.table.columns[index.column()].kind
        if role in _TEXT_ROLES:
            return cell_text(self._rows[index.row()][index.column()], kind)
        if role == Qt.ItemDataRole.TextAlignmentRole and kind not in (Kind.TEXT, Kind.MONTH):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and self.is_total(index.row()):
            font = QFont()
            font.setBold(True)
            return font
        return None

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role in _TEXT_ROLES and 0 <= section < len(self.table.columns):
            return self.table.columns[section].title
        return None

    def is_total(self, row: int) -> bool:
        return self.table.total is not None and row == len(self._rows) - 1
