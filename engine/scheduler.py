"""APScheduler wiring: wake the claimer of due moments, and run the jobs other areas register.

- The claimer (``run_claimer``) fires due rows in batches (``services.timers.fire_due_timers``) until
  none are left, then asks for the earliest pending due time and sets a one-off wake-up at it; a
  safety interval (``interval`` seconds) also runs it, so timers created by other processes, leases
  of dead nodes and retries are picked up within that interval. It starts at once: due moments
  missed while everything was down fire once at start-up.
- Jobs of other areas (outbox delivery, record heads, the daily head file…):
  ``register_job(func, seconds=…)`` or ``register_job(func, trigger="cron", hour=1)``; ``func(ctx)`` is a
  module-level function that calls a service.
- ``sanxiang up`` / ``serve`` start one scheduler in the server's master process
  (``start_with_server``; never in a gunicorn worker, which is forked later and has no scheduler
  thread, and at most once per process); ``sanxiang scheduler`` runs it alone (``run_forever``).
  Several nodes may run one: claims are atomic, each due row fires once.
"""

from __future__ import annotations

import functools
import logging
import os
import secrets
import signal
import socket
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import ParamSpec, TypeVar

from apscheduler.executors.pool import ThreadPoolExecutor  # type: ignore[import-untyped]
from apscheduler.schedulers.background import BackgroundScheduler  # type: ignore[import-untyped]

from engine.config import Settings
from engine.deadlines.timers import LEASE, fire_due_timers, next_due_at
from engine.disclosure.publish import publish_due_disclosures
from engine.integration.delivery import deliver_outbox
from engine.kernel import log_context
from engine.kernel.bureau import ZONE_NAME
from engine.kernel.context import AppContext
from engine.kernel.json_types import JsonObject
from engine.kernel.ports import SYSTEM, present
from engine.record.heads import CHECK_SECONDS, sign_head_when_due
from engine.record.refusals.record_refusal import close_refusal_windows
from engine.record.verify import export_signed_head
from engine.supervision.dashboard import scan_for_alerts

log = logging.getLogger(__name__)
P = ParamSpec("P")
R = TypeVar("R")

SAFETY_INTERVAL = 1.0  # seconds; one indexed query per node when nothing is due
BATCH = 10  # rows claimed at a time: few enough to fire well within a lease
_CLAIMER = "sanxiang.claimer"
_WAKE = "sanxiang.wake"


@dataclass(frozen=True)
class Job:
    func: Callable[[AppContext], object]
    trigger: str
    options: JsonObject

    @property
    def id(self) -> str:
        return f"job.{self.func.__module__}.{self.func.__qualname__}"


JOBS: list[Job] = []


def register_job(
    func: Callable[[AppContext], object], *, trigger: str = "interval", **options: object
) -> None:
    """Run ``func(ctx)`` on every scheduler (APScheduler trigger and its options, e.g. ``seconds=2``).
    Register at import of your module's wiring, before the scheduler starts; once per function."""
    job = Job(func, trigger, dict(options))
    if all(j.id != job.id for j in JOBS):
        JOBS.append(job)


register_job(scan_for_alerts, seconds=60)  # the console: each new stuck or failed case recorded once
register_job(deliver_outbox, seconds=2)  # webhooks: due outbox rows, in order per case
register_job(publish_due_disclosures, minutes=10)  # decisions still unpublished on their due day
register_job(sign_head_when_due, seconds=CHECK_SECONDS)  # a signed head every N entries or M minutes
register_job(close_refusal_windows, seconds=60)  # refusals only counted: one summary per window
register_job(export_signed_head, trigger="cron", hour=0, minute=5, timezone=ZONE_NAME)  # daily file


def in_job_scope(name: str, func: Callable[P, R]) -> Callable[P, R]:
    """``func`` with its own log fields on every run: a new job run id and the system actor."""

    @functools.wraps(func)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with log_context.scope(f"job-{uuid.uuid4().hex}", actor=SYSTEM.user_id):
            return func(*args, **kwargs)

    return run


def new_owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


