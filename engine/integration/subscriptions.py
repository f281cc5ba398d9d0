"""Webhook subscriptions: who receives which events. Managed by administrators and supervisors.

A target must be http(s) and publicly routable: loopback, private, link-local (cloud metadata …)
addresses are refused unless ``Settings.webhook_allow`` re-admits them. The secret is made here and
returned once, at creation; listings never show it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from engine.errors import InvalidInput, NotFound
from engine.integration.rows import ALL_EVENTS, SubscriptionRow
from engine.kernel.ports import Actor, RecordDraft
from engine.people.permissions import Permission, authorize
from engine.record.append import record
from webhooks import EVENT_TYPES, TargetRefused, check_target, new_secret

if TYPE_CHECKING:
    from engine.kernel.context import AppContext

MAX_URL_LENGTH = 2048


def _require_manager(actor: Actor) -> None:
    authorize(None, Permission.WEBHOOKS_MANAGE, actor)


def check_event_types(event_types: Iterable[str]) -> tuple[str, ...]:
    """The distinct event types, in catalogue order; ``*`` alone means every type."""
    wanted = [str(t).strip() for t in event_types if str(t).strip()]
    if not wanted:
        raise InvalidInput(
            "请至少选择一种事件类型（或 *）",
            "Choose at least one event type (or *)",
            code="webhook-event-types",
        )
    if ALL_EVENTS in wanted:
        return (ALL_EVENTS,)
    unknown = sorted(set(wanted) - EVENT_TYPES)
    if unknown:
        names = ", ".join(unknown)
        raise InvalidInput(
            f"未知的事件类型：{names}",
            f"Unknown event types: {names}; known: {', '.join(sorted(EVENT_TYPES))}",
            code="webhook-event-types",
        )
    return tuple(sorted(set(wanted)))


def check_url(ctx: AppContext, url: str) -> None:
    """Refuse a target URL we must not call, saying why in both languages."""
    if len(url) > MAX_URL_LENGTH:
        raise InvalidInput("订阅地址过长", "The subscription URL is too long", code="webhook-target-refused")
    try:
        check_target(url, allow=ctx.settings.webhook_allow)
    except TargetRefused as exc:
        raise InvalidInput(
            f"不能订阅该地址：{exc.message_zh}。内网、回环和链路本地地址须列入允许列表"
            "（SANXIANG_WEBHOOK_ALLOW）才可使用",
            f"This URL cannot be subscribed: {exc.message_en}. Private, loopback and link-local addresses "
            "are refused unless allow-listed (SANXIANG_WEBHOOK_ALLOW)",
            code="webhook-target-refused",
        ) from exc


def add_subscription(
    ctx: AppContext, url: str, event_types: Iterable[str], actor: Actor, *, description: str = ""
) -> SubscriptionRow:
    """Subscribe ``url``; the returned row is the only place its secret is ever shown."""
    _require_manager(actor)
    types = check_event_types(event_types)
    check_url(ctx, url)
    now = ctx.clock()
    row = SubscriptionRow(
        id=f"sub_{uuid.uuid4().hex}",
        url=url,
        event_types=types,
        secret=new_secret(),
        active=True,
        created_by=actor.user_id,
        created_at=now,
        description=description[:200],
    )
    with ctx.uow() as uow:
        uow.webhooks.add_subscription(row)
        record(
            ctx,
            uow,
            RecordDraft(
                action="webhook.subscribed",
                actor=actor.user_id,
                payload={"subscription": row.id, "url": url, "eventTypes": list(types)},
            ),
            now,
        )
        uow.commit()
    return row


def list_subscriptions(
    ctx: AppContext, actor: Actor, *, include_removed: bool = False
) -> list[SubscriptionRow]:
    """The subscriptions, without their secrets."""
    _require_manager(actor)
    with ctx.uow(readonly=True) as uow:
        rows = uow.webhooks.subscriptions(include_removed=include_removed)
    return [replace(r, secret="") for r in rows]


def remove_subscription(ctx: AppContext, subscription_id: str, actor: Actor) -> SubscriptionRow:
    """Stop a subscription; its pending events are given up (listed as dead, with the reason)."""
    _require_manager(actor)
    now = ctx.clock()
    with ctx.uow() as uow:
        row: SubscriptionRow | None = uow.webhooks.subscription(subscription_id)
        if row is None or not row.active:
            raise NotFound(
                "推送订阅不存在或已删除",
                f"No active webhook subscription {subscription_id}",
                code="webhook-subscription-not-found",
            )
        uow.webhooks.deactivate(subscription_id, now)
        dropped = uow.outbox.bury_pending(subscription_id, now, "subscription removed")
        record(
            ctx,
            uow,
            RecordDraft(
                action="webhook.unsubscribed",
                actor=actor.user_id,
                payload={"subscription": subscription_id, "url": row.url, "droppedEvents": dropped},
            ),
            now,
        )
        uow.commit()
    return replace(row, active=False, removed_at=now, secret="")
