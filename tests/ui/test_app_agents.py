"""Agents in the window: an administrator's round trip on the Agents page (add, refuse a weak
password, role, new password, disable and enable, history), an agent's own new password, and
the lockout that the window and the console share and that an administrator lifts."""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from PySide6.QtCore import Qt

from passdesk.cli import main as console_main
from passdesk.errors import Refused
from passdesk.services import Services
from passdesk.ui.context import UiContext
from passdesk.ui.login import LoginDialog
from passdesk.ui.pages.agents.dialogs import PasswordDialog
from passdesk.ui.pages.agents.page import AgentsPage
from tests.desks import MovableClock
from tests.ui.conftest import AGENT_PASSWORD, type_text

NEW_PASSWORD = "tambour-girafe-citron"


@pytest.fixture
def page(qtbot, desk, runner) -> AgentsPage:  # noqa: ANN001
    page = AgentsPage(UiContext(desk.services, desk.admin, runner))
    qtbot.addWidget(page)
    page.resize(1000, 700)
    page.show()
    qtbot.waitExposed(page)
    return page


def row_of(page: AgentsPage, login: str) -> Any:
    return next(a for a in page.model.loaded_rows() if a.login == login)


def fill(qtbot, dialog, **values: str) -> None:  # noqa: ANN001
    for key, text in values.items():
        edit = dialog.fields[key]
        edit.clear()
        type_text(qtbot, text, edit)


def test_agent_management_round_trip(qtbot, page: AgentsPage, desk) -> None:  # noqa: ANN001
    accounts = desk.services.accounts
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    qtbot.waitUntil(dialog.isVisible)
    fill(qtbot, dialog, login="lea.martin", display_name="Léa Martin",
         password="azertyuiop1", again="azertyuiop1")  # fmt: skip
    dialog.role.setCurrentIndex(dialog.role.findData("supervisor"))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()  # a weak password is refused, and why, under its field
    assert "trop facile à deviner" in dialog.messages["password"].text()
    fill(qtbot, dialog, password=NEW_PASSWORD, again=NEW_PASSWORD)
    with qtbot.waitSignal(dialog.saved):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    created = row_of(page, "lea.martin")
    assert (created.display_name, created.role, created.active) == (
        "Léa Martin",
        "supervisor",
        True,
    )
    assert page.selected().login == "lea.martin"
    assert accounts.authenticate("lea.martin", NEW_PASSWORD).role == "supervisor"

    # another role
    page.role_combo.setCurrentIndex(page.role_combo.findData("agent"))
    qtbot.mouseClick(page.role_button, Qt.MouseButton.LeftButton)
    assert row_of(page, "lea.martin").role == "agent"
    assert "agent" in page.message.text()

    # a new password, given by the administrator
    qtbot.mouseClick(page.password_button, Qt.MouseButton.LeftButton)
    reset = page.dialog
    assert isinstance(reset, PasswordDialog)
    fill(qtbot, reset, password="citron-nuage-girafe", again="citron-nuage-girafe")
    with qtbot.waitSignal(reset.saved):
        qtbot.mouseClick(reset.save_button, Qt.MouseButton.LeftButton)
    with pytest.raises(Refused):
        accounts.authenticate("lea.martin", NEW_PASSWORD)
    assert accounts.authenticate("lea.martin", "citron-nuage-girafe").login == "lea.martin"

    # disabled (never deleted), then enabled again
    qtbot.mouseClick(page.active_button, Qt.MouseButton.LeftButton)
    assert row_of(page, "lea.martin").active is False
    assert page.active_button.text() == "Réac&tiver"
    with pytest.raises(Refused):
        accounts.authenticate("lea.martin", "citron-nuage-girafe")
    qtbot.mouseClick(page.active_button, Qt.MouseButton.LeftButton)
    assert row_of(page, "lea.martin").active is True

    history = [page.events.data(page.events.index(r, 1)) for r in range(page.events.rowCount())]
    assert history[0] == "réactivé" and history[-1].startswith("compte créé")
    assert any("réinitialisé" in h for h in history)
    assert page.events.data(page.events.index(0, 2)) == "admin"

    # the desk keeps an administrator: the only one cannot be disabled or demoted
    page.select("admin")
    qtbot.mouseClick(page.active_button, Qt.MouseButton.LeftButton)
    assert "propre compte" in page.message.text()
    page.role_combo.setCurrentIndex(page.role_combo.findData("agent"))
    qtbot.mouseClick(page.role_button, Qt.MouseButton.LeftButton)
    assert "seul administrateur" in page.message.text()
    assert row_of(page, "admin").role == "admin"


