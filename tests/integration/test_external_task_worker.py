"""A real Camunda 7 external-task worker (``camunda-external-task-client-python3`` 4.5.0) against the real
server on a socket: it subscribes to a topic, completes one task, reports failures with retries on
another (an incident after the last), and throws a BPMN error on a third that an error boundary catches.
pycamunda 0.6.1's external-task classes then read, lock, extend, unlock and complete; every response is
validated against Camunda 7.21's OpenAPI document (``engine_rest_live``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pycamunda.deployment
import pycamunda.externaltask
import pycamunda.processdef
import pycamunda.task
import pytest
from camunda.external_task.external_task import ExternalTask, TaskResult
from camunda.external_task.external_task_worker import ExternalTaskWorker

from engine.config import Settings
from engine.external_tasks.rows import ExternalQuery
from tests.integration.engine_rest_live import Live, serving, staff
from tests.support import ROOT, MovableClock

DIAGRAM = ROOT / "tests" / "conformance" / "c7" / "diagrams" / "c7_external_tasks.bpmn"
TOPIC = "credit-check"


@pytest.fixture
def live(settings: Settings, clock: MovableClock) -> Iterator[Live]:
    for found in serving(settings, clock, rules="dialect"):
        staff(found.ctx, "bank", "征信系统", "integration")
        create = pycamunda.deployment.Create(found.url, name="c7_external_tasks", source="pycamunda")
        create.add_resource(("c7_external_tasks.bpmn", DIAGRAM.read_bytes()))
        found.call(create, "li")
        yield found


def start(live: Live, outcome: str) -> str:
    start = pycamunda.processdef.StartInstance(live.url, key="c7_external_tasks", business_key=outcome)
    start.add_variable("outcome", outcome, "String")
    return str(live.call(start, "wang").id_)


def worker(live: Live) -> ExternalTaskWorker:
    config = {
        "auth_basic": {"username": "bank", "password": "demo-bank"},
        "maxTasks": 1,
        "lockDuration": 60_000,
        "asyncResponseTimeout": 0,
        "retries": 2,
        "retryTimeout": 1_000,
        "sleepSeconds": 0,
    }
    return ExternalTaskWorker(worker_id="credit-worker", base_url=live.url, config=config)


def handle(task: ExternalTask) -> TaskResult:
    outcome = task.get_variable("outcome")
    if outcome == "ok":
        return task.complete({"creditScore": 720})
    if outcome == "reject":
        return task.bpmn_error("CREDIT_REJECTED", "征信不通过 / credit rejected", {"reason": "逾期"})
    return task.failure("征信系统不可用 / credit bureau down", "HTTP 503", max_retries=2, retry_timeout=1_000)


def waiting_at(live: Live, case_id: str) -> list[str]:
    with live.ctx.uow(readonly=True) as uow:
        return sorted(t.element_id for t in uow.tasks.for_case(case_id) if t.status == "ready")


def actions(live: Live, case_id: str) -> list[Any]:
    with live.ctx.uow(readonly=True) as uow:
        return [e.content for e in uow.records.for_case(case_id)]


def test_a_real_worker_completes_one_task_and_fails_another_until_an_incident(
    live: Live, clock: MovableClock
) -> None:
    ok, down = start(live, "ok"), start(live, "down")
    runner = worker(live)
    runner.fetch_and_execute(TOPIC, handle)  # the oldest first: the "ok" case
    assert waiting_at(live, ok) == ["Task_Review"]
    (done,) = [e for e in actions(live, ok) if e.action == "external-task.completed"]
    assert (done.actor, done.payload["worker_id"], done.payload["data"]) == (
        "bank",
        "credit-worker",
        {"creditScore": 720},
    )
    runner.fetch_and_execute(TOPIC, handle)  # first failure: retries 2
    clock.advance(seconds=2)
    runner.fetch_and_execute(TOPIC, handle)  # 1 left
    clock.advance(seconds=2)
    runner.fetch_and_execute(TOPIC, handle)  # 0 left: an incident
    clock.advance(seconds=2)
    assert runner.client.fetch_and_lock(TOPIC) == []
    failed = [e.action for e in actions(live, down) if e.action.startswith("external-task.")]
    assert failed == ["external-task.failed", "external-task.failed", "external-task.incident"]
    incidents = live.missing("zhou", "GET", "/incident", params={"processInstanceId": down})
    assert [i["incidentType"] for i in incidents] == ["failedExternalTask"]
    assert incidents[0]["incidentMessage"] == "征信系统不可用 / credit bureau down"


def test_pycamunda_external_task_operations(live: Live) -> None:
    case = start(live, "ok")
    url = live.url
    # pycamunda 0.6.1 asks each task's errorDetails with a bare requests.get, without the client's
    # credentials: that extra request is switched off (and sent below with credentials)
    listing = pycamunda.externaltask.GetList(url, topic_name=TOPIC, request_error_details=False)
    (listed,) = live.call(listing, "bank")
    assert listed.process_instance_id == case
    # pycamunda 0.6.1's Count sends a bare requests.request (no session, no credentials): sent as Missing
    count = live.missing("bank", "GET", "/external-task/count", params={"topicName": TOPIC})
    assert count == {"count": 1}
    assert live.missing("bank", "GET", f"/external-task/{listed.id_}/errorDetails") is None
    fetch = pycamunda.externaltask.FetchAndLock(url, worker_id="py-worker", max_tasks=10)
    fetch.add_topic(name=TOPIC, lock_duration=10_000, variables=["outcome"])
    (locked,) = live.call(fetch, "bank")
    assert locked.variables["outcome"].value == "ok"
    live.call(
        pycamunda.externaltask.ExtendLock(url, id_=locked.id_, new_duration=20_000, worker_id="py-worker"),
        "bank",
    )
    live.call(pycamunda.externaltask.Unlock(url, id_=locked.id_), "bank")
    (again,) = live.call(fetch, "bank")
    one = live.call(pycamunda.externaltask.Get(url, id_=again.id_, request_error_details=False), "bank")
    assert one.worker_id == "py-worker"
    complete = pycamunda.externaltask.Complete(url, id_=again.id_, worker_id="py-worker")
    complete.add_variable("creditScore", 650)
    live.call(complete, "bank")
    assert waiting_at(live, case) == ["Task_Review"]


def test_a_real_worker_throws_a_bpmn_error_that_the_boundary_catches(live: Live) -> None:
    rejected = start(live, "reject")
    worker(live).fetch_and_execute(TOPIC, handle)
    assert waiting_at(live, rejected) == ["Task_Rejected"]
    (thrown,) = [e for e in actions(live, rejected) if e.action == "external-task.bpmn-error"]
    assert (thrown.actor, thrown.payload["worker_id"], thrown.payload["error_code"]) == (
        "bank",
        "credit-worker",
        "CREDIT_REJECTED",
    )
    assert thrown.payload["data"] == {"reason": "逾期"}
    assert "Boundary_Rejected" in thrown.payload["path"]
    with live.ctx.uow(readonly=True) as uow:
        assert uow.external_tasks.query(ExternalQuery(case_id=rejected)) == []


def test_pycamunda_bpmn_error_on_a_user_task(live: Live) -> None:
    """``POST /task/{id}/bpmnError`` (pycamunda 0.6.1 has no class for it: sent as ``Missing``): Camunda's
    ``TaskService.handleBpmnError`` on a person's task — no boundary of Task_Review catches it, so nothing
    changes (409 ``bpmn-error-uncaught``); variables with it are refused by name."""
    case = start(live, "ok")
    worker(live).fetch_and_execute(TOPIC, handle)
    with live.ctx.uow(readonly=True) as uow:  # (GET /task: its formless shape is another story)
        (task_id,) = [t.id for t in uow.tasks.for_case(case) if t.status == "ready"]
    live.call(pycamunda.task.Claim(live.url, id_=task_id, user_id="zhao"), "zhao")
    path = f"/task/{task_id}/bpmnError"
    with pytest.raises(pycamunda.PyCamundaException, match="NO_SUCH"):
        live.missing("zhao", "POST", path, body={"errorCode": "NO_SUCH", "errorMessage": "无"})
    with pytest.raises(pycamunda.BadRequest, match="variables"):
        live.missing("zhao", "POST", path, body={"errorCode": "X", "variables": {"a": {"value": 1}}})
    assert waiting_at(live, case) == ["Task_Review"]
