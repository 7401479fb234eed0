"""The counter, polished (issue 8, part a): the agent's everyday path driven with the keyboard
and a scanner's fast typing, as the window is used all day.

Each test is one defect of the issue: the empty search's wording and searching by birth date
(1), a second scan (2), four key actions to a printed receipt (3), cancelling a handout (4), the
help sheet and the booklet's details (6; the mnemonics are tests/ui/test_mnemonics.py), the
new person (8) and the demonstration desk (9).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication, QWidget

from passdesk.services import Services
from passdesk.ui.context import UiContext
from passdesk.ui.main_window import MainWindow
from passdesk.ui.pages.serve.page import ServePage
from tests.ui.conftest import focused, type_text

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


class Agent:
    """Drives the window as the agent does and counts the key actions: typing a word (or a
    scanner typing a code and Enter) is one action, each other key press one more."""

    def __init__(self, qtbot: Any) -> None:
        self.qtbot = qtbot
        self.actions = 0

    def type(self, text: str) -> None:
        type_text(self.qtbot, text)
        self.actions += 1

    def key(
        self, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
    ) -> None:
        self.qtbot.keyClick(focused(), key, modifier)
        self.actions += 1

    def scan(self, code: str) -> None:
        """A USB scanner: the code's keys, fast, then Enter; one action of the agent's."""
        type_text(self.qtbot, code)
        self.qtbot.keyClick(focused(), Qt.Key.Key_Return)
        self.actions += 1


def pdf_printer(folder: Path) -> tuple[Callable[[], QPrinter], list[Path]]:
    """A "default printer" that prints into PDF files, one per job, listed as they come."""
    printed: list[Path] = []

    def make() -> QPrinter:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        path = folder / f"printed-{len(printed) + 1}.pdf"
        printer.setOutputFileName(str(path))
        printed.append(path)
        return printer

    return make, printed


def show(qtbot: Any, widget: QWidget) -> None:
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget.window())


@pytest.fixture
def page_for(qtbot: Any, desk: Any, runner: Any) -> Callable[..., ServePage]:
    def make(actor: Any = None, printer: Callable[[], QPrinter | None] | None = None) -> ServePage:
        context = UiContext(desk.services, actor or desk.agent, runner, printer=printer)
        page = ServePage(context)
        page.resize(1200, 800)
        show(qtbot, page)
        return page

    return make


def open_known(qtbot: Any, page: ServePage, agent: Agent | None = None) -> None:
    """Type the known person's name and Enter: her panel opens, the scan field focused."""
    agent = agent or Agent(qtbot)
    page.search_edit.setFocus()
    with qtbot.waitSignal(page.results_shown):
        agent.type("n'diaye")
    agent.key(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.person_panel.person is not None)
    qtbot.waitUntil(lambda: focused() is page.person_panel.scan_edit)


def search(qtbot: Any, page: ServePage, text: str) -> int:
    page.search_edit.setFocus()
    page.search_edit.clear()
    with qtbot.waitSignal(page.results_shown) as shown:
        type_text(qtbot, text, page.search_edit)
    qtbot.waitUntil(lambda: page._search_settled())
    return page.results_model.rowCount() if shown.args else 0


# --- 1. the search: nobody matches; by birth date; by name and year ---------------------------


def test_an_empty_search_says_nobody_matches_in_french(qtbot: Any, page_for: Any) -> None:
    page = page_for()
    assert search(qtbot, page, "zyxwq") == 0
    assert page.results_count.text() == (
        "Aucune personne ne correspond à cette recherche. Vérifiez l'orthographe, essayez la "
        "date de naissance (JJ/MM/AAAA), ou enregistrez un nouveau bénéficiaire (Ctrl+N)."
    )
    assert page.results_count.accessibleDescription() == page.results_count.text()


@pytest.mark.parametrize("typed", ["12/03/1980", "12031980", "1980-03-12", "ndiaye 1980"])
def test_the_person_is_found_by_birth_date_or_name_and_year(
    qtbot: Any, page_for: Any, desk: Any, typed: str
) -> None:
    page = page_for()
    assert search(qtbot, page, typed) == 1
    assert page.results_model.row_at(0).id == desk.known.id
    qtbot.keyClick(page.search_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.person_panel.person is not None)
    assert page.person_panel.person.id == desk.known.id


def test_another_year_finds_nobody_and_a_date_being_typed_says_so(
    qtbot: Any, page_for: Any
) -> None:
    page = page_for()
    assert search(qtbot, page, "ndiaye 1979") == 0
    search(qtbot, page, "12/03/19")
    assert page.results_count.text() == (
        "Tapez la date de naissance entière (JJ/MM/AAAA) ou l'année de naissance."
    )


