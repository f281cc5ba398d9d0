"""The operations expressions may perform, each guarded: plain data in, plain data out, bounded size.

Every failure is an ``ExpressionError`` with a zh and an en message, never a raw ``TypeError``. An
operation whose work grows with its data asks the ``Meter`` first (``engine.runner.expressions.meter``).
"""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable, Mapping, Sized
from typing import Any

from engine.runner.expressions.el.coercion import UNSET
from engine.runner.expressions.errors import ExpressionError, describe
from engine.runner.expressions.limits import MAX_INT_BITS, MAX_SEQUENCE_LENGTH
from engine.runner.expressions.meter import BudgetExceeded, Meter

Binary = Callable[[Any, Any], Any]
Metered = Callable[[Any, Any, Meter], Any]
_SEQUENCES = (str, list, tuple)


def is_number(value: object) -> bool:
    return type(value) in (int, float)


def _not_numbers(symbol: str, left: object, right: object) -> ExpressionError:
    return ExpressionError(
        f"运算 {symbol} 只能用于数字，却得到 {describe(left)} 与 {describe(right)}",
        f"'{symbol}' works on numbers only, got {describe(left)} and {describe(right)}",
    )


def bounded(value: Any) -> Any:
    """Refuse results too large to be data a diagram should produce."""
    if type(value) is int and value.bit_length() > MAX_INT_BITS:
        raise BudgetExceeded(
            "value-size",
            f"计算结果数字过大（上限 {MAX_INT_BITS} 位）",
            f"The result is too large (limit {MAX_INT_BITS} bits)",
        )
    if type(value) is float and not math.isfinite(value):
        raise ExpressionError("计算结果不是有限的数字", "The result is not a finite number")
    if type(value) is complex:
        raise ExpressionError("计算结果不是实数", "The result is not a real number")
    if isinstance(value, _SEQUENCES) and len(value) > MAX_SEQUENCE_LENGTH:
        raise _too_long()
    return value


def _too_long() -> BudgetExceeded:
    return BudgetExceeded(
        "value-size",
        f"结果过长（上限 {MAX_SEQUENCE_LENGTH} 个字符或元素），未生成",
        f"The result is too long (limit {MAX_SEQUENCE_LENGTH} characters or items) and was not built",
    )


def _numeric(symbol: str, function: Binary) -> Metered:
    def apply(left: Any, right: Any, meter: Meter) -> Any:
        if not (is_number(left) and is_number(right)):
            raise _not_numbers(symbol, left, right)
        try:
            return bounded(function(left, right))
        except ZeroDivisionError:
            raise ExpressionError("除数为零", f"Division by zero in '{symbol}'") from None
        except OverflowError:
            raise BudgetExceeded("value-size", "计算结果数字过大", "The result is too large") from None

    return apply


def _add(left: Any, right: Any, meter: Meter) -> Any:
    if is_number(left) and is_number(right):
        return bounded(left + right)
    for kind in _SEQUENCES:
        if type(left) is kind and type(right) is kind:
            if len(left) + len(right) > MAX_SEQUENCE_LENGTH:
                raise _too_long()
            cap = meter.budget.value_size  # the copy holds every element of both: known before it is made
            size = len(left) + len(right) if kind is str else meter.size(left, cap) + meter.size(right, cap)
            meter.admit(size)
            meter.spend(len(left) + len(right))
            return left + right
    raise ExpressionError(
        f"无法相加：{describe(left)} 与 {describe(right)}；两边应同为数字、字符串或列表",
        f"Cannot add {describe(left)} and {describe(right)}; both sides must be numbers, strings or lists",
    )


