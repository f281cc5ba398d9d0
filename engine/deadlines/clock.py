"""A stored deadline read on a calendar: its due date, warning level, days left, next level change.

Every deadline row is a ``CaseClock`` (``engine.deadlines.rules``): ``limit_days`` (+ extension)
working days after ``started_on``, minus the days its stops cover. Days are the bureau's local days
(``engine.kernel.bureau``); a level changes at the start of a local day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from engine.deadlines.rows import DeadlineRow
from engine.deadlines.rules import CaseClock, WarningLevel
from engine.kernel.bureau import ZONE
from engine.kernel.workdays import DayInfo, DueDate, Provenance, WorkdayCalendar

CLOSING = dt.time(23, 59, 59)


def day_start(day: dt.date) -> dt.datetime:
    """The first moment of a local day, in UTC."""
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=ZONE).astimezone(dt.UTC)


def closing_time(day: dt.date) -> dt.datetime:
    """The last moment of a local day (the due moment of a deadline falling on it), local time."""
    return dt.datetime.combine(day, CLOSING, tzinfo=ZONE)


def clock_of(row: DeadlineRow) -> CaseClock:
    return CaseClock(row.started_on, row.limit_days, row.extension_days, row.stops)


@dataclass(frozen=True, slots=True)
class Reading:
    due: DueDate | None  # None while the clock stands still
    level: WarningLevel
    remaining: int  # working days left after today; negative once overdue

    @property
    def provenance(self) -> str | None:
        return None if self.due is None else _provenance(self.due.provenance)


def _provenance(value: Provenance) -> str:
    return Provenance.ESTIMATED.value if value is Provenance.ESTIMATED else Provenance.OFFICIAL.value


def read(row: DeadlineRow, calendar: WorkdayCalendar, today: dt.date, yellow_days: int) -> Reading:
    clock = clock_of(row)
    return Reading(
        clock.due(calendar), clock.level(today, calendar, yellow_days), clock.remaining(today, calendar)
    )


def _counts(clock: CaseClock, info: DayInfo) -> bool:
    return info.is_workday and not any(stop.covers(info.date) for stop in clock.stops)


def next_change(
    row: DeadlineRow, calendar: WorkdayCalendar, today: dt.date, yellow_days: int
) -> dt.date | None:
    """The first day after ``today`` on which the level differs, or None (stopped, or already red)."""
    clock = clock_of(row)
    due = clock.due(calendar)
    current = clock.level(today, calendar, yellow_days)
    if due is None or current is WarningLevel.RED:
        return None
    if today >= due.date:
        return due.date + dt.timedelta(days=1)
    remaining = clock.remaining(today, calendar)
    for info in calendar.days(today, due.date):
        remaining -= _counts(clock, info)
        if remaining <= yellow_days and current is WarningLevel.GREEN:
            return info.date
    return due.date + dt.timedelta(days=1)
