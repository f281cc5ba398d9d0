"""What ``${...}`` (JUEL) comparisons, arithmetic, logic and property access do, by the EL 2.2 spec
(JSR-245 §1.6–1.9) as Camunda 7 runs it (``org.camunda.bpm.impl.juel.BooleanOperations``,
``NumberOperations``).

- ``A {<,>,<=,>=} B`` (§1.8.1): equal → <= and >= hold; null on either side → false; then by the "widest"
  type of the two: BigDecimal, Double, BigInteger, Long, String; else Comparable; else an error.
  ``'1500' > 1000`` is true (the text becomes a Long); ``'abc' > 1`` is an error.
- ``A {==,!=} B`` (§1.8.2): null equals only null; then BigDecimal, Double, BigInteger, Long, Boolean,
  String in that order; else ``equals``. ``'true' == true`` is true; ``'1' == 1`` is true; ``true == 1``
  is an error (a Boolean is not a number).
- ``+ - * / %`` and unary ``-`` (§1.7): null counts as 0; text with ``.``/``e`` is a Double, other text a
  Long; ``/`` always divides as Double (BigDecimal when one side is one). A Long result outside 64 bits is
  an error here (Java would silently wrap around).
- ``&& || ! ?:`` coerce to Boolean (§1.9, §1.18.5): null and "" are false, "true" (any case) is true, any
  other text false, a number is an error.
- ``a.b`` / ``a[b]`` (§1.6): null ``a`` gives null; a map's missing key gives null; a list's index is
  coerced to a Long and out of range gives null; anything else (text, numbers) has no properties.

One deliberate difference: two BigDecimals (``Decimal``) are equal when their values are equal (Java's
``BigDecimal.equals`` also compares the scale, ``1.0 != 1.00``). A Camunda 7 variable is never a
BigDecimal unless Java code made it one; Sanxiang's decimals come from its own forms.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_UP, Decimal, DivisionByZero, InvalidOperation, localcontext
from typing import Any

from engine.runner.expressions.el.coercion import (
    COMPARABLE,
    LONG_MAX,
    LONG_MIN,
    UNSET,
    as_null,
    kind,
    not_set,
    to_bigint,
    to_boolean,
    to_decimal,
    to_double,
    to_long,
    to_string,
)
from engine.runner.expressions.errors import ExpressionError, describe
from engine.runner.expressions.meter import Meter
from engine.runner.expressions.operations import bounded

_ORDER: tuple[tuple[str, Callable[[Any], Any]], ...] = (
    ("decimal", to_decimal),
    ("double", to_double),
    ("bigint", to_bigint),
    ("long", to_long),
    ("string", to_string),
)
_EQUALITY: tuple[tuple[str, Callable[[Any], Any]], ...] = (
    ("decimal", to_decimal),
    ("double", to_double),
    ("bigint", to_bigint),
    ("long", to_long),
    ("boolean", to_boolean),
    ("string", to_string),
)


def _common(a: Any, b: Any, table: tuple[tuple[str, Callable[[Any], Any]], ...]) -> tuple[Any, Any] | None:
    kinds = (kind(a), kind(b))
    for name, coerce in table:
        if name in kinds:
            return coerce(a), coerce(b)
    return None


def _less(a: Any, b: Any) -> bool:
    pair = _common(a, b, _ORDER)
    if pair is None:
        pair = _comparable(a, b)
    return bool(pair[0] < pair[1])


def _comparable(a: Any, b: Any) -> tuple[Any, Any]:
    if isinstance(a, COMPARABLE) and type(a) is type(b):
        return a, b
    raise cannot_order(a, b)


def cannot_order(a: Any, b: Any) -> ExpressionError:
    return ExpressionError(
        f"无法比较大小：{describe(a)} 与 {describe(b)}（EL 规则下两者不可比较）；请比较同类的值",
        f"Cannot compare {describe(a)} with {describe(b)} (not comparable under the EL "
        "rules); compare values of the same kind",
    )


def equals(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    pair = _common(a, b, _EQUALITY)
    return bool(pair[0] == pair[1]) if pair is not None else bool(a == b)


def _charge_comparison(a: Any, b: Any, meter: Meter) -> None:
    meter.compare(a, b)
    for side in (a, b):
        if kind(side) == "other" and not isinstance(side, COMPARABLE):
            meter.size(side)  # coercing a list or map to text walks it


def compare(symbol: str, a: Any, b: Any, meter: Meter) -> bool:
    """``a symbol b`` for ``== != < > <= >=`` under the EL rules (``UNSET``: null, but not ordered)."""
    if UNSET in (a, b) and symbol not in ("==", "!="):
        raise not_set(a if a is UNSET else b)
    a, b = as_null(a), as_null(b)
    _charge_comparison(a, b, meter)
    try:
        if symbol in ("==", "!="):
            return equals(a, b) is (symbol == "==")
        if a is None or b is None:
            return a is None and b is None and symbol in ("<=", ">=")
        if symbol == "<":
            return _less(a, b)
        if symbol == ">":
            return _less(b, a)
        return not _less(b, a) if symbol == "<=" else not _less(a, b)
    except TypeError:  # e.g. an aware and a naive date-time
        raise cannot_order(a, b) from None


def _is_dot_e(value: Any) -> bool:
    return type(value) is str and any(mark in value for mark in ".eE")


def _floating(value: Any) -> bool:
    return type(value) is float or _is_dot_e(value)


def _long(result: int) -> int:
    if not LONG_MIN <= result <= LONG_MAX:
        raise ExpressionError(
            "整数运算结果超出 64 位范围（Camunda 7 会静默溢出）；请缩小数值",
            "The whole-number result is outside 64 bits (Camunda 7 would silently wrap "
            "around); use smaller numbers",
        )
    return result


def _apply(symbol: str, a: Any, b: Any) -> Any:
    kinds = (kind(a), kind(b))
    if a is None and b is None:
        return 0
    operate = _PLAIN[symbol]
    if symbol == "/":
        if "decimal" in kinds or "bigint" in kinds:
            return _decimal_divide(to_decimal(a), to_decimal(b))
        return to_double(a) / _nonzero(to_double(b))
    if symbol == "%":
        if "decimal" in kinds or _floating(a) or _floating(b):
            return math.fmod(to_double(a), _nonzero(to_double(b)))
        coerce = to_bigint if "bigint" in kinds else to_long
        left, right = coerce(a), coerce(b)
        remainder = abs(left) % abs(_nonzero(right))
        return remainder if left >= 0 else -remainder
    if "decimal" in kinds:
        return operate(to_decimal(a), to_decimal(b))
    if _floating(a) or _floating(b):
        if "bigint" in kinds:
            return operate(to_decimal(a), to_decimal(b))
        return operate(to_double(a), to_double(b))
    if "bigint" in kinds:
        return operate(to_bigint(a), to_bigint(b))
    return _long(operate(to_long(a), to_long(b)))


_PLAIN: dict[str, Callable[[Any, Any], Any]] = {
    "+": lambda x, y: x + y,
    "-": lambda x, y: x - y,
    "*": lambda x, y: x * y,
    "/": lambda x, y: x / y,
    "%": lambda x, y: x % y,
}


def _nonzero(number: Any) -> Any:
    if number == 0:
        raise ExpressionError("除数为零", "Division by zero")
    return number


def _decimal_divide(left: Decimal, right: Decimal) -> Decimal:
    """``BigDecimal.divide(right, HALF_UP)``: the quotient rounded to the dividend's scale."""
    exponent = left.as_tuple().exponent
    assert isinstance(exponent, int)
    try:
        with localcontext() as context:
            context.prec = 200
            quotient: Decimal = left / _nonzero(right)
            return quotient.quantize(Decimal(1).scaleb(exponent), rounding=ROUND_HALF_UP)
    except (InvalidOperation, DivisionByZero):
        raise ExpressionError("小数除法无法得到结果", f"Cannot divide {left} by {right}") from None


