"""What is typed for the desk and its agents, checked as the register keeps it: the names and
address printed at the head of every paper (logins, SIRET and passwords: `credentials`)."""

from __future__ import annotations

from passdesk.i18n import _
from passdesk.models import Agent, Desk
from passdesk.models.base import max_length
from passdesk.text import checked_text, clean_name


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
