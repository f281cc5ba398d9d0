"""One scheduler node for the multi-node test: ``sanxiang scheduler`` plus one extra kind of due row.

``python -m tests.integration.timer_node OWNER`` with ``SANXIANG_DATABASE_URL`` set. Besides the real
firers (BPMN timers, deadline warnings) it fires ``test.tick`` rows: each appends one ``test.tick``
record naming the row, in the same transaction that marks the row fired — so a row fired twice
would show as two records.
"""

from __future__ import annotations

import logging
import sys
from datetime import timedelta

from engine.bootstrap import bootstrap
from engine.config import from_env
from engine.deadlines.rows import DueItem
from engine.deadlines.timers import FIRERS
from engine.kernel.ports import SYSTEM, RecordDraft, UnitOfWork
from engine.record.append import record
from engine.scheduler import run_forever

TICK = "test.tick"


def fire_tick(ctx: object, uow: UnitOfWork, item: DueItem, now: object) -> None:
    record(
        ctx,
        uow,
        RecordDraft(
            action=TICK,
            actor=SYSTEM.user_id,
            payload={"item": item.id, "node": sys.argv[1], "dueAt": item.due_at.isoformat()},
        ),
        now,
    )  # type: ignore[arg-type]


def main() -> None:
    logging.getLogger("apscheduler").setLevel(logging.ERROR)  # "skipped: already running" is expected
    FIRERS[TICK] = fire_tick  # type: ignore[assignment]
    ctx = bootstrap(from_env())
    run_forever(
        ctx,
        owner=sys.argv[1],
        interval=0.5,
        batch=5,
        lease=timedelta(seconds=5),
        started=lambda claimer: print(f"{claimer.owner} started", flush=True),
    )


if __name__ == "__main__":
    main()