def arithmetic(symbol: str, a: Any, b: Any, meter: Meter) -> Any:
    """``a symbol b`` for ``+ - * / %`` under the EL rules; results bounded like every other value."""
    if UNSET in (a, b):
        raise not_set(UNSET)
    return bounded(_apply(symbol, a, b))


def negate(value: Any) -> Any:
    """Unary minus (§1.7.5): null is 0; text with ``.``/``e`` a Double, other text a Long."""
    if value is UNSET:
        raise not_set(value)
    if value is None:
        return 0
    if type(value) is str:
        return -to_double(value) if _is_dot_e(value) else _long(-to_long(value))
    if type(value) in (int, float, Decimal):
        return bounded(-value)
    raise ExpressionError(
        f"负号只能用于数字，却得到 {describe(value)}",
        f"Unary minus works on numbers only, got {describe(value)}",
    )


def truth(value: Any) -> bool:
    """A logical operand (``&& || ! ?:``) coerced to Boolean."""
    return to_boolean(value)


def _entry(container: Mapping[Any, Any], key: Any) -> Any:
    try:
        return container.get(key)
    except TypeError:
        raise ExpressionError(f"键 {describe(key)} 不可用", f"{describe(key)} cannot be a key") from None


def member(container: Any, key: Any) -> Any:
    """``container.key`` / ``container[key]`` (§1.6); a property of an unset fact is unset too."""
    if container is UNSET:
        return UNSET
    key = as_null(key)
    if container is None:
        return None
    if isinstance(container, Mapping):
        return _entry(container, key)
    if isinstance(container, list | tuple):
        if key is None:
            return None
        index = to_long(key)
        return container[index] if 0 <= index < len(container) else None
    raise ExpressionError(
        f"{describe(container)} 没有属性或下标 {describe(key)}；只能用于映射与列表",
        f"{describe(container)} has no property or index {describe(key)}; maps and lists only",
    )
