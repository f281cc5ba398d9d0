"""Who may do a user task, when it is due, how urgent it is: resolved once, when the task is created.

Camunda 7's ``TaskDecorator`` is the reference, attribute by attribute:
- ``camunda:assignee``: text or null (anything else fails the step);
- ``camunda:candidateUsers`` / ``candidateGroups``: each comma-separated entry is text or an expression
  giving text (split again at commas, ``\\s*,\\s*``) or a list of texts; null or anything else fails;
- ``camunda:dueDate`` / ``followUpDate``: a date-time, a date, or text — an ISO 8601 period (``P2D``,
  from the task's creation) or an ISO 8601 date/date-time; null means none. A date-time without a zone is
  read in the bureau's zone (Camunda 7 reads it in the server's zone);
- ``camunda:priority``: a number (truncated to a whole one) or text holding a whole number; null keeps
  the default 50.
The values are kept in the task's state (``internal_data``) so that they never change afterwards, as in
Camunda 7, whatever later happens to the variables they were computed from.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from dateutil.relativedelta import relativedelta

from engine.kernel.bureau import ZONE
from engine.runner.expressions import ExpressionError
from engine.runner.expressions.errors import describe
from engine.runner.expressions.meter import Meter
from engine.runner.expressions.template import CompiledTemplate, compile_template
from engine.runner.types import Assignment, ElementInfo

DEFAULT_PRIORITY = 50  # Task.PRIORITY_NORMAL
_PERIOD = re.compile(
    r"P(?=\d|T\d)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?"
    r"(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)(?:[.,](\d{1,3}))?S)?)?"
)
_INT = re.compile(r"[+-]?\d+")


@dataclass(frozen=True)
class TaskAttributes:
    """A user task's attributes as compiled at deploy."""

    assignee: CompiledTemplate | None = None
    candidate_users: tuple[CompiledTemplate, ...] = ()
    candidate_groups: tuple[CompiledTemplate, ...] = ()
    due_date: CompiledTemplate | None = None
    follow_up_date: CompiledTemplate | None = None
    priority: CompiledTemplate | None = None


def compile_attributes(element: ElementInfo, functions: frozenset[str]) -> TaskAttributes:
    """Compile every attribute of a user task; ``ExpressionError`` names the attribute that is wrong."""

    def one(name: str, text: str | None) -> CompiledTemplate | None:
        return None if text is None else _compiled(name, text, functions)

    return TaskAttributes(
        assignee=one("assignee", element.assignee),
        candidate_users=tuple(_compiled("candidateUsers", t, functions) for t in element.candidate_users),
        candidate_groups=tuple(_compiled("candidateGroups", t, functions) for t in element.candidate_groups),
        due_date=one("dueDate", element.due_date),
        follow_up_date=one("followUpDate", element.follow_up_date),
        priority=one("priority", element.priority),
    )


def _compiled(name: str, text: str, functions: frozenset[str]) -> CompiledTemplate:
    try:
        return compile_template(text, allowed_functions=functions)
    except ExpressionError as exc:
        raise ExpressionError(
            f"camunda:{name}“{text}”：{exc.message_zh}",
            f"camunda:{name} '{text}': {exc.message_en}",
            source=text,
        ) from None


def resolve(
    attributes: TaskAttributes,
    variables: Mapping[str, Any],
    functions: Mapping[str, Any],
    meter: Meter,
    now: datetime,
) -> Assignment:
    """The task's values in this case now; ``ExpressionError`` with the attribute's name when one fails."""
    value = _evaluator(variables, functions, meter)
    assignee = _if_set(attributes.assignee, lambda text: _user(value("assignee", text), text))
    users = _listed("candidateUsers", attributes.candidate_users, value)
    groups = _listed("candidateGroups", attributes.candidate_groups, value)
    due, follow_up = _moments(attributes, value, now)
    priority = _if_set(attributes.priority, lambda text: _priority(text, value("priority", text)))
    return Assignment(
        assignee, users, groups, due, follow_up, DEFAULT_PRIORITY if priority is None else priority
    )


_Value = Callable[[str, CompiledTemplate], Any]
_T = TypeVar("_T")


