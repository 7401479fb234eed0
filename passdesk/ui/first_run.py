"""The first-run assistant: the desk, its first administrator and a first programme, or a
demonstration desk in one click."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from passdesk.errors import PassDeskError
from passdesk.i18n import _
from passdesk.services import Services
from passdesk.services.accounts import check_login, check_password, check_siret
from passdesk.services.rows import Actor
from passdesk.ui.widgets.basics import MessageLabel, WrapLabel, buddy_label
from passdesk.ui.widgets.programme_form import ProgrammeForm
from passdesk.ui.worker import SyncRunner, TaskRunner

log = logging.getLogger(__name__)


def _line(parent: QWidget, name: str, text: str = "", placeholder: str = "") -> QLineEdit:
    edit = QLineEdit(text, parent)
    edit.setAccessibleName(name)
    edit.setPlaceholderText(placeholder)
    return edit


def _field(form: QFormLayout, label: str, widget: QWidget, parent: QWidget) -> MessageLabel:
    """A form row with the widget and, under it, the place for its message."""
    message = MessageLabel(parent, name=_("{field}: message").format(field=label.replace("&", "")))
    holder = QVBoxLayout()
    holder.setSpacing(0)
    holder.addWidget(widget)
    holder.addWidget(message)
    form.addRow(buddy_label(label, widget, parent), holder)
    return message


def clear_when_edited(*pairs: tuple[QLineEdit, MessageLabel]) -> None:
    """A field's refusal goes as soon as the agent changes the field (it is checked again on
    Next): a message about a field already corrected misleads."""
    for edit, message in pairs:
        edit.textEdited.connect(lambda _text, message=message: message.clear_message())


def png_from_file(path: str) -> bytes:
    """The logo as PNG bytes (any image Qt reads), or InvalidInput in French."""
    from passdesk.errors import InvalidInput

    image = QImage(path)
    if image.isNull():
        raise InvalidInput(
            _("This file is not an image PassDesk can read (PNG or JPEG)."), field="logo"
        )
    if image.width() > 800:
        image = image.scaledToWidth(800)
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


class WelcomePage(QWizardPage):
    demo_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(_("Welcome to PassDesk"))
        text = WrapLabel(
            _(
                "This database is new. Set up your desk in three short steps: the desk, your "
                "administrator account and a first programme. Or open a demonstration desk filled "
                "with made-up people and stock, to look around first."
            ),
            self,
        )
        self.demo_button = QPushButton(_("Open a &demonstration"), self)
        self.demo_button.setAccessibleName(_("Open a demonstration"))
        self.demo_button.setAutoDefault(False)  # Enter means Next, as the page says
        self.demo_button.setToolTip(
            _("Fill this database with made-up data and log in as administrator")
        )
        self.progress = QProgressBar(self)
        self.progress.setAccessibleName(_("Preparing the demonstration"))
        self.progress.setRange(0, 0)
        self.progress.hide()
        self.message = MessageLabel(self, name=_("Demonstration message"))
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addSpacing(self.fontMetrics().height())
        layout.addWidget(QLabel(_("Set up my desk: press Next."), self))
        layout.addWidget(self.demo_button)
        layout.addWidget(self.progress)
        layout.addWidget(self.message)
        layout.addStretch(1)
        self.demo_button.clicked.connect(self.demo_requested)


class DeskPage(QWizardPage):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(_("Your desk"))
        self.setSubTitle(_("As it will be printed on receipts."))
        form = QFormLayout(self)
        self.name = _line(self, _("Desk name"), placeholder=_("e.g. France Services Vénissieux"))
        self.name_message = _field(form, _("&Desk name"), self.name, self)
        self.address = _line(self, _("Address"))
        form.addRow(_("&Address"), self.address)
        self.postcode = _line(self, _("Postcode"))
        form.addRow(_("Post&code"), self.postcode)
        self.commune = _line(self, _("Commune"))
        form.addRow(_("Co&mmune"), self.commune)
        self.siret = _line(self, _("SIRET"), placeholder=_("14 digits (optional)"))
        self.siret_message = _field(form, _("&SIRET"), self.siret, self)
        logo_row = QHBoxLayout()
        self.logo = _line(self, _("Logo file"), placeholder=_("optional"))
        self.logo_button = QPushButton(_("Bro&wse…"), self)
        self.logo_button.setAccessibleName(_("Choose the logo file"))
        logo_row.addWidget(self.logo, 1)
        logo_row.addWidget(self.logo_button)
        self.logo_message = MessageLabel(self, name=_("Logo: message"))
        holder = QVBoxLayout()
        holder.addLayout(logo_row)
        holder.addWidget(self.logo_message)
        form.addRow(buddy_label(_("&Logo"), self.logo, self), holder)
        self.logo_png: bytes | None = None
        clear_when_edited((self.name, self.name_message), (self.logo, self.logo_message))
        self.siret.textEdited.connect(self._on_siret_text_edited)
        self.logo_button.clicked.connect(self._on_logo_button_clicked)

    def _on_siret_text_edited(self, text: str) -> None:
        digits = "".join(c for c in text if c.isdigit())
        if len(digits) < 14:
            self.siret_message.clear_message()
            return
        try:
            check_siret(text)
        except PassDeskError as error:
            self.siret_message.show_error(error.message)
        else:
            self.siret_message.show_info(_("Valid SIRET."))

    def _on_logo_button_clicked(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, _("Choose the logo"), str(Path.home()), _("Images (*.png *.jpg *.jpeg)")
        )
        if path:
            self.logo.setText(path)

    def validatePage(self) -> bool:  # noqa: N802
        ok = True
        if not self.name.text().strip():
            self.name_message.show_error(_("Give the desk's name."))
            ok = False
        else:
            self.name_message.clear_message()
        try:
            check_siret(self.siret.text())
        except PassDeskError as error:
            self.siret_message.show_error(error.message)
            ok = False
        self.logo_png = None
        self.logo_message.clear_message()
        if self.logo.text().strip():
            try:
                self.logo_png = png_from_file(self.logo.text().strip())
            except PassDeskError as error:
                self.logo_message.show_error(error.message)
                ok = False
        return ok


class AdminPage(QWizardPage):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(_("Your administrator account"))
        self.setSubTitle(_("You will log in with it; create the other agents later."))
        form = QFormLayout(self)
        self.login = _line(self, _("Login"), placeholder=_("e.g. marie.dupont"))
        self.login_message = _field(form, _("&Login"), self.login, self)
        self.display_name = _line(self, _("Your name"))
        form.addRow(_("&Your name"), self.display_name)
        self.password = _line(self, _("Password"))
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_message = _field(form, _("&Password"), self.password, self)
        self.password_again = _line(self, _("Password again"))
        self.password_again.setEchoMode(QLineEdit.EchoMode.Password)
        self.again_message = _field(form, _("Password &again"), self.password_again, self)
        clear_when_edited(
            (self.login, self.login_message),
            (self.password, self.password_message),
            (self.password, self.again_message),
            (self.password_again, self.again_message),
        )

    def _check_password(self, password: str) -> None:
        """The console's and the Agents page's rule, with what it must not lean on: the
        login, the name and the desk's name typed on the page before."""
        desk_page = getattr(self.wizard(), "desk", None)
        desk_name = desk_page.name.text() if desk_page is not None else ""
        check_password(
            password, user_inputs=(self.login.text(), self.display_name.text(), desk_name)
        )

    def validatePage(self) -> bool:  # noqa: N802
        ok = True
        for check, edit, message in (
            (check_login, self.login, self.login_message),
            (self._check_password, self.password, self.password_message),
        ):
            try:
                check(edit.text())
            except PassDeskError as error:
                message.show_error(error.message)
                ok = False
            else:
                message.clear_message()
        if self.password.text() != self.password_again.text():
            self.again_message.show_error(_("The two passwords differ."))
            ok = False
        else:
            self.again_message.clear_message()
        return ok


