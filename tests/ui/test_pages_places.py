"""The places page: the directory, add and edit, refusals next to the field, roles."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from passdesk.ui.pages.places.edit_place import PlaceDialog
from passdesk.ui.pages.places.import_places import PlaceImportDialog
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


# --- importing the national directory ---------------------------------------------------------

PLACES_HEADER = "id;nom;commune;code_postal;latitude;longitude;services;horaires;modalites_acces"


def places_file(folder: Path, *rows: str) -> Path:
    """A directory file in the national standard's columns (near Bordeaux, where the desk is)."""
    path = folder / "lieux.csv"
    path.write_text(PLACES_HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


BORDEAUX = (
    "bx-1;Médiathèque Mériadeck;Bordeaux;33000;44,8378;-0,5792;"
    "Aide aux démarches administratives;Mo-Fr 09:00-17:00;Se présenter",
    "bx-2;Centre social Bastide;Bordeaux;33100;44.8420;-0.5560;"
    "Maîtrise des outils numériques du quotidien;Tu-Sa 10:00-18:00;Téléphoner",
    "paris-1;Espace Paris 11;Paris;75011;48.8590;2.3800;Aide aux démarches administratives;;",
)


def database_rows(desk: Desk) -> list[str]:
    """Every row of the desk's database, to prove that nothing was written."""
    import sqlite3

    from sqlalchemy.engine import make_url

    connection = sqlite3.connect(str(make_url(desk.services.db.url).database))
    try:
        return list(connection.iterdump())
    finally:
        connection.close()


def open_import(
    qtbot: Any, desk: Desk, runner: Any, path: Path, monkeypatch: Any
) -> tuple[PlacesPage, Any]:
    """The supervisor clicks Import… and picks `path`; the preview is read off the UI thread."""
    from PySide6.QtWidgets import QFileDialog

    page = PlacesPage(desk.context(desk.supervisor, runner))
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert isinstance(dialog, PlaceImportDialog)
    qtbot.waitUntil(lambda: dialog.plan is not None or bool(dialog.message.text()))
    return page, dialog


def test_the_import_preview_shows_the_counts_and_cancel_writes_nothing(
    qtbot: Any, desk: Desk, runner: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    before = database_rows(desk)
    page, dialog = open_import(qtbot, desk, runner, places_file(tmp_path, *BORDEAUX), monkeypatch)
    assert dialog.isVisible()
    summary = dialog.summary.text()
    assert "3 lignes lues : 2 nouveaux" in summary and "1 à plus de 30 km" in summary
    assert "0 refusés" in summary
    assert dialog.import_button.isEnabled()
    with qtbot.waitSignal(dialog.rejected):
        qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert database_rows(desk) == before
    assert page.model.rowCount() == 3


def test_confirming_the_import_writes_the_directory(
    qtbot: Any, desk: Desk, runner: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    page, dialog = open_import(qtbot, desk, runner, places_file(tmp_path, *BORDEAUX), monkeypatch)
    with qtbot.waitSignal(dialog.imported):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    names = {p.name for p in desk.services.places.list()}
    assert {"Médiathèque Mériadeck", "Centre social Bastide"} <= names
    assert "Espace Paris 11" not in names
    assert page.model.rowCount() == 5
    assert page.message.text() == "L'annuaire des lieux est à jour."


def test_a_rejected_row_is_shown_with_its_reason_and_nothing_can_be_imported(
    qtbot: Any, desk: Desk, runner: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    nameless = "bx-3;;Bordeaux;33000;44.84;-0.57;Aide aux démarches administratives;;"
    before = database_rows(desk)
    path = places_file(tmp_path, *BORDEAUX, nameless)
    _page, dialog = open_import(qtbot, desk, runner, path, monkeypatch)
    assert "1 refusés" in dialog.summary.text()
    shown = [dialog.details.item(i).text() for i in range(dialog.details.count())]
    assert any(line.startswith("Ligne 5") and "nom" in line for line in shown), shown
    assert not dialog.import_button.isEnabled()
    assert "rien ne sera importé" in dialog.message.text()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert database_rows(desk) == before
