"""``sanxiang webhooks``: subscriptions, the outbox, and a delivery worker for the command line."""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING

import click

from engine.errors import SanxiangError
from engine.kernel.ports import Actor

if TYPE_CHECKING:
    from engine.kernel.context import AppContext


def _context() -> AppContext:
    from engine.cli import _context as context

    return context()


def _operator(user: str) -> Actor:
    """Whoever runs the command line has the database: an administrator (recorded under ``user``)."""
    return Actor(user, frozenset({"admin", "supervisor"}), user, "cli")


def _fail(exc: SanxiangError) -> None:
    click.echo(f"失败 / failed: {exc.message_zh} / {exc.message_en}", err=True)
    sys.exit(1)


@click.group(name="webhooks")
def command() -> None:
    """推送：订阅、发件箱、投递 / webhooks: subscriptions, outbox, delivery."""


@command.command("add")
@click.argument("url")
@click.option(
    "--event",
    "events",
    multiple=True,
    default=("*",),
    show_default=True,
    help="An event type (repeat the option); * for every type.",
)
@click.option("--description", default="")
@click.option("--as-user", default="admin", show_default=True)
def add(url: str, events: tuple[str, ...], description: str, as_user: str) -> None:
    """Subscribe URL; prints the signing secret once (keep it: it is never shown again)."""
    from engine.integration.subscriptions import add_subscription

    try:
        row = add_subscription(_context(), url, events, _operator(as_user), description=description)
    except SanxiangError as exc:
        _fail(exc)
        return
    click.echo(f"订阅 / subscription {row.id}  {row.url}  [{', '.join(row.event_types)}]")
    click.echo(f"签名密钥（仅显示一次）/ signing secret (shown once): {row.secret}")


@command.command("list")
@click.option("--all", "include_removed", is_flag=True, help="Include removed subscriptions.")
def list_command(include_removed: bool) -> None:
    """List subscriptions (never their secrets)."""
    from engine.integration.subscriptions import list_subscriptions

    rows = list_subscriptions(_context(), _operator("admin"), include_removed=include_removed)
    if not rows:
        click.echo("没有订阅 / no subscriptions")
    for row in rows:
        state = "有效 / active" if row.active else "已删除 / removed"
        click.echo(f"{row.id}  {row.url}  [{', '.join(row.event_types)}]  {state}  {row.description}")


@command.command("remove")
@click.argument("subscription_id")
@click.option("--as-user", default="admin", show_default=True)
def remove(subscription_id: str, as_user: str) -> None:
    """Remove a subscription; its pending events are given up."""
    from engine.integration.subscriptions import remove_subscription

    try:
        row = remove_subscription(_context(), subscription_id, _operator(as_user))
    except SanxiangError as exc:
        _fail(exc)
        return
    click.echo(f"已删除 / removed {row.id}  {row.url}")


@command.command("replay")
@click.argument("event_id")
@click.option("--reason", default="", help="Why (recorded).")
@click.option("--as-user", default="admin", show_default=True)
def replay(event_id: str, reason: str, as_user: str) -> None:
    """Send a dead event again, with the same webhook-id."""
    from engine.integration.delivery import replay_event

    try:
        row = replay_event(_context(), event_id, _operator(as_user), reason)
    except SanxiangError as exc:
        _fail(exc)
        return
    click.echo(f"已重新排队 / queued again: {row.id} {row.event_type}")


def _deliver_round(ctx: AppContext, owner: str, limit: int) -> int:
    from engine.integration.delivery import deliver_due_events

    report = deliver_due_events(ctx, owner, limit)
    if report.attempted:
        click.echo(f"delivered={report.delivered} retrying={report.retrying} dead={report.dead}")
    return report.attempted


@command.command("deliver")
@click.option("--limit", default=100, show_default=True, help="Attempts per round.")
@click.option("--loop", is_flag=True, help="Keep delivering until stopped.")
@click.option("--interval", default=2.0, show_default=True, help="Seconds between rounds when idle (--loop).")
def deliver(limit: int, loop: bool, interval: float) -> None:
    """Send due outbox events (one round, or --loop for a worker; the server's scheduler does this too)."""
    from engine.integration.delivery import node_owner

    ctx = _context()
    owner = node_owner()
    _deliver_round(ctx, owner, limit)
    while loop:
        if _deliver_round(ctx, owner, limit) == 0:
            time.sleep(interval)
