"""A child case whose parent no longer waits for it is cancelled, as Camunda 7 deletes a called instance when
its call activity is interrupted (a boundary event, a supervisor's move) or its caller is cancelled.

``cascade_listener`` is a record listener: after every step or cancellation of a case that has children
still out, it restores the case and cancels each child its call activity no longer waits for (its tasks
closed, its due timers dropped, its deadlines closed, ``case.cancelled`` on its record) — the same
transaction, and so on down to grandchildren (their ``case.cancelled`` is seen in turn)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from engine.deadlines.tracking import CaseDeadlines
from engine.errors import Conflict
from engine.kernel.ports import SYSTEM, CaseRow, RecordDraft, UnitOfWork
from engine.record.append import record
from engine.review.facts import MARK_ACTIONS

ENDED = ("cancelled", "withdrawn", "completed")
LIVE = ("running", "suspended")
CASCADE_ACTIONS = frozenset({*MARK_ACTIONS, "case.cancelled", "case.withdrawn"})


def end_orphans(ctx: Any, uow: UnitOfWork, parent_id: str) -> None:
    """Cancel every child of ``parent_id`` its call activity no longer waits for."""
    out = [link for link in uow.calls.children_of(parent_id) if link.returned_at is None]
    parent = uow.cases.get(parent_id) if out else None
    if parent is None:
        return
    now = ctx.clock()
    workflow = None
    if parent.status not in ENDED:
        workflow = ctx.runner.restore(ctx.processes.get(uow, parent.process_id), parent.state)
    for link in out:
        if workflow is not None and workflow.waits_for_call(link.parent_task_id):
            continue
        uow.calls.returned(link.child_case_id, now)
        child = uow.cases.get(link.child_case_id)
        if child is not None and child.status in LIVE:
            _cancel(ctx, uow, child, parent, link.element_id, now)


def _cancel(
    ctx: Any, uow: UnitOfWork, child: CaseRow, parent: CaseRow, element_id: str, now: datetime
) -> None:
    if not uow.supervision.set_status(
        child.id, expected_version=child.version, status="cancelled", ended_at=now
    ):
        raise Conflict(
            "子办件已被他人同时处理，请重试",
            "The child case was changed at the same time; try again",
            code="case-version-conflict",
        )
    waiting = [t.id for t in uow.tasks.for_case(child.id, status="ready")]
    uow.tasks.close(waiting, status="cancelled", now=now, actor=None)
    dropped = uow.supervision.drop_pending_due(child.id)
    book = CaseDeadlines(ctx, uow, child.id, now, ctx.calendar.refresh(uow))
    for row in list(book.rows.values()):
        book.close(row, "cancelled")
    payload = {
        "reason": f"父办件 {parent.id} 的调用活动 {element_id} 已不再等待",
        "reason_en": f"the call activity {element_id} of case {parent.id} no longer waits",
        "parentCase": parent.id,
        "tasks": waiting,
        "dueItems": dropped,
    }
    draft = RecordDraft(action="case.cancelled", actor=SYSTEM.user_id, case_id=child.id, payload=payload)
    record(ctx, uow, draft, now)


def cascade_listener(ctx: Any) -> Callable[[UnitOfWork, Any], None]:
    """A record listener (``AppContext.listeners``): children follow their parent's steps."""

    def follow(uow: UnitOfWork, entry: Any) -> None:
        content = entry.content
        if content.case_id and content.action in CASCADE_ACTIONS:
            end_orphans(ctx, uow, content.case_id)

    return follow
