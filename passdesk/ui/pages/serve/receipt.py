"""The receipt preview: the PDF the printing service wrote, shown with QtPdf, then printed on the
default printer, through the print dialog, or saved elsewhere as PDF; and printing a receipt
straight to the default printer, as "print the receipt on confirm" does."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QKeySequence, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from passdesk.i18n import _
from passdesk.ui.widgets.basics import MessageLabel, with_shortcut
from passdesk.ui.widgets.forms import extra_shortcut

log = logging.getLogger(__name__)


PRINT_DPI = 300  # plenty for text and barcodes; an A4 page at 1200 dpi would need 0.5 GB


PrinterSource = Callable[[], QPrinter | None]


def default_printer() -> QPrinter | None:
    """This computer's default printer, or None when it has none."""
    info = QPrinterInfo.defaultPrinter()
    if info.isNull():
        return None
    return QPrinter(info, QPrinter.PrinterMode.HighResolution)


def print_receipt_file(path: Path, printer: QPrinter, title: str) -> None:
    """Print every page of the receipt PDF at `path` (both copies); OSError when it fails."""
    document = QPdfDocument()
    try:
        if document.load(str(path)) != QPdfDocument.Error.None_:
            raise OSError(f"the receipt PDF could not be read: {document.error()}")
        printer.setDocName(title)
        print_pdf(document, printer)
    finally:
        document.close()


def print_pdf(document: QPdfDocument, printer: QPrinter) -> None:
    """Paint every page of `document` on `printer`, each fitted to the printable page."""
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError("the printer could not be opened")
    try:
        resolution = printer.resolution()
        for page in range(document.pageCount()):
            if page:
                printer.newPage()
            target = printer.pageLayout().paintRectPixels(resolution)
            points = document.pagePointSize(page)
            fit = min(target.width() / points.width(), target.height() / points.height())
            shown = QSize(int(points.width() * fit), int(points.height() * fit))
            dots = min(fit, PRINT_DPI / 72)
            image = document.render(
                page, QSize(int(points.width() * dots), int(points.height() * dots))
            )
            painter.drawImage(QRect(0, 0, shown.width(), shown.height()), image)
    finally:
        painter.end()


class ReceiptDialog(QDialog):
    """Shows one receipt; Escape or "Close" returns to the serve page."""

    def __init__(
        self,
        pdf_path: Path,
        receipt_number: str,
        parent: QWidget | None = None,
        *,
        printer: PrinterSource = default_printer,
    ) -> None:
        super().__init__(parent)
        self.pdf_path = pdf_path
        self._printer = printer
        self.printed = False  # sent to a printer at least once
        self.setWindowTitle(_("Receipt {number}").format(number=receipt_number))
        self.setAccessibleName(_("Receipt preview"))
        self.document = QPdfDocument(self)
        self.document.load(str(pdf_path))
        self.view = QPdfView(self)
        self.view.setAccessibleName(_("Receipt preview"))
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.message = MessageLabel(self, name=_("Printing message"))

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.print_button = self._button(
            _("&Print"),
            QKeySequence.StandardKey.Print,
            _("Print two copies on the default printer"),
        )
        self.print_dialog_button = self._button(
            _("Print &with…"), "Ctrl+Shift+P", _("Choose the printer and copies")
        )
        self.save_button = self._button(
            _("Save as P&DF…"), QKeySequence.StandardKey.Save, _("Save the receipt as a PDF file")
        )
        self.print_button.clicked.connect(self._on_print_button_clicked)
        self.print_dialog_button.clicked.connect(self._on_print_dialog_button_clicked)
        self.save_button.clicked.connect(self._on_save_button_clicked)
        self.buttons.rejected.connect(self.reject)
        close = self.buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setToolTip(with_shortcut(_("Back to the search"), QKeySequence(Qt.Key.Key_Escape)))

        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        room = self.screen().availableGeometry()
        self.resize(min(760, int(room.width() * 0.9)), min(900, int(room.height() * 0.9)))
        self.print_button.setFocus()

    def _button(self, text: str, shortcut: QKeySequence.StandardKey | str, tip: str) -> QPushButton:
        button = self.buttons.addButton(text, QDialogButtonBox.ButtonRole.ActionRole)
        extra_shortcut(button, shortcut)  # beside its &-letter, which setShortcut would replace
        button.setToolTip(with_shortcut(tip, shortcut))
        button.setAccessibleName(text.replace("&", "").rstrip("…"))
        return button

    def _on_print_button_clicked(self) -> None:
        printer = self._printer()
        if printer is None:
            self.message.show_error(
                _(
                    "No default printer is set up on this computer. Use "
                    '"Print with…" or save the receipt as PDF.'
                )
            )
            return
        self._print(printer)

    def _on_print_dialog_button_clicked(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._print(printer)

    def _print(self, printer: QPrinter) -> None:
        printer.setDocName(self.windowTitle())
        try:
            print_pdf(self.document, printer)
        except OSError:
            log.warning("printing a receipt failed", exc_info=True)
            self.message.show_error(
                _(
                    "The printer did not accept the receipt. Check that it is "
                    "on and has paper, or save the receipt as PDF."
                )
            )
            return
        self.printed = True
        self.message.show_info(_("Receipt sent to the printer."))

    def _on_save_button_clicked(self) -> None:
        target, _filter = QFileDialog.getSaveFileName(
            self,
            _("Save the receipt"),
            str(Path.home() / self.pdf_path.name),
            _("PDF files (*.pdf)"),
        )
        if not target:
            return
        try:
            shutil.copyfile(self.pdf_path, target)
        except OSError as error:
            self.message.show_error(
                _("The receipt could not be saved: {error}").format(error=error.strerror or error)
            )
            return
        self.message.show_info(_("Receipt saved: {path}").format(path=target))
