"""Case deadlines (《行政许可法》 art. 32, 42, 44, 45, 82): opened, stopped, resumed, extended, met,
warned about — each change recorded in the case's record, in the transaction of its cause.

What opens and closes them (roles are ``sanxiang.role`` of the tasks):
- ``acceptance-notice``: 5 working days from the moment an ``acceptance`` task appears (the case's
  start; again after a supplement); met when that task completes.
- ``decision``: starts when the ``acceptance`` task completes with ``materialsComplete`` true
  (受理); ``sanxiang.promisedDays`` of the process if set, else ``sanxiang.statutoryDays``, else 20.
  Met when the ``decision`` task completes. Its clock stands still while a task with role
  ``supplement``, ``hearing``, ``expert-review`` or ``testing`` is open (stopped the day one appears,
  resumed the day the last completes). Extended once by +10 by an approver (``extend_decision``).
- ``delivery``: 10 working days after a decision with ``decision == 'grant'``; met when a ``delivery``
  task completes. ``disclosure``: ``sanxiang.disclosureDays`` (default 7) after the decision; met by a
  ``disclosure.published`` record.
- ``legal-review``: ``sanxiang.expected`` working days of the ``legal-review`` task; met when it completes.
When the case ends, what it can no longer meet is cancelled: decision and delivery when it completes,
everything when it is withdrawn (撤回). A round whose task is cancelled is cancelled with it.
Warnings: yellow when at most ``Settings.yellow_days`` working days remain (``deadline.warning``), red
once overdue (``deadline.overdue``); a ``deadline-warning`` due row wakes the case at its next change.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from engine.deadlines.clock import day_start, next_change, read
from engine.deadlines.rows import DEADLINE_WARNING, DeadlineRow, DueItem
from engine.deadlines.rules import (
    BASIS,
    DeadlineKind,
    StopReason,
    WarningLevel,
)
from engine.errors import Conflict
from engine.kernel.bureau import local_date
from engine.kernel.json_types import JsonValue
from engine.kernel.ports import SYSTEM, RecordDraft, UnitOfWork
from engine.kernel.workdays import WorkdayCalendar
from engine.record.append import record

if TYPE_CHECKING:
    from engine.kernel.context import AppContext

STEP_ACTIONS = frozenset(
    {
        "case.started",
        "task.completed",
        "timer.fired",
        "message.received",
        "task.error_thrown",  # a BPMN error thrown at a task (engine.tasks.bpmn_errors)
        "call.returned",  # a child case returned to its parent (engine.cases.calls)
        "external-task.completed",
        "external-task.bpmn-error",
        "case.moved",
        "case.migrated",
        "case.completed",
        "case.withdrawn",
        "disclosure.published",
    }
)
STOP_ROLES = {
    "supplement": StopReason.SUPPLEMENT,
    "hearing": StopReason.HEARING,
    "expert-review": StopReason.EXPERT_REVIEW,
    "testing": StopReason.TESTING,
}
ROUND_ROLES = {"acceptance": DeadlineKind.ACCEPTANCE_NOTICE, "legal-review": DeadlineKind.LEGAL_REVIEW}
ROLES = frozenset({*STOP_ROLES, *ROUND_ROLES, "decision", "delivery"})
LEVEL_ACTIONS = {
    WarningLevel.RED: "deadline.overdue",
    WarningLevel.YELLOW: "deadline.warning",
    WarningLevel.GREEN: "deadline.warning",
}
ENDED = {
    "case.completed": {DeadlineKind.DECISION.value, DeadlineKind.DELIVERY.value},
    "case.withdrawn": {kind.value for kind in DeadlineKind},
}
CALENDAR_MAX_AGE = 5.0  # seconds a step without deadlines trusts this node's calendar unchecked


def whole_days(text: JsonValue) -> int | None:
    """A positive whole number of days from a diagram property, or None."""
    try:
        days = int(str(text).strip())
    except (TypeError, ValueError):
        return None
    return days if days >= 1 else None


@dataclass(frozen=True)
class Recomputed:
    case_id: str
    kind: str
    previous_due: dt.date | None
    due: dt.date | None
    provenance: str | None


class CaseDeadlines:
    """The open deadlines of one case inside one transaction: change them, then ``settle()``."""

    def __init__(
        self,
        ctx: AppContext,
        uow: UnitOfWork,
        case_id: str,
        now: dt.datetime,
        calendar: WorkdayCalendar,
        rows: list[DeadlineRow] | None = None,
    ) -> None:
        self.ctx, self.uow, self.case_id, self.now, self.calendar = ctx, uow, case_id, now, calendar
        self.today = local_date(now)
        found = uow.deadlines.open_for_case(case_id) if rows is None else rows
        self.rows: dict[int, DeadlineRow] = {r.id: r for r in found}
        self._process: Any = None

    # -- changes ------------------------------------------------------------------------------------
    def note(self, action: str, row: DeadlineRow, **payload: JsonValue) -> None:
        body = {"kind": row.kind, "deadline": row.id, **({"ref": row.ref} if row.ref else {}), **payload}
        record(
            self.ctx,
            self.uow,
            RecordDraft(action=action, actor=SYSTEM.user_id, case_id=self.case_id, payload=body),
            self.now,
        )

    def save(self, row: DeadlineRow) -> DeadlineRow:
        if not self.uow.deadlines.save(row):
            raise Conflict(
                "办理时限已被同时修改，请重试",
                "The deadline changed at the same time; try again",
                code="deadline-conflict",
            )
        saved = replace(row, version=row.version + 1)
        if saved.status == "open":
            self.rows[saved.id] = saved
        else:
            self.rows.pop(saved.id, None)
        return saved

    def open(self, kind: DeadlineKind, started_on: dt.date, days: int, ref: str | None = None) -> DeadlineRow:
        draft = DeadlineRow(
            0,
            self.case_id,
            kind.value,
            ref,
            BASIS[kind],
            started_on,
            days,
            0,
            None,
            (),
            None,
            None,
            "open",
            WarningLevel.GREEN.value,
            0,
            self.now,
        )
        reading = read(draft, self.calendar, self.today, self.yellow)
        due_on = reading.due.date if reading.due else None
        row: DeadlineRow = self.uow.deadlines.add(
            replace(draft, due_on=due_on, provenance=reading.provenance)
        )
        self.rows[row.id] = row
        self.note(
            "deadline.opened",
            row,
            startedOn=started_on.isoformat(),
            limitDays=days,
            due=_iso(row.due_on),
            provenance=row.provenance,
            basis=row.basis,
        )
        return row

    def close(self, row: DeadlineRow, status: str) -> None:
        self.save(replace(row, status=status, closed_at=self.now))
        on_time = row.due_on is None or self.today <= row.due_on
        self.note(
            "deadline.met" if status == "met" else "deadline.cancelled",
            row,
            due=_iso(row.due_on),
            on=self.today.isoformat(),
            onTime=on_time,
        )

    def of_kind(self, kind: DeadlineKind, ref: str | None = None) -> list[DeadlineRow]:
        return [r for r in self.rows.values() if r.kind == kind.value and (ref is None or r.ref == ref)]

    @property
    def yellow(self) -> int:
        return int(self.ctx.settings.yellow_days)

    def process(self) -> Any:
        if self._process is None:
            case = self.uow.cases.get(self.case_id)
            assert case is not None
            self._process = self.ctx.processes.get(self.uow, case.process_id)
        return self._process

    # -- reading the clock again ----------------------------------------------------------------------
    def settle(self) -> None:
        """Re-read every open deadline: store due date and level changes, record level changes, and
        leave one ``deadline-warning`` due row at the case's next level change."""
        wake: list[dt.date] = []
        for row in list(self.rows.values()):
            reading = read(row, self.calendar, self.today, self.yellow)
            due_on = reading.due.date if reading.due else None
            if (due_on, reading.provenance, reading.level.value) != (row.due_on, row.provenance, row.level):
                self.save(
                    replace(row, due_on=due_on, provenance=reading.provenance, level=reading.level.value)
                )
            if reading.level.value != row.level:
                self.note(
                    LEVEL_ACTIONS[reading.level],
                    row,
                    level=reading.level.value,
                    previous=row.level,
                    due=_iso(due_on),
                    remaining=reading.remaining,
                )
            change = next_change(row, self.calendar, self.today, self.yellow)
            if change is not None:
                wake.append(change)
        wanted = [(None, day_start(min(wake)))] if wake else []
        self.uow.due.sync_case(self.case_id, DEADLINE_WARNING, wanted, self.now)


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


