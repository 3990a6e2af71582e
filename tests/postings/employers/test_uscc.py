import pytest

from services.postings.employers.uscc import (
    is_valid_uscc,
    normalise_uscc,
    org_code_check_char,
    uscc_check_char,
)

# The worked example of GB 32100-2015; the others are built here with the standard's algorithm.
STANDARD_EXAMPLE = "91350100M000100Y43"
JINAN_COMPANY = "91370102MA3C4LY92L"
PUBLIC_BODY = "11370100004188047Y"


@pytest.mark.parametrize("code", [STANDARD_EXAMPLE, JINAN_COMPANY, PUBLIC_BODY])
def test_well_formed_codes_are_valid(code: str) -> None:
    assert is_valid_uscc(code)


def test_check_char_of_the_standard_example_is_3() -> None:
    assert uscc_check_char(STANDARD_EXAMPLE[:17]) == "3"


def test_a_wrong_check_char_is_invalid() -> None:
    assert not is_valid_uscc(STANDARD_EXAMPLE[:17] + "4")


def test_a_changed_character_is_caught_by_the_check_char() -> None:
    assert not is_valid_uscc("91350100M000200Y43")


def test_lower_case_is_invalid_until_normalised() -> None:
    code = JINAN_COMPANY.lower()
    assert not is_valid_uscc(code)
    assert is_valid_uscc(normalise_uscc(code))


def test_normalise_removes_spaces_and_full_width_forms() -> None:
    assert normalise_uscc(" ９１３５０１００Ｍ０００１００Ｙ４３ ") == STANDARD_EXAMPLE
    assert normalise_uscc("9135 0100 M000 100Y 43") == STANDARD_EXAMPLE


@pytest.mark.parametrize("letter", ["I", "O", "Z", "S", "V"])
def test_letters_outside_the_code_set_are_invalid(letter: str) -> None:
    assert not is_valid_uscc(STANDARD_EXAMPLE[:10] + letter + STANDARD_EXAMPLE[11:])


@pytest.mark.parametrize("code", ["", STANDARD_EXAMPLE[:17], STANDARD_EXAMPLE + "0"])
def test_codes_not_18_characters_long_are_invalid(code: str) -> None:
    assert not is_valid_uscc(code)


def test_a_letter_in_the_division_code_is_invalid() -> None:
    first17 = "9135A100M000100Y4"
    assert not is_valid_uscc(first17 + uscc_check_char(first17))


def test_check_char_refuses_input_of_the_wrong_shape() -> None:
    with pytest.raises(ValueError, match="17 characters"):
        uscc_check_char("91350100M000100Y")


def test_organisation_code_check_char_of_the_standard_example_is_4() -> None:
    assert org_code_check_char("M000100Y") == "4"


def test_organisation_code_check_char_ten_is_written_x() -> None:
    assert org_code_check_char("00000006") == "X"
