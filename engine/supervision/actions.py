"""What a supervisor does about a listed case; each action states a reason and lands in the record.

=======================  ==========================================================================
action                   effect (record)
=======================  ==========================================================================
reassign_task            the task's assignee becomes one of its candidates, or anyone when it has no performer
                         (``task.reassigned``)
suspend_case             running -> suspended: completions are refused (``case_is_not_suspended``,
                         a guard), timers wait (``case.suspended``)
resume_case              suspended -> running; timers that came due meanwhile fire at once
                         (``case.resumed``)
cancel_case              terminated: waiting tasks cancelled, due rows dropped, open deadlines
                         closed (``case.cancelled``)
retry_due_item           a failed (or late) due row fires now, past its back-off (``timer.retried``)
retry_webhook            a dead webhook event is sent again (``webhook.replayed``)
retry_failed_step        a person's failed completion: nothing to retry on the server (explained)
=======================  ==========================================================================
Moves and migrations are in ``case_moves`` and ``migration``.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from engine.deadlines.tracking import CaseDeadlines
from engine.errors import Conflict, NotAllowed, NotFound
from engine.kernel.json_types import JsonValue
from engine.kernel.ports import Actor, CaseRow, RecordDraft, TaskRow, UnitOfWork, present
from engine.record.append import record
from engine.record.refusals.record_refusal import refusals_on_record
from engine.supervision.access import load_case, require_reason, require_supervisor
from engine.supervision.performers import has_performer

if TYPE_CHECKING:
    from engine.kernel.context import AppContext
    from engine.tasks.claim_and_complete import Completion

LIVE = ("running", "suspended")


def _note(
    ctx: AppContext,
    uow: UnitOfWork,
    action: str,
    actor: Actor,
    case_id: str | None,
    now: datetime,
    **payload: JsonValue,
) -> None:
    record(
        ctx,
        uow,
        RecordDraft(
            action=action,
            actor=actor.user_id,
            actor_role="supervisor",
            case_id=case_id,
            task_id=payload.pop("task_id", None),
            element_id=payload.pop("element_id", None),
            payload=payload,
        ),
        now,
    )


def _version_clash() -> Conflict:
    return Conflict(
        "办件已被同时修改，请刷新后重试",
        "The case changed at the same time; reload and try again",
        code="case-version-conflict",
    )


# -- the guard: nothing is completed in a suspended case -----------------------------------------------


def case_is_not_suspended(completion: Completion) -> None:
    """A guard (``AppContext.guards``): completing a task of a suspended case is refused."""
    if completion.case.status == "suspended":
        raise Conflict(
            "办件已被督查暂停，恢复前不能办理",
            "The case is suspended by a supervisor; resume it first",
            code="case-suspended",
        )


# -- tasks ---------------------------------------------------------------------------------------------


@refusals_on_record("task.reassign", keep={"to": "assignee", "reason": "reason"})
def reassign_task(ctx: AppContext, task_id: str, assignee: str, actor: Actor, reason: str) -> TaskRow:
    require_supervisor(actor)
    reason = require_reason(reason)
    now = ctx.clock()
    with ctx.uow() as uow:
        task = uow.tasks.get(task_id)
        if task is None or task.status != "ready":
            raise NotFound("没有待办的该任务", f"No waiting task {task_id}", code="task-not-found")
        user = uow.users.get(assignee)
        if user is None:
            raise NotFound(f"用户 {assignee} 不存在", f"No user {assignee}", code="user-not-found")
        # candidates nobody active matches: no performer (无人可办), any user may be given the task
        candidates = bool(task.candidate_groups or task.candidate_users) and has_performer(
            replace(task, assignee=None), uow.users.list()
        )
        if candidates and not (user.in_any(task.candidate_groups) or assignee in task.candidate_users):
            raise NotAllowed(
                f"用户 {assignee} 不是该任务的候选人，不能改派给他",
                f"User {assignee} is not a candidate of this task",
                code="assignee-not-candidate",
            )
        if not uow.tasks.set_assignee(task_id, assignee, expected=task.assignee):
            raise Conflict(
                "任务已被同时认领或改派，请刷新后重试",
                "The task changed at the same time; reload",
                code="task-claimed",
            )
        _note(
            ctx,
            uow,
            "task.reassigned",
            actor,
            task.case_id,
            now,
            task_id=task.id,
            element_id=task.element_id,
            reason=reason,
            **{"from": task.assignee, "to": assignee},
        )
        reassigned = present(uow.tasks.get(task_id), "task")
        uow.commit()
    return reassigned


# -- suspend, resume, cancel -----------------------------------------------------------------------------


def _set_status(uow: UnitOfWork, case: CaseRow, status: str, ended_at: datetime | None = None) -> None:
    if not uow.supervision.set_status(
        case.id, expected_version=case.version, status=status, ended_at=ended_at
    ):
        raise _version_clash()


def _require_status(case: CaseRow, allowed: tuple[str, ...], doing_zh: str, doing_en: str) -> None:
    if case.status not in allowed:
        raise Conflict(
            f"办件状态为 {case.status}，不能{doing_zh}",
            f"The case is {case.status}; it cannot be {doing_en}",
            code="case-status",
        )


@refusals_on_record("case.suspend", keep={"reason": "reason"})
def suspend_case(ctx: AppContext, case_id: str, actor: Actor, reason: str) -> CaseRow:
    require_supervisor(actor)
    reason = require_reason(reason)
    now = ctx.clock()
    with ctx.uow() as uow:
        case = load_case(uow, case_id)
        _require_status(case, ("running",), "暂停", "suspended")
        _set_status(uow, case, "suspended")
        _note(ctx, uow, "case.suspended", actor, case_id, now, reason=reason)
        uow.commit()
    return _reload(ctx, case_id)


@refusals_on_record("case.resume", keep={"reason": "reason"})
def resume_case(ctx: AppContext, case_id: str, actor: Actor, reason: str) -> CaseRow:
    require_supervisor(actor)
    reason = require_reason(reason)
    now = ctx.clock()
    with ctx.uow() as uow:
        case = load_case(uow, case_id)
        _require_status(case, ("suspended",), "恢复", "resumed")
        _set_status(uow, case, "running")
        workflow = ctx.runner.restore(ctx.processes.get(uow, case.process_id), case.state)
        timers = workflow.waiting_timers()
        uow.due.sync_timers(case_id, timers, now)  # timers that came due while suspended fire now
        _note(ctx, uow, "case.resumed", actor, case_id, now, reason=reason, timers=len(timers))
        uow.commit()
    return _reload(ctx, case_id)


@refusals_on_record("case.cancel", keep={"reason": "reason"})
def cancel_case(ctx: AppContext, case_id: str, actor: Actor, reason: str) -> CaseRow:
    require_supervisor(actor)
    reason = require_reason(reason)
    now = ctx.clock()
    with ctx.uow() as uow:
        case = load_case(uow, case_id)
        _require_status(case, LIVE, "终止", "cancelled")
        _set_status(uow, case, "cancelled", ended_at=now)
        waiting = [t.id for t in uow.tasks.for_case(case_id, status="ready")]
        uow.tasks.close(waiting, status="cancelled", now=now, actor=None)
        uow.external_tasks.drop_case(case_id)
        dropped = uow.supervision.drop_pending_due(case_id)
        _note(ctx, uow, "case.cancelled", actor, case_id, now, reason=reason, tasks=waiting, dueItems=dropped)
        book = CaseDeadlines(ctx, uow, case_id, now, ctx.calendar.refresh(uow))
        for row in list(book.rows.values()):
            book.close(row, "cancelled")
        uow.commit()
    return _reload(ctx, case_id)


def _reload(ctx: AppContext, case_id: str) -> CaseRow:
    with ctx.uow(readonly=True) as uow:
        return load_case(uow, case_id)


# -- retries -------------------------------------------------------------------------------------------