def _multiply(left: Any, right: Any, meter: Meter) -> Any:
    if is_number(left) and is_number(right):
        return bounded(left * right)
    sequence, count = (left, right) if isinstance(left, _SEQUENCES) else (right, left)
    if isinstance(sequence, _SEQUENCES) and type(count) is int:
        if len(sequence) * count > MAX_SEQUENCE_LENGTH:
            raise _too_long()
        if count > 0:  # the repetition's size, known before it is built: refused when too large
            if type(sequence) is str:
                meter.admit(len(sequence) * count + 2)
            else:
                meter.admit(meter.size(sequence, meter.budget.value_size // count + 1) * count)
            meter.spend(len(sequence) * count)
        return sequence * count
    raise _not_numbers("*", left, right)


def _power(left: Any, right: Any) -> Any:
    whole = type(left) is int and type(right) is int
    if whole and abs(left) > 1 and right > 0 and (left.bit_length() - 1) * right > MAX_INT_BITS:
        raise BudgetExceeded(
            "value-size",
            f"乘方结果数字过大（上限 {MAX_INT_BITS} 位），未计算",
            f"The power is too large (limit {MAX_INT_BITS} bits) and was not computed",
        )
    return left**right


BINARY: dict[type[ast.operator], Metered] = {
    ast.Add: _add,
    ast.Sub: _numeric("-", operator.sub),
    ast.Mult: _multiply,
    ast.Div: _numeric("/", operator.truediv),
    ast.FloorDiv: _numeric("//", operator.floordiv),
    ast.Mod: _numeric("%", operator.mod),
    ast.Pow: _numeric("**", _power),
}


def negate(value: Any) -> Any:
    if not is_number(value):
        raise ExpressionError(
            f"负号只能用于数字，却得到 {describe(value)}",
            f"Unary minus works on numbers only, got {describe(value)}",
        )
    return -value


def plus(value: Any) -> Any:
    if not is_number(value):
        raise ExpressionError(
            f"正号只能用于数字，却得到 {describe(value)}",
            f"Unary plus works on numbers only, got {describe(value)}",
        )
    return value


def _contains(item: Any, container: Any) -> bool:
    return item in container


def _lacks(item: Any, container: Any) -> bool:
    return item not in container


Charge = Callable[[Meter, Any, Any], None]


def _compared(meter: Meter, left: Any, right: Any) -> None:
    meter.compare(left, right)


def _searched(meter: Meter, item: Any, container: Any) -> None:
    meter.search(item, container)


def _free(meter: Meter, left: Any, right: Any) -> None:
    return None


# symbol, test, what the test costs (paid before it runs)
COMPARE: dict[type[ast.cmpop], tuple[str, Binary, Charge]] = {
    ast.Eq: ("==", operator.eq, _compared),
    ast.NotEq: ("!=", operator.ne, _compared),
    ast.Lt: ("<", operator.lt, _compared),
    ast.LtE: ("<=", operator.le, _compared),
    ast.Gt: (">", operator.gt, _compared),
    ast.GtE: (">=", operator.ge, _compared),
    ast.In: ("in", _contains, _searched),
    ast.NotIn: ("not in", _lacks, _searched),
    ast.Is: ("is", operator.is_, _free),
    ast.IsNot: ("is not", operator.is_not, _free),
}


def cannot_compare(left: object, symbol: str, right: object) -> ExpressionError:
    return ExpressionError(
        f"无法比较：{describe(left)} {symbol} {describe(right)}；请比较同类型的值",
        f"Cannot compare {describe(left)} {symbol} {describe(right)}; compare values of the same type",
    )


def is_empty(value: Any) -> bool:
    """JUEL ``empty``: null, '' and empty lists or maps are empty."""
    return value is None or value is UNSET or (isinstance(value, Sized) and len(value) == 0)


def missing(what_zh: str, what_en: str) -> ExpressionError:
    return ExpressionError(
        f"{what_zh}不存在；请确认名称，或在流程中先给它赋值",
        f"{what_en} does not exist; check the name, or set it earlier in the process",
    )


def index(container: Any, key: Any, none_if_missing: bool) -> Any:
    """``data[key]`` on plain data only: a key of a map, an integer index of a list or string."""
    if isinstance(container, Mapping):
        try:
            return container[key]
        except KeyError:
            if none_if_missing:
                return None
            raise missing(f"键 {key!r} ", f"Key {key!r}") from None
        except TypeError:
            raise ExpressionError(f"键 {describe(key)} 不可用", f"{describe(key)} cannot be a key") from None
    if isinstance(container, _SEQUENCES):
        if type(key) is not int:
            raise ExpressionError(
                f"下标应为整数，却是 {describe(key)}", f"An index must be an integer, got {describe(key)}"
            )
        if -len(container) <= key < len(container):
            return container[key]
        if none_if_missing:
            return None
        raise missing(f"下标 {key} ", f"Index {key}")
    if container is None and none_if_missing:
        return None
    raise ExpressionError(
        f"无法对 {describe(container)} 取键或下标；只能用于映射与列表",
        f"Cannot take a key or index of {describe(container)}; maps and lists only",
    )
