"""Waking the long polls of this process when external tasks appear (no database connection while waiting).

A waiting ``fetchAndLock`` sleeps on ``BELL`` (a ``threading.Condition`` with a generation number) with no
database connection open; a step that added external tasks rings it after its commit, and every waiting
poll re-checks the database once. Tasks another server process added are found by a short re-check
every ``RECHECK`` seconds. A waiting poll does hold its request's server thread (WSGI cannot park a
request), so ``Gate`` bounds how many polls may wait at once in this process and waiting polls never take
every thread of the server: a poll over the bound answers at once with what there is (the client polls
again). Parking waiting polls without a thread is still to do (issue 16).
"""

from __future__ import annotations

import threading
import time

RECHECK = 1.0  # seconds between re-checks of the database while waiting


class Bell:
    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._generation = 0

    @property
    def generation(self) -> int:
        with self._condition:
            return self._generation

    def ring(self) -> None:
        with self._condition:
            self._generation += 1
            self._condition.notify_all()

    def wait(self, seen: int, timeout: float) -> int:
        """Sleep until a ring after generation ``seen`` or ``timeout`` seconds; the generation now."""
        deadline = time.monotonic() + timeout
        with self._condition:
            while self._generation == seen:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._condition.wait(left)
            return self._generation


class Gate:
    """At most ``limit`` polls of this process wait at once."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._lock = threading.Lock()
        self.waiting = 0

    def enter(self) -> bool:
        with self._lock:
            if self.waiting >= self.limit:
                return False
            self.waiting += 1
            return True

    def leave(self) -> None:
        with self._lock:
            self.waiting -= 1


BELL = Bell()
