"""Working days (工作日) for the deadlines of the Administrative Licensing Law (art. 82).

Chinese working days are not Monday to Friday: holidays move and some weekend days are working
days (调休). A ``WorkdayCalendar`` asks layered ``DaySource``s, the first answer wins: bureau
closures (``OverrideSource``, OVERRIDE), a loaded official schedule (``OverrideSource`` fed by
``load_schedule_file``, OFFICIAL), the packaged official data (OFFICIAL), a library estimate
(ESTIMATED); when none answers, Monday to Friday (ESTIMATED).

- ``add_workdays(start, n)``: the n-th working day strictly after ``start`` (the start day is
  never counted); ``n == 0`` gives ``start`` if it is a working day, else the next one.
- ``workdays_between(a, b)``: working days in (a, b]; -(working days in (b, a]) when b < a.
- A ``DueDate`` is ESTIMATED if any day walked through to reach it was estimated, else
  OFFICIAL (an OVERRIDE day counts as official).

Schedule file (UTF-8 text, one entry a line, ``#`` starts a comment, blank lines ignored)::

    year 2027                  # optional: the whole year is official; unlisted days follow
                               # Monday-Friday, OFFICIAL (without it only listed days are)
    2027-01-01 off 元旦         # <YYYY-MM-DD> <off|休|work|班> [note, to the line's end]
    2027-02-07 work 春节调休
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol, runtime_checkable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from engine.errors import InvalidInput
from engine.kernel.bureau import ZONE_NAME

MAX_WORKDAYS = 3650  # the largest n add_workdays accepts (about 14 years)
MAX_SPAN_DAYS = 20 * 366  # the longest stretch of calendar days a calendar will walk
_CACHE_MAX = 50_000


class DayKind(StrEnum):
    WORKDAY = "workday"
    OFF = "off"


class Provenance(StrEnum):
    OFFICIAL = "official"  # published by the State Council
    ESTIMATED = "estimated"  # guessed; recompute once the official schedule is loaded
    OVERRIDE = "override"  # the bureau's own decision (a closure, an extra working day)


@dataclass(frozen=True, slots=True)
class DayInfo:
    date: dt.date
    is_workday: bool
    provenance: Provenance
    name: str | None = None

    @property
    def kind(self) -> DayKind:
        return DayKind.WORKDAY if self.is_workday else DayKind.OFF


@dataclass(frozen=True, slots=True)
class DueDate:
    date: dt.date
    provenance: Provenance  # OFFICIAL or ESTIMATED

    @property
    def is_estimated(self) -> bool:
        return self.provenance is Provenance.ESTIMATED


@dataclass(frozen=True, slots=True)
class DueMoment:
    at: dt.datetime  # aware: the closing time of the due day, local to the bureau
    provenance: Provenance


@dataclass(frozen=True, slots=True)
class Override:
    date: dt.date
    is_workday: bool
    note: str | None = None
    provenance: Provenance = Provenance.OVERRIDE


class DaySource(Protocol):
    # says what the day is, or None to let the next source answer
    def day(self, on: dt.date) -> DayInfo | None: ...


@runtime_checkable
class Versioned(Protocol):
    @property
    def version(self) -> int: ...


class WeekdayRule:
    """Monday to Friday are working days: the last resort, and an official year's default."""

    def __init__(self, provenance: Provenance = Provenance.ESTIMATED) -> None:
        self.provenance = provenance

    def day(self, on: dt.date) -> DayInfo:
        return DayInfo(on, on.weekday() < 5, self.provenance)


class OverrideSource:
    """Days fixed by hand (from the database or a schedule file); ``version`` counts changes."""

    def __init__(self, overrides: Iterable[Override] = ()) -> None:
        self._days: dict[dt.date, Override] = {o.date: o for o in overrides}
        self._version = 0

    @property
    def version(self) -> int:
        return self._version

    def day(self, on: dt.date) -> DayInfo | None:
        found = self._days.get(on)
        if found is None:
            return None
        return DayInfo(on, found.is_workday, found.provenance, found.note)

    def put(self, *overrides: Override) -> None:
        self._days = {**self._days, **{o.date: o for o in overrides}}
        self._version += 1

    def remove(self, on: dt.date) -> None:
        self._days = {d: o for d, o in self._days.items() if d != on}
        self._version += 1

    def replace_all(self, overrides: Iterable[Override]) -> None:
        self._days = {o.date: o for o in overrides}
        self._version += 1


