"""Task inbox and the three things people do to a task: claim, unclaim, complete."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
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
from engine.cases.step_failures import record_failed_completion
from engine.errors import Conflict, NotAllowed, NotFound, StepFailed
from engine.kernel.context import AppContext
from engine.kernel.json_types import JsonObject, JsonValue
from engine.kernel.ports import Actor, RecordDraft, TaskFilter, TaskRow, UnitOfWork
from engine.people.case_access import may_work_on as may_work_on
from engine.people.permissions import Permission, authorize
from engine.record.append import record
from engine.record.refusals.record_refusal import refusals_on_record
from engine.review.facts import restore_case
from engine.tasks.co_signing import signature_payload


class Completion:
    """Everything a guard (``AppContext.guards``) may look at before a task completes: the task, the
    case, the submitted data, the actor, the records. A guard refuses by raising (ProcedureViolation,
    NotAllowed, InvalidInput): the legal-review gate, separation of duties, certificates, forms…"""

    def __init__(
        self,
        uow: UnitOfWork,
        task: TaskRow,
        case: Any,
        process: Any,
        element: Any,
        data: JsonObject,
        actor: Actor,
        variables: Callable[[], JsonObject],
        instance: Any = None,
    ) -> None:
        self.uow, self.task, self.case, self.process = uow, task, case, process
        self.element, self.data, self.actor = element, data, actor
        self.instance = instance  # the runner's InstanceInfo when the task is one of a multi-instance
        self._variables = variables
        self.evidence: list[str] = []  # guards add evidence hashes; the completion's record names them

    @property
    def variables(self) -> JsonObject:
        return self._variables()


def list_tasks(ctx: AppContext, query: TaskFilter) -> list[TaskRow]:
    with ctx.uow(readonly=True) as uow:
        return list(uow.tasks.inbox(query))


def _open_task(uow: UnitOfWork, task_id: str, actor: Actor, permission: Permission) -> TaskRow:
    """The task, if the actor holds ``permission`` on it and it still waits (404, 403, 409 in that order)."""
    task: TaskRow | None = uow.tasks.get(task_id)
    if task is None:
        raise NotFound("任务不存在", f"No task {task_id}", code="task-not-found")
    authorize(uow, permission, actor, task=task)
    if task.status != "ready":
        raise Conflict(
            "任务已办结或已取消", f"Task {task_id} is {task.status}, no longer waiting", code="task-not-ready"
        )
    return task


@refusals_on_record("task.claim")
def claim_task(ctx: AppContext, task_id: str, actor: Actor, *, for_user: str | None = None) -> TaskRow:
    """Claim a task offered to the actor; ``for_user`` (Camunda's ``userId``) may only name the actor."""
    with ctx.uow() as uow:
        task = _open_task(uow, task_id, actor, Permission.TASK_CLAIM)
        if for_user not in (None, "", actor.user_id):
            raise NotAllowed(
                f"只能为自己认领任务，不能代 {for_user} 认领",
                f"You can only claim a task for yourself, not for {for_user}",
                code="claim-for-other",
            )
        if task.assignee == actor.user_id:
            return task
        if not uow.tasks.set_assignee(task_id, actor.user_id, expected=None):
            raise Conflict("任务已被他人认领", "The task was claimed by someone else", code="task-claimed")
        record(
            ctx,
            uow,
            RecordDraft(
                action="task.claimed",
                actor=actor.user_id,
                case_id=task.case_id,
                task_id=task.id,
                element_id=task.element_id,
            ),
            ctx.clock(),
        )
        uow.commit()
    return replace(task, assignee=actor.user_id)


@refusals_on_record("task.unclaim")
def unclaim_task(ctx: AppContext, task_id: str, actor: Actor) -> TaskRow:
    with ctx.uow() as uow:
        task = _open_task(uow, task_id, actor, Permission.TASK_UNCLAIM)
        if task.assignee is not None:
            uow.tasks.set_assignee(task_id, None, expected=task.assignee)
            record(
                ctx,
                uow,
                RecordDraft(
                    action="task.unclaimed",
                    actor=actor.user_id,
                    case_id=task.case_id,
                    task_id=task.id,
                    element_id=task.element_id,
                ),
                ctx.clock(),
            )
        uow.commit()
    return replace(task, assignee=None)


@refusals_on_record("task.complete", keep={"data": "data"})
def complete_task(ctx: AppContext, task_id: str, data: Mapping[str, JsonValue], actor: Actor) -> TaskRow:
    """Run one step: check, complete, save with the case version, project, record — or change nothing
    (except that a refusal, ``NotAllowed`` from the permission or a guard, is itself recorded, and so is
    an engine failure, ``StepFailed``)."""
    data = check_variables(data)
    try:
        return _complete_task(ctx, task_id, data, actor)
    except StepFailed as failure:  # the engine failed: the step rolled back, its failure stays on record
        record_failed_completion(ctx, task_id, actor, failure, list(data))
        raise


def _complete_task(ctx: AppContext, task_id: str, data: JsonObject, actor: Actor) -> TaskRow:
    now = ctx.clock()
    with ctx.uow() as uow:
        task = _open_task(uow, task_id, actor, Permission.TASK_COMPLETE)
        case = uow.cases.get(task.case_id)
        assert case is not None
        parsed = ctx.processes.get(uow, case.process_id)
        workflow = restore_case(ctx, uow, case)
        ready = workflow.ready_tasks()
        before = {t.task_id for t in ready}
        if task_id not in before:  # completed by someone else between reading its row and the case's state
            raise Conflict(
                "任务已不是待办状态（可能已被他人办理）",
                f"Task {task_id} is not waiting for a person any more",
                code="task-not-ready",
            )
        instance = next((t.instance for t in ready if t.task_id == task_id), None)
        element = parsed.elements[task.element_id]
        completion = Completion(
            uow, task, case, parsed, element, data, actor, lambda: workflow.variables, instance
        )
        for guard in ctx.guards:
            guard(completion)
        result = workflow.complete_task(task_id, data, now)
        step = StepContext(ctx, uow, case, actor, now)
        save_case(step, workflow)
        new = sync_tasks(step, workflow, before, task_id)
        apply_effects(step, result)
        record_step(
            step,
            workflow,
            RecordDraft(
                action="task.completed",
                actor=actor.user_id,
                actor_role=task.role or "",
                case_id=case.id,
                task_id=task_id,
                element_id=task.element_id,
                payload=step_payload(
                    result,
                    new,
                    data=jsonable(data),
                    **signature_payload(element, instance, data, workflow.ready_tasks()),
                ),
                evidence=tuple(completion.evidence),
            ),
        )
        uow.commit()
    return replace(task, status="completed", completed_at=now, completed_by=actor.user_id)
