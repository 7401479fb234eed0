"""Heavy work in a child process, so the window's thread never waits for the GIL.

A batch print is pure-Python drawing for seconds. In a thread it competes with the UI thread
for the GIL at every Python call a repaint makes (hundreds of `data()` calls for one table),
which froze the window for 100 to 250 ms at a time. In a child process it uses the second
core and the window keeps all of the first. `in_subprocess` turns a module-level function into
a work function for the window's runner: the runner's thread only relays progress,
cancellation and the result, and sleeps in `poll()` the rest of the time.

The child function is called as `function(*args, progress=..., cancel=...)` and must return
something picklable; a PassDeskError raised there reaches the caller with its message and field.
"""

from __future__ import annotations

import logging
import multiprocessing
import time
from collections.abc import Callable
from typing import Any, Protocol

from passdesk import i18n
from passdesk.errors import EnvironmentProblem
from passdesk.i18n import _

log = logging.getLogger(__name__)

POLL_SECONDS = 0.05
PROGRESS_SECONDS = 0.05  # a bar moves smoothly at 20 updates a second


class Control(Protocol):
    def progress(self, done: int, total: int) -> None: ...

    def cancelled(self) -> bool: ...


def _child_main(
    connection: Any,
    cancel_event: Any,
    function: Callable[..., Any],
    args: tuple[Any, ...],
    language: str,
) -> None:
    from passdesk.logsetup import configure_logging

    configure_logging()  # the child's work reaches the same log file as the window's
    i18n.set_language(language)

    last_sent = 0.0

    def progress(done: int, total: int) -> None:
        nonlocal last_sent
        now = time.monotonic()
        if now - last_sent >= PROGRESS_SECONDS or (total and done >= total):
            last_sent = now
            connection.send(("progress", done, total))

    try:
        result = function(*args, progress=progress, cancel=cancel_event.is_set)
        connection.send(("result", result))
    except BaseException as error:  # sent to the window, shown in French there
        if not isinstance(error, Exception):
            raise
        try:
            connection.send(("error", error))
        except Exception:  # an error that cannot be pickled: send what a person can read
            log.exception("job failed with an unpicklable error")
            connection.send(("error", EnvironmentProblem(str(error))))
    finally:
        connection.close()


def in_subprocess(function: Callable[..., Any], *args: Any) -> Callable[[Control], Any]:
    """A work function (for TaskRunner.run) that runs `function(*args)` in a child process."""

    def work(control: Control) -> Any:
        context = multiprocessing.get_context("spawn")
        receiver, sender = context.Pipe(duplex=False)
        cancel_event = context.Event()
        child = context.Process(
            target=_child_main,
            args=(sender, cancel_event, function, args, i18n.current_language()),
            daemon=True,
        )
        child.start()
        sender.close()
        try:
            while True:
                if control.cancelled():
                    cancel_event.set()
                if not receiver.poll(POLL_SECONDS):
                    if not child.is_alive() and not receiver.poll(0):
                        break
                    continue
                try:
                    kind, *payload = receiver.recv()
                except EOFError:
                    break
                if kind == "progress":
                    control.progress(*payload)
                elif kind == "result":
                    return payload[0]
                else:
                    raise payload[0]
        finally:
            receiver.close()
            child.join(timeout=10)
            if child.is_alive():
                child.terminate()
        log.error("job process ended with exit code %s and no answer", child.exitcode)
        raise EnvironmentProblem(
            _(
                "The work stopped unexpectedly (code {code}). Check what was recorded before "
                "trying again (a print is in the booklet's print history), and tell your IT "
                "contact if it happens again."
            ).format(code=child.exitcode)
        )

    return work
