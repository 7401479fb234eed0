"""The baseline of the frozen start-up: the plainest PySide6 window, frozen by the same spec
(`PASSDESK_FREEZE=bare`, see installer/passdesk.spec) and timed the same way as PassDesk's."""

import sys

from PySide6.QtWidgets import QApplication, QLabel

app = QApplication(sys.argv)
window = QLabel("bare PySide6 window")
window.setWindowTitle("bare PySide6 window")
window.resize(400, 200)
window.show()
sys.exit(app.exec())
