"""Long polls (``fetchAndLock`` with ``asyncResponseTimeout``) against the production server
(``sanxiang serve``: gunicorn, gthread, 8 threads): 50 waiting polls never starve it — other requests are
answered at once —, a poll waits holding no database connection (``engine.external_tasks.bell``), and a
task that appears wakes a waiting poll at once rather than at its timeout."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import requests

from engine.config import Settings
from engine.external_tasks.work import GATE
from engine.kernel.ports import Actor
from engine.processes.deploy import deploy
from tests.conftest import make_context
from tests.integration.engine_rest_live import staff
from tests.integration.rest_nodes import start_ready, stop
from tests.support import ROOT, MovableClock, auth

DIAGRAM = ROOT / "tests" / "conformance" / "c7" / "diagrams" / "c7_external_tasks.bpmn"
POLLS, TIMEOUT_MS = 50, 20_000  # long enough that no waiting poll times out on a loaded machine


@pytest.fixture
def server(settings: Settings, tmp_path: Path) -> Iterator[str]:
    """The URL of a production server on the test's database (on a free port: ``rest_nodes.start_ready``)."""
    ctx = make_context(settings, MovableClock(datetime.now(UTC)), rules="dialect")
    staff(ctx, "bank", "征信系统", "integration")
    deploy(ctx, [("c7_external_tasks.bpmn", DIAGRAM.read_bytes())], Actor("li", frozenset({"designer"})))
    process, url = start_ready(settings, tmp_path / "server.log")
    try:
        yield url
    finally:
        stop(process)
        ctx.database.dispose()


def poll(url: str, answers: list[tuple[float, Any]]) -> None:
    body = {
        "workerId": f"w-{threading.get_ident()}",
        "maxTasks": 1,
        "asyncResponseTimeout": TIMEOUT_MS,
        "topics": [{"topicName": "credit-check", "lockDuration": 60_000}],
    }
    began = time.monotonic()
    response = requests.post(
        f"{url}/engine-rest/external-task/fetchAndLock", json=body, headers=auth("bank"), timeout=30
    )
    answers.append((time.monotonic() - began, response.json()))


def test_fifty_waiting_polls_do_not_starve_the_server_and_a_new_task_wakes_one(server: str) -> None:
    answers: list[tuple[float, Any]] = []
    polls = [threading.Thread(target=poll, args=(server, answers)) for _ in range(POLLS)]
    for thread in polls:
        thread.start()
    settle = time.monotonic() + 30
    while len(answers) < POLLS - GATE.limit and time.monotonic() < settle:  # those over the bound answer []
        time.sleep(0.05)
    assert len(answers) == POLLS - GATE.limit and not any(found for _, found in answers)
    assert requests.get(f"{server}/engine-rest/version", headers=auth("bank"), timeout=5).ok
    assert len(answers) == POLLS - GATE.limit  # answered while the bounded few still wait, not after them
    started = time.monotonic()
    response = requests.post(
        f"{server}/engine-rest/process-definition/key/c7_external_tasks/start",
        json={"variables": {"outcome": {"value": "ok", "type": "String"}}},
        headers=auth("wang"),
        timeout=10,
    )
    assert response.ok, response.text
    while not any(found for _, found in answers) and time.monotonic() - started < TIMEOUT_MS / 1000:
        time.sleep(0.05)
    woken = [(waited, found) for waited, found in answers if found]
    assert len(woken) == 1 and woken[0][1][0]["topicName"] == "credit-check"
    assert woken[0][0] < TIMEOUT_MS / 1000  # woken with the task before its timeout
    for thread in polls:
        thread.join(timeout=TIMEOUT_MS / 1000 + 10)
    assert len(answers) == POLLS
