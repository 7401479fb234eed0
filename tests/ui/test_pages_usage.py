"""The usage page as a supervisor uses it: import the operator's file (in a child process, with
its progress bar and Cancel), read what it did, export its anomalies, and record a call to a
person who has used nothing. The follow-up table passes the model tester."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from sqlalchemy.engine import make_url

from passdesk.services import open_services
from passdesk.ui.pages.usage.dialogs import CallDialog, MappingDialog
from passdesk.ui.pages.usage.page import UsagePage
from tests.ui import pages_fixtures
from tests.ui.pages_fixtures import OFFSCREEN_NOISE, Desk

pytestmark = OFFSCREEN_NOISE
desk = pages_fixtures.desk
JOB_MS = 60_000  # a child process on a loaded machine: started, imported, answered
TODAY = date.today().strftime("%d/%m/%Y")


def database_path(desk: Desk) -> Path:
    return Path(str(make_url(desk.services.db.url).database))


def database_rows(desk: Desk) -> list[str]:
    connection = sqlite3.connect(database_path(desk))
    try:
        return list(connection.iterdump())
    finally:
        connection.close()


@pytest.fixture
def handed(desk: Desk) -> Iterator[list[int]]:
    """The first two people each got a booklet eight weeks ago (booklets 1 and 2: vouchers
    1-5 and 6-10); both are due a follow-up call."""
    connection = sqlite3.connect(database_path(desk))
    people = [pid for (pid,) in connection.execute("SELECT id FROM beneficiary ORDER BY id")][:2]
    connection.close()
    then = datetime.now(UTC) - timedelta(weeks=8)
    earlier = open_services(database_path(desk), clock=lambda: then)
    try:
        for person in people:
            earlier.handouts.hand_out(desk.agent, person, next_programme=desk.programme)
    finally:
        earlier.close()
    yield people


def usage_file(folder: Path, desk: Desk) -> Path:
    """Vouchers 1 and 2 used today at place 1; voucher 100 was never handed out."""
    rows = [f"{desk.voucher(n)};{TODAY};1;10,00" for n in (1, 2, 100)]
    path = folder / "utilisations.csv"
    path.write_text("code;date;lieu;montant\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def make_page(qtbot: Any, desk: Desk, runner: Any = None) -> UsagePage:
    page = UsagePage(desk.context(desk.supervisor, runner))
    qtbot.addWidget(page)
    page.resize(900, 600)
    page.show()
    qtbot.waitExposed(page)
    return page


def click(qtbot: Any, button: Any) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def start_import(qtbot: Any, page: UsagePage, path: Path, monkeypatch: Any) -> Any:
    """Click "Import a usage file…" and pick `path`: the progress dialog opens."""
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    click(qtbot, page.import_button)
    progress = page.progress
    assert progress is not None and progress.isVisible()
    assert progress.cancel_button.text() == "Annuler"
    return progress


def test_the_follow_up_table_passes_the_model_tester(
    qtbot: Any, qtmodeltester: Any, desk: Desk, handed: list[int]
) -> None:
    page = make_page(qtbot, desk)
    assert page.mapping.currentText() == "Colonnes : code, date, lieu, montant"  # automatic
    assert page.model.rowCount() == 2
    qtmodeltester.check(page.model)
    assert page.list_label.text().startswith("2 personnes n'ont utilisé aucun chèque 6 semaines")


def test_an_import_shows_its_progress_and_outcome_and_exports_its_anomalies(
    qtbot: Any, desk: Desk, handed: list[int], runner: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    page = make_page(qtbot, desk, runner)
    assert "0 chèques sur 10 remis" in page.rate_label.text()
    progress = start_import(qtbot, page, usage_file(tmp_path, desk), monkeypatch)
    shown: list[int] = []
    progress.bar.valueChanged.connect(shown.append)
    with qtbot.waitSignal(progress.finished_work, timeout=JOB_MS):
        pass
    assert shown and shown[-1] == progress.bar.maximum() > 0  # the bar went to its end
    assert not progress.isVisible()
    outcome = [page.outcome.item(i).text() for i in range(page.outcome.count())]
    assert outcome[0] == "3 lignes lues : 2 chèques enregistrés comme utilisés, 1 anomalies."
    assert any(desk.voucher(100) in line for line in outcome)
    assert "2 chèques sur 10 remis" in page.rate_label.text()
    assert page.model.rowCount() == 1  # the first person used hers: no call needed

    target = tmp_path / "anomalies.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    assert page.export_anomalies_button.isEnabled()
    click(qtbot, page.export_anomalies_button)
    exported = target.read_text(encoding="utf-8-sig").splitlines()
    assert exported[0].startswith("ligne;code;anomalie")
    assert exported[1].startswith(f"4;{desk.voucher(100)};not_handed_out;")
    assert str(target) in page.message.text()


def test_cancel_leaves_the_register_as_it_was(
    qtbot: Any, desk: Desk, handed: list[int], runner: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    page = make_page(qtbot, desk, runner)
    before = database_rows(desk)
    progress = start_import(qtbot, page, usage_file(tmp_path, desk), monkeypatch)
    with qtbot.waitSignal(progress.finished_work, timeout=JOB_MS):
        click(qtbot, progress.cancel_button)
        assert progress.label.text() == "Annulation en cours…"
    assert page.message.text() == "L'import a été annulé : rien n'a été enregistré."
    assert database_rows(desk) == before
    assert "0 chèques sur 10 remis" in page.rate_label.text()
    assert not page.export_anomalies_button.isEnabled()


def test_a_call_is_recorded_on_the_selected_person(
    qtbot: Any, desk: Desk, handed: list[int]
) -> None:
    page = make_page(qtbot, desk, None)
    click(qtbot, page.call_button)  # nobody selected yet
    assert page.message.text() == "Sélectionnez la personne appelée."
    page.view.setFocus()
    page.view.selectRow(1)
    called = page.model.row_at(1)
    assert called is not None
    click(qtbot, page.call_button)
    dialog = page.dialog
    assert isinstance(dialog, CallDialog) and dialog.isVisible()
    dialog.outcome.setFocus()
    while dialog.outcome.currentData() != "message_left":
        qtbot.keyClick(dialog.outcome, Qt.Key.Key_Down)
    qtbot.keyClicks(dialog.note, "rappeler jeudi")
    with qtbot.waitSignal(dialog.accepted):
        click(qtbot, dialog.save_button)
    row = next(r for r in page.model.loaded_rows() if r.beneficiary_id == called.beneficiary_id)
    assert row.last_outcome == "message_left" and row.last_call_on == date.today()
    (when, _agent, label, note) = desk.services.followup.calls(called.beneficiary_id)[0]
    assert (label, note) == ("message laissé", "rappeler jeudi")


def test_a_file_with_other_columns_is_imported_through_a_mapping_named_once(
    qtbot: Any, desk: Desk, handed: list[int], runner: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    page = make_page(qtbot, desk, runner)
    path = tmp_path / "aptic.csv"
    path.write_text(f"Jour;Chèque;Valeur;SIRET\n{TODAY};{desk.voucher(3)};10;1\n", "utf-8")
    page.mapping.setFocus()
    while page.mapping.currentData() is not None:  # down to "New column mapping…"
        qtbot.keyClick(page.mapping, Qt.Key.Key_Down)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    click(qtbot, page.import_button)
    dialog = page.dialog
    assert isinstance(dialog, MappingDialog) and dialog.isVisible()
    qtbot.keyClicks(dialog.name, "Aptic")
    for field_name, column in (("code", "Chèque"), ("date", "Jour"), ("place", "SIRET"),
                               ("amount", "Valeur")):  # fmt: skip
        dialog.columns[field_name].setCurrentText(column)
    click(qtbot, dialog.save_button)
    progress = page.progress
    assert progress is not None
    with qtbot.waitSignal(progress.finished_work, timeout=JOB_MS):
        pass
    assert page.message.text().startswith("1 lignes lues : 1 chèques enregistrés")
    assert page.mapping.currentText() == "Colonnes : Aptic"  # remembered, and chosen
    assert "Aptic" in desk.services.usage.mappings()
