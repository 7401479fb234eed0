"""The one table-model pattern: Qt models over the services' plain rows, declared as columns.

A table is a list of `Column`s (header msgid, how to read a row, the service's sort key); the
models are thin adapters, with no database code and no subclass per table. Two shapes:
`RowTableModel` holds a short list handed to it (programmes, lots, places, search results, a
person's handouts). `PagedTableModel` reads a large result a page at a time through
`fetch(offset, limit, sort, descending)` and `count()` callables, so a table over 100,000
booklets only ever holds what the view scrolled to; `sort()` asks the service again with the
column's sort key (the service sorts in SQL) instead of sorting in Python or through a
QSortFilterProxyModel."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtWidgets import QAbstractItemView, QApplication, QHeaderView, QTableView

from passdesk.formatting import format_date, format_money, format_timestamp
from passdesk.i18n import _

R = TypeVar("R")
Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column(Generic[R]):
    """One column: header msgid, how to read a row, and the service's sort key (None: fixed)."""

    header: str
    value: Callable[[R], Any]
    sort_key: str | None = None
    align_right: bool = False


def display(value: Any) -> str:
    """How a plain value reads in a cell (French dates and money)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime):
        if value.tzinfo is None:  # SQLite gives back the stored UTC moment without its zone
            value = value.replace(tzinfo=UTC)
        return format_timestamp(value)
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, Decimal):
        return format_money(value)
    if isinstance(value, tuple | list):
        return ", ".join(str(v) for v in value)
    return str(value)


# A cell reads the same on screen, in its tooltip (a cut-off cell) and to a screen reader.
_TEXT_ROLES = (
    Qt.ItemDataRole.DisplayRole,
    Qt.ItemDataRole.ToolTipRole,
    Qt.ItemDataRole.AccessibleTextRole,
)


class _BaseRowModel(QAbstractTableModel, Generic[R]):
    def __init__(self, columns: Sequence[Column[R]], parent: Any = None) -> None:
        super().__init__(parent)
        self._columns = list(columns)
        self._rows: list[R] = []

    # --- what views ask -----------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = self._columns[index.column()]
        if role in _TEXT_ROLES:
            return display(column.value(row))
        if role == Qt.ItemDataRole.TextAlignmentRole and column.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role not in _TEXT_ROLES:  # a heading narrowed with "…" reads whole in its tooltip
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self._columns):
            return _(self._columns[section].header)
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(self._rows):
            return str(section + 1)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    # --- what pages ask -----------------------------------------------------------------

    def row_at(self, row: int) -> R | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def loaded_rows(self) -> list[R]:
        return list(self._rows)

    def is_sortable(self, column: int) -> bool:
        return 0 <= column < len(self._columns) and self._columns[column].sort_key is not None


class RowTableModel(_BaseRowModel[R]):
    """A short list of rows, replaced whole by `set_rows` (sorted by whoever gives them)."""

    def set_rows(self, rows: Sequence[R]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()


Fetch = Callable[[int, int, str | None, bool], Sequence[R]]


class PagedTableModel(_BaseRowModel[R]):
    """A large result read page by page; sorting and filtering are the service's work.

    `fetch(offset, limit, sort_key, descending)` returns one page; `count()` the total. Views
    call `canFetchMore`/`fetchMore` as they scroll; nothing past what was shown is read.
    """

    def __init__(
        self,
        columns: Sequence[Column[R]],
        fetch: Fetch[R],
        count: Callable[[], int],
        *,
        page_size: int = 200,
        sort_column: int = 0,
        parent: Any = None,
    ) -> None:
        super().__init__(columns, parent)
        self._fetch = fetch
        self._count = count
        self.page_size = page_size
        self._total = 0
        self._sort_column = sort_column if self.is_sortable(sort_column) else -1
        self._descending = False
        self.pages_fetched = 0  # how many queries for pages were made (tests, diagnostics)

    @property
    def total(self) -> int:
        """How many rows the whole result has (only `rowCount()` of them are loaded)."""
        return self._total

    @property
    def sort_column(self) -> int:
        return self._sort_column

    @property
    def sort_order(self) -> Qt.SortOrder:
        return Qt.SortOrder.DescendingOrder if self._descending else Qt.SortOrder.AscendingOrder

    def set_source(self, fetch: Fetch[R], count: Callable[[], int]) -> None:
        """New filter: new callables, then reload from the first page."""
        self._fetch, self._count = fetch, count
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        self._total = self._count()
        self._rows = list(self._page(0))
        self.endResetModel()

    def _page(self, offset: int) -> Sequence[R]:
        key = self._columns[self._sort_column].sort_key if self._sort_column >= 0 else None
        self.pages_fetched += 1
        return self._fetch(offset, self.page_size, key, self._descending)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008, N802
        return not parent.isValid() and len(self._rows) < self._total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008, N802
        if parent.isValid() or len(self._rows) >= self._total:
            return
        page = list(self._page(len(self._rows)))
        if not page:  # rows vanished meanwhile: stop asking
            self._total = len(self._rows)
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
        self._rows.extend(page)
        self.endInsertRows()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Ask the service for the rows in the column's order; unsortable columns are ignored."""
        if not self.is_sortable(column):
            return
        descending = order == Qt.SortOrder.DescendingOrder
        if column == self._sort_column and descending == self._descending and self._rows:
            return
        self._sort_column, self._descending = column, descending
        self.reload()


