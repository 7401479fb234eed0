"""The person's data from the serve panel: opening is logged (the search list is not), the
notice printed for them, their data exported, their identity erased through its dialog; an
agent is offered the notice only; the retention run at start-up works off the UI thread."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from passdesk.services import Services
from passdesk.store import open_database
from passdesk.ui.context import UiContext
from passdesk.ui.pages.serve.page import ServePage
from passdesk.ui.pages.serve.person_data import EraseDialog
from passdesk.ui.retention import RetentionKeeper
from tests.desks import MovableClock, Templates, unit_plan
from tests.ui.conftest import type_text


@pytest.fixture
def page_for(qtbot, desk, runner):  # noqa: ANN001, ANN201
    def make(actor):  # noqa: ANN001, ANN202
        page = ServePage(UiContext(desk.services, actor, runner))
        qtbot.addWidget(page)
        page.resize(1100, 800)
        page.show()
        qtbot.waitExposed(page)
        page.activateWindow()
        qtbot.waitUntil(page.isActiveWindow)
        return page

    return make


def log_of(desk, person: int) -> list[str]:  # noqa: ANN001
    return [e.action for e in desk.services.access_log.entries(desk.admin, beneficiary_id=person)]


def open_known(qtbot, page, desk) -> None:  # noqa: ANN001
    page.search_edit.setFocus()
    with qtbot.waitSignal(page.results_shown):
        type_text(qtbot, "n'diaye")
    assert log_of(desk, desk.known.id) == []  # the list of results is not an access
    qtbot.keyClick(page.search_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.person_panel.person is not None)


def test_the_panel_prints_the_notice_and_exports_the_data(qtbot, page_for, desk, tmp_path) -> None:  # noqa: ANN001
    page = page_for(desk.supervisor)
    open_known(qtbot, page, desk)
    box = page.person_panel.data_box
    assert box.isVisible() and box.export_button.isVisible() and box.erase_button.isVisible()
    assert log_of(desk, desk.known.id) == ["opened"]
    box.write_notice(tmp_path / "notice.pdf")
    qtbot.waitUntil(lambda: "version" in box.message.text())
    assert (tmp_path / "notice.pdf").read_bytes().startswith(b"%PDF")
    box.export(tmp_path / "data.json")
    qtbot.waitUntil(lambda: "data.json" in box.message.text())
    data = json.loads((tmp_path / "data.json").read_text("utf-8"))
    assert data["beneficiary"]["id"] == desk.known.id
    assert [e["action"] for e in data["access_log"]] == ["opened", "notice", "exported"]
    assert log_of(desk, desk.known.id) == ["exported", "notice", "opened"]


def test_erasing_from_the_panel(qtbot, page_for, desk) -> None:  # noqa: ANN001
    page = page_for(desk.supervisor)
    open_known(qtbot, page, desk)
    box = page.person_panel.data_box
    qtbot.mouseClick(box.erase_button, Qt.MouseButton.LeftButton)
    dialog = box.dialog
    assert isinstance(dialog, EraseDialog)
    qtbot.waitExposed(dialog)
    qtbot.mouseClick(dialog.erase_button, Qt.MouseButton.LeftButton)  # no reason yet
    assert "motif" in dialog.message.text() and dialog.isVisible()
    assert desk.services.erasure.preview(desk.admin).already_erased == 0
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.reason_edit)
    type_text(qtbot, "demande écrite du 3 mars", dialog.reason_edit)
    with qtbot.waitSignal(box.erased):
        qtbot.mouseClick(dialog.erase_button, Qt.MouseButton.LeftButton)
    assert page.person_panel.person is None  # back to an empty search
    assert "est effacée" in page.search_message.text()
    assert desk.services.beneficiaries.search("ndiaye") == []
    assert log_of(desk, desk.known.id) == ["erased", "opened"]


def test_an_agent_is_offered_the_notice_only(qtbot, page_for, desk) -> None:  # noqa: ANN001
    page = page_for(desk.agent)
    open_known(qtbot, page, desk)
    box = page.person_panel.data_box
    assert box.notice_button.isVisible()
    assert not box.export_button.isVisible() and not box.erase_button.isVisible()


def test_the_retention_run_at_start_up_erases_the_idle_off_the_ui_thread(
    qtbot,
    runner,
    desk_templates: Templates,
    tmp_path,  # noqa: ANN001
) -> None:
    plan = unit_plan(["admin", "agent", "person"])  # Hélène, registered on 10/03/2026
    made = desk_templates.copy(plan, tmp_path / "old.sqlite3")
    clock = MovableClock(datetime(2029, 6, 1, 12, tzinfo=UTC))  # 39 months on
    services = Services.build(open_database(tmp_path / "old.sqlite3"), clock)
    try:
        keeper = RetentionKeeper(services, runner)
        with qtbot.waitSignal(keeper.done, timeout=10_000) as done:
            keeper.start()
        assert done.args[0].erased == 1
        assert keeper.timer.isActive() and not keeper.running
        assert services.erasure.preview(made["admin"]).already_erased == 1
        keeper.timer.stop()
    finally:
        services.close()
