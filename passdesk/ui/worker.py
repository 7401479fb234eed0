"""The one way long work leaves the UI thread: run a function in the pool, get progress,
result or error back on the UI thread. Tests may swap in `SyncRunner`.

Usage::

    runner.run(lambda control: services.booklet_printing.print_booklets(
                   ..., progress=control.progress, cancel=control.cancelled),
               on_result=self._on_print_done, on_error=self._on_print_failed,
               on_progress=dialog.set_progress)
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot

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


class Task(QObject):
    """A running piece of work; `cancel()` asks it to stop at its next check. Lives on the UI
    thread; `finished` is emitted there, after the result or the error was delivered."""

    finished = Signal()

    def __init__(self, control: TaskControl) -> None:
        super().__init__()
        self.control = control
        self.done = False

    def cancel(self) -> None:
        self.control.cancel()


@dataclass
class _Callbacks:
    task: Task
    on_result: ResultSlot | None
    on_error: ErrorSlot | None
    on_progress: ProgressSlot | None
    owner: QObject | None  # the widget that asked: gone, its answers are dropped

    def wanted(self) -> bool:
        """False once the owner was deleted (a page closed while its work ran): its slots
        would touch dead widgets."""
        return self.owner is None or shiboken6.isValid(self.owner)


class _Job(QRunnable):
    """Runs on a pool thread; talks to the UI thread only through the runner's signals, which
    outlive every job (no object is deleted while a pool thread may still emit on it)."""

    def __init__(
        self,
        runner: TaskRunner,
        task_id: int,
        fn: Callable[[TaskControl], Any],
        control: TaskControl,
    ) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._runner, self._id, self._fn, self._control = runner, task_id, fn, control

    def run(self) -> None:
        try:
            result = self._fn(self._control)
        except BaseException as error:  # delivered to the UI thread, shown in French there
            if not _is_expected(error):
                log.error("background task failed", exc_info=error)
            self._runner._failed.emit(self._id, error)
        else:
            self._runner._succeeded.emit(self._id, result)


def _is_expected(error: BaseException) -> bool:
    from passdesk.errors import PassDeskError

    return isinstance(error, PassDeskError)


class TaskRunner(QObject):
    """Runs work functions on a thread pool; results, errors and progress come back on the
    thread that owns the runner, through the runner's own signals (queued across threads)."""

    _progressed = Signal(int, int, int)  # task id, done, total
    _succeeded = Signal(int, object)
    _failed = Signal(int, object)

    def __init__(self, parent: QObject | None = None, max_threads: int = 2) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._live: dict[int, _Callbacks] = {}
        self._ids = itertools.count(1)
        self._progressed.connect(self._on_progressed, Qt.ConnectionType.QueuedConnection)
        self._succeeded.connect(self._on_succeeded, Qt.ConnectionType.QueuedConnection)
        self._failed.connect(self._on_failed, Qt.ConnectionType.QueuedConnection)

    def run(
        self,
        fn: Callable[[TaskControl], Any],
        *,
        on_result: ResultSlot | None = None,
        on_error: ErrorSlot | None = None,
        on_progress: ProgressSlot | None = None,
        owner: QObject | None = None,
    ) -> Task:
        """Run `fn` on the pool. Give `owner` (the widget whose slots are called) when the
        callbacks touch widgets that may be closed before the work ends."""
        task_id = next(self._ids)
        control = TaskControl(lambda done, total: self._progressed.emit(task_id, done, total))
        task = Task(control)
        self._live[task_id] = _Callbacks(task, on_result, on_error, on_progress, owner)
        self._pool.start(_Job(self, task_id, fn, control))
        return task

    @Slot(int, int, int)
    def _on_progressed(self, task_id: int, done: int, total: int) -> None:
        callbacks = self._live.get(task_id)
        if callbacks is not None and callbacks.on_progress is not None and callbacks.wanted():
            callbacks.on_progress(done, total)

    @Slot(int, object)
    def _on_succeeded(self, task_id: int, result: Any) -> None:
        callbacks = self._live.pop(task_id, None)
        if callbacks is None:
            return
        try:
            if callbacks.on_result is not None and callbacks.wanted():
                callbacks.on_result(result)
        finally:
            self._finish(callbacks.task)

    @Slot(int, object)
    def _on_failed(self, task_id: int, error: Any) -> None:
        callbacks = self._live.pop(task_id, None)
        if callbacks is None:
            return
        try:
            if callbacks.on_error is not None and callbacks.wanted():
                callbacks.on_error(error)
        finally:
            self._finish(callbacks.task)

    @staticmethod
    def _finish(task: Task) -> None:
        task.done = True
        task.finished.emit()

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
        owner: QObject | None = None,
    ) -> Task:
        control = TaskControl(on_progress or (lambda done, total: None))
        task = Task(control)
        try:
            result = fn(control)
        except Exception as error:
            if on_error is None:
                raise
            on_error(error)
        else:
            if on_result is not None:
                on_result(result)
        TaskRunner._finish(task)
        return task

    def wait_all(self, msecs: int = 0) -> bool:
        return True