MAX_FITTED_CHARS = 36  # a column fitted to its contents is never wider than this many characters
MIN_FITTED_CHARS = 7  # nor, when the table is narrow, narrower than this (then elided)


def fit_columns(view: QTableView) -> None:
    """Columns as wide as what is loaded (at most MAX_FITTED_CHARS), measured in the font,
    then narrowed to the table's width: the widest give way first, down to MIN_FITTED_CHARS,
    their text cut with "…" (a cell's tooltip shows it whole). A table scrolls sideways only
    when even that cannot fit it."""
    header = view.horizontalHeader()
    header.blockSignals(True)  # what the program sets is not the agent's choice
    try:
        view.resizeColumnsToContents()
        char = view.fontMetrics().averageCharWidth()
        wanted = [
            min(header.sectionSize(c), char * MAX_FITTED_CHARS) for c in range(header.count())
        ]
        room = view.viewport().width()
        widths = narrowed(wanted, room, char * MIN_FITTED_CHARS)
        if widths and header.stretchLastSection():
            # Sizing the last column by hand stops its stretching until the header's next
            # resize: it is given what is left now, so no gap shows at the table's right.
            widths[-1] = max(widths[-1], room - sum(widths[:-1]))
        for column, width in enumerate(widths):
            header.resizeSection(column, width)
    finally:
        header.blockSignals(False)


def narrowed(wanted: Sequence[int], room: int, least: int) -> list[int]:
    """`wanted` widths capped at the one cap that makes them fit in `room` (no column made
    narrower than `least` or than it wanted)."""
    if sum(wanted) <= room or not wanted:
        return list(wanted)
    low, high = 0, max(wanted)
    while low < high:  # the largest cap whose total fits
        cap = (low + high + 1) // 2
        if sum(min(w, max(cap, least)) for w in wanted) <= room:
            low = cap
        else:
            high = cap - 1
    return [min(w, max(low, least)) for w in wanted]


class _FitOnResize(QObject):
    """Fits a table's columns to its width again when the table is resized, until the agent
    sets a column's width by hand (then the table keeps the agent's widths)."""

    def __init__(self, view: QTableView) -> None:
        super().__init__(view)
        self._view = view
        view.horizontalHeader().sectionResized.connect(self._on_section_resized)
        view.viewport().installEventFilter(self)

    def _on_section_resized(self, *_args: object) -> None:
        if self._view.horizontalHeader().signalsBlocked():
            return
        if QApplication.mouseButtons() != Qt.MouseButton.NoButton:
            self._view.setProperty("columns_set_by_hand", True)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if (
            event.type() == QEvent.Type.Resize
            and self._view.property("columns_fitted")
            and not self._view.property("columns_set_by_hand")
        ):
            fit_columns(self._view)
        return False


def configure_view(
    view: QTableView, model: _BaseRowModel[Any], accessible_name: str, *, stretch_last: bool = True
) -> None:
    """The house style of a table: whole rows, one selection mode, sorting where the model can.

    Columns are fitted to the first rows shown, once: after that they keep the widths the
    agent gives them, whatever the filter.
    """
    view.setModel(model)
    view.setAccessibleName(accessible_name)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.setTabKeyNavigation(False)  # Tab leaves the table, arrows move inside it
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(int(view.fontMetrics().lineSpacing() * 1.6))
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(stretch_last)
    header.setHighlightSections(False)
    header.setTextElideMode(Qt.TextElideMode.ElideRight)  # a narrowed heading reads "Chèq…"
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    _FitOnResize(view)

    def fit_once() -> None:
        if model.rowCount() and not view.property("columns_fitted"):
            view.setProperty("columns_fitted", True)
            fit_columns(view)

    model.modelReset.connect(fit_once)
    fit_once()
    if isinstance(model, PagedTableModel) and any(
        model.is_sortable(c) for c in range(model.columnCount())
    ):
        header.setSortIndicatorShown(True)
        header.setSectionsClickable(True)
        header.setSortIndicator(model.sort_column, model.sort_order)

        def keep_indicator_on_sortable(column: int, order: Qt.SortOrder) -> None:
            if model.is_sortable(column):
                model.sort(column, order)
            else:  # the service cannot sort by that column: the arrow stays where it was
                header.blockSignals(True)
                header.setSortIndicator(model.sort_column, model.sort_order)
                header.blockSignals(False)

        header.sortIndicatorChanged.connect(keep_indicator_on_sortable)
    else:
        header.setSortIndicatorShown(False)
