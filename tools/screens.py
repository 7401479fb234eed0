"""Every page and dialog of the desk window, opened the way an agent opens them: the catalogue
that `tools/screenshots.py` photographs and that the window tests check (nothing larger than
the screen, no text cut without a tooltip, an accessible name on every control).

A `Stage` holds a demonstration desk and a logged-in administrator's window; each `Screen`
opens one thing on it and returns the top-level widget that shows it. `Stage.wait` is how it
waits for the window (qtbot.waitUntil in the tests, an event loop in the tool), so the same
steps run in both.
"""

from __future__ import annotations

import contextlib
import csv
import importlib
import pkgutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QWidget,
)

from passdesk.i18n import _

# The two screens every page and dialog must fit: a 14-inch laptop and an office monitor.
SIZES: tuple[tuple[int, int], ...] = ((1280, 720), (1920, 1080))
# A name as long as people's real double names and titles reach (103 characters).
LONG_NAME = (
    "Marie-Christine Éléonore",
    "de La Tour d'Auvergne-Lauraguais Montmorency-Laval Saint-Exupéry Castelnau-Roy",
)


@dataclass
class Stage:
    """A demonstration desk, its services and an administrator's main window."""

    services: Any
    runner: Any
    wait: Callable[[Callable[[], bool]], None]
    window: Any = None
    empty: Any = None  # services over a database without a desk, for the first-run assistant
    scratch: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="screens-")))
    _long_person: int | None = None
    _backed_up: bool = False
    _territory: bool = False

    def page(self, class_name: str) -> Any:
        page = self.window.page(class_name)
        self.window.show_page(self.window.pages.index(page))
        self.wait(lambda: self.window.current_page() is page)
        self.runner.wait_all()
        return page

    def dialog_of(self, owner: Any, attribute: str = "dialog") -> QDialog:
        dialog = getattr(owner, attribute)
        self.wait(lambda: dialog.isVisible())
        return dialog

    def person_with_history(self) -> Any:
        """A person who received something and may still receive a booklet."""
        services = self.services
        return next(
            p
            for p in services.beneficiaries.list(limit=500)
            if services.handouts.for_beneficiary(p.id)
            and any(r.remaining for r in services.handouts.entitlements(p.id))
        )

    def long_named_person(self) -> int:
        """A person with a 103-character name (registered once per stage)."""
        if self._long_person is None:
            from passdesk.services.beneficiaries import BeneficiaryInput

            first, last = LONG_NAME
            row = self.services.beneficiaries.register(
                self.window_actor(),
                BeneficiaryInput(
                    last_name=last,
                    first_name=first,
                    birth_date="12/04/1985",
                    postcode="69120",
                    commune="Vaulx-en-Velin",
                    consent=True,
                ),
                allow_duplicate=True,
            )
            self._long_person = row.id
        return self._long_person

    def backup_once(self) -> None:
        """One backup of the desk (made once per stage), for the backups dialog to list."""
        if not self._backed_up:
            self.services.backups.create("manual")
            self._backed_up = True

    def territory(self) -> None:
        """The demonstration desk made a territory's coordination, with a second desk that
        received a few booklets (once per stage); the window is built again, as at the next
        login, since it offers the Transfers page only where there is another desk."""
        if self._territory:
            return
        self._territory = True
        services, actor = self.services, self.window_actor()
        code = services.desks.get(actor.desk_id).code
        services.desks.set_kind(actor, code, "coordination")
        services.desks.add_desk(
            actor,
            code="BRON",
            name="CCAS de Bron",
            admin_login="bron.admin",
            admin_name="Véra Martin",
        )
        programme = services.programmes.list()[0].code
        first = services.stock.booklets(programme, "in_stock", limit=1)[0].number
        services.transfers.transfer(
            actor, programme=programme, first_booklet=first, count=1, to_desk="BRON"
        )
        size = self.window.size()
        self.window.close()
        self.window = build_window(services, actor, self.runner)
        self.window.resize(size)
        self.window.show()
        self.wait(self.window.isVisible)

    def window_actor(self) -> Any:
        return self.window._context.actor

    def close_dialogs(self) -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QDialog) and widget.isVisible():
                widget.reject()
        self.wait(lambda: not any(
            isinstance(w, QDialog) and w.isVisible() for w in QApplication.topLevelWidgets()
        ))  # fmt: skip


