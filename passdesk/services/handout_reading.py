"""Reading handouts, and the refusals and counts both the check and the handout itself use.

Plain functions over a session: HandoutService calls them inside its own transactions.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, exists, func, or_, select
from sqlalchemy.orm import Session

from passdesk import codes
from passdesk.errors import Refused
from passdesk.formatting import format_date
from passdesk.i18n import _, ngettext
from passdesk.models import (
    Agent,
    Booklet,
    BookletStatus,
    EventKind,
    Handout,
    HandoutBooklet,
    LedgerEvent,
    LotKind,
    Programme,
    StockLot,
    Voucher,
    VoucherStatus,
)
from passdesk.services.base import local_date, voucher_bounds
from passdesk.services.people_scope import people_desk
from passdesk.services.rows import HandoutBookletRow, HandoutRow
from passdesk.services.stock import booklet_complete, status_label


def on_paper() -> ColumnElement[bool]:
    """SQL, correlated to the query's `Booklet`: the booklet exists on paper, delivered printed
    or printed here at least once. A print-on-site booklet never printed is only a number: it
    cannot be handed out, and the daily closing does not look for it in the safe."""
    on_site = exists().where(StockLot.id == Booklet.lot_id, StockLot.kind == LotKind.PRINT_ON_SITE)
    return or_(Booklet.print_count > 0, ~on_site)


def next_in_stock_query(programme_id: int, desk_id: int) -> Select[tuple[Booklet]]:
    """The lowest-numbered booklet the desk holds in stock, on paper, whose vouchers are all in
    stock (the index on programme, status, desk and number walks it in order)."""
    return (
        select(Booklet)
        .where(
            Booklet.programme_id == programme_id,
            Booklet.status == BookletStatus.IN_STOCK,
            Booklet.desk_id == desk_id,
            on_paper(),
            booklet_complete(),
        )
        .order_by(Booklet.number, Booklet.id)
        .limit(1)
    )


def voided_vouchers(session: Session, booklet_id: int) -> list[str]:
    """The codes of a booklet's vouchers that are not in stock (voided before it leaves)."""
    return list(
        session.scalars(
            select(Voucher.code)
            .where(Voucher.booklet_id == booklet_id, Voucher.status != VoucherStatus.IN_STOCK)
            .order_by(Voucher.number)
        )
    )


def refusal_for_status(session: Session, booklet: Booklet) -> Refused:
    """Why a booklet that is not in stock cannot be handed out, with its receipt if it has one;
    in stock, it is that another desk holds it (a transfer may have moved it a moment ago)."""
    if booklet.status is BookletStatus.IN_STOCK:
        return Refused(
            _("Booklet {code} is held by another desk: it cannot be handed out here.").format(
                code=booklet.code
            ),
            field="code",
        )
    if booklet.status is BookletStatus.HANDED_OUT:
        handout = session.scalar(
            select(Handout)
            .join(HandoutBooklet)
            .where(HandoutBooklet.booklet_id == booklet.id, Handout.cancelled_at.is_(None))
            .order_by(Handout.id.desc())
            .limit(1)
        )
        if handout is not None:
            return Refused(
                _(
                    "Booklet {code} was already handed out on {date} (receipt "
                    "{receipt}). It cannot be handed out twice."
                ).format(
                    code=booklet.code,
                    date=format_date(local_date(handout.created_at)),
                    receipt=handout.receipt_number,
                ),
                field="code",
            )
        return Refused(
            _("Booklet {code} was already handed out.").format(code=booklet.code), field="code"
        )
    return Refused(
        _("Booklet {code} is {status}: it cannot be handed out.").format(
            code=booklet.code, status=status_label(booklet.status.value)
        ),
        field="code",
    )


def received_count(session: Session, beneficiary_id: int, programme_id: int) -> int:
    """Booklets of a programme the person holds through live handouts (the limit counts these):
    at the session's desk, or at every desk when the territory shares its people."""
    own = people_desk(session)
    return (
        session.scalar(
            select(func.count())
            .select_from(HandoutBooklet)
            .join(Handout, Handout.id == HandoutBooklet.handout_id)
            .join(Booklet, Booklet.id == HandoutBooklet.booklet_id)
            .where(
                Handout.beneficiary_id == beneficiary_id,
                Handout.cancelled_at.is_(None),
                Booklet.programme_id == programme_id,
                *([Handout.desk_id == own] if own is not None else []),
            )
        )
        or 0
    )


