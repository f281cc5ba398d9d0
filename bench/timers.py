"""Firing lag of due moments on several scheduler nodes, and the claim query's plan.

Run by hand:  .venv/bin/python bench/timers.py [--pg URL | --sqlite] [--timers 10000] [--cases 1000]
                                               [--nodes 3] [--window 120] [--waiting 50000]

1. A fresh database (a new PostgreSQL schema, or a temporary SQLite file): ``--cases`` real cases of
   ``tests/fixtures/timer_wait.bpmn`` whose BPMN timers fall in the firing window, the rest of
   ``--timers`` as due rows of a kind whose firing appends one record, and ``--waiting`` rows due in a
   year (waiting cases the claim query must not wade through).
2. ``--nodes`` scheduler processes (``engine.scheduler.run_forever``, the code of ``sanxiang
   scheduler``) fire them; lag = ``fired_at - due_at`` of each row: p50, p90, p99, max.
3. The claim query's plan: EXPLAIN ANALYZE on PostgreSQL (inside a rolled-back transaction), EXPLAIN
   QUERY PLAN on SQLite — with the waiting rows in the table.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
TICK = "bench.tick"


def fire_tick(ctx: Any, uow: Any, item: Any, now: datetime) -> None:
    from engine.kernel.ports import SYSTEM, RecordDraft
    from engine.record.append import record

    record(ctx, uow, RecordDraft(action=TICK, actor=SYSTEM.user_id, payload={"item": item.id}), now)


def node(owner: str) -> None:
    """One scheduler process (``--node OWNER``), with the bench's extra kind of due row."""
    import logging

    from engine.bootstrap import bootstrap
    from engine.config import from_env
    from engine.deadlines.timers import FIRERS
    from engine.scheduler import run_forever

    logging.getLogger("apscheduler").setLevel(logging.ERROR)
    FIRERS[TICK] = fire_tick
    run_forever(bootstrap(from_env()), owner=owner)


def fresh_database(args: argparse.Namespace) -> tuple[str, Any]:
    if args.sqlite:
        folder = tempfile.mkdtemp(prefix="sanxiang-bench-")
        return f"sqlite:///{folder}/bench.db", lambda: None
    from sqlalchemy import create_engine, text

    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(args.pg, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))

    return f"{args.pg}{'&' if '?' in args.pg else '?'}options=-csearch_path%3D{schema}", drop


def create(ctx: Any, args: argparse.Namespace, start: datetime) -> None:
    from engine.cases.opening import open_case
    from engine.deadlines.timers import schedule_due
    from engine.kernel.ports import Actor
    from engine.processes.deploy import deploy

    fixture = ROOT / "tests" / "fixtures" / "timer_wait.bpmn"
    deploy(ctx, [(fixture.name, fixture.read_bytes())], Actor("li", frozenset({"designer"})))
    step = args.window / args.timers
    wang = Actor("wang", frozenset({"window-clerk"}))
    every = max(1, args.timers // max(args.cases, 1))
    timer_slots = set(range(0, args.timers, every)[: args.cases])
    began = time.perf_counter()
    for slot in sorted(timer_slots):
        due = start + timedelta(seconds=slot * step)
        open_case(ctx, "timer_wait", {"dueAt": due.isoformat()}, wang)
    print(f"  {len(timer_slots)} cases opened in {time.perf_counter() - began:.1f}s")
    ticks = [
        (None, f"t{slot}", start + timedelta(seconds=slot * step))
        for slot in range(args.timers)
        if slot not in timer_slots
    ]
    far = datetime.now(UTC) + timedelta(days=365)
    for chunk in range(0, len(ticks), 5000):
        schedule_due(ctx, TICK, ticks[chunk : chunk + 5000])
    for chunk in range(0, args.waiting, 5000):
        schedule_due(
            ctx,
            TICK,
            [
                (None, f"w{i}", far + timedelta(seconds=i))
                for i in range(chunk, min(args.waiting, chunk + 5000))
            ],
        )


def fired_count(ctx: Any) -> tuple[int, int]:
    from sqlalchemy import func, select

    from engine.store.schema.timers import due_items

    with ctx.uow(readonly=True) as uow:
        total, fired = uow.conn.execute(
            select(func.count(), func.count(due_items.c.fired_at)).where(
                due_items.c.due_at < datetime.now(UTC) + timedelta(days=300)
            )
        ).one()
    return int(total), int(fired)


def lags(ctx: Any) -> dict[str, list[float]]:
    from sqlalchemy import select

    from engine.store.schema.timers import due_items

    found: dict[str, list[float]] = {}
    with ctx.uow(readonly=True) as uow:
        for row in uow.conn.execute(select(due_items).where(due_items.c.fired_at.is_not(None))):
            found.setdefault(row.kind, []).append((row.fired_at - row.due_at).total_seconds())
    return found


def describe(values: list[float]) -> str:
    ordered = sorted(values)

    def pick(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(len(ordered) * q))]

    return (
        f"n={len(ordered)} p50 {statistics.median(ordered) * 1e3:.0f} ms, p90 {pick(0.9) * 1e3:.0f} ms, "
        f"p99 {pick(0.99) * 1e3:.0f} ms, max {ordered[-1] * 1e3:.0f} ms"
    )


