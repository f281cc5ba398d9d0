"""``sanxiang tokens add/list/revoke``: API tokens by their public id; the token itself is shown once."""

from __future__ import annotations

import sys
from datetime import datetime

import click

from engine.errors import SanxiangError
from engine.kernel.context import AppContext
from engine.people.rows import TokenEntry


def _context() -> AppContext:
    from engine.cli.users import _context as context

    return context()


def _fail(exc: SanxiangError) -> None:
    click.echo(f"失败 / failed: {exc.message_zh} / {exc.message_en}", err=True)
    sys.exit(1)


@click.group("tokens")
def command() -> None:
    """API tokens (API 令牌): issue, list, revoke."""


@command.command("add")
@click.argument("user_id")
@click.option("--expires", default=None, help="90d, 12h, 2w, or a date 2027-03-31 (valid through that day)")
@click.option("--label", default="cli", show_default=True, help="what the token is for")
def add(user_id: str, expires: str | None, label: str) -> None:
    """Issue a token for USER_ID; it is printed once and only its hash is kept."""
    from engine.people.tokens import expiry_from, issue_token

    ctx = _context()
    try:
        until = expiry_from(expires, ctx.clock()) if expires else None
        issued = issue_token(ctx, user_id, until, label=label[:200], by="cli")
    except SanxiangError as exc:
        _fail(exc)
        return
    click.echo(f"id {issued.id}  {issued.user_id}  expires {_when(issued.expires_at) or 'never / 不过期'}")
    click.echo(f"API token (shown once): {issued.token}")


def _when(at: datetime | None) -> str:
    return at.isoformat(timespec="seconds") if at else ""


def _state(entry: TokenEntry, now: datetime) -> str:
    if entry.revoked_at is not None:
        return f"revoked {_when(entry.revoked_at)}"
    if not entry.valid_at(now):
        return f"expired {_when(entry.expires_at)}"
    return f"valid until {_when(entry.expires_at)}" if entry.expires_at else "valid"


@command.command("list")
@click.argument("user_id", required=False)
def list_tokens(user_id: str | None) -> None:
    """Every token (or USER_ID's): id, user, label, created, state. Never the token itself."""
    from engine.people.tokens import token_register

    ctx = _context()
    now = ctx.clock()
    for entry in token_register(ctx, user_id):
        click.echo(
            f"{entry.id}  {entry.user_id:<12} {entry.label:<12} created {_when(entry.created_at)}  "
            f"{_state(entry, now)}"
        )


@command.command("revoke")
@click.argument("token_id")
def revoke(token_id: str) -> None:
    """Revoke the token with this id: refused from the next request on, on every worker."""
    from engine.people.tokens import revoke_token

    try:
        entry = revoke_token(_context(), token_id, by="cli")
    except SanxiangError as exc:
        _fail(exc)
        return
    click.echo(f"{entry.id} ({entry.user_id}) 已吊销 / revoked {_when(entry.revoked_at)}")
