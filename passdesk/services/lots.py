"""What a lot of booklets may be: the one rule, asked by the window before the agent confirms
and by `StockService.receive` again inside its transaction.

A lot is a run of consecutive booklets of one programme. A plan says how many booklets and
vouchers the lot holds and every reason it cannot be received (a count out of bounds, numbers
past what the programme's codes can hold, booklets already in the register), each in French
with the field it concerns: the window shows each one next to its field, the service raises
the first one. Nothing here writes.

A lot has a kind (delivered on paper, or printed on site) and a delivered lot may declare the
operator serials printed on it: its format, the serial of its first voucher, and the vouchers
per booklet as the delivery note says (checked against the programme's: a programme has one
booklet size, on which every voucher number depends).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from passdesk import codes
from passdesk.errors import InvalidInput, NotFound, PassDeskError, Refused
from passdesk.i18n import _
from passdesk.models import Booklet, LotKind, Programme, StockLot
from passdesk.serials import OperatorFormat, ParsedSerial
from passdesk.services.rows import LotRow
from passdesk.services.serial_formats import find_format, known_formats

MAX_LOT = 200_000
MAX_LOT_VOUCHERS = 1_000_000  # about 15 s of writing on a desk PC

# The fields a problem may concern; None is the lot as a whole.
FIRST_BOOKLET = "first_booklet"
LAST_BOOKLET = "last_booklet"
COUNT = "count"
PROGRAMME = "programme"
KIND = "kind"
SERIAL_FORMAT = "serial_format"
FIRST_SERIAL = "first_serial"
VOUCHERS_PER_BOOKLET = "vouchers_per_booklet"


@dataclass(frozen=True)
class LotSerials:
    """What a delivered lot declares of its operator's serials, as typed or scanned."""

    format_name: str
    first_serial: str
    vouchers_per_booklet: int | None = None  # as the delivery note says; checked, not stored


@dataclass(frozen=True)
class LotProblem:
    """One reason the lot cannot be received, and the kind of error the service raises for it."""

    message: str
    field: str | None = None
    refusal: type[PassDeskError] = InvalidInput

    def error(self) -> PassDeskError:
        return self.refusal(self.message, field=self.field)


@dataclass(frozen=True)
class LotPlan:
    """A lot as it would be recorded; `problems` is empty when it may be received."""

    programme_code: str
    first_booklet: int
    count: int
    programme_name: str = ""
    vouchers_per_booklet: int = 0
    programme_id: int | None = None
    problems: tuple[LotProblem, ...] = ()
    kind: LotKind = LotKind.DELIVERED
    serial_format: OperatorFormat | None = None
    serial_format_id: int | None = None
    first_serial: int | None = None  # the running number of the lot's first voucher

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def last_booklet(self) -> int:
        return self.first_booklet + self.count - 1

    @property
    def vouchers(self) -> int:
        return self.count * self.vouchers_per_booklet

    @property
    def first_code(self) -> str:
        """The cover code of the first booklet (only for a plan without problems)."""
        return codes.booklet_code(self.programme_code, self.first_booklet)

    @property
    def last_code(self) -> str:
        return codes.booklet_code(self.programme_code, self.last_booklet)

    @property
    def serial_range(self) -> tuple[str, str] | None:
        """The operator serials of the lot's first and last vouchers, if it declares a format."""
        if self.serial_format is None or self.first_serial is None:
            return None
        last = self.first_serial + self.vouchers - 1
        return self.serial_format.serial(self.first_serial), self.serial_format.serial(last)

    def problem_of(self, field: str | None) -> LotProblem | None:
        return next((p for p in self.problems if p.field == field), None)

    def raise_first(self) -> None:
        if self.problems:
            raise self.problems[0].error()


def booklet_from_code(text: str) -> codes.ParsedCode:
    """A scanned booklet cover code, or InvalidInput in French (a voucher code is refused)."""
    parsed = codes.parse_code(text)
    if parsed.kind != codes.BOOKLET:
        raise InvalidInput(
            _("{code} is a voucher code: scan the barcode on the booklet's cover.").format(
                code=parsed.code
            )
        )
    return parsed


def plan_lot(
    session: Session,
    programme_code: str,
    first_booklet: int,
    count: int,
    *,
    kind: LotKind = LotKind.DELIVERED,
    serials: LotSerials | None = None,
) -> LotPlan:
    """The lot of `count` booklets of a programme from number `first_booklet` on."""
    plan = _plan_booklets(session, programme_code, first_booklet, count)
    plan = replace(plan, kind=kind)
    if serials is None or plan.programme_id is None:
        return plan
    return _plan_serials(session, plan, serials)


