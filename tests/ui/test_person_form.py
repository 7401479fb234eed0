"""The one person form: the same widget wherever a person is entered or edited, the service's
checks shown under each field, a stored person shown without being "edited", and the profile
part alone for the serve panel."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from passdesk.services.beneficiaries import DIAGNOSTIC_NEEDS
from passdesk.services.rows import BeneficiaryRow
from passdesk.ui.widgets.person_form import IDENTITY_FIELDS, PersonForm
from tests.ui.test_pages_keyboard import unnamed_controls

PERSON = BeneficiaryRow(
    7,
    "N'Diaye",
    "Hélène",
    date(1980, 3, 12),
    "69001",
    "Lyon",
    "0612345678",
    "helene@example.org",
    "senior",
    ("job_search",),
    True,
)


def make_form(qtbot: Any, **kwargs: Any) -> PersonForm:
    form = PersonForm(**kwargs)
    qtbot.addWidget(form)
    form.show()
    qtbot.waitExposed(form)
    form.activateWindow()
    qtbot.waitUntil(form.isActiveWindow)
    return form


def test_a_stored_person_is_shown_untouched(qtbot: Any) -> None:
    form = make_form(qtbot)
    edited: list[str] = []
    form.edited.connect(edited.append)
    form.set_person(PERSON)
    assert edited == []  # showing a record is not editing it
    assert form.edits["birth_date"].text() == "12/03/1980"
    data = form.data()
    assert (data.last_name, data.phone, data.target_group) == ("N'Diaye", "0612345678", "senior")
    assert tuple(data.diagnostic) == ("job_search",) and data.consent is True
    assert all(not label.isVisible() for label in form.messages.values())


def test_a_problem_shows_under_its_field_once_touched_and_all_on_saving(qtbot: Any) -> None:
    form = make_form(qtbot)
    edited: list[str] = []
    form.edited.connect(edited.append)
    qtbot.keyClicks(form.edits["postcode"], "6900")
    assert edited[-1] == "postcode"
    assert "5 chiffres" in form.messages["postcode"].text()
    assert not form.messages["last_name"].isVisible()  # not touched yet: no scolding
    qtbot.keyClicks(form.edits["postcode"], "1")
    assert not form.messages["postcode"].isVisible()
    errors = form.check(every_field=True)
    assert {"last_name", "first_name", "birth_date"} <= errors.keys()
    assert form.messages["last_name"].text() == errors["last_name"]
    form.focus_first(errors)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is form.edits["last_name"])
    assert form.show_error("phone", "Refusé par le service.")
    assert form.messages["phone"].text() == "Refusé par le service."
    assert not form.show_error(None, "ailleurs")  # the caller shows it elsewhere


def test_the_profile_alone_has_no_identity_and_no_identity_problems(qtbot: Any) -> None:
    form = make_form(qtbot, identity=False)
    assert form.edits == {}
    assert form.errors() == {}  # no "Required." for names it does not show
    form.set_person(PERSON)
    edited: list[str] = []
    form.edited.connect(edited.append)
    qtbot.keyClick(form.needs["equipment"], Qt.Key.Key_Space)
    qtbot.keyClick(form.consent, Qt.Key.Key_Space)
    assert edited == ["diagnostic", "consent"]
    assert set(form.data().diagnostic) == {"job_search", "equipment"}
    assert form.data().consent is False


def test_every_field_is_named_and_tab_follows_the_form(qtbot: Any) -> None:
    form = make_form(qtbot)
    assert unnamed_controls(form) == []
    assert set(form.needs) == set(DIAGNOSTIC_NEEDS)
    order = [form.edits[key] for key, _label in IDENTITY_FIELDS]
    order += [form.target_group, *form.needs.values(), form.consent]
    order[0].setFocus()
    qtbot.waitUntil(order[0].hasFocus)
    walked = [order[0]]
    for _ in order[1:]:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        walked.append(QApplication.focusWidget())
    assert [w.objectName() for w in walked] == [w.objectName() for w in order]
