"""What the accounts checks cost per request, now that nothing is cached per worker.

Run by hand:  .venv/bin/python bench/token_lookup.py [--pg URL] [--rows N]

Prints, per database (SQLite, then PostgreSQL when --pg is given):
 (a) ``token_actor`` (what every Bearer request runs: the token's row, its validity, the user and
     groups), median and p95 per call;
 (b) ``GET /api/v1/processes`` through Flask's test client with a Bearer token, median and p95;
 (c) a refused login (``login.login`` with a wrong password, cheap argon2 "test" profile) while the
     security log holds N rows (default 100,000) from other addresses: the throttle's two queries and
     the bounded insert.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _context(url: str, work: Path) -> Any:
    from engine.config import Settings
    from tests.conftest import make_context
    from tests.support import MovableClock

    settings = Settings(database_url=url, var_dir=work, password_hash_profile="test")
    return make_context(settings, MovableClock(), rules="dialect")


def _timed(call: Callable[[], object], times: int) -> tuple[float, float]:
    spent = []
    for _ in range(times):
        started = time.perf_counter()
        call()
        spent.append((time.perf_counter() - started) * 1000)
    spent.sort()
    return statistics.median(spent), spent[int(len(spent) * 0.95)]


def _fill_log(ctx: Any, rows: int) -> None:
    """N failures from other addresses within the last hours (bulk: the fill is not what is measured)."""
    from engine.store.schema.people import security_log

    now = ctx.clock()
    batch = [
        {
            "at": now - timedelta(seconds=rows - i),
            "kind": "login-failed",
            "login": f"user{i % 500}",
            "client": f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}",
            "remote": "",
            "detail": "{}",
        }
        for i in range(rows)
    ]
    with ctx.database.begin() as conn:
        conn.execute(security_log.insert(), batch)
    with ctx.database.connect() as conn:  # the statistics autovacuum would have gathered by then
        conn.exec_driver_sql("ANALYZE security_log")
        conn.commit()


def _refused_login(ctx: Any) -> None:
    from engine.errors import NotAllowed
    from engine.people.login import login

    with contextlib.suppress(NotAllowed):
        login(ctx, "wang", "wrong-password", remote="192.0.2.1")
    ctx.clock.advance(hours=2)  # the pair never waits: each attempt is checked in full


def run(url: str, rows: int) -> None:
    from engine.app import create_app
    from engine.people.tokens import token_actor

    with tempfile.TemporaryDirectory(prefix="sanxiang-bench-") as work:
        ctx = _context(url, Path(work))
        median, p95 = _timed(lambda: token_actor(ctx, "demo-wang"), 2000)
        print(f"  token_actor               median {median:6.2f} ms   p95 {p95:6.2f} ms")
        client = create_app(ctx).test_client()
        bearer = {"Authorization": "Bearer demo-wang"}
        median, p95 = _timed(lambda: client.get("/api/v1/processes", headers=bearer), 500)
        print(f"  GET /api/v1/processes     median {median:6.2f} ms   p95 {p95:6.2f} ms")
        _fill_log(ctx, rows)
        median, p95 = _timed(lambda: _refused_login(ctx), 200)
        print(f"  refused login, {rows:,} rows  median {median:6.2f} ms   p95 {p95:6.2f} ms")
        ctx.database.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pg", default="", help="PostgreSQL URL of your own database")
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        print("SQLite (WAL)")
        run(f"sqlite:///{folder}/bench.db", args.rows)
    if args.pg:
        print("PostgreSQL")
        run(args.pg, args.rows)


if __name__ == "__main__":
    main()
