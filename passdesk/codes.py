"""Voucher and booklet codes: build them, read anything typed or scanned, check them first.

A voucher code is ``PROG-NNNNNNN-CC``: the programme code, the voucher's number in the programme
(7 digits) and two ISO 7064 MOD 97-10 check digits computed over the code without its dashes
(``MGP19-0001234-21`` is checked over ``MGP190001234``). A booklet code is ``PROG-CNNNNNN-CC``:
``C`` for carnet, the booklet number (6 digits), the same kind of check digits
(``MGP19-C000123-87``). Booklet k of a programme with n vouchers per booklet holds the voucher
numbers (k-1)*n+1 .. k*n.

Why the extra rules below. MOD 97-10 reads a letter as a two-digit number (A=10 .. Z=35), so on
an alphanumeric code it does not catch every single typo by itself: ``B1`` and ``1B`` both read
``111``, and a letter typed for a digit shifts the value of everything before it. PassDesk keeps
the promise "every single-character error and every swap of two neighbours is caught" with three
rules, each enforced both when codes are made and when they are read:

* when one typo turns a programme code into another with the same check digits, only one of the
  two is usable (`validate_programme_code` refuses the other and suggests codes that work);
* a programme may have a "twin digit" d: ``PROG-dNNNNNN`` and ``PROG-CNNNNNN`` then share their
  check digits for every NNNNNN (for MGP19 it is 8: ``MGP19-C000123-87`` mistyped
  ``MGP19-8000123-87`` checks out). Its voucher numbers stop below d,000,000, so that voucher never
  exists (`max_voucher_number`); programme codes whose twin digit is 0 or 1 are refused;
* dashes are optional but all or nothing: a lone dash is what a typo on a dash looks like.

Any other typo changes a digit for a digit, a letter for a letter, or puts a letter where only
digits go: the check digits or the shape catch it. ``tests/unit/test_codes.py`` checks every
single substitution and swap of many random codes.

One parser, `parse_code`, reads what an agent types and what a barcode scanner sends. It trims,
ignores spaces, case and the dashes, and repairs a USB scanner set up for a US QWERTY keyboard on
a French AZERTY PC: digits arrive as ``&é"'(-è_çà`` (1234567890), the dash as ``)``, A and Q are
swapped, Z and W too, and M arrives as ``?`` (``,`` when the scanner sends lower case). The
repaired reading is tried only when the input holds no digit at all (such a scanner never types
one) and is kept only if its check digits hold; ``-`` is therefore a dash in typed input and the
digit 6 in a mis-mapped scan.

Given the desk's declared operator serial formats (`passdesk.serials`), the same parser reads
those serials too: a reading with a format's exact shape is checked against that format first
(no text can have both a format's shape and a programme's, see `serials.shape_overlaps`).
"""

from __future__ import annotations

import itertools
import re
import string
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal, overload

from stdnum.iso7064 import mod_97_10

from passdesk.errors import InvalidCode, InvalidInput
from passdesk.i18n import _
from passdesk.serials import OperatorFormat, ParsedSerial

CodeKind = Literal["voucher", "booklet"]
VOUCHER: CodeKind = "voucher"
BOOKLET: CodeKind = "booklet"

BOOKLET_MARK = "C"
VOUCHER_DIGITS = 7
BOOKLET_DIGITS = 6
MAX_VOUCHER_NUMBER = 10**VOUCHER_DIGITS - 1
MAX_BOOKLET_NUMBER = 10**BOOKLET_DIGITS - 1

# A programme code starts with a letter, so that a code never looks like an all-digit barcode
# (a product's EAN-13, a receipt number) and vice versa.
_PROGRAMME = re.compile(r"[A-Z][A-Z0-9]{1,7}")
_BODY = re.compile(rf"[0-9]{{{VOUCHER_DIGITS}}}|{BOOKLET_MARK}[0-9]{{{BOOKLET_DIGITS}}}")
_CHECK = re.compile(r"[0-9]{2}")
_ALPHANUMERIC = string.ascii_uppercase + string.digits
_ASCII_DIGITS = frozenset(string.digits)
# Twin digits 0 and 1 would leave fewer than 2,000,000 voucher numbers (twice the whole 2019
# national wave); such programme codes are refused.
_SMALLEST_USABLE_TWIN = 2

