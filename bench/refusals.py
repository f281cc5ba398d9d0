"""What a refused attempt on a case costs the server, recorded and past the bound (only counted).

Run by hand:  .venv/bin/python bench/refusals.py [--pg URL] [--attempts N]

Through the Flask test client with real commits: an approver completes a major case's legal review
(refused, 403 ``task-forbidden``) N times in a row on one case. Prints, per request, the median and p95
of: a permitted read of the case (GET, the baseline), the first refusals (each appended to the case's
chain in its own transaction), and the later ones (counted in the actor's window, not appended); and how
many entries the N refusals added to the record.
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


def stats(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"median {statistics.median(values) * 1e3:.2f} ms, p95 {p95 * 1e3:.2f} ms (n={len(values)})"


def context(url: str | None, var: Path) -> Any:
    from engine.config import Settings
    from tests.conftest import make_context
    from tests.support import MovableClock

    settings = Settings(
        database_url=url or f"sqlite:///{var / 'bench.db'}",
        var_dir=var,
        secret_key="bench",
        password_hash_profile="test",
    )
    return make_context(settings, MovableClock(), rules="dialect")


def timed(call: Any, times: int) -> list[float]:
    spent = []
    for _ in range(times):
        started = time.perf_counter()
        call()
        spent.append(time.perf_counter() - started)
    return spent


def run(url: str | None, attempts: int) -> None:
    from engine.app import create_app
    from tests.integration.form_data import form_data
    from tests.integration.supervision_driver import (
        deploy_shipped,
        drive_major_case_to_proposal,
        finish,
        task_at,
    )
    from tests.support import auth

    with tempfile.TemporaryDirectory() as var:
        ctx = context(url, Path(var))
        deploy_shipped(ctx)
        case_id = drive_major_case_to_proposal(ctx)
        finish(ctx, case_id, "Task_Proposal", "zhao", "handler-review", publicInterest=True)
        review, client = task_at(ctx, case_id, "Task_LegalReview"), create_app(ctx).test_client()
        with ctx.uow(readonly=True) as uow:
            before = len(uow.records.for_case(case_id))
        reads = timed(lambda: client.get(f"/api/v1/cases/{case_id}", headers=auth("sun")), 50)
        decide = {"variables": form_data("decision")}
        refused = timed(
            lambda: client.post(f"/api/v1/tasks/{review.id}/complete", json=decide, headers=auth("sun")),
            attempts,
        )
        with ctx.uow(readonly=True) as uow:
            added = len(uow.records.for_case(case_id)) - before
        limit = ctx.settings.refusals_per_window
        print(f"{'PostgreSQL' if url else 'SQLite'}:")
        print(f"  read of the case (GET, allowed)       {stats(reads)}")
        print(f"  refusal appended to the record        {stats(refused[:limit])}")
        print(f"  refusal counted past the bound        {stats(refused[limit:])}")
        print(f"  {attempts} refusals added {added} entries (bound {limit} a window; +1 summary at its end)")
        ctx.database.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pg", default=None, help="a PostgreSQL URL (an empty database) to measure too")
    parser.add_argument("--attempts", type=int, default=200)
    args = parser.parse_args()
    run(None, args.attempts)
    if args.pg:
        run(args.pg, args.attempts)


if __name__ == "__main__":
    main()
