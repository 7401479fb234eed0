"""The settings page: generated from the declarations, checked before anything is stored."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
)

from passdesk.i18n import _
from passdesk.services.settings import PARAMETERS, Parameter
from passdesk.ui.pages.settings import SettingsPage
from passdesk.ui.widgets.hours_editor import OpeningHoursField
from passdesk.ui.widgets.parameter_form import FolderEdit, ParameterForm
from tests.ui import pages_fixtures
from tests.ui.pages_fixtures import OFFSCREEN_NOISE, Desk

pytestmark = OFFSCREEN_NOISE
desk = pages_fixtures.desk

VALID_SIRET = "73282932000074"
EDITOR_CLASSES = {
    "text": QLineEdit,
    "longtext": QPlainTextEdit,
    "int": QSpinBox,
    "choice": QComboBox,
    "bool": QCheckBox,
    "folder": FolderEdit,
    "hours": OpeningHoursField,
}


def make_page(qtbot: Any, desk: Desk, actor: Any = None) -> SettingsPage:
    page = SettingsPage(desk.context(actor))
    qtbot.addWidget(page)
    page.resize(900, 900)
    page.show()
    qtbot.waitExposed(page)
    return page


def click_save(qtbot: Any, page: SettingsPage) -> None:
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)


def test_one_editor_per_declared_parameter(qtbot: Any, desk: Desk) -> None:
    page = make_page(qtbot, desk)
    assert list(page.form.editors) == [p.key for p in PARAMETERS]
    for parameter in PARAMETERS:
        editor = page.form.editors[parameter.key]
        assert isinstance(editor.widget, EDITOR_CLASSES[parameter.kind])
        assert editor.widget.accessibleName() == _(parameter.label)
        assert editor.help_label.text() == _(parameter.help)
        assert _(parameter.help) in editor.widget.toolTip()
    spin = page.form.editors["retention_months"].widget
    assert (spin.minimum(), spin.maximum()) == (6, 120)  # bounds from the declaration


def test_declaring_a_parameter_adds_its_field(qtbot: Any) -> None:
    extra = (
        Parameter("print_logo", "Print the logo", "bool", True, "On receipts and covers."),
        Parameter("copies", "Copies", "int", 2, "Receipt copies.", minimum=1, maximum=3),
    )
    plain = ParameterForm(PARAMETERS)
    grown = ParameterForm(PARAMETERS + extra)
    qtbot.addWidget(plain)
    qtbot.addWidget(grown)
    assert len(grown.editors) == len(plain.editors) + len(extra) == len(PARAMETERS) + 2
    assert isinstance(grown.editors["print_logo"].widget, QCheckBox)
    grown.set_values({"print_logo": True, "copies": 3})
    assert grown.values()["print_logo"] is True and grown.values()["copies"] == 3


def test_the_form_shows_what_is_stored(qtbot: Any, desk: Desk) -> None:
    desk.services.settings.set(desk.admin, "receipt_footer", "Ouvert du lundi au vendredi")
    page = make_page(qtbot, desk)
    assert page.form.values()["receipt_footer"] == "Ouvert du lundi au vendredi"
    assert page.form.values()["vouchers_per_page"] == 4  # the default: 4 vouchers a page
    assert page.desk_edits["name"].text() == "Mairie de Test"
    assert page.form.values()["notice_text"] == ""  # none of the desk's own: generated


def test_saving_an_invalid_value_shows_the_message_and_stores_nothing(
    qtbot: Any, desk: Desk
) -> None:
    page = make_page(qtbot, desk)
    footer = page.form.editors["receipt_footer"].widget
    footer.setFocus()
    qtbot.keyClicks(footer, "x" * 301)
    page.form.editors["retention_months"].widget.setValue(24)  # valid, but saved with the rest
    click_save(qtbot, page)
    message = page.form.editors["receipt_footer"].message.text()
    assert "300 caractères" in message, message
    assert "Rien n'a été enregistré" in page.message.text()
    assert desk.services.settings.get("receipt_footer") == ""
    assert desk.services.settings.get("retention_months") == 36
    qtbot.keyClick(footer, Qt.Key.Key_Backspace)  # typing again clears the message
    assert page.form.editors["receipt_footer"].message.text() == ""


def test_an_invalid_siret_is_refused_next_to_its_field(qtbot: Any, desk: Desk) -> None:
    page = make_page(qtbot, desk)
    page.desk_edits["name"].setText("Mairie renommée")
    qtbot.keyClicks(page.desk_edits["siret"], "73282932000075")
    click_save(qtbot, page)
    assert "SIRET" in page.desk_messages["siret"].text()
    assert desk.services.accounts.desk().name == "Mairie de Test"
    assert desk.services.accounts.desk().siret is None


def test_saving_valid_values_stores_them(qtbot: Any, desk: Desk, tmp_path: Path) -> None:
    page = make_page(qtbot, desk)
    page.form.editors["receipt_footer"].widget.insert("Tél.")  # QTest types ASCII only
    qtbot.keyClicks(page.form.editors["receipt_footer"].widget, " 05 56 00 00 00")
    page.form.editors["vouchers_per_page"].widget.setValue(2)
    page.desk_edits["siret"].setText(VALID_SIRET)
    image = QImage(60, 30, QImage.Format.Format_RGB32)
    image.fill(QColor("navy"))
    logo = tmp_path / "logo.png"
    assert image.save(str(logo))
    assert page.set_logo_file(str(logo))
    click_save(qtbot, page)
    assert "enregistrés" in page.message.text()
    settings = desk.services.settings
    assert settings.get("receipt_footer") == "Tél. 05 56 00 00 00"
    assert settings.get("vouchers_per_page") == 2
    stored = desk.services.accounts.desk()
    assert stored.siret == VALID_SIRET
    assert stored.logo_png is not None and stored.logo_png.startswith(b"\x89PNG")
    assert settings.get("retention_months") == 36  # untouched, not rewritten


def test_a_file_that_is_not_an_image_is_refused(qtbot: Any, desk: Desk, tmp_path: Path) -> None:
    page = make_page(qtbot, desk)
    bad = tmp_path / "logo.png"
    bad.write_text("not an image")
    assert not page.set_logo_file(str(bad))
    assert page.logo_message.text()


def test_changing_the_language_says_it_applies_after_restart(qtbot: Any, desk: Desk) -> None:
    page = make_page(qtbot, desk)
    combo = page.form.editors["language"].widget
    combo.setFocus()
    combo.setCurrentIndex(combo.findData("en"))
    assert "prochain démarrage" in page.language_note.text()
    click_save(qtbot, page)
    assert desk.services.settings.get("language") == "en"
    assert "prochain démarrage" in page.language_note.text()


def test_only_an_administrator_may_change_settings(qtbot: Any, desk: Desk) -> None:
    page = make_page(qtbot, desk, desk.supervisor)
    assert page.save_button.isHidden()
    assert not page.form.isEnabled() or not page.form.editors["receipt_footer"].widget.isEnabled()
    assert page.read_only_note.isVisible()
    assert page.save() is False


def test_the_retention_period_says_what_is_applied(qtbot: Any, desk: Desk) -> None:
    # The purge applies it at start-up and each day (issue 12), and the notice prints it.
    page = make_page(qtbot, desk)
    help_text = page.form.editors["retention_months"].help_label.text()
    assert "au démarrage et chaque jour" in help_text and "notice d'information" in help_text
    assert "Pas encore appliquée" not in help_text


def test_the_desk_hours_are_set_day_by_day_and_saved_with_its_data_protection_contact(
    qtbot: Any, desk: Desk
) -> None:
    """Issue 8, defect 4 and 7: the desk's own details in Settings, hours without OSM."""
    page = make_page(qtbot, desk)
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    field = page.form.editors["desk_opening_hours"].widget
    assert field.summary.text() == "non renseignés"
    page.desk_edits["name"].setFocus()
    qtbot.keyClick(page.desk_edits["name"], Qt.Key.Key_I, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: field.dialog is not None and field.dialog.isVisible())
    hours = field.dialog
    hours.activateWindow()
    qtbot.waitUntil(hours.isActiveWindow)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is hours.days[0].open)
    alt = Qt.KeyboardModifier.AltModifier
    qtbot.keyClick(hours.days[0].open, Qt.Key.Key_Space)  # Monday: open 9 h-12 h
    hours.days[0].second.setFocus()
    qtbot.keyClick(hours.days[0].second, Qt.Key.Key_Space)  # and 14 h-17 h
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_T, alt)  # Monday's to every weekday
    qtbot.waitUntil(hours.days[4].open.isChecked)  # a mnemonic clicks once its flash is shown
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F, alt)  # closed on holidays
    qtbot.waitUntil(hours.holidays.isChecked)
    assert hours.preview.text() == (
        "Imprimé ainsi : lun.–ven. 9 h–12 h, 14 h–17 h ; fermé les jours fériés"
    )
    with qtbot.waitSignal(hours.accepted):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert field.summary.full_text() == "lun.–ven. 9 h–12 h, 14 h–17 h ; fermé les jours fériés"

    contact = page.form.editors["dpo_contact"].widget
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    contact.setFocus()
    qtbot.keyClicks(contact, "dpo@vaulx-en-velin.example.fr")
    qtbot.keyClick(contact, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    settings = desk.services.settings
    qtbot.waitUntil(lambda: settings.get("dpo_contact") == "dpo@vaulx-en-velin.example.fr")
    assert settings.get("desk_opening_hours") == "Mo-Fr 09:00-12:00,14:00-17:00; PH off"
