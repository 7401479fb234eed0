"""The runner's answers for a widget closed while its work ran are dropped, not delivered to
a dead widget (a dashboard refreshing while its page closes, a search while the agent logs out)."""

from __future__ import annotations

import threading

import shiboken6
from PySide6.QtWidgets import QLabel

from passdesk.ui.worker import TaskRunner


def test_an_answer_for_a_deleted_owner_is_dropped_and_the_task_still_ends(qtbot) -> None:  # noqa: ANN001
    runner = TaskRunner()
    release = threading.Event()
    label = QLabel()
    answers: list[str] = []

    def work(_control: object) -> str:
        release.wait(10)
        return "figures"

    task = runner.run(work, on_result=lambda text: label.setText(text), owner=label)
    label.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(label))
    release.set()
    with qtbot.waitSignal(task.finished, timeout=10_000):
        pass  # no RuntimeError from a deleted QLabel: the answer was dropped
    assert task.done
    assert answers == []
    kept: list[str] = []
    owner = QLabel()
    qtbot.addWidget(owner)
    with qtbot.waitSignal(
        runner.run(lambda _c: "shown", on_result=kept.append, owner=owner).finished
    ):
        pass
    assert kept == ["shown"]
    assert runner.wait_all()
