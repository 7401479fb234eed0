"""The receipt preview: shows the PDF, prints it (here into a PDF printer), saves a copy, and
says so calmly when no printer is set up."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo
from PySide6.QtWidgets import QFileDialog

from passdesk.ui.pages.serve.receipt import ReceiptDialog, print_pdf


@pytest.fixture
def receipt_pdf(tmp_path: Path) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    path = tmp_path / "receipt-2026-000001.pdf"
    canvas = Canvas(str(path), pagesize=A4)
    for copy in ("Exemplaire du bénéficiaire", "Exemplaire de la structure"):
        canvas.drawString(72, 760, f"Récépissé 2026-000001 — {copy}")
        canvas.showPage()
    canvas.save()
    return path


@pytest.fixture
def dialog(qtbot, receipt_pdf: Path):  # noqa: ANN001, ANN201
    dialog = ReceiptDialog(receipt_pdf, "2026-000001")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_preview_shows_both_copies(dialog) -> None:  # noqa: ANN001
    assert dialog.document.pageCount() == 2
    assert dialog.windowTitle() == "Récépissé 2026-000001"
    assert "Ctrl+P" in dialog.print_button.toolTip()


def test_printing_paints_every_page(dialog, tmp_path: Path) -> None:  # noqa: ANN001
    from pypdf import PdfReader

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    print_pdf(dialog.document, printer)
    assert len(PdfReader(str(tmp_path / "printed.pdf")).pages) == 2


def test_no_default_printer_is_said_plainly(qtbot, dialog) -> None:  # noqa: ANN001
    if not QPrinterInfo.defaultPrinter().isNull():
        pytest.skip("this machine has a default printer")
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    assert dialog.message.isVisible()
    assert "imprimante par défaut" in dialog.message.text()


def test_save_as_pdf_copies_the_receipt(
    qtbot, dialog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # noqa: ANN001
    target = tmp_path / "copie.pdf"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *_args, **_kwargs: (str(target), "PDF")
    )
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert target.read_bytes() == dialog.pdf_path.read_bytes()
    assert str(target) in dialog.message.text()


def test_escape_closes_the_preview(qtbot, dialog) -> None:  # noqa: ANN001
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    with qtbot.waitSignal(dialog.rejected):
        qtbot.keyClick(dialog.print_button, Qt.Key.Key_Escape)
