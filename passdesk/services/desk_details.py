"""The desk's details as the services return them, and as the journal records a change of them
(fingerprints only: an address may be a social worker's own)."""

from __future__ import annotations

from passdesk.models import Desk
from passdesk.services import ledger
from passdesk.services.rows import DeskRow


def desk_row(desk: Desk) -> DeskRow:
    return DeskRow(
        desk.id,
        desk.name,
        desk.address,
        desk.postcode,
        desk.commune,
        desk.siret,
        desk.logo_png,
        bool(desk.demo),
        desk.code,
        desk.kind.value if desk.kind is not None else "desk",
    )


def desk_identity(desk: Desk) -> dict[str, str | None]:
    """The desk's printed identity as the journal keeps it: SHA-256 of each field, since an
    address may be a social worker's own (no free text in the journal)."""
    return {
        "name": ledger.fingerprint(desk.name),
        "address": ledger.fingerprint(desk.address),
        "postcode": ledger.fingerprint(desk.postcode),
        "commune": ledger.fingerprint(desk.commune),
        "siret": ledger.fingerprint(desk.siret),
        "logo": ledger.fingerprint(desk.logo_png),
    }
