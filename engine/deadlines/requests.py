"""What people ask of a case's deadlines: read them (with provenance), extend the decision limit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from engine.deadlines.clock import clock_of, closing_time, read
from engine.deadlines.rows import DeadlineRow
from engine.deadlines.rules import EXTENSION_DAYS, DeadlineKind
from engine.deadlines.tracking import CaseDeadlines
from engine.errors import Conflict, InvalidInput, NotFound
from engine.kernel.bureau import local_date
from engine.kernel.context import AppContext
from engine.kernel.json_types import JsonObject
from engine.kernel.ports import Actor, RecordDraft, UnitOfWork
from engine.kernel.workdays import WorkdayCalendar
from engine.people.permissions import Permission, authorize
from engine.record.append import record
from engine.record.refusals.record_refusal import refusals_on_record

MAX_REASON = 2000


@dataclass(frozen=True)
class DeadlineView:
    kind: str
    basis: str
    status: str  # open | met | cancelled
    level: str  # green | yellow | red (as of now, for open deadlines)
    started_on: dt.date
    limit_days: int
    extension_days: int
    extension_reason: str | None
    due_on: dt.date | None  # None while the clock stands still
    due_at: dt.datetime | None  # the close of the due day, Asia/Shanghai
    provenance: str | None  # official | estimated
    remaining: int | None  # working days left after today (open deadlines)
    stopped: bool
    stops: list[JsonObject]
    ref: str | None
    opened_at: dt.datetime
    closed_at: dt.datetime | None


def _view(row: DeadlineRow, calendar: WorkdayCalendar, today: dt.date, yellow: int) -> DeadlineView:
    due_on, provenance, level, remaining = row.due_on, row.provenance, row.level, None
    if row.status == "open":
        reading = read(row, calendar, today, yellow)
        due_on = reading.due.date if reading.due else None
        provenance, level, remaining = reading.provenance, reading.level.value, reading.remaining
    stops = [
        {"reason": s.reason.value, "stoppedOn": s.stopped_on, "resumedOn": s.resumed_on} for s in row.stops
    ]
    return DeadlineView(
        row.kind,
        row.basis,
        row.status,
        level,
        row.started_on,
        row.limit_days,
        row.extension_days,
        row.extension_reason,
        due_on,
        closing_time(due_on) if due_on else None,
        provenance,
        remaining,
        clock_of(row).is_stopped,
        stops,
        row.ref,
        row.opened_at,
        row.closed_at,
    )


def _authorized_case(uow: UnitOfWork, case_id: str, actor: Actor, permission: Permission) -> None:
    case = uow.cases.get(case_id)
    if case is None:
        raise NotFound("办件不存在", f"No case {case_id}", code="case-not-found")
    authorize(uow, permission, actor, case=case)


def list_deadlines(ctx: AppContext, case_id: str, actor: Actor) -> list[DeadlineView]:
    """Every deadline of the case, oldest first; open ones read on today's calendar."""
    with ctx.uow(readonly=True) as uow:
        _authorized_case(uow, case_id, actor, Permission.CASE_READ)
        calendar: WorkdayCalendar = ctx.calendar.refresh(uow)
        rows = uow.deadlines.for_case(case_id)
    today = local_date(ctx.clock())
    return [_view(row, calendar, today, ctx.settings.yellow_days) for row in rows]


@refusals_on_record("case.extend", keep={"reason": "reason", "days": "days"})
def extend_decision(
    ctx: AppContext, case_id: str, actor: Actor, reason: str, days: int = EXTENSION_DAYS
) -> DeadlineView:
    """Extend the running decision limit once (art. 42): an approver's decision, with the reason,
    recorded and told to the applicant (``deadline.extended`` carries ``notify: applicant``)."""
    reason = (reason or "").strip()
    if not reason or len(reason) > MAX_REASON:
        raise InvalidInput(
            f"请写明延期理由（{MAX_REASON} 字以内）",
            f"Give the reason for the extension (at most {MAX_REASON} characters)",
            code="extension-reason",
        )
    now = ctx.clock()
    with ctx.uow() as uow:
        _authorized_case(uow, case_id, actor, Permission.CASE_EXTEND)  # approvers read every case
        book = CaseDeadlines(ctx, uow, case_id, now, ctx.calendar.refresh(uow))
        running = book.of_kind(DeadlineKind.DECISION)
        if not running:
            raise Conflict(
                "该办件没有正在计算的审批时限",
                "This case has no running decision time limit",
                code="no-decision-limit",
            )
        row = running[0]
        clock, _ = clock_of(row).extend(days)
        extended = book.save(replace(row, extension_days=clock.extension_days, extension_reason=reason))
        after = read(extended, book.calendar, book.today, book.yellow)
        record(
            ctx,
            uow,
            RecordDraft(
                action="deadline.extended",
                actor=actor.user_id,
                actor_role="approver",
                case_id=case_id,
                payload={
                    "kind": row.kind,
                    "deadline": row.id,
                    "days": days,
                    "reason": reason,
                    "previousDue": row.due_on.isoformat() if row.due_on else None,
                    "due": after.due.date.isoformat() if after.due else None,
                    "provenance": after.provenance,
                    "notify": ["applicant"],
                },
            ),
            now,
        )
        book.settle()
        uow.commit()
        saved = book.rows[row.id]
    return _view(saved, book.calendar, book.today, book.yellow)
