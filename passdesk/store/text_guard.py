"""The last check on text before it reaches the database: no longer than its column, no NUL.

SQLite stores a text of any length in a VARCHAR(120) and PostgreSQL refuses it (a bug's exit
4 at the console); PostgreSQL cannot store a NUL character at all. So that both databases
keep and refuse the same things, every row the ORM is about to write is checked against its
model's `String(n)` before the flush, and a text too long or holding a NUL is refused with a
French message naming the field (exit 2), with nothing written. What a person types is
cleaned earlier, in the services; this guard only makes sure nothing gets past the database
door that the database would refuse in its own words.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, event, inspect
from sqlalchemy.orm import Session, sessionmaker

from passdesk.errors import InvalidInput
from passdesk.i18n import N_, _
from passdesk.text import describe_character

# What the window and the console call the fields a person types; others are named generically.
FIELD_LABELS = {
    "last_name": N_("Last name"),
    "first_name": N_("First name"),
    "commune": N_("Commune"),
    "postcode": N_("Postcode"),
    "phone": N_("Phone"),
    "email": N_("E-mail"),
    "address": N_("Address"),
    "name": N_("Name"),
    "display_name": N_("Name"),
    "login": N_("Login"),
    "siret": N_("SIRET"),
    "website": N_("Website"),
    "booking_url": N_("Booking address"),
    "target_group": N_("Target group"),
    "source": N_("Source"),
    "reason": N_("Reason"),
    "cancel_reason": N_("Reason"),
    "override_reason": N_("Reason"),
    "explanation": N_("Explanation"),
    "note": N_("Note"),
    "file_name": N_("File name"),
    "mapping_name": N_("Column mapping"),
    "value": N_("Setting"),
}


def _label(key: str) -> str:
    return _(FIELD_LABELS[key]) if key in FIELD_LABELS else _("A text typed")


def check_value(key: str, value: Any, length: int | None) -> None:
    """Refuse `value` for the column `key` of `length` characters at most (None: any)."""
    if not isinstance(value, str):
        return
    if "\x00" in value:  # the one hidden character a column cannot hold at all
        problem = _(
            "this text holds an invisible or control character, {character}; type it again "
            "without it."
        ).format(character=describe_character("\x00"))
    elif length is not None and len(value) > length:
        problem = _("at most {max} characters ({count} given).").format(
            max=length, count=len(value)
        )
    else:
        return
    # Worded as the services' own checks of typed text (passdesk.text.text_problem) word it.
    raise InvalidInput(
        _("{field}: {message}").format(
            field=_label(key), message=problem[:1].upper() + problem[1:]
        ),
        field=key,
    )


def _check_object(instance: Any) -> None:
    state = inspect(instance)
    for prop in state.mapper.column_attrs:
        kind = prop.columns[0].type
        if not isinstance(kind, String) or prop.key not in state.dict:
            continue
        if not state.pending and not state.attrs[prop.key].history.has_changes():
            continue  # what is already stored was accepted then
        check_value(prop.key, state.dict[prop.key], kind.length)


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    for instance in (*session.new, *session.dirty):
        _check_object(instance)


def guard(factory: sessionmaker[Session]) -> None:
    """Check the text of every row the sessions of `factory` write."""
    event.listen(factory, "before_flush", _before_flush)
