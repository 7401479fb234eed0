"""The desks of a database: how a desk is named in the console (its code), and which desk a
process works for when a territory's structures share one database (issue 13)."""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import select
from sqlalchemy.orm import Session

from passdesk.errors import InvalidInput, NotFound
from passdesk.i18n import _
from passdesk.models import Desk
from passdesk.services.base import Service
from passdesk.services.desk_details import desk_row
from passdesk.services.rows import DeskRow

CODE_LENGTH = 12
_CODE = re.compile(r"[A-Z0-9](?:[A-Z0-9-]{0,10}[A-Z0-9])?")


def code_from_name(name: str, taken: set[str]) -> str:
    """ "Mairie d'Écully" -> "MAIRIE-D-ECU": a code for a desk created without one, unique
    among `taken` (which it joins). Revision 0010 made the codes of existing desks this way."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().upper()
    base = "-".join(re.findall(r"[A-Z0-9]+", folded))[:CODE_LENGTH].strip("-") or "GUICHET"
    code, n = base, 2
    while code in taken:
        suffix = f"-{n}"
        code, n = base[: CODE_LENGTH - len(suffix)].strip("-") + suffix, n + 1
    taken.add(code)
    return code


def check_code(text: str) -> str:
    """A desk code as typed ("vaulx" -> "VAULX"), or InvalidInput in French."""
    code = (text or "").strip().upper()
    if not _CODE.fullmatch(code):
        raise InvalidInput(
            _(
                "A desk code is 1 to 12 capital letters, digits or hyphens, such as VAULX or "
                "CCAS-2 ({code} given)."
            ).format(code=code or "«»"),
            field="code",
        )
    return code


def taken_codes(session: Session) -> set[str]:
    return set(session.scalars(select(Desk.code)))


def desk_by_code(session: Session, text: str) -> Desk:
    code = check_code(text)
    desk = session.scalar(select(Desk).where(Desk.code == code))
    if desk is None:
        known = ", ".join(sorted(taken_codes(session))) or "—"
        raise NotFound(
            _("No desk has the code {code} (desks: {known}).").format(code=code, known=known),
            field="desk",
        )
    return desk


class DeskService(Service):
    """The desks of the database, as rows (the territory's management is in transfers)."""

    def desks(self) -> list[DeskRow]:
        with self._db.read() as session:
            return [desk_row(d) for d in session.scalars(select(Desk).order_by(Desk.id))]

    def get(self, desk_id: int) -> DeskRow:
        with self._db.read() as session:
            desk = session.get(Desk, desk_id)
            if desk is None:
                raise NotFound(_("No desk with the number {id}.").format(id=desk_id))
            return desk_row(desk)

    def by_code(self, code: str) -> DeskRow:
        with self._db.read() as session:
            return desk_row(desk_by_code(session, code))
