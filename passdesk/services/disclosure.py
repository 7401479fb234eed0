"""What may leave the desk: small cells hidden (with the cells that would give them away) and
pseudonyms keyed per funder.

The rule, stated once for the PDF, the XLSX and the CSV: a breakdown row counting from 1 to 4
people is not published ("< 5"): neither its people nor its booklets, vouchers or value. Then,
so that a published total minus the published rows cannot give a hidden row back, every group
of rows whose sum is published (the whole table; the priority groups, whose share the quota
table publishes, and the other groups) hides either none of its rows or at least two that
together count at least 5 people and from which no "< 5" row's exact count can be worked out:
the smallest rows are hidden too, marked "s" (statistical secrecy). Where even that is not
enough (every row small, as 4 + 4 = 8), the sum itself is hidden where it is shown. Zero is published as 0: nobody is no one's personal data. What stays inside the desk
(the window's figures, `passdesk-admin report --json`) is raw.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass

THRESHOLD = 5
SMALL = f"< {THRESHOLD}"
SECONDARY = "s"


def is_small(people: int) -> bool:
    """A count of people that is not published: 1 to 4 (zero is)."""
    return 0 < people < THRESHOLD


@dataclass(frozen=True)
class Suppression:
    """What not to publish of one table: rows (by index, with their mark), and the published
    sums that would still give a hidden row back, which must be hidden where they are shown:
    the table's total, or a margin's (by index)."""

    rows: dict[int, str]
    total_hidden: bool = False
    margins_hidden: tuple[int, ...] = ()


def _safe(people: Sequence[int], hidden: set[int], primary: set[int]) -> bool:
    """Whether a group's hidden rows keep every "< 5" row's count unknown to a reader who knows
    the group's sum, that each "< 5" row counts 1 to 4 and each "s" row 0 or more: no row
    hidden, or at least two hiding at least THRESHOLD people together, such that each "< 5"
    row could hold two counts at least."""
    if not hidden:
        return True
    total = sum(people[i] for i in hidden)
    if len(hidden) < 2 or total < THRESHOLD:
        return False
    small = [i for i in hidden if i in primary]
    if not small:
        return True
    others_low = len(small) - 1
    others_high = None if len(small) < len(hidden) else 4 * (len(small) - 1)
    low = 1 if others_high is None else max(1, total - others_high)
    high = min(THRESHOLD - 1, total - others_low)
    return high > low


def suppress(people: Sequence[int], margins: Sequence[Sequence[int]] = ()) -> Suppression:
    """What of a table of `people` counts (one per row) not to publish.

    `margins` are sets of row indexes whose sum is published besides the table's total (their
    complement's then is too). Every group (the table, each margin, each complement) must be
    `_safe`; rows are added to a group's hidden ones smallest first (rows with people before
    empty ones, then in table order) until it is, or until it has none left, when the group's
    own sum must be hidden too.
    """
    everyone = list(range(len(people)))
    groups: list[tuple[list[int], int | None]] = [(everyone, None)]
    for m, margin in enumerate(margins):
        inside = sorted(set(margin))
        groups += [(inside, m), ([i for i in everyone if i not in set(inside)], m)]
    primary = {i for i in everyone if is_small(people[i])}
    hidden = set(primary)
    changed = True
    while changed:
        changed = False
        for group, _margin in groups:
            inside = {i for i in group if i in hidden}
            if _safe(people, inside, primary):
                continue
            candidates = [i for i in group if i not in hidden]
            if candidates:
                hidden.add(min(candidates, key=lambda i: (people[i] == 0, people[i], i)))
                changed = True
    unsafe = [
        margin
        for group, margin in groups
        if not _safe(people, {i for i in group if i in hidden}, primary)
    ]
    return Suppression(
        {i: SMALL if i in primary else SECONDARY for i in sorted(hidden)},
        total_hidden=None in unsafe,
        margins_hidden=tuple(sorted({m for m in unsafe if m is not None})),
    )


def pseudonym(key_hex: str, person_id: int) -> str:
    """A person's identifier in one funder's individual-level export: HMAC-SHA256 of the
    person's number under the funder's secret key, 20 hex digits. The same person gets the
    same pseudonym in every export to that funder and a different one for another funder;
    without the key, which never leaves the database, it cannot be traced back."""
    digest = hmac.new(bytes.fromhex(key_hex), str(person_id).encode("ascii"), hashlib.sha256)
    return digest.hexdigest()[:20]
