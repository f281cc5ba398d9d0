"""External tasks (``camunda:type="external"``) wait for a worker that fetches, locks and completes them
over /engine-rest, as in Camunda 7; every step is saved and restored from the database.

Reference: Camunda 7 docs "External Tasks" (user guide: process-engine/external-tasks: fetch and lock,
complete, failure with retries and an incident at 0, BPMN error, extend lock, unlock) and the engine tests
``api/externaltask/ExternalTaskServiceTest`` (``testFetch``, ``testCompleteWithWrongWorkerId``,
``testHandleFailureZeroRetries`` → an incident, ``testUnlock``, ``testExtendLockTime``) and
``ExternalTaskParseTest`` (topic and ``camunda:taskPriority``)."""

from __future__ import annotations

import io
from typing import Any

from engine.app import create_app
from engine.compliance import lint_bpmn
from engine.config import Settings
from engine.kernel.context import AppContext
from tests.conformance.c7.driver import DIAGRAMS, Case, add_users, deployed
from tests.conftest import make_context
from tests.support import MovableClock, auth

WORKER = {"workerId": "credit-worker-1"}


def fetch(client: Any, user: str = "bank", **extra: Any) -> Any:
    body = {
        **WORKER,
        "maxTasks": 10,
        "topics": [{"topicName": "credit-check", "lockDuration": 60_000, "variables": ["amount"]}],
        **extra,
    }
    return client.post("/engine-rest/external-task/fetchAndLock", json=body, headers=auth(user))


def post(client: Any, task_id: str, what: str, body: dict[str, Any], user: str = "bank") -> Any:
    return client.post(f"/engine-rest/external-task/{task_id}/{what}", json=body, headers=auth(user))


def setup(client: Any, ctx: AppContext) -> None:
    add_users(ctx, {"bank": ["integration"], "other": ["handler"]})
    deployed(client, "c7_external_tasks.bpmn")


def test_an_external_task_waits_for_a_worker_who_completes_it(client: Any, ctx: AppContext) -> None:
    setup(client, ctx)
    case = Case(client, "c7_external_tasks", amount=100)
    assert case.waiting() == []  # nobody is offered the external task
    response = fetch(client)
    assert response.status_code == 200, response.get_json()
    (task,) = response.get_json()
    assert task["topicName"] == "credit-check" and task["processInstanceId"] == case.id
    assert task["workerId"] == "credit-worker-1" and task["priority"] == 10
    assert task["variables"] == {"amount": {"type": "Integer", "value": 100, "valueInfo": {}}}
    assert fetch(client).get_json() == []  # locked: not handed out again
    wrong = post(client, task["id"], "complete", {"workerId": "someone-else"})
    assert wrong.status_code == 400 and "locked by worker" in wrong.get_json()["message"]
    done = post(
        client, task["id"], "complete", {**WORKER, "variables": {"score": {"value": 700, "type": "Integer"}}}
    )
    assert done.status_code == 204, done.get_json()
    assert [t["element_id"] for t in case.waiting()] == ["Task_Review"]
    again = post(client, task["id"], "complete", WORKER)
    assert again.status_code == 404
    with ctx.uow(readonly=True) as uow:
        entries = [e.content for e in uow.records.for_case(case.id)]
    completed = [e for e in entries if e.action == "external-task.completed"]
    assert len(completed) == 1 and completed[0].actor == "bank"
    assert completed[0].payload["worker_id"] == "credit-worker-1"
    assert completed[0].payload["path"][0] == "Task_Credit"


def test_a_lock_expires_and_can_be_extended_or_given_up(
    client: Any, ctx: AppContext, clock: MovableClock
) -> None:
    setup(client, ctx)
    Case(client, "c7_external_tasks", amount=1)
    (task,) = fetch(client).get_json()
    assert post(client, task["id"], "extendLock", {**WORKER, "newDuration": 120_000}).status_code == 204
    clock.advance(seconds=90)
    assert fetch(client, workerId="w2").get_json() == []  # still locked (extended)
    clock.advance(seconds=60)
    late = post(client, task["id"], "complete", WORKER)
    assert late.status_code == 400 and "expired" in late.get_json()["message"]
    (again,) = fetch(client, workerId="w2").get_json()
    assert again["id"] == task["id"] and again["workerId"] == "w2"
    assert post(client, task["id"], "unlock", {}).status_code == 204
    (third,) = fetch(client).get_json()
    assert third["id"] == task["id"]