@dataclass
class Claimer:
    ctx: AppContext
    owner: str
    batch: int = BATCH
    lease: timedelta = LEASE
    fired: int = 0
    scheduler: BackgroundScheduler | None = field(default=None, repr=False)
    stopping: threading.Event = field(default_factory=threading.Event, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def wake_at(self, when: datetime) -> None:
        run_at = max(when, datetime.now(UTC))
        present(self.scheduler, "the claimer's scheduler").add_job(
            in_job_scope(_WAKE, run_claimer),
            "date",
            run_date=run_at,
            args=[self],
            id=_WAKE,
            replace_existing=True,
            executor="claimer",
            misfire_grace_time=None,
            coalesce=True,
        )


def run_claimer(claimer: Claimer) -> None:
    """The claimer's job: fire until nothing is due, then wake up again at the next due time."""
    if not claimer._lock.acquire(blocking=False):
        return  # the other trigger is running it right now
    try:
        while not claimer.stopping.is_set():
            report = fire_due_timers(claimer.ctx, claimer.owner, claimer.batch, claimer.lease)
            claimer.fired += report.fired
            if report.claimed < claimer.batch:
                break
        upcoming = None if claimer.stopping.is_set() else next_due_at(claimer.ctx)
    except Exception:  # the database may be away for a moment: the safety interval tries again
        log.exception("the claimer of due moments failed; retrying on the next interval")
        return
    finally:
        claimer._lock.release()
    if upcoming is not None and claimer.scheduler is not None and claimer.scheduler.running:
        claimer.wake_at(upcoming)


def start(
    ctx: AppContext,
    *,
    owner: str | None = None,
    interval: float = SAFETY_INTERVAL,
    batch: int = BATCH,
    lease: timedelta = LEASE,
) -> tuple[BackgroundScheduler, Claimer]:
    """Start a background scheduler for ``ctx``: the claimer (now, then at due times and every
    ``interval`` seconds) and every registered job."""
    scheduler = BackgroundScheduler(
        timezone=UTC, executors={"default": ThreadPoolExecutor(4), "claimer": ThreadPoolExecutor(1)}
    )
    claimer = Claimer(ctx, owner or new_owner(), batch, lease, scheduler=scheduler)
    scheduler.add_job(
        in_job_scope(_CLAIMER, run_claimer),
        "interval",
        seconds=interval,
        args=[claimer],
        id=_CLAIMER,
        executor="claimer",
        next_run_time=datetime.now(UTC),
        coalesce=True,
        max_instances=1,
        misfire_grace_time=None,
    )
    for job in JOBS:
        run = in_job_scope(job.id, job.func)
        scheduler.add_job(
            run, job.trigger, args=[ctx], id=job.id, coalesce=True, max_instances=1, **job.options
        )
    scheduler.start()
    log.info("scheduler %s started (interval %.1fs, batch %d)", claimer.owner, interval, batch)
    return scheduler, claimer


_server_scheduler: BackgroundScheduler | None = None
_server_lock = threading.Lock()


def start_with_server(settings: Settings) -> BackgroundScheduler | None:
    """The scheduler of ``sanxiang up``/``serve``: in this (master) process, once, if
    ``settings.scheduler``; with its own connection pool, so forked workers share nothing with it."""
    global _server_scheduler
    if not settings.scheduler:
        return None
    with _server_lock:
        if _server_scheduler is None:
            from engine.bootstrap import bootstrap

            _server_scheduler, _ = start(bootstrap(settings))
    return _server_scheduler


def run_forever(
    ctx: AppContext,
    *,
    owner: str | None = None,
    interval: float = SAFETY_INTERVAL,
    batch: int = BATCH,
    lease: timedelta = LEASE,
    started: Callable[[Claimer], None] | None = None,
) -> Claimer:
    """``sanxiang scheduler``: run until SIGTERM or SIGINT, then finish the running job and stop."""
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    scheduler, claimer = start(ctx, owner=owner, interval=interval, batch=batch, lease=lease)
    if started is not None:
        started(claimer)
    try:
        stop.wait()
    finally:
        claimer.stopping.set()  # the running batch ends; its unfired rows' leases run out
        scheduler.shutdown(wait=True)
    return claimer
