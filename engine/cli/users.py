"""``sanxiang users add/list/disable/enable/log``: people, their groups (BPMN candidate groups), passwords,
API tokens, the staff register (post, department, window, enforcement certificate) and the security log."""

from __future__ import annotations

import sys
from datetime import date

import click

from engine.errors import SanxiangError
from engine.kernel.context import AppContext
from engine.people.rows import ROLES


def _context() -> AppContext:
    from engine.cli import _context as context
    from engine.store.migrate import upgrade

    ctx: AppContext = context()
    upgrade(ctx.database)
    return ctx


@click.group("users")
def command() -> None:
    """People and access (人员与权限)."""


@command.command("add")
@click.argument("user_id")
@click.option("--name", required=True, help="姓名 / display name")
@click.option(
    "--group",
    "groups",
    multiple=True,
    required=True,
    help=f"repeatable; roles: {', '.join(ROLES)} (also any BPMN candidate group)",
)
@click.option("--password", default=None, help="login password for the pages (at least 8 characters)")
@click.option(
    "--token",
    "make_token",
    is_flag=True,
    help="create an API token (no expiry) and print it once; see `sanxiang tokens add --expires`",
)
@click.option("--post", default="", help="职务 / post")
@click.option("--department", default="", help="科室 / department")
@click.option("--window", default="", help="窗口 / service window")
@click.option("--certificate", default="", help="行政执法证件号 / enforcement certificate number")
@click.option("--issuer", default="", help="发证机关 / certificate issuer")
@click.option("--valid-until", default=None, help="证件有效期至 YYYY-MM-DD")
def add(
    user_id: str,
    name: str,
    groups: tuple[str, ...],
    password: str | None,
    make_token: bool,
    post: str,
    department: str,
    window: str,
    certificate: str,
    issuer: str,
    valid_until: str | None,
) -> None:
    """Create or update a user (idempotent: groups and register line are replaced)."""
    from engine.people.staff import NewUser, add_user
    from engine.people.tokens import new_token

    token = new_token() if make_token else None
    try:
        until = date.fromisoformat(valid_until) if valid_until else None
    except ValueError:
        click.echo(f"日期无效 / invalid date: {valid_until} (YYYY-MM-DD)", err=True)
        sys.exit(2)
    new = NewUser(
        user_id, name, list(groups), password, token, post, department, window, certificate, issuer, until
    )
    try:
        entry = add_user(_context(), new, by="cli")
    except SanxiangError as exc:
        click.echo(f"失败 / failed: {exc.message_zh} / {exc.message_en}", err=True)
        sys.exit(1)
    click.echo(f"{entry.user_id} {entry.name} [{','.join(entry.groups)}] 已保存 / saved")
    if token:
        click.echo(f"API token (shown once): {token}")


@command.command("list")
def list_users() -> None:
    """The staff register: id, name, groups, post, department, window, certificate, disabled or not."""
    from engine.people.staff import staff_register

    for e in staff_register(_context()):
        cert = (
            f"{e.certificate_no} ({e.certificate_issuer}, 至 {e.certificate_valid_until})"
            if e.certificate_no
            else "-"
        )
        state = "" if e.active else "  [停用 disabled]"
        click.echo(
            f"{e.user_id:<10} {e.name:<16} {','.join(e.groups):<30} {e.post or '-'} / "
            f"{e.department or '-'} / {e.window or '-'}  证件 certificate: {cert}{state}"
        )


def _set_active(user_ids: tuple[str, ...], active: bool) -> None:
    from engine.people.staff import set_user_active

    ctx, failed = _context(), False
    for user_id in user_ids:
        try:
            ended = set_user_active(ctx, user_id, active, by="cli")
        except SanxiangError as exc:
            click.echo(f"失败 / failed: {exc.message_zh} / {exc.message_en}", err=True)
            failed = True
            continue
        if active:
            click.echo(f"{user_id} 已启用 / enabled (unrevoked API tokens work again)")
        else:
            click.echo(
                f"{user_id} 已停用 / disabled: login, sessions and API tokens refused; "
                f"{ended} 个会话已结束 / session(s) ended"
            )
    sys.exit(1 if failed else 0)


@command.command("disable")
@click.argument("user_ids", nargs=-1, required=True)
def disable(user_ids: tuple[str, ...]) -> None:
    """Disable users at once: no login, their sessions end, their API tokens are refused."""
    _set_active(user_ids, False)


@command.command("enable")
@click.argument("user_ids", nargs=-1, required=True)
def enable(user_ids: tuple[str, ...]) -> None:
    """Enable disabled users again."""
    _set_active(user_ids, True)


@command.command("log")
@click.option("--login", "login_name", default=None, help="only this login name / user id")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10_000))
def security_log(login_name: str | None, limit: int) -> None:
    """The security log (安全日志): logins, failed logins, logouts, newest first."""
    from engine.people.login import security_log as read_log

    for event in read_log(_context(), limit, login_name):
        at = event.at.isoformat(timespec="seconds") if event.at else "-"
        reason = event.detail.get("reason", "")
        click.echo(f"{at}  {event.kind:<13} {event.login:<16} {event.remote or '-':<40} {reason}")