def test_failures_count_down_retries_then_an_incident(
    client: Any, ctx: AppContext, clock: MovableClock
) -> None:
    setup(client, ctx)
    case = Case(client, "c7_external_tasks", amount=1)
    (task,) = fetch(client).get_json()
    failed = {
        **WORKER,
        "errorMessage": "征信系统不可用",
        "errorDetails": "timeout",
        "retries": 1,
        "retryTimeout": 30_000,
    }
    assert post(client, task["id"], "failure", failed).status_code == 204
    assert fetch(client).get_json() == []  # not before the retry timeout
    clock.advance(seconds=31)
    (retry,) = fetch(client).get_json()
    assert retry["retries"] == 1 and retry["errorMessage"] == "征信系统不可用"
    assert post(client, task["id"], "failure", {**failed, "retries": 0}).status_code == 204
    clock.advance(seconds=60)
    assert fetch(client).get_json() == []
    (incident,) = client.get(
        f"/engine-rest/incident?processInstanceId={case.id}", headers=auth("zhou")
    ).get_json()
    assert incident["incidentType"] == "failedExternalTask" and incident["activityId"] == "Task_Credit"
    assert any(f["code"] == "external-task-incident" for f in case.findings())
    assert (
        client.put(
            f"/engine-rest/external-task/{task['id']}/retries", json={"retries": 2}, headers=auth("zhou")
        ).status_code
        == 204
    )
    assert [t["id"] for t in fetch(client).get_json()] == [task["id"]]
    assert not any(f["code"] == "external-task-incident" for f in case.findings())


def test_reading_external_tasks_with_strict_filters(client: Any, ctx: AppContext) -> None:
    setup(client, ctx)
    case = Case(client, "c7_external_tasks", amount=1)
    Case(client, "c7_external_tasks", amount=2)
    listed = client.get("/engine-rest/external-task?topicName=credit-check", headers=auth("bank")).get_json()
    assert len(listed) == 2
    mine = client.get(
        f"/engine-rest/external-task?processInstanceId={case.id}", headers=auth("bank")
    ).get_json()
    assert len(mine) == 1
    count = client.get("/engine-rest/external-task/count?notLocked=true", headers=auth("bank")).get_json()
    assert count == {"count": 2}
    one = client.get(f"/engine-rest/external-task/{mine[0]['id']}", headers=auth("bank")).get_json()
    assert one == mine[0]
    bad = client.get("/engine-rest/external-task?suspended=true", headers=auth("bank"))
    assert bad.status_code == 400 and "suspended" in bad.get_json()["message"]
    refused = client.get("/engine-rest/external-task", headers=auth("other"))
    assert refused.status_code == 403


def at_a_decision(role: str) -> bytes:
    xml = (DIAGRAMS / "c7_external_tasks.bpmn").read_text(encoding="utf-8")
    return xml.replace(
        'camunda:taskPriority="10">',
        'camunda:taskPriority="10"><bpmn:extensionElements><camunda:properties>'
        f'<camunda:property name="sanxiang.role" value="{role}"/>'
        "</camunda:properties></bpmn:extensionElements>",
    ).encode("utf-8")


def test_a_worker_never_does_a_step_a_person_must_do_lint(client: Any) -> None:
    """Three systems: an external task where a legal review, a collective discussion or the decision is
    made is refused at deploy (SX-D180), with the element, its line and what to do instead."""
    for role in ("decision", "legal-review", "coordination"):
        (found,) = [f for f in lint_bpmn(at_a_decision(role), rules="dialect") if f.code == "SX-D180"]
        assert (found.element_id, found.severity.value) == ("Task_Credit", "error")
        assert found.line is not None and "userTask" in found.message_en and "用户任务" in found.message_zh
    assert not [f for f in lint_bpmn(at_a_decision("acceptance"), rules="dialect") if f.code == "SX-D180"]