# What a US QWERTY scanner types on a French AZERTY PC, after upper-casing, back to what it read.
_SCANNER_REPAIR = {
    "&": "1", "É": "2", '"': "3", "'": "4", "(": "5", "-": "6", "È": "7", "_": "8", "Ç": "9",
    "À": "0", ")": "-", "A": "Q", "Q": "A", "Z": "W", "W": "Z", "?": "M", ",": "M",
}  # fmt: skip
# The AZERTY key that gives M is ';' on the scanner's layout, which no code contains.
_NEVER_FROM_SCANNER = frozenset("M")
_UNICODE_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"))
_LONGEST_INPUT = 64
# Undashed: programme (2 to 8), then a tail of the number part (7) and the check digits (2).
_TAIL = VOUCHER_DIGITS + 2
_SHORTEST_CODE, _LONGEST_CODE = 2 + _TAIL, 8 + _TAIL


@dataclass(frozen=True, slots=True)
class ParsedCode:
    """A voucher or booklet code that was read and checked; `code` is its canonical form."""

    kind: CodeKind
    programme_code: str
    number: int

    def __post_init__(self) -> None:
        if self.kind not in (VOUCHER, BOOKLET):
            raise ValueError(f"unknown code kind {self.kind!r}")
        if not _PROGRAMME.fullmatch(self.programme_code):
            raise ValueError(f"malformed programme code {self.programme_code!r}")
        limit = MAX_VOUCHER_NUMBER if self.kind == VOUCHER else MAX_BOOKLET_NUMBER
        if not 1 <= self.number <= limit:
            raise ValueError(f"{self.kind} number {self.number} out of range")

    @property
    def body(self) -> str:
        """The middle part: 7 digits for a voucher, C and 6 digits for a booklet."""
        if self.kind == VOUCHER:
            return f"{self.number:0{VOUCHER_DIGITS}d}"
        return f"{BOOKLET_MARK}{self.number:0{BOOKLET_DIGITS}d}"

    @property
    def check_digits(self) -> str:
        return check_digits(self.programme_code + self.body)

    @property
    def compact(self) -> str:
        """The code without dashes, as the check digits are computed."""
        return self.programme_code + self.body + self.check_digits

    @property
    def code(self) -> str:
        """The canonical dashed code, e.g. ``MGP19-0001234-21``."""
        return f"{self.programme_code}-{self.body}-{self.check_digits}"

    def __str__(self) -> str:
        return self.code


# A code exactly as PassDesk writes it, dashed or not (a usage file holds a million of them).
_AS_PRINTED = re.compile(r"[A-Z][A-Z0-9]{1,7}(?:-[0-9C][0-9]{6}-|[0-9C][0-9]{6})[0-9]{2}")
# Letters as ISO 7064 reads them (A=10 .. Z=35), for `check_digits`.
_AS_DIGITS = str.maketrans(
    {letter: str(value) for value, letter in enumerate(string.ascii_uppercase, 10)}
)


def check_digits(text: str) -> str:
    """ISO 7064 MOD 97-10 check digits of an A-Z0-9 text: what `stdnum.iso7064.mod_97_10.
    calc_check_digits` computes (tests/unit/test_codes.py compares them), in one big-integer
    remainder instead of a generator over the characters: a usage file reads a million codes.
    """
    return f"{98 - int(text.translate(_AS_DIGITS) + '00') % 97:02d}"


# ---------------------------------------------------------------------------------------------
# Programme codes


def validate_programme_code(text: str) -> str:
    """The programme code in canonical form (trimmed, upper case), or InvalidInput saying why not.

    Beyond 2 to 8 of A-Z0-9 starting with a letter, a code is refused when it would weaken the
    check digits of its vouchers (see the module docstring); the message suggests codes that work.
    """
    code = text.strip().upper()
    if not re.fullmatch(r"[A-Z0-9]{2,8}", code):
        raise InvalidInput(
            _(
                "A programme code has 2 to 8 characters, letters without accents (A-Z) or "
                "digits, with no space or dash (e.g. MGP19)."
            )
        )
    if not _PROGRAMME.fullmatch(code):
        raise InvalidInput(_("A programme code starts with a letter (e.g. MGP19)."))
    if not _is_usable_programme(code):
        message = _(
            "Programme code {code} cannot be used: with it, a single typing error in a voucher "
            "code could slip past the check digits. Choose another code."
        ).format(code=code)
        suggestions = _suggest_programme_codes(code)
        if suggestions:
            message += " " + _("For example: {suggestions}.").format(
                suggestions=", ".join(suggestions)
            )
        raise InvalidInput(message)
    return code


