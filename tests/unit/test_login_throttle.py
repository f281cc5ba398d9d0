"""The login throttle's rule, alone (``engine.people.rules``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from engine.people.rules import (
    ADDRESS_FAILURES,
    ADDRESS_WINDOW,
    FREE_FAILURES,
    MAX_DELAY,
    client_key,
    failures_since_success,
    pair_delay,
    wait_until,
)

T0 = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def test_the_first_failures_are_free_then_the_wait_doubles_up_to_its_ceiling() -> None:
    waits = [pair_delay(n) for n in range(FREE_FAILURES + 8)]
    assert waits[:FREE_FAILURES] == [timedelta(0)] * FREE_FAILURES
    assert waits[FREE_FAILURES : FREE_FAILURES + 4] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert waits[-1] == MAX_DELAY and pair_delay(10**9) == MAX_DELAY  # a huge count is no overflow


def test_a_success_forgets_the_failures_before_it() -> None:
    attempts = [(at(1), False), (at(2), False), (at(3), True), (at(4), False)]
    assert failures_since_success(attempts) == [at(4)]


def test_the_pair_waits_from_its_last_failure_and_the_address_from_its_oldest_in_the_window() -> None:
    pair = [at(i) for i in range(FREE_FAILURES)]
    assert wait_until(pair, [], at(10)) == at(FREE_FAILURES - 1 + 60)
    assert wait_until(pair, [], at(FREE_FAILURES - 1 + 60)) is None
    spray = [at(i) for i in range(ADDRESS_FAILURES)]
    assert wait_until([], spray[:-1], at(40)) is None
    assert wait_until([], spray, at(40)) == at(0) + ADDRESS_WINDOW


def test_clients_count_by_address_and_ipv6_by_its_slash_64() -> None:
    assert client_key("192.0.2.7") == "192.0.2.7"
    assert client_key("::ffff:192.0.2.7") == "192.0.2.7"
    assert client_key("2001:db8:1:2:aaaa::1") == client_key("2001:db8:1:2:bbbb::2") == "2001:db8:1:2::/64"
    assert client_key("2001:db8:1:3::1") != client_key("2001:db8:1:2::1")
    assert client_key("") == "unknown" and client_key("x" * 100) == "x" * 64
