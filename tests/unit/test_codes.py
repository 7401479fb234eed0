"""Voucher and booklet codes: the issue's examples, every typo caught, scanner input repaired."""

from __future__ import annotations

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.iso7064 import mod_97_10

from passdesk import codes
from passdesk.codes import ParsedCode, parse_code
from passdesk.errors import InvalidCode, InvalidInput

CHECK_MESSAGE = "la clé de contrôle ne correspond pas"
SHAPE_MESSAGE = "n'a pas la forme d'un code de chèque ou de carnet"
DASH_MESSAGE = "Les tirets sont mal placés"

# What a character of a code could be mistyped as: the code's own alphabet, the dash, and the
# characters an AZERTY keyboard gives for digits without shift.
SUBSTITUTES = string.ascii_uppercase + string.digits + "-" + "&é\"'(è_çà)?,"

# A USB scanner set up for a US QWERTY keyboard sends key positions; a French AZERTY PC reads
# them with its own layout. Written here independently of passdesk.codes on purpose.
_AZERTY_DIGIT_ROW = dict(zip("1234567890", "&é\"'(-è_çà", strict=True))
_AZERTY_LETTERS = {"A": "Q", "Q": "A", "Z": "W", "W": "Z"}


def scanned_on_azerty(code: str, *, lower_case: bool = False) -> str:
    """What such a scanner types for `code` (upper case: with Shift, like most scanners)."""
    typed = []
    for char in code:
        if char in _AZERTY_DIGIT_ROW:
            typed.append(_AZERTY_DIGIT_ROW[char])
        elif char == "-":
            typed.append(")")  # the US dash key is AZERTY's ')' key
        elif char == "M":
            typed.append("," if lower_case else "?")  # the US M key is AZERTY's ',' / '?' key
        else:
            letter = _AZERTY_LETTERS.get(char, char)
            typed.append(letter.lower() if lower_case else letter)
    return "".join(typed)


def is_usable_programme(text: str) -> bool:
    try:
        codes.validate_programme_code(text)
    except InvalidInput:
        return False
    return True


programmes = st.builds(
    str.__add__,
    st.sampled_from(string.ascii_uppercase),
    st.text(string.ascii_uppercase + string.digits, min_size=1, max_size=7),
).filter(is_usable_programme)


@st.composite
def valid_codes(draw: st.DrawFn) -> ParsedCode:
    programme = draw(programmes)
    if draw(st.booleans()):
        number = draw(st.integers(1, codes.max_voucher_number(programme)))
        return parse_code(codes.voucher_code(programme, number))
    number = draw(st.integers(1, codes.MAX_BOOKLET_NUMBER))
    return parse_code(codes.booklet_code(programme, number))


def assert_caught(text: str) -> None:
    with pytest.raises(InvalidCode):
        parse_code(text)


# --- The examples of the issue ---------------------------------------------------------------


def test_voucher_example_of_the_issue() -> None:
    assert mod_97_10.calc_check_digits("MGP190001234") == "21"
    assert codes.voucher_code("MGP19", 1234) == "MGP19-0001234-21"
    assert parse_code("MGP19-0001234-21") == ParsedCode("voucher", "MGP19", 1234)


def test_booklet_example_of_the_issue() -> None:
    assert mod_97_10.calc_check_digits("MGP19C000123") == "87"
    assert codes.booklet_code("MGP19", 123) == "MGP19-C000123-87"
    assert parse_code("MGP19-C000123-87") == ParsedCode("booklet", "MGP19", 123)


def test_parsed_code_forms() -> None:
    parsed = parse_code("MGP19-0001234-21")
    assert (parsed.code, parsed.compact, parsed.check_digits) == (
        "MGP19-0001234-21",
        "MGP19000123421",
        "21",
    )
    assert str(parsed) == "MGP19-0001234-21"
    with pytest.raises(AttributeError):
        parsed.number = 1  # type: ignore[misc]


