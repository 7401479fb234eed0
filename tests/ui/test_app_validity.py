"""End of validity in the window: the D-30 banner above the pages (French, with the count and
the date, reachable with the keyboard), and the expiry run at start-up and on each new day,
off the UI thread."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import text

from passdesk.app import build_window
from passdesk.models import Role
from passdesk.services import Services, open_services
from tests.desks import (
    START,
    AgentStep,
    DeskStep,
    LotStep,
    MovableClock,
    Plan,
    ProgrammeStep,
    Templates,
)

ENDING = "FIN26"  # valid until 05/04/2026: on 10/03/2026 (START), D-26
PLAN = Plan(
    (
        DeskStep("Mairie de Test", admin_name="Alice Admin"),
        AgentStep("agent", "Ali Agent", Role.AGENT),
        ProgrammeStep(
            ENDING, "Pass qui finit", "10", 5, "2026-01-01", "2026-04-05", (("État", Decimal(100)),)
        ),
        ProgrammeStep(
            "MGP19", "Pass long", "10", 10, "2026-01-01", "2027-12-31", (("État", Decimal(100)),)
        ),
        LotStep(ENDING, 1, 12),
        LotStep("MGP19", 1, 3),
    ),
    now=START,
)


@pytest.fixture
def desk(tmp_path: Path, desk_templates: Templates) -> Iterator[tuple[Services, Any, Any]]:
    made = desk_templates.copy(PLAN, tmp_path / "desk.sqlite3")
    clock = MovableClock(START)
    services = open_services(tmp_path / "desk.sqlite3", clock=clock)
    yield services, made, clock
    services.close()


def test_the_banner_shows_from_d_minus_30_and_leads_to_the_stock(
    qtbot: Any, desk: Any, runner: Any
) -> None:
    services, made, _clock = desk
    window = build_window(services, made["agent"], runner)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    banner = window.validity_banner
    qtbot.waitUntil(banner.isVisible, timeout=10_000)  # the check runs off the UI thread
    text = banner.label.text()
    assert "Fin de validité : 1 opération se termine dans les 30 jours." in text
    assert "FIN26 se termine le 05/04/2026 (dans 26 jours)" in text
    assert "12 carnets en stock, 60 chèques, 600,00" in text
    assert "remise arrêtée à partir du 21/03/2026" in text
    assert "MGP19" not in text
    assert banner.accessibleName() == "Fin de validité"
    assert text in banner.button.accessibleDescription()
    # above the pages, whichever is shown
    assert banner.geometry().bottom() <= window.splitter.geometry().top()
    # reachable with the keyboard: Tab from the page list, then Space shows the stock
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.nav.setFocus()
    for _ in range(60):
        if QApplication.focusWidget() is banner.button:
            break
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is banner.button
    qtbot.keyClick(banner.button, Qt.Key.Key_Space)
    assert type(window.current_page()).__name__ == "StockPage"


def test_booklets_left_after_the_end_expire_at_start_up_and_on_a_new_day(
    qtbot: Any, desk: Any, runner: Any
) -> None:
    services, made, clock = desk
    clock.set_date(date(2026, 4, 5))  # the last valid day: nothing expires yet
    window = build_window(services, made["agent"], runner)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(window.validity_banner.isVisible, timeout=10_000)
    assert "dans 0 jour)" in window.validity_banner.label.text()
    assert services.stock.counts(ENDING).in_stock == 12

    # The window stays open overnight: the hourly look sees a new day and runs the expiry.
    clock.set_date(date(2026, 4, 6))
    with qtbot.waitSignal(window.daily_expiry.checked, timeout=10_000):
        window.daily_expiry.timer.timeout.emit()
    counts = services.stock.counts(ENDING)
    assert (counts.in_stock, counts.expired) == (0, 12)
    assert services.stock.counts("MGP19").in_stock == 3
    assert not window.validity_banner.isVisible()  # ended and expired: nothing to announce
    assert "12 carnets" in window.statusBar().currentMessage()
    with services.db.read() as session:
        agents = session.execute(
            text("SELECT DISTINCT agent_id FROM ledger_event WHERE kind = 'expired'")
        ).all()
    assert agents == [(made["agent"].id,)]
    # The same day again: no second run.
    events = services.ledger.count()
    window.daily_expiry.timer.timeout.emit()
    assert runner.wait_all(10_000)
    assert services.ledger.count() == events
    assert window.daily_expiry.timer.isActive()