@dataclass(frozen=True)
class Screen:
    name: str  # the PNG's file name, without .png
    open: Callable[[Stage], QWidget]


# --- pages ------------------------------------------------------------------------------


def _serve_dashboard(stage: Stage) -> QWidget:
    page = stage.page("ServePage")
    page.reset()
    stage.runner.wait_all()
    return stage.window


def _serve_search(stage: Stage) -> QWidget:
    page = stage.page("ServePage")
    page.reset()
    person = stage.person_with_history()
    page.search_edit.setText(person.last_name[:4])
    page.refresh()
    stage.wait(lambda: page.results_model.rowCount() > 0)
    return stage.window


def _serve_person(stage: Stage) -> QWidget:
    page = stage.page("ServePage")
    page.reset()
    page.open_person(stage.person_with_history().id)
    page.person_panel.next_action.trigger()
    stage.wait(lambda: page.person_panel.confirmation.isVisible())
    return stage.window


def _serve_long_name(stage: Stage) -> QWidget:
    page = stage.page("ServePage")
    page.reset()
    page.open_person(stage.long_named_person())
    page.person_panel.next_action.trigger()
    stage.wait(lambda: page.person_panel.confirmation.isVisible())
    return stage.window


def _page(class_name: str) -> Callable[[Stage], QWidget]:
    def show(stage: Stage) -> QWidget:
        stage.page(class_name)
        return stage.window

    show.page_class = class_name  # type: ignore[attr-defined]
    return show


def pages_shown() -> set[str]:
    """The window's pages the catalogue opens (the serve page in three states of its own)."""
    return {"ServePage"} | {getattr(screen.open, "page_class", "") for screen in SCREENS} - {""}


def dialog_classes() -> set[str]:
    """Every dialog the window's code defines (its modules imported to find them), so that a
    new one cannot stay out of the catalogue unseen."""
    import passdesk.ui

    for module in pkgutil.walk_packages(passdesk.ui.__path__, "passdesk.ui."):
        importlib.import_module(module.name)
    found, todo = set(), [QDialog]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("passdesk.ui.") and not sub.__name__.startswith("_"):
                found.add(sub.__name__)
    return found


# --- dialogs ----------------------------------------------------------------------------


def _new_person(stage: Stage) -> QWidget:
    page = stage.page("ServePage")
    page.reset()
    page.new_action.trigger()
    return stage.dialog_of(page, "new_dialog")


def _new_person_duplicate(stage: Stage) -> QWidget:
    dialog: Any = _new_person(stage)
    person = stage.person_with_history()
    form = dialog.form
    for key, value in (
        ("last_name", person.last_name),
        ("first_name", person.first_name),
        ("birth_date", person.birth_date.strftime("%d/%m/%Y")),
    ):
        form.edits[key].setText(value)
    dialog.save_button.click()
    stage.wait(lambda: dialog.duplicates.isVisible())
    return dialog


def _new_person_errors(stage: Stage) -> QWidget:
    dialog: Any = _new_person(stage)
    form = dialog.form
    for key, value in (("birth_date", "29/02/1991"), ("phone", "12345"), ("postcode", "6912")):
        form.edits[key].setText(value)
        form._touched.add(key)
    form.check(every_field=True)
    return dialog


def _edit_person(stage: Stage) -> QWidget:
    page = stage.page("BeneficiariesPage")
    page.view.selectRow(0)
    page.edit_button.click()
    return stage.dialog_of(page)


def _receipt(stage: Stage) -> QWidget:
    page = stage.page("ServePage")
    page.reset()
    person = stage.person_with_history()
    page.open_person(person.id)
    handout = stage.services.handouts.for_beneficiary(person.id)[0]
    page.person_panel.receipt_requested.emit(handout)
    stage.wait(lambda: page.receipt_dialog is not None and page.receipt_dialog.isVisible())
    return page.receipt_dialog


def _stock_dialog(button: str) -> Callable[[Stage], QWidget]:
    def show(stage: Stage) -> QWidget:
        page = stage.page("StockPage")
        getattr(page, button).click()
        return stage.dialog_of(page)

    return show


def _receive_errors(stage: Stage) -> QWidget:
    dialog: Any = _stock_dialog("receive_button")(stage)
    dialog.first_code.setText("PN19-C000001-00")  # wrong check digits
    dialog.last_code.setText("PN19-C000005-00")
    dialog.last_code.returnPressed.emit()
    stage.wait(lambda: dialog.first_message.isVisible())
    return dialog


