"""``sanxiang scheduler``: fire due timers and deadline warnings (and registered jobs) on this node.

Run as many as you like against one database: each due moment is claimed by one node and fires
once. ``sanxiang up`` and ``sanxiang serve`` already run one inside the server unless
``SANXIANG_SCHEDULER=0``.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import click


@click.command("scheduler")
@click.option("--owner", default=None, help="this node's name in leases (default: host:pid:random)")
@click.option(
    "--interval",
    type=click.FloatRange(0.1, 3600),
    default=1.0,
    show_default=True,
    help="safety interval in seconds (besides waking at each due time)",
)
@click.option(
    "--batch", type=click.IntRange(1, 1000), default=10, show_default=True, help="due rows claimed at a time"
)
@click.option(
    "--lease",
    type=click.FloatRange(1, 86400),
    default=60.0,
    show_default=True,
    help="seconds before a claimed row returns to the others if this node dies",
)
@click.option("--migrate/--no-migrate", default=False, help="bring the schema up to date first")
def command(owner: str | None, interval: float, batch: int, lease: float, migrate: bool) -> None:
    """调度器 / run the scheduler until stopped (SIGTERM, Ctrl-C)."""
    from engine.cli import _context
    from engine.logs import configure_logging
    from engine.scheduler import run_forever

    configure_logging()  # one JSON object per line (docs/operations.md)
    logging.getLogger("apscheduler").setLevel(logging.ERROR)  # "skipped: already running" is expected
    ctx = _context()
    if migrate:
        from engine.store.migrate import upgrade

        upgrade(ctx.database)

    def started(claimer: Any) -> None:
        click.echo(f"调度器已启动 / scheduler {claimer.owner} running", err=True)

    claimer = run_forever(
        ctx, owner=owner, interval=interval, batch=batch, lease=timedelta(seconds=lease), started=started
    )
    click.echo(f"调度器已停止 / scheduler {claimer.owner} stopped after firing {claimer.fired}", err=True)
    ctx.database.dispose()
