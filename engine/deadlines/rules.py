"""Deadlines of a case under the Administrative Licensing Law (行政许可法), in working days.

Every limit counts working days strictly after its start day (art. 82; ``WorkdayCalendar``).

- acceptance notice: 5 working days after receipt (art. 32, 一次性告知);
- decision: the promised or statutory limit (20, art. 42) after acceptance, run by ``CaseClock``;
- extension: once, at most 10 working days (art. 42); a second one is refused;
- clock stops (art. 45: hearing, bidding/auction, testing/inspection/quarantine, expert review;
  and supplement of materials): a stop on day A resumed on day B keeps every working day in
  [A, B] from counting: a day on which the clock stood still for any part does not count;
- delivery: 10 working days after a grant decision (art. 44);
- disclosure: 7 working days after the decision day (双公示);
- legal review: a limit set per item (a process property), counted from submission.

Remaining working days on ``today`` = the limit minus the working days already counted in
(start, today]: 0 on the due day, negative once past it. Warning: RED once today is after the
due day (or the remaining days are negative), YELLOW when at most ``yellow_days`` remain,
else GREEN.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum

from engine.disclosure.rules import DISCLOSURE_DAYS, disclosure_due
from engine.errors import Conflict, InvalidInput, ProcedureViolation
from engine.kernel.workdays import MAX_WORKDAYS, DayInfo, DueDate, WorkdayCalendar

ACCEPTANCE_NOTICE_DAYS = 5
STATUTORY_DECISION_DAYS = 20
EXTENSION_DAYS = 10
DELIVERY_DAYS = 10
YELLOW_DAYS = 3


class DeadlineKind(StrEnum):
    ACCEPTANCE_NOTICE = "acceptance-notice"
    DECISION = "decision"
    DELIVERY = "delivery"
    DISCLOSURE = "disclosure"
    LEGAL_REVIEW = "legal-review"


BASIS = {
    DeadlineKind.ACCEPTANCE_NOTICE: "《行政许可法》第三十二条",
    DeadlineKind.DECISION: "《行政许可法》第四十二条、第四十五条",
    DeadlineKind.DELIVERY: "《行政许可法》第四十四条",
    DeadlineKind.DISCLOSURE: "行政许可信息“双公示”（作出决定之日起7个工作日内）",
    DeadlineKind.LEGAL_REVIEW: "事项配置的法制审核时限",
}


class WarningLevel(StrEnum):
    GREEN = "green"
    YELLOW = "yellow"  # 黄牌
    RED = "red"  # 红牌: overdue


class StopReason(StrEnum):
    HEARING = "hearing"  # 听证
    BIDDING_AUCTION = "bidding-auction"  # 招标、拍卖
    TESTING = "testing"  # 检验、检测、检疫
    EXPERT_REVIEW = "expert-review"  # 专家评审
    SUPPLEMENT = "supplement"  # 补正材料


@dataclass(frozen=True, slots=True)
class Deadline:
    kind: DeadlineKind
    due: DueDate
    basis: str


def _deadline(kind: DeadlineKind, calendar: WorkdayCalendar, start: dt.date, days: int) -> Deadline:
    return Deadline(kind, calendar.add_workdays(start, days), BASIS[kind])


def acceptance_notice_deadline(calendar: WorkdayCalendar, received_on: dt.date) -> Deadline:
    return _deadline(DeadlineKind.ACCEPTANCE_NOTICE, calendar, received_on, ACCEPTANCE_NOTICE_DAYS)


def delivery_deadline(calendar: WorkdayCalendar, decided_on: dt.date) -> Deadline:
    return _deadline(DeadlineKind.DELIVERY, calendar, decided_on, DELIVERY_DAYS)


def disclosure_deadline(
    calendar: WorkdayCalendar, decided_on: dt.date, days: int = DISCLOSURE_DAYS
) -> Deadline:
    """The rule is ``engine.disclosure.rules``; this is its due day as a deadline with its basis."""
    due = disclosure_due(calendar, decided_on, days)
    return Deadline(DeadlineKind.DISCLOSURE, due, BASIS[DeadlineKind.DISCLOSURE])


def legal_review_deadline(calendar: WorkdayCalendar, submitted_on: dt.date, limit_days: int) -> Deadline:
    _check_limit(limit_days)
    return _deadline(DeadlineKind.LEGAL_REVIEW, calendar, submitted_on, limit_days)


def warning_level(
    today: dt.date, due: DueDate, calendar: WorkdayCalendar, yellow_days: int = YELLOW_DAYS
) -> WarningLevel:
    """The warning for a plain deadline (no clock stops) on ``today``."""
    return _level(calendar.workdays_between(today, due.date), today > due.date, yellow_days)


def _level(remaining: int, overdue: bool, yellow_days: int) -> WarningLevel:
    if yellow_days < 0:
        raise InvalidInput("黄牌天数不能为负", "yellow_days cannot be negative")
    if overdue or remaining < 0:
        return WarningLevel.RED
    return WarningLevel.YELLOW if remaining <= yellow_days else WarningLevel.GREEN


def _check_limit(days: int) -> None:
    if not 1 <= days <= MAX_WORKDAYS:
        raise InvalidInput(
            f"时限须为 1 到 {MAX_WORKDAYS} 个工作日，收到 {days}",
            f"a limit must be 1 to {MAX_WORKDAYS} working days, got {days}",
        )


@dataclass(frozen=True, slots=True)
class ClockStarted:
    accepted_on: dt.date
    limit_days: int


@dataclass(frozen=True, slots=True)
class ClockStopped:
    on: dt.date
    reason: StopReason


@dataclass(frozen=True, slots=True)
class ClockResumed:
    on: dt.date


@dataclass(frozen=True, slots=True)
class ClockExtended:
    days: int


ClockEvent = ClockStarted | ClockStopped | ClockResumed | ClockExtended


@dataclass(frozen=True, slots=True)
class ClockStop:
    stopped_on: dt.date
    reason: StopReason
    resumed_on: dt.date | None = None  # None: still stopped

    def covers(self, day: dt.date) -> bool:
        return self.stopped_on <= day and (self.resumed_on is None or day <= self.resumed_on)


@dataclass(frozen=True, slots=True)
class CaseClock:
    """The decision clock of one case: immutable; each operation returns (new clock, event)."""

    accepted_on: dt.date
    limit_days: int
    extension_days: int = 0
    stops: tuple[ClockStop, ...] = ()

    @classmethod
    def start(
        cls, accepted_on: dt.date, limit_days: int = STATUTORY_DECISION_DAYS
    ) -> tuple[CaseClock, ClockStarted]:
        _check_limit(limit_days)
        return cls(accepted_on, limit_days), ClockStarted(accepted_on, limit_days)

    @classmethod
    def replay(cls, events: Iterable[ClockEvent]) -> CaseClock:
        """Rebuild a clock from its recorded events, the first being ``ClockStarted``."""
        clock: CaseClock | None = None
        for event in events:
            if isinstance(event, ClockStarted):
                clock = cls.start(event.accepted_on, event.limit_days)[0]
            elif clock is None:
                raise InvalidInput("计时事件须以开始计时为首", "clock events must begin with ClockStarted")
            elif isinstance(event, ClockStopped):
                clock = clock.stop(event.on, event.reason)[0]
            elif isinstance(event, ClockResumed):
                clock = clock.resume(event.on)[0]
            else:
                clock = clock.extend(event.days)[0]
        if clock is None:
            raise InvalidInput("没有计时事件", "no clock events")
        return clock

    @property
    def is_stopped(self) -> bool:
        return bool(self.stops) and self.stops[-1].resumed_on is None

    @property
    def total_days(self) -> int:
        return self.limit_days + self.extension_days

    def stop(self, on: dt.date, reason: StopReason) -> tuple[CaseClock, ClockStopped]:
        if self.is_stopped:
            raise Conflict("计时已暂停", "the clock is already stopped")
        last = self.stops[-1].resumed_on if self.stops else None
        if on < self.accepted_on or (last is not None and on < last):
            raise InvalidInput(
                f"暂停日 {on} 早于受理日或上次恢复日",
                f"the stop day {on} is before acceptance or the last resumption",
            )
        stop = ClockStop(on, StopReason(reason))
        return replace(self, stops=(*self.stops, stop)), ClockStopped(on, stop.reason)

    def resume(self, on: dt.date) -> tuple[CaseClock, ClockResumed]:
        if not self.is_stopped:
            raise Conflict("计时未暂停，无需恢复", "the clock is not stopped")
        current = self.stops[-1]
        if on < current.stopped_on:
            raise InvalidInput(
                f"恢复日 {on} 早于暂停日 {current.stopped_on}",
                f"the resume day {on} is before the stop day {current.stopped_on}",
            )
        resumed = replace(current, resumed_on=on)
        return replace(self, stops=(*self.stops[:-1], resumed)), ClockResumed(on)

    def extend(self, days: int = EXTENSION_DAYS) -> tuple[CaseClock, ClockExtended]:
        if self.extension_days:
            raise ProcedureViolation("办理时限只能延长一次", "the time limit can be extended only once")
        if not 1 <= days <= EXTENSION_DAYS:
            raise InvalidInput(
                f"延长期限须为 1 到 {EXTENSION_DAYS} 个工作日",
                f"an extension must be 1 to {EXTENSION_DAYS} working days",
            )
        return replace(self, extension_days=days), ClockExtended(days)

    def _counts(self, info: DayInfo) -> bool:
        return info.is_workday and not any(s.covers(info.date) for s in self.stops)

    def due(self, calendar: WorkdayCalendar) -> DueDate | None:
        """The decision due date, or None while the clock is stopped (unknown until resumed)."""
        if self.is_stopped:
            return None
        return calendar.count_forward(self.accepted_on, self.total_days, self._counts)

    def remaining(self, today: dt.date, calendar: WorkdayCalendar) -> int:
        """Working days left after ``today``; frozen while stopped; negative once overdue."""
        used = sum(self._counts(info) for info in calendar.days(self.accepted_on, today))
        return self.total_days - used

    def level(
        self, today: dt.date, calendar: WorkdayCalendar, yellow_days: int = YELLOW_DAYS
    ) -> WarningLevel:
        due = self.due(calendar)
        overdue = due is not None and today > due.date
        return _level(self.remaining(today, calendar), overdue, yellow_days)


def decision_deadline(calendar: WorkdayCalendar, clock: CaseClock) -> Deadline | None:
    """The decision deadline with its legal basis, or None while the clock is stopped."""
    due = clock.due(calendar)
    return None if due is None else Deadline(DeadlineKind.DECISION, due, BASIS[DeadlineKind.DECISION])