# -- following the steps of a case ---------------------------------------------------------------------


# -- the scheduler's and the calendar's side -------------------------------------------------------------


def fire_deadline_warning(ctx: AppContext, uow: UnitOfWork, item: DueItem, now: dt.datetime) -> None:
    """A case's next level change is due: read its deadlines again (firer of ``deadline-warning`` rows)."""
    if item.case_id is not None:
        CaseDeadlines(ctx, uow, item.case_id, now, ctx.calendar.refresh(uow)).settle()


def recompute_for_days(
    ctx: AppContext,
    uow: UnitOfWork,
    calendar: WorkdayCalendar,
    first: dt.date,
    last: dt.date,
    now: dt.datetime,
    cause: str,
) -> list[Recomputed]:
    """After days in [first, last] changed: recompute every open deadline that counts one of them."""
    changes: list[Recomputed] = []
    for case_id in sorted({r.case_id for r in uow.deadlines.open_spanning(first, last)}):
        book = CaseDeadlines(ctx, uow, case_id, now, calendar)
        for row in list(book.rows.values()):
            reading = read(row, calendar, book.today, book.yellow)
            due_on = reading.due.date if reading.due else None
            if (due_on, reading.provenance) == (row.due_on, row.provenance):
                continue
            book.save(replace(row, due_on=due_on, provenance=reading.provenance))
            book.note(
                "deadline.recomputed",
                row,
                previousDue=_iso(row.due_on),
                due=_iso(due_on),
                previousProvenance=row.provenance,
                provenance=reading.provenance,
                cause=cause,
            )
            changes.append(Recomputed(case_id, row.kind, row.due_on, due_on, reading.provenance))
        book.settle()
    return changes
