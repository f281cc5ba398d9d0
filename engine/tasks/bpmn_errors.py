"""Throw a BPMN error at a waiting task (Camunda 7's ``TaskService.handleBpmnError``): the person's client
(or an external worker, through the REST layer) reports a business error instead of completing the task;
the error boundary event catching its code takes the case on (``engine.runner.calls.bpmn_error``)."""

from __future__ import annotations

from dataclasses import replace

from engine.cases.save_step import (
    StepContext,
    apply_effects,
    record_step,
    save_case,
    step_payload,
    sync_tasks,
)
from engine.errors import Conflict, InvalidInput
from engine.kernel.context import AppContext
from engine.kernel.ports import Actor, RecordDraft, TaskRow
from engine.people.permissions import Permission
from engine.record.refusals.record_refusal import refusals_on_record
from engine.review.facts import restore_case
from engine.tasks.claim_and_complete import _open_task

ERROR_THROWN = "task.error_thrown"
MAX_CODE = 200
MAX_MESSAGE = 2000


def _check(code: str, message: str) -> None:
    if not code.strip() or len(code) > MAX_CODE or len(message) > MAX_MESSAGE:
        raise InvalidInput(
            f"错误代码不能为空且不超过 {MAX_CODE} 字符，错误信息不超过 {MAX_MESSAGE} 字符",
            f"The error code must be non-empty and at most {MAX_CODE} characters, the message at most "
            f"{MAX_MESSAGE}",
            code="invalid-bpmn-error",
        )


@refusals_on_record("task.error")
def throw_task_error(ctx: AppContext, task_id: str, code: str, message: str, actor: Actor) -> TaskRow:
    """Throw the BPMN error ``code`` at the waiting task ``task_id`` as ``actor`` (who must be allowed to
    complete it): one step, saved, projected and recorded (``task.error_thrown``) — or nothing changes
    (``bpmn-error-uncaught`` when no boundary event catches the code)."""
    _check(code, message)
    now = ctx.clock()
    with ctx.uow() as uow:
        task = _open_task(uow, task_id, actor, Permission.TASK_COMPLETE)
        case = uow.cases.get(task.case_id)
        assert case is not None
        workflow = restore_case(ctx, uow, case)
        before = {t.task_id for t in workflow.ready_tasks()}
        if task_id not in before:
            raise Conflict(
                "任务已不是待办状态（可能已被他人办理）",
                f"Task {task_id} is not waiting for a person any more",
                code="task-not-ready",
            )
        result = workflow.raise_error(task_id, code, message, now)
        step = StepContext(ctx, uow, case, actor, now)
        save_case(step, workflow)
        new = sync_tasks(step, workflow, before, None)
        apply_effects(step, result)
        payload = step_payload(result, new, error_code=code, error_message=message)
        record_step(
            step,
            workflow,
            RecordDraft(
                action=ERROR_THROWN,
                actor=actor.user_id,
                actor_role=task.role or "",
                case_id=case.id,
                task_id=task_id,
                element_id=task.element_id,
                payload=payload,
            ),
        )
        uow.commit()
    return replace(task, status="cancelled", completed_at=now, completed_by=actor.user_id)
