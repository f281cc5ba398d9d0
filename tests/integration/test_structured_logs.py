"""One JSON log format (docs/operations.md): every line of a request and of a scheduler job names the
request (or job run), the case and the actor; the request id is the caller's X-Request-Id or a new one,
echoed in the response."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from engine.cases.opening import open_case as open_case_directly
from engine.kernel.context import AppContext
from engine.kernel.ports import Actor
from engine.logs import QUIET, configure_logging
from engine.processes.deploy import deploy as deploy_directly
from engine.scheduler import Claimer, in_job_scope, run_claimer
from tests.integration.api_driver import REVIEW_FILES, deploy, open_case
from tests.support import FIXTURES, MovableClock, auth


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    loggers = [logging.getLogger(name) for name in ("", *QUIET)]
    levels = [logger.level for logger in loggers]
    stream = io.StringIO()
    handler = configure_logging(logging.INFO, stream)
    yield stream
    logging.getLogger().removeHandler(handler)
    for logger, level in zip(loggers, levels, strict=True):
        logger.setLevel(level)


def _lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def test_every_line_of_a_request_names_its_request_case_and_actor(
    client: Any, log_lines: io.StringIO
) -> None:
    assert deploy(client, *REVIEW_FILES).status_code == 201
    case_id = open_case(client, applicant="张三")["id"]
    response = client.get(f"/api/v1/cases/{case_id}", headers={**auth("wang"), "X-Request-Id": "req-42.a"})
    assert response.status_code == 200 and response.headers["X-Request-Id"] == "req-42.a"
    mine = [line for line in _lines(log_lines) if line["request_id"] == "req-42.a"]
    assert mine and all((line["case_id"], line["actor"]) == (case_id, "wang") for line in mine)
    assert {"time", "level", "logger", "message"} <= set(mine[-1])
    assert (mine[-1]["method"], mine[-1]["status"]) == ("GET", 200)


def test_a_request_without_an_id_gets_one_and_the_case_it_opens(client: Any, log_lines: io.StringIO) -> None:
    assert deploy(client, *REVIEW_FILES).status_code == 201
    response = client.post(
        "/api/v1/cases",
        json={"process": "c7_review", "variables": {"applicant": "李四"}},
        headers={**auth("wang"), "X-Request-Id": "bad id with spaces"},
    )
    assert response.status_code == 201, response.get_json()
    given = response.headers["X-Request-Id"]
    assert len(given) == 32 and given != "bad id with spaces"
    lines = [line for line in _lines(log_lines) if line["request_id"] == given]
    assert lines and all(line["actor"] == "wang" for line in lines)
    [access] = [line for line in lines if line["logger"] == "sanxiang.request"]
    assert (access["case_id"], access["actor"], access["path"]) == (
        response.get_json()["id"],
        "wang",
        "/api/v1/cases",
    )


def test_every_line_of_a_scheduler_job_names_its_run_case_and_actor(
    ctx: AppContext, clock: MovableClock, log_lines: io.StringIO
) -> None:
    deploy_directly(
        ctx,
        [("timer_wait.bpmn", (FIXTURES / "timer_wait.bpmn").read_bytes())],
        Actor("li", frozenset({"designer"})),
    )
    due = clock.now + timedelta(hours=1)
    case_id = open_case_directly(
        ctx, "timer_wait", {"dueAt": due.isoformat()}, Actor("wang", frozenset({"window-clerk"}))
    ).case.id
    clock.advance(hours=2)
    claimer = Claimer(ctx, "node-log")
    in_job_scope("test.claimer", run_claimer)(claimer)
    assert claimer.fired == 1
    fired = [line for line in _lines(log_lines) if line["message"].startswith("due moment")]
    assert fired and fired[0]["request_id"].startswith("job-")
    assert (fired[0]["case_id"], fired[0]["actor"]) == (case_id, "system")
    assert all(line["request_id"] == fired[0]["request_id"] for line in _lines(log_lines))
