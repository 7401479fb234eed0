"""The one way long work leaves the UI thread: run a function in the pool, get progress,
result or error back on the UI thread. Tests may swap in `SyncRunner`.

Usage::

    runner.run(lambda control: services.booklet_printing.print_booklets(
                   ..., progress=control.progress, cancel=control.cancelled),
               on_result=self._on_print_done, on_error=self._on_print_failed,
               on_progress=dialog.set_progress)
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)

ResultSlot = Callable[[Any], None]
ErrorSlot = Callable[[BaseException], None]
ProgressSlot = Callable[[int, int], None]


class TaskControl:
    """Handed to the work function: report progress, ask whether the user cancelled."""

    def __init__(self, progress: Callable[[int, int], None]) -> None:
        self._progress = progress
        self._cancel = threading.Event()

    def progress(self, done: int, total: int) -> None:
        self._progress(done, total)

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        self._cancel.set()


class _Bridge(QObject):
    progressed = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(object)
    finished = Signal()


class Task(QObject):
    """A running piece of work; `cancel()` asks it to stop at its next check."""

    finished = Signal()

    def __init__(self, control: TaskControl, bridge: _Bridge) -> None:
        super().__init__()
        self.control = control
        self._bridge = bridge
        bridge.finished.connect(self.finished)
        self.done = False
        bridge.finished.connect(self._on_bridge_finished)

    def cancel(self) -> None:
        self.control.cancel()

    @Slot()
    def _on_bridge_finished(self) -> None:
        self.done = True


class _Job(QRunnable):
    def __init__(
        self, fn: Callable[[TaskControl], Any], control: TaskControl, bridge: _Bridge
    ) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._fn, self._control, self._bridge = fn, control, bridge

    def run(self) -> None:
        try:
            result = self._fn(self._control)
        except BaseException as error:  # delivered to the UI thread, shown in French there
            if not _is_expected(error):
                log.error("background task failed", exc_info=error)
            self._bridge.failed.emit(error)
        else:
            self._bridge.succeeded.emit(result)
        finally:
            self._bridge.finished.emit()


def _is_expected(error: BaseException) -> bool:
    from passdesk.errors import PassDeskError

    return isinstance(error, PassDeskError)


class TaskRunner(QObject):
    """Runs work functions on a thread pool; signals come back on the thread that owns it."""

    def __init__(self, parent: QObject | None = None, max_threads: int = 2) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._live: set[Task] = set()

    def run(
        self,
        fn: Callable[[TaskControl], Any],
        *,
        on_result: ResultSlot | None = None,
        on_error: ErrorSlot | None = None,
        on_progress: ProgressSlot | None = None,
    ) -> Task:
        bridge = _Bridge()
        bridge.moveToThread(self.thread())
        bridge.setParent(self)  # lives with the runner until finished
        control = TaskControl(bridge.progressed.emit)
        task = Task(control, bridge)
        if on_progress is not None:
            bridge.progressed.connect(on_progress)
        if on_result is not None:
            bridge.succeeded.connect(on_result)
        if on_error is not None:
            bridge.failed.connect(on_error)
        self._live.add(task)

        def cleanup() -> None:
            self._live.discard(task)
            bridge.deleteLater()

        bridge.finished.connect(cleanup)
        self._pool.start(_Job(fn, control, bridge))
        return task

    def wait_all(self, msecs: int = 30_000) -> bool:
        """Block until the pool is idle (application exit, tests)."""
        return self._pool.waitForDone(msecs)


class SyncRunner(QObject):
    """Same interface, runs at once on the caller's thread (unit tests of pages)."""

    def run(
        self,
        fn: Callable[[TaskControl], Any],
        *,
        on_result: ResultSlot | None = None,
        on_error: ErrorSlot | None = None,
        on_progress: ProgressSlot | None = None,
    ) -> Task:
        bridge = _Bridge()
        control = TaskControl(on_progress or (lambda done, total: None))
        task = Task(control, bridge)
        try:
            result = fn(control)
        except Exception as error:
            if on_error is None:
                raise
            on_error(error)
        else:
            if on_result is not None:
                on_result(result)
        bridge.finished.emit()
        return task

    def wait_all(self, msecs: int = 0) -> bool:
        return True
