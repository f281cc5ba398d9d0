"""Rows of the timers area (due moments, calendar days, case deadlines) as the services see them.

The repositories behind them are ``uow.due``, ``uow.calendar`` and ``uow.deadlines``
(``engine.deadlines.store``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from engine.deadlines.rules import ClockStop

BPMN_TIMER = "bpmn-timer"
DEADLINE_WARNING = "deadline-warning"


@dataclass(frozen=True, slots=True)
class DueItem:
    """One due moment: fire it once ``due_at`` has passed (claimed with a lease by one node)."""

    id: int
    kind: str
    case_id: str | None
    ref: str | None
    due_at: dt.datetime
    lease_owner: str | None = None
    lease_until: dt.datetime | None = None
    fired_at: dt.datetime | None = None
    attempts: int = 0
    last_error: str | None = None


@dataclass(frozen=True, slots=True)
class CalendarDay:
    """A day the bureau fixed: ``source`` is "closure" (its own) or "schedule" (a loaded official file)."""

    day: dt.date
    is_workday: bool
    note: str | None
    source: str
    loaded_by: str
    loaded_at: dt.datetime


@dataclass(frozen=True, slots=True)
class DeadlineRow:
    """A deadline of a case: ``limit_days`` (+ ``extension_days``) working days after ``started_on``,
    not counting days covered by ``stops``; ``due_on`` is None while the clock stands still."""

    id: int
    case_id: str
    kind: str
    ref: str | None
    basis: str
    started_on: dt.date
    limit_days: int
    extension_days: int
    extension_reason: str | None
    stops: tuple[ClockStop, ...]
    due_on: dt.date | None
    provenance: str | None
    status: str
    level: str
    version: int
    opened_at: dt.datetime
    closed_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class ReadyRole:
    """A waiting task of a case, as deadlines see it."""

    id: str
    role: str | None
    element_id: str
    created_at: dt.datetime
