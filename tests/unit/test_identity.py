"""Resident identity card numbers (GB 11643) and unified social credit codes (GB 32100).

Valid numbers are built here with the check character computed independently of the
module (the ISO 7064 formula, not the module's lookup table); none is a real person's.
"""

from __future__ import annotations

import random
from datetime import date

import pytest

from cnid import (
    CREDIT_CODE_CHARSET,
    credit_code_check_char,
    is_valid_credit_code,
    is_valid_resident_id,
    resident_id_birth_date,
    resident_id_check_char,
)


def id_check(first17: str) -> str:
    """ISO 7064 MOD 11-2: weights 2^(17-i) mod 11, check = (12 - sum mod 11) mod 11, 10 is X."""
    total = sum(int(digit) * pow(2, 17 - index, 11) for index, digit in enumerate(first17))
    value = (12 - total % 11) % 11
    return "X" if value == 10 else str(value)


def resident_id(region: str = "370102", born: str = "19900307", sequence: str = "123") -> str:
    body = region + born + sequence
    return body + id_check(body)


def credit_check(first17: str) -> str:
    """GB 32100: weights 3^i mod 31, check = 31 - (sum mod 31), 31 is read as 0."""
    total = sum(CREDIT_CODE_CHARSET.index(char) * pow(3, index, 31) for index, char in enumerate(first17))
    return CREDIT_CODE_CHARSET[(31 - total % 31) % 31]


def credit_code(first17: str = "91370102MA3C4Y5X2") -> str:
    return first17 + credit_check(first17)


def other_chars(valid: str, alphabet: str) -> list[str]:
    return [valid[:-1] + char for char in alphabet if char != valid[-1]]


def test_the_sample_number_of_the_standard_is_valid() -> None:
    assert is_valid_resident_id("11010519491231002X")
    assert resident_id_check_char("11010519491231002") == "X"


@pytest.mark.parametrize(
    ("region", "born", "sequence"),
    [
        ("370102", "19900307", "123"),
        ("110105", "20000229", "001"),
        ("650102", "18991231", "999"),
        ("440305", "20231231", "458"),
        ("810000", "19750101", "012"),
        ("830000", "19800615", "020"),
    ],
)
def test_numbers_with_a_correct_check_character_and_birth_date_are_valid(
    region: str, born: str, sequence: str
) -> None:
    number = resident_id(region, born, sequence)
    assert is_valid_resident_id(number), number
    assert resident_id_birth_date(number) == date(int(born[:4]), int(born[4:6]), int(born[6:]))


def test_each_wrong_check_character_is_refused() -> None:
    for number in (resident_id(), resident_id(sequence="004")):
        assert all(not is_valid_resident_id(wrong) for wrong in other_chars(number, "0123456789X"))


def test_a_lowercase_x_check_character_is_accepted() -> None:
    numbers = [resident_id(sequence=f"{n:03d}") for n in range(100)]
    with_x = next(number for number in numbers if number.endswith("X"))
    assert is_valid_resident_id(with_x[:-1] + "x")


@pytest.mark.parametrize("born", ["19900230", "19000229", "19901301", "19900001", "18491231", "00000000"])
def test_an_impossible_birth_date_is_refused_even_with_a_matching_check_character(born: str) -> None:
    assert not is_valid_resident_id(resident_id(born=born))


def test_a_birth_date_after_today_is_refused_when_today_is_given() -> None:
    number = resident_id(born="20300101")
    assert is_valid_resident_id(number)
    assert not is_valid_resident_id(number, today=date(2024, 5, 20))
    assert is_valid_resident_id(resident_id(born="20240520"), today=date(2024, 5, 20))


@pytest.mark.parametrize("region", ["000000", "990101", "100000", "910000"])
def test_an_unknown_province_is_refused(region: str) -> None:
    assert not is_valid_resident_id(resident_id(region=region))


def test_wrong_shapes_are_refused() -> None:
    number = resident_id()
    fullwidth = "".join(chr(ord(char) + 0xFEE0) for char in number)
    wrongs = (number[:-1], number + "1", number[:15], "37010219900307123A", fullwidth, "", " " + number[1:])
    for wrong in wrongs:
        assert not is_valid_resident_id(wrong), wrong
    assert not is_valid_resident_id(None)  # type: ignore[arg-type]


def test_exactly_one_check_character_fits_any_body() -> None:
    rng = random.Random(11643)
    for _ in range(200):
        region = "37" + "".join(rng.choice("0123456789") for _ in range(4))
        body = region + "19850704" + f"{rng.randrange(1000):03d}"
        fitting = [char for char in "0123456789X" if is_valid_resident_id(body + char)]
        assert fitting == [id_check(body)]


def test_a_company_credit_code_with_its_check_character_is_valid() -> None:
    for first17 in ("91370102MA3C4Y5X2", "12370000495571063", "91350100M000100Y4", "52110000MJ0000000"):
        code = credit_code(first17)
        assert is_valid_credit_code(code), code
        assert credit_code_check_char(first17) == code[-1]


def test_each_wrong_credit_check_character_is_refused() -> None:
    code = credit_code()
    assert all(not is_valid_credit_code(wrong) for wrong in other_chars(code, CREDIT_CODE_CHARSET))


@pytest.mark.parametrize("letter", ["I", "O", "Z", "S", "V"])
def test_letters_outside_the_credit_code_charset_are_refused(letter: str) -> None:
    first17 = "91370102MA3C4Y5X2"
    forged = first17[:8] + letter + first17[9:]
    assert not is_valid_credit_code(forged + "0")
    assert all(not is_valid_credit_code(forged + char) for char in CREDIT_CODE_CHARSET)


def test_credit_code_shapes_are_checked() -> None:
    code = credit_code()
    assert not is_valid_credit_code(code.lower())
    assert not is_valid_credit_code(code[:-1])
    assert not is_valid_credit_code(code + "0")
    assert not is_valid_credit_code(credit_code("9137A102MA3C4Y5X2"))  # division code must be digits
    with pytest.raises(ValueError):
        credit_code_check_char("91370102MA3C4Y5XI")


def test_a_credit_code_is_not_taken_for_an_id_number() -> None:
    assert not is_valid_resident_id(credit_code())
    assert not is_valid_resident_id(credit_code("12370000495571063"))  # all digits, no birth date inside


def test_a_number_with_a_right_check_digit_but_no_province_is_no_resident_id() -> None:
    """GB 11643: the first six digits are an address code of GB/T 2260; "10" is no province. The
    engine and the inbound webhooks used to disagree on this number; both now call this check."""
    import webhooks.inbound

    number = "107737196104226679"
    assert id_check(number[:17]) == number[17] and resident_id_birth_date(number) == date(1961, 4, 22)
    assert not is_valid_resident_id(number)
    assert is_valid_resident_id("11" + number[2:17] + id_check("11" + number[2:17]))
    assert webhooks.inbound.is_valid_resident_id is is_valid_resident_id
    assert webhooks.inbound.is_valid_credit_code is is_valid_credit_code
