"""The information notice (articles 13-14 of the GDPR) as PassDesk words it: one section per
thing the law asks a person to be told, filled from the desk's settings.

`passdesk.services.privacy_notice` fills and versions it; receipts print it as one paragraph
and the notice page section by section, so both say the same words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from passdesk.i18n import N_, _

# (heading, text): {desk}, {months} and {contact} are filled from the settings.
SECTIONS: Final = (
    (N_("Controller"), N_("{desk}, the desk that handed you these vouchers.")),
    (
        N_("Data recorded"),
        N_(
            "your name, date of birth, commune, the contact details you gave, the answers "
            "to the needs diagnostic, the vouchers handed out to you and those you used."
        ),
    ),
    (
        N_("Purpose"),
        N_(
            "running the Pass Numérique scheme (handouts, the stock register of the vouchers, "
            "which are public money, the follow-up of their use and the funders' statistics)."
        ),
    ),
    (
        N_("Legal basis"),
        N_(
            "a task carried out in the public interest; your consent where it was asked for "
            "(being called about your vouchers)."
        ),
    ),
    (
        N_("Recipients"),
        N_(
            "the desk's authorised staff only; the funders and the scheme's operator receive "
            "aggregate or pseudonymised figures, never your identity."
        ),
    ),
    (
        N_("Retention"),
        N_(
            "{months} months after your last handout, use of a voucher or contact with the "
            "desk; then your identity is erased (the funders' figures keep only counts)."
        ),
    ),
    (N_("Data-protection contact"), N_("{contact}.")),
    (
        N_("Your rights"),
        N_(
            "access to your data, rectification, erasure, restriction of processing and "
            "objection, by asking the desk or its data-protection contact. If you think your "
            "rights are not respected, you may complain to the CNIL (www.cnil.fr)."
        ),
    ),
)
# What a desk's own notice may write to have them filled in.
PLACEHOLDERS: Final = ("{desk}", "{months}", "{contact}")


@dataclass(frozen=True)
class NoticeSection:
    heading: str  # empty for a desk's own text
    text: str


def standard_sections(desk: str, months: int, contact: str) -> tuple[NoticeSection, ...]:
    """The standard notice in the current language. `contact` empty: the desk's reception."""
    values = {"desk": desk, "months": months, "contact": contact or _("the desk's reception")}
    return tuple(NoticeSection(_(heading), _(text).format(**values)) for heading, text in SECTIONS)


def own_sections(text: str, desk: str, months: int, contact: str) -> tuple[NoticeSection, ...]:
    """A desk's own notice (Settings), its paragraphs kept and its placeholders filled in."""
    filled = text
    for placeholder, value in zip(
        PLACEHOLDERS, (desk, str(months), contact or _("the desk's reception")), strict=True
    ):
        filled = filled.replace(placeholder, value)
    return tuple(NoticeSection("", p.strip()) for p in filled.splitlines() if p.strip())


def as_text(sections: tuple[NoticeSection, ...]) -> str:
    """The notice as one text, a line per section: what is versioned, and printed."""
    return "\n".join(
        _("{heading}: {text}").format(heading=s.heading, text=s.text) if s.heading else s.text
        for s in sections
    )
