"""Walking a window's underlined letters (mnemonics): who owns each Alt+letter, and whether
the key, pressed as the agent presses it, reaches that owner and no other.

Qt gives Alt+letter to every visible button, buddied label, group box and menu whose text
underlines that letter; two owners in one window make the key ambiguous (it then does
nothing useful), and `setShortcut` on a button silently replaces its Alt+letter. `owners`
finds what the agent sees underlined; `press` sends each Alt+letter to the window and records
which widget Qt gives it to, eating the event so that nothing is clicked. A disabled button
takes no key, but its letter counts as taken: it is enabled again later.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QKeySequence, QShortcutEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QGroupBox,
    QLabel,
    QMainWindow,
    QMenuBar,
    QWidget,
    QWizard,
)


@dataclass(frozen=True)
class Owner:
    key: str  # "Alt+R"
    widget: QWidget  # the button, label, group box or menu bar Qt gives the key to
    text: str  # what it says, for the failure message


def _mnemonic(text: str) -> str:
    return QKeySequence.mnemonic(text).toString(QKeySequence.SequenceFormat.PortableText)


def owners(window: QWidget) -> list[Owner]:
    """Every underlined letter the agent sees in `window` (visible widgets and its menu bar)."""
    found: list[Owner] = []
    for widget in window.findChildren(QWidget):
        if not widget.isVisibleTo(window) or widget.window() is not window:
            continue
        text = ""
        if (
            isinstance(widget, QAbstractButton)
            or isinstance(widget, QLabel)
            and widget.buddy() is not None
        ):
            text = widget.text()
        elif isinstance(widget, QGroupBox):
            text = widget.title()
        key = _mnemonic(text) if text else ""
        if key:
            found.append(Owner(key, widget, text))
    if (
        isinstance(window, QMainWindow)
        and window.menuBar().isVisible()
        and window.menuBar().isEnabled()
    ):
        bar = window.menuBar()
        for action in bar.actions():
            key = _mnemonic(action.text())
            if key and action.isVisible():
                found.append(Owner(key, bar, action.text()))
    return found


def clashes(window: QWidget) -> dict[str, list[str]]:
    """Alt+letters owned twice or more in `window`, with what each owner says."""
    by_key: dict[str, list[str]] = {}
    for owner in owners(window):
        by_key.setdefault(owner.key, []).append(owner.text)
    return {key: texts for key, texts in by_key.items() if len(texts) > 1}


class _Catcher(QObject):
    """Records the shortcut events Qt sends to the watched widgets, and eats them."""

    def __init__(self) -> None:
        super().__init__()
        self.caught: list[tuple[QObject, str, bool]] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Shortcut and isinstance(event, QShortcutEvent):
            key = event.key().toString(QKeySequence.SequenceFormat.PortableText)
            self.caught.append((watched, key, event.isAmbiguous()))
            return True
        return False


def press(window: QWidget) -> list[str]:
    """Press each Alt+letter of `window` and say what went wrong: a key that reached no one,
    another widget, or several (ambiguous). Empty when every underlined letter works."""
    problems: list[str] = []
    found = owners(window)
    catcher = _Catcher()
    watched = {id(o.widget): o.widget for o in found}
    for widget in watched.values():
        widget.installEventFilter(catcher)
    try:
        for owner in found:
            if not owner.widget.isEnabled():
                continue  # a disabled button takes no key (its letter still counts as taken)
            catcher.caught.clear()
            sequence = QKeySequence(owner.key)[0]
            QTest.keyClick(window, sequence.key(), sequence.keyboardModifiers())
            hits = [(w, k, ambiguous) for w, k, ambiguous in catcher.caught if k == owner.key]
            if not hits:
                problems.append(f"{owner.key} ({owner.text!r}) reached nothing")
            elif any(ambiguous for _w, _k, ambiguous in hits):
                problems.append(f"{owner.key} ({owner.text!r}) is ambiguous")
            elif not any(w is owner.widget for w, _k, _a in hits):
                problems.append(f"{owner.key} ({owner.text!r}) reached another widget")
            if isinstance(owner.widget, QMenuBar):
                owner.widget.setActiveAction(None)  # type: ignore[arg-type]
    finally:
        for widget in watched.values():
            widget.removeEventFilter(catcher)
    return problems


# --- every window and dialog of the desk ------------------------------------------------------


def every_window(desk: Any, runner: Any, tmp_path: Path) -> Iterator[tuple[str, QWidget]]:
    """Each window and dialog an administrator can open, shown, one at a time (the caller
    walks it before asking for the next): the main window on each of its pages (Serve also
    with a person open and a booklet scanned, and locked), then every dialog."""
    from passdesk.app import build_window
    from passdesk.services.rows import Actor
    from passdesk.ui.login import LoginDialog
    from passdesk.ui.pages.agents.dialogs import AgentDialog, PasswordDialog
    from passdesk.ui.pages.beneficiaries.edit_person import BeneficiaryDialog
    from passdesk.ui.pages.places.edit_place import PlaceDialog
    from passdesk.ui.pages.serve.cancel_handout import CancelHandoutDialog
    from passdesk.ui.pages.serve.new_person import NewBeneficiaryDialog
    from passdesk.ui.pages.serve.receipt import ReceiptDialog
    from passdesk.ui.pages.stock.booklet_details import BookletDetailsDialog
    from passdesk.ui.pages.stock.closing import ClosingDialog
    from passdesk.ui.pages.stock.print_booklets import PrintBookletsDialog
    from passdesk.ui.pages.stock.receive_lot import ReceiveLotDialog
    from passdesk.ui.pages.stock.void import VoidDialog
    from passdesk.ui.pages.usage.dialogs import CallDialog, MappingDialog
    from passdesk.ui.shortcuts_help import ShortcutsDialog, collect_shortcuts

    services, admin = desk.services, desk.admin
    context = desk.context(admin, runner)
    person = services.beneficiaries.list(limit=1)[0]
    handout = services.handouts.hand_out(admin, person.id, codes_=[desk.booklet(2)])

    window = build_window(services, admin, runner)
    window.resize(1400, 900)
    for index, page in enumerate(window.pages):
        window.show_page(index)
        yield f"main window, {type(page).__name__}", window
    window.show_page(0)
    window.serve_page.open_person(person.id)
    window.serve_page.person_panel.history.view.selectRow(0)
    yield "main window, a person open", window
    window.serve_page.person_panel._check(desk.booklet(1))
    yield "main window, a booklet scanned", window
    window.lock()
    yield "main window, locked", window
    window.unlock()
    pages = [(page, page.title) for page in window.pages]
    yield "help sheet", ShortcutsDialog(collect_shortcuts(window, pages))
    window.close()

    receipt = services.receipts.write_receipt(handout.id, tmp_path / "r.pdf", actor=admin)
    details = services.booklet_history.details(admin, desk.booklet(2))
    agent: Actor = desk.agent
    dialogs: list[tuple[str, Callable[[], QWidget]]] = [
        ("log in", lambda: LoginDialog(services)),
        ("new beneficiary", lambda: NewBeneficiaryDialog(context, search="dupont ana")),
        ("receipt", lambda: ReceiptDialog(Path(receipt), handout.receipt_number)),
        ("cancel a handout", lambda: CancelHandoutDialog(context, handout)),
        ("booklet details", lambda: BookletDetailsDialog(details)),
        ("receive a lot", lambda: ReceiveLotDialog(context)),
        ("void", lambda: VoidDialog(context, desk.booklet(3))),
        ("print booklets", lambda: PrintBookletsDialog(context)),
        ("daily closing", lambda: ClosingDialog(context)),
        ("edit a person", lambda: BeneficiaryDialog(context, person)),
        ("add a place", lambda: PlaceDialog(context, None)),
        ("add an agent", lambda: AgentDialog(context)),
        ("my password", lambda: PasswordDialog(context, None)),
        ("an agent's password", lambda: PasswordDialog(context, _agent_row(services, agent))),
        ("usage mapping", lambda: MappingDialog(context, ("code", "date", "lieu", "montant"))),
        ("follow-up call", lambda: CallDialog(context, person.id, "Hélène N'Diaye")),
    ]
    for name, make in dialogs:
        dialog = make()
        yield name, dialog
        dialog.close()
        dialog.deleteLater()
    yield from _first_run(runner, tmp_path)


def _first_run(runner: Any, tmp_path: Path) -> Iterator[tuple[str, QWidget]]:
    """Each page of the first-run assistant, on an empty database."""
    from passdesk.services import open_services
    from passdesk.ui.first_run import FirstRunWizard

    services = open_services(tmp_path / "empty.sqlite3")
    try:
        wizard = FirstRunWizard(services, runner)
        first = wizard.pageIds()[0]
        for page_id in wizard.pageIds():
            # Started on a later page, "< Back" shows as it does when the agent gets there.
            wizard.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, page_id == first)
            wizard.setStartId(page_id)
            wizard.restart()
            yield f"first run, page {page_id}", wizard
        wizard.close()
        wizard.deleteLater()
    finally:
        services.close()


def _agent_row(services: Any, actor: Any) -> Any:
    return next(a for a in services.accounts.agents() if a.id == actor.id)
