"""Forms generated from declarations: one editor per declared parameter, chosen by its kind.

The settings page does not wire its fields one by one: `ParameterForm` reads the `Parameter`
declarations (key, label msgid, kind, help, bounds, choices) and builds the label, the editor,
the help line and the message slot for each. Declaring a parameter adds its field.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
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
from passdesk.ui.widgets.basics import MessageLabel, WrapLabel, scaled_font
from passdesk.ui.widgets.forms import field_label
from passdesk.ui.widgets.hours_editor import OpeningHoursField


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


class FolderEdit(QWidget):
    """A folder path: typed, or chosen with the system's folder dialog."""

    def __init__(self, changed: Callable[[], None]) -> None:
        super().__init__()
        self.edit = QLineEdit()
        self.button = QPushButton(_("Choose…"))
        self.button.setToolTip(_("Choose the folder"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.button)
        self.setFocusProxy(self.edit)
        self._changed = changed
        self.edit.textEdited.connect(changed)
        self.button.clicked.connect(self._on_button_clicked)

    def setAccessibleName(self, name: str) -> None:  # noqa: N802 - Qt's name
        super().setAccessibleName(name)
        self.edit.setAccessibleName(name)

    def text(self) -> str:
        return self.edit.text()

    def setText(self, text: str) -> None:  # noqa: N802 - as QLineEdit
        self.edit.setText(text)

    def _on_button_clicked(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, _("Choose the folder"), self.edit.text())
        if chosen:
            self.edit.setText(chosen)
            self._changed()


def _folder_editor(parameter: Parameter, changed: Callable[[], None]) -> tuple[QWidget, Any, Any]:
    widget = FolderEdit(changed)
    return widget, widget.text, lambda value: widget.setText("" if value is None else str(value))


def _hours_editor(parameter: Parameter, changed: Callable[[], None]) -> tuple[QWidget, Any, Any]:
    widget = OpeningHoursField(name=_(parameter.label))
    widget.textEdited.connect(changed)
    return widget, widget.text, lambda value: widget.setText("" if value is None else str(value))


EDITOR_FACTORIES = {
    "text": _text_editor,
    "longtext": _longtext_editor,
    "int": _int_editor,
    "choice": _choice_editor,
    "bool": _bool_editor,
    "folder": _folder_editor,
    "hours": _hours_editor,
}


class ParameterForm(QWidget):
    """The generated form: `editors[key]` for each declared parameter, in declaration order."""

    changed = Signal(str)  # the key of the parameter the user changed

    def __init__(
        self,
        parameters: Iterable[Parameter],
        parent: QWidget | None = None,
        *,
        placed_in: dict[str, QFormLayout] | None = None,
    ) -> None:
        """`placed_in` puts some parameters' rows in another form (the settings page's desk
        details, whose labels they then line up with); `editors` keeps declaration order."""
        super().__init__(parent)
        self.editors: dict[str, Editor] = {}
        self._loading = False
        layout = self._form_layout(self)
        placed = placed_in or {}
        previous: QWidget | None = None
        for parameter in parameters:
            factory = EDITOR_FACTORIES.get(parameter.kind)
            if factory is None:
                raise ValueError(f"no editor for parameter kind {parameter.kind!r}")
            widget, read, write = factory(parameter, self._notifier(parameter.key))
            widget.setObjectName(f"parameter_{parameter.key}")
            widget.setAccessibleName(_(parameter.label))
            help_label = WrapLabel(_(parameter.help))
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
            target = placed.get(parameter.key, layout)
            if parameter.kind == "bool":
                target.addRow("", box)
            else:
                label = QLabel(field_label(_(parameter.label)))
                label.setBuddy(widget)
                target.addRow(label, box)
            if target is layout:  # a row placed elsewhere takes that form's order
                if previous is not None:
                    QWidget.setTabOrder(previous, widget)
                previous = widget
            self.editors[parameter.key] = Editor(
                parameter, widget, read, write, message, help_label
            )

    @staticmethod
    def _form_layout(owner: QWidget) -> QFormLayout:
        layout = QFormLayout(owner)
        layout.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        return layout

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
