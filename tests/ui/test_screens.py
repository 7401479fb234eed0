"""Every page and dialog of tools/screens.py (what `make screenshots` photographs), opened on a
demonstration desk, on a screen of 1280x720 and one of 1920x1080: none is larger than the
screen, no label's text is cut without its whole text in a tooltip, and every control a person
can reach has an accessible name.

Dialogs size themselves for the screen they open on, so each size runs in its own process
whose offscreen screen has that size (`tools/screenshots.py --check`); the checks themselves
are tools/screens.py's, tried here on widgets made to fail them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from passdesk.ui.widgets.basics import ElidedLabel
from tools import screen_checks, screens

ROOT = Path(__file__).resolve().parents[2]
NAMELESS = "no accessible name"


@cache
def run_checks(screen: tuple[int, int], size: tuple[int, int], scale: float = 1.0) -> Any:
    """What `tools/screenshots.py --check` finds on an offscreen screen of `screen` pixels
    (`size` in the window's own pixels: the screen divided by `scale`)."""
    width, height = screen
    layout = {"name": "desk", "x": 0, "y": 0, "width": width, "height": height}
    layout |= {"logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}
    command = [sys.executable, str(ROOT / "tools" / "screenshots.py"), "--check"]
    command += ["--size", f"{size[0]}x{size[1]}"]
    if scale != 1.0:
        command += ["--scale", str(scale)]
    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "screen.json"
        config.write_text(json.dumps({"screens": [layout]}))
        env = {
            **os.environ,
            "QT_QPA_PLATFORM": f"offscreen:configfile={config}",
            "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
        }
        env.pop("QT_SCALE_FACTOR", None)
        done = subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=900, check=False
        )
    assert done.stdout.strip(), done.stderr[-3000:]
    report = json.loads(done.stdout)
    every = {f"{s.name} {size[0]}x{size[1]}" for s in screens.all_screens()}
    assert set(report["checked"]) == every, done.stderr[-3000:]
    return report


def problems(report: Any, *, names: bool) -> str:
    """The report's problems of one kind (names, or everything else), one screen a line."""
    lines = []
    for screen, found in report["problems"].items():
        kept = [p for p in found if p.startswith(NAMELESS) == names]
        if kept:
            lines.append(f"{screen}: {kept}")
    return "\n".join(lines)


@pytest.mark.slow
@pytest.mark.parametrize("size", screens.SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_screen_fits_the_screen_and_cuts_no_text(size: tuple[int, int]) -> None:
    report = run_checks(size, size)
    assert not problems(report, names=False)


@pytest.mark.slow
def test_every_control_of_every_page_and_dialog_has_an_accessible_name() -> None:
    """Walked once (names do not change with the screen), every page of the window, shown or
    not, and every dialog; the catalogue holds every page and every dialog class."""
    report = run_checks(screens.SIZES[0], screens.SIZES[0])
    assert "catalogue" not in report["problems"], report["problems"]["catalogue"]
    assert not problems(report, names=True)


@pytest.mark.slow
def test_usable_at_150_percent_scaling() -> None:
    """A 1920x1080 screen at 150 % is a 1280x720 one for the window's layouts."""
    report = run_checks((1920, 1080), (1280, 720), 1.5)
    assert not problems(report, names=False)


def test_the_checks_see_a_cut_label_a_nameless_field_and_a_dialog_too_tall(qtbot: Any) -> None:
    dialog = QDialog()
    qtbot.addWidget(dialog)
    layout = QVBoxLayout(dialog)
    cut = QLabel("Une phrase bien trop longue pour la largeur qu'on lui laisse ici")
    cut.setFixedWidth(60)
    elided = ElidedLabel("Une autre phrase bien trop longue pour sa largeur")
    elided.setFixedWidth(60)
    nameless = QLineEdit()
    nameless.setObjectName("nameless_edit")
    labelled = QLineEdit()
    label = QLabel("&Ville")
    label.setBuddy(labelled)
    unnamed_choice = QComboBox()  # Qt on Linux would name it "Lyon", its current choice
    unnamed_choice.setObjectName("unnamed_choice")
    unnamed_choice.addItems(["Lyon", "Vaulx-en-Velin"])
    hidden_table = QTableView()  # a later state's control: walked although hidden
    hidden_table.setObjectName("hidden_table")
    named = QPushButton("Enregistrer")
    for widget in (cut, elided, nameless, label, labelled, unnamed_choice, hidden_table, named):
        layout.addWidget(widget)
    hidden_table.hide()
    dialog.resize(300, 900)
    dialog.show()
    qtbot.waitExposed(dialog)
    found = screen_checks.problems_of(dialog, (1280, 720), names=True)
    assert any("larger than the screen" in p for p in found)
    assert any("cut 'Une phrase" in p for p in found)
    assert not any("Une autre phrase" in p for p in found)  # elided, whole in its tooltip
    assert elided.toolTip() == elided.full_text()
    nameless_ones = {p.split("'")[1] for p in found if p.startswith(NAMELESS)}
    assert nameless_ones == {"nameless_edit", "unnamed_choice", "hidden_table"}
    assert screen_checks.problems_of(dialog, (1920, 1080), names=False) == [
        p for p in found if p.startswith("cut")
    ]


def test_a_window_that_cannot_shrink_to_the_screen_is_seen(qtbot: Any) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    wide = QWidget()
    wide.setMinimumWidth(1400)
    window.setCentralWidget(wide)
    window.show()
    qtbot.waitExposed(window)
    assert screen_checks.oversize(window, (1280, 720)) is not None
    assert screen_checks.oversize(window, (1920, 1080)) is None
