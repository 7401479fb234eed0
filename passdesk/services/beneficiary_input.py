"""What a form or the console gives for a person, checked field by field and tidied as the
register keeps it: one home for the rules the window shows as the agent types and the services
apply before writing."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from passdesk.errors import InvalidInput
from passdesk.formatting import date_problem
from passdesk.i18n import N_, _
from passdesk.models import Beneficiary
from passdesk.models.base import max_length
from passdesk.services.programmes import TARGET_GROUPS
from passdesk.text import clean_name, text_problem, tidy

NAME_PATTERN = re.compile(r"^[^\d_@#$%*+=<>{}\[\]|\\/;:!?\"]+$")
POSTCODE_PATTERN = re.compile(r"^(?:\d{5}|2[AB]\d{3})$")
PHONE_PATTERN = re.compile(r"^(?:\+33|0033|0)[1-9]\d{8}$")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE_SEPARATORS = re.compile(r"[\s.\-]")
OLDEST_BIRTH = date(1900, 1, 1)
MAX_NAME_LENGTH = 120  # what the register's columns hold, first name and last name each
# The short needs diagnostic: what the person wants to learn (printed places match these).
DIAGNOSTIC_NEEDS: dict[str, str] = {
    "admin_procedures": N_("Online administrative procedures"),
    "everyday_tools": N_("Everyday digital tools (email, smartphone)"),
    "job_search": N_("Job search and training online"),
    "equipment": N_("Getting or using a computer or tablet"),
    "security": N_("Online safety and privacy"),
}


@dataclass(frozen=True)
class BeneficiaryInput:
    """What a form or the console gives for a person, as typed."""

    last_name: str
    first_name: str
    birth_date: str | date | None
    postcode: str = ""
    commune: str = ""
    phone: str = ""
    email: str = ""
    target_group: str = ""
    diagnostic: Sequence[str] = field(default_factory=tuple)
    consent: bool = False
    contact_consent: bool = False  # may be called about their vouchers (follow-up)


def clean_input(data: BeneficiaryInput, today: date) -> BeneficiaryInput:
    """The form as it is stored, names and numbers tidied; InvalidInput names the first bad field."""
    errors = field_errors(data, today)
    if errors:
        name, message = next(iter(errors.items()))
        raise InvalidInput(
            _("{field}: {message}").format(field=_(FIELD_LABELS.get(name, name)), message=message),
            field=name,
        )
    return BeneficiaryInput(
        last_name=clean_name(tidy(data.last_name)),
        first_name=clean_name(tidy(data.first_name)),
        birth_date=parse_birth(data.birth_date or ""),
        postcode=tidy(data.postcode).upper(),
        commune=clean_name(tidy(data.commune)),
        phone=PHONE_SEPARATORS.sub("", tidy(data.phone)),
        email=tidy(data.email),
        target_group=data.target_group,
        diagnostic=tuple(dict.fromkeys(data.diagnostic)),
        consent=data.consent,
        contact_consent=data.contact_consent,
    )


# The typed fields, each checked for hidden characters and against its column's length.
TEXT_COLUMNS = {
    "last_name": Beneficiary.last_name,
    "first_name": Beneficiary.first_name,
    "postcode": Beneficiary.postcode,
    "commune": Beneficiary.commune,
    "phone": Beneficiary.phone,
    "email": Beneficiary.email,
}


def field_errors(data: BeneficiaryInput, today: date) -> dict[str, str]:
    """Every problem of a form at once, by field (the window shows them as the agent types)."""
    errors: dict[str, str] = {}
    for name, column in TEXT_COLUMNS.items():
        problem = text_problem(tidy(getattr(data, name)), max_length=max_length(column))
        if problem is not None:
            errors[name] = problem[:1].upper() + problem[1:]
    for name, value in (("last_name", data.last_name), ("first_name", data.first_name)):
        value = clean_name(tidy(value))
        if len(value) > MAX_NAME_LENGTH:
            errors[name] = _("A name has at most {max} characters ({count} typed).").format(
                max=MAX_NAME_LENGTH, count=len(value)
            )
            continue
        if name in errors:
            continue
        if not value:
            errors[name] = _("Required.")
        elif not NAME_PATTERN.match(value):
            errors[name] = _("Letters, spaces, hyphens and apostrophes only.")
    birth = data.birth_date
    if birth is None or (isinstance(birth, str) and not birth.strip()):
        errors["birth_date"] = _("Required.")
    else:
        parsed = parse_birth(birth)
        if parsed is None:
            errors["birth_date"] = date_problem(str(birth)) or _("This birth date is not possible.")
        elif parsed > today or parsed < OLDEST_BIRTH:
            errors["birth_date"] = _("This birth date is not possible.")
    postcode = tidy(data.postcode).upper()
    if "postcode" not in errors and postcode and not POSTCODE_PATTERN.match(postcode):
        errors["postcode"] = _("A French postcode has 5 digits.")
    phone = PHONE_SEPARATORS.sub("", tidy(data.phone))
    if "phone" not in errors and phone and not PHONE_PATTERN.match(phone):
        errors["phone"] = _("A French phone number has 10 digits, e.g. 06 12 34 56 78.")
    email = tidy(data.email)
    if "email" not in errors and email and not EMAIL_PATTERN.match(email):
        errors["email"] = _("This e-mail address is not valid.")
    if data.target_group and data.target_group not in TARGET_GROUPS:
        errors["target_group"] = _("Unknown target group.")
    unknown = [n for n in data.diagnostic if n not in DIAGNOSTIC_NEEDS]
    if unknown:
        errors["diagnostic"] = _("Unknown need: {need}.").format(need=unknown[0])
    return errors


def parse_birth(value: str | date) -> date | None:
    if isinstance(value, date):
        return value
    text = value.strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    match = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})", text)
    if match:
        try:
            return date(int(match[3]), int(match[2]), int(match[1]))
        except ValueError:
            return None
    return None


FIELD_LABELS = {
    "last_name": N_("Last name"),
    "first_name": N_("First name"),
    "birth_date": N_("Birth date"),
    "postcode": N_("Postcode"),
    "commune": N_("Commune"),
    "phone": N_("Phone"),
    "email": N_("E-mail"),
    "target_group": N_("Target group"),
    "diagnostic": N_("Needs"),
    "contact_consent": N_("May be called"),
}