def _check_count(n: int) -> None:
    if not 0 <= n <= MAX_WORKDAYS:
        raise InvalidInput(
            f"工作日数须在 0 到 {MAX_WORKDAYS} 之间，收到 {n}",
            f"the number of working days must be 0 to {MAX_WORKDAYS}, got {n}",
        )


def _too_far(start: dt.date) -> InvalidInput:
    return InvalidInput(
        f"自 {start} 起超过 {MAX_SPAN_DAYS} 天仍未得出结果",
        f"no result within {MAX_SPAN_DAYS} days after {start}",
    )


def _provenance(estimated: bool) -> Provenance:
    return Provenance.ESTIMATED if estimated else Provenance.OFFICIAL


class WorkdayCalendar:
    """Layered day sources with a per-instance cache that follows the sources' versions."""

    def __init__(self, sources: Sequence[DaySource], *, fallback: DaySource | None = None) -> None:
        self._sources = (*sources, fallback or WeekdayRule())
        self._versioned = [s for s in self._sources if isinstance(s, Versioned)]
        self._stamp: tuple[int, ...] = self.version
        self._days: dict[tuple[tuple[int, ...], dt.date], DayInfo] = {}
        self._dues: dict[tuple[tuple[int, ...], dt.date, int], DueDate] = {}

    @property
    def version(self) -> tuple[int, ...]:
        return tuple(s.version for s in self._versioned)

    def _current_stamp(self) -> tuple[int, ...]:
        stamp = self.version
        if stamp != self._stamp or len(self._days) > _CACHE_MAX or len(self._dues) > _CACHE_MAX:
            self._days, self._dues, self._stamp = {}, {}, stamp
        return stamp

    def day(self, on: dt.date) -> DayInfo:
        key = (self._current_stamp(), on)
        info = self._days.get(key)
        if info is None:  # the fallback always answers
            info = self._days[key] = next(i for s in self._sources if (i := s.day(on)) is not None)
        return info

    def is_workday(self, on: dt.date) -> bool:
        return self.day(on).is_workday

    def days(self, after: dt.date, until: dt.date | None = None) -> Iterator[DayInfo]:
        """The days in (after, until], or endlessly after ``after`` up to ``MAX_SPAN_DAYS``."""
        last = MAX_SPAN_DAYS if until is None else (until - after).days
        if last > MAX_SPAN_DAYS:
            raise _too_far(after)
        try:
            for offset in range(1, last + 1):
                yield self.day(after + dt.timedelta(days=offset))
        except OverflowError as exc:
            raise _too_far(after) from exc
        if until is None:
            raise _too_far(after)

    def count_forward(
        self, start: dt.date, n: int, counts: Callable[[DayInfo], bool] | None = None
    ) -> DueDate:
        """The day on which the n-th counted day after ``start`` falls (default: working days)."""
        _check_count(n)
        counted_day = counts or (lambda info: info.is_workday)
        first = self.day(start)
        if n == 0 and counted_day(first):
            return DueDate(start, _provenance(first.provenance is Provenance.ESTIMATED))
        estimated = n == 0 and first.provenance is Provenance.ESTIMATED
        counted = 0
        for info in self.days(start):
            estimated = estimated or info.provenance is Provenance.ESTIMATED
            if counted_day(info):
                counted += 1
            if counted >= max(n, 1):
                return DueDate(info.date, _provenance(estimated))
        raise _too_far(start)  # pragma: no cover (days() raises first)

    def add_workdays(self, start: dt.date, n: int) -> DueDate:
        key = (self._current_stamp(), start, n)
        due = self._dues.get(key)
        if due is None:
            due = self._dues[key] = self.count_forward(start, n)
        return due

    def add_workdays_at(
        self, start: dt.datetime, n: int, tz: str = ZONE_NAME, closing: dt.time = dt.time(23, 59, 59)
    ) -> DueMoment:
        """The end (``closing``, local time in ``tz``) of the n-th working day after ``start``."""
        if start.utcoffset() is None:
            raise InvalidInput("起算时间须带时区", "the start time must carry a time zone")
        try:
            zone = ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise InvalidInput(f"未知时区：{tz}", f"unknown time zone: {tz}") from exc
        due = self.add_workdays(start.astimezone(zone).date(), n)
        return DueMoment(dt.datetime.combine(due.date, closing, tzinfo=zone), due.provenance)

    def workdays_between(self, a: dt.date, b: dt.date) -> int:
        if b < a:
            return -self.workdays_between(b, a)
        return sum(info.is_workday for info in self.days(a, b))