# --- 2. a second scan while a booklet waits ---------------------------------------------------


def test_a_second_scan_replaces_the_first_and_says_so(qtbot: Any, page_for: Any, desk: Any) -> None:
    """The serve desk's programme allows one booklet a person: the agent scanned the wrong
    booklet, then the right one; the right one is handed out."""
    page = page_for()
    agent = Agent(qtbot)
    open_known(qtbot, page, agent)
    panel = page.person_panel
    agent.scan(desk.booklet(1))
    assert panel.confirmation.codes() == [desk.booklet(1)]
    assert focused() is panel.scan_edit  # the next scan lands in the field, not on a button
    agent.scan(desk.booklet(2))
    assert panel.confirmation.codes() == [desk.booklet(2)]
    assert panel.scan_message.isVisible()
    assert panel.scan_message.text().startswith(
        f"Le carnet {desk.booklet(2)} remplace le carnet {desk.booklet(1)}"
    )
    with qtbot.waitSignal(panel.handed_out) as handed:
        agent.key(Qt.Key.Key_Return, CTRL)
    assert [b.booklet_code for b in handed.args[0].booklets] == [desk.booklet(2)]
    assert desk.services.stock.get_booklet(desk.booklet(1)).status == "in_stock"


def test_a_second_booklet_joins_the_first_where_the_person_may_receive_two(
    qtbot: Any, page_for: Any, desk: Any
) -> None:
    admin, services = desk.admin, desk.services
    services.programmes.add(
        admin,
        code="CD69",
        name="Pass Numérique Rhône",
        face_value="10",
        vouchers_per_booklet=5,
        valid_from=services.programmes.list()[0].valid_from,
        valid_until=services.programmes.list()[0].valid_until,
        funders=(("Département", Decimal(100)),),
    )
    services.stock.receive(admin, programme_code="CD69", first_booklet=1, count=3)
    other = services.stock.booklets("CD69", None, offset=0, limit=1)[0].code
    page = page_for()
    open_known(qtbot, page)
    panel = page.person_panel
    type_text(qtbot, desk.booklet(1))
    qtbot.keyClick(focused(), Qt.Key.Key_Return)
    type_text(qtbot, other)  # another programme, no limit: both are handed out
    qtbot.keyClick(focused(), Qt.Key.Key_Return)
    assert panel.confirmation.codes() == [desk.booklet(1), other]
    assert "ajouté : 2 carnets seront remis ensemble" in panel.scan_message.text()
    assert panel.confirmation.heading.text() == "2 carnets à remettre ensemble"
    qtbot.keyClick(focused(), Qt.Key.Key_Escape)  # Escape removes the last one scanned
    assert panel.confirmation.codes() == [desk.booklet(1)]
    type_text(qtbot, other)
    qtbot.keyClick(focused(), Qt.Key.Key_Return)
    with qtbot.waitSignal(panel.handed_out) as handed:
        qtbot.keyClick(focused(), Qt.Key.Key_Return, CTRL)
    assert [b.booklet_code for b in handed.args[0].booklets] == [desk.booklet(1), other]


def _image(widget: QWidget) -> QImage:
    return widget.grab().toImage()


def test_the_focused_confirm_button_shows_a_ring_and_enter_confirms(
    qtbot: Any, page_for: Any, desk: Any
) -> None:
    page = page_for()
    open_known(qtbot, page)
    panel = page.person_panel
    button = panel.confirmation.confirm_button
    type_text(qtbot, desk.booklet(3))
    qtbot.keyClick(focused(), Qt.Key.Key_Return)
    unfocused = _image(button)
    while focused() is not button:  # Tab, as the agent does, to "Confirmer la remise"
        qtbot.keyClick(focused(), Qt.Key.Key_Tab)
        assert focused() in (panel.next_button, button)
    assert _image(button) != unfocused  # the focus ring is drawn
    with qtbot.waitSignal(panel.handed_out) as handed:
        qtbot.keyClick(button, Qt.Key.Key_Return)
    assert [b.booklet_code for b in handed.args[0].booklets] == [desk.booklet(3)]


# --- 3. four key actions to a printed receipt ------------------------------------------------