def max_voucher_number(programme_code: str) -> int:
    """The highest voucher number a programme can have (below its twin digit, if any)."""
    return _max_voucher_number(validate_programme_code(programme_code))


def max_booklet_number(programme_code: str, vouchers_per_booklet: int) -> int:
    """The highest booklet number whose vouchers all fit in the programme's numbers."""
    per_booklet = _checked_per_booklet(vouchers_per_booklet)
    return min(MAX_BOOKLET_NUMBER, max_voucher_number(programme_code) // per_booklet)


@lru_cache(maxsize=1024)
def _twin_digit(programme_code: str) -> int | None:
    """The digit d for which ``PROG-dNNNNNN`` and ``PROG-CNNNNNN`` share their check digits.

    Both codes differ only by d against C right after the programme, so they share check digits
    for every NNNNNN exactly when ``PROG d`` and ``PROG C`` leave the same remainder mod 97.
    """
    residue = mod_97_10.checksum(programme_code + BOOKLET_MARK)
    for digit in range(10):
        if mod_97_10.checksum(f"{programme_code}{digit}") == residue:
            return digit
    return None


def _max_voucher_number(programme_code: str) -> int:
    twin = _twin_digit(programme_code)
    return MAX_VOUCHER_NUMBER if twin is None else twin * 10 ** (VOUCHER_DIGITS - 1) - 1


def _width_changing_typos(code: str) -> Iterator[str]:
    """The one-typo variants of `code` that may keep its remainder mod 97.

    A letter reads as two decimal digits and a digit as one. A typo that keeps every width (a
    digit for a digit, a letter for a letter, two letters or two digits swapped) changes the
    value by k * 10^j with k = a-b, 9(a-b) or 99(a-b), |a-b| <= 25: never a multiple of 97.
    Only a letter for a digit, a digit for a letter or a letter swapped with a digit remain.
    """
    for i, char in enumerate(code):
        for other in string.ascii_uppercase if char.isdigit() else string.digits:
            yield code[:i] + other + code[i + 1 :]
    for i in range(len(code) - 1):
        if code[i].isdigit() != code[i + 1].isdigit():
            yield code[:i] + code[i + 1] + code[i] + code[i + 2 :]


@lru_cache(maxsize=1024)
def _is_usable_programme(code: str) -> bool:
    """Enough voucher numbers remain, and no typo turns the code into one that outranks it.

    Codes of two programmes with the same kind and number share their check digits exactly when
    the two programme codes leave the same remainder mod 97, whatever follows them. When a typo
    links two programme codes with the same remainder, only one of the two is usable, so that
    the typo always lands on a code `parse_code` refuses: the one with more digits (refusing the
    other side instead would refuse most codes ending with a year), and for a swap (B1 and 1B,
    M2 and 2M, X3 and 3X read the same) the later one in ASCII order.
    """
    twin = _twin_digit(code)
    if twin is not None and twin < _SMALLEST_USABLE_TWIN:
        return False
    residue = mod_97_10.checksum(code)
    rank = _programme_rank(code)
    return not any(
        _PROGRAMME.fullmatch(other)
        and mod_97_10.checksum(other) == residue
        and _programme_rank(other) > rank
        for other in _width_changing_typos(code)
    )


def _programme_rank(code: str) -> tuple[int, str]:
    return sum(char.isdigit() for char in code), code


def _suggest_programme_codes(code: str, count: int = 3) -> list[str]:
    """Usable codes close to a refused one: a character added, else one changed, from the end."""
    appended = (code + char for char in _ALPHANUMERIC if len(code) < 8)
    changed = (
        code[:i] + char + code[i + 1 :]
        for i in range(len(code) - 1, 0, -1)
        for char in _ALPHANUMERIC
        if char != code[i]
    )
    usable = (c for c in itertools.chain(appended, changed) if _is_usable_programme(c))
    return list(itertools.islice(usable, count))


# ---------------------------------------------------------------------------------------------
# Building codes and booklet arithmetic


def voucher_code(programme_code: str, number: int) -> str:
    """The dashed code of voucher `number` of a programme, e.g. ``MGP19-0001234-21``."""
    programme = validate_programme_code(programme_code)
    maximum = _max_voucher_number(programme)
    if not 1 <= number <= maximum:
        raise InvalidInput(
            _(
                "Voucher number {number} is outside the numbers of programme {programme} "
                "(1 to {maximum})."
            ).format(number=number, programme=programme, maximum=maximum)
        )
    return ParsedCode(VOUCHER, programme, number).code


def booklet_code(programme_code: str, number: int) -> str:
    """The dashed code of booklet `number` of a programme, e.g. ``MGP19-C000123-87``."""
    programme = validate_programme_code(programme_code)
    _check_booklet_number(number)
    return ParsedCode(BOOKLET, programme, number).code


def voucher_numbers_in_booklet(booklet_number: int, vouchers_per_booklet: int) -> range:
    """The voucher numbers of booklet k: (k-1)*n+1 .. k*n."""
    per_booklet = _checked_per_booklet(vouchers_per_booklet)
    _check_booklet_number(booklet_number)
    last = booklet_number * per_booklet
    if last > MAX_VOUCHER_NUMBER:
        raise InvalidInput(
            _(
                "Booklet {booklet} of {per_booklet} vouchers would go past the last possible "
                "voucher number ({maximum})."
            ).format(booklet=booklet_number, per_booklet=per_booklet, maximum=MAX_VOUCHER_NUMBER)
        )
    return range(last - per_booklet + 1, last + 1)


def booklet_number_for_voucher(voucher_number: int, vouchers_per_booklet: int) -> int:
    """The booklet that holds a voucher number: the inverse of `voucher_numbers_in_booklet`."""
    per_booklet = _checked_per_booklet(vouchers_per_booklet)
    if not 1 <= voucher_number <= MAX_VOUCHER_NUMBER:
        raise InvalidInput(
            _("Voucher number {number} is outside the possible numbers (1 to {maximum}).").format(
                number=voucher_number, maximum=MAX_VOUCHER_NUMBER
            )
        )
    booklet = (voucher_number - 1) // per_booklet + 1
    _check_booklet_number(booklet)
    return booklet


def _check_booklet_number(number: int) -> None:
    if not 1 <= number <= MAX_BOOKLET_NUMBER:
        raise InvalidInput(
            _("Booklet number {number} is outside the possible numbers (1 to {maximum}).").format(
                number=number, maximum=MAX_BOOKLET_NUMBER
            )
        )


def _checked_per_booklet(vouchers_per_booklet: int) -> int:
    if vouchers_per_booklet < 1:
        raise InvalidInput(_("A booklet holds at least one voucher."))
    return vouchers_per_booklet


# ---------------------------------------------------------------------------------------------
# Reading what was typed or scanned


class _Unreadable(Exception):
    """Why one reading of the input failed; a larger `rank` got further and explains better."""

    SHAPE, DASHES, CHECK = 0, 1, 2

    def __init__(self, rank: int, code: str = "", serial_format: str = "") -> None:
        super().__init__(rank, code)
        self.rank = rank
        self.code = code
        self.serial_format = serial_format  # the operator format whose check failed, if any


@overload
def parse_code(text: str) -> ParsedCode: ...
@overload
def parse_code(text: str, formats: Sequence[OperatorFormat]) -> ParsedCode | ParsedSerial: ...


def parse_code(text: str, formats: Sequence[OperatorFormat] = ()) -> ParsedCode | ParsedSerial:
    """Read a voucher or booklet code (or a serial of one of `formats`) as typed or scanned, or
    raise InvalidCode saying why.

    The plain reading comes first; the AZERTY-scanner repair is tried only when the input has
    no digit (see the module docstring). A reading is accepted only if its check digits hold.
    """
    if not formats and _AS_PRINTED.fullmatch(text):  # as PassDesk prints it: nothing to clean
        try:
            return _read(text)
        except _Unreadable:
            pass  # the full reading below says why
    cleaned = _clean(text)
    if not cleaned:
        raise InvalidCode(
            _("No code entered. Scan the barcode or type the voucher or booklet code.")
        )
    readings = [cleaned]
    if len(cleaned) <= _LONGEST_INPUT and not _ASCII_DIGITS.intersection(cleaned):
        repaired = _repair_scanner_input(cleaned)
        if repaired is not None:
            readings.append(repaired)
    best = _Unreadable(_Unreadable.SHAPE)
    for reading in readings:
        try:
            return _read_serial(reading, formats) or _read(reading)
        except _Unreadable as failure:
            if failure.rank > best.rank:
                best = failure
    if best.serial_format:
        raise InvalidCode(
            _(
                "Serial {code} (format {name}): its check characters do not match; a digit was "
                "probably mistyped or misread. Check what was typed or scan again."
            ).format(code=best.code, name=best.serial_format)
        )
    if best.rank == _Unreadable.CHECK:
        raise InvalidCode(
            _(
                "Code {code}: the check digits do not match; a character was probably mistyped "
                "or misread. Check what was typed or scan again."
            ).format(code=best.code)
        )
    if best.rank == _Unreadable.DASHES:
        raise InvalidCode(
            _(
                "The dashes are misplaced: type the code with both of its dashes "
                "(e.g. MGP19-0001234-21) or with none."
            )
        )
    raise InvalidCode(
        _(
            "This is not a voucher or booklet code (e.g. MGP19-0001234-21 for a voucher, "
            "MGP19-C000123-87 for a booklet)."
        )
    )


def format_for_reading(code: ParsedCode | str) -> str:
    """The code in short groups, to print under a barcode and read aloud.

    Programme, the number in groups of 3 and 4 (voucher) or C then 3 and 3 (booklet), then the
    check digits: ``MGP19 000 1234 21``, ``MGP19 C 000 123 87``. Plain spaces, so the text can be
    typed back as it is printed: `parse_code` ignores them.
    """
    parsed = code if isinstance(code, ParsedCode) else parse_code(code)
    digits = f"{parsed.number:0{VOUCHER_DIGITS if parsed.kind == VOUCHER else BOOKLET_DIGITS}d}"
    if parsed.kind == VOUCHER:
        groups = [digits[:3], digits[3:]]
    else:
        groups = [BOOKLET_MARK, digits[:3], digits[3:]]
    return " ".join([parsed.programme_code, *groups, parsed.check_digits])


def _clean(text: str) -> str:
    """Compatibility forms folded, every space and invisible character dropped, upper case."""
    text = unicodedata.normalize("NFKC", text).translate(_UNICODE_DASHES)
    return "".join(
        char for char in text if not char.isspace() and unicodedata.category(char) != "Cf"
    ).upper()


def _repair_scanner_input(cleaned: str) -> str | None:
    """What a US QWERTY scanner read, from what it typed on an AZERTY PC; None if impossible."""
    if _NEVER_FROM_SCANNER.intersection(cleaned):
        return None
    return "".join(_SCANNER_REPAIR.get(char, char) for char in cleaned)


def _read_serial(reading: str, formats: Sequence[OperatorFormat]) -> ParsedSerial | None:
    """The reading as a serial of the first format whose shape it has; None if none has it."""
    compact = reading.replace("-", "")
    for fmt in formats:
        if fmt.has_shape(compact):
            serial = fmt.read(compact)
            if serial is None:
                raise _Unreadable(_Unreadable.CHECK, compact, fmt.name)
            return serial
    return None


def _read(reading: str) -> ParsedCode:
    """One candidate reading, checked: shape, then dashes, then check digits and numbering."""
    compact = reading.replace("-", "")
    parts = _split(compact)
    dashes = reading.count("-")
    # Typed with its two dashes, the parts are judged as typed: a digit too few is not a problem
    # of dashes. Then they must be the parts read from the end.
    if parts is None or (dashes == 2 and _split(reading, dashed=True) is None):
        raise _Unreadable(_Unreadable.SHAPE)
    programme, body, check = parts
    read_as = f"{programme}-{body}-{check}"
    if dashes and reading != read_as:
        raise _Unreadable(_Unreadable.DASHES)
    if check_digits(programme + body) != check:
        raise _Unreadable(_Unreadable.CHECK, read_as)
    kind = BOOKLET if body.startswith(BOOKLET_MARK) else VOUCHER
    number = int(body.lstrip(BOOKLET_MARK))
    # A code PassDesk never makes is, for the agent, the same as a failed check: most often it is
    # a typo that the rules in the module docstring route here.
    maximum = _max_voucher_number(programme) if kind == VOUCHER else MAX_BOOKLET_NUMBER
    if not (1 <= number <= maximum and _is_usable_programme(programme)):
        raise _Unreadable(_Unreadable.CHECK, read_as)
    return ParsedCode(kind, programme, number)


def _split(text: str, *, dashed: bool = False) -> tuple[str, str, str] | None:
    """Programme, number part and check digits, if `text` has the shape of a code."""
    if dashed:
        programme, body, check = text.split("-")
    else:
        # Read from the end: check digits, 7 digits or C and 6 digits, the rest is the programme.
        if not _SHORTEST_CODE <= len(text) <= _LONGEST_CODE:
            return None
        programme, body, check = text[:-_TAIL], text[-_TAIL:-2], text[-2:]
    if _PROGRAMME.fullmatch(programme) and _BODY.fullmatch(body) and _CHECK.fullmatch(check):
        return programme, body, check
    return None
