"""Two server processes (``sanxiang serve``) on one database and one real worker
(``camunda-external-task-client-python3``) that fetches from one and completes through the other; one
server is SIGKILLed mid-run with tasks locked through it, and the worker drops one batch as if it had
crashed: every external task is completed exactly once — the dropped batch after its lock expired,
through the surviving server. On PostgreSQL the servers lock with ``FOR UPDATE SKIP LOCKED``; on SQLite
the same test runs with the writer lock serialising them."""

from __future__ import annotations

import signal
import subprocess
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests
from camunda.client.external_task_client import ExternalTaskClient

from engine.cases.opening import open_case
from engine.config import Settings
from engine.external_tasks.rows import ExternalQuery
from engine.kernel.context import AppContext
from engine.kernel.ports import Actor
from engine.processes.deploy import deploy
from tests.conftest import make_context
from tests.integration.engine_rest_live import staff
from tests.integration.rest_nodes import start_ready, stop
from tests.support import ROOT, MovableClock

DIAGRAM = ROOT / "tests" / "conformance" / "c7" / "diagrams" / "c7_external_tasks.bpmn"
CASES, LOCK_MS, DEADLINE = 30, 2_000, 120.0


def _client(url: str) -> ExternalTaskClient:
    config = {
        "auth_basic": {"username": "bank", "password": "demo-bank"},
        "maxTasks": 4,
        "lockDuration": LOCK_MS,
        "asyncResponseTimeout": 0,
    }
    return ExternalTaskClient("worker-1", f"{url}/engine-rest", config)


def _complete(clients: dict[str, ExternalTaskClient], alive: list[str], task_id: str) -> str:
    """Complete through the first live server: "done", "gone" (404: completed before), "expired"."""
    for url in list(alive):
        try:
            clients[url].complete(task_id, {"creditScore": 700})
            return "done"
        except requests.ConnectionError:
            alive.remove(url)
        except Exception as refused:  # the client raises a bare Exception naming the status
            return "gone" if "received 404" in str(refused) else "expired"
    raise AssertionError("no server left")


@pytest.mark.postgres
def test_two_servers_one_killed_every_external_task_completed_exactly_once(
    settings: Settings, tmp_path: Path
) -> None:
    ctx = make_context(settings, MovableClock(datetime.now(UTC)), rules="dialect")
    staff(ctx, "bank", "征信系统", "integration")
    deploy(ctx, [("c7_external_tasks.bpmn", DIAGRAM.read_bytes())], Actor("li", frozenset({"designer"})))
    cases = [
        open_case(ctx, "c7_external_tasks", {"outcome": "ok"}, Actor("wang")).case.id for _ in range(CASES)
    ]
    servers: list[subprocess.Popen[bytes]] = []
    urls: list[str] = []
    try:
        for name in ("a", "b"):
            process, url = start_ready(settings, tmp_path / f"server-{name}.log")
            servers.append(process)
            urls.append(url)
        outcomes = _run_worker(urls, servers)
    finally:
        for server in servers:
            stop(server)
    _assert_exactly_once(ctx, cases, outcomes)
    ctx.database.dispose()


def _run_worker(urls: list[str], servers: list[object]) -> Counter[str]:
    clients = {url: _client(url) for url in urls}
    alive, outcomes = list(urls), Counter[str]()
    dropped = killed = False
    until = time.monotonic() + DEADLINE
    while outcomes["done"] < CASES and time.monotonic() < until:
        fetch_from = alive[0]
        try:
            tasks = clients[fetch_from].fetch_and_lock("credit-check")
        except requests.ConnectionError:
            alive.remove(fetch_from)
            continue
        if not tasks:
            time.sleep(0.2)  # the dropped batch: its locks run out
            continue
        if not dropped:  # the worker "crashes" with its first batch: nobody completes it now
            dropped = True
            continue
        if not killed and outcomes["done"] >= CASES // 3:
            servers[0].send_signal(signal.SIGKILL)  # type: ignore[attr-defined]
            killed = True
        through = [u for u in alive if u != fetch_from] + [fetch_from]  # the other server first
        for task in tasks:
            outcomes[_complete(clients, through, task["id"])] += 1
        alive[:] = [u for u in alive if u in through]
    assert killed and dropped, outcomes
    return outcomes


def _assert_exactly_once(ctx: AppContext, cases: list[str], outcomes: Counter[str]) -> None:
    with ctx.uow(readonly=True) as uow:
        completed = Counter(
            e.content.case_id
            for case in cases
            for e in uow.records.for_case(case)
            if e.content.action == "external-task.completed"
        )
        waiting = [sorted(t.element_id for t in uow.tasks.for_case(c) if t.status == "ready") for c in cases]
        assert uow.external_tasks.count(ExternalQuery()) == 0
    assert completed == Counter({case: 1 for case in cases}), outcomes
    assert waiting == [["Task_Review"]] * len(cases)
    assert outcomes["done"] == len(cases), outcomes
