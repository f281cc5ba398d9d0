"""Retrying what failed, from the console: a due item (timer), a webhook delivery, a failed step;
each retry noted on the case's record."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from engine.cases.step_failures import as_step_failure
from engine.deadlines.rows import DueItem
from engine.deadlines.timers import FIRERS, LEASE, _release_failed
from engine.errors import Conflict, NotFound, StepFailed
from engine.integration.delivery import replay_event
from engine.kernel.json_types import JsonValue
from engine.kernel.ports import Actor, TaskRow, UnitOfWork, present
from engine.record.refusals.record_refusal import refusals_on_record
from engine.supervision.access import require_reason, require_supervisor
from engine.supervision.actions import _note
from engine.supervision.rows import FailedStep

if TYPE_CHECKING:
    from engine.integration.rows import EventRow
    from engine.kernel.context import AppContext


def _due_item_case(uow: UnitOfWork, args: Mapping[str, JsonValue]) -> tuple[str, TaskRow | None] | None:
    item: DueItem | None = uow.due.get(int(args["item_id"]))
    return (item.case_id, None) if item is not None and item.case_id else None


@refusals_on_record("timer.retry", locate=_due_item_case, keep={"reason": "reason"})
def retry_due_item(ctx: AppContext, item_id: int, actor: Actor, reason: str) -> DueItem:
    """Fire a pending due row now, past its back-off; a new failure is kept on the row and raised."""
    require_supervisor(actor)
    reason = require_reason(reason)
    owner, now = f"supervisor:{actor.user_id}", ctx.clock()
    with ctx.uow() as uow:
        item = uow.supervision.lease_due(item_id, owner, now + LEASE, now)
        if item is None:
            raise Conflict(
                "该到期事项不存在、已触发或正在被调度器触发",
                "The due item is gone, fired, or being fired now",
                code="due-item-busy",
            )
        uow.commit()
    try:
        with ctx.uow() as uow:
            if not uow.due.mark_fired(item.id, owner, now):
                raise Conflict("该到期事项已被触发", "The due item was fired meanwhile", code="due-item-busy")
            FIRERS[item.kind](ctx, uow, item, now)
            _note(
                ctx,
                uow,
                "timer.retried",
                actor,
                item.case_id,
                now,
                reason=reason,
                dueItem=item.id,
                kind=item.kind,
                previousError=item.last_error,
                outcome="fired",
            )
            uow.commit()
    except Exception as error:  # kept on the row (the scheduler retries it too), on record, and raised
        _release_failed(ctx, item, owner, error)
        failure = as_step_failure(error)
        with ctx.uow() as uow:
            _note(
                ctx,
                uow,
                "timer.retried",
                actor,
                item.case_id,
                ctx.clock(),
                reason=reason,
                dueItem=item.id,
                kind=item.kind,
                outcome="failed",
                error=failure.message_en,
            )
            uow.commit()
        raise StepFailed(
            f"重试失败：{failure.message_zh}",
            f"The retry failed: {failure.message_en}",
            code=failure.code,
            details=failure.details,
        ) from error
    with ctx.uow(readonly=True) as uow:
        fired = present(uow.due.get(item.id), "due item")
    return fired


def retry_webhook(ctx: AppContext, event_id: str, actor: Actor, reason: str) -> EventRow:
    require_supervisor(actor)
    return replay_event(ctx, event_id, actor, require_reason(reason))


def retry_failed_step(ctx: AppContext, seq: int, actor: Actor, reason: str) -> DueItem:
    """A failed timer step retries its due row; a person's failed completion has nothing to retry."""
    require_supervisor(actor)
    require_reason(reason)
    with ctx.uow(readonly=True) as uow:
        failed = next((s for s in uow.supervision.failed_steps() if s.seq == seq), None)
    if failed is None:
        raise NotFound(
            "没有该失败步骤（或办件已继续推进）", f"No open failed step {seq}", code="failure-not-found"
        )
    if failed.payload.get("source") == "timer" and failed.payload.get("dueItem") is not None:
        return retry_due_item(ctx, int(failed.payload["dueItem"]), actor, reason)
    raise _nothing_to_retry(failed)


def _nothing_to_retry(failed: FailedStep) -> Conflict:
    return Conflict(
        "该步骤是办理人提交时失败的：整个步骤已回滚，服务器上没有可以重试的内容。请办理人排除原因后重新提交；"
        "若是流程图本身的错误（如表达式），可将办件移动到其他环节，或迁移到修正后的流程版本。",
        "This step failed when a person submitted it: the whole step rolled back, so there is nothing "
        "to retry on the server. Ask the person to submit again once the cause is fixed; if the diagram "
        "itself is wrong (an "
        "expression), move the case to another element or migrate it to a corrected version.",
        code="nothing-to-retry",
        details={"task": failed.task_id, "element": failed.element_id},
    )
