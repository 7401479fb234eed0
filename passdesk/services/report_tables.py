"""A report's figures made into what leaves the desk: titled tables with small cells hidden
(`disclosure`), the charts drawn from those same tables, and how each figure is computed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from passdesk.documents.records import DeskLine
from passdesk.documents.report_record import (
    Chart,
    Column,
    Hidden,
    Kind,
    ReportRecord,
    Table,
    Value,
)
from passdesk.formatting import format_date, format_money, format_percent
from passdesk.i18n import N_, _
from passdesk.services.disclosure import (
    SECONDARY,
    SMALL,
    THRESHOLD,
    Suppression,
    is_small,
    suppress,
)
from passdesk.services.programmes import TARGET_GROUPS
from passdesk.services.report_figures import (
    STOCK_FIGURES,
    TERRITORY,
    Breakdown,
    BreakdownRow,
    ProgrammeFigures,
    Quantity,
    QuotaLine,
    ReportFigures,
)
from passdesk.services.report_methods import methods

STOCK_LABELS = {
    "received": N_("Received in the period"),
    "in_stock": N_("In stock today"),
    "handed_out": N_("Handed out in the period"),
    "returned": N_("Returned to stock in the period"),
    "voided": N_("Voided in the period"),
    "expired": N_("Expired in the period"),
    "started": N_("Started (at least one voucher used)"),
    "fully_used": N_("Fully used"),
}
BREAKDOWN_TITLES = {
    "target_group": N_("People by target group"),
    "age_band": N_("People by age"),
    "commune": N_("People by commune"),
    "need": N_("People by need diagnosed"),
    "agent": N_("Handouts by agent"),
    "month": N_("Handouts by month"),
}
BREAKDOWN_FIRST_COLUMN = {
    "target_group": N_("Target group"),
    "age_band": N_("Age on the first handout of the period"),
    "commune": N_("Commune"),
    "need": N_("Need"),
    "agent": N_("Agent"),
    "month": N_("Month"),
}
BREAKDOWN_NOTES = {
    "need": N_("A person may have several needs: the rows do not add up to the total."),
    "agent": N_("A person served by two agents is in both rows."),
    "month": N_("A person served in two months is in both rows."),
}


def _money_cols() -> tuple[Column, ...]:
    return (
        Column(_("People"), Kind.COUNT),
        Column(_("Booklets"), Kind.COUNT),
        Column(_("Vouchers"), Kind.COUNT),
        Column(_("Face value"), Kind.MONEY),
    )


def _figures(row: BreakdownRow) -> tuple[Value, ...]:
    return (row.people, row.booklets, row.vouchers, row.value)


def _hidden(mark: str) -> tuple[Value, ...]:
    return (Hidden(mark),) * 4


def suppression(breakdown: Breakdown) -> Suppression:
    keys = [r.key for r in breakdown.rows]
    margins = [[keys.index(k) for k in margin if k in keys] for margin in breakdown.margins]
    return suppress([r.people for r in breakdown.rows], margins)


def breakdown_table(
    breakdown: Breakdown, hidden: Suppression, *, people_hidden: bool = False
) -> Table:
    """One breakdown, published: small rows and the rows that would give them away hidden;
    `people_hidden`: the total (the people served) would give rows of another table back."""
    month = breakdown.dimension == "month"
    rows = []
    for i, row in enumerate(breakdown.rows):
        first: Value = date.fromisoformat(row.key + "-01") if month else row.label
        if row.priority:
            first = _("{group} (priority)").format(group=row.label)
        rows.append((first, *(_hidden(hidden.rows[i]) if i in hidden.rows else _figures(row))))
    total = breakdown.total
    if is_small(total.people):
        total_cells = _hidden(SMALL)
    elif hidden.total_hidden or people_hidden:
        total_cells = _hidden(SECONDARY)
    else:
        total_cells = _figures(total)
    dimension = breakdown.dimension
    return Table(
        key=dimension,
        title=_(BREAKDOWN_TITLES[dimension]),
        columns=(
            Column(_(BREAKDOWN_FIRST_COLUMN[dimension]), Kind.MONTH if month else Kind.TEXT),
            *_money_cols(),
        ),
        rows=tuple(rows),
        total=(_("Total"), *total_cells),
        note=_(BREAKDOWN_NOTES[dimension]) if dimension in BREAKDOWN_NOTES else "",
    )


def stock_table(figures: ReportFigures) -> Table:
    rows: list[tuple[Value, ...]] = []
    groups: list[tuple[str, Sequence[ProgrammeFigures]]] = [
        (p.code, [p]) for p in figures.programmes
    ]
    if len(figures.programmes) > 1:
        groups.append((_("All programmes"), figures.programmes))
    for name, programmes in groups:
        for figure in STOCK_FIGURES:
            q = sum((getattr(p, figure) for p in programmes), Quantity())
            vouchers_label = q.vouchers
            rows.append((name, _(STOCK_LABELS[figure]), q.booklets, vouchers_label, q.value))
    return Table(
        key="stock",
        title=_("Booklets and vouchers"),
        columns=(
            Column(_("Programme"), Kind.TEXT),
            Column(_("Figure"), Kind.TEXT),
            Column(_("Booklets"), Kind.COUNT),
            Column(_("Vouchers"), Kind.COUNT),
            Column(_("Face value"), Kind.MONEY),
        ),
        rows=tuple(rows),
        note=_(
            "Started: the vouchers column counts the vouchers used. In stock: on {date}, the "
            "day the report was made."
        ).format(date=format_date(figures.today)),
    )


def funders_table(figures: ReportFigures) -> Table:
    rows = tuple(
        (f.funder, f.programme, f.percent, f.received, f.handed_out, f.used)
        for f in figures.funders
    )
    total = (
        _("Total"),
        None,
        None,
        sum((f.received for f in figures.funders), Decimal("0.00")),
        sum((f.handed_out for f in figures.funders), Decimal("0.00")),
        sum((f.used for f in figures.funders), Decimal("0.00")),
    )
    return Table(
        key="funders",
        title=_("Funders' shares"),
        columns=(
            Column(_("Funder"), Kind.TEXT),
            Column(_("Programme"), Kind.TEXT),
            Column(_("Share"), Kind.PERCENT),
            Column(_("Value received"), Kind.MONEY),
            Column(_("Value handed out"), Kind.MONEY),
            Column(_("Value used"), Kind.MONEY),
        ),
        rows=rows,
        total=total,
        note=_(
            "Each share is rounded down to the cent; the cents left go one by one to the largest "
            "remainders, so the shares add up exactly to the programme's value."
        ),
    )


def group_names(keys: Sequence[str]) -> str:
    return ", ".join(_(TARGET_GROUPS[k]) if k in TARGET_GROUPS else k for k in keys)


def _verdict(line: QuotaLine) -> str:
    if line.met is None:
        return "—"
    return _("met") if line.met else _("not met")


def quota_table(
    figures: ReportFigures,
    *,
    margins_hidden: frozenset[str] = frozenset(),
    people_hidden: bool = False,
) -> Table:
    """Each programme's priority share; `margins_hidden` names the programmes whose priority
    sum would give a hidden target-group row back, `people_hidden` says the people served
    must be hidden (see `suppress`)."""
    rows = []
    for line in figures.quotas:
        others = line.people - line.priority_people
        people: Value = line.people
        if is_small(line.people) or people_hidden:
            people = Hidden(SMALL if is_small(line.people) else SECONDARY)
        if (
            is_small(line.priority_people)
            or is_small(others)
            or line.programme in margins_hidden
            or people_hidden
        ):
            mark = SMALL if is_small(line.priority_people) else SECONDARY
            priority: tuple[Value, Value, Value] = (Hidden(mark), Hidden(mark), Hidden(mark))
        else:
            priority = (line.priority_people, line.priority_vouchers, line.share)
        rows.append(
            (
                line.programme,
                group_names(line.priority_groups) or _("none"),
                line.quota,
                people,
                priority[0],
                line.vouchers,
                priority[1],
                priority[2],
                _verdict(line),
            )
        )
    return Table(
        key="priority",
        title=_("Priority groups and quota"),
        columns=(
            Column(_("Programme"), Kind.TEXT),
            Column(_("Priority groups"), Kind.TEXT),
            Column(_("Quota"), Kind.PERCENT),
            Column(_("People"), Kind.COUNT),
            Column(_("Of whom priority"), Kind.COUNT),
            Column(_("Vouchers handed out"), Kind.COUNT),
            Column(_("To priority groups"), Kind.COUNT),
            Column(_("Priority share"), Kind.PERCENT),
            Column(_("Quota"), Kind.TEXT),
        ),
        rows=tuple(rows),
        note=_(
            "The share is rounded to one decimal; whether the quota is met is decided on the "
            "exact figures (49.96 % does not meet 50 %). A person's group is the one recorded "
            "today."
        ),
    )


def summary_table(figures: ReportFigures, *, people_hidden: bool = False) -> Table:
    handed, used = figures.total("handed_out"), figures.total("started")
    stock = figures.total("in_stock")

    def people(n: int) -> Value:
        if is_small(n):
            return Hidden(SMALL)
        return Hidden(SECONDARY) if people_hidden else n

    rows: tuple[tuple[Value, ...], ...] = (
        (_("Booklets handed out"), handed.booklets, handed.value),
        (_("Vouchers handed out"), handed.vouchers, handed.value),
        (_("Handouts (receipts)"), figures.handouts, None),
        (_("People served"), people(figures.people_served), None),
        (_("New people (first handout)"), people(figures.new_people), None),
        (_("Vouchers used"), used.vouchers, used.value),
        (_("Booklets in stock today"), stock.booklets, stock.value),
    )
    return Table(
        key="summary",
        title=_("Key figures"),
        columns=(
            Column(_("Figure"), Kind.TEXT),
            Column(_("How many"), Kind.COUNT),
            Column(_("Face value"), Kind.MONEY),
        ),
        rows=rows,
    )


def _chart_values(table: Table, column: int) -> tuple[int | Decimal | Hidden, ...]:
    values = []
    for row in table.rows:
        value = row[column]
        values.append(value if isinstance(value, int | Decimal | Hidden) else 0)
    return tuple(values)


def charts(figures: ReportFigures, tables: dict[str, Table]) -> tuple[Chart, ...]:
    months = tables["month"]
    groups = tables["target_group"]
    group_rows = figures.breakdown("target_group").rows
    made = [
        Chart(
            _("Booklets handed out by month"),
            tuple(
                str(r[0]) if not isinstance(r[0], date) else r[0].strftime("%m/%Y")
                for r in months.rows
            ),
            _chart_values(months, 2),
        ),
        Chart(
            _("People served by target group"),
            tuple(r.label for r in group_rows),
            _chart_values(groups, 1),
            horizontal=True,
            highlight=tuple(r.priority for r in group_rows),
            highlight_label=_("* priority group"),
        ),
    ]
    quotas = [q for q in figures.quotas if q.priority_groups]
    if quotas:
        priority = tables["priority"]
        by_code = {row[0]: row for row in priority.rows}
        targets = {q.quota for q in quotas}
        target = targets.pop() if len(targets) == 1 else None
        made.append(
            Chart(
                _("Share of vouchers to the priority groups"),
                tuple(
                    q.programme
                    if target is not None or q.quota is None
                    else _("{code} (quota {quota})").format(
                        code=q.programme, quota=format_percent(q.quota)
                    )
                    for q in quotas
                ),
                tuple(
                    v if isinstance(v := by_code[q.programme][7], Decimal | Hidden) else Decimal(0)
                    for q in quotas
                ),
                horizontal=True,
                target=target,
                target_label=_("quota {quota}").format(quota=format_percent(target))
                if target is not None
                else "",
                value_suffix=" %",
            )
        )
    return tuple(made)


def scope_lines(figures: ReportFigures) -> tuple[str, ...]:
    lines = []
    for p in figures.programmes:
        funders = ", ".join(f"{s.funder} {format_percent(s.percent)}" for s in p.shares)
        line = _(
            "{code} – {name}: booklets of {n} vouchers of {value}, valid from {start} to {end}; "
            "funders: {funders}."
        ).format(
            code=p.code,
            name=p.name,
            n=p.vouchers_per_booklet,
            value=format_money(p.face_value),
            start=format_date(p.valid_from),
            end=format_date(p.valid_until),
            funders=funders,
        )
        if p.priority_groups:
            line += " " + _("Priority groups: {groups}; quota: {quota}.").format(
                groups=group_names(p.priority_groups),
                quota=format_percent(p.priority_quota)
                if p.priority_quota is not None
                else _("none"),
            )
        lines.append(line)
    if not lines:
        lines.append(_("No programme."))
    if figures.query.desk == TERRITORY:
        lines.append(_("The whole territory: the activity of every desk, added up."))
    if figures.query.funder:
        lines.append(
            _("Report for {funder}: the programmes it funds, and its shares.").format(
                funder=figures.funders[0].funder if figures.funders else figures.query.funder
            )
        )
    return tuple(lines)


def build_record(figures: ReportFigures, desk: DeskLine) -> ReportRecord:
    """The published report: the same tables for the PDF, the XLSX and the CSV."""
    hidden = {b.dimension: suppression(b) for b in figures.breakdowns}
    # Every breakdown's total is the number of people served, shown in the summary too: if an
    # additive table's total would give its rows back, it is hidden everywhere.
    people_hidden = any(hidden[b.dimension].total_hidden for b in figures.breakdowns if b.additive)
    by_key = {
        b.dimension: breakdown_table(b, hidden[b.dimension], people_hidden=people_hidden)
        for b in figures.breakdowns
    }
    with_priority = [p.code for p in figures.programmes if p.priority_groups]
    margins_hidden = frozenset(with_priority[m] for m in hidden["target_group"].margins_hidden)
    tables = (
        stock_table(figures),
        funders_table(figures),
        quota_table(figures, margins_hidden=margins_hidden, people_hidden=people_hidden),
        *(by_key[d] for d in ("target_group", "age_band", "commune", "need", "month", "agent")),
    )
    return ReportRecord(
        title=_("Activity report for the funders"),
        desk=desk,
        start=figures.query.start,
        end=figures.query.end,
        generated_at=figures.generated_at,
        scope=scope_lines(figures),
        summary=summary_table(figures, people_hidden=people_hidden),
        tables=tables,
        charts=charts(figures, {t.key: t for t in tables}),
        methods=methods(),
        disclosure=_(
            "\u201c< {n}\u201d: fewer than {n} people, not published. \u201cs\u201d: not published "
            "either, so that a total minus the other rows cannot give a \u201c< {n}\u201d row back."
        ).format(n=THRESHOLD),
    )
