"""The login dialog, driven with the keyboard."""

from __future__ import annotations

from PySide6.QtCore import Qt

from passdesk.ui.login import LoginDialog
from tests.ui.conftest import ADMIN_PASSWORD


def test_login_by_keyboard(qtbot, desk) -> None:  # noqa: ANN001
    dialog = LoginDialog(desk.services)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.keyClicks(dialog.login_edit, "admin")
    qtbot.keyClick(dialog.login_edit, Qt.Key.Key_Tab)
    qtbot.keyClicks(dialog.password_edit, ADMIN_PASSWORD)
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    assert dialog.actor is not None and dialog.actor.login == "admin"


def test_wrong_password_is_said_in_french_next_to_the_field(qtbot, desk) -> None:  # noqa: ANN001
    dialog = LoginDialog(desk.services, login="admin")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.password_edit, "pas-le-bon")
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert dialog.message.isVisible()
    assert dialog.message.text() == "Identifiant ou mot de passe incorrect."
    assert dialog.message.accessibleDescription() == dialog.message.text()


def test_escape_closes_the_dialog(qtbot, desk) -> None:  # noqa: ANN001
    dialog = LoginDialog(desk.services)
    qtbot.addWidget(dialog)
    dialog.show()
    with qtbot.waitSignal(dialog.rejected):
        qtbot.keyClick(dialog.login_edit, Qt.Key.Key_Escape)


def test_enter_typed_while_the_database_opens_logs_in_once_it_is_open(qtbot, desk) -> None:  # noqa: ANN001
    dialog = LoginDialog(None)  # shown before the database layer is even imported
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.login_edit, "admin")
    qtbot.keyClicks(dialog.password_edit, ADMIN_PASSWORD)
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.message.text() == "Ouverture de la base de données…"
    with qtbot.waitSignal(dialog.accepted):
        dialog.set_services(desk.services)
    assert dialog.actor.login == "admin"
    assert dialog.heading.text() == "France Services Vénissieux"
