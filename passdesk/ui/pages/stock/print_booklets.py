"""Print booklets to a PDF file: a range from a scanned first booklet, or the booklets
selected in the stock table. Drawing runs in a child process, followed by a progress dialog
that can cancel it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from passdesk.errors import PassDeskError, Refused
from passdesk.formatting import format_number
from passdesk.i18n import _, ngettext
from passdesk.jobs import in_subprocess
from passdesk.services.booklet_printing import PrintResult, print_booklets_job
from passdesk.services.lots import booklet_from_code
from passdesk.services.rows import BookletRow, LotRow
from passdesk.ui.context import UiContext
from passdesk.ui.progress import TaskProgressDialog
from passdesk.ui.widgets.basics import MessageLabel, failure_message
from passdesk.ui.widgets.forms import add_field_row, dialog_buttons, field_label


class PrintBookletsDialog(QDialog):
    """Print booklets to a PDF: a range of a lot, or the booklets selected in the table."""

    printed = Signal(str)  # what to tell the agent once the file is written

    def __init__(
        self,
        context: UiContext,
        parent: QWidget | None = None,
        *,
        selected: list[BookletRow] | None = None,
        lot: LotRow | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.selected = list(selected or [])
        self.setWindowTitle(_("Print booklets"))
        self.progress: TaskProgressDialog | None = None

        self.range_choice = QRadioButton(_("A &range of booklets"))
        self.range_choice.setObjectName("range_choice")
        self.selection_choice = QRadioButton(
            ngettext(
                "The &selected booklet ({n})", "The &selected booklets ({n})", len(self.selected)
            ).format(n=len(self.selected))
        )
        self.selection_choice.setObjectName("selection_choice")
        self.selection_choice.setEnabled(bool(self.selected))
        group = QButtonGroup(self)
        group.addButton(self.range_choice)
        group.addButton(self.selection_choice)
        (self.selection_choice if self.selected else self.range_choice).setChecked(True)

        self.from_code = QLineEdit(lot.first_code if lot else "")
        self.from_code.setObjectName("from_code")
        self.from_code.setAccessibleName(_("From booklet"))
        self.from_code.setPlaceholderText(_("scan or type the first booklet to print"))
        self.count = QSpinBox()
        self.count.setObjectName("count")
        self.count.setAccessibleName(_("Number of booklets"))
        self.count.setRange(1, 100_000)
        self.count.setValue(lot.count if lot else 1)
        self.reprint_reason = QLineEdit()
        self.reprint_reason.setObjectName("reprint_reason")
        self.reprint_reason.setAccessibleName(_("Reprint reason"))
        self.reprint_reason.setPlaceholderText(_("only if some booklets were printed before"))
        self.path = QLineEdit()
        self.path.setObjectName("pdf_path")
        self.path.setAccessibleName(_("PDF file"))
        self.browse_button = QPushButton(_("C&hoose…"))
        self.browse_button.setObjectName("browse_button")
        self.browse_button.setAutoDefault(False)
        self.browse_button.clicked.connect(self._on_browse_button_clicked)
        self.path_message = MessageLabel(self, name="path_message")
        self.message = MessageLabel(self, name="print_message")
        self.confirm_button = QPushButton(_("&Print"))
        self.confirm_button.setObjectName("confirm_button")
        buttons, self.cancel_button = dialog_buttons(self.confirm_button)
        self.cancel_button.clicked.connect(self.reject)
        self.confirm_button.clicked.connect(self._on_confirm_button_clicked)
        self.range_choice.toggled.connect(self._on_range_choice_toggled)

        form = QFormLayout()
        self.from_message = add_field_row(form, self, _("&From booklet"), self.from_code, "from")
        self.count_message = add_field_row(
            form, self, _("N&umber of booklets"), self.count, "count"
        )
        range_box = QWidget()
        range_box.setLayout(form)
        self.range_box = range_box
        lower = QFormLayout()
        path_row = QHBoxLayout()
        path_row.addWidget(self.path, 1)
        path_row.addWidget(self.browse_button)
        path_box = QVBoxLayout()
        path_box.addLayout(path_row)
        path_box.addWidget(self.path_message)
        path_label = QLabel(field_label(_("PDF f&ile")))
        path_label.setBuddy(self.path)
        lower.addRow(path_label, path_box)
        self.reprint_message = add_field_row(
            lower, self, _("Reprint r&eason"), self.reprint_reason, "reprint"
        )

        layout = QVBoxLayout(self)
        layout.addWidget(self.range_choice)
        layout.addWidget(range_box)
        layout.addWidget(self.selection_choice)
        layout.addLayout(lower)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 70)
        self._on_range_choice_toggled(self.range_choice.isChecked())
        # A refusal goes as soon as its field changes: it is checked again on Print.
        for signal, message in (
            (self.from_code.textChanged, self.from_message),
            (self.count.valueChanged, self.count_message),
            (self.path.textChanged, self.path_message),
            (self.reprint_reason.textChanged, self.reprint_message),
        ):
            signal.connect(lambda *_args, message=message: self._on_field_changed(message))

    def _on_field_changed(self, message: MessageLabel) -> None:
        message.clear_message()
        self.message.clear_message()

    def _on_range_choice_toggled(self, checked: bool) -> None:
        self.range_box.setEnabled(checked)

    def _on_browse_button_clicked(self) -> None:
        start = self.path.text() or str(Path.home() / _("booklets.pdf"))
        chosen, _filter = QFileDialog.getSaveFileName(
            self, _("Print booklets to"), start, _("PDF files (*.pdf)")
        )
        if chosen:
            if not chosen.lower().endswith(".pdf"):
                chosen += ".pdf"
            self.path.setText(chosen)

    def request(self) -> dict[str, Any] | None:
        """The arguments of print_booklets from the form, or None with messages shown."""
        for label in (
            self.from_message,
            self.count_message,
            self.path_message,
            self.reprint_message,
            self.message,
        ):
            label.clear_message()
        arguments: dict[str, Any] = {}
        if self.selection_choice.isChecked():
            arguments["codes"] = tuple(b.code for b in self.selected)
        else:
            try:
                first = booklet_from_code(self.from_code.text())
            except PassDeskError as error:
                self.from_message.show_error(error.message)
                return None
            self.from_code.setText(first.code)
            arguments.update(
                programme_code=first.programme_code,
                from_booklet=first.number,
                count=self.count.value(),
            )
        path = self.path.text().strip()
        if not path:
            self.path_message.show_error(_("Choose where to save the PDF file."))
            return None
        arguments["path"] = Path(path)
        reason = self.reprint_reason.text().strip()
        arguments["reprint_reason"] = reason or None
        return arguments

    def _on_confirm_button_clicked(self) -> None:
        arguments = self.request()
        if arguments is None:
            return
        actor = self.context.actor
        self.progress = TaskProgressDialog(
            _("Printing booklets"),
            _("Writing {path}…").format(path=arguments["path"]),
            self,
            count_format=_("%v of %m vouchers"),
        )
        self.progress.setObjectName("print_progress")
        # In a child process: drawing thousands of pages in a thread would make this window
        # wait for the GIL at every repaint (see passdesk.jobs).
        self.progress.start(
            self.context.runner,
            in_subprocess(print_booklets_job, self.context.services.db.url, actor, arguments),
            on_result=lambda summary: self._on_printed(summary, arguments["path"]),
            on_error=self._on_print_failed,
        )

    def _on_printed(self, summary: Any, path: Path) -> None:
        self.printed.emit(_describe_print(summary, path))
        self.accept()

    def _on_print_failed(self, error: BaseException) -> None:
        if (
            isinstance(error, Refused)
            and self.progress is not None
            and self.progress.task is not None
            and self.progress.task.control.cancelled()
        ):
            self.message.show_info(_("Printing cancelled: no file was written."))
            return
        text = failure_message(error)
        field = getattr(error, "field", None)
        target = {
            "reprint_reason": self.reprint_message,
            "path": self.path_message,
            "from_booklet": self.from_message,
            "programme_code": self.from_message,
            "count": self.count_message,
            "code": self.from_message if self.range_choice.isChecked() else self.message,
        }.get(field or "", self.message)
        target.show_error(text)


def _describe_print(summary: PrintResult, path: Path) -> str:
    """The sentence after a print."""
    return ngettext(
        "{n} booklet printed to {path}.", "{n} booklets printed to {path}.", summary.booklets
    ).format(n=format_number(summary.booklets), path=path)