class ProgrammePage(QWizardPage):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(_("A first programme"))
        self.setSubTitle(
            _(
                "The campaign whose booklets you hand out; add others later on the Programmes "
                "page. Next, you receive its first booklets."
            )
        )
        self.form = ProgrammeForm(self, targeting=False)
        self.code, self.name = self.form.code, self.form.name
        self.message = MessageLabel(self, name=_("Programme message"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.form)
        layout.addWidget(self.message)
        self.form.edited.connect(lambda _key: self.message.clear_message())
        self.values: dict[str, Any] = {}

    def validatePage(self) -> bool:  # noqa: N802
        values = self.form.values()
        self.values = values or {}
        return values is not None


class FirstRunWizard(QWizard):
    """Creates the desk; `actor` is the administrator logged in at the end."""

    def __init__(
        self, services: Services, runner: TaskRunner | SyncRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._runner = runner
        self.actor: Actor | None = None
        self.setWindowTitle(_("PassDesk — first start"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.welcome = WelcomePage(self)
        self.desk = DeskPage(self)
        self.admin = AdminPage(self)
        self.programme = ProgrammePage(self)
        for page in (self.welcome, self.desk, self.admin, self.programme):
            self.addPage(page)
        self.finish_message = self.programme.message
        self.welcome.demo_requested.connect(self._on_welcome_demo_requested)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 80)

    # --- set up by hand -----------------------------------------------------------------

    def validateCurrentPage(self) -> bool:  # noqa: N802
        if not super().validateCurrentPage():
            return False
        if self.currentPage() is self.programme:
            return self._create_desk()
        return True

    def _create_desk(self) -> bool:
        desk, admin, values = self.desk, self.admin, self.programme.values
        services = self._services
        try:
            if self.actor is None:
                self.actor = services.accounts.init_desk(
                    name=desk.name.text(),
                    address=desk.address.text(),
                    postcode=desk.postcode.text(),
                    commune=desk.commune.text(),
                    siret=desk.siret.text() or None,
                    logo_png=desk.logo_png,
                    admin_login=admin.login.text(),
                    admin_name=admin.display_name.text(),
                    admin_password=admin.password.text(),
                )
            services.programmes.add(
                self.actor,
                code=values["code"],
                name=values["name"],
                face_value=values["face_value"],
                vouchers_per_booklet=values["vouchers_per_booklet"],
                valid_from=values["valid_from"],
                valid_until=values["valid_until"],
                funders=values["funders"],
                limit_per_person=values["limit_per_person"],
            )
        except PassDeskError as error:
            if not self.programme.form.show_error(error.field, error.message):
                self.finish_message.show_error(error.message)
            return False
        return True

    # --- or a demonstration -------------------------------------------------------------

    def _on_welcome_demo_requested(self) -> None:
        from passdesk.demo.in_place import build_all_or_nothing

        services = self._services
        self.welcome.demo_button.setEnabled(False)
        self.button(QWizard.WizardButton.NextButton).setEnabled(False)
        self.welcome.progress.show()
        self.welcome.message.show_info(_("Preparing the demonstration desk…"))

        def work(control: Any) -> Any:
            return build_all_or_nothing(
                services,
                scale="small",
                progress=lambda _step, done, total: control.progress(done, total),
            )

        self._runner.run(
            work,
            on_result=self._on_demo_built,
            on_error=self._on_demo_failed,
            on_progress=self._on_demo_progress,
            owner=self,
        )

    def _on_demo_progress(self, done: int, total: int) -> None:
        if total > 0:
            self.welcome.progress.setRange(0, total)
            self.welcome.progress.setValue(min(done, total))

    def _on_demo_built(self, _summary: Any) -> None:
        self.actor = self._services.act_as(self._services.accounts.actor())
        self.accept()

    def _on_demo_failed(self, error: BaseException) -> None:
        self.welcome.progress.hide()
        self.welcome.demo_button.setEnabled(True)
        self.button(QWizard.WizardButton.NextButton).setEnabled(True)
        message = (
            error.message
            if isinstance(error, PassDeskError)
            else _("The demonstration could not be prepared; the details are in the log file.")
        )
        self.welcome.message.show_error(message)
