"""The stock page: tables over the service, paging, SQL sorting and filtering, receive, void."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialog

from passdesk import codes
from passdesk.roles import MINIMUM_ROLE, Action, Role
from passdesk.ui.pages.stock.page import StockPage
from passdesk.ui.pages.stock.receive_lot import ReceiveLotDialog
from passdesk.ui.pages.stock.void import VoidDialog
from passdesk.ui.widgets.forms import button_shortcut
from passdesk.ui.worker import TaskControl
from tests.ui import pages_fixtures
from tests.ui.pages_fixtures import BIG_STOCK, OFFSCREEN_NOISE, OTHER_PROGRAMME, PROGRAMME, Desk

pytestmark = OFFSCREEN_NOISE
desk = pages_fixtures.desk
big_stock = pages_fixtures.big_stock


def make_page(qtbot: Any, desk: Desk, actor: Any = None) -> StockPage:
    page = StockPage(desk.context(actor))
    qtbot.addWidget(page)
    page.resize(1200, 800)
    page.show()
    qtbot.waitExposed(page)
    return page


def scan(qtbot: Any, field: Any, text: str) -> None:
    """What a USB scanner does: type the characters, then Enter."""
    field.setFocus()
    qtbot.keyClicks(field, text)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def open_dialog(qtbot: Any, page: StockPage, button: Any, kind: type) -> Any:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(page.dialog, kind) and page.dialog.isVisible())
    return page.dialog


# --- models -------------------------------------------------------------------------------


def test_every_table_model_passes_the_model_tester(
    qtbot: Any, qtmodeltester: Any, desk: Desk
) -> None:
    page = make_page(qtbot, desk)
    for model in (page.programmes_model, page.lots_model, page.booklets_model):
        assert model.rowCount() > 0
        qtmodeltester.check(model)


def test_big_stock_model_passes_the_model_tester_while_paging(
    qtbot: Any, qtmodeltester: Any, big_stock: Desk
) -> None:
    page = make_page(qtbot, big_stock)
    model = page.booklets_model
    model.fetchMore()
    qtmodeltester.check(model)


def test_ten_thousand_booklets_are_read_a_page_at_a_time(qtbot: Any, big_stock: Desk) -> None:
    page = make_page(qtbot, big_stock)
    model = page.booklets_model
    assert model.total == BIG_STOCK
    assert model.rowCount() == model.page_size == 200  # only the first page was read
    assert model.canFetchMore()
    assert "12\u202f000" in page.total_label.text()
    before = model.pages_fetched
    page.booklets_view.scrollToBottom()  # the view asks for the next page by itself
    qtbot.waitUntil(lambda: model.rowCount() > 200)
    assert model.pages_fetched - before <= 2
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == BIG_STOCK
    assert model.pages_fetched - before == BIG_STOCK // model.page_size - 1
    assert model.row_at(BIG_STOCK - 1).number == BIG_STOCK


def test_sorting_a_column_asks_the_service(
    qtbot: Any, big_stock: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    stock = big_stock.services.stock
    calls: list[dict[str, Any]] = []
    original = stock.booklets

    def spy(*args: Any, **kwargs: Any) -> Any:
        calls.append(kwargs)
        return original(*args, **kwargs)

    monkeypatch.setattr(stock, "booklets", spy)
    page = make_page(qtbot, big_stock)
    model, view = page.booklets_model, page.booklets_view
    assert model.row_at(0).number == 1
    view.sortByColumn(1, Qt.SortOrder.DescendingOrder)  # "Number", as a header click does
    assert calls[-1]["sort"] == "number" and calls[-1]["descending"] is True
    assert calls[-1]["offset"] == 0 and calls[-1]["limit"] == model.page_size
    assert model.row_at(0).number == BIG_STOCK
    assert model.rowCount() == model.page_size  # still paged after the sort
    view.sortByColumn(2, Qt.SortOrder.DescendingOrder)  # "Status": voided ones first
    assert calls[-1]["sort"] == "status"
    assert [model.row_at(i).status for i in range(4)] == ["voided"] * 3 + ["in_stock"]
    calls.clear()
    view.sortByColumn(3, Qt.SortOrder.AscendingOrder)  # first voucher: the service cannot
    assert calls == []
    assert view.horizontalHeader().sortIndicatorSection() == 2  # the arrow did not move


def test_clicking_a_column_header_sorts_through_the_service(qtbot: Any, big_stock: Desk) -> None:
    page = make_page(qtbot, big_stock)
    header = page.booklets_view.horizontalHeader()
    model = page.booklets_model
    centre = header.sectionViewportPosition(1) + header.sectionSize(1) // 2  # "Numéro"
    point = header.viewport().rect().center()
    point.setX(centre)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert header.sortIndicatorSection() == 1
    first = model.row_at(0).number
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=point)  # other way
    assert {first, model.row_at(0).number} == {1, BIG_STOCK}
    assert model.rowCount() == model.page_size


def test_filters_are_applied_by_the_service(qtbot: Any, big_stock: Desk) -> None:
    page = make_page(qtbot, big_stock)
    page.status_filter.setCurrentIndex(page.status_filter.findData("voided"))
    assert page.booklets_model.total == 3
    assert page.booklets_model.rowCount() == 3
    assert not page.booklets_model.canFetchMore()
    assert {r.number for r in page.booklets_model.loaded_rows()} == {17, 4242, 11_999}
    page.status_filter.setCurrentIndex(page.status_filter.findData("in_stock"))
    assert page.booklets_model.total == BIG_STOCK - 3


def test_programme_filter_and_programmes_table(qtbot: Any, desk: Desk) -> None:
    page = make_page(qtbot, desk)
    assert page.booklets_model.total == 50
    page.programme_filter.setCurrentIndex(page.programme_filter.findData(OTHER_PROGRAMME))
    assert page.booklets_model.total == 10
    assert {r.programme_code for r in page.booklets_model.loaded_rows()} == {OTHER_PROGRAMME}
    codes_shown = [
        page.programmes_model.row_at(i).programme.code
        for i in range(page.programmes_model.rowCount())
    ]
    row = codes_shown.index(PROGRAMME)
    page.programmes_view.setCurrentIndex(page.programmes_model.index(row, 0))
    assert [lot.programme_code for lot in page.lots_model.loaded_rows()] == [PROGRAMME]
    assert page.programme_filter.currentData() == PROGRAMME
    assert page.programmes_model.row_at(row).counts.in_stock == 40


# --- roles --------------------------------------------------------------------------------


def test_an_agent_is_not_offered_receive_void_or_print(qtbot: Any, desk: Desk) -> None:
    page = make_page(qtbot, desk, desk.agent)
    assert page.booklets_model.total == 50  # may look
    for button in (page.receive_button, page.void_button, page.print_button):
        assert button.isHidden()
    qtbot.keyClick(
        page, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert page.dialog is None


@pytest.mark.parametrize(
    ("action", "button"),
    [
        (Action.RECEIVE_STOCK, "receive_button"),
        (Action.VOID, "void_button"),
        (Action.PRINT_BOOKLETS, "print_button"),
    ],
)
def test_each_button_asks_the_roles_table_for_its_own_action(
    qtbot: Any, desk: Desk, monkeypatch: pytest.MonkeyPatch, action: Action, button: str
) -> None:
    monkeypatch.setitem(MINIMUM_ROLE, action, Role.ADMIN)  # as if the rule changed
    page = make_page(qtbot, desk, desk.supervisor)
    hidden = {
        name
        for name in ("receive_button", "void_button", "print_button")
        if getattr(page, name).isHidden()
    }
    assert hidden == {button}


def test_a_supervisor_is(qtbot: Any, desk: Desk) -> None:
    page = make_page(qtbot, desk, desk.supervisor)
    assert all(b.isVisible() for b in (page.receive_button, page.void_button, page.print_button))
    shortcut = button_shortcut(page.receive_button)
    assert shortcut == QKeySequence("Ctrl+Shift+R")
    assert (
        shortcut.toString(QKeySequence.SequenceFormat.NativeText) in page.receive_button.toolTip()
    )


# --- receive ------------------------------------------------------------------------------


def test_receive_a_lot_by_scanning_first_and_last_booklet(qtbot: Any, desk: Desk) -> None:
    page = make_page(qtbot, desk, desk.supervisor)
    dialog = open_dialog(qtbot, page, page.receive_button, ReceiveLotDialog)
    scan(qtbot, dialog.first_code, codes.booklet_code(PROGRAMME, 101))
    qtbot.waitUntil(lambda: dialog.last_code.hasFocus())
    assert not dialog.confirm_button.isEnabled()
    scan(qtbot, dialog.last_code, codes.booklet_code(PROGRAMME, 150))
    assert "50 carnets" in dialog.summary.text()
    assert "250 chèques" in dialog.summary.text()
    assert dialog.isVisible()  # the scanner's Enter did not confirm on its own
    qtbot.waitUntil(lambda: dialog.confirm_button.hasFocus())
    with qtbot.waitSignal(dialog.received) as received:
        qtbot.keyClick(dialog.confirm_button, Qt.Key.Key_Return)  # confirm with the keyboard
    assert received.args[0].count == 50
    assert desk.services.stock.count_booklets(PROGRAMME) == 90
    assert page.booklets_model.total == 100
    assert "50 carnets" in page.message.text()
    assert len(page.lots_model.loaded_rows()) == 3


def test_the_receive_dialog_records_the_kind_of_lot_chosen(qtbot: Any, desk: Desk) -> None:
    page = make_page(qtbot, desk, desk.supervisor)
    dialog = open_dialog(qtbot, page, page.receive_button, ReceiveLotDialog)
    assert dialog.kind.currentText().startswith("Livré imprimé")  # covers are scanned: on paper
    dialog.kind.setCurrentIndex(1)
    scan(qtbot, dialog.first_code, codes.booklet_code(PROGRAMME, 101))
    qtbot.waitUntil(lambda: dialog.last_code.hasFocus())
    scan(qtbot, dialog.last_code, codes.booklet_code(PROGRAMME, 105))
    assert "À imprimer ici" in dialog.summary.text()
    with qtbot.waitSignal(dialog.received) as received:
        qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)
    assert received.args[0].kind == "print_on_site"
    assert "imprimé sur place" in [
        page.lots_model.data(page.lots_model.index(row, 4)) for row in range(3)
    ]


@pytest.mark.parametrize("typo", ["digit", "voucher", "other_programme", "reversed"])
def test_a_bad_scan_is_refused_in_french_and_changes_nothing(
    qtbot: Any, desk: Desk, typo: str
) -> None:
    page = make_page(qtbot, desk, desk.supervisor)
    dialog = open_dialog(qtbot, page, page.receive_button, ReceiveLotDialog)
    first, last = codes.booklet_code(PROGRAMME, 101), codes.booklet_code(PROGRAMME, 150)
    expected_field, expected = dialog.last_message, ""
    if typo == "digit":
        last = last.replace("C000150", "C000159")
        expected = "clé de contrôle"
    elif typo == "voucher":
        last = codes.voucher_code(PROGRAMME, 750)
        expected = "couverture"
    elif typo == "other_programme":
        last = codes.booklet_code(OTHER_PROGRAMME, 150)
        expected = "une seule opération"
    else:
        first, last = last, first
        expected = "avant le premier"
    scan(qtbot, dialog.first_code, first)
    scan(qtbot, dialog.last_code, last)
    assert expected in expected_field.text(), expected_field.text()
    assert "Traceback" not in expected_field.text()
    assert not dialog.confirm_button.isEnabled()
    qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)  # disabled: nothing
    assert desk.services.stock.count_booklets() == 50
    assert len(desk.services.stock.lots()) == 2


def test_receiving_a_lot_twice_is_refused_next_to_the_form(qtbot: Any, desk: Desk) -> None:
    page = make_page(qtbot, desk, desk.supervisor)
    dialog = open_dialog(qtbot, page, page.receive_button, ReceiveLotDialog)
    scan(qtbot, dialog.first_code, codes.booklet_code(PROGRAMME, 30))
    scan(qtbot, dialog.last_code, codes.booklet_code(PROGRAMME, 60))
    assert "déjà" in dialog.message.text()  # said before anything is confirmed
    assert not dialog.confirm_button.isEnabled() and dialog.summary.text() == ""
    qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)
    assert "déjà" in dialog.message.text()
    assert dialog.isVisible()
    assert desk.services.stock.count_booklets() == 50


class HeldRunner:
    """A runner that holds each piece of work until the test releases it, as a busy pool
    would: what the dialog shows in between, and after, is then certain."""

    def __init__(self) -> None:
        self.held: list[tuple[Any, Any, Any]] = []

    def run(self, fn: Any, *, on_result: Any = None, on_error: Any = None, **_: Any) -> None:
        self.held.append((fn, on_result, on_error))

    def release(self) -> None:
        fn, on_result, on_error = self.held.pop(0)
        try:
            result = fn(TaskControl(lambda done, total: None))
        except Exception as error:  # noqa: BLE001 - handed over as the pool would
            on_error(error)
        else:
            on_result(result)

    def wait_all(self, msecs: int = 0) -> bool:
        return not self.held


def test_the_lot_is_planned_through_the_runner_and_a_stale_plan_is_dropped(
    qtbot: Any, desk: Desk
) -> None:
    runner = HeldRunner()
    page = StockPage(desk.context(desk.supervisor, runner))
    qtbot.addWidget(page)
    page.show()
    dialog = open_dialog(qtbot, page, page.receive_button, ReceiveLotDialog)
    scan(qtbot, dialog.first_code, codes.booklet_code(PROGRAMME, 101))
    assert len(runner.held) == 1 and not dialog.last_code.hasFocus()  # asked, not answered
    runner.release()
    qtbot.waitUntil(dialog.last_code.hasFocus)
    scan(qtbot, dialog.last_code, codes.booklet_code(PROGRAMME, 150))
    qtbot.keyClicks(dialog.last_code, "9")  # edited before the answer came
    runner.release()
    assert dialog.summary.text() == "" and not dialog.confirm_button.isEnabled()
    assert dialog.last_message.text() == ""
    dialog.last_code.setText(codes.booklet_code(PROGRAMME, 150))
    with qtbot.waitSignal(dialog.planned):
        qtbot.keyClick(dialog.last_code, Qt.Key.Key_Return)
        runner.release()
    assert "50 carnets" in dialog.summary.text() and dialog.confirm_button.isEnabled()
    assert runner.wait_all()


def test_escape_closes_the_receive_dialog(qtbot: Any, desk: Desk) -> None:
    page = make_page(qtbot, desk)
    dialog = open_dialog(qtbot, page, page.receive_button, ReceiveLotDialog)
    with qtbot.waitSignal(dialog.finished):
        qtbot.keyClick(dialog.first_code, Qt.Key.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Rejected


# --- void ---------------------------------------------------------------------------------


def test_void_the_selected_booklet_with_a_reason(qtbot: Any, desk: Desk) -> None:
    page = make_page(qtbot, desk, desk.supervisor)
    page.booklets_view.selectRow(2)
    chosen = page.selected_booklets()[0]
    dialog = open_dialog(qtbot, page, page.void_button, VoidDialog)
    assert dialog.code.text() == chosen.code
    dialog.reason.setCurrentIndex(dialog.reason.findData("damaged"))
    with qtbot.waitSignal(dialog.voided):
        qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)
    assert desk.services.stock.get_booklet(chosen.code).status == "voided"
    assert chosen.code in page.message.text()
    row = next(
        r for r in page.programmes_model.loaded_rows() if r.programme.code == chosen.programme_code
    )
    assert row.counts.voided == 1


def test_voiding_twice_is_refused_in_french(qtbot: Any, desk: Desk) -> None:
    code = codes.booklet_code(PROGRAMME, 5)
    desk.services.stock.void(desk.admin, code, "lost")
    page = make_page(qtbot, desk, desk.supervisor)
    dialog = open_dialog(qtbot, page, page.void_button, VoidDialog)
    dialog.code.clear()
    scan(qtbot, dialog.code, code)
    assert "annulé" in dialog.code_message.text() or "invalid" in dialog.code_message.text()
    qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)
    assert "ne peut pas" in dialog.code_message.text()
    assert dialog.isVisible()