def test_a_worker_never_does_a_step_a_person_must_do_at_run_time(
    client: Any, ctx: AppContext, monkeypatch: Any
) -> None:
    """The same gate at run time, whatever let the diagram in (a version deployed before the rule): the
    worker's completion is refused and the refusal is on the case's record; the task stays."""
    add_users(ctx, {"bank": ["integration"]})
    monkeypatch.setattr(ctx, "lint", lambda data, name: [])  # as if deployed before SX-D180
    data = {"file0": (io.BytesIO(at_a_decision("decision")), "c7_external_tasks.bpmn")}
    deployed_now = client.post(
        "/api/v1/deployments", data=data, headers=auth("li"), content_type="multipart/form-data"
    )
    assert deployed_now.status_code == 201, deployed_now.get_json()
    case = Case(client, "c7_external_tasks", amount=1)
    (task,) = fetch(client).get_json()
    refused = post(client, task["id"], "complete", WORKER)
    assert refused.status_code == 403 and "person must do" in refused.get_json()["message"]
    with ctx.uow(readonly=True) as uow:
        entries = [e.content for e in uow.records.for_case(case.id)]
        assert uow.external_tasks.get(task["id"]) is not None
    (entry,) = [e for e in entries if e.action.startswith("external-task.complete")]
    assert entry.action == "external-task.complete-refused" and entry.actor == "bank"
    assert entry.payload["code"] == "external-task-needs-person"


def test_a_suspended_or_cancelled_case_hands_out_no_external_task(client: Any, ctx: AppContext) -> None:
    """Camunda 7: a suspended process instance's external tasks are not fetched, and completing one is
    refused; a cancelled case's external tasks are gone."""
    setup(client, ctx)
    case = Case(client, "c7_external_tasks", amount=1)
    (task,) = fetch(client).get_json()
    console = f"/api/v1/console/cases/{case.id}"
    assert client.post(f"{console}/suspend", json={"reason": "核查"}, headers=auth("zhou")).status_code == 200
    refused = post(client, task["id"], "complete", WORKER)
    assert refused.status_code == 409 and "not running" in refused.get_json()["message"]
    assert post(client, task["id"], "unlock", {}).status_code == 204
    assert fetch(client).get_json() == []
    assert client.post(f"{console}/resume", json={"reason": "继续"}, headers=auth("zhou")).status_code == 200
    (again,) = fetch(client).get_json()
    assert client.post(f"{console}/cancel", json={"reason": "终止"}, headers=auth("zhou")).status_code == 200
    assert post(client, again["id"], "complete", WORKER).status_code == 404
    assert client.get("/engine-rest/external-task/count", headers=auth("bank")).get_json() == {"count": 0}


def test_a_case_long_at_an_external_task_is_listed_as_waiting_for_an_external_answer(
    client: Any, ctx: AppContext, clock: MovableClock
) -> None:
    setup(client, ctx)
    case = Case(client, "c7_external_tasks", amount=1)
    clock.advance(days=30)
    (found,) = [f for f in case.findings() if f["code"] == "external-no-answer"]
    assert found["elementId"] == "Task_Credit" and "征信核查" in found["reason_zh"]


def test_an_in_process_handler_of_the_topic_wins_over_workers(
    settings: Settings, clock: MovableClock
) -> None:
    """Sanxiang's choice (docs/camunda-rest.md): a topic with a handler registered in the server runs
    in-process, as before external tasks existed; nothing waits for a worker."""
    seen: list[Any] = []

    def credit_check(call: Any) -> dict[str, Any]:
        seen.append(call.variables["amount"])
        return {"creditScore": 640}

    ctx = make_context(settings, clock, rules="dialect", handlers={"credit-check": credit_check})
    client = create_app(ctx).test_client()
    setup(client, ctx)
    case = Case(client, "c7_external_tasks", amount=5)
    assert seen == [5] and [t["element_id"] for t in case.waiting()] == ["Task_Review"]
    assert client.get("/engine-rest/external-task/count", headers=auth("bank")).get_json() == {"count": 0}
    ctx.database.dispose()
