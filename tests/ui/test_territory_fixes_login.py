"""The login dialog of a territory's database (issue 13): before anyone logs in, the desk is
not known, so the heading names none (neither the first desk nor the last one logged in)."""

from __future__ import annotations

from typing import Any

from passdesk.ui.login import LoginDialog
from tests.desks import START
from tests.territory import second_desk


def _heading(qtbot: Any, services: Any) -> str:
    dialog = LoginDialog(services)
    qtbot.addWidget(dialog)
    return dialog.heading.text()


def test_several_desks_show_a_neutral_heading(qtbot: Any, desk: Any) -> None:
    first_name = desk.services.accounts.desk().name
    assert _heading(qtbot, desk.services) == first_name  # one desk: as before
    vadmin, _vagent = second_desk(desk.services, START)
    assert _heading(qtbot, desk.services) == "PassDesk"
    desk.services.act_as(vadmin)  # the last desk logged in
    assert _heading(qtbot, desk.services) == "PassDesk"
