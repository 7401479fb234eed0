"""The desk's editable parameters, declared once; the settings page is generated from them."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from passdesk import opening_hours
from passdesk.errors import InvalidInput, NotFound, Refused
from passdesk.i18n import LANGUAGES, N_, _
from passdesk.models import Desk, EventKind, Setting
from passdesk.roles import Action, may
from passdesk.services import ledger
from passdesk.services.base import Service, desk_id_in, desk_of, require
from passdesk.services.desks import several_desks, territory_master
from passdesk.services.rows import Actor
from passdesk.text import checked_text

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Parameter:
    key: str
    label: str  # English msgid, translated where shown
    kind: str  # "text" (one line), "longtext", "int", "choice", "bool", "folder", "hours" (OSM)
    default: Any
    help: str
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[tuple[str, str], ...] = ()  # (stored value, label msgid)
    # "desk": each desk's own; "territory": one value for every desk of the database, stored
    # on the first desk's row (see `territory_desk`).
    scope: str = "desk"


PARAMETERS: tuple[Parameter, ...] = (
    Parameter(
        "receipt_footer",
        N_("Receipt footer"),
        "text",
        "",
        N_("A line printed at the bottom of every receipt (opening hours, phone...)."),
    ),
    Parameter(
        "notice_text",
        N_("Data-protection notice"),
        "longtext",
        "",
        N_(
            "The information notice printed on every receipt, generated from the desk's "
            "details, the retention period and the data-protection contact: leave empty to "
            "keep it so. A text of your own replaces it; {desk}, {months} and {contact} in it "
            "are filled in. Each new text is a new version of the notice."
        ),
    ),
    Parameter(
        "cover_text",
        N_("Booklet cover text"),
        "longtext",
        "",
        N_("Free text printed on the cover of the booklets this desk prints."),
    ),
    Parameter(
        "vouchers_per_page",
        N_("Vouchers per A4 page"),
        "int",
        4,
        N_("How many vouchers are printed on one A4 sheet."),
        minimum=1,
        maximum=4,  # a voucher with its stub needs a quarter of A4 (see PrintLayout)
    ),
    Parameter(
        "retention_months",
        N_("Retention period (months)"),
        "int",
        36,
        N_(
            "How long a person's data is kept after their last handout, use of a voucher or "
            "contact with the desk; then their identity is erased, at start-up and each day "
            "(the funders' figures keep only counts). Printed in the information notice."
        ),
        minimum=6,
        maximum=120,
    ),
    Parameter(
        "language",
        N_("Language"),
        "choice",
        "fr",
        N_("The language of the window and of the printed papers."),
        choices=tuple((code, label) for code, label in LANGUAGES.items()),
    ),
    Parameter(
        "idle_lock_minutes",
        N_("Lock after inactivity (minutes)"),
        "int",
        5,
        N_(
            "With no key pressed and no mouse moved for this long, the window hides every "
            "person's data and asks the agent's password again. Applies from the next log-in."
        ),
        minimum=1,
        maximum=60,
    ),
    Parameter(
        "places_radius_km",
        N_("Places directory radius (km)"),
        "int",
        30,
        N_(
            "A places import keeps the places within this distance of the desk; receipts "
            "name no place farther than this from the person."
        ),
        minimum=1,
        maximum=500,
    ),
    Parameter(
        "followup_weeks",
        N_("Follow-up after (weeks)"),
        "int",
        6,
        N_(
            "People who have used no voucher this many weeks after their handout are listed "
            "for a follow-up call."
        ),
        minimum=1,
        maximum=52,
    ),
    Parameter(
        "backup_folder",
        N_("Second backup folder"),
        "folder",
        "",
        N_(
            "A folder on another disk (a USB drive, a network drive) where every backup is "
            "copied too. Leave empty for none. When the drive is not there, PassDesk says so "
            "and copies there the next time."
        ),
    ),
    Parameter(
        "dpo_contact",
        N_("Data-protection contact"),
        "text",
        "",
        N_(
            "Where people write about their data: the data protection officer's name, address "
            "or e-mail. Printed in the information notice; empty: the desk's reception."
        ),
    ),
    Parameter(
        "print_receipt_on_confirm",
        N_("Print the receipt on confirm"),
        "bool",
        True,
        N_(
            "When the computer has a default printer, confirming a handout (Ctrl+Enter) prints "
            "both copies of its receipt at once; without one, the preview opens first."
        ),
    ),
    Parameter(
        "reimbursement_address",
        N_("Where places send vouchers"),
        "text",
        "",
        N_(
            "Printed on every voucher this desk prints: to whom and where a place sends the "
            "vouchers it accepted, stamped and signed, to be reimbursed."
        ),
    ),
    Parameter(
        "desk_opening_hours",
        N_("Opening hours"),
        "hours",
        "",
        N_("When the desk receives people, set day by day; shown and printed in words."),
    ),
)
# The parameters that describe the desk itself: the settings page shows them with its name and
# address rather than among the printing parameters.
DESK_PARAMETERS = ("desk_opening_hours", "dpo_contact")
# One value for the territory's desks sharing the database; the settings page shows them only
# to an administrator of the desk that decides for the territory (`desks.territory_master`),
# when the database has several desks.
TERRITORY_PARAMETERS: tuple[Parameter, ...] = (
    Parameter(
        "people_shared",
        N_("People shared between the desks"),
        "bool",
        False,
        N_(
            "Every desk of the territory finds the people registered at the others (nobody is "
            "registered twice), and the limit per person counts the booklets they received at "
            "every desk. Otherwise each desk sees only the people it registered."
        ),
        scope="territory",
    ),
)
BY_KEY = {p.key: p for p in PARAMETERS + TERRITORY_PARAMETERS}


def parse_value(parameter: Parameter, raw: Any) -> Any:
    """The typed value of a raw input, or InvalidInput in French."""
    label = _(parameter.label)
    if parameter.kind == "hours":
        text = "" if raw is None else str(raw).strip()
        problem = opening_hours.check(text)
        if problem is not None or len(text) > 300:
            raise InvalidInput(
                _("{label}: {problem}").format(
                    label=label, problem=problem or _("at most 300 characters.")
                ),
                field=parameter.key,
            )
        return text
    if parameter.kind in ("text", "longtext"):
        text = "" if raw is None else str(raw)
        if parameter.kind == "text" and "\n" in text.strip():
            raise InvalidInput(
                _("{label}: one line of at most 300 characters.").format(label=label),
                field=parameter.key,
            )
        return checked_text(
            text,
            label=label,
            max_length=300 if parameter.kind == "text" else 5000,
            field=parameter.key,
            multiline=parameter.kind == "longtext",
        )
    if parameter.kind == "int":
        try:
            value = int(str(raw).strip())
        except ValueError:
            raise InvalidInput(
                _("{label}: a whole number is expected.").format(label=label), field=parameter.key
            ) from None
        low = parameter.minimum if parameter.minimum is not None else value
        high = parameter.maximum if parameter.maximum is not None else value
        if not low <= value <= high:
            raise InvalidInput(
                _("{label}: between {low} and {high}.").format(label=label, low=low, high=high),
                field=parameter.key,
            )
        return value
    if parameter.kind == "folder":
        text = "" if raw is None else str(raw).strip()
        if text and (len(text) > 500 or "\n" in text or not Path(text).expanduser().is_absolute()):
            raise InvalidInput(
                _("{label}: give the full path of a folder, or leave it empty.").format(
                    label=label
                ),
                field=parameter.key,
            )
        return str(Path(text).expanduser()) if text else ""
    if parameter.kind == "bool":
        return str(raw).strip().lower() in ("1", "true", "yes", "oui", "on")
    if parameter.kind == "choice":
        allowed = [c for c, _label in parameter.choices]
        if str(raw) not in allowed:
            raise InvalidInput(
                _("{label}: one of {choices}.").format(label=label, choices=", ".join(allowed)),
                field=parameter.key,
            )
        return str(raw)
    raise AssertionError(parameter.kind)


def _parameter(key: str) -> Parameter:
    parameter = BY_KEY.get(key)
    if parameter is None:
        raise NotFound(_("Unknown setting {key}.").format(key=key))
    return parameter


# Built once, as plain table statements: a search of a territory's desk reads `people_shared` at
# each keystroke, and building ORM statements there cost half a millisecond.
_DESK, _SETTING = Desk.__table__, Setting.__table__
_TERRITORY_DESK = select(_DESK.c.id).order_by(_DESK.c.id).limit(1)
_TERRITORY_SETTING = select(_SETTING.c.value).where(
    _SETTING.c.desk_id == bindparam("desk"), _SETTING.c.key == bindparam("key")
)


def territory_desk(session: Session) -> int:
    """The desk whose row holds the territory's settings: always the first desk, the one `init`
    made (desks are never deleted), so that a coordination added or chosen later finds them
    where they were. Who may change them is another question (`_check_territory_desk`)."""
    holder = session.connection().execute(_TERRITORY_DESK).scalar()
    if holder is None:
        raise NotFound(_("This database has no desk yet. Run: passdesk-admin init --desk NAME"))
    return holder


def territory_value(session: Session, key: str) -> Any:
    """A territory parameter's value, the same for every desk (its default when none is stored)."""
    parameter = _parameter(key)
    stored = (
        session.connection()
        .execute(_TERRITORY_SETTING, {"desk": territory_desk(session), "key": key})
        .scalar()
    )
    return parameter.default if stored is None else parse_value(parameter, stored)


