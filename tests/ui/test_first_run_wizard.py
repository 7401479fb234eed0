"""The first-run assistant: set up by keyboard and end logged in, or open a demonstration."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard

from passdesk.app import build_window
from passdesk.models import Role
from passdesk.ui.first_run import FirstRunWizard
from tests.ui.conftest import focused, type_text


def type_then(qtbot, text: str, k: Qt.Key = Qt.Key.Key_Tab) -> None:  # noqa: ANN001
    if text:
        type_text(qtbot, text)
    qtbot.keyClick(focused(), k)


@pytest.fixture
def wizard(qtbot, services, runner):  # noqa: ANN001, ANN201
    wizard = FirstRunWizard(services, runner)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    wizard.activateWindow()
    qtbot.waitUntil(wizard.isActiveWindow)
    return wizard


def test_first_run_by_keyboard_ends_logged_in(qtbot, services, runner, wizard) -> None:  # noqa: ANN001
    assert not services.accounts.is_initialised()
    type_then(qtbot, "", Qt.Key.Key_Return)  # "Set up my desk: press Next."
    qtbot.waitUntil(lambda: focused() is wizard.desk.name)
    type_then(qtbot, "Centre social Les Minguettes")
    type_then(qtbot, "12 rue d'Arsonval")
    type_then(qtbot, "69200")
    type_then(qtbot, "Vénissieux")
    type_then(qtbot, "73282932000075", Qt.Key.Key_Return)  # one digit wrong
    assert wizard.currentPage() is wizard.desk
    assert wizard.desk.siret_message.isVisible()
    assert "SIRET" in wizard.desk.siret_message.text()
    wizard.desk.siret.setFocus()
    qtbot.keyClick(focused(), Qt.Key.Key_Backspace)
    type_then(qtbot, "4", Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.admin)
    qtbot.waitUntil(lambda: focused() is wizard.admin.login)
    type_then(qtbot, "marie.dupont")
    type_then(qtbot, "Marie Dupont")
    type_then(qtbot, "un-mot-de-passe")
    type_then(qtbot, "un-mot-de-pass", Qt.Key.Key_Return)  # typo in the second one
    assert wizard.currentPage() is wizard.admin
    assert wizard.admin.again_message.text() == "Les deux mots de passe sont différents."
    wizard.admin.password_again.setFocus()
    type_then(qtbot, "e", Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.programme)
    qtbot.waitUntil(lambda: focused() is wizard.programme.code)
    type_then(qtbot, "VEN26")
    type_then(qtbot, "Pass numérique Vénissieux")
    with qtbot.waitSignal(wizard.accepted):
        type_then(qtbot, "", Qt.Key.Key_Return)

    assert wizard.actor is not None and wizard.actor.login == "marie.dupont"
    assert wizard.actor.role is Role.ADMIN
    assert services.accounts.desk().siret == "73282932000074"
    programme = services.programmes.get("VEN26")
    assert programme.vouchers_per_booklet == 10 and programme.shares[0].funder == "État"
    assert services.accounts.authenticate("marie.dupont", "un-mot-de-passe").id == wizard.actor.id
    window = build_window(services, wizard.actor, runner)
    qtbot.addWidget(window)
    assert "Marie Dupont" in window.windowTitle()


def test_the_demonstration_gets_to_a_populated_desk(qtbot, services, runner, wizard) -> None:  # noqa: ANN001
    qtbot.mouseClick(wizard.welcome.demo_button, Qt.MouseButton.LeftButton)
    assert wizard.welcome.progress.isVisible()
    qtbot.waitUntil(
        lambda: not wizard.isVisible() or wizard.welcome.demo_button.isEnabled(), timeout=120_000
    )
    assert wizard.result() == QWizard.DialogCode.Accepted, wizard.welcome.message.text()
    assert wizard.actor is not None and wizard.actor.role is Role.ADMIN
    assert services.beneficiaries.count() > 0
    assert services.stock.counts().in_stock > 0
    window = build_window(services, wizard.actor, runner)
    qtbot.addWidget(window)
    assert window.serve_page is window.current_page()


def test_escape_leaves_the_assistant(qtbot, wizard) -> None:  # noqa: ANN001
    with qtbot.waitSignal(wizard.rejected):
        qtbot.keyClick(focused(), Qt.Key.Key_Escape)
    assert wizard.result() == QWizard.DialogCode.Rejected
