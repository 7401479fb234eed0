"""The people side of a report: who was served in the period, by target group, age band,
commune, need, agent and month, and each programme's priority share; worked out in Python from
the period's handed-out booklets (FiguresBuilder gathers them in one pass)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from passdesk.formatting import format_month
from passdesk.i18n import _
from passdesk.models import Programme
from passdesk.services.beneficiaries import DIAGNOSTIC_NEEDS
from passdesk.services.programmes import TARGET_GROUPS
from passdesk.services.report_figures import (
    AGE_BANDS,
    AGE_UNKNOWN,
    NOT_GIVEN,
    Breakdown,
    BreakdownRow,
    Quantity,
    QuotaLine,
    ReportQuery,
    age_band,
)
from passdesk.services.report_scope import months_between


@dataclass
class Person:
    birth: date | None
    commune_key: str
    commune_label: str
    group: str
    needs: tuple[str, ...]
    first_day: date
    booklets: Counter[int] = field(default_factory=Counter)  # programme id -> booklets


@dataclass
class Tally:
    """People and booklets (by programme) of one category."""

    people: set[int] = field(default_factory=set)
    booklets: Counter[int] = field(default_factory=Counter)


class PeopleFigures:
    """Breakdowns and quotas of the people served, for the programmes of one report."""

    def __init__(
        self,
        programmes: Sequence[Programme],
        query: ReportQuery,
        agent_names: dict[int, str],
        served_before: set[int],
    ) -> None:
        self.programmes = list(programmes)
        self.by_id = {p.id: p for p in programmes}
        self.query = query
        self.agent_names = agent_names
        self.served_before = served_before

    def quantity(self, booklets: Counter[int]) -> Quantity:
        total = Quantity()
        for programme_id, count in booklets.items():
            p = self.by_id[programme_id]
            total += Quantity.of(count, count * p.vouchers_per_booklet, p.face_value)
        return total

    def row(
        self, key: str, label: str, people: Iterable[int], booklets: Counter[int], **extra: bool
    ) -> BreakdownRow:
        q = self.quantity(booklets)
        return BreakdownRow(key, label, len(set(people)), q.booklets, q.vouchers, q.value, **extra)

    def by_attribute(
        self,
        people: dict[int, Person],
        categories: Sequence[tuple[str, str]],
        of: object,
        *,
        multiple: bool = False,
        priority: frozenset[str] = frozenset(),
        keep_empty: bool = True,
    ) -> list[BreakdownRow]:
        """Rows of people by a profile attribute: `categories` (key, label) in print order,
        then any key met that is not among them, labelled by itself."""
        members: dict[str, list[int]] = defaultdict(list)
        labels = dict(categories)
        for person_id, person in people.items():
            keys = of(person)  # type: ignore[operator]
            for key in (keys if multiple else (keys,)) or (NOT_GIVEN,):
                members[key].append(person_id)
                if key not in labels:
                    labels[key] = _(TARGET_GROUPS[key]) if key in TARGET_GROUPS else key
        order = [k for k, _l in categories] + sorted(k for k in labels if k not in dict(categories))
        rows = []
        for key in order:
            ids = members.get(key, [])
            if not ids and not keep_empty:
                continue
            booklets: Counter[int] = Counter()
            for person_id in ids:
                booklets.update(people[person_id].booklets)
            rows.append(self.row(key, labels[key], ids, booklets, priority=key in priority))
        return rows

    def figures(
        self,
        people: dict[int, Person],
        agents: dict[int, Tally],
        months: dict[date, Tally],
        handout_count: int,
    ) -> dict[str, object]:
        before = self.served_before
        everyone: Counter[int] = Counter()
        for person in people.values():
            everyone.update(person.booklets)
        total = self.row("", _("Total"), people, everyone)
        priority = frozenset(g for p in self.programmes for g in (p.priority_groups or ()))
        declared = {g for p in self.programmes for g in (p.target_groups or ())}
        groups = [
            (k, _(label)) for k, label in TARGET_GROUPS.items() if not declared or k in declared
        ]
        not_given = (NOT_GIVEN, _("Not given"))
        end = self.query.end
        breakdowns = [
            Breakdown(
                "target_group",
                tuple(
                    self.by_attribute(
                        people, [*groups, not_given], lambda p: p.group, priority=priority
                    )
                ),
                total,
                additive=True,
                margins=tuple(
                    tuple(p.priority_groups) for p in self.programmes if p.priority_groups
                ),
            ),
            Breakdown(
                "age_band",
                tuple(
                    self.by_attribute(
                        people,
                        [(k, _(label)) for k, label, _l, _h in AGE_BANDS]
                        + [(AGE_UNKNOWN, _("Birth date not given"))],
                        lambda p: age_band(p.birth, p.first_day),
                    )
                ),
                total,
                additive=True,
            ),
            Breakdown("commune", self.communes(people), total, additive=True),
            Breakdown(
                "need",
                tuple(
                    self.by_attribute(
                        people,
                        [(k, _(label)) for k, label in DIAGNOSTIC_NEEDS.items()]
                        + [(NOT_GIVEN, _("No need recorded"))],
                        lambda p: p.needs,
                        multiple=True,
                    )
                ),
                total,
                additive=False,  # a person may have several needs
            ),
            Breakdown("agent", self.agents_rows(agents), total, additive=False),
            Breakdown(
                "month",
                tuple(
                    self.row(
                        m.isoformat()[:7],
                        format_month(m),
                        months[m].people if m in months else (),
                        months[m].booklets if m in months else Counter(),
                    )
                    for m in months_between(self.query.start, end)
                ),
                total,
                additive=False,  # a person served in two months is in both
            ),
        ]
        return {
            "people_served": len(people),
            "new_people": len(set(people) - before),
            "handouts": handout_count,
            "breakdowns": tuple(breakdowns),
            "quotas": tuple(self.quotas(people)),
        }

    def communes(self, people: dict[int, Person]) -> tuple[BreakdownRow, ...]:
        members: dict[str, list[int]] = defaultdict(list)
        spellings: dict[str, Counter[str]] = defaultdict(Counter)
        for person_id, person in people.items():
            key = person.commune_key or NOT_GIVEN
            members[key].append(person_id)
            spellings[key][person.commune_label or _("Not given")] += 1
        # A commune typed two ways ("Villeurbanne", "villeurbanne") is one row, named as most
        # people's file writes it.
        labels = {
            key: min(counter.items(), key=lambda item: (-item[1], item[0]))[0]
            for key, counter in spellings.items()
        }
        rows = []
        for key, ids in members.items():
            booklets: Counter[int] = Counter()
            for person_id in ids:
                booklets.update(people[person_id].booklets)
            rows.append(self.row(key, labels[key], ids, booklets))
        # The most served first; "not given" last; then by name, for a stable order.
        rows.sort(key=lambda r: (r.key == NOT_GIVEN, -r.people, r.label.casefold(), r.key))
        return tuple(rows)

    def agents_rows(self, agents: dict[int, Tally]) -> tuple[BreakdownRow, ...]:
        names = self.agent_names
        rows = [
            self.row(str(agent_id), names.get(agent_id, str(agent_id)), t.people, t.booklets)
            for agent_id, t in agents.items()
        ]
        return tuple(sorted(rows, key=lambda r: (r.label.casefold(), r.key)))

    def quotas(self, people: dict[int, Person]) -> list[QuotaLine]:
        lines = []
        for p in self.programmes:
            groups = set(p.priority_groups or ())
            vouchers = priority_vouchers = served = priority_served = 0
            for person in people.values():
                count = person.booklets.get(p.id, 0)
                if not count:
                    continue
                served += 1
                vouchers += count * p.vouchers_per_booklet
                if person.group in groups:
                    priority_served += 1
                    priority_vouchers += count * p.vouchers_per_booklet
            lines.append(
                QuotaLine(
                    p.code,
                    tuple(p.priority_groups or ()),
                    p.priority_quota,
                    vouchers,
                    priority_vouchers,
                    served,
                    priority_served,
                )
            )
        return lines
