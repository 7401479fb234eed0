"""The people side of a report: who was served in the period, by target group, age band,
commune, need, agent and month, and each programme's priority share.

FiguresBuilder hands over one `Person` per person served (booklets by programme, counted in
SQL, and the vouchers their booklets left without) and the agents' and months' tallies (grouped
in SQL too); this module only sorts people into categories and adds up their booklets, in whole
numbers and cents.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from passdesk.formatting import format_month
from passdesk.i18n import _
from passdesk.models import Programme
from passdesk.services.beneficiaries import DIAGNOSTIC_NEEDS
from passdesk.services.programmes import TARGET_GROUPS
from passdesk.services.report_figures import (
    AGE_BANDS,
    AGE_UNKNOWN,
    CENT,
    NOT_GIVEN,
    Breakdown,
    BreakdownRow,
    QuotaLine,
    ReportQuery,
    age_band,
    band_on,
)
from passdesk.services.report_scope import months_between


@dataclass(slots=True)
class Person:
    """A person served in the period, as the breakdowns need them."""

    birth: date | None
    commune_key: str
    commune_label: str
    group: str
    needs: tuple[str, ...]
    first_day: date  # the desk's day of their first handout in the period
    booklets: dict[int, int] = field(default_factory=dict)  # programme id -> booklets
    # Programme id -> vouchers voided before their booklet left, not given (see short_handouts).
    left_out: dict[int, int] = field(default_factory=dict)
    # An erased person: their age bands as kept (no birth date), see `band_on`.
    bands: list[list[str]] | None = None

    @property
    def age_band(self) -> str:
        if self.bands is not None:
            return band_on(self.bands, self.first_day)
        return age_band(self.birth, self.first_day)


@dataclass(slots=True)
class Tally:
    """People and booklets (by programme) of one agent or one month."""

    people: int = 0
    booklets: dict[int, int] = field(default_factory=dict)
    left_out: dict[int, int] = field(default_factory=dict)  # as Person's


Totals = tuple[int, int, int]  # booklets, vouchers, cents


class PeopleFigures:
    """Breakdowns and quotas of the people served, for the programmes of one report."""

    def __init__(
        self, programmes: Sequence[Programme], query: ReportQuery, agent_names: dict[int, str]
    ) -> None:
        self.programmes = list(programmes)
        self.query = query
        self.agent_names = agent_names
        # Per programme: vouchers per booklet, cents per booklet; cents per voucher.
        self._per_booklet = {
            p.id: (p.vouchers_per_booklet, int(p.face_value / CENT) * p.vouchers_per_booklet)
            for p in programmes
        }
        self._per_voucher = {p.id: int(p.face_value / CENT) for p in programmes}

    def totals(self, booklets: dict[int, int], left_out: dict[int, int] | None = None) -> Totals:
        """Booklets, vouchers and cents given: whole booklets, less the vouchers `left_out`."""
        count = vouchers = cents = 0
        for programme_id, n in booklets.items():
            per_vouchers, per_cents = self._per_booklet[programme_id]
            count += n
            vouchers += n * per_vouchers
            cents += n * per_cents
        for programme_id, k in (left_out or {}).items():
            vouchers -= k
            cents -= k * self._per_voucher[programme_id]
        return count, vouchers, cents

    @staticmethod
    def row(
        key: str, label: str, people: int, totals: Totals, priority: bool = False
    ) -> BreakdownRow:
        booklets, vouchers, cents = totals
        return BreakdownRow(key, label, people, booklets, vouchers, Decimal(cents) * CENT, priority)

    def category_rows(
        self,
        cells: dict[str, list[int]],
        categories: Sequence[tuple[str, str]],
        priority: frozenset[str] = frozenset(),
    ) -> tuple[BreakdownRow, ...]:
        """The rows of one breakdown: `categories` (key, label) in print order, then any key
        met that is not among them, labelled by itself."""
        known = dict(categories)
        order = [k for k, _l in categories] + sorted(k for k in cells if k not in known)
        rows = []
        for key in order:
            n, booklets, vouchers, cents = cells.get(key, (0, 0, 0, 0))
            label = known.get(key) or (_(TARGET_GROUPS[key]) if key in TARGET_GROUPS else key)
            rows.append(self.row(key, label, n, (booklets, vouchers, cents), key in priority))
        return tuple(rows)

    def figures(
        self,
        people: dict[int, Person],
        agents: dict[int, Tally],
        months: dict[date, Tally],
    ) -> dict[str, object]:
        """Every breakdown and the quotas, from one pass over the people served."""
        cells: dict[str, dict[str, list[int]]] = {
            d: defaultdict(lambda: [0, 0, 0, 0]) for d in ("target_group", "age_band", "need")
        }
        communes: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
        spellings: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        priority_of = {p.id: frozenset(p.priority_groups or ()) for p in self.programmes}
        quota = {p.id: [0, 0, 0, 0] for p in self.programmes}  # people, vouchers, priority...
        total = [0, 0, 0, 0]
        for person in people.values():
            booklets, vouchers, cents = self.totals(person.booklets, person.left_out)
            keyed = (
                (cells["target_group"], (person.group,)),
                (cells["age_band"], (person.age_band,)),
                (cells["need"], person.needs or (NOT_GIVEN,)),
                (communes, (person.commune_key or NOT_GIVEN,)),
            )
            for table, keys in keyed:
                for key in keys:
                    cell = table[key]  # type: ignore[index]
                    cell[0] += 1
                    cell[1] += booklets
                    cell[2] += vouchers
                    cell[3] += cents
            total[0] += 1
            total[1] += booklets
            total[2] += vouchers
            total[3] += cents
            spellings[person.commune_key or NOT_GIVEN][person.commune_label or _("Not given")] += 1
            for programme_id, n in person.booklets.items():
                line = quota[programme_id]
                given = n * self._per_booklet[programme_id][0] - person.left_out.get(
                    programme_id, 0
                )
                line[0] += 1
                line[1] += given
                if person.group in priority_of[programme_id]:
                    line[2] += 1
                    line[3] += given
        everyone = self.row("", _("Total"), total[0], (total[1], total[2], total[3]))
        priority = frozenset(g for p in self.programmes for g in (p.priority_groups or ()))
        declared = {g for p in self.programmes for g in (p.target_groups or ())}
        groups = [
            (k, _(label)) for k, label in TARGET_GROUPS.items() if not declared or k in declared
        ]
        breakdowns = (
            Breakdown(
                "target_group",
                self.category_rows(
                    cells["target_group"], [*groups, (NOT_GIVEN, _("Not given"))], priority
                ),
                everyone,
                additive=True,
                margins=tuple(
                    tuple(p.priority_groups) for p in self.programmes if p.priority_groups
                ),
            ),
            Breakdown(
                "age_band",
                self.category_rows(
                    cells["age_band"],
                    [(k, _(label)) for k, label, _l, _h in AGE_BANDS]
                    + [(AGE_UNKNOWN, _("Birth date not given"))],
                ),
                everyone,
                additive=True,
            ),
            Breakdown("commune", self.commune_rows(communes, spellings), everyone, additive=True),
            Breakdown(
                "need",
                self.category_rows(
                    cells["need"],
                    [(k, _(label)) for k, label in DIAGNOSTIC_NEEDS.items()]
                    + [(NOT_GIVEN, _("No need recorded"))],
                ),
                everyone,
                additive=False,  # a person may have several needs
            ),
            Breakdown("agent", self.agents_rows(agents), everyone, additive=False),
            Breakdown(
                "month",
                tuple(
                    self.row(
                        m.isoformat()[:7],
                        format_month(m),
                        months[m].people if m in months else 0,
                        self.totals(months[m].booklets, months[m].left_out)
                        if m in months
                        else (0, 0, 0),
                    )
                    for m in months_between(self.query.start, self.query.end)
                ),
                everyone,
                additive=False,  # a person served in two months is in both
            ),
        )
        quotas = tuple(
            QuotaLine(
                p.code,
                tuple(p.priority_groups or ()),
                p.priority_quota,
                quota[p.id][1],
                quota[p.id][3],
                quota[p.id][0],
                quota[p.id][2],
            )
            for p in self.programmes
        )
        return {"breakdowns": breakdowns, "quotas": quotas}

    def commune_rows(
        self, counts: dict[str, list[int]], spellings: dict[str, dict[str, int]]
    ) -> tuple[BreakdownRow, ...]:
        rows = []
        for key, (n, booklets, vouchers, cents) in counts.items():
            # A commune typed two ways ("Villeurbanne", "villeurbanne") is one row, named as
            # most people's file writes it.
            label = min(spellings[key].items(), key=lambda item: (-item[1], item[0]))[0]
            rows.append(self.row(key, label, n, (booklets, vouchers, cents)))
        # The most served first; "not given" last; then by name, for a stable order.
        rows.sort(key=lambda r: (r.key == NOT_GIVEN, -r.people, r.label.casefold(), r.key))
        return tuple(rows)

    def agents_rows(self, agents: dict[int, Tally]) -> tuple[BreakdownRow, ...]:
        rows = [
            self.row(
                str(agent_id),
                self.agent_names.get(agent_id, str(agent_id)),
                tally.people,
                self.totals(tally.booklets, tally.left_out),
            )
            for agent_id, tally in agents.items()
        ]
        return tuple(sorted(rows, key=lambda r: (r.label.casefold(), r.key)))
