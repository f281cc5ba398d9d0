"""Deliver the outbox: claim due events under a lease, send them signed, settle every attempt.

``deliver_due_events`` is the job the scheduler runs (and ``sanxiang webhooks deliver``). It never
holds a transaction open across a network call: claim (one short transaction), send, then record
the attempt and its outcome (another). A failed attempt is retried after ``webhooks.next_delay``
(capped exponential backoff, full jitter); after ``Settings.webhook_max_attempts`` attempts, or at
once when the target is refused (SSRF check), the event is dead until a supervisor replays it.

Delivery is at least once: a node killed between sending and settling leaves its lease to expire,
and the event goes again with the same webhook-id (receivers drop ids they have seen).
"""

from __future__ import annotations

import os
import random
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from engine.errors import Conflict, NotFound
from engine.integration.rows import (
    DEAD,
    DELIVERED,
    PENDING,
    AttemptRow,
    ClaimedEvent,
    EventRow,
    Outcome,
)
from engine.kernel import log_context
from engine.kernel.ports import Actor, RecordDraft, UnitOfWork
from engine.people.permissions import Permission, authorize
from engine.record.append import record
from webhooks import Attempt, TargetRefused, WebhookError, is_dead, next_delay, send

if TYPE_CHECKING:
    from engine.kernel.context import AppContext

MIN_RETRY_DELAY = timedelta(seconds=1)  # full jitter may draw ~0: never retry within the same instant
SUPERVISORS = frozenset({"supervisor", "admin"})
JOB_LIMIT = 500  # attempts per scheduler round (a round never outlives a lease per batch)


@dataclass(frozen=True)
class DeliveryReport:
    """What one run of the worker did."""

    delivered: int = 0
    retrying: int = 0
    dead: int = 0

    @property
    def attempted(self) -> int:
        return self.delivered + self.retrying + self.dead


