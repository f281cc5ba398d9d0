"""What workers do with external tasks: fetch and lock, extend or give up a lock, fail, set retries.

Completions and BPMN errors change the case and are steps (``engine.external_tasks.steps``). Every use
case here acts on rows only, under ``Permission.EXTERNAL_TASK_WORK`` (``_READ`` for reading and retries)."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from engine.errors import NotFound
from engine.external_tasks import rules
from engine.external_tasks.bell import BELL, RECHECK, Gate
from engine.external_tasks.rows import ExternalQuery, ExternalTaskRow, FetchRequest, Locked, TopicRequest
from engine.kernel.context import AppContext
from engine.kernel.ports import Actor, RecordDraft, UnitOfWork
from engine.people.permissions import Permission, authorize
from engine.record.append import record
from engine.review.facts import restore_case

GATE = Gate(4)  # waiting polls per process (``Settings``-free: see engine.external_tasks.bell)


def fetch_and_lock(ctx: AppContext, actor: Actor, request: FetchRequest) -> list[Locked]:
    """Lock up to ``max_tasks`` fetchable tasks of the topics for ``worker_id``, with their variables."""
    authorize(None, Permission.EXTERNAL_TASK_WORK, actor)
    now = ctx.clock()
    with ctx.uow() as uow:
        picked: list[tuple[TopicRequest, ExternalTaskRow]] = []
        for topic in request.topics:
            left = request.max_tasks - len(picked)
            if left <= 0:
                break
            until = now + rules.lock_duration(topic.lock_duration_ms)
            rows = uow.external_tasks.lock_available(
                topic, request.worker_id, actor.user_id, until, now, left, use_priority=request.use_priority
            )
            picked += [(topic, row) for row in rows]
        if request.use_priority:
            picked.sort(key=lambda pair: -pair[1].priority)
        found = _with_variables(ctx, uow, picked)
        uow.commit()
    return found


def _with_variables(
    ctx: AppContext, uow: UnitOfWork, picked: list[tuple[TopicRequest, ExternalTaskRow]]
) -> list[Locked]:
    cases: dict[str, dict[str, Any]] = {}
    found = []
    for topic, row in picked:
        if row.case_id not in cases:
            case = uow.cases.get(row.case_id)
            cases[row.case_id] = restore_case(ctx, uow, case).variables if case is not None else {}
        values = cases[row.case_id]
        wanted = values if topic.variables is None else {k: values[k] for k in topic.variables if k in values}
        found.append(Locked(row, dict(wanted)))
    return found


def fetch_and_wait(ctx: AppContext, actor: Actor, request: FetchRequest, timeout_ms: int) -> list[Locked]:
    """``fetch_and_lock``; when nothing is there, wait up to ``timeout_ms`` holding no database connection
    (``bell``): woken by a commit of this process that added tasks, or re-checking every ``RECHECK`` s."""
    found = fetch_and_lock(ctx, actor, request)
    if found or timeout_ms <= 0 or not GATE.enter():
        return found
    try:
        deadline = time.monotonic() + timeout_ms / 1000
        seen = BELL.generation
        while (left := deadline - time.monotonic()) > 0:
            seen = BELL.wait(seen, min(left, RECHECK))
            if _any_fetchable(ctx, request):
                found = fetch_and_lock(ctx, actor, request)
                if found:
                    return found
        return []
    finally:
        GATE.leave()


def _any_fetchable(ctx: AppContext, request: FetchRequest) -> bool:
    with ctx.uow(readonly=True) as uow:
        return bool(uow.external_tasks.any_fetchable(request.topics, ctx.clock()))


def _locked_row(uow: UnitOfWork, task_id: str, worker_id: str, now: datetime) -> ExternalTaskRow:
    return rules.check_lock(uow.external_tasks.get(task_id, for_update=True), task_id, worker_id, now)


def extend_lock(ctx: AppContext, task_id: str, worker_id: str, new_duration_ms: object, actor: Actor) -> None:
    authorize(None, Permission.EXTERNAL_TASK_WORK, actor)
    now = ctx.clock()
    with ctx.uow() as uow:
        _locked_row(uow, task_id, worker_id, now)
        until = now + rules.lock_duration(new_duration_ms, "newDuration")
        uow.external_tasks.change(task_id, lock_expires_at=until)
        uow.commit()


def unlock(ctx: AppContext, task_id: str, actor: Actor) -> None:
    authorize(None, Permission.EXTERNAL_TASK_WORK, actor)
    with ctx.uow() as uow:
        _existing(uow, task_id, for_update=True)
        uow.external_tasks.change(task_id, worker_id=None, locked_by=None, lock_expires_at=None)
        uow.commit()
    BELL.ring()


def _existing(uow: UnitOfWork, task_id: str, *, for_update: bool = False) -> ExternalTaskRow:
    row: ExternalTaskRow | None = uow.external_tasks.get(task_id, for_update=for_update)
    if row is None:
        raise NotFound(
            f"外部任务 {task_id} 不存在",
            f"External task with id {task_id} does not exist",
            code="external-task-not-found",
        )
    return row


def failure(ctx: AppContext, task_id: str, report: dict[str, Any], actor: Actor) -> None:
    """The worker could not do it: retries and a retry timeout; 0 retries: an incident, on the record and
    in the supervisor console. ``report``: workerId, errorMessage, errorDetails, retries, retryTimeout."""
    authorize(None, Permission.EXTERNAL_TASK_WORK, actor)
    now = ctx.clock()
    left = rules.retries(report.get("retries"))
    wait = rules.lock_duration(report["retryTimeout"], "retryTimeout") if report.get("retryTimeout") else None
    with ctx.uow() as uow:
        row = _locked_row(uow, task_id, str(report.get("workerId") or ""), now)
        _fail(uow, row, report, left, now + wait if wait else None, now)
        _record_failure(ctx, uow, row, report, left, actor, now)
        uow.commit()


def _fail(
    uow: UnitOfWork,
    row: ExternalTaskRow,
    report: dict[str, Any],
    left: int,
    retry_at: datetime | None,
    now: datetime,
) -> None:
    uow.external_tasks.change(
        row.id,
        retries=left,
        retry_at=retry_at,
        error_message=_text(report.get("errorMessage"), 4000),
        error_details=_text(report.get("errorDetails"), 100_000),
        worker_id=None if left > 0 else row.worker_id,
        lock_expires_at=None,
        incident_at=now if left == 0 else None,
    )


def _text(value: object, limit: int) -> str | None:
    return str(value)[:limit] if value is not None else None


def _record_failure(
    ctx: AppContext,
    uow: UnitOfWork,
    row: ExternalTaskRow,
    report: dict[str, Any],
    left: int,
    actor: Actor,
    now: datetime,
) -> None:
    action = "external-task.incident" if left == 0 else "external-task.failed"
    payload = {
        "worker_id": report.get("workerId"),
        "topic": row.topic,
        "retries": left,
        "error_message": _text(report.get("errorMessage"), 4000),
    }
    draft = RecordDraft(
        action=action, actor=actor.user_id, case_id=row.case_id, element_id=row.element_id, payload=payload
    )
    record(ctx, uow, draft, now)


def set_retries(ctx: AppContext, task_id: str, retries: object, actor: Actor) -> None:
    """A supervisor or the worker's system resolves an incident by giving the task retries again."""
    authorize(None, Permission.EXTERNAL_TASK_READ, actor)
    left = rules.retries(retries)
    now = ctx.clock()
    with ctx.uow() as uow:
        row = _existing(uow, task_id, for_update=True)
        uow.external_tasks.change(
            task_id, retries=left, incident_at=None if left > 0 else (row.incident_at or now)
        )
        draft = RecordDraft(
            action="external-task.retries-set",
            actor=actor.user_id,
            case_id=row.case_id,
            element_id=row.element_id,
            payload={"retries": left, "topic": row.topic},
        )
        record(ctx, uow, draft, now)
        uow.commit()
    BELL.ring()


def read(ctx: AppContext, actor: Actor, query: ExternalQuery) -> list[ExternalTaskRow]:
    authorize(None, Permission.EXTERNAL_TASK_READ, actor)
    with ctx.uow(readonly=True) as uow:
        return list(uow.external_tasks.query(query))


def count(ctx: AppContext, actor: Actor, query: ExternalQuery) -> int:
    authorize(None, Permission.EXTERNAL_TASK_READ, actor)
    with ctx.uow(readonly=True) as uow:
        return int(uow.external_tasks.count(query))


def one(ctx: AppContext, actor: Actor, task_id: str) -> ExternalTaskRow:
    authorize(None, Permission.EXTERNAL_TASK_READ, actor)
    with ctx.uow(readonly=True) as uow:
        return _existing(uow, task_id)
