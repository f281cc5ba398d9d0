"""Due moments: claim them with a lease, fire each once in its own transaction.

A step keeps the case's ``bpmn-timer`` rows equal to the workflow's waiting timers
(``steps.save_case``). ``fire_due_timers`` claims due rows (one short transaction: the lease is
visible to every node at once), then for each row, in its own transaction: marks it fired — only
if it is still pending and still leased to this node, which makes firing exactly-once even when a
lease ran out under a slow node — and runs its firer (``FIRERS[kind]``). A failure rolls that
transaction back, keeps the error on the row and gives it back for a retry after a back-off.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from engine.cases.save_step import (
    StepContext,
    apply_effects,
    record_step,
    save_case,
    step_payload,
    sync_tasks,
)
from engine.cases.step_failures import append_failure, as_step_failure
from engine.deadlines.rows import BPMN_TIMER, DEADLINE_WARNING, DueItem
from engine.deadlines.tracking import CALENDAR_MAX_AGE, fire_deadline_warning
from engine.errors import InvalidInput
from engine.kernel import log_context
from engine.kernel.context import AppContext
from engine.kernel.json_types import JsonObject
from engine.kernel.ports import SYSTEM, RecordDraft, UnitOfWork
from engine.record.append import record
from engine.review.facts import restore_case

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=60)
LEASE_MARGIN = 0.25  # of the lease: a row not started by then goes back to the others
MAX_BACKOFF_SECONDS = 3600
_TICK = timedelta(microseconds=1)

Firer = Callable[[AppContext, UnitOfWork, DueItem, datetime], None]


@dataclass(frozen=True)
class FireReport:
    claimed: int = 0
    fired: int = 0  # firers run and committed
    skipped: int = 0  # fired meanwhile by another node, or no longer pending
    failed: int = 0  # given back with the error kept on the row


def claim_due(uow: UnitOfWork, now: datetime, owner: str, lease: timedelta, limit: int) -> list[DueItem]:
    """Lease up to ``limit`` rows due at ``now`` to ``owner``, oldest first (commit right after)."""
    items: list[DueItem] = uow.due.claim(now, owner, now + lease, limit)
    return items


def fire_bpmn_timer(ctx: AppContext, uow: UnitOfWork, item: DueItem, now: datetime) -> None:
    """Wake the case: its due timers run (``refresh_timers`` then ``do_engine_steps``), one record."""
    case = uow.cases.get(item.case_id) if item.case_id else None
    if case is None or case.status != "running":  # a suspended case's timers wait: resume re-syncs them
        return
    ctx.calendar.refresh(uow, max_age=CALENDAR_MAX_AGE)  # for workdays() in the timers the step reaches
    workflow = restore_case(ctx, uow, case)
    timer = next((t for t in workflow.waiting_timers() if t.task_id == item.ref), None)
    if timer is None:  # the timer went away with the step that replaced it: nothing to fire
        return
    before = {t.task_id for t in workflow.ready_tasks()}
    result = workflow.run_engine(max(now, item.due_at + _TICK))  # SpiffWorkflow fires only after due
    step = StepContext(ctx, uow, case, SYSTEM, now)
    save_case(step, workflow)
    new = sync_tasks(step, workflow, before, None)
    apply_effects(step, result)
    record_step(
        step,
        workflow,
        RecordDraft(
            action="timer.fired",
            actor=SYSTEM.user_id,
            case_id=case.id,
            element_id=timer.element_id,
            payload=step_payload(
                result,
                new,
                timer=item.ref,
                dueAt=item.due_at.isoformat(),
                lateMs=max(0, int((now - item.due_at).total_seconds() * 1000)),
            ),
        ),
    )


def record_timer_capped(step: StepContext, effect: Any) -> None:
    """The ``timer.capped`` effect handler: a cycle timer of a version deployed before the budget's timer
    rules (SX-D129, SX-D130) was brought within the budget; the case's record says from what to what."""
    record(
        step.app,
        step.uow,
        RecordDraft(
            action="timer.capped",
            actor=SYSTEM.user_id,
            case_id=step.case.id,
            element_id=effect.element_id,
            payload={"was": effect.payload.get("was"), "now": effect.payload.get("now")},
        ),
        step.now,
    )


# kind of due row -> what firing it does (other areas add theirs: one line each)
FIRERS: dict[str, Firer] = {
    BPMN_TIMER: fire_bpmn_timer,
    DEADLINE_WARNING: fire_deadline_warning,
}


