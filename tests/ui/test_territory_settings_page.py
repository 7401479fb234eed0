"""The settings page of a territory's database (issue 13): the people-shared setting shows to an
administrator of the desk holding it, and only there; saved, every desk reads it."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox

from passdesk.ui.pages.settings import SettingsPage
from tests.desks import START
from tests.territory import second_desk
from tests.ui import pages_fixtures
from tests.ui.pages_fixtures import OFFSCREEN_NOISE, Desk

pytestmark = OFFSCREEN_NOISE
desk = pages_fixtures.desk


def _page(qtbot: Any, desk: Desk, actor: Any) -> SettingsPage:
    page = SettingsPage(desk.context(actor))
    qtbot.addWidget(page)
    page.resize(900, 900)
    page.show()
    qtbot.waitExposed(page)
    return page


def test_people_shared_shows_to_the_territory_desks_administrator_only(
    qtbot: Any, desk: Desk
) -> None:
    alone = _page(qtbot, desk, desk.admin)
    assert "people_shared" not in alone.form.editors  # one desk: the page as before
    vadmin, _vagent = second_desk(desk.services, START)
    assert "people_shared" not in _page(qtbot, desk, vadmin).form.editors
    page = _page(qtbot, desk, desk.admin)
    box = page.form.editors["people_shared"].widget
    assert isinstance(box, QCheckBox) and box.isVisible() and not box.isChecked()
    box.setChecked(True)
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert page.message.text() == "Réglages enregistrés."
    desk.services.act_as(vadmin)
    assert desk.services.settings.get("people_shared") is True
