"""The places page: the directory, add and edit, refusals next to the field, roles."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from passdesk.ui.pages.places.edit_place import PlaceDialog
from passdesk.ui.pages.places.page import PlacesPage
from tests.ui import pages_fixtures
from tests.ui.pages_fixtures import OFFSCREEN_NOISE, Desk

pytestmark = OFFSCREEN_NOISE
desk = pages_fixtures.desk


def make_page(qtbot: Any, desk: Desk, actor: Any = None) -> PlacesPage:
    page = PlacesPage(desk.context(actor))
    qtbot.addWidget(page)
    page.resize(1000, 600)
    page.show()
    qtbot.waitExposed(page)
    return page


def open_dialog(qtbot: Any, page: PlacesPage, button: Any) -> PlaceDialog:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.dialog is not None and page.dialog.isVisible())
    assert page.dialog is not None
    return page.dialog


def test_the_model_passes_the_model_tester(qtbot: Any, qtmodeltester: Any, desk: Desk) -> None:
    page = make_page(qtbot, desk)
    assert page.model.rowCount() == 3
    qtmodeltester.check(page.model)


def test_add_a_place_with_the_keyboard(qtbot: Any, desk: Desk) -> None:
    page = make_page(qtbot, desk, desk.supervisor)
    dialog = open_dialog(qtbot, page, page.add_button)
    qtbot.waitUntil(lambda: dialog.edits["name"].hasFocus())
    dialog.edits["name"].insert("Médiathèque")  # QTest types ASCII only
    qtbot.keyClicks(dialog.edits["name"], " Flora Tristan")
    qtbot.keyClicks(dialog.edits["postcode"], "33800")
    qtbot.keyClicks(dialog.edits["commune"], "Bordeaux")
    dialog.services["Maîtrise des outils numériques du quotidien"].setChecked(True)
    with qtbot.waitSignal(dialog.saved):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    names = [p.name for p in desk.services.places.list()]
    assert "Médiathèque Flora Tristan" in names
    assert page.model.rowCount() == 4
    assert page.selected().name == "Médiathèque Flora Tristan"
    assert "Médiathèque Flora Tristan" in page.message.text()


def test_edit_the_selected_place(qtbot: Any, desk: Desk) -> None:
    page = make_page(qtbot, desk, desk.supervisor)
    page.view.selectRow(1)
    place = page.selected()
    dialog = open_dialog(qtbot, page, page.edit_button)
    assert dialog.edits["name"].text() == place.name
    dialog.edits["opening_hours"].setText("Mo-Fr 09:00-17:00")
    dialog.active.setChecked(False)
    with qtbot.waitSignal(dialog.saved):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    stored = next(p for p in desk.services.places.list() if p.id == place.id)
    assert stored.opening_hours == "Mo-Fr 09:00-17:00"
    assert stored.active is False
    assert stored.services == place.services


def test_a_refusal_shows_next_to_its_field_and_stores_nothing(qtbot: Any, desk: Desk) -> None:
    page = make_page(qtbot, desk, desk.supervisor)
    dialog = open_dialog(qtbot, page, page.add_button)
    qtbot.keyClicks(dialog.edits["name"], "Espace Test")
    qtbot.keyClicks(dialog.edits["postcode"], "330")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "5 chiffres" in dialog.messages["postcode"].text()
    assert dialog.isVisible()
    assert len(desk.services.places.list()) == 3
    dialog.edits["name"].clear()
    dialog.edits["postcode"].clear()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.messages["name"].text()
    assert len(desk.services.places.list()) == 3


def test_an_agent_sees_the_directory_but_is_not_offered_editing(qtbot: Any, desk: Desk) -> None:
    page = make_page(qtbot, desk, desk.agent)
    assert page.model.rowCount() == 3
    assert page.add_button.isHidden() and page.edit_button.isHidden()
    page.view.selectRow(0)
    qtbot.keyClick(page.view, Qt.Key.Key_Return)
    assert page.dialog is None
