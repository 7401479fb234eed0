"""The dashboard on the serve page: shown while no one is open, refreshed after each person, its
figures read off the window's thread; and the person form offering the programmes' groups."""

from __future__ import annotations

import threading
from typing import Any

from PySide6.QtCore import Qt

from passdesk.services.dashboard import DashboardService
from passdesk.services.programmes import TargetGroupChoice
from passdesk.ui.context import UiContext
from passdesk.ui.pages.serve.dashboard import DashboardView
from passdesk.ui.pages.serve.page import ServePage
from passdesk.ui.widgets.person_form import PersonForm
from tests.desks import SERVE_PROGRAMME as PROGRAMME

Y, J, S = "young_no_qualification", "jobseeker_no_diploma", "senior"


def hand_out(desk: Any) -> None:
    assert desk.known is not None
    desk.services.handouts.hand_out(desk.admin, desk.known.id, next_programme=PROGRAMME)


def test_the_dashboard_shows_while_no_one_is_open(qtbot: Any, desk: Any) -> None:
    page = ServePage(desk.context(desk.agent))  # a synchronous runner: figures at once
    qtbot.addWidget(page)
    assert page.dashboard is not None and page.right.currentIndex() == 0
    board = page.dashboard.board
    assert board is not None and [w.booklets for w in board.weeks][-1] == 0
    assert page.dashboard.stock_model.rowCount() == 1  # MGP26, 20 in stock
    assert page.dashboard.stock_model.data(page.dashboard.stock_model.index(0, 1)) == "20"
    hand_out(desk)
    page.open_person(desk.known.id)
    assert page.right.currentIndex() == 1 and page.person_panel.person is not None
    with qtbot.waitSignal(page.dashboard.refreshed):
        page.reset()  # the next person: the figures again, with the handout
    assert page.right.currentIndex() == 0
    assert [w.booklets for w in page.dashboard.board.weeks][-1] == 1
    assert page.dashboard.stock_model.data(page.dashboard.stock_model.index(0, 1)) == "19"


def test_usage_rate_waits_for_the_usage_import_and_the_quota_gauge(qtbot: Any, desk: Any) -> None:
    desk.services.programmes.edit(
        desk.admin, PROGRAMME, target_groups=[Y, J, S], priority_groups=[Y, J], priority_quota="50"
    )
    hand_out(desk)  # the known person has no target group: not a priority one
    view = DashboardView(desk.context())
    qtbot.addWidget(view)
    view.refresh()
    assert view.usage.text() == "—" and "importés" in view.usage.toolTip()
    assert len(view.quota_views) == 1 and not view.no_quota.isVisible()
    assert view.quota_labels[0].accessibleName().replace("\u00a0", " ") == (
        "MGP26 : 0 % des chèques aux publics prioritaires (quota 50 %), non atteint."
    )
    assert "semaine du" in view.weeks_view.accessibleDescription()


def test_the_dashboard_is_read_off_the_windows_thread(
    qtbot: Any, desk: Any, runner: Any, monkeypatch: Any
) -> None:
    threads: list[threading.Thread] = []
    real = DashboardService.dashboard

    def recording(self: DashboardService, actor: Any) -> Any:
        threads.append(threading.current_thread())
        return real(self, actor)

    monkeypatch.setattr(DashboardService, "dashboard", recording)
    view = DashboardView(UiContext(desk.services, desk.agent, runner))
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.refreshed, timeout=10_000):
        view.refresh()
        view.refresh()  # asked again before the answer: one more request, newest wins
        assert view.board is None  # refresh() returned before the figures came
    qtbot.waitUntil(lambda: len(threads) == 2)
    runner.wait_all()
    assert view.board is not None
    assert all(t is not threading.main_thread() for t in threads)


def test_the_refresh_button_and_its_key(qtbot: Any, desk: Any) -> None:
    view = DashboardView(desk.context())
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.refreshed):
        qtbot.mouseClick(view.refresh_button, Qt.MouseButton.LeftButton)
    assert "F5" in view.refresh_button.toolTip()


def test_the_form_offers_the_programmes_groups_priority_marked(qtbot: Any, desk: Any) -> None:
    form = PersonForm(
        groups=[TargetGroupChoice(Y, "Young person without qualification", True),
                TargetGroupChoice(S, "Senior", False)]
    )  # fmt: skip
    qtbot.addWidget(form)
    items = [form.target_group.itemText(i) for i in range(form.target_group.count())]
    assert items == ["Non renseigné", "Jeune sans qualification (prioritaire)", "Senior"]
    # A group the person already has stays, even when no programme names it any more.
    assert desk.known is not None
    person = desk.services.beneficiaries.get(desk.known.id)
    form.set_person(type(person)(**{**person.__dict__, "target_group": "disability"}))
    assert form.target_group.currentData() == "disability"
    assert form.data().target_group == "disability"


def test_the_serve_panel_offers_what_the_programmes_name(qtbot: Any, desk: Any) -> None:
    desk.services.programmes.edit(desk.admin, PROGRAMME, target_groups=[S, Y], priority_groups=[Y])
    page = ServePage(desk.context(desk.agent))
    qtbot.addWidget(page)
    page.open_person(desk.known.id)
    combo = page.person_panel.profile.target_group
    keys = [combo.itemData(i) for i in range(combo.count())]
    assert keys == ["", Y, S]
    combo.setCurrentIndex(1)  # one tick: saved at once, as the panel's profile is
    assert desk.services.beneficiaries.get(desk.known.id).target_group == Y
