"""When the global chain's head must be signed, and when a missing head is itself a finding.

The record is hash-chained, so a change to any entry shows — unless someone with the database's
own rights rewrites every entry after it consistently, or cuts entries off the end. A signed head
pins everything up to it; only the entries after the newest head (the "window") can still be
rewritten or removed unnoticed. The policy bounds the window: a head is due as soon as

- ``every_entries`` entries are not yet covered by a head, or
- the oldest entry not yet covered was recorded ``every_minutes`` minutes ago or more.

A head that was due for longer than ``GRACE`` and is still missing is *overdue*: either the
scheduler that signs heads is not running, or recent heads were deleted to widen the window.
``sanxiang audit verify`` reports it (``heads_overdue``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from engine.errors import InvalidInput

DEFAULT_EVERY_ENTRIES = 100
DEFAULT_EVERY_MINUTES = 10
GRACE = timedelta(minutes=1)  # a few scheduler checks (every few seconds) fit in it
Trigger = Literal["entries", "minutes"]


@dataclass(frozen=True, slots=True)
class HeadPolicy:
    """A head at least every ``every_entries`` entries or ``every_minutes`` minutes."""

    every_entries: int = DEFAULT_EVERY_ENTRIES
    every_minutes: int = DEFAULT_EVERY_MINUTES

    def __post_init__(self) -> None:
        for value in (self.every_entries, self.every_minutes):
            if type(value) is not int or not 1 <= value <= 1_000_000:
                raise InvalidInput(
                    "签名链头间隔须为 1 至 1000000 之间的整数",
                    "head intervals must be whole numbers from 1 to 1,000,000",
                )

    @property
    def window(self) -> timedelta:
        return timedelta(minutes=self.every_minutes)


@dataclass(frozen=True, slots=True)
class Coverage:
    """How far the newest head reaches into the chain.

    ``head_seq`` is 0 when no head exists yet. ``oldest_uncovered_at`` is when the first entry
    after the head was recorded; ``nth_uncovered_at`` when the ``every_entries``-th entry after
    it was (None when there are fewer)."""

    latest_seq: int
    head_seq: int
    oldest_uncovered_at: datetime | None = None
    nth_uncovered_at: datetime | None = None

    @property
    def uncovered(self) -> int:
        return max(self.latest_seq - self.head_seq, 0)


def head_due(policy: HeadPolicy, coverage: Coverage, now: datetime) -> Trigger | None:
    """Why a new head must be signed now (None: not yet, or nothing new to sign)."""
    if coverage.uncovered >= policy.every_entries:
        return "entries"
    oldest = coverage.oldest_uncovered_at
    if coverage.uncovered and oldest is not None and now - oldest >= policy.window:
        return "minutes"
    return None


def heads_overdue(policy: HeadPolicy, coverage: Coverage, now: datetime) -> bool:
    """True when a head has been due for longer than ``GRACE`` and none covers it."""
    nth, oldest = coverage.nth_uncovered_at, coverage.oldest_uncovered_at
    if coverage.uncovered >= policy.every_entries and nth is not None and now - nth > GRACE:
        return True
    return bool(coverage.uncovered) and oldest is not None and now - oldest > policy.window + GRACE
