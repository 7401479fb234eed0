"""Screenshots of the Backups dialog and of a restore's confirmation, for the README.

    xvfb-run -a -s "-screen 0 1400x900x24" .venv/bin/python tools/backups_screenshot.py

A small demonstration desk with a second backup folder, two backups, then a few handouts: the
confirmation lists the journal events the restore would lose. Writes
docs/screenshots/backups.png and docs/screenshots/restore.png.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tools.screenshots import wait_until  # noqa: E402


def main() -> int:
    out = ROOT / "docs" / "screenshots"
    home = Path(tempfile.mkdtemp(prefix="passdesk-backups-"))
    os.environ["PASSDESK_HOME"] = str(home)
    from passdesk import paths

    paths.set_base_dir(home)
    from PySide6.QtWidgets import QApplication

    from passdesk import app as passdesk_app
    from passdesk import demo
    from passdesk.services import open_services
    from passdesk.ui.backups.dialog import RestoreConfirmation
    from passdesk.ui.worker import TaskRunner

    qt_app = QApplication(["passdesk-screenshots"])
    passdesk_app.apply_language(qt_app, "fr")
    services = open_services(home / "passdesk.sqlite3")
    demo.build(services, seed=2019, scale="small")
    admin = services.accounts.actor()
    usb = home / "usb" / "PassDesk"
    usb.mkdir(parents=True)
    services.settings.set(admin, "backup_folder", str(usb))
    services.backups.create("daily")
    services.backups.create("manual")
    programme = services.programmes.list()[0].code
    people = [p for p in services.beneficiaries.list(limit=50)][:3]
    for person in people:
        try:
            services.handouts.hand_out(admin, person.id, next_programme=programme)
        except Exception:  # noqa: BLE001 - a person at their limit: the next one will do
            continue

    runner = TaskRunner()
    window = passdesk_app.build_window(services, admin, runner)
    window.resize(1100, 700)
    window.show()
    wait_until(qt_app, window.isVisible)
    window.backups_action.trigger()
    dialog = window.backups_dialog
    dialog.resize(900, 420)
    wait_until(qt_app, dialog.isVisible)
    qt_app.processEvents()
    dialog.grab().save(str(out / "backups.png"))

    dialog.list.setCurrentRow(0)
    dialog.restore_button.click()

    def confirmation() -> RestoreConfirmation | None:
        return next(
            (w for w in qt_app.topLevelWidgets() if isinstance(w, RestoreConfirmation)), None
        )

    wait_until(qt_app, lambda: confirmation() is not None and confirmation().isVisible())
    shown = confirmation()
    assert shown is not None
    shown.resize(900, 460)
    qt_app.processEvents()
    shown.grab().save(str(out / "restore.png"))
    shown.reject()
    runner.wait_all()
    print(f"written: {out / 'backups.png'}, {out / 'restore.png'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
