"""Check digits of the two Chinese identity numbers an applicant can carry.

* 居民身份证号 (GB 11643-1999): 17 digits + a check character (0-9 or X), ISO 7064 MOD 11-2,
  with a real birth date in positions 7-14.
* 统一社会信用代码 (GB 32100-2015): 18 characters from ``0-9 A-H J-N P-R T U W-Y``, the last one a
  MOD 31 check character.
"""

from __future__ import annotations

import re
from datetime import date

_RESIDENT_ID = re.compile(r"[1-9][0-9]{16}[0-9Xx]")
_RESIDENT_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_RESIDENT_CHECKS = "10X98765432"

CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_CODE = re.compile(f"[{CREDIT_CODE_ALPHABET}]{{2}}[0-9]{{6}}[{CREDIT_CODE_ALPHABET}]{{10}}")
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def resident_id_is_valid(number: str) -> bool:
    """Whether ``number`` is a well-formed 18-character 居民身份证号 (birth date and check digit)."""
    if not _RESIDENT_ID.fullmatch(number):
        return False
    try:
        date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    total = sum(int(digit) * weight for digit, weight in zip(number[:17], _RESIDENT_WEIGHTS, strict=True))
    return _RESIDENT_CHECKS[total % 11] == number[17].upper()


def credit_code_is_valid(code: str) -> bool:
    """Whether ``code`` is a well-formed 统一社会信用代码 (alphabet, layout and check character)."""
    if not _CREDIT_CODE.fullmatch(code):
        return False
    total = sum(CREDIT_CODE_ALPHABET.index(char) * weight
                for char, weight in zip(code[:17], _CREDIT_WEIGHTS, strict=True))
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31] == code[17]
