"""The first-run assistant's programme and what follows it (issue 8, defect 10): dates as
every screen shows them, funders in a small table and a limit per person, refusals that go
once corrected, and a window that then guides to receiving the first stock, whose example
code passes its own check digits."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt

from passdesk import codes
from passdesk.app import build_window
from passdesk.ui.first_run import FirstRunWizard
from tests.ui.conftest import focused, type_text

ALT = Qt.KeyboardModifier.AltModifier
DAY_FIRST = re.compile(r"\d{2}/\d{2}/\d{4}")


def type_then(qtbot: Any, text: str, key: Qt.Key = Qt.Key.Key_Tab) -> None:
    if text:
        type_text(qtbot, text)
    qtbot.keyClick(focused(), key)


def to_the_programme_page(qtbot: Any, services: Any, runner: Any) -> FirstRunWizard:
    wizard = FirstRunWizard(services, runner)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    wizard.activateWindow()
    qtbot.waitUntil(wizard.isActiveWindow)
    type_then(qtbot, "", Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: focused() is wizard.desk.name)
    type_then(qtbot, "Centre social Les Minguettes", Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: focused() is wizard.admin.login)
    type_then(qtbot, "marie.dupont")
    type_then(qtbot, "Marie Dupont")
    type_then(qtbot, "girafe tambour citron")
    type_then(qtbot, "girafe tambour citron", Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: focused() is wizard.programme.code)
    return wizard


def test_the_programme_takes_a_limit_and_funders_and_shows_dates_day_first(
    qtbot: Any, services: Any, runner: Any
) -> None:
    wizard = to_the_programme_page(qtbot, services, runner)
    form = wizard.programme.form
    assert DAY_FIRST.fullmatch(form.valid_from.text())
    assert DAY_FIRST.fullmatch(form.valid_until.text())
    type_then(qtbot, "VEN26")
    type_text(qtbot, "Pass numérique Vénissieux")
    qtbot.keyClick(focused(), Qt.Key.Key_L, ALT)  # &Limite par personne
    assert focused() is form.limit
    qtbot.keyClick(focused(), Qt.Key.Key_Up)
    assert form.limit.text() == "1 carnet"
    form.funders.set_shares([("État", "45"), ("Métropole de Lyon", "55")])
    with qtbot.waitSignal(wizard.accepted):
        qtbot.keyClick(focused(), Qt.Key.Key_Return)
    programme = services.programmes.get("VEN26")
    assert programme.limit_per_person == 1
    assert [(s.funder, s.percent) for s in programme.shares] == [
        ("État", Decimal(45)),
        ("Métropole de Lyon", Decimal(55)),
    ]


def test_a_refusal_goes_as_soon_as_its_field_is_corrected(
    qtbot: Any, services: Any, runner: Any
) -> None:
    wizard = to_the_programme_page(qtbot, services, runner)
    form = wizard.programme.form
    type_then(qtbot, "mgp 19")
    type_then(qtbot, "Pass numérique")
    form.valid_from.selectAll()
    form.valid_from.setFocus()
    type_then(qtbot, "29/02/2027", Qt.Key.Key_Return)
    assert wizard.currentPage() is wizard.programme
    code_message, date_message = form.messages["code"], form.messages["valid_from"]
    assert code_message.isVisible() and "MGP19" in code_message.text()
    assert date_message.text() == "Cette date n'existe pas : février 2027 compte 28 jours."
    form.code.setFocus()
    form.code.selectAll()
    type_text(qtbot, "V")
    assert not code_message.isVisible()  # corrected: the message goes at once
    assert date_message.isVisible()  # the others stay until checked again


def test_a_new_desk_is_guided_to_its_first_stock(qtbot: Any, services: Any, runner: Any) -> None:
    wizard = to_the_programme_page(qtbot, services, runner)
    type_then(qtbot, "VEN26")
    with qtbot.waitSignal(wizard.accepted):
        type_then(qtbot, "Pass numérique Vénissieux", Qt.Key.Key_Return)
    window = build_window(services, wizard.actor, runner)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    hint = window.first_stock_hint
    assert hint.isVisible()
    assert "Aucun carnet" in hint.label.text()

    qtbot.keyClick(focused(), Qt.Key.Key_R, ALT)  # &Réceptionner le premier lot…
    stock = window.page("StockPage")
    qtbot.waitUntil(lambda: stock.dialog is not None and stock.dialog.isVisible())
    dialog = stock.dialog
    example = dialog.first_code.placeholderText().split()[-1]
    assert codes.parse_code(example).code == codes.booklet_code("VEN26", 1)  # its check passes
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    qtbot.waitUntil(lambda: focused() is dialog.first_code)
    type_then(qtbot, codes.booklet_code("VEN26", 1), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: focused() is dialog.last_code)
    type_then(qtbot, codes.booklet_code("VEN26", 20), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: focused() is dialog.confirm_button)
    with qtbot.waitSignal(dialog.received):
        qtbot.keyPress(focused(), Qt.Key.Key_Return)  # (the dialog is gone before the release)
    qtbot.waitUntil(lambda: not hint.isVisible())  # the hint's work is done
