"""Credentials: logins, SIRET numbers and the one password rule (long enough, and hard to guess
by zxcvbn's estimate), and argon2id hashing (its strong parameters in production; the tests set
the cheapest through `use_password_hasher`)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from argon2 import PasswordHasher
from stdnum.fr import siret as stdnum_siret

from passdesk.errors import InvalidInput
from passdesk.i18n import N_, _
from passdesk.services import password_strength

LOGIN_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,59}$")
MIN_PASSWORD_LENGTH = 10
HOW_TO_CHOOSE = N_(
    "Choose a longer one, easy for you to remember: three or four words with nothing in "
    'common, e.g. "giraffe drum lemon cloud". Capitals, digits and symbols help less than '
    "length."
)
# argon2id with the library's current recommended parameters: about 0.1 s a hash on a desk PC,
# which is the point of it.
STRONG_HASHER = PasswordHasher()
_hasher = STRONG_HASHER


def use_password_hasher(hasher: PasswordHasher | None) -> None:
    """Hash with `hasher` from now on, or with STRONG_HASHER again when None.

    The seam exists for the test suite only (tests/conftest.py): it makes hundreds of accounts,
    and argon2's cheapest parameters take it from minutes to seconds. Hashes carry their own
    parameters, so either hasher verifies the other's.
    """
    global _hasher
    _hasher = hasher or STRONG_HASHER


def hash_password(password: str) -> str:
    return _hasher.hash(password)


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


def verify_password(stored_hash: str, password: str) -> None:
    """Raise argon2's VerificationError (or InvalidHashError) unless `password` matches."""
    _hasher.verify(stored_hash, password)


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)
