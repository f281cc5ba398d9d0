"""The budget of one evaluation, counted while it runs (limits: ``engine.kernel.budgets``).

The language has no loops, so the nodes of a tree run at most once each and their number is bounded
by the source length. What can cost without bound is the data: comparing, searching, copying or
repeating a large list or string. Each such operation asks the ``Meter`` first, with the work it is
about to do (in units: an element compared, copied or measured), and is refused before it runs when
that would pass the budget's operations, its wall time, or the size a created value may have.
"""

from __future__ import annotations

import time
from typing import Any

from engine.kernel.budgets import DEFAULT_BUDGET, EvaluationBudget
from engine.runner.expressions.errors import ExpressionError

_SCALARS = (int, float, bool, type(None))
_FLAT = (*_SCALARS, str)  # compared in one C-level pass: a text (at most what the case holds) costs little


class BudgetExceeded(ExpressionError):
    """An evaluation (or a step) went past its budget; ``budget`` names which limit."""

    def __init__(self, budget: str, message_zh: str, message_en: str) -> None:
        super().__init__(message_zh, message_en)
        self.budget = budget
        self.details["budget"] = budget


def over_operations(limit: int) -> BudgetExceeded:
    return BudgetExceeded(
        "operations",
        f"表达式的计算量超过预算（{limit} 次操作）；请简化条件或脚本",
        f"The expression needs more work than its budget ({limit} operations); simplify "
        "the condition or script",
    )


def over_time(seconds: float) -> BudgetExceeded:
    return BudgetExceeded(
        "time",
        f"表达式求值超过时间预算（{seconds:g} 秒）；请简化条件或脚本",
        f"The expression ran past its time budget ({seconds:g} s); simplify the condition or script",
    )


def over_size(size: int, limit: int) -> BudgetExceeded:
    return BudgetExceeded(
        "value-size",
        f"表达式要生成的值过大（约 {size} 个字符，上限 {limit}），未生成；请不要在流程中构造大列表或长文本",
        f"The value the expression would create is too large (about {size} characters, "
        f"limit {limit}) and was not built; do not build large lists or texts in a diagram",
    )


def measure(value: Any, limit: int) -> tuple[int, int]:
    """(≈ characters of ``value``'s JSON, nodes visited); stops as soon as the size passes ``limit``.

    Shared parts count each time they appear, as they would in the saved state: ``[x] * 1000`` is a
    thousand ``x``. Iterative, so a deeply nested value cannot exhaust the stack."""
    total = visited = 0
    stack = [value]
    while stack and total <= limit:
        item = stack.pop()
        visited += 1
        kind = type(item)
        if kind is str:
            total += len(item) + 2
        elif kind is list or kind is tuple:
            total += len(item) + 1
            if total <= limit:
                stack.extend(item)
        elif kind is dict:
            total += 2 * len(item) + 1
            if total <= limit:
                stack.extend(item.keys())
                stack.extend(item.values())
        elif kind is int:
            total += item.bit_length() // 3 + 1
        else:
            total += 8
    return total, visited


class Meter:
    """Counts one evaluation's work against ``budget``; raises ``BudgetExceeded`` before it is passed."""

    __slots__ = ("budget", "capped", "deadline", "left")

    def __init__(self, budget: EvaluationBudget = DEFAULT_BUDGET, *, until: float | None = None) -> None:
        """``until``: a ``time.monotonic()`` the evaluation must not pass either (its step's end)."""
        self.budget = budget
        self.left = budget.operations
        self.deadline = time.monotonic() + budget.seconds
        if until is not None:
            self.deadline = min(self.deadline, until)
        self.capped: list[tuple[str, str]] = []  # timer values brought within the budget: (was, now)

    def spend(self, units: int) -> None:
        """Pay for ``units`` of work about to be done (or just done, for a measurement)."""
        self.left -= units
        if self.left < 0:
            raise over_operations(self.budget.operations)
        if time.monotonic() > self.deadline:
            raise over_time(self.budget.seconds)

    def size(self, value: Any, limit: int | None = None) -> int:
        """``measure`` paid for: stops past ``limit`` (default: what the remaining budget can pay)."""
        if type(value) in _SCALARS:
            return 1
        if type(value) is str:
            return len(value) + 2
        total, visited = measure(value, self.left if limit is None else min(limit, self.left))
        self.spend(visited)
        return total

    def admit(self, size: int) -> None:
        """Refuse to create a value of ``size`` when it is over the budget's value size."""
        if size > self.budget.value_size:
            raise over_size(size, self.budget.value_size)

    def compare(self, left: Any, right: Any) -> None:
        """Pay for comparing two lists or maps (``==``, ``<``…): at most the smaller of the two is walked."""
        if type(left) in _FLAT or type(right) in _FLAT:
            return
        smaller = self.size(left)
        self.spend(min(smaller, self.size(right, smaller)))

    def search(self, item: Any, container: Any) -> None:
        """Pay for ``item in container``: the container is walked, the item compared to each element."""
        if type(container) is dict:
            self.spend(self.size(item))
        elif container is not None and type(container) not in _SCALARS:
            self.spend(self.size(container) + self.size(item))


class FreeMeter(Meter):
    """No budget at all: only for measuring what the budget costs (``bench/evaluation_budget.py``)."""

    __slots__ = ()

    def spend(self, units: int) -> None:
        return None

    def size(self, value: Any, limit: int | None = None) -> int:
        return 0

    def admit(self, size: int) -> None:
        return None

    def compare(self, left: Any, right: Any) -> None:
        return None

    def search(self, item: Any, container: Any) -> None:
        return None
