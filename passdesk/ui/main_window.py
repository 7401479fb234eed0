"""The main window: assembles the pages, the menus and their shortcuts; remembers its state;
locks itself when the agent is away (passdesk.ui.idle_lock)."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from passdesk import __version__, paths
from passdesk.errors import PassDeskError
from passdesk.i18n import _, ngettext
from passdesk.roles import ROLE_LABELS, Action, may
from passdesk.ui.context import UiContext
from passdesk.ui.first_stock import FirstStockHint
from passdesk.ui.idle_lock import ActivityWatcher, LockScreen
from passdesk.ui.lookup import LOOKUP_KEYS, CodeLookupDialog
from passdesk.ui.pages.agents.dialogs import PasswordDialog
from passdesk.ui.pages.agents.page import AgentsPage
from passdesk.ui.pages.beneficiaries.page import BeneficiariesPage
from passdesk.ui.pages.places.page import PlacesPage
from passdesk.ui.pages.privacy.page import PrivacyPage
from passdesk.ui.pages.programmes.page import ProgrammesPage
from passdesk.ui.pages.reports.page import ReportsPage
from passdesk.ui.pages.serve.page import ServePage
from passdesk.ui.pages.settings import SettingsPage
from passdesk.ui.pages.stock.page import StockPage
from passdesk.ui.pages.transfers.page import TransfersPage, several_desks
from passdesk.ui.pages.usage.page import UsagePage
from passdesk.ui.progress import TaskProgressDialog
from passdesk.ui.shortcuts_help import ShortcutsDialog, collect_shortcuts
from passdesk.ui.validity import DailyExpiry, ValidityBanner
from passdesk.ui.widgets.basics import make_action
from passdesk.ui.widgets.forms import open_dialog

log = logging.getLogger(__name__)

# The pages in menu order (Ctrl+1.. follow it), each shown to the roles that may do its action.
PAGES: tuple[tuple[type[QWidget], Action], ...] = (
    (ServePage, Action.SERVE),
    (BeneficiariesPage, Action.SERVE),
    (StockPage, Action.SERVE),
    (PlacesPage, Action.SERVE),
    (UsagePage, Action.FOLLOW_UP),
    (ReportsPage, Action.VIEW_REPORTS),
    (ProgrammesPage, Action.MANAGE_PROGRAMMES),
    (SettingsPage, Action.EDIT_SETTINGS),
    (AgentsPage, Action.MANAGE_AGENTS),
    (PrivacyPage, Action.VIEW_ACCESS_LOG),
)


# The pages of a territory's database (several desks), each after the page it belongs beside.
TERRITORY_PAGES: dict[type[QWidget], tuple[type[QWidget], Action]] = {
    StockPage: (TransfersPage, Action.TRANSFER_STOCK),
}


def offered(context: UiContext) -> list[type[QWidget]]:
    """The pages the agent is offered, in menu order: not what their role may not do, nor a
    territory's page in a database of one desk (which looks exactly as before territories)."""
    several = several_desks(context)
    pages: list[tuple[type[QWidget], Action]] = []
    for page_class, action in PAGES:
        pages.append((page_class, action))
        if several and page_class in TERRITORY_PAGES:
            pages.append(TERRITORY_PAGES[page_class])
    return [page_class for page_class, action in pages if may(context.actor.role, action)]


def page_key(number: int) -> str:
    """Ctrl+1 to Ctrl+9 for the first nine pages, Ctrl+0 for the tenth (as on the keyboard's
    row of digits), none after."""
    return f"Ctrl+{number % 10}" if number <= 10 else ""


def window_settings() -> QSettings:
    """Window geometry and last page, in an .ini file under the config folder (tests isolate it).
    A config folder that cannot be made leaves the window unremembered, nothing worse."""
    try:
        folder = paths.config_dir()
    except PassDeskError:
        folder = Path(tempfile.gettempdir()) / "passdesk-unsaved-window-state"
    return QSettings(str(folder / "window.ini"), QSettings.Format.IniFormat)