def deliver_due_events(
    ctx: AppContext, owner: str, limit: int = 100, *, rng: random.Random | None = None
) -> DeliveryReport:
    """Send up to ``limit`` due events; return what happened. ``owner`` names this node's leases.

    Claims the first pending event of each (subscription, case) that is due — no more than can be
    sent within the lease even if every attempt times out — sends them, and claims again, so one run
    can drain a case's queue in order; it stops at ``limit`` attempts or when nothing is claimable
    (e.g. every queue waits for a retry time)."""
    counts = {DELIVERED: 0, PENDING: 0, DEAD: 0}
    lease = timedelta(seconds=ctx.settings.webhook_lease_seconds)
    batch_size = max(1, int(lease.total_seconds() // (2 * ctx.settings.webhook_timeout)))
    while sum(counts.values()) < limit:
        now, room = ctx.clock(), min(batch_size, limit - sum(counts.values()))
        with ctx.uow() as uow:
            batch = uow.outbox.claim_due(owner, now, now + lease, room)
            uow.commit()
        if not batch:
            break
        for claimed in batch:
            with log_context.case(claimed.event.case_id):
                counts[deliver_one(ctx, owner, claimed, rng=rng)] += 1
    return DeliveryReport(counts[DELIVERED], counts[PENDING], counts[DEAD])


def node_owner() -> str:
    """This process's name on the leases it takes (host and pid, read at call time: forks differ)."""
    return f"{socket.gethostname()}:{os.getpid()}"


def deliver_outbox(ctx: AppContext) -> DeliveryReport:
    """The scheduler's job (``register_job(deliver_outbox, seconds=2)``): one round as this process."""
    return deliver_due_events(ctx, node_owner(), JOB_LIMIT)


def deliver_one(
    ctx: AppContext, owner: str, claimed: ClaimedEvent, *, rng: random.Random | None = None
) -> str:
    """Send one claimed event and settle it; returns its new status."""
    settings = ctx.settings
    event = claimed.event
    try:
        attempt = send(
            claimed.url,
            event.event_type,
            event.payload,
            message_id=event.id,
            secret=claimed.secret,
            timeout=settings.webhook_timeout,
            allow=settings.webhook_allow,
            timestamp=ctx.clock(),
        )
        refused = False
    except TargetRefused as exc:  # the address check failed: retrying will not help
        attempt, refused = Attempt(None, 0.0, f"target refused: {exc.message_en}", False), True
    except (WebhookError, ValueError) as exc:  # a row that cannot be sent (bad secret, unknown type)
        attempt, refused = Attempt(None, 0.0, f"not sendable: {getattr(exc, 'message_en', exc)}", False), True
    now = ctx.clock()
    outcome = _outcome(event, attempt, refused, now, settings.webhook_max_attempts, rng)
    with ctx.uow() as uow:
        uow.outbox.log_attempt(
            AttemptRow(
                event.id,
                outcome.attempts,
                now,
                owner,
                attempt.ok,
                attempt.status,
                attempt.latency_ms,
                outcome.last_error,
            )
        )
        uow.outbox.finish(event.id, owner, outcome)
        uow.commit()
    return outcome.status


def _outcome(
    event: EventRow,
    attempt: Attempt,
    refused: bool,
    now: datetime,
    max_attempts: int,
    rng: random.Random | None,
) -> Outcome:
    number = event.attempts + 1
    error = attempt.error[:500] if attempt.error else None
    if attempt.ok:
        return Outcome(DELIVERED, number, now, attempt.status, attempt.latency_ms, None, now)
    if refused or is_dead(number, max_attempts):
        return Outcome(DEAD, number, now, attempt.status, attempt.latency_ms, error, None)
    delay = max(next_delay(number, rng=rng), MIN_RETRY_DELAY)
    return Outcome(PENDING, number, now + delay, attempt.status, attempt.latency_ms, error, None)


def _require_supervisor(actor: Actor) -> None:
    authorize(None, Permission.WEBHOOKS_MANAGE, actor)


def list_events(
    ctx: AppContext,
    actor: Actor,
    *,
    status: str | None = None,
    case_id: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[EventRow]:
    _require_supervisor(actor)
    with ctx.uow(readonly=True) as uow:
        rows: list[EventRow] = uow.outbox.events(status=status, stream=case_id, limit=limit, offset=offset)
    return rows


def event_attempts(ctx: AppContext, event_id: str, actor: Actor) -> tuple[EventRow, list[AttemptRow]]:
    _require_supervisor(actor)
    with ctx.uow(readonly=True) as uow:
        event = _event(uow, event_id)
        return event, list(uow.outbox.attempts(event_id))


def _event(uow: UnitOfWork, event_id: str) -> EventRow:
    event: EventRow | None = uow.outbox.get(event_id)
    if event is None:
        raise NotFound("推送事件不存在", f"No webhook event {event_id}", code="webhook-event-not-found")
    return event


def replay_event(ctx: AppContext, event_id: str, actor: Actor, reason: str = "") -> EventRow:
    """A supervisor sends a dead event again (same webhook-id, a fresh allowance of attempts)."""
    _require_supervisor(actor)
    now = ctx.clock()
    with ctx.uow() as uow:
        event = _event(uow, event_id)
        subscription = uow.webhooks.subscription(event.subscription_id)
        if subscription is None or not subscription.active:
            raise Conflict(
                "该事件的订阅已删除，无法重发",
                "The event's subscription was removed; it cannot be replayed",
                code="webhook-subscription-removed",
            )
        if not uow.outbox.replay(event_id, now):
            raise Conflict(
                f"只有失败（dead）的事件可以重发，该事件状态为 {event.status}",
                f"Only dead events can be replayed; this one is {event.status}",
                code="webhook-event-not-dead",
            )
        payload = {"event": event_id, "type": event.event_type, "reason": reason}
        record(
            ctx,
            uow,
            RecordDraft(
                action="webhook.replayed",
                actor=actor.user_id,
                actor_role="supervisor",
                case_id=event.case_id,
                payload=payload,
            ),
            now,
        )
        replayed = _event(uow, event_id)
        uow.commit()
    return replayed