# --- Booklets and their vouchers -------------------------------------------------------------


def test_booklet_k_holds_vouchers_k_minus_1_times_n_plus_1_to_k_times_n() -> None:
    assert codes.voucher_numbers_in_booklet(1, 10) == range(1, 11)
    assert codes.voucher_numbers_in_booklet(123, 10) == range(1221, 1231)
    assert codes.voucher_numbers_in_booklet(4, 5) == range(16, 21)
    assert codes.booklet_number_for_voucher(1230, 10) == 123
    assert codes.booklet_number_for_voucher(1231, 10) == 124


@given(st.integers(1, codes.MAX_BOOKLET_NUMBER), st.integers(1, 10))
def test_voucher_to_booklet_is_the_inverse(booklet: int, per_booklet: int) -> None:
    numbers = codes.voucher_numbers_in_booklet(booklet, per_booklet)
    assert len(numbers) == per_booklet
    assert {codes.booklet_number_for_voucher(v, per_booklet) for v in numbers} == {booklet}


@pytest.mark.parametrize(
    ("booklet", "per_booklet", "words"),
    [(0, 10, "numéro de carnet 0"), (10**6, 10, "numéro de carnet"), (5, 0, "au moins un chèque"),
     (999_999, 11, "dépasserait")],
)  # fmt: skip
def test_impossible_booklets_are_refused(booklet: int, per_booklet: int, words: str) -> None:
    with pytest.raises(InvalidInput, match=words):
        codes.voucher_numbers_in_booklet(booklet, per_booklet)


# --- Building codes and programme codes ------------------------------------------------------


@pytest.mark.parametrize("number", [0, -1, 10**7])
def test_impossible_voucher_numbers_are_refused(number: int) -> None:
    with pytest.raises(InvalidInput, match="numéro de chèque"):
        codes.voucher_code("MGP26", number)


@pytest.mark.parametrize("number", [0, 10**6])
def test_impossible_booklet_numbers_are_refused(number: int) -> None:
    with pytest.raises(InvalidInput, match="numéro de carnet"):
        codes.booklet_code("MGP26", number)


def test_programme_code_is_normalised() -> None:
    assert codes.validate_programme_code(" mgp19 ") == "MGP19"
    assert codes.voucher_code("mgp19", 1234) == "MGP19-0001234-21"


@pytest.mark.parametrize(
    ("text", "words"),
    [("", "de 2 à 8 caractères"), ("M", "de 2 à 8 caractères"), ("MGP192026", "de 2 à 8"),
     ("MGP-19", "sans espace ni tiret"), ("MGP 19", "sans espace"), ("MGPÉ", "sans accent"),
     ("19MGP", "commence par une lettre")],
)  # fmt: skip
def test_malformed_programme_codes_are_refused(text: str, words: str) -> None:
    with pytest.raises(InvalidInput, match=words):
        codes.validate_programme_code(text)


def test_a_programme_code_that_would_hide_a_typo_is_refused_with_suggestions() -> None:
    # OCC24 with its second C typed as 6 keeps the check digits of every code (C reads 12, and
    # "242" + "12" and "242" + "6" leave the same remainder mod 97), so OCC24 gives way to OC624.
    assert mod_97_10.checksum("OCC24") == mod_97_10.checksum("OC624")
    assert codes.voucher_code("OC624", 42)[-2:] == mod_97_10.calc_check_digits("OCC240000042")
    with pytest.raises(InvalidInput) as refused:
        codes.validate_programme_code("OCC24")
    message = refused.value.message
    assert message.startswith("Le code d'opération OCC24 ne peut pas être retenu")
    suggestions = message.split("Par exemple : ")[1].rstrip(".").split(", ")
    assert len(suggestions) == 3
    assert all(is_usable_programme(s) for s in suggestions)
    # So the typo lands on a code PassDesk refuses to read.
    assert_caught("OCC24-0000042-" + mod_97_10.calc_check_digits("OCC240000042"))


