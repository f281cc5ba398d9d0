"""What ``/metrics`` exposes, read in one short read-only transaction: cases by status and item, the
waiting times of tasks, the lag of due timers, the webhook backlog, and the console's findings."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from engine.deadlines.tracking import CALENDAR_MAX_AGE
from engine.supervision.detect import Detection

if TYPE_CHECKING:
    from engine.kernel.context import AppContext


@dataclass(frozen=True)
class MetricsSnapshot:
    now: datetime
    cases: list[tuple[str, str, int]]  # process key, status, count
    task_waits: dict[str, list[float]]  # process key -> seconds each ready task has waited
    timer_lag: dict[str, list[float]]  # due-item kind -> seconds past due (pending rows)
    outbox: dict[str, tuple[int, float]]  # status -> (events, age in s of the oldest)
    findings: Counter[tuple[str, str]] = field(default_factory=Counter)  # (status, code) -> count


def collect_metrics(ctx: AppContext) -> MetricsSnapshot:
    now = ctx.clock()
    with ctx.uow(readonly=True) as uow:
        board = uow.supervision
        waits: dict[str, list[float]] = {}
        for key, created in board.ready_task_ages():
            waits.setdefault(key, []).append(max((now - created).total_seconds(), 0.0))
        lag: dict[str, list[float]] = {}
        for kind, due in board.pending_due_times(now):
            lag.setdefault(kind, []).append((now - due).total_seconds())
        outbox = {
            status: (count, max((now - oldest).total_seconds(), 0.0) if oldest else 0.0)
            for status, (count, oldest) in board.outbox_by_status().items()
        }
        calendar = ctx.calendar.refresh(uow, max_age=CALENDAR_MAX_AGE)
        found = Counter((f.status, f.code) for f in Detection(ctx, uow, now, calendar).all())
        return MetricsSnapshot(now, board.case_counts(), waits, lag, outbox, found)
