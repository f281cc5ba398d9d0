"""When to retry a failed delivery: capped exponential backoff with full jitter.

The n-th retry waits a uniformly random time in ``[0, min(cap, base * 2**(n-1))]`` ("full
jitter", which spreads the retries of many failed messages instead of bunching them). After
:data:`MAX_ATTEMPTS` attempts a message is dead (dead-lettered, retried only by a person).
"""

from __future__ import annotations

import random
from datetime import timedelta

MAX_ATTEMPTS = 10
DEFAULT_BASE = timedelta(seconds=5)
DEFAULT_CAP = timedelta(hours=1)

_RANDOM = random.SystemRandom()
_MAX_DOUBLINGS = 64


def ceiling(
    attempt_number: int, *, base: timedelta = DEFAULT_BASE, cap: timedelta = DEFAULT_CAP
) -> timedelta:
    """The longest delay :func:`next_delay` may return after attempt ``attempt_number`` (from 1)."""
    if attempt_number < 1:
        raise ValueError("attempt_number counts from 1")
    if base <= timedelta(0) or cap < base:
        raise ValueError("base must be positive and cap at least base")
    doublings = min(attempt_number - 1, _MAX_DOUBLINGS)
    seconds = min(cap.total_seconds(), base.total_seconds() * 2.0**doublings)
    return timedelta(seconds=seconds)


def next_delay(
    attempt_number: int,
    *,
    base: timedelta = DEFAULT_BASE,
    cap: timedelta = DEFAULT_CAP,
    rng: random.Random | None = None,
) -> timedelta:
    """How long to wait after failed attempt ``attempt_number`` (1 = the first attempt).

    Pass a seeded ``rng`` for repeatable delays; by default a system random source is used.
    """
    limit = ceiling(attempt_number, base=base, cap=cap).total_seconds()
    return timedelta(seconds=(rng or _RANDOM).uniform(0.0, limit))


def is_dead(attempts: int, max_attempts: int = MAX_ATTEMPTS) -> bool:
    """Whether a message that has had ``attempts`` attempts should go to the dead letters."""
    if max_attempts < 1:
        raise ValueError("max_attempts must be at least 1")
    return attempts >= max_attempts
