"""Timer expressions: ISO 8601 literals checked at deploy time, ``${...}`` results checked when evaluated.

Accepted: a bare literal (``P7D``, ``R3/PT1H``, ``2026-12-01T09:00:00+08:00``), the same literal in
quotes (``"PT1H"``), ``${...}`` / ``#{...}`` JUEL, or any other Python-form expression (e.g. a variable
``deadline``). Text that starts like an ISO value (``P1…``, ``PT…``, ``R3/…``, ``R/…``, ``2026-…``) is
always read as a literal, so ``P7X`` is refused rather than read as a variable.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from engine.kernel.budgets import ISO_DURATION, MAX_TIMER_DAYS, cap_cycle, cycle_problems, duration_seconds
from engine.runner.expressions.checker import parse_python
from engine.runner.expressions.compiler import (
    CompiledExpression,
    Missing,
    compile_expression,
    is_expression_syntax,
)
from engine.runner.expressions.errors import ExpressionError, describe
from engine.runner.expressions.evaluator import Program, Scope
from engine.runner.expressions.limits import MAX_SOURCE_LENGTH
from engine.runner.expressions.meter import BudgetExceeded, Meter

TIMER_KINDS = frozenset({"timeDate", "timeDuration", "timeCycle"})
_LITERAL_START = re.compile(r"P[0-9T]|R[0-9/]|[0-9]{4}-")
_CYCLE = re.compile(r"R(\d*)/(.+)")


def check_timer(text: str, kind: str) -> str:
    """Return ``text`` stripped if it is a valid ``kind`` value; raise ``ExpressionError`` otherwise."""
    value = text.strip()
    if kind == "timeDuration":
        _check_duration(value)
    elif kind == "timeCycle":
        _check_cycle(value)
    else:
        _check_date(value)
    return value


def _check_duration(value: str) -> None:
    match = ISO_DURATION.fullmatch(value)
    if match is None:
        raise ExpressionError(
            f"'{value}' 不是有效的 ISO 8601 时长；请写如 P7D（7 天）、PT30M（30 分钟）、P1DT2H",
            f"'{value}' is not a valid ISO 8601 duration; write e.g. P7D (7 days), "
            "PT30M (30 minutes), P1DT2H",
        )
    parts = match.groups()
    if parts[2] is not None and any(parts[index] is not None for index in (0, 1, 3)):
        raise ExpressionError(
            f"'{value}' 中周（W）不能与年、月、日混用；请改用天数，例如 P10D",
            f"'{value}' mixes weeks (W) with years, months or days; use days, e.g. P10D",
        )
    if (duration_seconds(value) or 0) > MAX_TIMER_DAYS * 86400:  # SpiffWorkflow walks month by month
        raise ExpressionError(f"时长 '{value}' 超过 100 年", f"The duration '{value}' exceeds 100 years")


def _check_cycle(value: str) -> None:
    match = _CYCLE.fullmatch(value)
    if match is None:
        raise ExpressionError(
            f"'{value}' 不是有效的 ISO 8601 循环；"
            "请写如 R3/PT1H 或 R/2026-12-01T09:00:00+08:00/P1D（不支持 cron）",
            f"'{value}' is not a valid ISO 8601 cycle; write e.g. R3/PT1H or "
            "R/2026-12-01T09:00:00+08:00/P1D (cron is not supported)",
        )
    parts = match.group(2).split("/")
    if len(parts) > 2:
        raise ExpressionError(
            f"循环 '{value}' 的段数过多；请写 R[次数]/时长 或 R[次数]/开始时间/时长",
            f"The cycle '{value}' has too many parts; write R[n]/duration or R[n]/start/duration",
        )
    if len(parts) == 2:
        _check_date(parts[0])
    _check_duration(parts[-1])


def _check_date(value: str) -> None:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ExpressionError(
            f"'{value}' 不是有效的 ISO 8601 日期时间；请写如 2026-12-01T09:00:00+08:00",
            f"'{value}' is not a valid ISO 8601 date-time; write e.g. 2026-12-01T09:00:00+08:00",
        ) from None
    if moment.tzinfo is None:
        raise ExpressionError(
            f"日期时间 '{value}' 缺少时区；请加上 +08:00，例如 2026-12-01T09:00:00+08:00",
            f"The date-time '{value}' has no offset; add +08:00, e.g. 2026-12-01T09:00:00+08:00",
        )


def compile_timer(
    source: str, kind: str, *, allowed_functions: frozenset[str] = frozenset(), missing: Missing = "error"
) -> CompiledExpression:
    """Compile a timer (``kind``: timeDate | timeDuration | timeCycle); evaluation returns ISO text."""
    try:
        return _compile_timer(source, kind, allowed_functions, missing)
    except ExpressionError as exc:
        raise exc.located(source) from None


def _compile_timer(
    source: str, kind: str, allowed_functions: frozenset[str], missing: Missing
) -> CompiledExpression:
    if kind not in TIMER_KINDS:
        raise ExpressionError(
            f"未知的定时器类型 '{kind}'",
            f"Unknown timer kind '{kind}'; use timeDate, timeDuration or timeCycle",
        )
    text = source.strip() if isinstance(source, str) else ""
    literal = _literal(text)
    if literal is not None and len(source) <= MAX_SOURCE_LENGTH:
        return _constant_timer(source, check_timer(literal, kind), kind)
    if not is_expression_syntax(text) and not _is_python(text):
        check_timer(text, kind)  # neither ISO nor an expression: explain the ISO form
    compiled = compile_expression(source, allowed_functions=allowed_functions, missing=missing)
    if not (compiled.names or compiled.functions):  # no inputs: a constant, check it at deploy time
        return _constant_timer(source, check_timer(_as_text(compiled.evaluate({}), kind), kind), kind)
    return CompiledExpression(
        compiled.source, compiled.names, compiled.functions, _checked_result(compiled.program, kind)
    )


def _constant_timer(source: str, value: str, kind: str) -> CompiledExpression:
    """A timer written in the diagram: a cycle over the budget (only in versions deployed before
    SX-D129/SX-D130, which the linter now refuses) is capped, and the cap noted on the meter."""

    def timer(scope: Scope) -> str:
        return fit_timer(value, kind, scope.meter, written=True)

    return CompiledExpression(source, frozenset(), frozenset(), timer)


def fit_timer(value: str, kind: str, meter: Meter, *, written: bool) -> str:
    """``value`` within the timer budget: a cycle ``written`` in the diagram is capped, one computed
    from case data is refused (``BudgetExceeded``) — the case's step fails cleanly."""
    if kind != "timeCycle":
        return value
    if written:
        capped = cap_cycle(value, meter.budget)
        if capped != value:
            meter.capped.append((value, capped))
        return capped
    problems = cycle_problems(value, meter.budget)
    if problems:
        _code, zh, en = problems[0]
        raise BudgetExceeded("timer", zh, en)
    return value


