"""What signed heads and the signed case file cost.

Run by hand:  .venv/bin/python bench/record_heads.py [--pg URL] [--entries N]

Prints, per database (SQLite, then PostgreSQL when --pg is given), on a record of N entries (a food
licence case whose first entry comes first, then N other entries of other cases):
 (a) the scheduler's head check when no head is due (median of 200 checks);
 (b) signing a head after 100 new entries (verify them from the previous head, sign, keep), median of 20;
 (c) ``audit_record`` (``sanxiang audit verify``): the whole walk, against every kept head;
 (d) the case file export of that case (it spans all N entries: the proof carries N content hashes):
     time, ZIP size, chain-proof.json size; then ``verify_case_file`` against the head.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _context(url: str, work: Path, clock: Any) -> Any:
    from engine.config import Settings
    from tests.conftest import make_context

    settings = Settings(database_url=url, var_dir=work, password_hash_profile="test")
    return make_context(settings, clock, rules="dialect")


def _append(ctx: Any, clock: Any, count: int, batch: int = 2000) -> None:
    from engine.kernel.ports import RecordDraft

    for start in range(0, count, batch):
        with ctx.uow() as uow:
            for n in range(start, min(start + batch, count)):
                clock.advance(microseconds=1000)
                uow.records.append(
                    RecordDraft(
                        action="task.completed",
                        actor="zhao",
                        actor_role="handler",
                        case_id=f"2026-{n % 5000 + 100000:06d}",
                        payload={"data": {"n": n, "意见": "同意"}},
                    ),
                    clock(),
                )
            uow.commit()


def _median_ms(func: Any, times: int) -> float:
    samples = []
    for _ in range(times):
        started = time.perf_counter()
        func()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1e3


def _signing(ctx: Any, clock: Any) -> float:
    from engine.record.heads import sign_head_now

    samples = []
    for _ in range(20):
        _append(ctx, clock, 100)
        started = time.perf_counter()
        sign_head_now(ctx, "entries")
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1e3


def _case_file(ctx: Any, case_id: str, work: Path) -> None:
    from engine.kernel.ports import Actor
    from engine.record.casefile.export import export_case_file
    from engine.record.casefile.verify import Anchor, verify_case_file

    out = work / "case.zip"
    started = time.perf_counter()
    summary = export_case_file(ctx, case_id, Actor("admin", frozenset({"admin"})), out)
    exported = time.perf_counter() - started
    with zipfile.ZipFile(out) as archive:
        proof = archive.getinfo("chain-proof.json")
    started = time.perf_counter()
    report = verify_case_file(out, Anchor(head=summary.head))
    verified = time.perf_counter() - started
    assert report.ok, report.problems
    print(
        f"  (d) case file export {exported * 1e3:.0f} ms, ZIP {out.stat().st_size / 1e6:.2f} MB, "
        f"chain-proof.json {proof.file_size / 1e6:.2f} MB ({proof.compress_size / 1e6:.2f} MB deflated); "
        f"verify-export {verified * 1e3:.0f} ms"
    )


def run(label: str, url: str, entries: int) -> None:
    from engine.record import verify as audit
    from engine.record.heads import sign_head_when_due
    from tests.integration.evidence_cases import case_at_on_site
    from tests.support import MovableClock

    clock = MovableClock()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        ctx = _context(url, work, clock)
        case_id, _ = case_at_on_site(ctx)
        _append(ctx, clock, entries)
        print(f"{label}: {entries:,} entries")
        print(f"  (a) head check, none due: {_median_ms(lambda: sign_head_when_due(ctx), 200):.2f} ms")
        print(f"  (b) sign a head after 100 entries: {_signing(ctx, clock):.2f} ms")
        started = time.perf_counter()
        found = audit.audit_record(ctx)
        assert found.result.ok
        elapsed = time.perf_counter() - started
        print(f"  (c) audit verify: {elapsed:.2f} s for {found.result.checked:,} entries")
        _case_file(ctx, case_id, work)
        ctx.database.dispose()


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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pg", nargs="?", const=PG_DEFAULT, default=None)
    parser.add_argument("--entries", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        run("SQLite", f"sqlite:///{folder}/bench.db", args.entries)
    if args.pg:
        url, drop = _pg_schema(args.pg)
        try:
            run("PostgreSQL", url, args.entries)
        finally:
            drop()


if __name__ == "__main__":
    main()
