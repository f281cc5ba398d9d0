"""What webhooks cost: the outbox on the step path, and delivery throughput to a local receiver.

Run by hand:  .venv/bin/python bench/webhook_outbox.py [--pg URL] [--cases N]

Prints, per database (SQLite, then PostgreSQL when --pg is given):
 (a) complete_task through the service (one transaction, commit included), median and p95 per step,
     with 0, 1 and 5 active subscriptions to every event type (each step queues 2 events);
 (b) delivery of every queued event to a threaded receiver on 127.0.0.1 by ``deliver_due_events``:
     events per second and the median attempt latency.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _context(url: str, work: Path) -> Any:
    from engine.config import Settings
    from tests.conftest import make_context
    from tests.support import MovableClock

    settings = Settings(
        database_url=url, var_dir=work, password_hash_profile="test", webhook_allow=("127.0.0.0/8",)
    )
    return make_context(settings, MovableClock(), rules="dialect")


def _deploy(ctx: Any) -> None:
    from engine.kernel.ports import Actor
    from engine.processes.deploy import deploy

    names = ("c7_review.bpmn", "test-acceptance.form", "test-review.form")
    deploy(
        ctx,
        [(n, (ROOT / "tests" / "fixtures" / n).read_bytes()) for n in names],
        Actor("li", frozenset({"designer"})),
    )


def step_times(ctx: Any, cases: int) -> list[float]:
    from engine.cases.opening import open_case
    from engine.kernel.ports import Actor
    from engine.tasks.claim_and_complete import complete_task

    wang = Actor("wang", frozenset({"window-clerk"}))
    times = []
    for _ in range(cases):
        view = open_case(ctx, "c7_review", {}, wang)
        started = time.perf_counter()
        complete_task(ctx, view.tasks[0].id, {"amount": 1, "major": False}, wang)
        times.append(time.perf_counter() - started)
    return times


def _pg_schema(url: str) -> tuple[str, Any]:
    from uuid import uuid4

    from sqlalchemy import create_engine, text

    schema = f"bench_{uuid4().hex[:10]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))

    return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}", drop


def _report_steps(label: str, subscriptions: int, times: list[float]) -> None:
    median, p95 = statistics.median(times) * 1e3, sorted(times)[int(len(times) * 0.95)] * 1e3
    print(
        f"{label} step, {subscriptions} subscription(s): median {median:.2f} ms, p95 {p95:.2f} ms "
        f"(n={len(times)})"
    )


def _report_delivery(label: str, ctx: Any) -> None:
    from engine.integration.delivery import deliver_due_events

    started = time.perf_counter()
    report = deliver_due_events(ctx, "bench", limit=100_000)
    elapsed = time.perf_counter() - started
    with ctx.uow(readonly=True) as uow:
        latencies = [a.latency_ms for e in uow.outbox.events(limit=100) for a in uow.outbox.attempts(e.id)]
    rate = report.delivered / elapsed
    print(
        f"{label} delivery: {report.delivered} events in {elapsed:.2f} s = {rate:.0f} events/s, "
        f"median attempt {statistics.median(latencies):.2f} ms"
    )


def run(label: str, url_for: Any, cases: int) -> None:
    from engine.integration.subscriptions import add_subscription
    from engine.kernel.ports import Actor
    from tests.integration.webhook_receiver import Receiver

    receiver = Receiver().start()
    admin = Actor("admin", frozenset({"admin"}))
    for subscriptions in (0, 1, 5):
        url, cleanup = url_for()
        with tempfile.TemporaryDirectory() as work:
            ctx = _context(url, Path(work))
            _deploy(ctx)
            for _ in range(subscriptions):
                receiver.secret = add_subscription(ctx, receiver.url, ["*"], admin).secret
            _report_steps(label, subscriptions, step_times(ctx, cases))
            if subscriptions == 1:
                _report_delivery(label, ctx)
            ctx.database.dispose()
        cleanup()
    receiver.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pg", nargs="?", const=PG_DEFAULT, default=None)
    parser.add_argument("--cases", type=int, default=200)
    args = parser.parse_args()

    def sqlite_url() -> tuple[str, Any]:
        folder = tempfile.mkdtemp()
        return f"sqlite:///{folder}/bench.db", lambda: None

    run("SQLite", sqlite_url, args.cases)
    if args.pg:
        run("PostgreSQL", lambda: _pg_schema(args.pg), args.cases)


if __name__ == "__main__":
    main()
