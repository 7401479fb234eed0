"""The Transfers page (issue 13): offered only where the database holds several desks, to the
roles that may transfer; a range given by keyboard and scanner alone, said in full before it
moves; a refusal in French that moves nothing; every underlined letter unique in French and
English; the window's title names the logged-in agent's own desk.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import QApplication

from passdesk import codes, i18n
from passdesk.ui.main_window import MainWindow
from passdesk.ui.pages.transfers.page import TransfersPage
from passdesk.ui.qt_i18n import install_qt_translations
from tests.territory import SECOND_CODE, SECOND_NAME, second_desk
from tests.ui import pages_fixtures
from tests.ui.conftest import focused, type_text
from tests.ui.mnemonics import clashes, owners, press
from tests.ui.pages_fixtures import OTHER_PROGRAMME, PROGRAMME, Desk

pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support propagateSizeHints", r"This plugin does not support raise\(\)"
)
desk = pages_fixtures.desk
DESK_NAME = "Mairie de Test"  # tests/desks.py's pages desk


@pytest.fixture
def territory(desk: Desk) -> Desk:
    """The pages desk made the coordination, and VAULX beside it with an administrator and an
    agent."""
    services = desk.services
    code = services.desks.get(desk.admin.desk_id).code
    services.desks.set_kind(desk.admin, code, "coordination")
    second_desk(services)
    return desk


def open_window(qtbot: Any, desk: Desk, actor: Any, runner: Any) -> MainWindow:
    desk.services.act_as(actor)  # as the login does
    window = MainWindow(desk.context(actor, runner))
    qtbot.addWidget(window)
    window.resize(1280, 720)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window


def show_transfers(qtbot: Any, window: MainWindow) -> TransfersPage:
    page = window.page("TransfersPage")
    window.show_page(window.pages.index(page))
    qtbot.waitUntil(lambda: window.current_page() is page)
    return page


def press_key(qtbot: Any, key: Qt.Key, modifier: Qt.KeyboardModifier | None = None) -> None:
    """A key pressed where the focus is, as the agent presses it."""
    qtbot.keyClick(focused(), key, modifier or Qt.KeyboardModifier.NoModifier)


def test_offered_only_with_several_desks_and_to_who_may_transfer(
    qtbot: Any, desk: Desk, runner: Any
) -> None:
    alone = open_window(qtbot, desk, desk.admin, runner)
    assert alone.page("TransfersPage") is None  # one desk: the window as before
    assert alone.windowTitle().startswith(f"PassDesk — {DESK_NAME} — ")
    alone.close()

    vadmin, vagent = second_desk(desk.services)
    for actor, offered in ((desk.admin, True), (desk.supervisor, True), (desk.agent, False)):
        window = open_window(qtbot, desk, actor, runner)
        assert (window.page("TransfersPage") is not None) is offered, actor.login
        window.close()
    # Each agent's title names their own desk, whichever desk the process opened first.
    at_vaulx = open_window(qtbot, desk, vagent, runner)
    assert at_vaulx.windowTitle().startswith(f"PassDesk — {SECOND_NAME} — Vagent ")
    assert at_vaulx.page("TransfersPage") is None  # an agent's role does not transfer
    at_vaulx.close()
    vaulx_admin = open_window(qtbot, desk, vadmin, runner)
    assert SECOND_NAME in vaulx_admin.windowTitle()
    assert vaulx_admin.page("TransfersPage") is not None


def test_a_range_given_by_keyboard_and_scanner_alone(
    qtbot: Any, territory: Desk, runner: Any
) -> None:
    services = territory.services
    window = open_window(qtbot, territory, territory.admin, runner)
    page = show_transfers(qtbot, window)
    form = page.form
    assert [(h.desk_code, h.programme_code) for h in page.holdings.loaded_rows()][:2] == [
        (services.desks.get(territory.admin.desk_id).code, OTHER_PROGRAMME),
        (services.desks.get(territory.admin.desk_id).code, PROGRAMME),
    ]
    assert page.transfers.rowCount() == 0

    # The page opens on the first booklet's field, which Alt+C (French: "Premier &carnet")
    # reaches again; the scanner types the other programme's booklet 4 and Enter: the
    # programme follows the code.
    assert focused() is form.first
    press_key(qtbot, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    assert focused() is form.count
    press_key(qtbot, Qt.Key.Key_C, Qt.KeyboardModifier.AltModifier)
    assert focused() is form.first
    type_text(qtbot, codes.booklet_code(OTHER_PROGRAMME, 4))
    press_key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: focused() is form.count)
    assert form.programme.currentData() == OTHER_PROGRAMME
    type_text(qtbot, "3")
    press_key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: focused() is form.target)  # chosen, never taken by default
    assert form.target.currentData() == SECOND_CODE and not form.confirm_button.isEnabled()
    press_key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: focused() is form.confirm_button)
    summary = form.summary.text()
    first, last = codes.booklet_code(OTHER_PROGRAMME, 4), codes.booklet_code(OTHER_PROGRAMME, 6)
    assert f"3 carnets de {OTHER_PROGRAMME}" in summary and f"de {first} à {last}" in summary
    assert f"vers {SECOND_CODE} ({SECOND_NAME})" in summary
    assert services.transfers.transfers() == []  # nothing moved before the confirmation

    press_key(qtbot, Qt.Key.Key_Return)  # Enter on the focused button confirms
    qtbot.waitUntil(lambda: page.transfers.rowCount() == 1)
    [row] = services.transfers.transfers()
    assert (row.to_code, row.first_code, row.last_code, row.count) == (SECOND_CODE, first, last, 3)
    assert "3 carnets transférés" in form.message.text() and not form.message.is_error()
    held = {(h.desk_code, h.programme_code): h.in_stock for h in page.holdings.loaded_rows()}
    assert held[(SECOND_CODE, OTHER_PROGRAMME)] == 3
    assert focused() is form.first and form.first.text() == "" and form.count.text() == ""
    assert not form.confirm_button.isEnabled()


def test_a_refused_range_moves_nothing_and_says_why_in_french(
    qtbot: Any, territory: Desk, runner: Any
) -> None:
    services = territory.services
    person = services.beneficiaries.list(limit=1)[0]
    services.handouts.hand_out(territory.admin, person.id, codes_=[territory.booklet(3)])
    window = open_window(qtbot, territory, territory.admin, runner)
    page = show_transfers(qtbot, window)
    form = page.form
    before = services.transfers.holdings(territory.admin)
    form.programme.setCurrentIndex(form.programme.findData(PROGRAMME))
    form.first.setFocus()
    type_text(qtbot, "1")
    press_key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: focused() is form.count)
    type_text(qtbot, "5")
    press_key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: focused() is form.target)
    press_key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: focused() is form.confirm_button)
    press_key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: form.message.isVisible() and form.message.is_error())
    assert "Rien n'a été transféré" in form.message.text()
    assert f"{territory.booklet(3)} a été remis" in form.message.text()
    assert (
        services.transfers.transfers() == []
        and services.transfers.holdings(territory.admin) == before
    )
    assert page.transfers.rowCount() == 0 and not form.confirm_button.isEnabled()


@pytest.mark.parametrize(
    ("first", "count", "french"),
    [
        ("", "5", "Indiquez le numéro du premier carnet"),
        ("1", "0", "Indiquez le nombre de carnets à transférer, de 1 à"),
        ("1", "beaucoup", "Indiquez le nombre de carnets"),
        ("MGP19-C000001-00", "5", "la clé de contrôle ne correspond pas"),  # a misread scan
        ("0", "5", "Les numéros de carnet commencent à 1"),
    ],
)
def test_bad_input_is_said_before_anything_is_asked(
    qtbot: Any, territory: Desk, first: str, count: str, french: str
) -> None:
    page = TransfersPage(territory.context(territory.admin))
    qtbot.addWidget(page)
    page.show()
    form = page.form
    form.first.setText(first)
    form.count.setText(count)
    form.check_button.click()
    assert french in form.message.text()
    assert form.plan is None and not form.confirm_button.isEnabled()
    assert territory.services.transfers.transfers() == []


def test_an_ordinary_desk_gives_back_to_the_coordination_only(qtbot: Any, territory: Desk) -> None:
    services = territory.services
    services.desks.add_desk(territory.admin, code="BRON", name="Mairie de Bron", admin_login="bron")
    vadmin = services.accounts.actor("vadmin")
    page = TransfersPage(territory.context(vadmin))
    qtbot.addWidget(page)
    coordination = services.desks.get(territory.admin.desk_id).code
    assert [page.form.target.itemData(i) for i in range(page.form.target.count())] == [coordination]
    at_the_coordination = TransfersPage(territory.context(territory.admin))
    qtbot.addWidget(at_the_coordination)
    target = at_the_coordination.form.target
    assert [target.itemData(i) for i in range(target.count())] == [SECOND_CODE, "BRON"]


@pytest.fixture(params=["fr", "en"])
def language(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    locale = QLocale()
    i18n.set_language(request.param)
    install_qt_translations(qapp, request.param)
    yield request.param
    install_qt_translations(qapp, "en")
    QLocale.setDefault(locale)
    i18n.set_language("fr")


def test_every_underlined_letter_of_the_page_is_unique_and_works(
    qtbot: Any, territory: Desk, runner: Any, language: str
) -> None:
    window = open_window(qtbot, territory, territory.admin, runner)
    page = show_transfers(qtbot, window)
    texts = {o.text.rstrip(" :\u00a0\u202f") for o in owners(window)}
    expected = {"Vé&rifier", "&Vers le guichet"} if language == "fr" else {"&Check", "&To the desk"}
    assert expected <= texts, texts
    assert clashes(window) == {}
    assert press(window) == []
    assert page.isVisible()
