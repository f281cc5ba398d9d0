"""执法数据网上统计: per item and month — applications, grants, denials, average working days, on-time rate.

Read from projections only: applications are the cases started in the month (local time, Asia/Shanghai);
decisions are the ``disclosures`` rows by decision day, each carrying the working days from acceptance to
decision and whether that kept the item's promised (else statutory) limit, computed on the bureau's
calendar when the decision was made. Withdrawn decisions still count: they were made.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from engine.disclosure.draft import local_day
from engine.disclosure.rows import DecisionTally
from engine.kernel.bureau import ZONE
from engine.kernel.context import AppContext
from engine.kernel.process_kinds import is_procedure

MAX_MONTHS = 36


@dataclass(frozen=True, slots=True)
class Figures:
    period: str  # "2026-11", or "" for a total
    applications: int
    grants: int
    denials: int
    decisions: int
    average_days: float | None  # working days, acceptance → decision
    on_time_rate: float | None  # 0..1


@dataclass(frozen=True, slots=True)
class ItemFigures:
    key: str
    name: str
    months: tuple[Figures, ...]
    total: Figures


@dataclass(frozen=True, slots=True)
class Statistics:
    months: tuple[str, ...]
    items: tuple[ItemFigures, ...]
    total: tuple[Figures, ...]  # all items, per month
    overall: Figures
    generated_at: dt.datetime


def month_keys(today: dt.date, count: int) -> tuple[str, ...]:
    """The ``count`` months up to and including today's, oldest first."""
    index = today.year * 12 + today.month - 1
    return tuple(f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(index - count + 1, index + 1))


def _figures(period: str, applications: int, tallies: Iterable[DecisionTally]) -> Figures:
    tallies = list(tallies)
    days_sum, days_count = sum(t.days_sum for t in tallies), sum(t.days_count for t in tallies)
    on_time, timed = sum(t.on_time for t in tallies), sum(t.timed for t in tallies)
    return Figures(
        period,
        applications,
        sum(t.count for t in tallies if t.decision == "grant"),
        sum(t.count for t in tallies if t.decision == "deny"),
        sum(t.count for t in tallies),
        round(days_sum / days_count, 1) if days_count else None,
        round(on_time / timed, 4) if timed else None,
    )


def _month(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _bounds(keys: tuple[str, ...]) -> list[dt.datetime]:
    """The local midnights that start each month of ``keys`` and the one after the last."""
    firsts = [dt.date.fromisoformat(k + "-01") for k in keys]
    last = firsts[-1]
    firsts.append(dt.date(last.year + last.month // 12, last.month % 12 + 1, 1))
    return [dt.datetime.combine(day, dt.time(), ZONE) for day in firsts]


def compute_statistics(ctx: AppContext, months: int = 12, process_key: str | None = None) -> Statistics:
    now = ctx.clock()
    keys = month_keys(local_day(now), max(1, min(months, MAX_MONTHS)))
    with ctx.uow(readonly=True) as uow:
        latest = uow.processes.list_latest()
        names = {p.key: p.properties.get("sanxiang.itemName") or p.name for p in latest}
        procedures = {p.key for p in latest if is_procedure(p.properties)}  # child cases: not applications
        repo = uow.disclosures
        tallies: list[DecisionTally] = repo.tallies(dt.date.fromisoformat(keys[0] + "-01"))
        started: dict[tuple[str, int], int] = repo.applications(_bounds(keys))
    applications = {(key, keys[i]): n for (key, i), n in started.items()}
    by_slot: dict[tuple[str, str], list[DecisionTally]] = {}
    for tally in tallies:
        by_slot.setdefault((tally.process_key, _month(tally.decided_on)), []).append(tally)
    wanted = [
        k
        for k in sorted({*names, *(k for k, _ in applications), *(k for k, _ in by_slot)})
        if process_key in (None, k) and k not in procedures
    ]

    def figures(items: list[str], months: tuple[str, ...], period: str) -> Figures:
        return _figures(
            period,
            sum(applications.get((k, m), 0) for k in items for m in months),
            [t for k in items for m in months for t in by_slot.get((k, m), ())],
        )

    items = tuple(
        ItemFigures(k, names.get(k, k), tuple(figures([k], (m,), m) for m in keys), figures([k], keys, ""))
        for k in wanted
    )
    per_month = tuple(figures(wanted, (m,), m) for m in keys)
    return Statistics(keys, items, per_month, figures(wanted, keys, ""), now)
