"""What the personal-data tests share: the funders' aggregate figures of a whole period (what an
erasure must not change), every stored text of a person, a usage file of a few rows."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from passdesk import codes
from passdesk.services import Services
from passdesk.services.integrity import check_database
from passdesk.services.report_figures import ReportFigures, ReportQuery
from passdesk.services.rows import Actor

EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
WHOLE = (date(2020, 1, 1), date(2035, 12, 31))


def aggregates(services: Services, actor: Actor, start: date = WHOLE[0], end: date = WHOLE[1]):
    """The report's figures of a period, without the moment they were computed."""
    figures: ReportFigures = services.reports.compute(actor, ReportQuery(start, end))
    return dataclasses.replace(figures, generated_at=EPOCH)


def assert_check_passes(services: Services) -> None:
    report = check_database(services)
    assert report.ok, report.lines + report.problems


def use_vouchers(
    services: Services,
    supervisor: Actor,
    folder: Path,
    rows: list[tuple[str, date]],
    *,
    all_applied: bool = True,
) -> None:
    """Vouchers used (code, day) at the directory's first place, through the operator's usage
    file as issue 11 imports it (a place is added to the directory if there is none); with
    `all_applied`, no row may be an anomaly."""
    from passdesk.services.places import PlaceInput

    if not services.places.list():
        services.places.add(supervisor, PlaceInput("Médiathèque", postcode="69100"))
    place = services.places.list()[0].id
    path = folder / f"usage-{len(list(folder.glob('usage-*')))}.csv"
    lines = ["code;date;lieu;montant"] + [f"{c};{d:%d/%m/%Y};{place};10" for c, d in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = services.usage.import_file(supervisor, path)
    assert result.applied == len(rows) or not all_applied, result.anomalies


def voucher(programme: str, n: int) -> str:
    return codes.voucher_code(programme, n)


def stored_texts(raw: Any) -> str:
    """Every row of every table as one text: where a name must no longer be found."""
    return "\n".join(raw.dump())
