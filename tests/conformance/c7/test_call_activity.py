"""Call activities run the called process as a child case of its own, as Camunda 7 does.

Reference: Camunda 7 docs "Call Activity" (calledElement, camunda:calledElementBinding latest / deployment /
version with camunda:calledElementVersion, camunda:in / camunda:out with source, sourceExpression, target,
variables="all", local, camunda:in businessKey) and engine test ``bpmn/callactivity/CallActivityTest``
(testCallSimpleSubProcess: the caller waits in the call activity while the called instance runs and goes on
when it ends; testSubProcessDataInputOutput / testSubProcessWithDataInputOutputExpression: in and out
mappings; testPassAllVariables: variables="all"; testInputBusinessKey /
testCallSimpleSubProcessWithBusinessKey;
testCallLatestVersion…/testCallByVersion: bindings). Every step goes through the API; the cases are saved
and restored between steps."""

from __future__ import annotations

import io
from typing import Any

from engine.deadlines.timers import fire_due_timers
from engine.kernel.context import AppContext
from tests.conformance.c7.driver import DIAGRAMS, Case, deploy, deployed
from tests.integration.pages_driver import log_in
from tests.support import MovableClock, auth


def open_case(client: Any, process: str, business_key: str | None = None, **variables: Any) -> Case:
    case = Case.__new__(Case)
    case.client = client
    body: dict[str, Any] = {"process": process, "variables": variables}
    if business_key:
        body["businessKey"] = business_key
    response = client.post("/api/v1/cases", json=body, headers=auth("wang"))
    assert response.status_code == 201, response.get_json()
    case.id = response.get_json()["id"]
    return case


def child_of(client: Any, case: Case) -> Case:
    [child] = case.view()["children"]
    found = Case.__new__(Case)
    found.client, found.id = client, child["id"]
    return found


def test_the_parent_waits_while_its_child_case_runs_and_the_out_variables_flow_back(
    client: Any, ctx: AppContext
) -> None:
    deployed(client, "c7_call_child.bpmn")
    deployed(client, "c7_call_parent.bpmn")
    parent = open_case(client, "c7_call_parent", "BK-2026-1", decision="准予许可", amount=21)
    parent.done("Task_Decide", "zhao")
    assert parent.waiting() == []  # the parent waits in the call activity: nobody is offered it
    child = child_of(client, parent)
    view = child.view()
    assert view["parent"] == {"id": parent.id, "element_id": "Call_Deliver", "returned": False}
    assert view["business_key"] == "BK-2026-1"  # camunda:in businessKey="${execution.processBusinessKey}"
    assert view["variables"] == {"document": "准予许可", "doubled": 42, "absent": None, "hidden": None}
    assert child.task("Task_Deliver")["name"] == "送达"
    child.done("Task_Deliver", "zhao", receipt="R-1")
    assert child.status == "completed"
    assert [t["element_id"] for t in parent.waiting()] == ["Task_Archive"]
    variables = parent.variables
    assert variables["deliveryReceipt"] == "R-1" and variables["deliveredWhat"] == "准予许可-done"
    assert "receipt" not in variables  # only what camunda:out names comes back
    assert parent.view()["children"][0]["returned"] is True
    with ctx.uow(readonly=True) as uow:
        actions = [e.content.action for e in uow.records.for_case(parent.id)]
        child_actions = [e.content.action for e in uow.records.for_case(child.id)]
    assert actions == ["case.started", "call.started", "task.completed", "call.returned"]  # effects first
    assert child_actions[0] == "case.started" and child_actions[-1] == "case.completed"
    parent.done("Task_Archive", "zhao")
    assert parent.status == "completed"


def test_the_console_case_page_links_the_parent_and_its_children(client: Any) -> None:
    deployed(client, "c7_call_child.bpmn")
    deployed(client, "c7_call_parent.bpmn")
    parent = open_case(client, "c7_call_parent", decision="准予许可", amount=1)
    parent.done("Task_Decide", "zhao")
    child = child_of(client, parent)
    log_in(client, "zhou")
    page = client.get(f"/console/cases/{parent.id}").get_data(as_text=True)
    assert 'id="child-cases"' in page and f"/console/cases/{child.id}" in page and "调用关系" in page
    page = client.get(f"/console/cases/{child.id}").get_data(as_text=True)
    assert 'id="parent-case"' in page and f"/console/cases/{parent.id}" in page and "Call_Deliver" in page