def _plan_booklets(
    session: Session, programme_code: str, first_booklet: int, count: int
) -> LotPlan:
    code = programme_code.strip().upper()
    problems: list[LotProblem] = []
    if not 1 <= count <= MAX_LOT:
        problems.append(
            LotProblem(_("A lot holds 1 to {max} booklets.").format(max=MAX_LOT), COUNT)
        )
    if first_booklet < 1:
        problems.append(LotProblem(_("Booklet numbers start at 1."), FIRST_BOOKLET))
    programme = _programme(session, code)
    if programme is None:
        problems.append(_unknown_programme(programme_code))
        return LotPlan(code, first_booklet, count, problems=tuple(problems))
    n = programme.vouchers_per_booklet
    plan = LotPlan(programme.code, first_booklet, count, programme.name, n, programme.id)
    if problems:
        return replace(plan, problems=tuple(problems))
    if count * n > MAX_LOT_VOUCHERS:
        # One transaction holds the write lock: every desk waits while it runs.
        problems.append(
            LotProblem(
                _(
                    "A lot holds at most {max} vouchers ({booklets} booklets of this "
                    "programme): receive it in several lots."
                ).format(max=MAX_LOT_VOUCHERS, booklets=MAX_LOT_VOUCHERS // n),
                COUNT,
            )
        )
    if plan.last_booklet > codes.max_booklet_number(programme.code, n):
        problems.append(
            LotProblem(
                _("Booklet {number} is beyond the last number this programme can have.").format(
                    number=plan.last_booklet
                ),
                COUNT,
            )
        )
    if problems:
        return replace(plan, problems=tuple(problems))
    clash = session.scalar(
        select(Booklet.number)
        .where(
            Booklet.programme_id == programme.id,
            Booklet.number.between(first_booklet, plan.last_booklet),
        )
        .order_by(Booklet.number)
        .limit(1)
    )
    if clash is not None:
        problems.append(
            LotProblem(
                _(
                    "Booklet {code} is already in the register: a lot cannot be "
                    "received twice. Nothing was recorded."
                ).format(code=codes.booklet_code(programme.code, clash)),
                None,
                Refused,
            )
        )
    return replace(plan, problems=tuple(problems))


def _plan_serials(session: Session, plan: LotPlan, serials: LotSerials) -> LotPlan:
    """The operator serials the lot declares, checked: format, first serial, range, clashes."""
    problems = list(plan.problems)
    if plan.kind is not LotKind.DELIVERED:
        problems.append(
            LotProblem(
                _("Only a delivered lot carries an operator's serials: the desk prints its own."),
                KIND,
            )
        )
        return replace(plan, problems=tuple(problems))
    n = serials.vouchers_per_booklet
    if n is not None and n != plan.vouchers_per_booklet:
        problems.append(
            LotProblem(
                _(
                    "The booklets of this lot hold {lot} vouchers, those of programme {code} "
                    "hold {programme}: record them under a programme with booklets of {lot}."
                ).format(lot=n, code=plan.programme_code, programme=plan.vouchers_per_booklet),
                VOUCHERS_PER_BOOKLET,
            )
        )
    try:
        known = find_format(session, serials.format_name)
        parsed = codes.parse_code(serials.first_serial, [known.format])
    except PassDeskError as error:
        field = SERIAL_FORMAT if isinstance(error, NotFound) else FIRST_SERIAL
        problems.append(LotProblem(error.message, field, type(error)))
        return replace(plan, problems=tuple(problems))
    fmt = known.format
    if not isinstance(parsed, ParsedSerial):
        problems.append(
            LotProblem(
                _("{code} is not a serial of format {name} (e.g. {example}).").format(
                    code=parsed.code, name=fmt.name, example=fmt.example
                ),
                FIRST_SERIAL,
            )
        )
        return replace(plan, problems=tuple(problems))
    plan = replace(plan, serial_format=fmt, serial_format_id=known.id, first_serial=parsed.number)
    last = parsed.number + plan.vouchers - 1
    if last > fmt.max_number:
        problems.append(
            LotProblem(
                _("The lot's last serial would need more than {digits} digits.").format(
                    digits=fmt.digits
                ),
                COUNT,
            )
        )
    elif not problems:
        for lot, per_booklet in session.execute(
            select(StockLot, Programme.vouchers_per_booklet)
            .join(Programme, Programme.id == StockLot.programme_id)
            .where(StockLot.serial_format_id == known.id, StockLot.first_serial <= last)
        ):
            assert lot.first_serial is not None
            lot_last = lot.first_serial + (lot.last_booklet - lot.first_booklet + 1) * per_booklet
            if lot_last - 1 >= parsed.number:
                problems.append(
                    LotProblem(
                        _(
                            "Serials {first} to {last} are already in the register (lot {lot}): "
                            "a lot cannot be received twice. Nothing was recorded."
                        ).format(
                            first=fmt.serial(max(parsed.number, lot.first_serial)),
                            last=fmt.serial(min(last, lot_last - 1)),
                            lot=lot.id,
                        ),
                        FIRST_SERIAL,
                        Refused,
                    )
                )
                break
    return replace(plan, problems=tuple(problems))


def next_free_booklet(session: Session, programme_code: str) -> int:
    """The number after the programme's highest booklet in the register (1 for none)."""
    programme = _programme(session, programme_code)
    if programme is None:
        raise _unknown_programme(programme_code).error()
    highest = session.scalar(
        select(Booklet.number)
        .where(Booklet.programme_id == programme.id)
        .order_by(Booklet.number.desc())
        .limit(1)
    )
    return (highest or 0) + 1


def plan_lot_between(
    session: Session, first_code: str, last_code: str, *, kind: LotKind = LotKind.DELIVERED
) -> LotPlan:
    """The lot from its first to its last booklet, as scanned from their covers."""
    first = last = None
    problems: list[LotProblem] = []
    for text, field in ((first_code, FIRST_BOOKLET), (last_code, LAST_BOOKLET)):
        try:
            parsed = booklet_from_code(text)
        except PassDeskError as error:
            problems.append(LotProblem(error.message, field, type(error)))
            continue
        if field == FIRST_BOOKLET:
            first = parsed
        else:
            last = parsed
    if first is not None and last is not None:
        if last.programme_code != first.programme_code:
            problems.append(
                LotProblem(
                    _(
                        "This booklet belongs to programme {other}, the first one to "
                        "{programme}: a lot holds booklets of one programme."
                    ).format(other=last.programme_code, programme=first.programme_code),
                    LAST_BOOKLET,
                )
            )
        elif last.number < first.number:
            problems.append(
                LotProblem(
                    _(
                        "The last booklet comes before the first one: scan the first booklet "
                        "of the lot in the first field."
                    ),
                    LAST_BOOKLET,
                )
            )
        else:
            return plan_lot(
                session,
                first.programme_code,
                first.number,
                last.number - first.number + 1,
                kind=kind,
            )
    if first is None:
        return LotPlan("", 0, 0, problems=tuple(problems))
    # The first booklet is readable: say also whether its programme exists.
    if _programme(session, first.programme_code) is None:
        problems.insert(0, _unknown_programme(first.programme_code))
    return LotPlan(first.programme_code, first.number, 0, problems=tuple(problems))


def _programme(session: Session, code: str) -> Programme | None:
    return session.scalar(select(Programme).where(Programme.code == code.strip().upper()))


def _unknown_programme(code: str) -> LotProblem:
    return LotProblem(
        _("No programme with the code {code}.").format(code=code), PROGRAMME, NotFound
    )


def lot_rows(session: Session, programme_code: str | None, desk_id: int) -> list[LotRow]:
    """The lots any of whose booklets the desk holds (the booklets a coordination transferred
    come from its lots), oldest first; each booklet is found by its programme and number, the
    register's unique key."""
    held = exists().where(
        Booklet.programme_id == StockLot.programme_id,
        Booklet.number.between(StockLot.first_booklet, StockLot.last_booklet),
        Booklet.desk_id == desk_id,
    )
    query = (
        select(StockLot, Programme.code, Programme.vouchers_per_booklet)
        .join(Programme)
        .where(held)
        .order_by(StockLot.id)
    )
    if programme_code:
        query = query.where(Programme.code == programme_code.strip().upper())
    formats = {k.id: k.format for k in known_formats(session, fresh=True)}
    rows = []
    for lot, code, n in session.execute(query):
        fmt = formats.get(lot.serial_format_id) if lot.serial_format_id else None
        serials: tuple[str | None, str | None] = (None, None)
        if fmt is not None and lot.first_serial is not None:
            vouchers = (lot.last_booklet - lot.first_booklet + 1) * n
            serials = (fmt.serial(lot.first_serial), fmt.serial(lot.first_serial + vouchers - 1))
        rows.append(
            LotRow(
                lot.id,
                code,
                lot.first_booklet,
                lot.last_booklet,
                codes.booklet_code(code, lot.first_booklet),
                codes.booklet_code(code, lot.last_booklet),
                lot.source,
                lot.received_at,
                lot.kind.value,
                fmt.name if fmt is not None else None,
                *serials,
            )
        )
    return rows
