"""Three scheduler processes on one database fire 2,000 due moments within a minute, each exactly once,
although one of them is killed (SIGKILL) in the middle: its leases run out and the others take over.

On PostgreSQL the nodes claim with ``FOR UPDATE SKIP LOCKED``; on SQLite the same test runs with
three processes whose writers the database serialises. The due moments: 200 BPMN timers of real cases
(``tests/fixtures/timer_wait.bpmn``) and 1,800 rows scheduled through ``services.timers.schedule_due``
whose firing appends one record naming the row. Real clock: separate processes fire them; the test
only polls for completion, with a deadline."""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from engine.bootstrap import system_clock
from engine.cases.opening import open_case
from engine.deadlines.timers import FIRERS, schedule_due
from engine.kernel.context import AppContext
from engine.kernel.ports import Actor
from engine.processes.deploy import deploy
from engine.store.schema.timers import due_items
from engine.store.tables import cases
from tests.conftest import make_context
from tests.integration.timer_node import TICK, fire_tick
from tests.support import FIXTURES, ROOT

CASES, TICKS = 200, 1800
TIMER_DELAY = 20.0  # a case's timer is due this long after the case is opened
TICK_LEAD, TICK_SPREAD = 5.0, 20.0  # the other rows: due within 5 … 25 s after the cases are opened
DEADLINE = 150.0  # generous: a loaded machine fires slower; the test ends as soon as all have fired


def _start_nodes(settings: Any, tmp_path: Path) -> list[subprocess.Popen[bytes]]:
    env = {**os.environ, "SANXIANG_DATABASE_URL": settings.database_url, "SANXIANG_VAR_DIR": str(tmp_path)}
    command = [sys.executable, "-m", "tests.integration.timer_node"]
    return [
        subprocess.Popen(
            [*command, f"node-{n}"],
            cwd=ROOT,
            env=env,
            stderr=subprocess.STDOUT,
            stdout=(tmp_path / f"node-{n}.log").open("wb"),
        )
        for n in range(3)
    ]


def _counts(ctx: AppContext) -> tuple[int, int]:
    with ctx.uow(readonly=True) as uow:
        total, fired = uow.conn.execute(select(func.count(), func.count(due_items.c.fired_at))).one()
    return int(total), int(fired)


def _wait_until(ctx: AppContext, fired: int, until: float) -> int:
    done = 0
    while time.monotonic() < until:
        done = _counts(ctx)[1]
        if done >= fired:
            return done
        time.sleep(0.2)  # polling other processes' progress, not waiting for a clock
    return done


def _held_by(ctx: AppContext, owner: str, until: float) -> set[int]:
    """The pending rows ``owner`` holds a lease on (polled until there are some, or ``until``)."""
    while True:
        with ctx.uow(readonly=True) as uow:
            held = set(
                uow.conn.execute(
                    select(due_items.c.id).where(
                        due_items.c.lease_owner == owner, due_items.c.fired_at.is_(None)
                    )
                ).scalars()
            )
        if held or time.monotonic() > until:
            return held
        time.sleep(0.005)


def _create_due_moments(ctx: AppContext) -> list[str]:
    """Every due moment is in the future when it is created (a timer already due would fire at once)."""
    fixture = FIXTURES / "timer_wait.bpmn"
    deploy(ctx, [(fixture.name, fixture.read_bytes())], Actor("li", frozenset({"designer"})))
    wang = Actor("wang", frozenset({"window-clerk"}))
    opened = [
        open_case(
            ctx,
            "timer_wait",
            {"dueAt": (datetime.now(UTC) + timedelta(seconds=TIMER_DELAY)).isoformat()},
            wang,
        ).case.id
        for _ in range(CASES)
    ]
    start, step = datetime.now(UTC) + timedelta(seconds=TICK_LEAD), TICK_SPREAD / TICKS
    schedule_due(ctx, TICK, [(None, f"tick-{j}", start + timedelta(seconds=j * step)) for j in range(TICKS)])
    return opened


def _facts(ctx: AppContext) -> dict[str, Any]:
    with ctx.uow(readonly=True) as uow:
        rows = uow.conn.execute(select(due_items)).all()
        entries = [e.content for e in uow.records.all() if e.content.action in (TICK, "timer.fired")]
        statuses = Counter(r.status for r in uow.conn.execute(select(cases.c.status)))
    return {"rows": rows, "entries": entries, "statuses": statuses}


def test_three_nodes_fire_2000_due_moments_once_each_despite_a_sigkill(  # type: ignore[no-untyped-def]
    settings, tmp_path, monkeypatch
) -> None:
    monkeypatch.setitem(FIRERS, TICK, fire_tick)
    ctx = make_context(settings, system_clock, rules="dialect")
    began = time.monotonic()
    nodes = _start_nodes(settings, tmp_path)
    try:
        opened = _create_due_moments(ctx)
        assert _counts(ctx)[0] == CASES + TICKS
        fired_before_kill = _wait_until(ctx, 700, began + DEADLINE)
        held = _held_by(ctx, "node-0", time.monotonic() + 10)  # kill it while it holds leases
        nodes[0].send_signal(signal.SIGKILL)
        nodes[0].wait(timeout=10)
        fired = _wait_until(ctx, CASES + TICKS, began + DEADLINE)
        wall = time.monotonic() - began
    finally:
        for node in nodes:
            if node.poll() is None:
                node.terminate()
        for node in nodes:
            node.wait(timeout=60)
    logs = "\n".join((tmp_path / f"node-{n}.log").read_text(errors="replace")[-2000:] for n in range(3))
    assert fired == CASES + TICKS, logs
    facts = _facts(ctx)
    ticks = Counter(e.payload["item"] for e in facts["entries"] if e.action == TICK)
    timers = Counter(e.case_id for e in facts["entries"] if e.action == "timer.fired")
    assert (len(ticks), set(ticks.values())) == (TICKS, {1})  # every row fired, none twice
    assert (sorted(timers), set(timers.values())) == (sorted(opened), {1})
    assert facts["statuses"] == Counter({"completed": CASES})
    owners = Counter(r.lease_owner for r in facts["rows"])
    assert set(owners) <= {"node-0", "node-1", "node-2"} and owners["node-1"] and owners["node-2"]
    _report(settings, facts, fired, wall, fired_before_kill, held)


def _report(
    settings: Any, facts: dict[str, Any], fired: int, wall: float, fired_before_kill: int, held: set[int]
) -> None:
    owners = Counter(r.lease_owner for r in facts["rows"])
    due = sorted(r.due_at for r in facts["rows"])
    lags = sorted((r.fired_at - r.due_at).total_seconds() for r in facts["rows"])
    retaken = sum(1 for r in facts["rows"] if r.attempts > 1)
    p50, p99 = statistics.median(lags), lags[int(len(lags) * 0.99)]
    span = (due[-1] - due[0]).total_seconds()
    taken_over = sum(1 for r in facts["rows"] if r.id in held and r.lease_owner != "node-0")
    print(
        f"\n{settings.database_url.split(':')[0]}: {fired} due within {span:.1f}s fired in {wall:.1f}s "
        f"wall; by node {dict(owners)}; node-0 killed after {fired_before_kill} holding {len(held)} leases "
        f"({taken_over} fired by the others); {retaken} rows claimed more than once; "
        f"lag p50 {p50:.3f}s p99 {p99:.3f}s max {lags[-1]:.3f}s"
    )