def test_a_booklet_code_with_c_mistyped_never_reads_as_a_voucher() -> None:
    # For MGP19, C and 8 after the programme leave the same remainder mod 97: the twin digit.
    assert mod_97_10.is_valid("MGP19800012387")
    with pytest.raises(InvalidCode, match=CHECK_MESSAGE):
        parse_code("MGP19-8000123-87")
    assert codes.max_voucher_number("MGP19") == 7_999_999
    assert codes.max_booklet_number("MGP19", 10) == 799_999
    assert codes.voucher_code("MGP19", 7_999_999)
    with pytest.raises(InvalidInput, match="MGP19"):
        codes.voucher_code("MGP19", 8_000_000)


def test_programme_without_twin_digit_uses_every_number() -> None:
    assert codes.max_voucher_number("MGP26") == codes.MAX_VOUCHER_NUMBER
    assert codes.max_booklet_number("MGP26", 10) == codes.MAX_BOOKLET_NUMBER


# --- Reading what is typed -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["MGP19-0001234-21", "MGP19000123421", "mgp19-0001234-21", " MGP19 0001234 21 \n",
     "MGP19 000 1234 21", "M G P 1 9 - 0 0 0 1 2 3 4 - 2 1", "\tmgp19000123421\r\n",
     "MGP19\u20130001234\u201321", "MGP19\u00a00001234\u00a021", "\ufeffMGP19-0001234-21",
     "ＭＧＰ１９－０００１２３４－２１"],
)  # fmt: skip
def test_spaces_case_and_dashes_do_not_matter(text: str) -> None:
    assert parse_code(text).code == "MGP19-0001234-21"


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_empty_input_has_its_own_message(text: str) -> None:
    with pytest.raises(InvalidCode, match="Aucun code saisi"):
        parse_code(text)


@pytest.mark.parametrize(
    "text",
    ["bonjour", "3017620422003", "2026-000123", "MGP19-001234-21", "MGP19-00012345-21",
     "MGP19-D000123-87", "MGP19-C0001234-87", "M-0001234-21", "MGP19ABCD-0001234-21",
     "MGP19-0001234-2A", "1MGP19-0001234-21", "MGP19/0001234/21", "-" * 16,
     "MGP19-0001234-21" * 5],
)  # fmt: skip
def test_what_is_not_a_code_at_all_is_told_so(text: str) -> None:
    with pytest.raises(InvalidCode, match=SHAPE_MESSAGE) as refused:
        parse_code(text)
    assert CHECK_MESSAGE not in refused.value.message


@pytest.mark.parametrize(
    "text", ["MGP19-000123421", "MGP190001234-21", "MGP19--0001234-21", "MGP19-0001-234-21",
             "MGP19-0001234-21-", "-MGP19000123421"],
)  # fmt: skip
def test_misplaced_dashes_are_told_so(text: str) -> None:
    with pytest.raises(InvalidCode, match=DASH_MESSAGE):
        parse_code(text)


def test_wrong_check_digits_are_told_so_with_the_code_as_read() -> None:
    with pytest.raises(InvalidCode) as refused:
        parse_code("mgp19 0001234 22")
    assert refused.value.message == (
        "Code MGP19-0001234-22 : la clé de contrôle ne correspond pas, un caractère a sans doute "
        "été mal tapé ou mal lu. Vérifiez la saisie ou scannez à nouveau."
    )
    assert refused.value.exit_status == 2


def test_messages_follow_the_language() -> None:
    from passdesk import i18n

    i18n.set_language("en")
    with pytest.raises(InvalidCode, match="the check digits do not match"):
        parse_code("MGP19-0001234-22")


# --- Round trips and typos over many codes ---------------------------------------------------