def test_an_agent_changes_their_own_password(qtbot, desk, runner) -> None:  # noqa: ANN001
    dialog = PasswordDialog(UiContext(desk.services, desk.agent, runner))
    qtbot.addWidget(dialog)
    dialog.show()
    fill(qtbot, dialog, current="pas-le-bon", password=NEW_PASSWORD, again=NEW_PASSWORD)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "incorrect" in dialog.messages["current"].text() and dialog.isVisible()
    fill(qtbot, dialog, current=AGENT_PASSWORD)
    with qtbot.waitSignal(dialog.saved):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert desk.services.accounts.authenticate("agent", NEW_PASSWORD).login == "agent"


# --- the lockout, shared by the window and the console ---------------------------------------


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock(datetime.now(UTC))


@pytest.fixture
def on_clock(desk, clock: MovableClock) -> Services:  # noqa: ANN001
    """The desk's services on a clock the test moves (the waits between wrong passwords)."""
    return Services.build(desk.services.db, clock)


@contextlib.contextmanager
def console_clock(clock: MovableClock) -> Iterator[None]:
    import passdesk.services as services_module

    real = services_module.open_services
    services_module.open_services = lambda database=None, **_kw: real(database, clock=clock)
    try:
        yield
    finally:
        services_module.open_services = real


def console(desk, *args: str, password: str) -> tuple[int, str]:  # noqa: ANN001
    err = io.StringIO()
    saved = os.environ.get("PASSDESK_PASSWORD")
    os.environ["PASSDESK_PASSWORD"] = password
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            status = console_main(["--database", str(desk.services.db.path), *args])
    finally:
        if saved is None:
            os.environ.pop("PASSDESK_PASSWORD", None)
        else:
            os.environ["PASSDESK_PASSWORD"] = saved
    return status, err.getvalue()


def login_once(qtbot, services: Services, login: str, password: str) -> LoginDialog:  # noqa: ANN001
    dialog = LoginDialog(services, login=login)
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(qtbot, password, dialog.password_edit)
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    return dialog


def test_six_wrong_passwords_in_the_window_lock_the_console_too_until_an_admin_unlocks(
    qtbot,
    desk,
    on_clock: Services,
    clock: MovableClock,
    page: AgentsPage,  # noqa: ANN001
) -> None:
    for attempt in range(1, 6):
        dialog = login_once(qtbot, on_clock, "agent", "pas-le-bon")
        assert dialog.isVisible() and "incorrect" in dialog.message.text(), attempt
        clock.advance(timedelta(minutes=1))
    dialog = login_once(qtbot, on_clock, "agent", "pas-le-bon")
    assert "verrouillé" in dialog.message.text()
    dialog = login_once(qtbot, on_clock, "agent", AGENT_PASSWORD)
    assert dialog.isVisible() and dialog.actor is None and "verrouillé" in dialog.message.text()

    status, err = console(desk, "--agent", "agent", "beneficiary", "find", "x",
                          password=AGENT_PASSWORD)  # fmt: skip
    assert status == 1 and "verrouillé" in err

    # the administrator sees it on the Agents page and lifts it
    page.refresh()
    page.select("agent")
    assert row_of(page, "agent").locked and "verrouillé" in page.model.data(
        page.model.index(page.view.currentIndex().row(), 3)
    )
    assert page.unlock_button.isEnabled()
    qtbot.mouseClick(page.unlock_button, Qt.MouseButton.LeftButton)
    assert not row_of(page, "agent").locked and not page.unlock_button.isEnabled()
    history = [page.events.data(page.events.index(r, 1)) for r in range(page.events.rowCount())]
    assert history[:2] == ["déverrouillé", "verrouillé après des mots de passe erronés"]
    assert page.events.data(page.events.index(1, 2)) == "PassDesk"
    assert login_once(qtbot, on_clock, "agent", AGENT_PASSWORD).actor is not None
    assert console(desk, "--agent", "agent", "beneficiary", "find", "x",
                   password=AGENT_PASSWORD)[0] == 0  # fmt: skip


def test_six_wrong_passwords_in_the_console_lock_the_window_too(
    qtbot,
    desk,
    on_clock: Services,
    clock: MovableClock,  # noqa: ANN001
) -> None:
    with console_clock(clock):
        for _attempt in range(5):
            status, err = console(desk, "--agent", "chef", "agent", "list", password="non")
            assert status == 1 and "incorrect" in err
            clock.advance(timedelta(minutes=1))
        status, err = console(desk, "--agent", "chef", "agent", "list", password="non")
    assert status == 1 and "verrouillé" in err
    dialog = login_once(qtbot, on_clock, "chef", AGENT_PASSWORD)
    assert dialog.actor is None and "verrouillé" in dialog.message.text()
