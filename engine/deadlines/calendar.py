"""The bureau's working-day calendar: days it fixed in the database over the packaged sources.

Layers, first answer wins: the bureau's closures (``source='closure'``, provenance OVERRIDE), a
loaded official schedule (``source='schedule'``, OFFICIAL), the packaged official data, the
estimate (``engine.runner.timekeeping.calendar_sources.default_calendar`` builds the layers). Every node keeps
one ``BureauCalendar`` and reloads the stored days when the calendar's version counter moved.

When days change (``close_day``, ``load_schedule``), every open deadline that counts one of them is
recomputed in the same transaction and each change is recorded (``deadline.recomputed``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from engine.deadlines.rows import CalendarDay
from engine.deadlines.tracking import Recomputed, recompute_for_days
from engine.errors import InvalidInput
from engine.kernel.context import AppContext
from engine.kernel.ports import Actor, RecordDraft, UnitOfWork
from engine.kernel.schedule_file import load_schedule_file
from engine.kernel.workdays import DayInfo, DueDate, Override, OverrideSource, Provenance, WorkdayCalendar
from engine.people.permissions import Permission, authorize
from engine.record.append import record

CLOSURE = "closure"
SCHEDULE = "schedule"
MakeCalendar = Callable[[OverrideSource, OverrideSource], WorkdayCalendar]


def _overrides(days: Sequence[CalendarDay], source: str, provenance: Provenance) -> list[Override]:
    return [Override(d.day, d.is_workday, d.note, provenance) for d in days if d.source == source]


class BureauCalendar:
    """This node's calendar; ``refresh(uow)`` follows the stored days, ``current()`` answers at once."""

    def __init__(self, make: MakeCalendar) -> None:
        self._make = make
        self._closures = OverrideSource()
        self._schedule = OverrideSource()
        self._calendar = make(self._closures, self._schedule)
        self._version: int | None = None
        self._checked = float("-inf")
        self._lock = threading.Lock()

    def current(self) -> WorkdayCalendar:
        return self._calendar

    def refresh(self, uow: UnitOfWork, max_age: float = 0.0) -> WorkdayCalendar:
        """The calendar as stored: reloaded if its version moved (checked at most every ``max_age`` s)."""
        now = time.monotonic()
        if max_age and now - self._checked < max_age:
            return self._calendar
        self._checked = now
        version = uow.calendar.version()
        if version != self._version:
            with self._lock:
                days = uow.calendar.all()
                self._closures.replace_all(_overrides(days, CLOSURE, Provenance.OVERRIDE))
                self._schedule.replace_all(_overrides(days, SCHEDULE, Provenance.OFFICIAL))
                self._version = version
        return self._calendar

    def of(self, days: Sequence[CalendarDay]) -> WorkdayCalendar:
        """A calendar over exactly ``days`` (a transaction's own view, before it commits)."""
        return self._make(
            OverrideSource(_overrides(days, CLOSURE, Provenance.OVERRIDE)),
            OverrideSource(_overrides(days, SCHEDULE, Provenance.OFFICIAL)),
        )


@dataclass(frozen=True)
class CalendarChange:
    days: int  # days stored
    first: dt.date
    last: dt.date
    recomputed: list[Recomputed]  # open deadlines whose due date or provenance changed


def add_workdays(ctx: AppContext, start: dt.date, n: int) -> DueDate:
    """The n-th working day after ``start`` (not counted), with its provenance."""
    with ctx.uow(readonly=True) as uow:
        calendar: WorkdayCalendar = ctx.calendar.refresh(uow)
    return calendar.add_workdays(start, n)


def day_info(ctx: AppContext, on: dt.date) -> DayInfo:
    with ctx.uow(readonly=True) as uow:
        calendar: WorkdayCalendar = ctx.calendar.refresh(uow)
    return calendar.day(on)


def _check_admin(actor: Actor) -> None:
    authorize(None, Permission.CALENDAR_MANAGE, actor)


def _store(
    ctx: AppContext, days: list[CalendarDay], actor: Actor, action: str, payload: dict[str, object]
) -> CalendarChange:
    now = ctx.clock()
    first, last = days[0].day, days[-1].day
    with ctx.uow() as uow:
        uow.calendar.put(days)
        calendar: WorkdayCalendar = ctx.calendar.of(uow.calendar.all())
        span = {"first": first.isoformat(), "last": last.isoformat(), "days": len(days)}
        draft = RecordDraft(action, actor.user_id, "admin", payload={**payload, **span})
        record(ctx, uow, draft, now)
        recomputed = recompute_for_days(ctx, uow, calendar, first, last, now, cause=action)
        uow.commit()
    return CalendarChange(len(days), first, last, recomputed)


def close_day(ctx: AppContext, on: dt.date, note: str, actor: Actor) -> CalendarChange:
    """The bureau is closed on ``on`` (not a working day), whatever the official schedule says."""
    _check_admin(actor)
    note = (note or "").strip()
    if not note or len(note) > 200:
        raise InvalidInput(
            "请写明闭馆原因（200 字以内）",
            "Give the reason for the closure (at most 200 characters)",
            code="calendar-note",
        )
    day = CalendarDay(on, False, note, CLOSURE, actor.user_id, ctx.clock())
    return _store(ctx, [day], actor, "calendar.closed", {"day": on.isoformat(), "note": note})


def load_schedule(ctx: AppContext, text: str, actor: Actor) -> CalendarChange:
    """Store an official schedule file (format: ``engine.kernel.workdays``); closures keep priority."""
    _check_admin(actor)
    overrides = load_schedule_file(text)
    now = ctx.clock()
    with ctx.uow(readonly=True) as uow:
        closed = {d.day for d in uow.calendar.all() if d.source == CLOSURE}
    days = [
        CalendarDay(o.date, o.is_workday, o.note, SCHEDULE, actor.user_id, now)
        for o in overrides
        if o.date not in closed
    ]
    if not days:
        raise InvalidInput(
            "日程文件中的日期均已被闭馆设置覆盖",
            "every day of the file is already a closure",
            code="calendar-empty",
        )
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return _store(
        ctx,
        days,
        actor,
        "calendar.loaded",
        {
            "sha256": digest,
            "workdays": sum(d.is_workday for d in days),
            "offDays": sum(not d.is_workday for d in days),
        },
    )
