"""The serve page piece by piece: refusals next to the field, the supervisor's override asked in
place, live validation, Escape, "next booklet" in one key, and the table models."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from passdesk.services.rows import BeneficiaryRow
from passdesk.ui.context import UiContext
from passdesk.ui.pages.serve.history import HANDOUT_COLUMNS
from passdesk.ui.pages.serve.new_person import NewBeneficiaryDialog
from passdesk.ui.pages.serve.page import SEARCH_RESULT_COLUMNS, ServePage
from passdesk.ui.widgets.person_form import PersonForm
from passdesk.ui.widgets.table_models import RowTableModel
from tests.ui.conftest import focused, type_text

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def page_for(qtbot, desk, runner):  # noqa: ANN001, ANN201
    def make(actor):  # noqa: ANN001, ANN202
        page = ServePage(UiContext(desk.services, actor, runner))
        qtbot.addWidget(page)
        page.resize(1100, 750)
        page.show()
        qtbot.waitExposed(page)
        page.activateWindow()
        qtbot.waitUntil(page.isActiveWindow)
        return page

    return make


def open_known(qtbot, page, desk) -> None:  # noqa: ANN001
    page.search_edit.setFocus()
    with qtbot.waitSignal(page.results_shown):
        type_text(qtbot, "n'diaye")
    qtbot.keyClick(page.search_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.person_panel.person is not None)
    assert page.person_panel.person.id == desk.known.id


def scan(qtbot, page, code: str) -> None:  # noqa: ANN001
    panel = page.person_panel
    panel.scan_edit.setFocus()
    panel.scan_edit.clear()
    type_text(qtbot, code, panel.scan_edit)
    qtbot.keyClick(panel.scan_edit, Qt.Key.Key_Return)


def test_enter_typed_before_the_results_came_opens_the_first_one(qtbot, page_for, desk) -> None:  # noqa: ANN001
    page = page_for(desk.agent)
    type_text(qtbot, "HELENE", page.search_edit)
    qtbot.keyClick(page.search_edit, Qt.Key.Key_Return)  # at once, as a fast typist does
    qtbot.waitUntil(lambda: page.person_panel.person is not None)
    assert page.person_panel.person.id == desk.known.id
    assert page.last_search_ms is not None


def test_a_typo_in_a_scanned_code_is_refused_in_french(qtbot, page_for, desk) -> None:  # noqa: ANN001
    page = page_for(desk.agent)
    open_known(qtbot, page, desk)
    good = desk.booklet(4)
    typo = good.replace("C000004", "C000007")
    scan(qtbot, page, typo)
    panel = page.person_panel
    assert not panel.confirmation.isVisible()
    assert panel.scan_message.isVisible()
    text = panel.scan_message.text()
    assert text and "Traceback" not in text and "code" in text.lower()
    assert panel.scan_edit.selectedText() == panel.scan_edit.text()  # the next scan replaces it
    scan(qtbot, page, good)
    assert panel.confirmation.isVisible() and not panel.scan_message.isVisible()
    qtbot.keyClick(focused(), Qt.Key.Key_Escape)  # forget the booklet, keep the person
    assert not panel.confirmation.isVisible() and panel.person is not None


def test_an_agent_is_not_offered_the_override(qtbot, page_for, desk) -> None:  # noqa: ANN001
    desk.services.handouts.hand_out(desk.admin, desk.known.id, codes_=[desk.booklet(1)])
    page = page_for(desk.agent)
    open_known(qtbot, page, desk)
    scan(qtbot, page, desk.booklet(2))
    confirmation = page.person_panel.confirmation
    assert confirmation.isVisible()
    assert "limite" in confirmation.limit_message.text()
    assert "référent" in confirmation.limit_message.text()
    assert not confirmation.reason_edit.isVisible()
    assert not confirmation.confirm_button.isEnabled()
    assert not page.person_panel.confirm_action.isEnabled()


def test_a_supervisor_overrides_with_a_reason_typed_in_place(qtbot, page_for, desk) -> None:  # noqa: ANN001
    desk.services.handouts.hand_out(desk.admin, desk.known.id, codes_=[desk.booklet(1)])
    page = page_for(desk.supervisor)
    open_known(qtbot, page, desk)
    scan(qtbot, page, desk.voucher(7))  # any voucher of booklet 2 names the booklet
    panel = page.person_panel
    confirmation = panel.confirmation
    assert confirmation.heading.text().endswith(desk.booklet(2))
    assert confirmation.reason_edit.isVisible()
    assert focused() is confirmation.reason_edit
    qtbot.keyClick(focused(), Qt.Key.Key_Return, CTRL)  # no reason yet
    assert "motif" in confirmation.message.text().lower()
    assert desk.services.handouts.for_beneficiary(desk.known.id)[0].booklets[
        0
    ].booklet_code == desk.booklet(1)
    type_text(qtbot, "Carnet volé, plainte déposée")
    with qtbot.waitSignal(panel.handed_out) as handed:
        qtbot.keyClick(focused(), Qt.Key.Key_Return, CTRL)
    assert handed.args[0].override_reason == "Carnet volé, plainte déposée"
    assert page.person_panel.handouts_model.rowCount() == 2


def test_next_booklet_in_one_key(qtbot, page_for, desk) -> None:  # noqa: ANN001
    page = page_for(desk.agent)
    open_known(qtbot, page, desk)
    qtbot.keyClick(focused(), Qt.Key.Key_F9)
    confirmation = page.person_panel.confirmation
    assert confirmation.isVisible()
    assert confirmation.check.booklet.code == desk.booklet(1)
    assert desk.voucher(1) in confirmation.details.text()


def test_the_form_checks_as_you_type_and_escape_closes_it(qtbot, desk, runner) -> None:  # noqa: ANN001
    dialog = NewBeneficiaryDialog(UiContext(desk.services, desk.agent, runner))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.form.edits["last_name"])
    type_text(qtbot, "D'Alembert-Hélène")
    assert not dialog.form.messages["last_name"].isVisible()
    dialog.form.edits["postcode"].setFocus()
    type_text(qtbot, "6920")
    assert dialog.form.messages["postcode"].isVisible()
    assert (
        dialog.form.messages["postcode"].text() == "Un code postal français compte 5 chiffres."
        or "5" in dialog.form.messages["postcode"].text()
    )
    type_text(qtbot, "0")
    assert not dialog.form.messages["postcode"].isVisible()
    dialog.form.edits["birth_date"].setFocus()
    type_text(qtbot, "31/02/1990")
    assert dialog.form.messages["birth_date"].isVisible()
    assert not dialog.form.messages["first_name"].isVisible()  # not touched yet: no scolding
    qtbot.keyClick(focused(), Qt.Key.Key_Return)  # save: every problem shown, nothing saved
    assert dialog.form.messages["first_name"].isVisible() and dialog.saved is None
    assert dialog.isVisible()
    # Escape on a half-filled form asks first; Escape again keeps the form as it was.
    qtbot.keyClick(focused(), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: dialog.discard_question is not None)
    question = dialog.discard_question
    qtbot.waitUntil(question.isVisible)
    assert "Jeter ce que vous avez tapé" in question.text()
    with qtbot.waitSignal(question.finished):
        qtbot.keyClick(question, Qt.Key.Key_Escape)
    assert dialog.isVisible() and dialog.form.edits["postcode"].text() == "69200"
    # Asked again, "Throw it away" closes it.
    qtbot.keyClick(focused(), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: dialog.discard_question is not None)
    question = dialog.discard_question
    qtbot.waitUntil(question.isVisible)
    discard = next(b for b in question.buttons() if "Jeter" in b.text())
    with qtbot.waitSignal(dialog.rejected):
        qtbot.mouseClick(discard, Qt.MouseButton.LeftButton)


def test_table_models(qtmodeltester, desk) -> None:  # noqa: ANN001
    results = RowTableModel(SEARCH_RESULT_COLUMNS)
    results.set_rows(
        desk.services.beneficiaries.search("helene")
        + [BeneficiaryRow(99, "Zoé", "Ünal", None, "", "", "", "", "", (), False)]
    )
    qtmodeltester.check(results)
    assert results.index(1, 1).data() == ""
    desk.services.handouts.hand_out(desk.admin, desk.known.id, codes_=[desk.booklet(5)])
    handouts = RowTableModel(HANDOUT_COLUMNS)
    handouts.set_rows(desk.services.handouts.for_beneficiary(desk.known.id))
    qtmodeltester.check(handouts)
    assert handouts.index(0, 2).data() == desk.booklet(5)
    assert handouts.headerData(0, Qt.Orientation.Horizontal) == "Récépissé"
    empty = RowTableModel(HANDOUT_COLUMNS)
    qtmodeltester.check(empty)


def test_down_then_enter_opens_the_chosen_result(qtbot, page_for, desk) -> None:  # noqa: ANN001
    from passdesk.services.beneficiaries import BeneficiaryInput

    other = desk.services.beneficiaries.register(
        desk.admin,
        BeneficiaryInput(last_name="Ndiaye", first_name="Hélène", birth_date="01/01/2001"),
    )
    page = page_for(desk.agent)
    with qtbot.waitSignal(page.results_shown):
        type_text(qtbot, "helene", page.search_edit)
    assert page.results_model.rowCount() == 2
    qtbot.keyClick(page.search_edit, Qt.Key.Key_Down)
    assert focused() is page.results_view
    qtbot.keyClick(page.results_view, Qt.Key.Key_Down)
    chosen = page.results_model.row_at(page.results_view.currentIndex().row())
    qtbot.keyClick(page.results_view, Qt.Key.Key_Return)
    assert page.person_panel.person.id == chosen.id
    assert {chosen.id} <= {desk.known.id, other.id}
    qtbot.waitUntil(lambda: focused() is page.person_panel.scan_edit)


def test_a_past_receipt_shows_again_and_leaves_no_copy_behind(qtbot, page_for, desk) -> None:  # noqa: ANN001
    from pypdf import PdfReader

    handout = desk.services.handouts.hand_out(desk.admin, desk.known.id, codes_=[desk.booklet(3)])
    page = page_for(desk.agent)
    open_known(qtbot, page, desk)
    view = page.person_panel.handouts_view
    view.setFocus()
    view.setCurrentIndex(page.person_panel.handouts_model.index(0, 0))
    with qtbot.waitSignal(page.receipt_ready, timeout=20_000) as ready:
        qtbot.keyClick(view, Qt.Key.Key_Return)
    path = ready.args[0]
    text = "".join(p.extract_text() for p in PdfReader(str(path)).pages)
    assert handout.receipt_number in text and "Hélène N'Diaye" in text
    dialog = page.receipt_dialog
    qtbot.waitUntil(lambda: dialog.isVisible())
    with qtbot.waitSignal(dialog.finished):
        dialog.reject()
    # The preview's file is gone (a shared PC keeps no copy); the person stays on screen.
    assert not path.exists() and not path.parent.exists()
    assert page.person_panel.person is not None
    assert page.person_panel.person.id == desk.known.id


def test_the_profile_is_saved_as_it_is_ticked_and_shown_again(qtbot, page_for, desk) -> None:  # noqa: ANN001
    page = page_for(desk.agent)
    open_known(qtbot, page, desk)
    panel = page.person_panel
    assert isinstance(panel.profile, PersonForm) and panel.profile.edits == {}
    assert not panel.profile_message.isVisible()  # showing the person saved nothing
    qtbot.keyClick(panel.profile.needs["security"], Qt.Key.Key_Space)  # ticked from the keyboard
    assert "security" in desk.services.beneficiaries.get(desk.known.id).diagnostic
    assert panel.profile_message.text() == "Profil enregistré."
    panel.profile.target_group.setCurrentIndex(panel.profile.target_group.findData("senior"))
    assert desk.services.beneficiaries.get(desk.known.id).target_group == "senior"
    page.reset()
    open_known(qtbot, page, desk)
    assert panel.profile.needs["security"].isChecked()
    assert panel.profile.target_group.currentData() == "senior"
    assert not panel.profile_message.isVisible()
