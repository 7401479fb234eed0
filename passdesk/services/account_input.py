"""What is typed for the desk and its agents, checked as the register keeps it: the login, the
SIRET, the password rule, and the names and address printed at the head of every paper."""

from __future__ import annotations

import re
from collections.abc import Iterable

from stdnum.fr import siret as stdnum_siret

from passdesk.errors import InvalidInput
from passdesk.i18n import N_, _
from passdesk.models import Agent, Desk
from passdesk.models.base import max_length
from passdesk.services import password_strength
from passdesk.text import checked_text, clean_name

LOGIN_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,59}$")
MIN_PASSWORD_LENGTH = 10
HOW_TO_CHOOSE = N_(
    "Choose a longer one, easy for you to remember: three or four words with nothing in "
    'common, e.g. "giraffe drum lemon cloud". Capitals, digits and symbols help less than '
    "length."
)


def check_login(login: str) -> str:
    login = login.strip().lower()
    if not LOGIN_PATTERN.match(login):
        raise InvalidInput(
            _(
                "The login must be 2 to 60 lowercase letters, digits, dots, dashes "
                "or underscores, e.g. marie.dupont."
            ),
            field="login",
        )
    return login


def check_siret(siret: str | None) -> str | None:
    if siret is None or not siret.strip():
        return None
    compact = stdnum_siret.compact(siret)
    if not stdnum_siret.is_valid(compact):
        raise InvalidInput(
            _(
                "This SIRET number is not valid (14 digits, check key). Check it "
                "on the desk's official papers."
            ),
            field="siret",
        )
    return compact


def check_password(password: str, *, user_inputs: Iterable[str] = ()) -> None:
    """The one password rule (window, first-run assistant and console): long enough, and hard
    to guess by zxcvbn's estimate; `user_inputs` are the login, the name and the desk's name,
    which a password must not lean on."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            _("The password must have at least {n} characters.").format(n=MIN_PASSWORD_LENGTH)
            + " "
            + _(HOW_TO_CHOOSE),
            field="password",
        )
    found = password_strength.estimate(password, user_inputs)
    if not found.strong_enough:
        reason = _(password_strength.REASONS[found.reason]) if found.reason else None
        first = (
            _("This password is too easy to guess: {reason}.").format(reason=reason)
            if reason
            else _("This password is too easy to guess.")
        )
        raise InvalidInput(first + " " + _(HOW_TO_CHOOSE), field="password")


def desk_texts(name: str, address: str, postcode: str, commune: str) -> tuple[str, ...]:
    """The desk's name, address, postcode and commune as kept (they head every paper)."""
    fields = (
        ("name", _("Name"), name, Desk.name),
        ("address", _("Address"), address, Desk.address),
        ("postcode", _("Postcode"), postcode, Desk.postcode),
        ("commune", _("Commune"), commune, Desk.commune),
    )
    return tuple(
        checked_text(value, label=label, max_length=max_length(column), field=key)
        if key == "address"
        else clean_name(checked_text(value, label=label, max_length=max_length(column), field=key))
        for key, label, value, column in fields
    )


def agent_name(name: str) -> str:
    """An agent's name as kept (printed on receipts)."""
    return clean_name(
        checked_text(
            name,
            label=_("Name"),
            max_length=max_length(Agent.display_name),
            field="display_name",
        )
    )
