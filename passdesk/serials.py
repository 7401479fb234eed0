"""Operator serials: the numbers an operator prints on the booklets it delivers pre-printed.

A delivered lot may carry its operator's serials instead of PassDesk's codes. A format says what
they look like: a fixed prefix (a letter first, so that a serial never looks like a receipt
number or a product barcode), a running number of a fixed count of digits, and check characters
from a small list of schemes that python-stdnum computes. The check is computed over the running
number's digits only; the prefix is matched exactly, so a typo in it is a shape error.

What each scheme catches, said plainly because a desk must know when a typo can slip through:

* ``none``: no check character. A mistyped digit reads as another serial, which may exist:
  nothing catches the typo; compare the serial with the paper.
* ``luhn`` (one digit, as on bank cards): every single mistyped digit and every swap of two
  neighbouring digits except 09 <-> 90.
* ``mod97-10`` (ISO 7064 MOD 97-10, two digits, as IBANs): every single mistyped digit and every
  swap of two neighbouring digits.
* ``mod11-2`` (ISO 7064 MOD 11-2, one digit or X): every single mistyped digit and every swap of
  two neighbouring digits.

`passdesk.codes.parse_code` reads these serials with PassDesk's own codes (one parser for what is
typed and what is scanned); this module only knows the formats' shapes and check characters.
Two shapes that one text could match (a format and a programme's codes, or two formats) are
refused when the second one is declared (`shape_overlaps`).
"""

from __future__ import annotations

import enum
import re
import string
from collections.abc import Sequence
from dataclasses import dataclass

from stdnum import luhn
from stdnum.iso7064 import mod_11_2, mod_97_10

from passdesk.errors import InvalidInput
from passdesk.i18n import N_, _

__all__ = [
    "CHECK_SCHEME_LABELS",
    "CheckScheme",
    "OperatorFormat",
    "ParsedSerial",
    "shape_overlaps",
]

MIN_DIGITS, MAX_DIGITS = 4, 15  # 15 digits still fit a 64-bit integer column
MAX_PREFIX = 10
_NAME = re.compile(r"[A-Z0-9][A-Z0-9_-]{1,19}")
_PREFIX = re.compile(rf"[A-Z][A-Z0-9]{{0,{MAX_PREFIX - 1}}}")
_DIGITS = frozenset(string.digits)


class CheckScheme(enum.StrEnum):
    NONE = "none"
    LUHN = "luhn"
    MOD_97_10 = "mod97-10"
    MOD_11_2 = "mod11-2"


# What each scheme catches, completing "Check characters: ...".
CHECK_SCHEME_LABELS = {
    CheckScheme.NONE: N_(
        "none. A mistyped digit reads as another serial, which may exist: no typo is caught; "
        "compare the serial with the paper."
    ),
    CheckScheme.LUHN: N_(
        "Luhn, one digit. Catches every single mistyped digit and every swap of two "
        "neighbouring digits except 09 and 90."
    ),
    CheckScheme.MOD_97_10: N_(
        "ISO 7064 MOD 97-10, two digits. Catches every single mistyped digit and every swap of "
        "two neighbouring digits."
    ),
    CheckScheme.MOD_11_2: N_(
        "ISO 7064 MOD 11-2, one digit or X. Catches every single mistyped digit and every swap "
        "of two neighbouring digits."
    ),
}
_CHECK_LENGTH = {
    CheckScheme.NONE: 0,
    CheckScheme.LUHN: 1,
    CheckScheme.MOD_97_10: 2,
    CheckScheme.MOD_11_2: 1,
}


def _check_characters(scheme: CheckScheme, digits: str) -> str:
    if scheme is CheckScheme.LUHN:
        return luhn.calc_check_digit(digits)
    if scheme is CheckScheme.MOD_97_10:
        return mod_97_10.calc_check_digits(digits)
    if scheme is CheckScheme.MOD_11_2:
        return mod_11_2.calc_check_digit(digits)
    return ""


@dataclass(frozen=True, slots=True)
class ParsedSerial:
    """An operator serial that was read (and checked, where its scheme has a check)."""

    format_name: str
    number: int
    code: str  # the serial as printed: prefix, running number, check characters
    checked: bool  # False when the format's scheme has no check: a typo went unnoticed
    kind: str = "serial"

    def __str__(self) -> str:
        return self.code


