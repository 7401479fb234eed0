"""Opening hours edited day by day, for people who do not know OpenStreetMap's syntax.

A field shows the hours in words ("lun.–ven. 9 h 30–12 h 30, 14 h–17 h 30") with a Change
button; the dialog behind it has one row a day (open or not, one or two time ranges) and a box
for public holidays, and writes the OpenStreetMap text the places directory and the open data
use (passdesk.opening_hours reads and writes it). Hours that are not the same every week
(seasons, exceptions, comments) cannot be shown day by day: the dialog says so, and keeps
them unless the agent sets new ones.
"""

from __future__ import annotations

from babel import dates as babel_dates
from PySide6.QtCore import QTime, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from passdesk import i18n, opening_hours
from passdesk.formatting import LOCALES
from passdesk.i18n import _
from passdesk.ui.widgets.basics import ElidedLabel, WrapLabel
from passdesk.ui.widgets.forms import dialog_buttons

# A new open day: 9 h–12 h, and 14 h–17 h when a second range is ticked.
DEFAULT_SPANS = ((9 * 60, 12 * 60), (14 * 60, 17 * 60))


def day_names() -> list[str]:
    """Monday first, in the window's language ("lundi")."""
    names = babel_dates.get_day_names("wide", locale=LOCALES.get(i18n.current_language(), "fr_FR"))
    return [names[n] for n in range(7)]