def test_a_returning_person_has_a_printed_receipt_in_four_key_actions(
    qtbot: Any, page_for: Any, desk: Any, tmp_path: Path
) -> None:
    from pypdf import PdfReader

    printer, printed = pdf_printer(tmp_path)
    page = page_for(printer=printer)
    agent = Agent(qtbot)
    open_known(qtbot, page, agent)  # 1. the name, 2. Enter
    agent.scan(desk.booklet(4))  # 3. the scanner's code and Enter
    with qtbot.waitSignal(page.person_panel.handed_out) as handed:
        agent.key(Qt.Key.Key_Return, CTRL)  # 4. confirm, and print
    handout = handed.args[0]
    qtbot.waitUntil(lambda: bool(page.receipts.last_line.text()), timeout=20_000)
    assert agent.actions == 4
    paper = [p for p in printed if p.exists() and p.stat().st_size]
    assert len(paper) == 1
    assert len(PdfReader(str(paper[0])).pages) == 2  # the person's copy and the desk's
    assert page.receipt_dialog is None  # no preview to close
    line = page.receipts.last_line.text()
    assert desk.booklet(4) in line and "Hélène N'DIAYE" in line
    assert handout.receipt_number in line and "imprimé" in line and "F8" in line
    assert page.person_panel.person is None and focused() is page.search_edit  # next person
    # One key shows that receipt again.
    qtbot.keyClick(focused(), Qt.Key.Key_F8)
    qtbot.waitUntil(lambda: page.receipt_dialog is not None, timeout=20_000)
    assert handout.receipt_number in page.receipt_dialog.windowTitle()
    with qtbot.waitSignal(page.receipt_dialog.finished):
        page.receipt_dialog.reject()


def test_without_a_default_printer_the_preview_opens_then_the_line_confirms(
    qtbot: Any, page_for: Any, desk: Any
) -> None:
    page = page_for(printer=lambda: None)
    open_known(qtbot, page)
    type_text(qtbot, desk.booklet(5))
    qtbot.keyClick(focused(), Qt.Key.Key_Return)
    with qtbot.waitSignal(page.person_panel.handed_out) as handed:
        qtbot.keyClick(focused(), Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: page.receipt_dialog is not None, timeout=20_000)
    dialog = page.receipt_dialog
    qtbot.waitUntil(dialog.isVisible)
    with qtbot.waitSignal(dialog.finished):
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert handed.args[0].receipt_number in page.receipts.last_line.text()
    assert "imprimé" not in page.receipts.last_line.text()


# --- 4. cancelling a handout from the person's history ----------------------------------------


def _yesterday_handout(desk: Any, booklet: str) -> Any:
    """A handout made the day before, through services on a clock set back a day."""
    from datetime import UTC, datetime

    earlier = datetime.now(UTC) - timedelta(days=1)
    yesterday = Services.build(desk.services.db, lambda: earlier)
    return yesterday.handouts.hand_out(desk.admin, desk.known.id, codes_=[booklet])


@pytest.mark.parametrize(
    ("letter", "status"), [(Qt.Key.Key_I, "in_stock"), (Qt.Key.Key_P, "voided")]
)
def test_a_supervisor_cancels_an_earlier_handout_saying_whether_it_came_back(
    qtbot: Any, page_for: Any, desk: Any, letter: Qt.Key, status: str
) -> None:
    handout = _yesterday_handout(desk, desk.booklet(6))
    page = page_for(desk.supervisor)
    open_known(qtbot, page)
    history = page.person_panel.history
    history.view.setFocus()
    qtbot.keyClick(history.view, Qt.Key.Key_Down)
    assert history.selected().id == handout.id
    qtbot.keyClick(focused(), Qt.Key.Key_R, ALT)  # "Annuler cette &remise…"
    qtbot.waitUntil(lambda: history.dialog is not None and history.dialog.isVisible())
    dialog = history.dialog
    assert dialog.asks_returned and dialog.returned() is None  # an earlier day: nothing chosen
    qtbot.waitUntil(lambda: focused() is dialog.reason_edit)
    type_text(qtbot, "erreur de personne")
    qtbot.keyClick(focused(), Qt.Key.Key_Return)  # no answer yet: asked, nothing written
    assert dialog.isVisible() and "intacts ou non" in dialog.returned_message.text()
    assert desk.services.stock.get_booklet(desk.booklet(6)).status == "handed_out"
    qtbot.keyClick(focused(), letter, ALT)  # &intacts (back to stock) or &pas revenus (voided)
    qtbot.waitUntil(lambda: dialog.returned() is not None)
    with qtbot.waitSignal(dialog.cancelled):
        qtbot.keyClick(dialog.reason_edit, Qt.Key.Key_Return)
    assert desk.services.stock.get_booklet(desk.booklet(6)).status == status
    assert history.model.row_at(0).cancelled
    assert f"Remise {handout.receipt_number} annulée" in page.person_panel.scan_message.text()
    assert not history.cancel_button.isEnabled()  # a cancelled handout cannot be cancelled again


