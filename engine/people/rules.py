"""Login throttling: when a client may try a password again (pure; the only copy of these numbers).

Never by account alone, so that nobody can lock someone else out at will:

* the pair (login name, client address): ``FREE_FAILURES`` failures since the pair's last success
  are free; after that each attempt waits ``FIRST_DELAY``, doubled at every further failure up to
  ``MAX_DELAY``; failures older than ``PAIR_MEMORY`` are forgotten;
* the client address alone: ``ADDRESS_FAILURES`` failures for any login names within
  ``ADDRESS_WINDOW`` make the address wait until the oldest of them leaves the window (one address
  cannot spray passwords over every account).

An attempt made while waiting is refused before the password is checked and is not counted. IPv6
clients count by their /64 prefix (one host usually holds a whole /64)."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from datetime import datetime, timedelta

FREE_FAILURES = 5
FIRST_DELAY = timedelta(minutes=1)
MAX_DELAY = timedelta(hours=1)
PAIR_MEMORY = timedelta(hours=24)
ADDRESS_FAILURES = 30
ADDRESS_WINDOW = timedelta(minutes=15)


def client_key(remote: str) -> str:
    """The address a client is counted by: IPv4 as is, IPv6 by its /64, anything else as given."""
    try:
        address = ipaddress.ip_address(remote.strip())
    except ValueError:
        return remote.strip()[:64] or "unknown"
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def failures_since_success(attempts: Sequence[tuple[datetime, bool]]) -> list[datetime]:
    """The failed attempts (time, ok) after the last successful one, in order."""
    failures: list[datetime] = []
    for at, ok in attempts:
        failures = [] if ok else [*failures, at]
    return failures


def pair_delay(failures: int) -> timedelta:
    """The wait after this many failures of one login name from one address."""
    if failures < FREE_FAILURES:
        return timedelta(0)
    return min(FIRST_DELAY * (1 << min(failures - FREE_FAILURES, 16)), MAX_DELAY)


def pair_free_at(failures: Sequence[datetime]) -> datetime | None:
    """When the pair may try again, given its failures since its last success (None: at once)."""
    delay = pair_delay(len(failures))
    return failures[-1] + delay if delay else None


def address_free_at(failures: Sequence[datetime]) -> datetime | None:
    """When the address may try again, given its failures within the window, oldest first."""
    if len(failures) < ADDRESS_FAILURES:
        return None
    return failures[-ADDRESS_FAILURES] + ADDRESS_WINDOW


def wait_until(pair: Sequence[datetime], address: Sequence[datetime], now: datetime) -> datetime | None:
    """The end of the longer of the two waits still running at ``now``, or None."""
    ends = [end for end in (pair_free_at(pair), address_free_at(address)) if end is not None and end > now]
    return max(ends) if ends else None