def _time(minutes: int) -> QTime:
    return QTime(min(minutes, 24 * 60 - 1) // 60, min(minutes, 24 * 60 - 1) % 60)


def _minutes(edit: QTimeEdit, *, closing: bool) -> int:
    value = edit.time().hour() * 60 + edit.time().minute()
    return 24 * 60 if closing and value == 24 * 60 - 1 else value  # 23:59 closes at midnight


class _DayRow:
    """One day: open or not, its first time range and, if ticked, a second one."""

    def __init__(self, grid: QGridLayout, row: int, name: str, parent: QWidget) -> None:
        self.open = QCheckBox(name.capitalize(), parent)
        self.open.setAccessibleName(_("{day}: open").format(day=name))
        self.times = []
        labels = (
            _("{day}: opens at"),
            _("{day}: closes at"),
            _("{day}: opens again at"),
            _("{day}: closes at the end of the day at"),
        )
        for label in labels:
            edit = QTimeEdit(parent)
            edit.setDisplayFormat("HH:mm")
            edit.setAccessibleName(label.format(day=name))
            self.times.append(edit)
        self.second = QCheckBox(_("and"), parent)
        self.second.setAccessibleName(_("{day}: open again later in the day").format(day=name))
        grid.addWidget(self.open, row, 0)
        grid.addWidget(self.times[0], row, 1)
        grid.addWidget(QLabel("–", parent), row, 2)
        grid.addWidget(self.times[1], row, 3)
        grid.addWidget(self.second, row, 4)
        grid.addWidget(self.times[2], row, 5)
        grid.addWidget(QLabel("–", parent), row, 6)
        grid.addWidget(self.times[3], row, 7)
        self.open.toggled.connect(self.update_enabled)
        self.second.toggled.connect(self.update_enabled)

    def set_spans(self, spans: tuple[tuple[int, int], ...]) -> None:
        self.open.setChecked(bool(spans))
        self.second.setChecked(len(spans) > 1)
        shown = list(spans[:2]) + list(DEFAULT_SPANS[len(spans[:2]) :])
        for index, (start, end) in enumerate(shown[:2]):
            self.times[index * 2].setTime(_time(start))
            self.times[index * 2 + 1].setTime(_time(end))
        self.update_enabled()

    def spans(self) -> tuple[tuple[int, int], ...]:
        if not self.open.isChecked():
            return ()
        first = (_minutes(self.times[0], closing=False), _minutes(self.times[1], closing=True))
        if not self.second.isChecked():
            return (first,)
        return first, (
            _minutes(self.times[2], closing=False),
            _minutes(self.times[3], closing=True),
        )

    def update_enabled(self) -> None:
        is_open = self.open.isChecked()
        self.second.setEnabled(is_open)
        for index, edit in enumerate(self.times):
            edit.setEnabled(is_open and (index < 2 or self.second.isChecked()))


class OpeningHoursDialog(QDialog):
    """The week, day by day; `text()` is what OpenStreetMap writes of it."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Opening hours"))
        self.setAccessibleName(self.windowTitle())
        self._original = text.strip()
        self._touched = False
        week = opening_hours.plain_week(self._original)
        self.note = WrapLabel("", self)
        self.note.setObjectName("hours_note")
        if week is None:
            self.note.setText(
                _(
                    "These hours are not the same every week (seasons, exceptions or notes): "
                    "they stay as they are, {hours}, unless you set new ones below."
                ).format(hours=opening_hours.describe(self._original))
            )
        self.note.setVisible(week is None)
        grid = QGridLayout()
        self.days = [_DayRow(grid, row, name, self) for row, name in enumerate(day_names())]
        self.holidays = QCheckBox(_("Closed on &public holidays"), self)
        self.holidays.setAccessibleName(_("Closed on public holidays"))
        self.copy_button = QPushButton(_("Monday's hours for every &weekday"), self)
        self.copy_button.setAccessibleName(_("Give Monday's hours to Tuesday to Friday"))
        self.copy_button.setAutoDefault(False)
        self.preview = WrapLabel("", self)
        self.preview.setObjectName("hours_preview")
        self.ok_button = QPushButton(_("&OK"), self)
        buttons, cancel = dialog_buttons(self.ok_button, enter_confirms=True)
        cancel.clicked.connect(self.reject)
        self.ok_button.clicked.connect(self.accept)
        tools = QHBoxLayout()
        tools.addWidget(self.holidays)
        tools.addStretch(1)
        tools.addWidget(self.copy_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addLayout(grid)
        layout.addLayout(tools)
        layout.addWidget(self.preview)
        layout.addLayout(buttons)
        for day, spans in zip(self.days, week or ((),) * 7, strict=True):
            day.set_spans(spans)
        self.holidays.setChecked(opening_hours.closed_on_holidays(self._original))
        for day in self.days:
            for widget in (day.open, day.second):
                widget.toggled.connect(self._on_changed)
            for edit in day.times:
                edit.timeChanged.connect(self._on_changed)
        self.holidays.toggled.connect(self._on_changed)
        self.copy_button.clicked.connect(self._on_copy_button_clicked)
        self._keep_original = week is None
        self._show_preview()
        self.days[0].open.setFocus()

    def text(self) -> str:
        """The OpenStreetMap text of the week as set (the original, untouched, when it could
        not be shown day by day)."""
        if self._keep_original and not self._touched:
            return self._original
        week = tuple(day.spans() for day in self.days)
        return opening_hours.week_text(week, holidays_closed=self.holidays.isChecked())

    def problem(self) -> str | None:
        for name, day in zip(day_names(), self.days, strict=True):
            for start, end in day.spans():
                if end <= start:
                    return _("{day}: a time range must end after it starts.").format(day=name)
            spans = day.spans()
            if len(spans) == 2 and spans[1][0] < spans[0][1]:
                return _("{day}: the second range must start after the first ends.").format(
                    day=name
                )
        return opening_hours.check(self.text())

    def accept(self) -> None:
        problem = self.problem()
        if problem is not None:
            self.preview.setText(problem)
            return
        super().accept()

    def _on_changed(self, *_args: object) -> None:
        self._touched = True
        self._show_preview()

    def _on_copy_button_clicked(self) -> None:
        spans = self.days[0].spans()
        for day in self.days[1:5]:
            day.set_spans(spans)
        self._on_changed()

    def _show_preview(self) -> None:
        problem = self.problem()
        if problem is not None:
            self.preview.setText(problem)
            self.ok_button.setEnabled(False)
            return
        self.ok_button.setEnabled(True)
        said = opening_hours.describe(self.text()) or _("no opening hours given")
        self.preview.setText(_("Printed as: {hours}").format(hours=said))


class OpeningHoursField(QWidget):
    """The hours in words and a Change button; `text()` is the OpenStreetMap text."""

    textEdited = Signal(str)  # noqa: N815 - as QLineEdit names it, so forms treat both alike

    def __init__(self, text: str = "", parent: QWidget | None = None, *, name: str = "") -> None:
        super().__init__(parent)
        self._text = ""
        self.summary = ElidedLabel("", self)
        self.summary.setObjectName("hours_summary")
        self.change_button = QPushButton(_("Edit hou&rs…"), self)
        self.change_button.setObjectName("hours_change_button")
        self.change_button.setAccessibleName(
            _("Change the opening hours") if not name else _("Change: {field}").format(field=name)
        )
        self.change_button.setAutoDefault(False)
        self.dialog: OpeningHoursDialog | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary, 1)
        layout.addWidget(self.change_button)
        self.setFocusProxy(self.change_button)
        self.change_button.clicked.connect(self._on_change_button_clicked)
        self.setText(text)

    def text(self) -> str:
        return self._text

    def setText(self, text: str) -> None:  # noqa: N802
        self._text = text.strip()
        said = opening_hours.describe(self._text) or _("hours not given")
        self.summary.setText(said)
        self.change_button.setAccessibleDescription(said)

    def _on_change_button_clicked(self) -> None:
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.dialog = OpeningHoursDialog(self._text, self)
        self.dialog.accepted.connect(self._on_dialog_accepted)
        self.dialog.open()

    def _on_dialog_accepted(self) -> None:
        if self.dialog is None:
            return
        text = self.dialog.text()
        if text != self._text:
            self.setText(text)
            self.textEdited.emit(text)
