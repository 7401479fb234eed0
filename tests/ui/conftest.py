"""Fixtures of the window tests: a real database with a desk, stock and one person, a real
background runner, the window built the way app.py builds it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from passdesk import codes
from passdesk.models import Role
from passdesk.services import Services, open_services
from passdesk.services.beneficiaries import BeneficiaryInput
from passdesk.services.rows import Actor, BeneficiaryRow

ADMIN_PASSWORD = "motdepasse-admin"
AGENT_PASSWORD = "motdepasse-agent"
PROGRAMME = "MGP26"


@dataclass
class Desk:
    services: Services
    admin: Actor
    agent: Actor
    supervisor: Actor
    known: BeneficiaryRow  # already registered: the near match of the duplicate test

    def booklet(self, number: int) -> str:
        return codes.booklet_code(PROGRAMME, number)

    def voucher(self, number: int) -> str:
        return codes.voucher_code(PROGRAMME, number)


# The offscreen platform warns each time a window is shown or raised; that says nothing about
# the window.
OFFSCREEN_NOISE = (
    "This plugin does not support propagateSizeHints",
    r"This plugin does not support raise\(\)",
)
WINDOW_TEST_PREFIXES = ("test_app_", "test_serve_", "test_login_", "test_first_run_")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).name.startswith(WINDOW_TEST_PREFIXES):
            item.add_marker(pytest.mark.qt_log_ignore(*OFFSCREEN_NOISE))


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    services = open_services(tmp_path / "desk.sqlite3")
    yield services
    services.close()


@pytest.fixture
def desk(services: Services) -> Desk:
    admin = services.accounts.init_desk(
        name="France Services Vénissieux",
        admin_login="admin",
        admin_name="Aïcha Admin",
        admin_password=ADMIN_PASSWORD,
        address="1 place de la République",
        postcode="69200",
        commune="Vénissieux",
    )
    services.accounts.add_agent(
        admin, login="agent", display_name="Paul Agent", role=Role.AGENT, password=AGENT_PASSWORD
    )
    services.accounts.add_agent(
        admin,
        login="chef",
        display_name="Chloé Référente",
        role=Role.SUPERVISOR,
        password=AGENT_PASSWORD,
    )
    today = date.today()
    services.programmes.add(
        admin,
        code=PROGRAMME,
        name="Pass numérique Métropole",
        face_value="10",
        vouchers_per_booklet=5,
        valid_from=today - timedelta(days=10),
        valid_until=today + timedelta(days=365),
        limit_per_person=1,
        funders=[("État", Decimal(45)), ("Métropole de Lyon", Decimal(55))],
    )
    services.stock.receive(admin, programme_code=PROGRAMME, first_booklet=1, count=20)
    known = services.beneficiaries.register(
        admin,
        BeneficiaryInput(
            last_name="N'Diaye",
            first_name="Hélène",
            birth_date="12/03/1980",
            postcode="69200",
            commune="Vénissieux",
        ),
    )
    return Desk(
        services, admin, services.accounts.actor("agent"), services.accounts.actor("chef"), known
    )


@pytest.fixture
def runner(qapp):  # noqa: ANN001, ANN201
    from passdesk.ui.worker import TaskRunner

    runner = TaskRunner()
    yield runner
    runner.wait_all()
    runner.deleteLater()


def focused():  # noqa: ANN201
    """The widget with the keyboard focus (a test types only where a person could)."""
    from PySide6.QtWidgets import QApplication

    widget = QApplication.focusWidget()
    assert widget is not None, "no widget has the keyboard focus"
    return widget


def type_text(qtbot, text: str, widget=None) -> None:  # noqa: ANN001
    """Type `text` key by key where the focus is; QTest.keyClicks only knows ASCII, so an
    accented letter is sent as a key event carrying its text, as a French keyboard does."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    target = widget or focused()
    for char in text:
        if char.isascii():
            qtbot.keyClicks(target, char)
        else:
            QTest.sendKeyEvent(
                QTest.KeyAction.Click,
                target,
                Qt.Key.Key_unknown,
                char,
                Qt.KeyboardModifier.NoModifier,
            )
