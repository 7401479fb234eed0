"""On the person's panel: the "may be called" box saves the consent the follow-up list obeys,
and the orientation slip button prints where to go for the needs ticked, saying so when no
place near the person offers one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QFileDialog

from passdesk.services.places import PlaceInput
from passdesk.ui.context import UiContext
from passdesk.ui.pages.serve.page import ServePage
from tests.ui.conftest import type_text


@pytest.fixture
def panel(qtbot: Any, desk: Any, runner: Any) -> Any:
    """The serve page of an agent, with the known person (Hélène N'Diaye) open."""
    page = ServePage(UiContext(desk.services, desk.agent, runner))
    qtbot.addWidget(page)
    page.resize(1100, 750)
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    page.search_edit.setFocus()
    with qtbot.waitSignal(page.results_shown):
        type_text(qtbot, "n'diaye")
    qtbot.keyClick(page.search_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.person_panel.person is not None)
    panel = page.person_panel
    panel.page = page  # the panel's page lives as long as the test holds the panel
    return panel


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(str(path)).pages)


def test_the_may_be_called_box_saves_the_consent_and_the_phone_follows_it(
    qtbot: Any, panel: Any, desk: Any
) -> None:
    person = desk.known
    box = panel.profile.contact_consent
    assert box.text() == "La personne accepte d'être appelée au sujet de ses chèques (relance)"
    assert not box.isChecked() and not desk.services.beneficiaries.get(person.id).contact_consent
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Space)  # ticked with the keyboard, saved at once
    assert desk.services.beneficiaries.get(person.id).contact_consent is True
    assert panel.profile_message.text() == "Profil enregistré."
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
    assert desk.services.beneficiaries.get(person.id).contact_consent is False  # unticked


def test_the_slip_button_prints_the_nearest_place_for_each_need_and_names_the_unserved(
    qtbot: Any, panel: Any, desk: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    desk.services.places.add(
        desk.supervisor,
        PlaceInput(
            "Maison France Services Vénissieux",
            address="2 rue Gaspard-Picard",
            postcode="69200",
            commune="Vénissieux",
            opening_hours="Mo-Fr 09:00-12:00",
            services=("Aide aux démarches administratives",),
        ),
    )
    for need in ("admin_procedures", "job_search"):  # no place offers the second one
        box = panel.profile.needs[need]  # clicked on its box, as a person does
        qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
    assert panel.profile_message.text() == "Profil enregistré."
    target = tmp_path / "fiche.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    qtbot.mouseClick(panel.slip_button, Qt.MouseButton.LeftButton)
    assert panel.profile_message.text() == f"Fiche d'orientation enregistrée dans {target}."
    text = pdf_text(target)
    assert "Hélène N'Diaye" in text and "Maison France Services Vénissieux" in text
    assert "Horaires : lun.–ven. 9 h–12 h" in text  # opening hours in French
    assert "Aucun lieu proche de chez vous ne propose : Recherche d'emploi" in text


def test_a_slip_that_cannot_be_written_says_so_next_to_the_button(
    qtbot: Any, panel: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    target = tmp_path / "absent" / "fiche.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    qtbot.mouseClick(panel.slip_button, Qt.MouseButton.LeftButton)
    assert panel.profile_message.text() and "Traceback" not in panel.profile_message.text()
    assert not target.exists()
