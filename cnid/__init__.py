"""Chinese identifiers: the resident identity card number and the unified social credit code.

One check, imported by the engine (redaction) and by ``webhooks`` (inbound applications); it imports
neither. ``107737196104226679`` is refused: its check digit is right but "10" is no province.

* 居民身份证号码 (GB 11643-1999): 6-digit address code, 8-digit birth date, 3-digit
  sequence, 1 check character = ISO 7064 MOD 11-2 over the first 17 digits, ``0-9`` or
  ``X``. We also require a known province-level prefix (GB/T 2260, plus 83 for Taiwan
  residents' mainland cards) and a real calendar birth date from 1850 on (not after
  ``today`` when given). A lowercase ``x`` is accepted, as people type it; the old
  15-digit numbers (invalid since 2013) are not.
* 统一社会信用代码 (GB 32100-2015): 18 characters from ``0-9A-HJ-NPQRTUWXY`` (no I, O,
  Z, S, V); characters 3-8 are the administrative division code (digits); the check
  character is ``31 - (sum(value_i * 3^i mod 31) mod 31)``, 31 read as 0. Upper case only.
"""

from __future__ import annotations

from datetime import date

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_PROVINCES = frozenset(
    {
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
        "83",
    }
)
_EARLIEST_BIRTH_YEAR = 1850

CREDIT_CODE_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_VALUE = {char: value for value, char in enumerate(CREDIT_CODE_CHARSET)}
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def resident_id_check_char(first17: str) -> str:
    """The GB 11643 check character for 17 digits."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError("expected 17 ASCII digits")
    total = sum(int(digit) * weight for digit, weight in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def resident_id_birth_date(number: str) -> date | None:
    """The birth date encoded in an 18-character ID number, or None if it is no real date."""
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None
    return born if born.year >= _EARLIEST_BIRTH_YEAR else None


def is_valid_resident_id(number: str, *, today: date | None = None) -> bool:
    """An 18-character 居民身份证号码 with a valid province, birth date and check character."""
    if not isinstance(number, str) or len(number) != 18:
        return False
    body, check = number[:17], number[17].upper()
    if not body.isascii() or not body.isdigit() or body[:2] not in _PROVINCES:
        return False
    born = resident_id_birth_date(number)
    if born is None or (today is not None and born > today):
        return False
    return resident_id_check_char(body) == check


def credit_code_check_char(first17: str) -> str:
    """The GB 32100 check character for the first 17 characters of a credit code."""
    if len(first17) != 17 or any(char not in _CREDIT_VALUE for char in first17):
        raise ValueError("expected 17 characters from 0-9A-HJ-NPQRTUWXY")
    total = sum(_CREDIT_VALUE[char] * weight for char, weight in zip(first17, _CREDIT_WEIGHTS, strict=True))
    return CREDIT_CODE_CHARSET[(31 - total % 31) % 31]


def is_valid_credit_code(code: str) -> bool:
    """An 18-character 统一社会信用代码 with digits at 3-8 and a valid check character."""
    if not isinstance(code, str) or len(code) != 18 or any(char not in _CREDIT_VALUE for char in code):
        return False
    if not code[2:8].isdigit():
        return False
    return credit_code_check_char(code[:17]) == code[17]
