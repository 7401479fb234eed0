"""The reports page in a database of several desks (issue 13): the coordination's
administrators choose the desk reported on or the whole territory; nobody else is offered the
choice, and a database of one desk shows no selector at all."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import Qt
from sqlalchemy import update

from passdesk.models import Desk as DeskModel
from passdesk.models import DeskKind
from passdesk.services.report_figures import TERRITORY
from passdesk.ui.pages.reports.page import ReportsPage
from tests.territory import SECOND_CODE, second_desk
from tests.ui import pages_fixtures
from tests.ui.pages_fixtures import OFFSCREEN_NOISE, Desk
from tests.ui.test_pages_keyboard import unnamed_controls

pytestmark = OFFSCREEN_NOISE
desk = pages_fixtures.desk


def make_page(qtbot: Any, desk: Desk, actor: Any = None) -> ReportsPage:
    page = ReportsPage(desk.context(actor))
    qtbot.addWidget(page)
    page.resize(1100, 700)
    page.show()
    return page


def test_one_desk_no_selector(qtbot: Any, desk: Desk) -> None:
    page = make_page(qtbot, desk)
    assert page.desk_filter is None
    assert page.query().desk is None


def test_the_coordination_chooses_the_desk_or_the_territory(qtbot: Any, desk: Desk) -> None:
    vadmin, _vagent = second_desk(desk.services, datetime.now(UTC))
    assert make_page(qtbot, desk).desk_filter is None  # not a coordination yet
    desk.services.db.transaction(
        lambda session: session.execute(
            update(DeskModel)
            .where(DeskModel.id == desk.admin.desk_id)
            .values(kind=DeskKind.COORDINATION)
        )
    )
    assert make_page(qtbot, desk, desk.agent).desk_filter is None
    assert make_page(qtbot, desk, vadmin).desk_filter is None
    page = make_page(qtbot, desk)
    selector = page.desk_filter
    assert selector is not None and selector.isVisible()
    assert [selector.itemData(i) for i in range(selector.count())] == [
        None,
        SECOND_CODE,
        TERRITORY,
    ]
    assert unnamed_controls(page) == []
    selector.setCurrentIndex(selector.findData(TERRITORY))
    assert page.query().desk == TERRITORY
    with qtbot.waitSignal(page.preview_ready, timeout=60_000):
        qtbot.mouseClick(page.preview_button, Qt.MouseButton.LeftButton)
    assert "L'ensemble du territoire" in page.scope.text()
