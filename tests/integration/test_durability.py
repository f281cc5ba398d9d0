"""One transaction per step: concurrent completions, and failures that change nothing."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import text as sql_text
from werkzeug.serving import make_server

from engine.app import create_app
from engine.kernel.context import AppContext
from engine.runner.script_engine import HandlerCall
from tests.conftest import make_context
from tests.integration.api_driver import REVIEW_FILES, complete, deploy, open_case, waiting
from tests.support import auth


@pytest.fixture
def server(ctx: AppContext) -> Iterator[str]:
    httpd = make_server("127.0.0.1", 0, create_app(ctx), threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join()


def _post(url: str, body: dict[str, Any], user: str) -> int:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json", **auth(user)},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def test_twenty_concurrent_completions_of_one_task_give_one_success(client: Any, server: str) -> None:
    deploy(client, *REVIEW_FILES)
    case = open_case(client)
    task_id = case["tasks"][0]["id"]
    barrier = threading.Barrier(20)
    statuses: list[int] = []

    def attempt() -> None:
        barrier.wait()
        statuses.append(
            _post(
                f"{server}/api/v1/tasks/{task_id}/complete",
                {"variables": {"amount": 1, "major": False}},
                "wang",
            )
        )

    threads = [threading.Thread(target=attempt) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200] + [409] * 19
    history = client.get(f"/api/v1/cases/{case['id']}", headers=auth("zhou")).get_json()["history"]
    assert [h["action"] for h in history].count("task.completed") == 1
    assert [t["element_id"] for t in waiting(client, case["id"])] == ["Task_Approve"]


def test_a_completion_that_read_the_task_before_another_committed_is_a_conflict(
    client: Any, ctx: AppContext
) -> None:
    """The race the concurrent test hits now and then: this request read the task row while it still
    waited, and the case's state after the winner committed. The answer is 409, never 404."""
    deploy(client, *REVIEW_FILES)
    case = open_case(client)
    task_id = case["tasks"][0]["id"]
    first = client.post(
        f"/api/v1/tasks/{task_id}/complete",
        json={"variables": {"amount": 1, "major": False}},
        headers=auth("wang"),
    )
    assert first.status_code == 200
    with ctx.database.begin() as conn:  # the row as the slower request saw it
        conn.execute(sql_text("UPDATE tasks SET status = 'ready' WHERE id = :id"), {"id": task_id})
    second = client.post(
        f"/api/v1/tasks/{task_id}/complete",
        json={"variables": {"amount": 1, "major": False}},
        headers=auth("wang"),
    )
    assert (second.status_code, second.get_json()["code"]) == (409, "task-not-ready")


def _explode_when_asked(call: HandlerCall) -> dict[str, Any] | None:
    if call.variables.get("explode"):
        raise RuntimeError("notification gateway down")
    call.ask("notified", who=call.variables.get("note"))
    return {"notified": True}


@pytest.fixture
def faulty_client(settings: Any, clock: Any) -> Iterator[Any]:
    context = make_context(settings, clock, rules="dialect", handlers={"test.notify": _explode_when_asked})
    app = create_app(context)
    yield app.test_client()
    context.database.dispose()


def test_an_exception_mid_step_leaves_the_case_exactly_as_before(faulty_client: Any) -> None:
    client = faulty_client
    assert deploy(client, "c7_service.bpmn", "test-acceptance.form").status_code == 201
    case = open_case(client, process="c7_service")
    before = client.get(f"/api/v1/cases/{case['id']}", headers=auth("zhou")).get_json()
    response = complete(client, case["id"], "Task_A", "wang", explode=True)
    assert response.status_code == 422
    assert response.get_json()["code"] == "handler-failed"
    assert "Task_Notify" in response.get_json()["detail_en"]
    after = client.get(f"/api/v1/cases/{case['id']}", headers=auth("zhou")).get_json()
    failures = [h for h in after["history"] if h["action"] == "step.failed"]
    assert len(failures) == 1 and failures[0]["element"] == "Task_Notify"  # the failing element is on record
    after["history"] = [h for h in after["history"] if h["action"] != "step.failed"]
    assert after == before
    assert complete(client, case["id"], "Task_A", "wang", explode=False, note="ok").status_code == 200
    final = client.get(f"/api/v1/cases/{case['id']}", headers=auth("zhou")).get_json()
    assert [t["element_id"] for t in final["tasks"] if t["status"] == "ready"] == ["Task_B"]
    assert final["variables"]["notified"] is True
