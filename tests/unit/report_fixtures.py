"""Fixtures of the report tests (imported by tests/unit/test_report*.py): the hand-built desk of
tests/unit/report_desk.py, built once per session and copied for each test, opened with the
report day's clock, in Paris time."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from passdesk.services import Services
from passdesk.services.report_figures import ReportQuery
from tests.unit.report_desk import PERIOD, ReportDesk, paris_time

__all__ = ["PERIOD", "period", "report_desk", "report_path", "reports"]


@pytest.fixture(scope="session")
def report_desk(tmp_path_factory: pytest.TempPathFactory) -> ReportDesk:
    return ReportDesk(tmp_path_factory.mktemp("report-desk"))


@pytest.fixture
def report_path(tmp_path: Path) -> Path:
    return tmp_path / "reports.sqlite3"


@pytest.fixture
def reports(report_desk: ReportDesk, report_path: Path) -> Iterator[Services]:
    """The desk's services, the process in Paris time while the test runs."""
    with paris_time():
        services = report_desk.copy(report_path)
        try:
            yield services
        finally:
            services.close()


@pytest.fixture
def period() -> ReportQuery:
    return ReportQuery(*PERIOD)
