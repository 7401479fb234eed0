"""The personal-data page (administrators): the notice in force, the purge's preview and the
purge, the access log filtered by person; only administrators have the page."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from passdesk.services import Services
from passdesk.store import open_database
from passdesk.ui.context import UiContext
from passdesk.ui.pages.privacy.page import PrivacyPage
from passdesk.ui.worker import SyncRunner
from tests.desks import MovableClock, Templates, unit_plan
from tests.ui.pages_fixtures import OFFSCREEN_NOISE

pytestmark = OFFSCREEN_NOISE


@pytest.fixture
def old_desk(desk_templates: Templates, tmp_path: Path) -> Iterator[tuple[Services, Any]]:
    """Hélène registered on 10/03/2026 and opened once; the clock in June 2029."""
    made = desk_templates.copy(unit_plan(["admin", "agent", "person"]), tmp_path / "d.sqlite3")
    clock = MovableClock(datetime(2026, 9, 1, 12, tzinfo=UTC))
    services = Services.build(open_database(tmp_path / "d.sqlite3"), clock)
    services.beneficiaries.open(made["yanis.benali"], made["person"].id)
    clock.now = datetime(2029, 6, 1, 12, tzinfo=UTC)
    services.beneficiaries.open(made["yanis.benali"], made["person"].id)
    yield services, made
    services.close()


def make_page(qtbot: Any, services: Services, actor: Any) -> PrivacyPage:
    page = PrivacyPage(UiContext(services, actor, SyncRunner()))  # type: ignore[arg-type]
    qtbot.addWidget(page)
    page.resize(1000, 800)
    page.show()
    qtbot.waitExposed(page)
    return page


def test_the_page_previews_then_purges(qtbot: Any, old_desk: Any, qtmodeltester: Any) -> None:
    services, made = old_desk
    page = make_page(qtbot, services, made["admin"])
    assert "Version 1, en vigueur depuis le 10/03/2026" in page.notice_label.text()
    assert page.candidates.rowCount() == 1
    assert page.candidates.row_at(0).beneficiary_id == made["person"].id
    assert "1 personne n'a eu ni remise" in page.purge_label.text()
    assert page.entries.rowCount() == 1  # the 2026 opening is past six months
    qtmodeltester.check(page.candidates)
    qtmodeltester.check(page.entries)
    assert page.purge_button.isEnabled()
    qtbot.mouseClick(page.purge_button, Qt.MouseButton.LeftButton)
    assert "1 personne effacée" in page.message.text()
    assert page.candidates.rowCount() == 0 and not page.purge_button.isEnabled()
    assert [page.entries.row_at(i).action for i in range(page.entries.rowCount())] == [
        "purged",
        "opened",
    ]
    assert page.entries.row_at(0).agent_login == "admin"


def test_the_log_is_filtered_by_person(qtbot: Any, old_desk: Any) -> None:
    services, made = old_desk
    page = make_page(qtbot, services, made["admin"])
    page.person_edit.setText("999")
    qtbot.keyClick(page.person_edit, Qt.Key.Key_Return)
    assert page.entries.rowCount() == 0 and page.log_count.text() == "0 entrée"
    page.person_edit.setText("douze")
    qtbot.keyClick(page.person_edit, Qt.Key.Key_Return)
    assert "nombre entier" in page.message.text()
    page.person_edit.setText(str(made["person"].id))
    qtbot.keyClick(page.person_edit, Qt.Key.Key_Return)
    assert page.entries.rowCount() == 1 and not page.message.text()


def test_the_notice_is_saved_as_a_pdf(qtbot: Any, old_desk: Any, tmp_path: Path) -> None:
    services, made = old_desk
    services.settings.set(made["admin"], "dpo_contact", "dpo@villeurbanne.fr")
    page = make_page(qtbot, services, made["admin"])
    assert "première impression" in page.notice_label.text()  # the new words: not stored yet
    page.save_notice(tmp_path / "notice.pdf")
    assert "version 2" in page.message.text()
    assert "Version 2" in page.notice_label.text()
    assert (tmp_path / "notice.pdf").read_bytes().startswith(b"%PDF")


def test_only_administrators_have_the_page(qtbot: Any, desk: Any, runner: Any) -> None:
    from passdesk.app import build_window

    for actor, shown in ((desk.admin, True), (desk.supervisor, False), (desk.agent, False)):
        window = build_window(desk.services, actor, runner)
        qtbot.addWidget(window)
        assert (window.page("PrivacyPage") is not None) is shown
        window.idle.stop()
