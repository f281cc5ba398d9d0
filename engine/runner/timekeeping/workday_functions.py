"""Working-day functions for diagram expressions (allow-listed through ``Runner(functions=…)``).

``workdays(n)``: the end (23:59:59, Asia/Shanghai) of the n-th working day after "now", as ISO text
with its offset, e.g. ``2026-12-08T23:59:59+08:00``. "Now" is the step's injected clock
(``engine.runner.timekeeping.clock.frozen_now``), so a timer ``<timeDate>${workdays(7)}</timeDate>`` is due at
the close of the 7th working day after the moment the case reached it, holidays and adjusted
working days (调休) included. The start day itself is never counted (art. 82).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from engine.kernel.bureau import ZONE_NAME
from engine.kernel.workdays import MAX_WORKDAYS, WorkdayCalendar
from engine.runner.expressions.errors import ExpressionError, describe
from engine.runner.timekeeping.clock import step_now

FUNCTION_NAMES = frozenset({"workdays"})  # what ``workday_functions`` gives, for checks that need names only


def workday_functions(
    calendar: Callable[[], WorkdayCalendar], zone: str = ZONE_NAME
) -> dict[str, Callable[..., Any]]:
    """The functions diagrams may call, over the calendar ``calendar()`` returns when called."""

    def workdays(n: Any) -> str:
        if type(n) is not int or not 0 <= n <= MAX_WORKDAYS:
            raise ExpressionError(
                f"workdays() 需要 0 到 {MAX_WORKDAYS} 的整数，却得到 {describe(n)}",
                f"workdays() needs a whole number from 0 to {MAX_WORKDAYS}, got {describe(n)}",
            )
        now = step_now() or datetime.now(UTC)
        return calendar().add_workdays_at(now, n, zone).at.isoformat()

    return {"workdays": workdays}
