"""The reports page: the preview computed off the window (in a child process), the tables as
they leave the desk, the documents written where the agent chose, and who may do what."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QFileDialog, QLabel, QTableView

from passdesk.ui.pages.reports.page import ReportsPage, period_of
from passdesk.ui.pages.reports.table_model import ReportTableModel
from tests.ui import pages_fixtures
from tests.ui.pages_fixtures import OFFSCREEN_NOISE, PROGRAMME, Desk
from tests.ui.test_pages_keyboard import unnamed_controls

pytestmark = OFFSCREEN_NOISE
desk = pages_fixtures.desk


def make_page(qtbot: Any, desk: Desk, actor: Any = None) -> ReportsPage:
    page = ReportsPage(desk.context(actor))
    qtbot.addWidget(page)
    page.resize(1100, 700)
    page.show()
    return page


def hand_out(desk: Desk, count: int) -> None:
    people = desk.services.beneficiaries.list(limit=count)
    for person in people[:count]:
        desk.services.handouts.hand_out(desk.admin, person.id, next_programme=PROGRAMME)


def test_preview_shows_every_table_as_it_leaves_the_desk(
    qtbot: Any, qtmodeltester: Any, desk: Desk
) -> None:
    hand_out(desk, 3)
    page = make_page(qtbot, desk)
    assert page.period_choice.currentData() == "this_year"
    with qtbot.waitSignal(page.preview_ready, timeout=60_000):
        qtbot.mouseClick(page.preview_button, Qt.MouseButton.LeftButton)
    assert page.record is not None
    titles = [page.tabs.tabText(i) for i in range(page.tabs.count())]
    assert titles[:3] == ["Chiffres clés", "Carnets et chèques", "Parts des financeurs"]
    assert len(titles) == 10
    summary = page.tabs.widget(0).findChild(QTableView).model()
    assert isinstance(summary, ReportTableModel)
    qtmodeltester.check(summary)
    rows = {
        summary.data(summary.index(r, 0)): summary.data(summary.index(r, 1))
        for r in range(summary.rowCount())
    }
    assert rows["Carnets remis"] == "3"
    assert rows["Personnes servies"] == "< 5"  # three people: the preview hides as the PDF
    assert "< 5" in page.disclosure.text()
    assert "MGP19" in page.scope.text()


def test_documents_are_written_where_the_agent_chose(
    qtbot: Any, desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hand_out(desk, 2)
    page = make_page(qtbot, desk, desk.supervisor)
    chosen = tmp_path / "rapport"  # no suffix typed: the page adds it
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *args, **kwargs: (str(chosen), ""))
    )
    with qtbot.waitSignal(page.exported, timeout=60_000) as written:
        qtbot.mouseClick(page.export_buttons["xlsx"], Qt.MouseButton.LeftButton)
    assert written.args == [tmp_path / "rapport.xlsx"]
    book = load_workbook(tmp_path / "rapport.xlsx")
    assert book.sheetnames[0] == "Synthèse"
    assert "rapport.xlsx" in page.message.text()


def test_a_pseudonymised_export_needs_a_funder(
    qtbot: Any, desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = make_page(qtbot, desk)
    monkeypatch.setattr(
        QFileDialog,
        "getSaveFileName",
        staticmethod(lambda *args, **kwargs: (str(tmp_path / "p.csv"), "")),
    )
    qtbot.mouseClick(page.export_buttons["pseudonymised"], Qt.MouseButton.LeftButton)
    assert "financeur" in page.message.text() and not (tmp_path / "p.csv").exists()


def test_who_is_offered_what(qtbot: Any, desk: Desk) -> None:
    agent = make_page(qtbot, desk, desk.agent)
    assert not any(b.isVisible() for b in agent.export_buttons.values())
    assert agent.preview_button.isVisible()  # every agent sees the figures
    supervisor = make_page(qtbot, desk, desk.supervisor)
    visible = {k for k, b in supervisor.export_buttons.items() if b.isVisible()}
    assert visible == {"pdf", "xlsx", "csv"}
    admin = make_page(qtbot, desk)
    assert all(b.isVisible() for b in admin.export_buttons.values())
    assert unnamed_controls(admin) == []


def test_mnemonics_are_unique_and_not_the_menus(qtbot: Any, desk: Desk) -> None:
    page = make_page(qtbot, desk)
    texts = [label.text() for label in page.findChildren(QLabel) if label.buddy()]
    texts += [b.text() for b in page.findChildren(QAbstractButton) if b.isVisible()]
    letters = [m.group(1).lower() for t in texts if (m := re.search(r"&(\w)", t))]
    assert len(letters) == len(set(letters)), letters
    assert not set(letters) & {"f", "a", "l", "d"}  # Fichier, Accueil, Aller à, Aide


def test_quick_periods(qtbot: Any, desk: Desk) -> None:
    assert period_of("last_month", date(2026, 3, 15)) == (date(2026, 2, 1), date(2026, 2, 28))
    assert period_of("this_month", date(2026, 3, 15)) == (date(2026, 3, 1), date(2026, 3, 15))
    assert period_of("last_year", date(2026, 3, 15)) == (date(2025, 1, 1), date(2025, 12, 31))
    page = make_page(qtbot, desk)
    page.period_choice.setCurrentIndex(page.period_choice.findData("last_year"))
    query = page.query()
    assert (query.start.month, query.start.day, query.end.month, query.end.day) == (1, 1, 12, 31)
    page.start_edit.setDate(page.start_edit.date().addDays(1))  # typed: an own period
    assert page.period_choice.currentData() == "custom"
    page.funder_filter.setCurrentIndex(page.funder_filter.findData("Département"))
    assert page.query().funder == "Département"
