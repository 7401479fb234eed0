"""Who received a booklet, as the windows show it (the cold review of issues 8 and 12): the
lookup (Ctrl+L) and the booklet's details log the person they name in the access log, and an
erased person reads "personne effacée" there, never a blank name."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from tests.ui.conftest import Desk, focused, type_text
from tests.ui.test_serve_counter import show
from tests.ui.test_serve_flow import open_window
from tests.ui.test_serve_lookup import open_lookup

CTRL = Qt.KeyboardModifier.ControlModifier


def logged(desk: Desk, person: int) -> list[tuple[str | None, str]]:
    """The access log about `person`: (agent's login, action), newest first."""
    entries = desk.services.access_log.entries(desk.admin, beneficiary_id=person)
    return [(e.agent_login, e.action) for e in entries]


def look_up_first_booklet(qtbot: Any, desk: Desk, runner: Any) -> Any:
    """Ctrl+L in the supervisor's window, booklet 1 scanned: the dialog with its answer."""
    window = open_window(qtbot, desk, runner, login="chef")
    dialog = open_lookup(qtbot, window, Qt.Key.Key_L, CTRL)
    type_text(qtbot, desk.booklet(1))
    qtbot.keyClick(focused(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.result is not None)
    return dialog


def test_a_lookup_naming_the_person_is_in_the_access_log(
    qtbot: Any, desk: Desk, runner: Any
) -> None:
    assert desk.known is not None
    desk.services.handouts.hand_out(desk.agent, desk.known.id, codes_=[desk.booklet(1)])
    dialog = look_up_first_booklet(qtbot, desk, runner)
    assert dialog.person.text() == "Remis à Hélène N'Diaye."
    assert ("chef", "looked_up") in logged(desk, desk.known.id)


def open_first_booklet_details(qtbot: Any, desk: Desk, runner: Any) -> Any:
    """The stock page as the supervisor sees it, Enter on the first booklet: its details."""
    from passdesk.ui.pages.stock.booklet_details import BookletDetailsDialog
    from passdesk.ui.pages.stock.page import StockPage

    page = StockPage(desk.context(desk.supervisor, runner))
    page.resize(1300, 800)
    show(qtbot, page)
    view = page.booklets_view
    view.setFocus()
    view.setCurrentIndex(page.booklets_model.index(0, 0))
    qtbot.waitUntil(lambda: focused() is view)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.dialog is not None and page.dialog.isVisible())
    dialog = page.dialog
    assert isinstance(dialog, BookletDetailsDialog)
    assert dialog.details.code == desk.booklet(1)
    return dialog


def test_the_booklet_details_naming_the_person_are_in_the_access_log(
    qtbot: Any, desk: Desk, runner: Any
) -> None:
    assert desk.known is not None
    desk.services.handouts.hand_out(desk.agent, desk.known.id, codes_=[desk.booklet(1)])
    assert logged(desk, desk.known.id) == []
    dialog = open_first_booklet_details(qtbot, desk, runner)
    assert dialog.handouts_model.index(0, 3).data() == "Hélène N'DIAYE"
    assert logged(desk, desk.known.id) == [("chef", "looked_up")]


def test_an_erased_person_reads_erased_in_the_booklet_details_and_the_lookup(
    qtbot: Any, desk: Desk, runner: Any
) -> None:
    assert desk.known is not None
    desk.services.handouts.hand_out(desk.agent, desk.known.id, codes_=[desk.booklet(1)])
    desk.services.erasure.erase(desk.admin, desk.known.id, "demande de la personne")

    details = open_first_booklet_details(qtbot, desk, runner)
    assert details.handouts_model.index(0, 3).data() == "personne effacée"
    details.close()

    lookup = look_up_first_booklet(qtbot, desk, runner)
    assert lookup.person.text() == "Remis à personne effacée."


def test_a_year_typed_alone_says_it_names_nobody(qtbot: Any, desk: Desk, runner: Any) -> None:
    from passdesk.ui.pages.serve.page import ServePage

    page = ServePage(desk.context(desk.agent, runner))
    page.resize(1200, 800)
    show(qtbot, page)
    page.search_edit.setFocus()
    qtbot.waitUntil(lambda: focused() is page.search_edit)
    with qtbot.waitSignal(page.results_shown):
        type_text(qtbot, "1980")  # the known person's year of birth
    qtbot.waitUntil(page._search_settled)
    assert page.results_model.rowCount() == 0
    assert page.results_count.text() == (
        "Une année seule ne désigne personne : ajoutez le nom (diallo 1964) ou la date entière."
    )
    page.search_edit.clear()
    with qtbot.waitSignal(page.results_shown):
        type_text(qtbot, "12/03/19")  # a date being typed keeps its own hint
    qtbot.waitUntil(page._search_settled)
    assert page.results_count.text() == (
        "Tapez la date de naissance entière (JJ/MM/AAAA) ou l'année de naissance."
    )