def _place_edit(stage: Stage) -> QWidget:
    page = stage.page("PlacesPage")
    page.view.selectRow(0)
    page.edit_button.click()
    return stage.dialog_of(page)


def _place_add(stage: Stage) -> QWidget:
    page = stage.page("PlacesPage")
    page.add_button.click()
    return stage.dialog_of(page)


def _place_import(stage: Stage) -> QWidget:
    page = stage.page("PlacesPage")
    source = Path(__file__).resolve().parents[1] / "tests" / "data"
    dialog = page.open_import(source / "lieux-mediation-numerique.csv")
    stage.wait(lambda: dialog.isVisible())
    stage.runner.wait_all()
    return dialog


def _usage_mapping(stage: Stage) -> QWidget:
    page = stage.page("UsagePage")
    path = stage.scratch / "usage.csv"
    with path.open("w", newline="", encoding="utf-8") as file:
        csv.writer(file, delimiter=";").writerows(
            [["numero_cheque", "date_utilisation", "lieu", "montant"]]
        )
    page.mapping.setCurrentIndex(page.mapping.findData(None))
    page.start_import(path)
    return stage.dialog_of(page)


def _usage_call(stage: Stage) -> QWidget:
    page = stage.page("UsagePage")
    page.view.selectRow(0)
    page.call_button.click()
    return stage.dialog_of(page)


def _agent_add(stage: Stage) -> QWidget:
    page = stage.page("AgentsPage")
    page.add_button.click()
    return stage.dialog_of(page)


def _programme_new(stage: Stage) -> QWidget:
    page = stage.page("ProgrammesPage")
    page.add_button.click()
    return stage.dialog_of(page)


def _programme_edit(stage: Stage) -> QWidget:
    page = stage.page("ProgrammesPage")
    page.view.selectRow(0)
    page.edit_button.click()
    return stage.dialog_of(page)


def _lookup(stage: Stage) -> QWidget:
    person = stage.person_with_history()
    handout = stage.services.handouts.for_beneficiary(person.id)[0]
    stage.window.lookup_action.trigger()
    dialog = stage.dialog_of(stage.window, "lookup_dialog")
    dialog.look_up(handout.booklets[0].first_voucher_code)
    return dialog


def _opening_hours(stage: Stage) -> QWidget:
    """The desk's week, day by day, opened from Settings."""
    page = stage.page("SettingsPage")
    field = page.form.editors["desk_opening_hours"].widget
    field.change_button.click()
    return stage.dialog_of(field)


def _progress(stage: Stage) -> QWidget:
    """The progress of a long piece of work (an export, a print run), as it first shows."""
    from passdesk.ui.progress import TaskProgressDialog

    path = "/home/accueil/Documents/Pass numérique/rapport-du-trimestre.pdf"
    dialog = TaskProgressDialog(
        _("Writing the report"), _("Writing {path}…").format(path=path), stage.window
    )
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def _password(stage: Stage) -> QWidget:
    stage.window.password_action.trigger()
    return stage.dialog_of(stage.window)


def _file_dialog(stage: Stage) -> QWidget:
    """Qt's own file dialog (as on a Linux desk without a native one), in French."""
    dialog = QFileDialog(stage.window, _("Choose the logo"), str(stage.scratch))
    dialog.setNameFilter(_("Images (*.png *.jpg *.jpeg)"))
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    stage.wait(dialog.isVisible)
    return dialog