def explain(ctx: Any, at: datetime) -> str:
    from sqlalchemy import text

    from engine.deadlines.store import claim_query

    with ctx.database.connect() as conn:
        postgres = conn.dialect.name == "postgresql"
        compiled = claim_query(at, 10, postgres=postgres).compile(dialect=conn.dialect)
        if postgres:
            conn.execute(text("ANALYZE due_items"))
            rows = conn.exec_driver_sql(f"EXPLAIN (ANALYZE, BUFFERS) {compiled}", compiled.params).all()
            conn.rollback()
            return "\n".join(r[0] for r in rows)
        params = tuple(compiled.params[name] for name in compiled.positiontup or ())
        rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}", params).all()
        return "\n".join(str(r[-1]) for r in rows)


def run(args: argparse.Namespace) -> None:
    from engine.bootstrap import bootstrap, system_clock
    from engine.config import Settings
    from engine.deadlines.timers import FIRERS
    from engine.demo import ensure_demo_users
    from engine.store.migrate import upgrade

    FIRERS[TICK] = fire_tick
    url, drop = fresh_database(args)
    var_dir = tempfile.mkdtemp(prefix="sanxiang-bench-var-")  # nothing lands in the working tree
    ctx = bootstrap(Settings(database_url=url, var_dir=Path(var_dir)), clock=system_clock, rules="dialect")
    upgrade(ctx.database)
    ensure_demo_users(ctx)
    print(
        f"{'SQLite' if args.sqlite else 'PostgreSQL'}: {args.timers} due moments "
        f"({args.cases} BPMN timers) over {args.window:.0f}s, {args.waiting} waiting rows, "
        f"{args.nodes} scheduler processes"
    )
    start = datetime.now(UTC) + timedelta(seconds=args.lead)
    create(ctx, args, start)
    if datetime.now(UTC) > start:
        print("  warning: creating took longer than --lead; the first moments were already due")
    env = {**os.environ, "SANXIANG_DATABASE_URL": url, "SANXIANG_VAR_DIR": var_dir}
    nodes = [
        subprocess.Popen([sys.executable, __file__, "--node", f"bench-{n}"], env=env, cwd=ROOT)
        for n in range(args.nodes)
    ]
    try:
        deadline = time.monotonic() + args.lead + args.window + 600
        while fired_count(ctx)[1] < args.timers and time.monotonic() < deadline:
            time.sleep(0.5)
        total, fired = fired_count(ctx)
        plan = explain(ctx, start + timedelta(seconds=args.window / 2))
    finally:
        for process in nodes:
            process.terminate()
        for process in nodes:
            process.wait(timeout=120)
    found = lags(ctx)
    print(f"  fired {fired} of {total}")
    print(f"  lag, all:          {describe([v for values in found.values() for v in values])}")
    for kind, values in sorted(found.items()):
        print(f"  lag, {kind + ':':<13} {describe(values)}")
    print("  claim query plan:\n    " + plan.replace("\n", "\n    "))
    ctx.database.dispose()
    drop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--node", help=argparse.SUPPRESS)
    parser.add_argument("--pg", default=PG_DEFAULT)
    parser.add_argument("--sqlite", action="store_true")
    parser.add_argument("--timers", type=int, default=10_000)
    parser.add_argument("--cases", type=int, default=1000, help="how many of them are BPMN timers of cases")
    parser.add_argument("--nodes", type=int, default=3)
    parser.add_argument("--window", type=float, default=120.0, help="seconds over which they fall due")
    parser.add_argument("--lead", type=float, default=90.0, help="seconds from the start to the window")
    parser.add_argument("--waiting", type=int, default=50_000, help="rows due in a year")
    args = parser.parse_args()
    if args.node:
        node(args.node)
    else:
        run(args)


if __name__ == "__main__":
    main()
