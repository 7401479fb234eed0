"""The data-protection notice printed on every receipt, as PassDesk ships it (a desk may
replace it in Settings)."""

from __future__ import annotations

from typing import Final

from passdesk.i18n import N_, _

DEFAULT_NOTICE: Final = N_(
    "The desk that handed you these vouchers records your name, date of birth, contact details, "
    "the answers to the needs diagnostic and the vouchers handed out to you. Purpose: running "
    "the Pass Numérique scheme (handouts, stock register, follow-up of how the vouchers are "
    "used). Legal basis: a task carried out in the public interest, or your consent where it "
    "was asked for. Recipients: the desk's authorised staff only; the funders and the scheme's "
    "operator receive aggregate or pseudonymised figures, never your identity. Retention: 3 "
    "years after your last handout, then your data is erased or anonymised. Your rights: "
    "access, rectification, erasure, restriction of processing and objection, at the desk's "
    "reception or from its data protection officer. If you think your rights are not "
    "respected, you may complain to the CNIL (www.cnil.fr)."
)


def default_notice() -> str:
    """The data-protection notice in the current language, for desks that kept the default."""
    return _(DEFAULT_NOTICE)
