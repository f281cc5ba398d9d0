"""A sliding-window rate limit per client (the result query: 10 a minute per IP address).

Kept in this worker's memory, on the injected clock: each worker counts on its own, so N workers
allow up to N times the limit (the limit is against guessing codes, which 31^8 combinations already
make hopeless; a shared limit would need the database). Behind a reverse proxy, set
``SANXIANG_TRUSTED_PROXIES`` (werkzeug's ProxyFix) so that ``request.remote_addr`` is the client's.
"""

from __future__ import annotations

import math
import threading
from collections import deque
from collections.abc import Callable
from datetime import datetime

MAX_CLIENTS = 50_000


class RateLimiter:
    def __init__(self, limit: int, window_seconds: float, clock: Callable[[], datetime]) -> None:
        self.limit = limit
        self.window = window_seconds
        self._clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, client: str) -> int | None:
        """Count one request; None when allowed, else the whole seconds to wait."""
        now = self._clock().timestamp()
        with self._lock:
            if len(self._hits) > MAX_CLIENTS:
                self._forget_idle(now)
            hits = self._hits.setdefault(client, deque())
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                return max(1, math.ceil(hits[0] + self.window - now))
            hits.append(now)
            return None

    def _forget_idle(self, now: float) -> None:
        for client in [c for c, h in self._hits.items() if not h or h[-1] <= now - self.window]:
            del self._hits[client]
        if len(self._hits) > MAX_CLIENTS:  # still full of active clients: start again rather than grow
            self._hits.clear()
