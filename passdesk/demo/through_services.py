"""Writing the plan through the services, one call per operation, as the window or console would.

This is the reference: what the bulk writer writes must be row for row what this one writes
(tests/unit/test_demo.py compares them).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from passdesk import codes
from passdesk.demo.ops import (
    BookletRef,
    Cancel,
    HandOut,
    Op,
    Progress,
    Receive,
    Register,
    VoidBooklet,
    VoidVoucher,
)
from passdesk.i18n import _
from passdesk.services.base import voucher_bounds
from passdesk.services.rows import Actor, ProgrammeRow

if TYPE_CHECKING:
    from passdesk.services import Services


class Clock:
    """The demo services' clock: the moment of the operation being written."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class ServiceWriter:
    """Writes each operation through the services; a plan the services refuse raises."""

    def __init__(
        self,
        services: Services,
        clock: Clock,
        actors: dict[str, Actor],
        programmes: dict[str, ProgrammeRow],
    ) -> None:
        self.services = services
        self.clock = clock
        self.actors = actors
        self.programmes = programmes

    def write(self, ops: Sequence[Op], progress: Progress) -> None:
        label = _("Writing the register")
        for i, op in enumerate(ops):
            self.apply(op)
            if i % 50 == 0:
                progress(label, i, len(ops))
        progress(label, len(ops), len(ops))

    def apply(self, op: Op) -> None:
        self.clock.now = op.at
        s, actor = self.services, self.actors[op.login]
        if isinstance(op, Receive):
            s.stock.receive(
                actor,
                programme_code=op.lot.programme,
                first_booklet=op.lot.first,
                count=op.lot.count,
                source=op.lot.source,
            )
        elif isinstance(op, Register):
            row = s.beneficiaries.register(actor, op.data, allow_duplicate=True)
            assert row.id == op.person + 1, "the demo needs an empty register"
        elif isinstance(op, HandOut):
            scans = [self._scan(op.handout, ref) for ref in op.booklets]
            handout = s.handouts.hand_out(
                actor, op.person + 1, codes_=scans, override_reason=op.override
            )
            assert handout.id == op.handout + 1, "the demo needs an empty register"
        elif isinstance(op, Cancel):
            s.handouts.cancel(actor, op.handout + 1, op.reason, returned=op.returned)
        elif isinstance(op, VoidBooklet):
            s.stock.void(actor, codes.booklet_code(*op.booklet), op.reason)
        elif isinstance(op, VoidVoucher):
            s.stock.void(actor, codes.voucher_code(op.booklet[0], op.voucher), op.reason)

    def _scan(self, handout: int, ref: BookletRef) -> str:
        """What the agent scans: mostly the cover, sometimes a voucher, sometimes typed."""
        code, number = ref
        if handout % 5 == 1:
            first, _last = voucher_bounds(number, self.programmes[code].vouchers_per_booklet)
            return codes.voucher_code(code, first)
        if handout % 7 == 3:
            return codes.booklet_code(code, number).replace("-", "").lower()
        return codes.booklet_code(code, number)
