"""Operator serial formats and the one parser reading them: exact shape, check where the scheme
has one, and said plainly where it has none. The operator format here is made up."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from passdesk import codes
from passdesk.errors import InvalidCode, InvalidInput
from passdesk.serials import CheckScheme, OperatorFormat, ParsedSerial, shape_overlaps

# A made-up operator: "Numérique Services" prints NS, eight digits and a check.
FORMATS = {
    scheme: OperatorFormat("NS1", "NS", 8, scheme)
    for scheme in (CheckScheme.LUHN, CheckScheme.MOD_97_10, CheckScheme.MOD_11_2)
}
NO_CHECK = OperatorFormat("NS0", "NSX", 8, CheckScheme.NONE)
numbers = st.integers(min_value=0, max_value=10**8 - 1)


def test_a_format_is_validated_and_put_in_canonical_form() -> None:
    fmt = OperatorFormat.validated(" ns1 ", " ns ", 8, "Luhn")
    assert fmt == OperatorFormat("NS1", "NS", 8, CheckScheme.LUHN)
    assert fmt.serial(1234) == "NS000012344"
    assert fmt.length == 11 and fmt.max_number == 99_999_999


@pytest.mark.parametrize(
    ("name", "prefix", "digits", "check", "field"),
    [
        ("N", "NS", 8, "luhn", "name"),
        ("NS 1", "NS", 8, "luhn", "name"),
        ("NS1", "", 8, "luhn", "prefix"),
        ("NS1", "1NS", 8, "luhn", "prefix"),
        ("NS1", "NÉ", 8, "luhn", "prefix"),
        ("NS1", "NS", 3, "luhn", "digits"),
        ("NS1", "NS", 16, "luhn", "digits"),
        ("NS1", "NS", 8, "crc32", "check"),
    ],
)
def test_bad_formats_are_refused_naming_the_field(
    name: str, prefix: str, digits: int, check: str, field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        OperatorFormat.validated(name, prefix, digits, check)
    assert refused.value.field == field


@pytest.mark.parametrize("scheme", list(FORMATS))
@given(number=numbers)
@settings(max_examples=60, deadline=None)
def test_the_parser_reads_a_serial_typed_or_scanned(scheme: CheckScheme, number: int) -> None:
    fmt = FORMATS[scheme]
    serial = fmt.serial(number)
    for typed in (serial, serial.lower(), f" {serial[:5]} {serial[5:]} "):
        parsed = codes.parse_code(typed, [fmt])
        assert parsed == ParsedSerial("NS1", number, serial, True)


@pytest.mark.parametrize("scheme", list(FORMATS))
@given(number=numbers, position=st.integers(min_value=0, max_value=9), step=st.integers(1, 9))
@settings(max_examples=80, deadline=None)
def test_every_single_mistyped_digit_is_caught(
    scheme: CheckScheme, number: int, position: int, step: int
) -> None:
    fmt = FORMATS[scheme]
    serial = fmt.serial(number)
    index = 2 + min(position, len(serial) - 3)  # a digit of the number or the check
    if not serial[index].isdigit():
        return  # MOD 11-2's X
    typo = serial[:index] + str((int(serial[index]) + step) % 10) + serial[index + 1 :]
    with pytest.raises(InvalidCode, match="clé de contrôle"):
        codes.parse_code(typo, [fmt])


@pytest.mark.parametrize("scheme", list(FORMATS))
@given(number=numbers, position=st.integers(min_value=0, max_value=8))
@settings(max_examples=80, deadline=None)
def test_swaps_of_two_neighbours_are_caught_luhn_but_for_09(
    scheme: CheckScheme, number: int, position: int
) -> None:
    fmt = FORMATS[scheme]
    serial = fmt.serial(number)
    i = 2 + min(position, len(serial) - 4)
    a, b = serial[i], serial[i + 1]
    if a == b or not (a.isdigit() and b.isdigit()):
        return
    swapped = serial[:i] + b + a + serial[i + 2 :]
    if scheme is CheckScheme.LUHN and {a, b} == {"0", "9"}:
        return  # what Luhn cannot catch, as the format's description says
    with pytest.raises(InvalidCode):
        codes.parse_code(swapped, [fmt])


def test_luhn_misses_09_against_90_as_it_says() -> None:
    fmt = FORMATS[CheckScheme.LUHN]
    serial = fmt.serial(9)  # NS00000009 + check
    swapped = serial[:8] + "90" + serial[10:]
    assert codes.parse_code(swapped, [fmt]).number == 90


def test_a_format_without_check_cannot_catch_a_typo_and_says_so() -> None:
    serial = NO_CHECK.serial(1234)
    assert serial == "NSX00001234"
    typo = "NSX00001235"
    parsed = codes.parse_code(typo, [NO_CHECK])
    assert isinstance(parsed, ParsedSerial) and parsed.number == 1235  # another serial
    assert parsed.checked is False
    assert not NO_CHECK.catches_typos


def test_the_shape_is_exact() -> None:
    fmt = FORMATS[CheckScheme.LUHN]
    serial = fmt.serial(42)
    for wrong in (serial[:-1], serial + "1", "NT" + serial[2:], "N5" + serial[2:]):
        with pytest.raises(InvalidCode):
            codes.parse_code(wrong, [fmt])


def test_passdesk_codes_are_still_read_with_formats_declared() -> None:
    code = codes.voucher_code("MGP19", 1234)
    assert codes.parse_code(code, list(FORMATS.values())) == codes.parse_code(code)


def test_a_scanner_set_for_a_us_keyboard_types_serials_that_are_repaired() -> None:
    fmt = FORMATS[CheckScheme.MOD_97_10]
    serial = fmt.serial(1234567)
    digits = "&é\"'(-è_çà"
    scanned = serial[:2] + "".join(digits[(int(c) - 1) % 10] for c in serial[2:])
    assert codes.parse_code(scanned, [fmt]).number == 1234567


def test_shapes_that_one_text_could_match_twice_overlap() -> None:
    # NS + 8 digits + Luhn = 11 characters: the undashed shape of programme NS's codes.
    assert shape_overlaps(FORMATS[CheckScheme.LUHN], programme_code="NS")
    assert not shape_overlaps(FORMATS[CheckScheme.LUHN], programme_code="MGP19")
    # NS + 8 + MOD 97-10 = 12 characters: programme NS0 .. NS9 would collide.
    assert shape_overlaps(FORMATS[CheckScheme.MOD_97_10], programme_code="NS4")
    assert not shape_overlaps(FORMATS[CheckScheme.MOD_97_10], programme_code="NSA")
    other = OperatorFormat("NS2", "NS0", 7, CheckScheme.LUHN)
    assert shape_overlaps(FORMATS[CheckScheme.LUHN], other=other)
    assert not shape_overlaps(FORMATS[CheckScheme.LUHN], other=NO_CHECK)
