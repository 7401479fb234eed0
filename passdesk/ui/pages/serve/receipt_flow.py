"""The receipt of a handout on the serve page: printed at once or previewed, then a line saying
what was just handed out, and F8 to show that receipt again.

With "print the receipt on confirm" (a setting, on by default) and a default printer, Ctrl+Enter
hands out and prints both copies: a returning person takes four key actions to paper (name,
Enter, scan, Ctrl+Enter). Without a printer, or when the printer refuses, the preview opens,
from which the agent prints or saves. The PDF is written off the window's thread into a private
temporary folder, removed once printed or once the preview closes.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from passdesk import paths
from passdesk.errors import PassDeskError
from passdesk.i18n import _
from passdesk.services.print_lines import display_name
from passdesk.services.rows import BeneficiaryRow, HandoutRow
from passdesk.ui.context import UiContext
from passdesk.ui.pages.serve.receipt import ReceiptDialog, default_printer, print_receipt_file
from passdesk.ui.widgets.basics import MessageLabel, failure_message, make_action, shortcut_text

log = logging.getLogger(__name__)

LAST_RECEIPT_KEY = "F8"


def receipt_path(receipt_number: str) -> Path:
    """Where the preview's PDF is written: a private temporary folder, removed when the preview
    closes, so no copy of a person's receipt stays on a shared PC ("Save as" keeps one); one
    left by a killed PassDesk is swept at the next start (paths.sweep_receipt_previews)."""
    return paths.receipt_preview_folder() / f"recepisse-{receipt_number}.pdf"


def remove_preview_file(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)
        path.parent.rmdir()


class ReceiptFlow(QObject):
    """What follows a handout; `next_person` asks the page to get ready for the next person
    (before the line saying what was handed out is shown), `receipt_ready` carries each PDF
    written."""

    receipt_ready = Signal(object)  # Path of the receipt PDF
    next_person = Signal()

    def __init__(self, context: UiContext, page: QWidget, status: MessageLabel) -> None:
        super().__init__(page)
        self._context = context
        self._page = page
        self._status = status  # "Preparing the receipt…" and failures, next to the scan field
        self.printer = context.printer or default_printer
        self.dialog: ReceiptDialog | None = None
        self.last_handout: HandoutRow | None = None
        self.last_line = MessageLabel(page, name=_("Last handout"))
        self.last_receipt_action = make_action(
            page,
            _("Show the last &receipt again"),
            LAST_RECEIPT_KEY,
            tip=_("Show again the receipt of the handout just made"),
        )
        self.last_receipt_action.setEnabled(False)
        self.last_receipt_action.triggered.connect(self._on_last_receipt_action_triggered)

    # --- what the page asks -------------------------------------------------------------

    def handed_out(self, handout: HandoutRow, person: BeneficiaryRow | None) -> None:
        """A handout just confirmed: print its receipt at once, or preview it."""
        if self.prints_on_confirm():
            self._status.show_info(_("Printing the receipt…"))
            self._write(handout, lambda path: self._print(path, handout, person))
        else:
            self._status.show_info(_("Preparing the receipt…"))
            self._write(handout, lambda path: self._preview(path, handout, person, True))

    def show_again(self, handout: HandoutRow, *, from_panel: bool = True) -> None:
        """A past receipt, previewed; the person stays on screen."""
        if from_panel:
            self._status.show_info(_("Preparing the receipt…"))
        self._write(handout, lambda path: self._preview(path, handout, None, False))

    def prints_on_confirm(self) -> bool:
        """The setting is on and this computer has a default printer."""
        try:
            wanted = bool(self._context.services.settings.get("print_receipt_on_confirm"))
        except PassDeskError:
            wanted = False
        return wanted and self.printer() is not None

    # --- steps --------------------------------------------------------------------------

    def _write(self, handout: HandoutRow, then: Callable[[Path], None]) -> None:
        printing, actor = self._context.services.receipts, self._context.actor
        path = receipt_path(handout.receipt_number)
        self._context.runner.run(
            lambda _control: printing.write_receipt(handout.id, path, actor=actor),
            on_result=lambda written: then(Path(written)),
            on_error=self._on_write_failed,
            owner=self._page,
        )

    def _on_write_failed(self, error: BaseException) -> None:
        self._status.show_error(
            failure_message(
                error,
                _(
                    "The handout is recorded but its receipt could not be written; the details "
                    "are in the log file. Show it again from the person's handouts (Enter on the "
                    "handout)."
                ),
            )
        )

    def _print(self, path: Path, handout: HandoutRow, person: BeneficiaryRow | None) -> None:
        self.receipt_ready.emit(path)
        printer = self.printer()
        title = _("Receipt {number}").format(number=handout.receipt_number)
        try:
            if printer is None:
                raise OSError("the default printer is gone")
            print_receipt_file(path, printer, title)
        except OSError:
            log.warning("printing a receipt on confirm failed", exc_info=True)
            self._preview(path, handout, person, True)  # to print it from there, or save it
            if self.dialog is not None:
                self.dialog.message.show_error(
                    _(
                        "The printer did not accept the receipt. Check that it is on and has "
                        "paper, then print it from here, or save it as PDF."
                    )
                )
            return
        remove_preview_file(path)
        self._done(handout, person, printed=True)

    def _preview(
        self, path: Path, handout: HandoutRow, person: BeneficiaryRow | None, then_next: bool
    ) -> None:
        self._status.clear_message()
        self.receipt_ready.emit(path)
        dialog = ReceiptDialog(path, handout.receipt_number, self._page, printer=self.printer)
        self.dialog = dialog
        dialog.finished.connect(
            lambda _result: self._on_dialog_finished(dialog, path, handout, person, then_next)
        )
        dialog.open()

    def _on_dialog_finished(
        self,
        dialog: ReceiptDialog,
        path: Path,
        handout: HandoutRow,
        person: BeneficiaryRow | None,
        then_next: bool,
    ) -> None:
        self.dialog = None
        dialog.deleteLater()
        remove_preview_file(path)
        self._page.window().activateWindow()
        if then_next:
            self._done(handout, person, printed=dialog.printed)

    def _done(self, handout: HandoutRow, person: BeneficiaryRow | None, *, printed: bool) -> None:
        """Ready for the next person, with a line saying what was just handed out."""
        self.next_person.emit()
        self.last_handout = handout
        self.last_receipt_action.setEnabled(True)
        booklets = ", ".join(b.booklet_code for b in handout.booklets)
        name = (
            display_name(person.first_name, person.last_name, capitals=True)
            if person is not None
            else ""
        )
        text = (
            _("Handed out: {booklets} to {name}, receipt {number} printed.")
            if printed
            else _("Handed out: {booklets} to {name}, receipt {number}.")
        ).format(booklets=booklets, name=name, number=handout.receipt_number)
        key = shortcut_text(self.last_receipt_action.shortcut())
        self.last_line.show_info(text + " " + _("{key}: show the receipt again.").format(key=key))

    def _on_last_receipt_action_triggered(self) -> None:
        if self.last_handout is not None and self.dialog is None:
            self.show_again(self.last_handout, from_panel=False)
