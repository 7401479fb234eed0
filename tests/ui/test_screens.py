"""Every page and dialog of tools/screens.py (what `make screenshots` photographs), opened on a
demonstration desk, on a screen of 1280x720 and one of 1920x1080: none is larger than the
screen, no label's text is cut without its whole text in a tooltip, and every control a person
can reach has an accessible name.

Dialogs size themselves for the screen they open on, so each size runs in its own process
whose offscreen screen has that size (`tools/screenshots.py --check`); the checks themselves
are tools/screens.py's `problems_of`, tried here on widgets made to fail them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QPushButton, QVBoxLayout

from passdesk.ui.widgets.basics import ElidedLabel
from tools import screens

ROOT = Path(__file__).resolve().parents[2]


def run_checks(tmp_path: Path, size: tuple[int, int], *extra: str) -> dict[str, Any]:
    width, height = size
    config = tmp_path / f"screen-{width}x{height}.json"
    config.write_text(
        json.dumps(
            {
                "screens": [
                    {
                        "name": "desk",
                        "x": 0,
                        "y": 0,
                        "width": width,
                        "height": height,
                        "logicalDpi": 96,
                        "logicalBaseDpi": 96,
                        "dpr": 1,
                    }  # fmt: skip
                ]
            }
        )
    )
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": f"offscreen:configfile={config}",
        "PASSDESK_HOME": str(tmp_path / "home"),
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "tools" / "screenshots.py"),
            "--check",
            "--size",
            f"{width}x{height}",
            *extra,
        ],  # fmt: skip
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.stdout.strip(), done.stderr[-3000:]
    return json.loads(done.stdout)


@pytest.mark.slow
@pytest.mark.parametrize("size", screens.SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_screen_fits_cuts_no_text_and_names_its_controls(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    problems = run_checks(tmp_path, size)
    assert not problems, "\n".join(f"{k}: {v}" for k, v in problems.items())


@pytest.mark.slow
def test_usable_at_150_percent_scaling(tmp_path: Path) -> None:
    """A 1920x1080 screen at 150 % is a 1280x720 one for the window's layouts."""
    problems = run_checks(tmp_path, (1280, 720), "--scale", "1.5")
    assert not problems, "\n".join(f"{k}: {v}" for k, v in problems.items())


def test_the_checks_see_a_cut_label_a_nameless_field_and_a_dialog_too_tall(qtbot: Any) -> None:
    dialog = QDialog()
    qtbot.addWidget(dialog)
    layout = QVBoxLayout(dialog)
    cut = QLabel("Une phrase bien trop longue pour la largeur qu'on lui laisse ici")
    cut.setFixedWidth(60)
    elided = ElidedLabel("Une autre phrase bien trop longue pour sa largeur")
    elided.setFixedWidth(60)
    nameless = QLineEdit()
    named = QPushButton("Enregistrer")
    for widget in (cut, elided, nameless, named):
        layout.addWidget(widget)
    dialog.resize(300, 900)
    dialog.show()
    qtbot.waitExposed(dialog)
    found = screens.problems_of(dialog, (1280, 720), names=True)
    assert any("larger than the screen" in p for p in found)
    assert any("cut 'Une phrase" in p for p in found)
    assert not any("Une autre phrase" in p for p in found)  # elided, whole in its tooltip
    assert elided.toolTip() == elided.full_text()
    assert any("QLineEdit" in p for p in found)
    assert not any("QPushButton" in p for p in found)
