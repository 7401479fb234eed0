"""The beneficiaries page: paged list, search as you type, open, edit with checks as you type."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from passdesk.ui.pages.beneficiaries.edit_person import BeneficiaryDialog
from passdesk.ui.pages.beneficiaries.page import BeneficiariesPage
from tests.ui import pages_fixtures
from tests.ui.pages_fixtures import OFFSCREEN_NOISE, Desk, build_desk

pytestmark = OFFSCREEN_NOISE
desk = pages_fixtures.desk


def make_page(qtbot: Any, desk: Desk, actor: Any = None) -> BeneficiariesPage:
    page = BeneficiariesPage(desk.context(actor))
    qtbot.addWidget(page)
    page.resize(1000, 700)
    page.show()
    qtbot.waitExposed(page)
    return page


def open_editor(qtbot: Any, page: BeneficiariesPage, row: int) -> BeneficiaryDialog:
    page.view.selectRow(row)
    qtbot.mouseClick(page.edit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.dialog is not None and page.dialog.isVisible())
    assert page.dialog is not None
    return page.dialog


def test_the_model_passes_the_model_tester(qtbot: Any, qtmodeltester: Any, desk: Desk) -> None:
    page = make_page(qtbot, desk)
    assert page.model.rowCount() == 5
    qtmodeltester.check(page.model)


def test_a_long_list_is_read_a_page_at_a_time(
    qtbot: Any, qtmodeltester: Any, tmp_path: Any
) -> None:
    big = build_desk(tmp_path / "people.sqlite3", booklets=0, people=450, places=0)
    try:
        page = make_page(qtbot, big)
        assert page.model.total == 450
        assert page.model.rowCount() == 200
        assert page.model.canFetchMore()
        assert "450" in page.count_label.text()
        page.model.fetchMore()
        qtmodeltester.check(page.model)
        while page.model.canFetchMore():
            page.model.fetchMore()
        assert page.model.rowCount() == 450
        assert len({r.id for r in page.model.loaded_rows()}) == 450
    finally:
        big.services.close()


def test_search_as_you_type_ignores_accents_and_case(qtbot: Any, desk: Desk) -> None:
    page = make_page(qtbot, desk)
    qtbot.keyClicks(page.search, "helene")
    assert page.model.rowCount() == 1
    assert page.model.row_at(0).first_name == "Hélène"
    assert "1 personne" in page.count_label.text()
    page.search.clear()
    assert page.model.rowCount() == 5


def test_enter_on_a_single_result_opens_the_person(qtbot: Any, desk: Desk) -> None:
    page = make_page(qtbot, desk)
    qtbot.keyClicks(page.search, "Dubois")
    with qtbot.waitSignal(page.open_requested) as opened:
        qtbot.keyClick(page.search, Qt.Key.Key_Return)
    assert desk.services.beneficiaries.get(opened.args[0]).last_name == "Dubois"


def test_enter_in_the_table_opens_the_selected_person(qtbot: Any, desk: Desk) -> None:
    page = make_page(qtbot, desk)
    page.search.setFocus()
    assert page.model.rowCount() > 1  # several people: Enter goes to the table
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    assert page.view.hasFocus() or page.view.currentIndex().row() == 0
    chosen = page.model.row_at(0)
    with qtbot.waitSignal(page.open_requested) as opened:
        qtbot.keyClick(page.view, Qt.Key.Key_Return)
    assert opened.args == [chosen.id]
    with qtbot.waitSignal(page.open_requested) as opened:
        qtbot.mouseClick(page.open_button, Qt.MouseButton.LeftButton)
    assert opened.args == [chosen.id]


def test_edit_checks_as_you_type_and_saves(qtbot: Any, desk: Desk) -> None:
    page = make_page(qtbot, desk, desk.agent)
    person = page.model.row_at(0)
    dialog = open_editor(qtbot, page, 0)
    dialog.form.edits["phone"].clear()
    qtbot.keyClicks(dialog.form.edits["phone"], "12")
    assert "10 chiffres" in dialog.form.messages["phone"].text()
    dialog.form.edits["phone"].clear()
    qtbot.keyClicks(dialog.form.edits["phone"], "06 12 34 56 78")
    assert dialog.form.messages["phone"].text() == ""
    dialog.form.needs["job_search"].setChecked(True)
    dialog.form.target_group.setCurrentIndex(dialog.form.target_group.findData("senior"))
    with qtbot.waitSignal(dialog.saved):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    stored = desk.services.beneficiaries.get(person.id)
    assert stored.phone == "0612345678"
    assert "job_search" in stored.diagnostic
    assert stored.target_group == "senior"
    assert person.full_name in page.message.text()


def test_an_invalid_edit_is_refused_next_to_the_field_and_stores_nothing(
    qtbot: Any, desk: Desk
) -> None:
    page = make_page(qtbot, desk)
    person = page.model.row_at(0)
    dialog = open_editor(qtbot, page, 0)
    dialog.form.edits["birth_date"].clear()
    qtbot.keyClicks(dialog.form.edits["birth_date"], "31/02/1980")
    assert dialog.form.messages["birth_date"].text()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "Corrigez" in dialog.message.text()
    assert dialog.isVisible()
    assert desk.services.beneficiaries.get(person.id) == person


def test_escape_closes_the_editor(qtbot: Any, desk: Desk) -> None:
    page = make_page(qtbot, desk)
    dialog = open_editor(qtbot, page, 1)
    with qtbot.waitSignal(dialog.finished):
        qtbot.keyClick(dialog.form.edits["last_name"], Qt.Key.Key_Escape)
