"""A worker's completion (and BPMN error) of an external task: a step of the case like any other.

Under the worker's live lock (``rules.check_lock``), the case's workflow is restored, the three-systems
gates run — a worker never does a step a person must do (``rules.person_must_decide``), and every guard
of ``AppContext.guards`` runs as for a person's completion — then the step is saved, the tasks projected,
the external-task rows synchronised and the step recorded (actor: the worker's account, with its
``workerId``), in one transaction. A refusal is on the case's record (``refusals_on_record``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from engine.cases.opening import check_variables
from engine.cases.save_step import (
    StepContext,
    apply_effects,
    jsonable,
    record_step,
    save_case,
    step_payload,
    sync_tasks,
)
from engine.errors import Conflict, ProcedureViolation
from engine.external_tasks import rules
from engine.external_tasks.rows import ExternalTaskRow
from engine.kernel.context import AppContext
from engine.kernel.ports import Actor, RecordDraft, TaskRow, UnitOfWork
from engine.people.permissions import Permission, authorize
from engine.record.refusals.record_refusal import refusals_on_record
from engine.review.facts import restore_case
from engine.tasks.bpmn_errors import _check as check_error
from engine.tasks.claim_and_complete import Completion


def by_external_task(uow: UnitOfWork, args: Mapping[str, Any]) -> tuple[str, TaskRow | None] | None:
    row: ExternalTaskRow | None = uow.external_tasks.get(str(args["task_id"]))
    return (row.case_id, None) if row is not None else None


def _as_task(row: ExternalTaskRow, element: Any) -> TaskRow:
    """The external task as the guards see a task (no performers: a system does it)."""
    return TaskRow(
        id=row.id,
        case_id=row.case_id,
        process_key=row.process_key,
        element_id=row.element_id,
        name=element.name or row.element_id,
        role=element.role,
        status="ready",
        assignee=None,
        candidate_groups=(),
        candidate_users=(),
        form_id=None,
        due_at=None,
        created_at=row.created_at,
    )


@refusals_on_record("external-task.complete", locate=by_external_task, keep={"worker_id": "worker_id"})
def complete(
    ctx: AppContext, task_id: str, worker_id: str, variables: Mapping[str, Any], actor: Actor
) -> None:
    """The worker's result: ``variables`` into the case, the workflow goes on."""
    data = check_variables(variables)
    _step(ctx, task_id, worker_id, actor, data, lambda wf, now: wf.complete_external(task_id, data, now))


@refusals_on_record("external-task.bpmn-error", locate=by_external_task, keep={"worker_id": "worker_id"})
def bpmn_error(
    ctx: AppContext,
    task_id: str,
    worker_id: str,
    error: tuple[str, str],
    variables: Mapping[str, Any],
    actor: Actor,
) -> None:
    """The worker's business error ``error`` (code, message): the error boundary catching the code takes
    the case on; nothing catches it: ``bpmn-error-uncaught`` (409) and nothing changes."""
    code, message = error
    check_error(code, message)
    data = check_variables(variables)
    _step(
        ctx,
        task_id,
        worker_id,
        actor,
        data,
        lambda wf, now: wf.throw_external(task_id, code, message, data, now),
        "external-task.bpmn-error",
        error_code=code,
        error_message=message,
    )


def _step(
    ctx: AppContext,
    task_id: str,
    worker_id: str,
    actor: Actor,
    data: dict[str, Any],
    move: Callable[[Any, Any], Any],
    action: str = "external-task.completed",
    **extra: Any,
) -> None:
    authorize(None, Permission.EXTERNAL_TASK_WORK, actor)
    now = ctx.clock()
    with ctx.uow() as uow:
        row = rules.check_lock(uow.external_tasks.get(task_id, for_update=True), task_id, worker_id, now)
        case = _running_case(uow, row)
        workflow = restore_case(ctx, uow, case)
        _gates(ctx, uow, row, (case, ctx.processes.get(uow, case.process_id), workflow), data, actor)
        before = {t.task_id for t in workflow.ready_tasks()}
        result = move(workflow, now)
        step = StepContext(ctx, uow, case, actor, now)
        save_case(step, workflow)
        new = sync_tasks(step, workflow, before, None)
        apply_effects(step, result)
        payload = step_payload(
            result, new, data=jsonable(data), worker_id=worker_id, topic=row.topic, **extra
        )
        draft = RecordDraft(action, actor.user_id, "", case.id, task_id, row.element_id, payload)
        record_step(step, workflow, draft)
        uow.commit()


def _running_case(uow: UnitOfWork, row: ExternalTaskRow) -> Any:
    case = uow.cases.get(row.case_id)
    if case is None or case.status != "running":
        raise Conflict(
            "办件不在办理中（已暂停或已结束），外部任务现在不能完成",
            f"The case is not running (suspended or ended): external task {row.id} cannot be completed now",
            code="case-not-running",
        )
    return case


def _gates(
    ctx: AppContext,
    uow: UnitOfWork,
    row: ExternalTaskRow,
    at: tuple[Any, Any, Any],
    data: dict[str, Any],
    actor: Actor,
) -> None:
    """The three-systems gates: no worker at a person's step, then every guard of a completion."""
    case, parsed, workflow = at
    element = parsed.elements[row.element_id]
    refused = rules.person_must_decide(row.element_id, element.role)
    if refused is not None:
        raise ProcedureViolation(
            *refused, code="external-task-needs-person", details={"element_id": row.element_id}
        )
    task = _as_task(row, element)
    completion = Completion(uow, task, case, parsed, element, data, actor, lambda: workflow.variables)
    for guard in ctx.guards:
        guard(completion)