def _fire_one(ctx: AppContext, item: DueItem, owner: str) -> bool:
    firer = FIRERS.get(item.kind)
    if firer is None:
        raise LookupError(f"no firer for due items of kind {item.kind!r}")
    now = ctx.clock()
    with ctx.uow() as uow:
        if not uow.due.mark_fired(item.id, owner, now):
            return False
        firer(ctx, uow, item, now)
        uow.commit()
    return True


def _release_failed(ctx: AppContext, item: DueItem, owner: str, error: Exception) -> None:
    now = ctx.clock()
    backoff = timedelta(seconds=min(2 ** min(item.attempts, 12), MAX_BACKOFF_SECONDS))
    text = getattr(error, "message_en", None) or f"{type(error).__name__}: {error}"
    log.warning(
        "due item %s (%s, case %s) failed, attempt %s: %s",
        item.id,
        item.kind,
        item.case_id,
        item.attempts,
        text,
    )
    with ctx.uow() as uow:
        uow.due.release(item.id, owner, text, now + backoff)
        if item.case_id and text[:500] != item.last_error:  # a new failure (not the same again): on record
            append_failure(
                ctx,
                uow,
                case_id=item.case_id,
                failure=as_step_failure(error),
                source="timer",
                actor=SYSTEM.user_id,
                dueItem=item.id,
                kind=item.kind,
                attempt=item.attempts,
            )
        uow.commit()


def _give_back(ctx: AppContext, items: list[DueItem], owner: str) -> None:
    with ctx.uow() as uow:
        uow.due.give_back([item.id for item in items], owner)
        uow.commit()


def _fire_or_release(ctx: AppContext, item: DueItem, owner: str) -> str:
    """Returns "fired", "skipped" (nothing left to fire) or "failed" (kept on the row, retried later)."""
    with log_context.case(item.case_id):
        try:
            outcome = "fired" if _fire_one(ctx, item, owner) else "skipped"
        except Exception as error:  # one bad row must not stop the others
            _release_failed(ctx, item, owner, error)
            outcome = "failed"
        log.info("due moment %s (%s): %s", item.id, item.kind, outcome)
    return outcome


def fire_due_timers(ctx: AppContext, owner: str, limit: int = 10, lease: timedelta = LEASE) -> FireReport:
    """Claim up to ``limit`` due rows for ``owner`` and fire each in its own transaction; rows whose
    lease is about to run out before their turn are given back to every node at once."""
    with ctx.uow() as uow:
        items = claim_due(uow, ctx.clock(), owner, lease, limit)
        uow.commit()
    tally: Counter[str] = Counter()
    for index, item in enumerate(items):
        if item.lease_until is not None and ctx.clock() >= item.lease_until - lease * LEASE_MARGIN:
            _give_back(ctx, items[index:], owner)
            tally["skipped"] += len(items) - index
            break
        tally[_fire_or_release(ctx, item, owner)] += 1
    return FireReport(len(items), tally["fired"], tally["skipped"], tally["failed"])


Moment = tuple[str | None, str | None, datetime]  # case_id, ref, due_at


def schedule_due(ctx: AppContext, kind: str, moments: Sequence[Moment]) -> None:
    """Add due moments of ``kind`` — (case_id, ref, due_at) each — to be fired by ``FIRERS[kind]``."""
    if kind not in FIRERS:
        raise InvalidInput(
            f"未知的到期事项类型：{kind}",
            f"No firer for due moments of kind {kind!r}",
            code="due-kind-unknown",
        )
    with ctx.uow() as uow:
        uow.due.add(kind, list(moments), ctx.clock())
        uow.commit()


def next_due_at(ctx: AppContext) -> datetime | None:
    """When the earliest pending row nobody holds is due (the scheduler's next wake-up)."""
    with ctx.uow(readonly=True) as uow:
        due: datetime | None = uow.due.next_due(ctx.clock())
    return due


def pending_for_case(ctx: AppContext, case_id: str) -> list[DueItem]:
    with ctx.uow(readonly=True) as uow:
        items: list[DueItem] = uow.due.pending(case_id)
    return items


def describe(item: DueItem) -> JsonObject:
    return {
        "id": item.id,
        "kind": item.kind,
        "case": item.case_id,
        "ref": item.ref,
        "dueAt": item.due_at.isoformat(),
        "attempts": item.attempts,
        "lastError": item.last_error,
    }