def _evaluator(variables: Mapping[str, Any], functions: Mapping[str, Any], meter: Meter) -> _Value:
    """An attribute's value in this case; ``ExpressionError`` naming the attribute when it fails."""

    def value(name: str, text: CompiledTemplate) -> Any:
        try:
            return text.evaluate(variables, functions, meter=meter)
        except ExpressionError as exc:
            raise _failed(name, text, exc.message_zh, exc.message_en) from None

    return value


def _moments(
    attributes: TaskAttributes, value: _Value, now: datetime
) -> tuple[datetime | None, datetime | None]:
    """(due date, follow-up date) of the task, in that order."""
    due = _if_set(attributes.due_date, lambda text: _moment("dueDate", text, value("dueDate", text), now))
    follow_up = _if_set(
        attributes.follow_up_date,
        lambda text: _moment("followUpDate", text, value("followUpDate", text), now),
    )
    return due, follow_up


def _if_set(text: CompiledTemplate | None, resolved: Callable[[CompiledTemplate], _T]) -> _T | None:
    return None if text is None else resolved(text)


def _listed(name: str, texts: Sequence[CompiledTemplate], value: _Value) -> tuple[str, ...]:
    """Candidate users or groups, each once, in the order written."""
    return tuple(dict.fromkeys(who for text in texts for who in _candidates(name, text, value(name, text))))


def _failed(name: str, text: CompiledTemplate, zh: str, en: str) -> ExpressionError:
    return ExpressionError(
        f"任务属性 camunda:{name}“{text.source}”无法求值：{zh}",
        f"The task attribute camunda:{name} '{text.source}' cannot be resolved: {en}",
        source=text.source,
    )


def _user(result: Any, text: CompiledTemplate) -> str | None:
    if result is None or isinstance(result, str):
        return result or None
    raise _failed(
        "assignee",
        text,
        f"应得到用户 id（文本）或 null，却得到 {describe(result)}",
        f"it must give a user id (text) or null, got {describe(result)}",
    )


def _candidates(name: str, text: CompiledTemplate, result: Any) -> list[str]:
    if isinstance(result, str):
        return [entry for entry in re.split(r"\s*,\s*", result) if entry]
    if isinstance(result, list | tuple) and all(isinstance(entry, str) for entry in result):
        return [entry for entry in result if entry]
    raise _failed(
        name,
        text,
        f"应得到文本或文本列表，却得到 {describe(result)}",
        f"it must give text or a list of texts, got {describe(result)}",
    )


def _moment(name: str, text: CompiledTemplate, result: Any, now: datetime) -> datetime | None:
    if result is None:
        return None
    if isinstance(result, datetime):
        return result if result.tzinfo is not None else result.replace(tzinfo=ZONE)
    if isinstance(result, date):
        return datetime(result.year, result.month, result.day, tzinfo=ZONE)
    if isinstance(result, str):
        moment = read_due(result, now)
        if moment is not None:
            return moment
    raise _failed(
        name,
        text,
        f"应得到日期时间、ISO 8601 日期或期间（如 P2D），却得到 {describe(result)}",
        f"it must give a date-time, an ISO 8601 date or a period such as P2D, got {describe(result)}",
    )


def read_due(text: str, now: datetime) -> datetime | None:
    """``DueDateBusinessCalendar.resolveDuedate``: a period from ``now``, or an ISO date/date-time (zone-less
    one in the bureau's zone); None when ``text`` is neither."""
    value = text.strip()
    if value.startswith("P"):
        match = _PERIOD.fullmatch(value)
        if match is None:
            return None
        years, months, weeks, days, hours, minutes, seconds = (int(p or 0) for p in match.groups()[:7])
        millis = int((match.group(8) or "").ljust(3, "0"))
        local = now.astimezone(ZONE) + relativedelta(years=years, months=months, weeks=weeks, days=days)
        return local + timedelta(hours=hours, minutes=minutes, seconds=seconds, milliseconds=millis)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=ZONE)


def _priority(text: CompiledTemplate, result: Any) -> int:
    if result is None:
        return DEFAULT_PRIORITY
    if isinstance(result, str) and _INT.fullmatch(result) and -(2**31) <= int(result) < 2**31:
        return int(result)
    if type(result) in (int, float, Decimal) and -(2**31) <= result < 2**31:
        return int(result)
    raise _failed(
        "priority",
        text,
        f"应得到整数，却得到 {describe(result)}",
        f"it must give a whole number, got {describe(result)}",
    )
