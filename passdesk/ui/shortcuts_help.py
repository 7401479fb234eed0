"""The keyboard help sheet (F1): every shortcut of the window, read from the actions and the
buttons' shortcuts themselves, so the sheet can never disagree with the keys that work."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from passdesk.i18n import N_, _
from passdesk.ui.widgets.basics import shortcut_text
from passdesk.ui.widgets.table_models import Column, RowTableModel, configure_view


@dataclass(frozen=True)
class ShortcutRow:
    where: str  # the page (or "Everywhere")
    what: str
    keys: str


COLUMNS: list[Column[ShortcutRow]] = [
    Column(N_("Where"), lambda r: r.where),
    Column(N_("Keys"), lambda r: r.keys),
    Column(N_("What"), lambda r: r.what),
]


def _keys(sequences: Iterable[QKeySequence]) -> str:
    """The sequences as read, each once: Return and the keypad's Enter both read "Entrée"."""
    texts = [shortcut_text(s) for s in sequences if not s.isEmpty()]
    return _(" or ").join(dict.fromkeys(texts))


def _plain(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…").strip()


def _where(widget: QWidget | None, places: dict[int, tuple[int, str]]) -> tuple[int, str]:
    while widget is not None:
        if id(widget) in places:
            return places[id(widget)]
        widget = widget.parentWidget()
    return -1, _("Everywhere")


def collect_shortcuts(window: QWidget, places: Iterable[tuple[QWidget, str]]) -> list[ShortcutRow]:
    """The window's shortcuts: its actions (menus and pages) and its buttons' own shortcuts,
    each under the place (a page, the lock screen) it belongs to, in the places' order."""
    where_of = {id(widget): (i, title) for i, (widget, title) in enumerate(places)}
    found: list[tuple[int, ShortcutRow]] = []
    seen: set[tuple[str, str]] = set()
    for action in window.findChildren(QAction):
        keys = _keys(action.shortcuts())
        text = _plain(action.text())
        if not keys or not text:
            continue
        parent = action.parent()
        order, where = _where(parent if isinstance(parent, QWidget) else None, where_of)
        if (text, keys) not in seen:
            seen.add((text, keys))
            found.append((order, ShortcutRow(where, text, keys)))
    for shortcut in window.findChildren(QShortcut):
        button = shortcut.parent()
        if not isinstance(button, QAbstractButton):
            continue
        keys, text = _keys([shortcut.key()]), _plain(button.text())
        if keys and text and (text, keys) not in seen:
            seen.add((text, keys))
            order, where = _where(button, where_of)
            found.append((order, ShortcutRow(where, text, keys)))
    found.sort(key=lambda item: item[0])  # stable: in the order they were made, within a place
    return [row for _order, row in found]


class ShortcutsDialog(QDialog):
    """The help sheet: a table of every shortcut, and how the underlined letters work."""

    def __init__(self, rows: list[ShortcutRow], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Keyboard shortcuts"))
        self.setAccessibleName(self.windowTitle())
        intro = QLabel(
            _(
                "Alt and the underlined letter of a button or a field goes to it (or presses "
                "it). A USB scanner types a code and Enter in the field that has the focus."
            ),
            self,
        )
        intro.setWordWrap(True)
        self.model = RowTableModel(COLUMNS, self)
        self.model.set_rows(rows)
        self.view = QTableView(self)
        configure_view(self.view, self.model, self.windowTitle())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.view, 1)
        layout.addWidget(buttons)
        room = self.screen().availableGeometry()
        char = self.fontMetrics().averageCharWidth()
        self.resize(min(char * 100, int(room.width() * 0.9)), min(720, int(room.height() * 0.85)))
        self.view.setFocus()
