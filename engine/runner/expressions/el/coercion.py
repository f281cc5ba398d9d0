"""EL 2.2 type coercion (JSR-245 §1.18), as Camunda 7's JUEL does it
(``org.camunda.bpm.impl.juel.TypeConverterImpl``).

The Java types map onto ours: ``null`` → None, ``Boolean`` → bool, ``Long`` → int within 64 bits,
``BigInteger`` → a larger int, ``Double`` → float, ``BigDecimal`` → Decimal, ``String`` → str; anything else
(lists, maps, dates) is an "other" object. A value that cannot be coerced raises ``ExpressionError`` with
the spec's reason (Java: ``ELException``); the step that evaluated it fails with that reason.

Where Java and Python differ in what they can hold, the choice is written here once:
- ``String`` → number accepts what ``Long.valueOf`` / ``Double.valueOf`` / ``new BigDecimal`` accept
  (``Double.valueOf`` trims blanks and takes ``NaN``, ``Infinity`` and a ``d``/``f`` suffix);
- a number as text is Java's ``toString`` (``1500.0``, ``1.0E7``); a date, list or map as text is its
  ISO/Python text (Java would print ``Thu Jan 01 …`` or ``[a, b]``).
"""

from __future__ import annotations

import math
import re
from datetime import date, time
from decimal import Decimal, InvalidOperation
from typing import Any

from engine.runner.expressions.errors import ExpressionError, describe

LONG_MIN, LONG_MAX = -(2**63), 2**63 - 1
_LONG_TEXT = re.compile(r"[+-]?\d+")
_DOUBLE_TEXT = re.compile(r"[+-]?(?:NaN|Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[fFdD]?)")
_DECIMAL_TEXT = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_JAVA_BLANKS = "".join(chr(code) for code in range(33))  # what String.trim() removes
COMPARABLE = (bool, date, time)  # Java Comparable besides String and numbers (date includes datetime)


class _Unset:
    """A fact nobody has set, read outside a diagram step (``missing="none"``: the catalogue of major
    decisions). Logic, equality and ``empty`` treat it as null; ordering and arithmetic on it raise, so a
    legal gate that compares an unset fact fails closed instead of reading ``null > 1000000`` as false."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "unset"


UNSET = _Unset()


def not_set(value: Any) -> ExpressionError:
    return ExpressionError(
        "比较或计算用到了尚未填写的事实；无法判断",
        "A comparison or calculation uses a fact that has not been set; it cannot be judged",
    )


def as_null(value: Any) -> Any:
    return None if value is UNSET else value


def kind(value: Any) -> str:
    """The EL type of a value: null, boolean, long, bigint, double, decimal, string or other."""
    if value is None:
        return "null"
    found = type(value)
    if found is bool:
        return "boolean"
    if found is int:
        return "long" if LONG_MIN <= value <= LONG_MAX else "bigint"
    return {float: "double", Decimal: "decimal", str: "string"}.get(found, "other")


def cannot_coerce(value: Any, target_zh: str, target_en: str) -> ExpressionError:
    return ExpressionError(
        f"无法把 {describe(value)} 转换为{target_zh}（EL 类型转换规则）；请先检查变量的值",
        f"Cannot coerce {describe(value)} to {target_en} (EL coercion rules, "
        "JSR-245 1.18); check the variable's value",
    )


def _empty(value: Any) -> bool:
    return value is None or value is UNSET or value == ""


def _scalar_number(value: Any, target_zh: str, target_en: str) -> Any:
    """``value`` if it is a Java ``Number`` (bool is not one), else the EL error."""
    if type(value) in (int, float, Decimal):
        return value
    raise cannot_coerce(value, target_zh, target_en)


def to_long(value: Any) -> int:
    """Coerce to ``Long`` (§1.18.3): null and "" are 0; text as ``Long.valueOf``; a number truncated."""
    if _empty(value):
        return 0
    if type(value) is str:
        if _LONG_TEXT.fullmatch(value) and LONG_MIN <= int(value) <= LONG_MAX:
            return int(value)
        raise cannot_coerce(value, "整数", "Long")
    number = _scalar_number(value, "整数", "Long")
    if type(number) is float and not math.isfinite(number):
        return 0 if math.isnan(number) else (LONG_MAX if number > 0 else LONG_MIN)
    return int(number)


def to_bigint(value: Any) -> int:
    if _empty(value):
        return 0
    if type(value) is str:
        if _LONG_TEXT.fullmatch(value):
            return int(value)
        raise cannot_coerce(value, "整数", "BigInteger")
    number = _scalar_number(value, "整数", "BigInteger")
    if type(number) is float and not math.isfinite(number):
        raise cannot_coerce(value, "整数", "BigInteger")
    return int(number)


def to_double(value: Any) -> float:
    """Coerce to ``Double``: null and "" are 0.0; text as ``Double.valueOf``."""
    if _empty(value):
        return 0.0
    if type(value) is str:
        text = value.strip(_JAVA_BLANKS)
        if _DOUBLE_TEXT.fullmatch(text):
            return float(text.rstrip("fFdD").replace("Infinity", "inf"))
        raise cannot_coerce(value, "数字", "Double")
    number = _scalar_number(value, "数字", "Double")
    try:
        return float(number)
    except OverflowError:
        raise cannot_coerce(value, "数字", "Double") from None


def to_decimal(value: Any) -> Decimal:
    if _empty(value):
        return Decimal(0)
    if type(value) is str:
        if _DECIMAL_TEXT.fullmatch(value):
            return Decimal(value)
        raise cannot_coerce(value, "数字", "BigDecimal")
    number = _scalar_number(value, "数字", "BigDecimal")
    if type(number) is float and not math.isfinite(number):
        raise cannot_coerce(value, "数字", "BigDecimal")
    try:
        return number if type(number) is Decimal else Decimal(number)
    except InvalidOperation:
        raise cannot_coerce(value, "数字", "BigDecimal") from None


def to_boolean(value: Any) -> bool:
    """Coerce to ``Boolean`` (§1.18.5): null and "" are false; text is true only if it is "true" (any
    case)."""
    if _empty(value):
        return False
    if type(value) is bool:
        return value
    if type(value) is str:
        return value.lower() == "true"
    raise cannot_coerce(value, "true/false", "Boolean")


def to_string(value: Any) -> str:
    """Coerce to ``String`` (§1.18.2): null is ""; numbers and booleans as Java prints them."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    found = type(value)
    if found is bool:
        return "true" if value else "false"
    if found is float:
        return java_double_text(value)
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def java_double_text(number: float) -> str:
    """``Double.toString``: ``1500.0``, ``0.001``, ``1.0E7``, ``1.5E-4``, ``NaN``, ``Infinity``."""
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "Infinity" if number > 0 else "-Infinity"
    if number == 0:
        return "-0.0" if math.copysign(1.0, number) < 0 else "0.0"
    sign, digits, exponent = Decimal(repr(number)).as_tuple()
    assert isinstance(exponent, int)
    text = "".join(map(str, digits))
    point = len(text) + exponent  # where the decimal point falls in ``text``
    if 1e-3 <= abs(number) < 1e7:
        whole, fraction = (text[:point] or "0", text[point:]) if point > 0 else ("0", "0" * -point + text)
        body = f"{whole}.{fraction.rstrip('0') or '0'}"
    else:
        body = f"{text[0]}.{text[1:].rstrip('0') or '0'}E{point - 1}"
    return ("-" if sign else "") + body