@dataclass(frozen=True, slots=True)
class OperatorFormat:
    """One declared serial format; `validated` makes one from what an admin typed."""

    name: str
    prefix: str
    digits: int
    scheme: CheckScheme

    @classmethod
    def validated(cls, name: str, prefix: str, digits: int, scheme: str) -> OperatorFormat:
        """The format in canonical form, or InvalidInput in French saying what is wrong."""
        name, prefix = name.strip().upper(), prefix.strip().upper()
        if not _NAME.fullmatch(name):
            raise InvalidInput(
                _(
                    "A serial format's name has 2 to 20 letters without accents, digits, dashes "
                    "or underscores (e.g. OP1)."
                ),
                field="name",
            )
        if not _PREFIX.fullmatch(prefix):
            raise InvalidInput(
                _(
                    "The prefix has 1 to {max} letters without accents or digits and starts with "
                    "a letter (e.g. APT)."
                ).format(max=MAX_PREFIX),
                field="prefix",
            )
        if not MIN_DIGITS <= digits <= MAX_DIGITS:
            raise InvalidInput(
                _("The running number has {low} to {high} digits.").format(
                    low=MIN_DIGITS, high=MAX_DIGITS
                ),
                field="digits",
            )
        try:
            check = CheckScheme(scheme.strip().lower())
        except ValueError:
            raise InvalidInput(
                _("The check scheme is one of: {choices}.").format(
                    choices=", ".join(s.value for s in CheckScheme)
                ),
                field="check",
            ) from None
        return cls(name, prefix, digits, check)

    @property
    def check_length(self) -> int:
        return _CHECK_LENGTH[self.scheme]

    @property
    def length(self) -> int:
        return len(self.prefix) + self.digits + self.check_length

    @property
    def max_number(self) -> int:
        return 10**self.digits - 1

    @property
    def catches_typos(self) -> bool:
        return self.scheme is not CheckScheme.NONE

    @property
    def example(self) -> str:
        return self.serial(1)

    def serial(self, number: int) -> str:
        """The serial printed for running number `number`."""
        if not 0 <= number <= self.max_number:
            raise InvalidInput(
                _("Serial number {number} does not fit in {digits} digits.").format(
                    number=number, digits=self.digits
                )
            )
        digits = f"{number:0{self.digits}d}"
        return self.prefix + digits + _check_characters(self.scheme, digits)

    def has_shape(self, compact: str) -> bool:
        """`compact` (upper case, no spaces or dashes) has this format's prefix and lengths."""
        if len(compact) != self.length or not compact.startswith(self.prefix):
            return False
        digits = compact[len(self.prefix) : len(self.prefix) + self.digits]
        check = compact[len(self.prefix) + self.digits :]
        allowed = _DIGITS | {"X"} if self.scheme is CheckScheme.MOD_11_2 else _DIGITS
        return _DIGITS.issuperset(digits) and allowed.issuperset(check)

    def read(self, compact: str) -> ParsedSerial | None:
        """The serial if `compact` has this shape and its check holds; None if the check fails.

        Call only when `has_shape(compact)` is true.
        """
        digits = compact[len(self.prefix) : len(self.prefix) + self.digits]
        check = compact[len(self.prefix) + self.digits :]
        if _check_characters(self.scheme, digits) != check:
            return None
        return ParsedSerial(self.name, int(digits), compact, self.catches_typos)

    def positions(self) -> list[frozenset[str]]:
        """The characters each position of a serial may hold (for `shape_overlaps`)."""
        check = _DIGITS | {"X"} if self.scheme is CheckScheme.MOD_11_2 else _DIGITS
        return (
            [frozenset(c) for c in self.prefix]
            + [_DIGITS] * self.digits
            + [frozenset(check)] * self.check_length
        )


def programme_shapes(programme_code: str) -> list[list[frozenset[str]]]:
    """The undashed shapes of a programme's codes: voucher (7 + 2 digits), booklet (C, 6 + 2)."""
    head = [frozenset(c) for c in programme_code]
    return [head + [_DIGITS] * 9, [*head, frozenset("C")] + [_DIGITS] * 8]


def _intersect(one: Sequence[frozenset[str]], other: Sequence[frozenset[str]]) -> bool:
    return len(one) == len(other) and all(a & b for a, b in zip(one, other, strict=True))


def shape_overlaps(
    fmt: OperatorFormat, *, programme_code: str | None = None, other: OperatorFormat | None = None
) -> bool:
    """Whether one text could read both as a serial of `fmt` and as a code of the programme (or
    a serial of the other format): such pairs are never both declared, so a reading is never
    ambiguous."""
    mine = fmt.positions()
    if programme_code is not None:
        return any(_intersect(mine, shape) for shape in programme_shapes(programme_code))
    assert other is not None
    return _intersect(mine, other.positions())
