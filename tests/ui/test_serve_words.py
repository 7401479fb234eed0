"""One word for one thing, and counts by gettext's plural rule (issue 8, defect 7): "1 personne
trouvée" and "2 personnes trouvées", a handout "remise" beside "annulée", the Enter key named
"Entrée" on the button and in the menu alike."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QKeySequence

from passdesk.services.beneficiaries import BeneficiaryInput
from tests.ui.conftest import Desk, type_text
from tests.ui.test_qt_french import french_qt
from tests.ui.test_serve_flow import open_window

__all__ = ["french_qt"]  # the fixture, used by name


def test_counts_agree_with_their_number(qtbot: Any, desk: Desk, runner: Any) -> None:
    window = open_window(qtbot, desk, runner)
    page = window.serve_page
    with qtbot.waitSignal(page.results_shown):
        type_text(qtbot, "helene")
    assert page.results_count.text() == "1 personne trouvée"
    desk.services.beneficiaries.register(
        desk.agent,
        BeneficiaryInput(last_name="Dupont", first_name="Hélène", birth_date="01/02/1960"),
    )
    page.search_edit.clear()
    with qtbot.waitSignal(page.results_shown):
        type_text(qtbot, "helene", page.search_edit)
    assert page.results_count.text() == "2 personnes trouvées"


def test_a_handout_is_remise_or_annulee_and_enter_is_entree(
    french_qt: None, qtbot: Any, desk: Desk, runner: Any
) -> None:
    assert desk.known is not None
    handouts = desk.services.handouts
    given = handouts.hand_out(desk.agent, desk.known.id, codes_=[desk.booklet(1)])
    handouts.cancel(desk.supervisor, given.id, "Erreur de carnet")
    handouts.hand_out(desk.agent, desk.known.id, codes_=[desk.booklet(2)])
    window = open_window(qtbot, desk, runner)
    page = window.serve_page
    page.open_person(desk.known.id)
    panel = page.person_panel
    qtbot.waitUntil(lambda: panel.handouts_model.rowCount() == 2)
    status = panel.handouts_model.columnCount() - 1
    states = {panel.handouts_model.index(row, status).data() for row in range(2)}
    assert states == {"remise", "annulée"}

    # The button names its key as the menu does.
    shortcut = panel.confirm_action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
    assert shortcut == "Ctrl+Entrée"
    assert panel.confirmation.confirm_button.text() == "Confirmer la remise (Ctrl+Entrée)"