class MainWindow(QMainWindow):
    """Pages on the left, the current one on the right; `logout_requested` ends the session."""

    logout_requested = Signal()
    closed = Signal()

    def __init__(self, context: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self.logged_out = False
        actor = context.actor
        try:
            # The agent's own desk: in a territory's database, the one they work for.
            row = context.services.desks.get(actor.desk_id)
            desk, self.demo = row.name, row.demo
        except Exception:  # noqa: BLE001 - a title is not worth failing for
            desk, self.demo = "", False
        title = _("PassDesk — {desk} — {agent} ({role})").format(
            desk=desk, agent=actor.display_name, role=_(ROLE_LABELS[actor.role])
        )
        # A demonstration desk says so on every screen: its people and vouchers are invented.
        self.setWindowTitle(f"{_('DEMONSTRATION')} — {title}" if self.demo else title)

        self.pages: list[Any] = []
        self.stack = QStackedWidget(self)
        self.nav = QListWidget(self)
        self.nav.setAccessibleName(_("Pages"))
        for page_class in offered(context):
            page: Any = page_class(context, self)
            self.pages.append(page)
            self.stack.addWidget(page)
            item = QListWidgetItem(page.title, self.nav)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, page.title)
        self.serve_page: ServePage = self.pages[0]
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("main_splitter")
        self.splitter.addWidget(self.nav)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        em = self.fontMetrics().averageCharWidth()
        self.nav.setMaximumWidth(em * 28)
        # Wide enough for the longest page title ("Données personnelles"): never cut at first.
        widest = max(self.nav.fontMetrics().horizontalAdvance(p.title) for p in self.pages)
        self.splitter.setSizes([max(em * 18, min(widest + em * 4, em * 28)), em * 160])
        self.lock_screen = LockScreen(context.services.accounts.authenticate, actor, self)
        self.screens = QStackedWidget(self)
        # The end-of-validity banner sits above the pages, whichever is shown.
        self.validity_banner = ValidityBanner(self)
        self.validity_banner.show_stock_requested.connect(self._on_banner_show_stock)
        self.first_stock_hint = FirstStockHint(context, self)
        self.first_stock_hint.receive_requested.connect(self._on_first_stock_receive_requested)
        self.pages_screen = QWidget(self)
        column = QVBoxLayout(self.pages_screen)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.validity_banner)
        column.addWidget(self.first_stock_hint)
        column.addWidget(self.splitter, 1)
        self.screens.addWidget(self.pages_screen)
        self.screens.addWidget(self.lock_screen)
        self.setCentralWidget(self.screens)
        self.locked = False
        self._enabled_before_lock: list[QAction] = []
        self.dialog: QDialog | None = None
        self.lookup_dialog: CodeLookupDialog | None = None
        self.nav.currentRowChanged.connect(self._on_nav_current_row_changed)
        self.page("BeneficiariesPage").open_requested.connect(self._on_beneficiaries_open_requested)
        self.page("StockPage").stock_changed.connect(self.first_stock_hint.refresh)
        self.first_stock_hint.refresh()
        self._build_menus()
        self.statusBar().showMessage(_("Logged in as {agent}.").format(agent=actor.display_name))
        self._restore_state()
        minutes = int(context.services.settings.get("idle_lock_minutes"))
        self.idle = ActivityWatcher(minutes * 60_000, self)
        self.idle.idle.connect(self.lock)
        self.lock_screen.unlocked.connect(self.unlock)
        self.lock_screen.switch_requested.connect(self._on_logout_action_triggered)
        self.idle.start()
        self.daily_expiry = DailyExpiry(context, self)
        self.daily_expiry.checked.connect(self._on_daily_expiry_checked)
        self.daily_expiry.start()

    def page(self, class_name: str) -> Any:
        for page in self.pages:
            if type(page).__name__ == class_name:
                return page
        return None

    # --- menus --------------------------------------------------------------------------

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(_("&File"))
        self.logout_action = make_action(
            self, _("&Log out"), "Ctrl+Shift+L", tip=_("Log out and let another agent log in")
        )
        self.logout_action.triggered.connect(self._on_logout_action_triggered)
        self.quit_action = make_action(
            self, _("&Quit"), QKeySequence.StandardKey.Quit, tip=_("Close PassDesk")
        )
        if self.quit_action.shortcut().isEmpty():
            self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.quit_action.triggered.connect(self.close)
        self.lock_action = make_action(
            self,
            _("Loc&k now"),
            "Ctrl+Shift+K",
            tip=_("Hide every person's data until you come back"),
        )
        self.lock_action.triggered.connect(self.lock)
        self.password_action = make_action(
            self, _("Change my &password…"), None, tip=_("Choose a new password for your account")
        )
        self.password_action.triggered.connect(self._on_password_action_triggered)
        file_menu.addAction(self.lock_action)
        file_menu.addAction(self.password_action)
        file_menu.addAction(self.logout_action)
        if may(self._context.actor.role, Action.RESTORE_BACKUP):
            self.backups_action = make_action(
                self, _("&Backups…"), None, tip=_("Back up now, verify or restore a backup")
            )
            self.backups_action.triggered.connect(self._on_backups_action_triggered)
            file_menu.addAction(self.backups_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)

        serve_menu = bar.addMenu(_("&Serve"))
        for action in self.serve_page.menu_actions():
            serve_menu.addAction(action)
        self.lookup_action = make_action(
            self,
            _("&Look up a code…"),
            LOOKUP_KEYS[0],
            tip=_("What a booklet or voucher is, its history and who received it"),
        )
        self.lookup_action.setShortcuts([QKeySequence(k) for k in LOOKUP_KEYS])
        self.lookup_action.triggered.connect(self._on_lookup_action_triggered)
        self.addAction(self.lookup_action)
        serve_menu.addSeparator()
        serve_menu.addAction(self.lookup_action)

        go_menu = bar.addMenu(_("&Go to"))
        self.page_actions = []
        for number, page in enumerate(self.pages, start=1):
            action = make_action(
                self,
                page.title,
                page_key(number),
                tip=_("Show the page {page}").format(page=page.title),
            )
            action.triggered.connect(lambda _checked=False, n=number - 1: self.show_page(n))
            go_menu.addAction(action)
            self.addAction(action)
            self.page_actions.append(action)
            item = self.nav.item(number - 1)
            item.setToolTip(action.toolTip())

        help_menu = bar.addMenu(_("&Help"))
        self.shortcuts_action = make_action(
            self,
            _("&Keyboard shortcuts"),
            QKeySequence.StandardKey.HelpContents,
            tip=_("Every shortcut of the window"),
        )
        if self.shortcuts_action.shortcut().isEmpty():
            self.shortcuts_action.setShortcut(QKeySequence("F1"))
        self.shortcuts_action.triggered.connect(self._on_shortcuts_action_triggered)
        self.addAction(self.shortcuts_action)
        help_menu.addAction(self.shortcuts_action)
        about = make_action(self, _("&About PassDesk"), None, tip=_("Version and licence"))
        about.triggered.connect(self._on_about_action_triggered)
        help_menu.addAction(about)

    # --- pages --------------------------------------------------------------------------

    def show_page(self, index: int) -> None:
        if 0 <= index < len(self.pages):
            self.nav.setCurrentRow(index)

    def current_page(self) -> Any:
        return self.stack.currentWidget()

    def _on_nav_current_row_changed(self, row: int) -> None:
        if row < 0:
            return
        self.stack.setCurrentIndex(row)
        page = self.pages[row]
        if row != 0:
            try:
                page.refresh()
            except Exception:  # the excepthook shows it; the window stays usable
                log.exception("refreshing page %s failed", type(page).__name__)
        page.setFocus()

    def _on_daily_expiry_checked(self, result: Any, alerts: Any) -> None:
        self.validity_banner.show_alerts(alerts)
        if result.booklets:
            self.statusBar().showMessage(
                ngettext(
                    "{n} booklet left in stock after its programme's end was marked expired.",
                    "{n} booklets left in stock after their programme's end were marked expired.",
                    result.booklets,
                ).format(n=result.booklets)
            )
            stock = self.page("StockPage")
            if stock is not None and self.current_page() is stock:
                stock.refresh()

    def _on_banner_show_stock(self) -> None:
        stock = self.page("StockPage")
        if stock is not None:
            self.show_page(self.pages.index(stock))

    def _on_first_stock_receive_requested(self) -> None:
        stock = self.page("StockPage")
        self.show_page(self.pages.index(stock))
        stock.receive_button.click()

    def _on_beneficiaries_open_requested(self, beneficiary_id: int) -> None:
        self.show_page(0)
        self.serve_page.open_person(beneficiary_id)

    def _on_lookup_action_triggered(self) -> None:
        if self.lookup_dialog is not None and self.lookup_dialog.isVisible():
            self.lookup_dialog.raise_()
            self.lookup_dialog.activateWindow()
            self.lookup_dialog.code_edit.setFocus()
            return
        dialog = CodeLookupDialog(self._context, self)
        dialog.open_person_requested.connect(self._on_beneficiaries_open_requested)
        self.lookup_dialog = open_dialog(self.lookup_dialog, dialog)

    def _on_password_action_triggered(self) -> None:
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.dialog = PasswordDialog(self._context, None, self)
        self.dialog.saved.connect(
            lambda: self.statusBar().showMessage(_("Your new password is saved."))
        )
        self.dialog.open()

    # --- the idle lock ------------------------------------------------------------------

    def lock(self) -> None:
        """Hide every page (and so every person's data) behind the lock screen; close the
        dialogs, which may show a person too (a progress dialog stays: its work goes on)."""
        if self.locked:
            return
        self.locked = True
        self.idle.stop()
        for widget in QApplication.topLevelWidgets():
            if (
                isinstance(widget, QDialog)
                and widget.isVisible()
                and not isinstance(widget, TaskProgressDialog)
            ):
                widget.reject()
        self._enabled_before_lock = [a for a in self.findChildren(QAction) if a.isEnabled()]
        for action in self._enabled_before_lock:
            action.setEnabled(False)
        self.menuBar().setEnabled(False)
        self.screens.setCurrentWidget(self.lock_screen)
        self.lock_screen.reset()
        log.info("window locked for agent %s", self._context.actor.id)

    def unlock(self) -> None:
        if not self.locked:
            return
        self.locked = False
        for action in self._enabled_before_lock:
            action.setEnabled(True)
        self._enabled_before_lock = []
        self.menuBar().setEnabled(True)
        self.screens.setCurrentWidget(self.pages_screen)
        page = self.current_page()
        if page is not None:
            page.setFocus()
        self.idle.start()

    def _on_logout_action_triggered(self) -> None:
        self.logged_out = True
        self.close()
        self.logout_requested.emit()

    def _on_backups_action_triggered(self) -> None:
        from passdesk.ui.backups.dialog import BackupsDialog

        dialog = BackupsDialog(self._context, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.restored.connect(self._on_logout_action_triggered)  # the register changed
        dialog.open()
        self.backups_dialog = dialog

    def _on_shortcuts_action_triggered(self) -> None:
        if self.dialog is not None:
            self.dialog.deleteLater()
        places = [(page, page.title) for page in self.pages]
        places.append((self.lock_screen, _("Locked window")))
        self.dialog = ShortcutsDialog(collect_shortcuts(self, places), self)
        self.dialog.open()

    def _on_about_action_triggered(self) -> None:
        QMessageBox.about(
            self,
            _("About PassDesk"),
            _(
                "PassDesk {version}\nHands out Pass Numérique vouchers: beneficiaries, stock, "
                "handouts and receipts.\nFree software under the GNU GPL version 3 or later."
            ).format(version=__version__),
        )

    # --- state --------------------------------------------------------------------------

    def _restore_state(self) -> None:
        settings = window_settings()
        geometry = settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1200, 800)
        state = settings.value("window/state")
        if state is not None:
            self.restoreState(state)
        for splitter in self._splitters():
            saved = settings.value(f"splitters/{splitter.objectName()}")
            if saved is not None:
                splitter.restoreState(saved)
        # Per agent: a front-desk agent who only serves always opens on Serve (the home page),
        # while the stock keeper gets back to the stock page.
        last = settings.value(self._page_key(), 0)
        try:
            last_index = int(last)
        except (TypeError, ValueError):
            last_index = 0
        self.show_page(last_index if 0 <= last_index < len(self.pages) else 0)

    def save_state(self) -> None:
        settings = window_settings()
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/state", self.saveState())
        settings.setValue(self._page_key(), self.nav.currentRow())
        for splitter in self._splitters():
            settings.setValue(f"splitters/{splitter.objectName()}", splitter.saveState())
        settings.sync()

    def _page_key(self) -> str:
        return f"window/page-agent-{self._context.actor.id}"

    def _splitters(self) -> list[QSplitter]:
        return [s for s in self.findChildren(QSplitter) if s.objectName()]

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.idle.close()
        self.save_state()
        self._context.runner.wait_all(10_000)
        super().closeEvent(event)
        self.closed.emit()