def test_an_agent_is_not_offered_the_cancellation(qtbot: Any, page_for: Any, desk: Any) -> None:
    _yesterday_handout(desk, desk.booklet(7))
    page = page_for(desk.agent)
    open_known(qtbot, page)
    assert not page.person_panel.history.cancel_button.isVisible()
    assert page.person_panel.history.cancel_action not in page.person_panel.history.actions()


# --- 6. the help sheet and the booklet's details ---------------------------------------------


def test_f1_lists_every_shortcut_of_the_window(qtbot: Any, desk: Any, runner: Any) -> None:
    from PySide6.QtGui import QAction

    from passdesk.ui.widgets.basics import shortcut_text

    window = MainWindow(UiContext(desk.services, desk.admin, runner))
    window.resize(1200, 800)
    show(qtbot, window)
    qtbot.keyClick(focused(), Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: window.dialog is not None and window.dialog.isVisible())
    rows = window.dialog.model.loaded_rows()
    listed = {(r.what, r.keys) for r in rows}
    for action in window.findChildren(QAction):
        if not action.shortcut().isEmpty() and action.text():
            # each key as read, once ("Ctrl+Entrée" is both Return and the keypad's Enter)
            keys = " ou ".join(dict.fromkeys(shortcut_text(s) for s in action.shortcuts()))
            assert (action.text().replace("&", "").rstrip("…").strip(), keys) in listed
    assert ("Nouveau bénéficiaire", "Ctrl+N") in listed
    # a button's own shortcut ("Ctrl+Maj+R" once Qt's French is loaded by an earlier test)
    assert ("Réceptionner un lot", shortcut_text("Ctrl+Shift+R")) in listed
    assert ("Afficher de nouveau le dernier récépissé", "F8") in listed


def test_a_double_click_on_a_booklet_opens_its_details(qtbot: Any, desk: Any, runner: Any) -> None:
    from passdesk.ui.pages.stock.booklet_details import BookletDetailsDialog
    from passdesk.ui.pages.stock.page import StockPage

    handout = desk.services.handouts.hand_out(desk.admin, desk.known.id, codes_=[desk.booklet(1)])
    page = StockPage(UiContext(desk.services, desk.supervisor, runner))
    page.resize(1300, 800)
    show(qtbot, page)
    view = page.booklets_view
    rect = view.visualRect(page.booklets_model.index(0, 0))
    double_clicked = []
    view.doubleClicked.connect(lambda index: double_clicked.append(index.row()))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())

    qtbot.waitUntil(lambda: page.dialog is not None and page.dialog.isVisible())
    dialog = page.dialog
    assert isinstance(dialog, BookletDetailsDialog)  # not "Invalider", whatever the role
    assert dialog.details.code == desk.booklet(1)
    what = [dialog.events_model.index(r, 1).data() for r in range(dialog.events_model.rowCount())]
    assert what == ["reçu en stock", "remis"]
    assert dialog.handouts_model.row_at(0).receipt_number == handout.receipt_number
    assert dialog.handouts_model.index(0, 3).data() == "Hélène N'DIAYE"
    assert desk.services.stock.get_booklet(desk.booklet(1)).status == "handed_out"  # untouched


# --- 8. a new person ------------------------------------------------------------------------


def test_a_new_person_in_at_most_eight_keystroke_groups(
    qtbot: Any, page_for: Any, desk: Any
) -> None:
    page = page_for()
    agent = Agent(qtbot)
    page.search_edit.setFocus()
    with qtbot.waitSignal(page.results_shown):
        agent.type("dupont ana")  # 1: searched first, nobody matches
    agent.key(Qt.Key.Key_N, CTRL)  # 2: the form, the names carried in
    qtbot.waitUntil(lambda: page.new_dialog is not None and page.new_dialog.isVisible())
    dialog = page.new_dialog
    form = dialog.form
    assert (form.edits["last_name"].text(), form.edits["first_name"].text()) == ("Dupont", "Ana")
    qtbot.waitUntil(lambda: focused() is form.edits["birth_date"])
    agent.type("12/04/1985")  # 3
    agent.key(Qt.Key.Key_Tab)  # 4
    assert focused() is form.edits["postcode"]
    agent.type("69120")  # 5: the commune follows, from the official data
    assert form.edits["commune"].text() == "Vaulx-en-Velin"
    agent.key(Qt.Key.Key_S, ALT)  # 6: "La per&sonne accepte…"
    qtbot.waitUntil(form.consent.isChecked)
    with qtbot.waitSignal(dialog.finished):
        agent.key(Qt.Key.Key_Return)  # 7: saved
    assert agent.actions <= 8
    person = dialog.saved
    assert (person.last_name, person.first_name, person.postcode, person.commune) == (
        "Dupont",
        "Ana",
        "69120",
        "Vaulx-en-Velin",
    )
    assert str(person.birth_date) == "1985-04-12" and person.consent
    qtbot.waitUntil(lambda: page.person_panel.person is not None)
    assert page.person_panel.person.id == person.id


