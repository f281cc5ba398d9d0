"""Deadlines follow the steps of a case: the record listener that starts, stops, resumes and ends them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from engine.deadlines.clock import clock_of
from engine.deadlines.rows import DeadlineRow, ReadyRole
from engine.deadlines.rules import (
    ACCEPTANCE_NOTICE_DAYS,
    DELIVERY_DAYS,
    STATUTORY_DECISION_DAYS,
    DeadlineKind,
)
from engine.deadlines.tracking import (
    CALENDAR_MAX_AGE,
    ENDED,
    ROLES,
    ROUND_ROLES,
    STEP_ACTIONS,
    STOP_ROLES,
    CaseDeadlines,
    _iso,
    whole_days,
)
from engine.disclosure.rules import disclosure_days
from engine.kernel.bureau import local_date
from engine.kernel.json_types import JsonObject
from engine.kernel.ports import UnitOfWork, present
from engine.tasks.rules import ends_activation

if TYPE_CHECKING:
    from engine.kernel.context import AppContext
    from engine.record.chain import Content, Entry


def deadline_listener(ctx: AppContext) -> Callable[[UnitOfWork, Entry], None]:
    """A record listener (``AppContext.listeners``): follows every step of every case."""

    def follow(uow: UnitOfWork, entry: Entry) -> None:
        content = entry.content
        if content.case_id and content.action in STEP_ACTIONS:
            follow_step(ctx, uow, content)

    return follow


def follow_step(ctx: AppContext, uow: UnitOfWork, content: Content) -> None:
    case_id, action = present(content.case_id, "case id"), content.action
    completed_role = (content.actor_role or "") if action == "task.completed" else ""
    ready = uow.deadlines.ready_tasks(case_id)
    rows = uow.deadlines.open_for_case(case_id)
    if not rows and completed_role not in ROLES and not any(t.role in ROLES for t in ready):
        ctx.calendar.refresh(uow, max_age=CALENDAR_MAX_AGE)  # keeps this node's workdays() current
        return
    book = CaseDeadlines(ctx, uow, case_id, content.recorded_at, ctx.calendar.refresh(uow), rows)
    if completed_role:
        _completed(
            book,
            present(content.task_id, "task id"),
            completed_role,
            dict(content.payload.get("data") or {}),
            ends_activation(content.payload),
        )
    if action == "disclosure.published":
        for row in book.of_kind(DeadlineKind.DISCLOSURE):
            book.close(row, "met")
    _follow_rounds(book, ready)
    _follow_stops(book, ready)
    if action in ENDED:  # what the case can no longer meet is cancelled
        for row in [r for r in book.rows.values() if r.kind in ENDED[action]]:
            book.close(row, "cancelled")
    book.settle()


def _completed(book: CaseDeadlines, task_id: str, role: str, data: JsonObject, ends: bool = True) -> None:
    """``ends``: the completion ended its step (not a co-signature other signatures still follow)."""
    if role in ROUND_ROLES:
        for row in book.of_kind(ROUND_ROLES[role], ref=task_id):
            book.close(row, "met")
    if not ends:
        return
    if (
        role == "acceptance"
        and data.get("materialsComplete") is True
        and not any(r.kind == DeadlineKind.DECISION.value for r in book.uow.deadlines.for_case(book.case_id))
    ):
        props = book.process().properties
        days = (
            whole_days(props.get("sanxiang.promisedDays"))
            or whole_days(props.get("sanxiang.statutoryDays"))
            or STATUTORY_DECISION_DAYS
        )
        book.open(DeadlineKind.DECISION, book.today, days)
    elif role == "decision":
        for row in book.of_kind(DeadlineKind.DECISION):
            book.close(row, "met")
        days = disclosure_days(book.process().properties.get("sanxiang.disclosureDays"))
        book.open(DeadlineKind.DISCLOSURE, book.today, days)
        if data.get("decision") == "grant":
            book.open(DeadlineKind.DELIVERY, book.today, DELIVERY_DAYS)
    elif role == "delivery":
        for row in book.of_kind(DeadlineKind.DELIVERY):
            book.close(row, "met")


def _follow_rounds(book: CaseDeadlines, ready: list[ReadyRole]) -> None:
    """One acceptance-notice / legal-review round per task; a round whose task vanished is cancelled."""
    ready_ids = {t.id for t in ready}
    for task in ready:
        kind = ROUND_ROLES.get(task.role or "")
        if kind is None or book.of_kind(kind, ref=task.id):
            continue
        if kind is DeadlineKind.ACCEPTANCE_NOTICE:
            book.open(kind, local_date(task.created_at), ACCEPTANCE_NOTICE_DAYS, ref=task.id)
            continue
        element = book.process().elements[task.element_id]
        if (days := whole_days(element.properties.get("sanxiang.expected"))) is not None:
            book.open(kind, local_date(task.created_at), days, ref=task.id)
    for row in [r for r in book.rows.values() if r.ref and r.ref not in ready_ids]:
        book.close(row, "cancelled")


def _follow_stops(book: CaseDeadlines, ready: list[ReadyRole]) -> None:
    """The decision clock stands still while a stopping task is open (art. 45; the applicant is told)."""
    stopping = [t for t in ready if t.role in STOP_ROLES]
    for row in book.of_kind(DeadlineKind.DECISION):
        if stopping and not clock_of(row).is_stopped:
            _stop(book, row, stopping[0])
        elif not stopping and clock_of(row).is_stopped:
            _resume(book, row)


def _stop(book: CaseDeadlines, row: DeadlineRow, task: ReadyRole) -> None:
    reason = STOP_ROLES[task.role or ""]
    clock, _ = clock_of(row).stop(book.today, reason)
    book.save(replace(row, stops=clock.stops, due_on=None))
    book.note(
        "deadline.clock-stopped",
        row,
        reason=reason.value,
        on=book.today.isoformat(),
        task=task.id,
        notify=["applicant"],
    )


def _resume(book: CaseDeadlines, row: DeadlineRow) -> None:
    clock, _ = clock_of(row).resume(book.today)
    stop, due = clock.stops[-1], clock.due(book.calendar)
    book.save(replace(row, stops=clock.stops, due_on=due.date if due else None))
    stood = book.calendar.days(stop.stopped_on - dt.timedelta(days=1), book.today)
    book.note(
        "deadline.clock-resumed",
        row,
        reason=stop.reason.value,
        stoppedOn=stop.stopped_on.isoformat(),
        on=book.today.isoformat(),
        calendarDays=(book.today - stop.stopped_on).days + 1,
        workdays=sum(info.is_workday for info in stood),
        due=_iso(due.date if due else None),
        notify=["applicant"],
    )
