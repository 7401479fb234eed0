"""Form rows and dialog buttons shared by every dialog: a label with its colon and its message
line, buttons whose shortcut is named, confirm/cancel rows that a scanner's Enter cannot
trigger by surprise, and the way a page opens its dialogs."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from passdesk.i18n import _
from passdesk.ui.widgets.basics import MessageLabel, with_shortcut


def field_label(text: str) -> str:
    """A form label with the colon as the language writes it ("Nom :" in French)."""
    return _("{label}:").format(label=text)


def add_field_row(
    form: QFormLayout, owner: QWidget, label_text: str, field: QWidget, key: str
) -> MessageLabel:
    """One labelled field with its message line under it; returns that message line."""
    message = MessageLabel(owner, name=f"{key}_message")
    box = QVBoxLayout()
    box.addWidget(field)
    box.addWidget(message)
    label = QLabel(field_label(label_text))
    label.setBuddy(field)
    form.addRow(label, box)
    return message


def extra_shortcut(
    button: QAbstractButton, sequence: str | QKeySequence | QKeySequence.StandardKey
) -> QShortcut:
    """A shortcut that clicks `button` while it is shown and enabled, beside its &-letter:
    `setShortcut` would replace the Alt+letter its text underlines, which then did nothing."""
    shortcut = QShortcut(QKeySequence(sequence), button)
    shortcut.setObjectName("extra_shortcut")
    shortcut.activated.connect(button.animateClick)
    return shortcut


def button_shortcut(button: QAbstractButton) -> QKeySequence:
    """The shortcut `extra_shortcut` gave a button (empty if none)."""
    shortcut = button.findChild(QShortcut, "extra_shortcut")
    return shortcut.key() if shortcut is not None else QKeySequence()


def shortcut_button(
    text: str, shortcut: str | None = None, *, tip: str = "", name: str = ""
) -> QPushButton:
    """A push button whose shortcut works while its page is shown and is named in its tooltip."""
    button = QPushButton(text)
    plain = text.replace("&", "")
    button.setAccessibleName(plain)
    if name:
        button.setObjectName(name)
    if shortcut:
        extra_shortcut(button, shortcut)
        button.setToolTip(with_shortcut(tip or plain, shortcut))
    elif tip:
        button.setToolTip(tip)
    return button


class _EnterClicks(QObject):
    """Enter or Return on a focused button clicks it (Space already does)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and isinstance(watched, QPushButton)
        ):
            if watched.isEnabled():
                watched.click()
            return True
        return False


def enter_clicks(button: QPushButton) -> None:
    """Enter or Return on the focused button clicks it, as Space does (a QPushButton outside a
    dialog's default-button logic otherwise ignores Enter)."""
    button.installEventFilter(_EnterClicks(button))


def dialog_buttons(
    confirm: QPushButton, *, cancel_text: str | None = None, enter_confirms: bool = False
) -> tuple[QHBoxLayout, QPushButton]:
    """A confirm and a Cancel button for a dialog.

    A scanner ends each code with Enter. With a default button, the Enter that completes the
    last scan would also confirm, skipping the agent's look at what is about to be recorded; so
    by default neither button is default (nor auto-default, which QDialog turns into default
    when shown), and Enter confirms only once the confirm button has the focus. Forms without
    scanning pass `enter_confirms=True`: Enter in any field then confirms, as usual.
    """
    cancel = QPushButton(cancel_text or _("Cancel"))
    cancel.setObjectName("cancel_button")
    for button in (confirm, cancel):
        button.setAutoDefault(False)
        button.setDefault(False)
        enter_clicks(button)
    if enter_confirms:
        confirm.setDefault(True)
    row = QHBoxLayout()
    row.addStretch(1)
    row.addWidget(confirm)
    row.addWidget(cancel)
    return row, cancel


def open_dialog(previous: QDialog | None, dialog: QDialog) -> QDialog:
    """Open `dialog` window-modal (non-blocking) and return it; the previous one is deleted.

    A page keeps its last dialog until it opens the next one, rather than deleting it on close:
    whoever looks at a dialog right after it closed (a slot, a test) still finds it alive.
    """
    if previous is not None and previous is not dialog:
        previous.deleteLater()
    dialog.open()
    return dialog