def test_escape_asks_before_throwing_a_form_away_and_is_not_next_person(
    qtbot: Any, page_for: Any
) -> None:
    page = page_for()
    page.search_edit.setFocus()
    with qtbot.waitSignal(page.results_shown):
        type_text(qtbot, "diallo awa 1964")
    qtbot.keyClick(focused(), Qt.Key.Key_N, CTRL)
    qtbot.waitUntil(lambda: page.new_dialog is not None and page.new_dialog.isVisible())
    dialog = page.new_dialog
    birth = dialog.form.edits["birth_date"]
    qtbot.waitUntil(lambda: focused() is birth)
    assert birth.text() == "1964" and birth.cursorPosition() == 0  # day and month go first
    type_text(qtbot, "03/02/")
    assert birth.text() == "03/02/1964"
    qtbot.keyClick(focused(), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: dialog.discard_question is not None)
    assert dialog.isVisible()
    assert page.search_edit.text() == "diallo awa 1964"  # Escape was not "next person"
    with qtbot.waitSignal(dialog.discard_question.finished):
        qtbot.keyClick(dialog.discard_question, Qt.Key.Key_Escape)  # keep typing
    assert dialog.isVisible() and birth.text() == "03/02/1964"


@pytest.mark.qt_log_ignore(
    "This plugin does not support propagateSizeHints",
    r"This plugin does not support raise\(\)",
    "This plugin does not support grabbing the keyboard",  # the choice list's popup
)
def test_a_postcode_of_several_communes_offers_them_to_choose(qtbot: Any, page_for: Any) -> None:
    page = page_for()
    page.search_edit.setFocus()
    qtbot.keyClick(focused(), Qt.Key.Key_N, CTRL)
    qtbot.waitUntil(lambda: page.new_dialog is not None and page.new_dialog.isVisible())
    form = page.new_dialog.form
    qtbot.waitUntil(lambda: focused() is form.edits["last_name"])
    form.edits["postcode"].setFocus()
    type_text(qtbot, "69003")
    assert form.edits["commune"].text() == ""  # two communes: none chosen for the agent
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    popup = form.commune_filler.completer.popup()
    qtbot.waitUntil(popup.isVisible)
    shown = [popup.model().index(r, 0).data() for r in range(popup.model().rowCount())]
    assert shown == ["Lyon", "Lyon 3e Arrondissement"]
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert form.edits["commune"].text() == "Lyon"


# --- 9. the demonstration desk --------------------------------------------------------------


def test_a_demo_desk_shows_its_logins_and_says_demonstration(
    qtbot: Any, services: Services, runner: Any
) -> None:
    import random

    from passdesk.demo.data import PASSWORD
    from passdesk.demo.desk import set_up_desk
    from passdesk.demo.scales import FIRST_DAY, paris
    from passdesk.demo.through_services import Clock
    from passdesk.ui.login import LoginDialog

    set_up_desk(services, Clock(paris(FIRST_DAY, 500)), random.Random(1))
    assert services.accounts.desk().demo
    dialog = LoginDialog(services)  # as after a restart
    show(qtbot, dialog)
    hint = dialog.demo_hint
    assert hint.isVisible() and "DÉMONSTRATION" in dialog.windowTitle()
    assert "lucie.moreau (agent)" in hint.text() and f"« {PASSWORD} »" in hint.text()
    qtbot.waitUntil(lambda: focused() is dialog.login_edit)
    type_text(qtbot, "lucie.moreau")
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    type_text(qtbot, PASSWORD)
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(focused(), Qt.Key.Key_Return)
    window = MainWindow(UiContext(services, dialog.actor, runner))
    qtbot.addWidget(window)
    assert window.windowTitle().startswith("DÉMONSTRATION — PassDesk — France Services")


def test_a_real_desk_shows_no_demo_logins(qtbot: Any, desk: Any) -> None:
    from passdesk.ui.login import LoginDialog

    dialog = LoginDialog(desk.services)
    show(qtbot, dialog)
    assert not dialog.demo_hint.isVisible() and "DÉMONSTRATION" not in dialog.windowTitle()
    assert not desk.services.accounts.desk().demo
