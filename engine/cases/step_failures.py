"""A step that failed stays on record although its transaction rolled back (``step.failed``).

When the engine fails while running a step (an expression, a handler, the engine itself: ``StepFailed``)
the step's transaction is rolled back and its workflow thrown away, so nothing of the step is saved.
The failure itself is then recorded in its own small transaction — like a refusal
(``engine.record.refusals.record_refusal``) — so the supervisor console lists the case as failed
(``step-failed``) until
a later step of the case succeeds, and the record shows who met which error when.

``source`` says where it happened: "task" (a person's completion: nothing to retry on the server, the
person submits again once the cause is fixed) or "timer" (a due row: its error is also kept on the row,
which the scheduler retries with a back-off and a supervisor may retry at once).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from engine.errors import StepFailed
from engine.kernel.json_types import JsonObject, JsonValue
from engine.kernel.ports import Actor, RecordDraft, UnitOfWork
from engine.record.append import record

if TYPE_CHECKING:
    from engine.kernel.context import AppContext

log = logging.getLogger(__name__)


def failure_payload(failure: StepFailed, source: str, actor: str, **extra: JsonValue) -> JsonObject:
    return {
        "code": failure.code,
        "reason_zh": failure.message_zh,
        "reason_en": failure.message_en,
        "source": source,
        "actor": actor,
        **extra,
    }


def append_failure(
    ctx: AppContext,
    uow: UnitOfWork,
    *,
    case_id: str,
    failure: StepFailed,
    source: str,
    actor: str,
    task_id: str | None = None,
    element_id: str | None = None,
    **extra: JsonValue,
) -> None:
    """Append ``step.failed`` in the caller's transaction (which must not be the failed step's)."""
    element = failure.details.get("element_id") or element_id
    record(
        ctx,
        uow,
        RecordDraft(
            action="step.failed",
            actor=actor,
            case_id=case_id,
            task_id=task_id,
            element_id=element,
            payload=failure_payload(failure, source, actor, **extra),
        ),
        ctx.clock(),
    )


def record_failed_completion(
    ctx: AppContext, task_id: str, actor: Actor, failure: StepFailed, fields: list[str] | None = None
) -> None:
    """A person's completion failed in the engine: record it (the submitted values are not copied)."""
    try:
        with ctx.uow() as uow:
            task = uow.tasks.get(task_id)
            if task is None:
                return
            append_failure(
                ctx,
                uow,
                case_id=task.case_id,
                failure=failure,
                source="task",
                actor=actor.user_id,
                task_id=task.id,
                element_id=task.element_id,
                fields=sorted(fields or []),
            )
            uow.commit()
    except Exception:  # never hide the step's own error behind a failure to record it
        log.exception("could not record the failed step of task %s", task_id)


def as_step_failure(error: Exception) -> StepFailed:
    """Every error of a firing as a ``StepFailed`` (its code and both messages kept when it has them)."""
    if isinstance(error, StepFailed):
        return error
    zh = getattr(error, "message_zh", None) or f"执行失败：{error}"
    en = getattr(error, "message_en", None) or f"{type(error).__name__}: {error}"
    return StepFailed(
        zh,
        en,
        code=getattr(error, "code", "engine-failed"),
        details=dict(getattr(error, "details", {}) or {}),
    )
