"""``sanxiang calendar``: working days (工作日) as the bureau counts them.

    sanxiang calendar add-workdays 2026-09-30 5     -> "2026-10-13 official"
    sanxiang calendar is-workday 2026-10-10          -> "workday official 国庆节调休"
    sanxiang calendar load schedule-2027.txt         (format: engine/kernel/workdays.py)
    sanxiang calendar close 2026-12-24 --note "系统升级停止办公"

``add-workdays`` prints the N-th working day after the start day (the start day is never counted)
then ``official`` or ``estimated`` (a day counted is not yet in an official schedule).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engine.kernel.context import AppContext

import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from engine.errors import SanxiangError
from engine.kernel.ports import Actor

DATE = click.DateTime(formats=["%Y-%m-%d"])


def _context() -> AppContext:
    from engine.cli import _context as make
    from engine.store.migrate import upgrade

    ctx = make()
    upgrade(ctx.database)
    return ctx


def _fail(exc: SanxiangError) -> None:
    click.echo(f"失败 / failed: {exc.message_zh} / {exc.message_en}", err=True)
    sys.exit(1)


def _admin(user: str) -> Actor:
    return Actor(user, frozenset({"admin"}), channel="cli")


@click.group("calendar")
def command() -> None:
    """工作日历 / the working-day calendar (holidays, adjusted working days, closures)."""


@command.command("add-workdays")
@click.argument("start", type=DATE)
@click.argument("n", type=int)
def add_workdays(start: datetime, n: int) -> None:
    """Print the N-th working day after START, then official or estimated."""
    from engine.deadlines.calendar import add_workdays as count

    try:
        due = count(_context(), start.date(), n)
    except SanxiangError as exc:
        _fail(exc)
        return
    click.echo(f"{due.date.isoformat()} {due.provenance.value}")


@command.command("is-workday")
@click.argument("day", type=DATE)
def is_workday(day: datetime) -> None:
    """Print "workday" or "off", the provenance, and the day's name if it has one."""
    from engine.deadlines.calendar import day_info

    info = day_info(_context(), day.date())
    words = ["workday" if info.is_workday else "off", info.provenance.value, info.name or ""]
    click.echo(" ".join(words).strip())


def _report(change: Any) -> None:
    click.echo(f"{change.days} 天已保存 / days stored ({change.first} … {change.last})")
    for item in change.recomputed:
        click.echo(f"  {item.case_id} {item.kind}: {item.previous_due} -> {item.due} ({item.provenance})")
    click.echo(f"重新计算的期限 / deadlines recomputed: {len(change.recomputed)}")


@command.command("load")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--as-user", default="admin", show_default=True)
def load(file: Path, as_user: str) -> None:
    """Load an official schedule file (the State Council's holidays and adjusted working days)."""
    from engine.deadlines.calendar import load_schedule

    try:
        _report(load_schedule(_context(), file.read_text(encoding="utf-8"), _admin(as_user)))
    except SanxiangError as exc:
        _fail(exc)
    except UnicodeDecodeError:
        click.echo("文件须为 UTF-8 文本 / the file must be UTF-8 text", err=True)
        sys.exit(1)


@command.command("close")
@click.argument("day", type=DATE)
@click.option("--note", required=True, help="闭馆原因 / why the bureau is closed")
@click.option("--as-user", default="admin", show_default=True)
def close(day: datetime, note: str, as_user: str) -> None:
    """Mark DAY as not a working day for this bureau (a closure)."""
    from engine.deadlines.calendar import close_day

    try:
        _report(close_day(_context(), day.date(), note, _admin(as_user)))
    except SanxiangError as exc:
        _fail(exc)
