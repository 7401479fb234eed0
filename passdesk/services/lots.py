"""What a lot of booklets may be: the one rule, asked by the window before the agent confirms
and by `StockService.receive` again inside its transaction.

A lot is a run of consecutive booklets of one programme. A plan says how many booklets and
vouchers the lot holds and every reason it cannot be received (a count out of bounds, numbers
past what the programme's codes can hold, booklets already in the register), each in French
with the field it concerns: the window shows each one next to its field, the service raises
the first one. Nothing here writes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from passdesk import codes
from passdesk.errors import InvalidInput, NotFound, PassDeskError, Refused
from passdesk.i18n import _
from passdesk.models import Booklet, Programme

MAX_LOT = 200_000
MAX_LOT_VOUCHERS = 1_000_000  # about 15 s of writing on a desk PC

# The fields a problem may concern; None is the lot as a whole.
FIRST_BOOKLET = "first_booklet"
LAST_BOOKLET = "last_booklet"
COUNT = "count"
PROGRAMME = "programme"


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


def plan_lot(session: Session, programme_code: str, first_booklet: int, count: int) -> LotPlan:
    """The lot of `count` booklets of a programme from number `first_booklet` on."""
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


def plan_lot_between(session: Session, first_code: str, last_code: str) -> LotPlan:
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
                session, first.programme_code, first.number, last.number - first.number + 1
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