@settings(max_examples=100, deadline=None)
@given(valid_codes())
def test_round_trips(parsed: ParsedCode) -> None:
    for text in (parsed.code, parsed.compact, parsed.code.lower(), f"  {parsed.compact} "):
        assert parse_code(text) == parsed
    assert parse_code(codes.format_for_reading(parsed)) == parsed
    assert codes.format_for_reading(parsed.compact) == codes.format_for_reading(parsed)
    if parsed.kind == "voucher":
        assert codes.voucher_code(parsed.programme_code, parsed.number) == parsed.code
    else:
        assert codes.booklet_code(parsed.programme_code, parsed.number) == parsed.code


@settings(max_examples=60, deadline=None)
@given(valid_codes())
def test_every_single_character_substitution_is_caught(parsed: ParsedCode) -> None:
    for form in (parsed.code, parsed.compact):
        for i, char in enumerate(form):
            for other in SUBSTITUTES:
                if other != char:
                    assert_caught(form[:i] + other + form[i + 1 :])


@settings(max_examples=100, deadline=None)
@given(valid_codes())
def test_every_swap_of_two_neighbours_is_caught(parsed: ParsedCode) -> None:
    for form in (parsed.code, parsed.compact):
        for i in range(len(form) - 1):
            if form[i] != form[i + 1]:
                assert_caught(form[:i] + form[i + 1] + form[i] + form[i + 2 :])


def test_format_for_reading() -> None:
    assert codes.format_for_reading("MGP19-0001234-21") == "MGP19 000 1234 21"
    assert codes.format_for_reading("mgp19c00012387") == "MGP19 C 000 123 87"
    with pytest.raises(InvalidCode):
        codes.format_for_reading("MGP19-0001234-22")


# --- A US QWERTY scanner on a French AZERTY PC -----------------------------------------------


def test_scanner_simulation_matches_the_issue() -> None:
    assert scanned_on_azerty("1234567890-AQZWM") == "&é\"'(-è_çà)QAWZ?"
    assert scanned_on_azerty("MGP19-0001234-21") == "?GP&ç)ààà&é\"')é&"


@settings(max_examples=100, deadline=None)
@given(valid_codes(), st.booleans())
def test_scanned_codes_are_repaired(parsed: ParsedCode, lower_case: bool) -> None:
    for form in (parsed.code, parsed.compact):
        assert parse_code(scanned_on_azerty(form, lower_case=lower_case)) == parsed


def test_a_dash_is_a_dash_when_typed_and_a_six_when_scanned() -> None:
    code = codes.voucher_code("AQZWM6", 6_660_666)
    assert code == "AQZWM6-6660666-" + mod_97_10.calc_check_digits("AQZWM66660666")
    scanned = scanned_on_azerty(code)
    assert scanned.startswith("QAWZ?-)---à---)")
    assert parse_code(scanned).code == code
    assert parse_code(scanned.replace(")", "")).code == code
    assert parse_code(code).code == code


@settings(max_examples=100, deadline=None)
@given(valid_codes(), st.data())
def test_a_mistyped_scan_is_refused_for_its_check_digits(
    parsed: ParsedCode, data: st.DataObject
) -> None:
    code = parsed.code
    digits_after_programme = [
        i for i in range(len(parsed.programme_code), len(code)) if code[i].isdigit()
    ]
    i = data.draw(st.sampled_from(digits_after_programme))
    other = data.draw(st.sampled_from([d for d in string.digits if d != code[i]]))
    mistyped = code[:i] + other + code[i + 1 :]
    with pytest.raises(InvalidCode) as refused:
        parse_code(scanned_on_azerty(mistyped))
    assert refused.value.message.startswith(f"Code {mistyped} : {CHECK_MESSAGE}")


def test_a_scan_mixed_with_typed_digits_is_not_repaired() -> None:
    # The scanner never types a digit: with one, only the plain reading is tried.
    assert_caught(scanned_on_azerty("MGP19-0001234-21").replace("&", "1", 1))
    # In a mis-mapped scan M comes as '?' or ',', never as M.
    assert_caught(scanned_on_azerty("MGP19-0001234-21").replace("?", "M"))
