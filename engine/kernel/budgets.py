"""What a diagram may cost the server: the evaluation budget, in one place.

A diagram is code written by someone else. Every expression it holds (gateway conditions, script
lines, timer expressions, catalogue conditions) is evaluated under an ``EvaluationBudget``: a number
of operations and a wall time per evaluation, a size for any value an evaluation creates, a size for
the case state a step saves, a number of engine tasks and a wall time per step. Timer cycles need a
bounded repeat count and a period no shorter than a floor: refused at deploy (SX-D129, SX-D130),
capped at run time for versions deployed before the rule (``cap_cycle``).

The defaults are below; each is a setting (``engine.config``, ``SANXIANG_BUDGET_*``), documented in
``docs/designers.md`` ("Budgets"). ``MAX_TIMER_DAYS`` is not a setting: it protects SpiffWorkflow,
which walks a duration month by month.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

MAX_TIMER_DAYS = 100 * 366  # the longest timer duration (SX-D131): 100 years

Problem = tuple[str, str, str]  # code, message_zh, message_en


@dataclass(frozen=True)
class EvaluationBudget:
    """Limits of one evaluation, one step, one timer (defaults in the comments' units)."""

    operations: int = 1_000_000  # units of work per evaluation: elements compared, copied or measured
    seconds: float = 1.0  # wall time per evaluation
    value_size: int = 1_000_000  # any value an evaluation creates, ≈ characters of its JSON
    state_bytes: int = 4 * 1024**2  # the case state a step saves (UTF-8 JSON)
    step_tasks: int = 100  # engine tasks (gateways, scripts, events) one step may run
    step_seconds: float = 10.0  # wall time of one step's engine run
    timer_min_cycle_seconds: int = 60  # shortest period of a repeating timer
    timer_max_cycles: int = 100  # most repetitions of a timer cycle


DEFAULT_BUDGET = EvaluationBudget()

# -- ISO 8601 timer values ------------------------------------------------------------------------

ISO_DURATION = re.compile(
    r"P(?=\d|T\d)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?"
    r"(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:[.,]\d+)?)S)?)?"
)
_SECONDS_PER_UNIT = (366 * 86400.0, 31 * 86400.0, 7 * 86400.0, 86400.0, 3600.0, 60.0, 1.0)
_MIN_SECONDS_PER_UNIT = (365 * 86400.0, 28 * 86400.0, 7 * 86400.0, 86400.0, 3600.0, 60.0, 1.0)
_CYCLE = re.compile(r"R(\d*)/(?:([^/]+)/)?([^/]+)")


@dataclass(frozen=True)
class Cycle:
    """``R[n]/[start/]period``: ``repeats`` None when unbounded (``R/…``)."""

    repeats: int | None
    start: str | None
    period: str


def duration_seconds(text: str, *, shortest: bool = False) -> float | None:
    """The length of an ISO 8601 duration in seconds (a year as 366 days and a month as 31, or with
    ``shortest`` 365 and 28), or None when ``text`` is not one."""
    match = ISO_DURATION.fullmatch(text.strip())
    if match is None:
        return None
    units = _MIN_SECONDS_PER_UNIT if shortest else _SECONDS_PER_UNIT
    return sum(
        float(part.replace(",", ".")) * unit
        for part, unit in zip(match.groups(), units, strict=True)
        if part is not None
    )


def read_cycle(text: str) -> Cycle | None:
    """The parts of a cycle ``R[n]/[start/]period``, or None when it has not that shape."""
    match = _CYCLE.fullmatch(text.strip())
    if match is None:
        return None
    repeats, start, period = match.groups()
    return Cycle(int(repeats) if repeats else None, start, period)


def duration_problem(text: str) -> Problem | None:
    """SX-D131 when a duration is longer than ``MAX_TIMER_DAYS``."""
    seconds = duration_seconds(text)
    if seconds is None or seconds <= MAX_TIMER_DAYS * 86400:
        return None
    return (
        "SX-D131",
        f"定时时长“{text}”超过 {MAX_TIMER_DAYS // 366} 年；请写合理的时长，例如 P30D",
        f"the timer duration '{text}' is longer than {MAX_TIMER_DAYS // 366} years; write a sensible "
        "duration, e.g. P30D",
    )


@lru_cache(maxsize=1024)
def cycle_problems(text: str, budget: EvaluationBudget = DEFAULT_BUDGET) -> tuple[Problem, ...]:
    """Why a timer cycle would flood the case (SX-D129 period under the floor, SX-D130 repeats
    unbounded or too many, SX-D131 period too long); empty when it is within the budget."""
    cycle = read_cycle(text)
    if cycle is None:
        return ()
    found: list[Problem] = []
    seconds = duration_seconds(cycle.period, shortest=True)
    floor = budget.timer_min_cycle_seconds
    if seconds is not None and seconds < floor:
        found.append(
            (
                "SX-D129",
                f"循环定时器“{text}”的周期短于 {floor} 秒，会不断产生任务与记录；"
                f"请把周期设为至少 PT{floor}S，例如 R3/P1D",
                f"the timer cycle '{text}' repeats more often than every {floor} seconds and would "
                f"flood the case with tasks and records; use a period of at least PT{floor}S, e.g. "
                "R3/P1D",
            )
        )
    most = budget.timer_max_cycles
    if cycle.repeats is None or cycle.repeats > most:
        count_zh = "没有次数上限" if cycle.repeats is None else f"重复 {cycle.repeats} 次"
        count_en = "repeats without end" if cycle.repeats is None else f"repeats {cycle.repeats} times"
        found.append(
            (
                "SX-D130",
                f"循环定时器“{text}”{count_zh}；请写明次数，最多 {most} 次，例如 R3/P1D",
                f"the timer cycle '{text}' {count_en}; give a count of at most {most}, e.g. R3/P1D",
            )
        )
    problem = duration_problem(cycle.period)
    return (*found, problem) if problem is not None else tuple(found)


@lru_cache(maxsize=1024)
def cap_cycle(text: str, budget: EvaluationBudget = DEFAULT_BUDGET) -> str:
    """``text`` with its repeat count and period brought within the budget (for versions deployed
    before SX-D129/SX-D130 existed); unchanged when within, or when it is not a cycle."""
    cycle = read_cycle(text)
    if cycle is None:
        return text
    seconds = duration_seconds(cycle.period, shortest=True)
    period = cycle.period
    if seconds is not None and seconds < budget.timer_min_cycle_seconds:
        period = f"PT{budget.timer_min_cycle_seconds}S"
    most = budget.timer_max_cycles
    repeats = most if cycle.repeats is None else min(cycle.repeats, most)
    if period == cycle.period and repeats == cycle.repeats:
        return text
    start = f"{cycle.start}/" if cycle.start else ""
    return f"R{repeats}/{start}{period}"