def _literal(text: str) -> str | None:
    if len(text) >= 2 and text[0] in "'\"" and text[-1] == text[0]:
        inner = text[1:-1]
        return inner if text[0] not in inner and "\\" not in inner else None
    return text if _LITERAL_START.match(text) else None


def _is_python(text: str) -> bool:
    try:
        parse_python(text)
    except ExpressionError:
        return False
    return True


def _checked_result(program: Program, kind: str) -> Program:
    def timer(scope: Scope) -> str:
        return fit_timer(check_timer(_as_text(program(scope), kind), kind), kind, scope.meter, written=False)

    return timer


def _as_text(result: Any, kind: str) -> str:
    if isinstance(result, str):
        return result
    if kind == "timeDate" and isinstance(result, datetime):
        return result.isoformat()
    if kind == "timeDuration" and isinstance(result, timedelta) and result >= timedelta(0):
        return _iso_duration(result)
    raise ExpressionError(
        f"定时器表达式应得到 ISO 8601 文本，却得到 {describe(result)}",
        f"A timer expression must yield ISO 8601 text, got {describe(result)}",
    )


def _iso_duration(delta: timedelta) -> str:
    fraction = f".{delta.microseconds:06d}".rstrip("0") if delta.microseconds else ""
    return f"P{delta.days}DT{delta.seconds}{fraction}S"
