"""A delivery worker killed mid-delivery (SIGKILL) loses no event: after a restart every event
arrives at least once, with its webhook-id, and the outbox ends delivered."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from engine.app import create_app
from engine.config import Settings
from engine.integration.delivery import deliver_due_events
from engine.kernel.context import AppContext
from tests.conftest import make_context
from tests.integration.api_driver import REVIEW_FILES, complete, deploy, open_case
from tests.integration.webhook_receiver import Receiver
from tests.support import ROOT, MovableClock, auth

LEASE_SECONDS = 60


@pytest.fixture
def wall_clock() -> MovableClock:
    """Starts at the real time: the worker in the subprocess reads the system clock."""
    return MovableClock(datetime.now(UTC) - timedelta(seconds=1))


@pytest.fixture
def webhook_ctx(settings: Settings, wall_clock: MovableClock) -> Iterator[AppContext]:
    tuned = settings.with_(webhook_allow=("127.0.0.0/8",), webhook_lease_seconds=LEASE_SECONDS)
    context = make_context(tuned, wall_clock, rules="dialect")
    yield context
    context.database.dispose()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    running = Receiver().start()
    yield running
    running.release.set()
    running.stop()


def _worker(settings: Settings) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "SANXIANG_DATABASE_URL": settings.database_url,
        "SANXIANG_VAR_DIR": str(settings.var_dir),
        "SANXIANG_WEBHOOK_ALLOW": "127.0.0.0/8",
        "SANXIANG_WEBHOOK_LEASE_SECONDS": str(LEASE_SECONDS),
    }
    command = [sys.executable, "-m", "engine", "webhooks", "deliver", "--loop", "--interval", "0.2"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _outbox(ctx: AppContext) -> list[Any]:
    with ctx.uow(readonly=True) as uow:
        return list(uow.outbox.events(limit=500))


def _fifteen_events(ctx: AppContext, receiver: Receiver) -> None:
    api = create_app(ctx).test_client()
    assert deploy(api, *REVIEW_FILES).status_code == 201
    made = api.post(
        "/api/v1/webhooks/subscriptions",
        headers=auth("admin"),
        json={"url": receiver.url, "eventTypes": ["*"]},
    ).get_json()
    receiver.secret = made["secret"]
    for _ in range(3):
        case = open_case(api)
        assert complete(api, case["id"], "Task_Apply", "wang", amount=1, major=False).status_code == 200
        assert complete(api, case["id"], "Task_Approve", "sun", amount=1).status_code == 200


def test_a_worker_killed_mid_delivery_loses_no_event(
    webhook_ctx: AppContext, receiver: Receiver, wall_clock: MovableClock
) -> None:
    _fifteen_events(webhook_ctx, receiver)
    receiver.hold_request = 4  # the worker sends 3, then hangs on the 4th …
    worker = _worker(webhook_ctx.settings)
    try:
        assert receiver.holding.wait(timeout=120), worker.stderr.read() if worker.stderr else ""
        held = receiver.deliveries[3].webhook_id
        in_flight = {r.id: r for r in _outbox(webhook_ctx)}[held]
        assert in_flight.status == "pending" and in_flight.lease_owner is not None
        worker.send_signal(signal.SIGKILL)  # … and is killed in the middle of it
        assert worker.wait(timeout=60) == -signal.SIGKILL
    finally:
        if worker.poll() is None:
            worker.kill()
        receiver.release.set()
    assert sum(r.status == "delivered" for r in _outbox(webhook_ctx)) == 3

    wall_clock.now = datetime.now(UTC) + timedelta(seconds=LEASE_SECONDS + 1)  # the dead worker's leases end
    report = deliver_due_events(webhook_ctx, "node-restarted", limit=100)
    assert report.delivered == 12 and report.retrying == report.dead == 0

    rows = _outbox(webhook_ctx)
    assert len(rows) == 15 and {r.status for r in rows} == {"delivered"}
    seen = receiver.ids()
    assert set(seen) == {r.id for r in rows}  # none lost
    assert seen[held] == 2  # at least once: the held one went twice …
    assert all(count == 1 for webhook_id, count in seen.items() if webhook_id != held)
    assert all(d.signature_ok for d in receiver.deliveries)
    first_seen: dict[str, list[int]] = {}
    for delivery in receiver.deliveries:
        sequences = first_seen.setdefault(str(delivery.case_id), [])
        if delivery.sequence not in sequences:
            sequences.append(delivery.sequence)
    assert all(sequences == sorted(sequences) for sequences in first_seen.values())  # … and in order
