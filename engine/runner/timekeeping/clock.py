"""The injected clock, as SpiffWorkflow's timer module sees it.

SpiffWorkflow decides whether a timer is due with ``datetime.now(timezone.utc)`` read from its
own module: there is no clock parameter. We replace that module's ``datetime`` name with a
subclass whose ``now()`` answers from a context-local value while a step runs, so that
services (and tests) decide what "now" is and nothing ever sleeps.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from datetime import UTC, datetime

from SpiffWorkflow.bpmn.specs.event_definitions import timer as _spiff_timer

_now: ContextVar[datetime | None] = ContextVar("sanxiang_now", default=None)


class _ClockedDatetime(datetime):
    @classmethod
    def now(cls, tz=None):  # type: ignore[no-untyped-def]
        frozen = _now.get()
        if frozen is None:
            return datetime.now(tz)
        return frozen.astimezone(tz) if tz is not None else frozen


_spiff_timer.datetime = _ClockedDatetime


@contextlib.contextmanager
def frozen_now(now: datetime) -> Iterator[None]:
    """Run the block with SpiffWorkflow's notion of "now" fixed at ``now`` (aware)."""
    if now.tzinfo is None:
        raise ValueError("the clock must give aware datetimes")
    token = _now.set(now.astimezone(UTC))
    try:
        yield
    finally:
        _now.reset(token)


def step_now() -> datetime | None:
    """The injected "now" of the step being run (aware UTC), or None outside a step."""
    return _now.get()
