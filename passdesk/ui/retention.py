"""What PassDesk does by itself for people's data while the window is open: at start-up and
then each day, the access log's entries older than six months are deleted and the people with
no activity for the retention period (Settings) are erased, off the UI thread."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from passdesk.services import Services
from passdesk.ui.worker import TaskRunner

log = logging.getLogger(__name__)

CHECK_EVERY_MS = 3_600_000  # once an hour, look whether the day changed


class RetentionKeeper(QObject):
    """Runs `ErasureService.daily` now and at the first check of each new day; `done` carries
    the PurgeResult (the window's status bar says how many were erased)."""

    done = Signal(object)

    def __init__(
        self,
        services: Services,
        runner: TaskRunner,
        parent: QObject | None = None,
        *,
        today: Callable[[], date] = date.today,
    ) -> None:
        super().__init__(parent)
        self._services, self._runner, self._today = services, runner, today
        self.last_day: date | None = None
        self.running = False
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_EVERY_MS)
        self.timer.timeout.connect(self._on_timer_timeout)

    def start(self) -> None:
        self.run()
        self.timer.start()

    def run(self) -> None:
        if self.running:
            return
        self.running = True
        self.last_day = self._today()
        erasure = self._services.erasure
        self._runner.run(
            lambda _control: erasure.daily(),
            on_result=self._on_done,
            on_error=self._on_failed,
            owner=self,
        )

    def _on_timer_timeout(self) -> None:
        if self._today() != self.last_day:
            self.run()

    def _on_done(self, result: Any) -> None:
        self.running = False
        self.done.emit(result)

    def _on_failed(self, error: BaseException) -> None:
        self.running = False  # tried again at the next day's check; the window goes on
        log.error("the daily retention run failed", exc_info=error)