def value_in(session: Session, key: str) -> Any:
    """A parameter's value as `session` sees it (its default when none is stored), for a unit
    of work that needs a setting among its own reads."""
    parameter = _parameter(key)
    if parameter.scope == "territory":
        return territory_value(session, key)
    return _stored(session, parameter, desk_id_in(session))


def _stored(session: Session, parameter: Parameter, desk_id: int) -> Any:
    stored = session.scalar(
        select(Setting.value).where(Setting.desk_id == desk_id, Setting.key == parameter.key)
    )
    if stored is None:
        return parameter.default
    if parameter.kind in ("text", "longtext"):
        return stored  # checked when it was saved; read as it was, whatever came before
    return parse_value(parameter, stored)


def _check_territory_desk(session: Session, desk: Desk, parameter: Parameter) -> None:
    """Refused unless `desk` decides for the territory (the coordination, else the first desk):
    one desk's administrator does not decide for the others."""
    holder = territory_master(session)
    if holder.id != desk.id:
        raise Refused(
            _(
                "{label} applies to every desk of the territory: only an administrator of "
                "{desk} may change it."
            ).format(label=_(parameter.label), desk=holder.name),
            field=parameter.key,
        )


class SettingsService(Service):
    parameters = PARAMETERS

    def get(self, key: str) -> Any:
        with self._db.read() as session:
            return value_in(session, key)

    def all(self) -> dict[str, Any]:
        return {p.key: self.get(p.key) for p in PARAMETERS}

    def territory_parameters(self, actor: Actor) -> tuple[Parameter, ...]:
        """The territory parameters `actor` may change: all of them for an administrator of
        the desk holding them, when the database has several desks; else none."""
        if not may(actor.role, Action.EDIT_SETTINGS):
            return ()
        with self._db.read() as session:
            if several_desks(session) and territory_master(session).id == actor.desk_id:
                return TERRITORY_PARAMETERS
        return ()

    def set(self, actor: Actor, key: str, raw: Any) -> Any:
        require(actor, Action.EDIT_SETTINGS)
        parameter = _parameter(key)
        value = parse_value(parameter, raw)

        def work(session: Session) -> None:
            desk = desk_of(session, actor)
            desk_id = desk.id
            if parameter.scope == "territory":
                _check_territory_desk(session, desk, parameter)
                desk_id = territory_desk(session)
            setting = session.scalar(
                select(Setting).where(Setting.desk_id == desk_id, Setting.key == key)
            )
            if setting is None:
                session.add(Setting(desk_id=desk_id, key=key, value=str(value)))
            else:
                setting.value = str(value)
            # A text setting may say anything: the journal keeps its SHA-256, not the text.
            free_text = parameter.kind in ("text", "longtext")
            ledger.append(
                session,
                at=self._now(),
                agent_id=actor.id,
                kind=EventKind.SETTING_CHANGED,
                details={"key": key}
                | ({"sha256": ledger.fingerprint(str(value))} if free_text else {"value": value}),
            )

        self._db.transaction(work)
        log.info("agent %s changed setting %s", actor.id, key)
        return value
