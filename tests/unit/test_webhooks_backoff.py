"""Retry timing: capped exponential backoff with full jitter, and when a message is dead."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from webhooks import MAX_ATTEMPTS, is_dead, next_delay
from webhooks.backoff import ceiling


def test_the_ceiling_doubles_from_the_base_up_to_the_cap() -> None:
    seconds = [ceiling(n).total_seconds() for n in range(1, 12)]

    assert seconds[:6] == [5, 10, 20, 40, 80, 160]
    assert seconds[-1] == 3600
    assert all(later >= earlier for earlier, later in zip(seconds, seconds[1:], strict=False))


@pytest.mark.parametrize("attempt", [1, 2, 3, 7, 10, 30, 10_000])
def test_every_delay_lies_between_zero_and_the_ceiling(attempt: int) -> None:
    rng = random.Random(attempt)

    delays = [next_delay(attempt, rng=rng) for _ in range(200)]

    assert all(timedelta(0) <= delay <= ceiling(attempt) for delay in delays)
    assert max(delays) > ceiling(attempt) / 2


def test_delays_grow_with_the_attempt_number_on_average() -> None:
    rng = random.Random(20260302)

    means = [sum(next_delay(n, rng=rng).total_seconds() for _ in range(400)) / 400 for n in (1, 3, 5, 7)]

    assert means == sorted(means)
    assert means[-1] > 8 * means[0]


def test_a_seeded_rng_gives_the_same_delays() -> None:
    first = [next_delay(n, rng=random.Random(7)) for n in range(1, 11)]
    second = [next_delay(n, rng=random.Random(7)) for n in range(1, 11)]

    assert first == second


def test_base_and_cap_can_be_chosen() -> None:
    rng = random.Random(1)

    delays = [next_delay(4, base=timedelta(seconds=1), cap=timedelta(seconds=6), rng=rng) for _ in range(100)]

    assert max(delays) <= timedelta(seconds=6)


def test_nonsense_arguments_are_value_errors() -> None:
    with pytest.raises(ValueError):
        next_delay(0)
    with pytest.raises(ValueError):
        next_delay(1, base=timedelta(0))
    with pytest.raises(ValueError):
        next_delay(1, base=timedelta(minutes=5), cap=timedelta(minutes=1))
    with pytest.raises(ValueError):
        is_dead(1, max_attempts=0)


def test_a_message_is_dead_after_the_maximum_number_of_attempts() -> None:
    assert MAX_ATTEMPTS == 10
    assert not is_dead(9)
    assert is_dead(10)
    assert is_dead(11)
    assert is_dead(3, max_attempts=3) and not is_dead(2, max_attempts=3)