def _login(stage: Stage) -> QWidget:
    from passdesk.ui.login import LoginDialog

    dialog = LoginDialog(stage.services, stage.window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def _wizard(page: int, fill: Callable[[Any], None] | None = None) -> Callable[[Stage], QWidget]:
    """The first-run assistant on its `page`-th page, the pages before it filled in."""

    def show(stage: Stage) -> QWidget:
        from passdesk.ui.first_run import FirstRunWizard

        wizard = FirstRunWizard(stage.empty, stage.runner, stage.window)
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        wizard.open()
        stage.wait(wizard.isVisible)
        if page >= 1:
            wizard.next()
        if page >= 2:
            wizard.desk.name.setText("France Services Vaulx-en-Velin")
            wizard.next()
        if page >= 3:
            wizard.admin.login.setText("marie.dupont")
            wizard.admin.display_name.setText("Marie Dupont")
            for edit in (wizard.admin.password, wizard.admin.password_again):
                edit.setText("girafe tambour citron")
            wizard.next()
        if fill is not None:
            fill(wizard)
        return wizard

    return show


def _wrong_admin(wizard: Any) -> None:
    wizard.admin.login.setText("Marie Dupont!")
    wizard.admin.password.setText("azerty")
    wizard.next()  # refused: the messages show under the fields


def _wrong_programme(wizard: Any) -> None:
    form = wizard.programme.form
    form.code.setText("mgp 19")
    form.face_value.setText("dix")
    form.valid_from.setText("29/02/2027")
    form.valid_until.setText("31/13/2027")
    form.funders.set_shares([("État", "45"), ("Métropole de Lyon", "50")])
    wizard.next()  # refused: nothing is created


def _cancel_handout(stage: Stage) -> QWidget:
    """A handout cancelled from the person's history (its row chosen, Ctrl+Shift+Del)."""
    page = stage.page("ServePage")
    page.reset()
    page.open_person(stage.person_with_history().id)
    history = page.person_panel.history
    stage.wait(lambda: history.model.rowCount() > 0)
    row = next(
        number
        for number in range(history.model.rowCount())
        if not history.model.row_at(number).cancelled
    )
    history.view.setCurrentIndex(history.model.index(row, 0))
    history.cancel_action.trigger()
    return stage.dialog_of(history)


def _erase(stage: Stage) -> QWidget:
    """The erasure asked for from the person's "Personal data" box."""
    page = stage.page("ServePage")
    page.reset()
    page.open_person(stage.person_with_history().id)
    box = page.person_panel.data_box
    box.erase_button.click()
    return stage.dialog_of(box)


def _booklet_details(stage: Stage) -> QWidget:
    """A booklet's details, opened by a double-click on its row in Stock."""
    from PySide6.QtTest import QTest

    page = stage.page("StockPage")
    view = page.booklets_view
    stage.wait(lambda: page.booklets_model.rowCount() > 0)
    view.scrollToTop()
    settle()
    point = view.visualRect(page.booklets_model.index(0, 0)).center()
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    QTest.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    return stage.dialog_of(page)


def _shortcuts(stage: Stage) -> QWidget:
    """F1's sheet of every shortcut of the window."""
    stage.page("ServePage")
    stage.window.shortcuts_action.trigger()
    return stage.dialog_of(stage.window)


def _backups(stage: Stage) -> QWidget:
    """File > Backups (administrators), with one backup made earlier to list."""
    stage.backup_once()
    stage.window.backups_action.trigger()
    dialog = stage.window.backups_dialog
    stage.wait(dialog.isVisible)
    return dialog


def _restore_confirmation(stage: Stage) -> QWidget:
    """What restoring the newest backup would lose, asked before anything is done."""
    from passdesk.ui.backups.dialog import RestoreConfirmation

    dialog: Any = _backups(stage)
    dialog.list.setCurrentRow(0)
    dialog.restore_button.click()
    stage.wait(lambda: any(c.isVisible() for c in dialog.findChildren(RestoreConfirmation)))
    return next(c for c in dialog.findChildren(RestoreConfirmation) if c.isVisible())


def _closing_progress(stage: Stage) -> QWidget:
    """The backup made as PassDesk closes, shown when it takes more than a moment (the
    window is gone by then: the dialog has no parent)."""
    from passdesk.ui.backups.automatic import ClosingProgress

    dialog = ClosingProgress()
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog


def _transfers(stage: Stage) -> QWidget:
    """A territory's Transfers page, at its coordination."""
    stage.territory()
    stage.page("TransfersPage")
    return stage.window


_transfers.page_class = "TransfersPage"  # type: ignore[attr-defined]


def _transfer_confirmation(stage: Stage) -> QWidget:
    """What a transfer will move, said before the agent confirms it."""
    stage.territory()
    form = stage.page("TransfersPage").form
    programme = stage.services.programmes.list()[0].code
    booklets = stage.services.stock.booklets(programme, "in_stock", limit=1)
    form.programme.setCurrentIndex(form.programme.findData(programme))
    form.first.setText(str(booklets[0].number))
    form.count.setText("25")
    form.check_button.click()
    stage.wait(form.confirm_button.isEnabled)
    return stage.window


def _lock(stage: Stage) -> QWidget:
    stage.window.lock()
    return stage.window


SCREENS: tuple[Screen, ...] = (
    Screen("serve", _serve_search),
    Screen("dashboard", _serve_dashboard),
    Screen("person", _serve_person),
    Screen("person-long-name", _serve_long_name),
    Screen("beneficiaries", _page("BeneficiariesPage")),
    Screen("stock", _page("StockPage")),
    Screen("places", _page("PlacesPage")),
    Screen("usage", _page("UsagePage")),
    Screen("reports", _page("ReportsPage")),
    Screen("settings", _page("SettingsPage")),
    Screen("agents", _page("AgentsPage")),
    Screen("programmes", _page("ProgrammesPage")),
    Screen("privacy", _page("PrivacyPage")),
    Screen("new-person", _new_person),
    Screen("new-person-errors", _new_person_errors),
    Screen("new-person-duplicate", _new_person_duplicate),
    Screen("edit-person", _edit_person),
    Screen("receipt", _receipt),
    Screen("cancel-handout", _cancel_handout),
    Screen("erase", _erase),
    Screen("receive-lot", _stock_dialog("receive_button")),
    Screen("receive-lot-errors", _receive_errors),
    Screen("void", _stock_dialog("void_button")),
    Screen("print-booklets", _stock_dialog("print_button")),
    Screen("closing", _stock_dialog("closing_button")),
    Screen("booklet-details", _booklet_details),
    Screen("place-add", _place_add),
    Screen("place-edit", _place_edit),
    Screen("place-import", _place_import),
    Screen("usage-mapping", _usage_mapping),
    Screen("usage-call", _usage_call),
    Screen("lookup", _lookup),
    Screen("agent-add", _agent_add),
    Screen("programme-new", _programme_new),
    Screen("programme-edit", _programme_edit),
    Screen("opening-hours", _opening_hours),
    Screen("progress", _progress),
    Screen("password", _password),
    Screen("shortcuts", _shortcuts),
    Screen("backups", _backups),
    Screen("restore-confirmation", _restore_confirmation),
    Screen("closing-backup", _closing_progress),
    Screen("file-dialog", _file_dialog),
    Screen("login", _login),
    Screen("first-run-welcome", _wizard(0)),
    Screen("first-run-desk", _wizard(1)),
    Screen("first-run-admin", _wizard(2)),
    Screen("first-run-admin-errors", _wizard(2, _wrong_admin)),
    Screen("first-run-programme", _wizard(3)),
    Screen("first-run-programme-errors", _wizard(3, _wrong_programme)),
    # Near the end: the window is built again over a territory of two desks.
    Screen("transfers", _transfers),
    Screen("transfer-confirmation", _transfer_confirmation),
    Screen("lock", _lock),  # last: it locks the window
)


def all_screens() -> tuple[Screen, ...]:
    return SCREENS


def build_window(services: Any, actor: Any, runner: Any) -> Any:
    from passdesk import app as passdesk_app

    return passdesk_app.build_window(services, actor, runner)


def open_stage(services: Any, runner: Any, wait: Callable[[Callable[[], bool]], None]) -> Stage:
    """The administrator's window over `services` (a demonstration desk), shown."""
    stage = Stage(services, runner, wait)
    stage.window = build_window(services, services.accounts.actor(), runner)
    stage.window.show()
    wait(stage.window.isVisible)
    return stage


def settle() -> None:
    """Let the layouts run and the zero-delay timers fire (a dialog making room for a message
    does so after the event that showed it), as a person's eye would before reading."""
    for _round in range(4):
        QApplication.sendPostedEvents()
        QApplication.processEvents()


@contextlib.contextmanager
def shown(
    stage: Stage, screen: Screen, size: tuple[int, int], *, empty: Any = None
) -> Iterator[QWidget]:
    """Open `screen` with the window at `size`; yield its top-level widget; close it again."""
    if empty is not None:
        stage.empty = empty
    stage.window.resize(*size)
    stage.close_dialogs()
    widget = screen.open(stage)
    stage.wait(widget.isVisible)
    settle()
    try:
        yield widget
    finally:
        stage.close_dialogs()
        if stage.window.locked:
            stage.window.unlock()