def limit_message(programme: Programme, received: int) -> str:
    return ngettext(
        "This person has already received {received} booklet of {code}, the limit "
        "is {limit}. A supervisor may override it with a written reason.",
        "This person has already received {received} booklets of {code}, the limit "
        "is {limit}. A supervisor may override it with a written reason.",
        received,
    ).format(received=received, code=programme.code, limit=programme.limit_per_person)


def excluded_at_handout(
    session: Session, handout_id: int, booklet_ids: Sequence[int]
) -> dict[int, tuple[str, ...]]:
    """The vouchers each booklet of a handout did not give (voided before it left), as its
    HANDED_OUT event recorded them: a voucher voided later was given, and stays on the receipt."""
    excluded: dict[int, tuple[str, ...]] = {}
    for details, booklet_id in session.execute(
        short_handouts(LedgerEvent.booklet_id).where(
            LedgerEvent.booklet_id.in_(list(booklet_ids)), LedgerEvent.handout_id == handout_id
        )
    ):
        excluded[booklet_id] = left_out_codes(details)
    return excluded


# The key a HANDED_OUT event's canonical details hold only when vouchers were left out.
_LEFT_OUT = '%"excluded":%'


def short_handouts(*columns: Any) -> Select[Any]:
    """The details, then `columns`, of each HANDED_OUT event whose booklet left without some
    of its vouchers (voided before it left), joined to its handout and booklet for the caller
    to filter and group.

    The one way to count the vouchers a booklet gave: the booklet's, less
    `len(left_out_codes(details))`. The receipt and the funders' figures both count from these
    events, so that they agree; few events match (the LIKE finds them without parsing the JSON
    of every handout)."""
    return (
        select(LedgerEvent.details, *columns)
        .select_from(LedgerEvent)
        .join(Handout, Handout.id == LedgerEvent.handout_id)
        .join(Booklet, Booklet.id == LedgerEvent.booklet_id)
        .where(LedgerEvent.kind == EventKind.HANDED_OUT.value, LedgerEvent.details.like(_LEFT_OUT))
    )


def left_out_codes(details: str) -> tuple[str, ...]:
    """The vouchers a HANDED_OUT event's details say were left out of its booklet."""
    return tuple(json.loads(details).get("excluded") or ())


def handout_row(session: Session, handout: Handout) -> HandoutRow:
    """A handout as the window, the console and the receipt read it."""
    agent = session.get(Agent, handout.agent_id)
    given = session.execute(
        select(Booklet, Programme)
        .join(HandoutBooklet)
        .join(Programme)
        .where(HandoutBooklet.handout_id == handout.id)
        .order_by(Booklet.number, Booklet.id)
        .execution_options(populate_existing=True)
    ).all()
    excluded = excluded_at_handout(session, handout.id, [b.id for b, _p in given])
    return handout_row_of(
        handout, agent, [(b, p, b.status, excluded.get(b.id, ())) for b, p in given]
    )


def handout_row_of(
    handout: Handout,
    agent: Agent | None,
    given: Iterable[tuple[Booklet, Programme, BookletStatus, Sequence[str]]],
) -> HandoutRow:
    """`handout_row` from rows the caller holds: each booklet given with its programme, its
    status now and the vouchers it left without. A handout or a cancellation builds its row
    from what it has just written: reading it back would keep the rows every desk locks (the
    receipt counter, the journal head) locked longer."""
    lines = []
    for booklet, programme, status, left_out in sorted(given, key=lambda g: (g[0].number, g[0].id)):
        n = programme.vouchers_per_booklet
        first, last = voucher_bounds(booklet.number, n)
        lines.append(
            HandoutBookletRow(
                booklet.id,
                booklet.code,
                programme.code,
                programme.name,
                codes.voucher_code(programme.code, first),
                codes.voucher_code(programme.code, last),
                n - len(left_out),
                programme.face_value * (n - len(left_out)),
                status.value,
                tuple(left_out),
            )
        )
    return HandoutRow(
        handout.id,
        handout.receipt_number,
        handout.created_at,
        handout.beneficiary_id,
        handout.agent_id,
        agent.display_name if agent else "",
        tuple(lines),
        handout.override_reason,
        handout.cancelled_at,
        handout.cancel_reason,
    )