def test_all_variables_pass_both_ways_and_the_version_binding_keeps_its_version(client: Any) -> None:
    deployed(client, "c7_call_child.bpmn")  # version 1
    changed = (
        (DIAGRAMS / "c7_call_child.bpmn").read_bytes().replace("送达".encode(), "送达（第二版）".encode())
    )
    response = client.post(
        "/api/v1/deployments",
        data={"file": (io.BytesIO(changed), "c7_call_child.bpmn")},
        headers=auth("li"),
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.get_json()  # version 2
    deployed(client, "c7_call_all.bpmn")
    parent = open_case(client, "c7_call_all", document="决定书", copies=2)
    pinned = child_of(client, parent)
    assert pinned.view()["process_version"] == 1  # calledElementBinding="version" calledElementVersion="1"
    assert pinned.view()["variables"] == {"document": "决定书", "copies": 2}  # camunda:in variables="all"
    pinned.done("Task_Deliver", "zhao", receipt="R-9")
    assert parent.variables["receipt"] == "R-9"  # camunda:out variables="all"
    latest = [c for c in parent.view()["children"] if not c["returned"]]
    assert len(latest) == 1
    second = Case.__new__(Case)
    second.client, second.id = client, latest[0]["id"]
    assert second.view()["process_version"] == 2  # the default binding: latest
    assert second.view()["variables"] == {}  # no camunda:in: nothing passes
    assert second.task("Task_Deliver")["name"] == "送达（第二版）"
    second.done("Task_Deliver", "zhao")
    assert parent.status == "completed"


def test_an_error_end_event_in_the_child_is_caught_on_the_call_activity(client: Any, ctx: AppContext) -> None:
    # CallActivityTest.testSubProcessEndsWithErrorEndEvent… / BoundaryErrorEventTest
    # .testCatchErrorThrownByCallActivityOnCallActivity: the called instance ends; the boundary catches
    deployed(client, "c7_call_child_error.bpmn")
    deployed(client, "c7_call_parent_error.bpmn")
    parent = open_case(client, "c7_call_parent_error", decision="准予许可", amount=1)
    parent.done("Task_Decide", "zhao")
    child = child_of(client, parent)
    child.done("Task_Deliver", "zhao", refused=True)
    assert child.status == "completed"
    assert [t["element_id"] for t in parent.waiting()] == ["Task_Post"]
    variables = parent.variables
    assert variables["deliveryError"] == "REFUSED" and variables["deliveryMessage"] == "受送达人拒收"
    assert "deliveryReceipt" not in variables  # interrupted: no camunda:out
    with ctx.uow(readonly=True) as uow:
        [returned] = [
            e.content for e in uow.records.for_case(parent.id) if e.content.action == "call.returned"
        ]
    assert returned.payload["errorCode"] == "REFUSED" and returned.payload["path"] == ["Boundary_Refused"]
    parent.done("Task_Post", "zhao")
    parent.done("Task_Archive", "zhao")
    assert parent.status == "completed"


def test_an_error_end_event_nobody_catches_ends_the_child_like_a_none_end(client: Any) -> None:
    # Camunda 7 docs, Error End Event: with no matching boundary the semantics are a none end event's
    deployed(client, "c7_call_child_error.bpmn")
    response = client.post(
        "/api/v1/deployments",
        data={
            "file": (
                io.BytesIO(
                    (DIAGRAMS / "c7_call_parent.bpmn")
                    .read_bytes()
                    .replace(b'"c7_call_child"', b'"c7_call_child_error"')
                ),
                "c7_call_parent.bpmn",
            )
        },
        headers=auth("li"),
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.get_json()
    parent = open_case(client, "c7_call_parent", decision="准予许可", amount=1)
    parent.done("Task_Decide", "zhao")
    child_of(client, parent).done("Task_Deliver", "zhao", refused=True, receipt="none")
    assert [t["element_id"] for t in parent.waiting()] == ["Task_Archive"]
    assert parent.variables["deliveryReceipt"] == "none"


def test_a_call_to_a_process_that_is_not_deployed_is_refused_at_deploy(client: Any) -> None:
    response = deploy(client, "c7_call_parent.bpmn")  # c7_call_child is not deployed
    assert response.status_code == 400, response.get_json()
    [found] = response.get_json()["findings"]
    assert (found["code"], found["element_id"], found["file"]) == (
        "SX-D175",
        "Call_Deliver",
        "c7_call_parent.bpmn",
    )
    assert "c7_call_child" in found["message_en"] and "c7_call_child" in found["message_zh"]
    assert deploy(client, "c7_call_parent.bpmn", "c7_call_child.bpmn").status_code == 201  # one deployment


def test_the_deployment_binding_calls_the_version_deployed_with_the_caller(client: Any) -> None:
    # CallActivityTest.testCallSimpleSubProcessWithDeploymentBinding…: not the later latest version
    bound = (
        (DIAGRAMS / "c7_call_parent.bpmn")
        .read_bytes()
        .replace(
            b'calledElement="c7_call_child"',
            b'calledElement="c7_call_child" camunda:calledElementBinding="deployment"',
        )
    )

    def deploy_files(*files: tuple[str, bytes]) -> Any:
        data = {f"file{i}": (io.BytesIO(body), name) for i, (name, body) in enumerate(files)}
        return client.post(
            "/api/v1/deployments", data=data, headers=auth("li"), content_type="multipart/form-data"
        )

    assert deploy_files(("c7_call_parent.bpmn", bound)).status_code == 400  # SX-D175: not in its deployment
    child = (DIAGRAMS / "c7_call_child.bpmn").read_bytes()
    assert deploy_files(("c7_call_parent.bpmn", bound), ("c7_call_child.bpmn", child)).status_code == 201
    later = child.replace("送达".encode(), "送达（后来的版本）".encode())
    assert deploy_files(("c7_call_child.bpmn", later)).status_code == 201  # version 2, deployed later
    parent = open_case(client, "c7_call_parent", decision="准予许可", amount=1)
    parent.done("Task_Decide", "zhao")
    assert child_of(client, parent).view()["process_version"] == 1


def test_a_call_marked_as_a_legal_step_must_call_a_process_that_does_it(client: Any) -> None:
    # the three systems follow the call: the caller's path counts a call marked legal-review as the review,
    # so the called process must hold a legal review itself (Sanxiang's rule; Camunda 7 has no roles)
    role = (
        b'<camunda:properties><camunda:property name="sanxiang.role" value="legal-review"/>'
        b"</camunda:properties>"
    )
    marked = (
        (DIAGRAMS / "c7_call_parent.bpmn")
        .read_bytes()
        .replace(b"<camunda:in businessKey", role + b"<camunda:in businessKey")
    )
    child = (DIAGRAMS / "c7_call_child.bpmn").read_bytes()
    data = {"a": (io.BytesIO(child), "c7_call_child.bpmn"), "b": (io.BytesIO(marked), "c7_call_parent.bpmn")}
    response = client.post(
        "/api/v1/deployments", data=data, headers=auth("li"), content_type="multipart/form-data"
    )
    assert response.status_code == 400, response.get_json()
    [found] = response.get_json()["findings"]
    assert (found["code"], found["element_id"]) == ("SX-D174", "Call_Deliver")
    assert "legal-review" in found["message_en"] and "c7_call_child" in found["message_en"]


def test_an_interrupted_call_activity_cancels_its_child_case(
    client: Any, ctx: AppContext, clock: MovableClock
) -> None:
    # CallActivityTest.testTimerOnCallActivity…/testInterruptingBoundaryEvent…: an interrupting boundary
    # event on the call activity deletes the called instance; here the child case is cancelled on its record
    deployed(client, "c7_call_child.bpmn")
    deployed(client, "c7_call_parent_timer.bpmn")
    parent = open_case(client, "c7_call_parent_timer", decision="准予许可", amount=1)
    parent.done("Task_Decide", "zhao")
    child = child_of(client, parent)
    clock.advance(days=8)
    assert fire_due_timers(ctx, "node-a").fired == 1
    assert [t["element_id"] for t in parent.waiting()] == ["Task_Announce"]
    assert child.status == "cancelled" and child.waiting() == []
    assert parent.view()["children"][0] == {
        "id": child.id,
        "element_id": "Call_Deliver",
        "process_key": "c7_call_child",
        "status": "cancelled",
        "returned": True,
    }
    with ctx.uow(readonly=True) as uow:
        [cancelled] = [
            e.content for e in uow.records.for_case(child.id) if e.content.action == "case.cancelled"
        ]
    assert cancelled.actor == "system" and cancelled.payload["parentCase"] == parent.id
    parent.done("Task_Announce", "zhao")
    parent.done("Task_Archive", "zhao")
    assert parent.status == "completed"


def test_a_process_calling_itself_at_once_fails_the_step_by_name_and_opens_nothing(
    client: Any, ctx: AppContext
) -> None:
    # Camunda 7 would start instances without end (CallActivityTest has no bound); Sanxiang stops at a depth
    deployed(client, "c7_call_self.bpmn")
    response = client.post("/api/v1/cases", json={"process": "c7_call_self"}, headers=auth("wang"))
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["code"] == "call-depth-exceeded"
    with ctx.uow(readonly=True) as uow:
        assert uow.cases.list(limit=10) == []
