"""Masking personal information of natural persons in texts to be published (公示).

Rules are data: a :class:`Rule` has a name, a regex, a validator (does this match really
need masking?) and a masker (what replaces it). ``redact`` applies the rules in order,
each to the text left by the ones before, and reports how often each one fired.

Default rules and their masks:

* ``address``: a personal address after a label (住址 / 家庭住址 / 现住址 / 居住地址 /
  户籍地址 / 家庭地址, then ``:`` or ``：``) up to the end of the clause. The province,
  city and county/district are kept, the rest becomes ``****``:
  ``山东省济南市历下区****``. ``住所`` / ``住所地`` introduce an organisation's registered
  (public) address too, so they count only in a sentence that speaks of a natural person
  (身份, 性别, 出生 or ``，男，``/``，女，`` before it since the last ``。`` or line break).
* ``resident_id``: an 18-character number passing GB 11643 (check character and birth
  date). Positions 7-14, the birth date, are hidden, the common practice in Chinese
  public disclosure (first 6 and last 4 kept): ``370102********123X``.
* ``bank_card``: 16-19 digits (optionally in groups of four) passing the Luhn check and
  not a valid unified social credit code; all but the last four digits become ``*``.
* ``mobile``: a mainland mobile number ``1[3-9]`` + 9 digits (``+86`` and ``-``/space
  groups allowed) becomes ``138****5678``.

``LANDLINE`` (``0531-12345678`` → ``0531-****5678``) is not a default: decision texts
usually carry the bureau's own public telephone. Add it with ``rules=ALL_RULES``.

What stays: unified social credit codes, organisation names, dates, amounts, case
numbers, and any number failing its check (an 18-digit number that is no valid ID).
A number after a label such as 信用代码, 案号, 文号 or 编号 in the same clause is not
masked (unless that clause also says 身份, 证件, 银行, 卡号, 账号, 电话 or 手机), nor one
after ¥/人民币 or before a currency unit (元, 万元, 亿元). When an 18-digit
number is both a valid ID and a valid credit code, and no label says which, it is masked:
leaking an ID costs more than hiding a public code.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from cnid import is_valid_credit_code, is_valid_resident_id

Validator = Callable[[re.Match[str]], bool]
Masker = Callable[[re.Match[str]], str]


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    pattern: re.Pattern[str]
    validator: Validator
    masker: Masker


@dataclass(frozen=True, slots=True)
class RuleHit:
    rule: str
    count: int


@dataclass(frozen=True, slots=True)
class Redacted:
    text: str
    applied: list[RuleHit]

    @property
    def changed(self) -> bool:
        return bool(self.applied)


_CLAUSE_END = "，,；;。\n\r"
_PUBLIC_LABELS = ("信用代码", "案号", "文号", "编号", "流水号", "办件号", "注册号", "许可证号")
_PERSONAL_LABELS = ("身份", "证件", "银行", "卡号", "账号", "帐号", "电话", "手机")
_CURRENCY_AFTER = re.compile(r"\s*(?:元|万元|亿元|美元)")
_CURRENCY_BEFORE = ("¥", "￥", "RMB", "人民币")


def _clause_before(match: re.Match[str]) -> str:
    before = match.string[max(0, match.start() - 24) : match.start()]
    cut = max(before.rfind(mark) for mark in _CLAUSE_END)
    return before[cut + 1 :]


def _is_plain_personal_number(match: re.Match[str]) -> bool:
    """False if the clause labels this number as public, or it reads as an amount."""
    clause = _clause_before(match)
    if any(label in clause for label in _PUBLIC_LABELS) and not any(
        label in clause for label in _PERSONAL_LABELS
    ):
        return False
    if clause.rstrip().endswith(_CURRENCY_BEFORE):
        return False
    return _CURRENCY_AFTER.match(match.string, match.end()) is None


def _luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _keep_ends(text: str, head: int, tail: int) -> str:
    """Keep ``head`` and ``tail`` digits; mask every other digit, keep separators."""
    digit_positions = [index for index, char in enumerate(text) if char.isdigit() or char in "Xx"]
    hidden = set(digit_positions[head : len(digit_positions) - tail])
    return "".join("*" if index in hidden else char for index, char in enumerate(text))


# --- resident identity card number ---------------------------------------------------
_ID_PATTERN = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")


def _id_is_personal(match: re.Match[str]) -> bool:
    return is_valid_resident_id(match.group()) and _is_plain_personal_number(match)


RESIDENT_ID = Rule("resident_id", _ID_PATTERN, _id_is_personal, lambda m: _keep_ends(m.group(), 6, 4))

# --- bank card number ----------------------------------------------------------------
_CARD_PATTERN = re.compile(r"(?<![0-9A-Za-z])(?:\d{16,19}|\d{4}(?: \d{4}){3}(?: \d{1,3})?)(?![0-9A-Za-z])")


def _card_is_personal(match: re.Match[str]) -> bool:
    digits = match.group().replace(" ", "")
    if not 16 <= len(digits) <= 19 or not _luhn_ok(digits) or is_valid_credit_code(digits):
        return False
    return _is_plain_personal_number(match)


BANK_CARD = Rule("bank_card", _CARD_PATTERN, _card_is_personal, lambda m: _keep_ends(m.group(), 0, 4))

# --- mobile and landline telephone numbers -------------------------------------------
_MOBILE_PATTERN = re.compile(
    r"(?<![0-9A-Za-z])(?P<cc>\+?86[- ]?)?(?P<num>1[3-9]\d(?:[- ]?\d{4}){2})(?![0-9A-Za-z])"
)


def _mask_mobile(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group("num"))
    return f"{match.group('cc') or ''}{digits[:3]}****{digits[7:]}"


MOBILE = Rule("mobile", _MOBILE_PATTERN, _is_plain_personal_number, _mask_mobile)

_LANDLINE_PATTERN = re.compile(
    r"(?<![0-9A-Za-z])(?P<area>0\d{2,3})-(?P<num>\d{7,8})(?:-\d{1,6})?(?![0-9A-Za-z])"
)


def _mask_landline(match: re.Match[str]) -> str:
    number = match.group("num")
    return f"{match.group('area')}-{'*' * (len(number) - 4)}{number[-4:]}"


LANDLINE = Rule("landline", _LANDLINE_PATTERN, _is_plain_personal_number, _mask_landline)

# --- personal address after a label --------------------------------------------------
_ADDRESS_PATTERN = re.compile(
    r"(?P<label>(?:家庭|现|居住|户籍)?住址|家庭地址|居住地址|户籍地址|现居住地|住所地?)(?P<sep>\s*[:：]\s*)"
    r"(?P<value>[^，,；;。\n\r\s]+)"
)
_NAME = r"[^省市区县旗盟路街村镇乡号巷弄幢栋室\d\s]"
_ADMIN_PREFIX = re.compile(
    rf"(?:{_NAME}{{1,8}}?(?:省|自治区|特别行政区))?"
    rf"(?:{_NAME}{{1,12}}?(?:市|自治州|州(?!市)|地区|盟))?"
    rf"(?:(?:{_NAME}|市){{1,15}}?(?:(?<![小社园])区|县|市|旗))?"
)
_ADDRESS_MASK = "****"


def _admin_prefix(address: str) -> str:
    """Province, city and county/district at the start of an address ("" if none)."""
    found = _ADMIN_PREFIX.match(address)
    return found.group() if found else ""


_PERSON_MARKERS = ("身份", "性别", "出生", "，男，", "，女，", ",男,", ",女,")


def _is_personal_address(match: re.Match[str]) -> bool:
    value = match.group("value")
    if not value[len(_admin_prefix(value)) :].strip("*"):
        return False  # nothing (left) below the district to hide
    if not match.group("label").startswith("住所"):
        return True
    text, start = match.string, match.start()
    sentence = text[max(text.rfind("。", 0, start), text.rfind("\n", 0, start)) + 1 : start]
    return any(marker in sentence for marker in _PERSON_MARKERS)


def _mask_address(match: re.Match[str]) -> str:
    kept = _admin_prefix(match.group("value"))
    return f"{match.group('label')}{match.group('sep')}{kept}{_ADDRESS_MASK}"


ADDRESS = Rule("address", _ADDRESS_PATTERN, _is_personal_address, _mask_address)

DEFAULT_RULES: tuple[Rule, ...] = (ADDRESS, RESIDENT_ID, BANK_CARD, MOBILE)
ALL_RULES: tuple[Rule, ...] = (ADDRESS, RESIDENT_ID, BANK_CARD, MOBILE, LANDLINE)


def _apply(rule: Rule, text: str) -> tuple[str, int]:
    count = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal count
        if not rule.validator(match):
            return match.group()
        count += 1
        return rule.masker(match)

    return rule.pattern.sub(replace, text), count


def redact(text: str, *, rules: Sequence[Rule] = DEFAULT_RULES) -> Redacted:
    """Mask what the rules find, in rule order; ``applied`` lists the rules that fired."""
    hits: list[RuleHit] = []
    for rule in rules:
        text, count = _apply(rule, text)
        if count:
            hits.append(RuleHit(rule.name, count))
    return Redacted(text, hits)
