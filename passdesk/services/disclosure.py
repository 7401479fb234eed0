"""What may leave the desk: small cells hidden (with the cells that would give them away) and
pseudonyms keyed per funder.

The rule, stated once for the PDF, the XLSX and the CSV: a breakdown row counting from 1 to 4
people is not published ("< 5"): neither its people nor its booklets, vouchers or value. Then,
so that a published total minus the published rows cannot give a hidden row back, every group
of rows whose sum is published (the whole table; the priority groups, whose share the quota
table publishes, and the other groups) hides either none of its rows or at least two that
together count at least 5 people: the smallest rows are hidden too, marked "s" (statistical
secrecy). Zero is published as 0: nobody is no one's personal data. What stays inside the desk
(the window's figures, `passdesk-admin report --json`) is raw.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence

THRESHOLD = 5
SMALL = f"< {THRESHOLD}"
SECONDARY = "s"


def is_small(people: int) -> bool:
    """A count of people that is not published: 1 to 4 (zero is)."""
    return 0 < people < THRESHOLD


def hidden_rows(people: Sequence[int], margins: Sequence[Sequence[int]] = ()) -> dict[int, str]:
    """The rows (by index) not to publish, with their mark: SMALL or SECONDARY.

    `people` is each row's count; `margins` are sets of row indexes whose sum is published
    besides the table's total (their complement then is too). Secondary rows are taken
    smallest first, rows with people before empty ones, then in table order.
    """
    everyone = range(len(people))
    groups: list[list[int]] = [list(everyone)]
    for margin in margins:
        inside = sorted(set(margin))
        groups += [inside, [i for i in everyone if i not in set(inside)]]
    primary = {i for i in everyone if is_small(people[i])}
    hidden = set(primary)
    changed = True
    while changed:
        changed = False
        for group in groups:
            inside = [i for i in group if i in hidden]
            if not inside or (len(inside) >= 2 and sum(people[i] for i in inside) >= THRESHOLD):
                continue
            candidates = [i for i in group if i not in hidden]
            if not candidates:
                continue  # the group's own total counts fewer than 5: it is hidden where shown
            hidden.add(min(candidates, key=lambda i: (people[i] == 0, people[i], i)))
            changed = True
    return {i: SMALL if i in primary else SECONDARY for i in sorted(hidden)}


def pseudonym(key_hex: str, person_id: int) -> str:
    """A person's identifier in one funder's individual-level export: HMAC-SHA256 of the
    person's number under the funder's secret key, 20 hex digits. The same person gets the
    same pseudonym in every export to that funder and a different one for another funder;
    without the key, which never leaves the database, it cannot be traced back."""
    digest = hmac.new(bytes.fromhex(key_hex), str(person_id).encode("ascii"), hashlib.sha256)
    return digest.hexdigest()[:20]
