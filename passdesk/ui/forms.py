"""Forms generated from declarations: one editor per declared parameter, chosen by its kind.

The settings page does not wire its fields one by one: `ParameterForm` reads the `Parameter`
declarations (key, label msgid, kind, help, bounds, choices) and builds the label, the editor,
the help line and the message slot for each. Declaring a parameter adds its field.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from passdesk.i18n import _
from passdesk.services.settings import Parameter
from passdesk.ui.widgets import MessageLabel, scaled_font, with_shortcut


@dataclass
class Editor:
    """One generated field: its widget, how to read and write it, where its message goes."""

    parameter: Parameter
    widget: QWidget
    read: Callable[[], Any]
    write: Callable[[Any], None]
    message: MessageLabel
    help_label: QLabel


def _text_editor(parameter: Parameter, changed: Callable[[], None]) -> tuple[QWidget, Any, Any]:
    widget = QLineEdit()
    widget.textEdited.connect(changed)
    return widget, widget.text, lambda value: widget.setText("" if value is None else str(value))


def _longtext_editor(parameter: Parameter, changed: Callable[[], None]) -> tuple[QWidget, Any, Any]:
    widget = QPlainTextEdit()
    widget.setTabChangesFocus(True)  # Tab leaves the field, as in every other one
    lines = 5
    widget.setMinimumHeight(widget.fontMetrics().lineSpacing() * lines)
    widget.textChanged.connect(changed)
    return (
        widget,
        widget.toPlainText,
        lambda value: widget.setPlainText("" if value is None else str(value)),
    )


def _int_editor(parameter: Parameter, changed: Callable[[], None]) -> tuple[QWidget, Any, Any]:
    widget = QSpinBox()
    widget.setRange(
        parameter.minimum if parameter.minimum is not None else -(2**31),
        parameter.maximum if parameter.maximum is not None else 2**31 - 1,
    )
    widget.valueChanged.connect(changed)
    widget.setMaximumWidth(widget.fontMetrics().averageCharWidth() * 14)
    return widget, widget.value, lambda value: widget.setValue(int(value))


def _choice_editor(parameter: Parameter, changed: Callable[[], None]) -> tuple[QWidget, Any, Any]:
    widget = QComboBox()
    for stored, label in parameter.choices:
        widget.addItem(_(label), stored)

    def write(value: Any) -> None:
        index = widget.findData(str(value))
        widget.setCurrentIndex(max(index, 0))

    widget.currentIndexChanged.connect(changed)
    return widget, widget.currentData, write


def _bool_editor(parameter: Parameter, changed: Callable[[], None]) -> tuple[QWidget, Any, Any]:
    widget = QCheckBox(_(parameter.label))
    widget.toggled.connect(changed)
    return widget, widget.isChecked, lambda value: widget.setChecked(bool(value))


EDITOR_FACTORIES = {
    "text": _text_editor,
    "longtext": _longtext_editor,
    "int": _int_editor,
    "choice": _choice_editor,
    "bool": _bool_editor,
}


class ParameterForm(QWidget):
    """The generated form: `editors[key]` for each declared parameter, in declaration order."""

    changed = Signal(str)  # the key of the parameter the user changed

    def __init__(self, parameters: Iterable[Parameter], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editors: dict[str, Editor] = {}
        self._loading = False
        layout = QFormLayout(self)
        layout.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        previous: QWidget | None = None
        for parameter in parameters:
            factory = EDITOR_FACTORIES.get(parameter.kind)
            if factory is None:
                raise ValueError(f"no editor for parameter kind {parameter.kind!r}")
            widget, read, write = factory(parameter, self._notifier(parameter.key))
            widget.setObjectName(f"parameter_{parameter.key}")
            widget.setAccessibleName(_(parameter.label))
            help_label = QLabel(_(parameter.help))
            help_label.setWordWrap(True)
            scaled_font(help_label, 0.9)  # quieter by size, not by a low-contrast colour
            widget.setToolTip(_(parameter.help))
            widget.setAccessibleDescription(_(parameter.help))
            message = MessageLabel(name=f"message_{parameter.key}")
            box = QWidget()
            column = QVBoxLayout(box)
            column.setContentsMargins(0, 0, 0, 0)
            column.addWidget(widget)
            column.addWidget(help_label)
            column.addWidget(message)
            if parameter.kind == "bool":
                layout.addRow("", box)
            else:
                label = QLabel(field_label(_(parameter.label)))
                label.setBuddy(widget)
                layout.addRow(label, box)
            if previous is not None:
                QWidget.setTabOrder(previous, widget)
            previous = widget
            self.editors[parameter.key] = Editor(
                parameter, widget, read, write, message, help_label
            )

    def _notifier(self, key: str) -> Callable[..., None]:
        def notify(*_args: object) -> None:
            if not self._loading:
                self.editors[key].message.clear_message()
                self.changed.emit(key)

        return notify

    def set_values(self, values: dict[str, Any]) -> None:
        self._loading = True
        try:
            for key, editor in self.editors.items():
                if key in values:
                    editor.write(values[key])
                editor.message.clear_message()
        finally:
            self._loading = False

    def values(self) -> dict[str, Any]:
        return {key: editor.read() for key, editor in self.editors.items()}

    def show_error(self, key: str, message: str) -> None:
        self.editors[key].message.show_error(message)

    def clear_errors(self) -> None:
        for editor in self.editors.values():
            editor.message.clear_message()

    def first_editor(self) -> QWidget | None:
        return next(iter(self.editors.values())).widget if self.editors else None

    def last_editor(self) -> QWidget | None:
        return list(self.editors.values())[-1].widget if self.editors else None


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
        button.setShortcut(QKeySequence(shortcut))
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
        button.installEventFilter(_EnterClicks(button))
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
