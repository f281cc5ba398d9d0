"""/engine-rest read side and starts: definitions, instances, tasks, typed variables, visibility."""

from __future__ import annotations

import io
from typing import Any

from tests.support import ROOT, auth

PROCESS = "outdoor_advertising"
FORMS = (
    "acceptance",
    "supplement",
    "material-review",
    "handler-review",
    "legal-review",
    "contest",
    "proposal-revision",
    "coordination",
    "decision",
    "delivery",
    "archive",
)
URL = "/engine-rest"
ACCEPTANCE = {
    "applicantName": {"value": "济南泉城广告传媒有限公司", "type": "String"},
    "applicantType": {"value": "organisation", "type": "String"},
    "applicantId": {"value": "91370102MA3C8G2K1X", "type": "String"},
    "applicantPhone": {"value": "0531-86001234", "type": "String"},
    "applicantAddress": {"value": "济南市历下区泉城路188号", "type": "String"},
    "materialsComplete": {"value": True, "type": "Boolean"},
    "accepted": {"value": True, "type": "Boolean"},
}


def deploy(client: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"deployment-name": PROCESS, "deploy-changed-only": "true"}
    for name in (f"processes/{PROCESS}.bpmn", *(f"forms/{f}.form" for f in FORMS)):
        data[name.split("/")[1]] = (io.BytesIO((ROOT / name).read_bytes()), name.split("/")[1])
    response = client.post(
        f"{URL}/deployment/create", data=data, headers=auth("li"), content_type="multipart/form-data"
    )
    assert response.status_code == 200, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body


def start(client: Any, user: str = "wang", **body: Any) -> dict[str, Any]:
    response = client.post(f"{URL}/process-definition/key/{PROCESS}/start", json=body, headers=auth(user))
    assert response.status_code == 200, response.get_json()
    started: dict[str, Any] = response.get_json()
    return started


def test_definitions_are_listed_by_key_and_latest_version(client: Any) -> None:
    (definition_id,) = deploy(client)["deployedProcessDefinitions"]
    listed = client.get(f"{URL}/process-definition?key={PROCESS}&latestVersion=true", headers=auth("zhao"))
    assert [d["id"] for d in listed.get_json()] == [definition_id]
    assert client.get(f"{URL}/process-definition/count", headers=auth("zhao")).get_json() == {"count": 1}
    one = client.get(f"{URL}/process-definition/{definition_id}", headers=auth("zhao")).get_json()
    assert one["key"] == PROCESS
    missing = client.get(
        f"{URL}/process-definition/{PROCESS}:1:00000000-0000-0000-0000-000000000000", headers=auth("zhao")
    )
    assert missing.status_code == 404 and missing.get_json()["type"] == "InvalidRequestException"


def test_starting_converts_typed_variables_both_ways(client: Any) -> None:
    (definition_id,) = deploy(client)["deployedProcessDefinitions"]
    variables = {
        "received": {"value": "2026-11-27T09:30:00.000+0800", "type": "Date"},
        "area": {"value": 12.5, "type": "Double"},
        "fee": {"value": 3000000000, "type": "Long"},
        "site": {"value": '{"road": "泉城路"}', "type": "Json"},
        "note": {"value": None, "type": "Null"},
        "urgent": {"value": "true", "type": "Boolean"},
    }
    body = {"businessKey": "HW-1", "variables": variables, "withVariablesInReturn": True}
    response = client.post(f"{URL}/process-definition/{definition_id}/start", headers=auth("wang"), json=body)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["definitionId"] == definition_id and body["businessKey"] == "HW-1" and body["ended"] is False
    returned = body["variables"]
    assert returned["received"] == {"type": "Date", "value": "2026-11-27T09:30:00.000+0800", "valueInfo": {}}
    assert returned["area"]["type"] == "Double" and returned["fee"]["type"] == "Long"
    assert returned["site"] == {"type": "Json", "value": '{"road": "泉城路"}', "valueInfo": {}}
    assert returned["note"]["type"] == "Null" and returned["urgent"] == {
        "type": "Boolean",
        "value": True,
        "valueInfo": {},
    }


def test_a_wrongly_typed_variable_is_refused_in_camundas_shape(client: Any) -> None:
    deploy(client)
    response = client.post(
        f"{URL}/process-definition/key/{PROCESS}/start",
        headers=auth("wang"),
        json={"variables": {"fee": {"value": "lots", "type": "Integer"}}},
    )
    assert response.status_code == 400
    assert response.get_json()["type"] == "InvalidRequestException"
    assert "Integer" in response.get_json()["message"] and "变量 fee" in response.get_json()["message"]


def test_instances_and_tasks_are_filtered_and_limited_to_what_the_caller_may_see(client: Any) -> None:
    deploy(client)
    first = start(client, businessKey="HW-1")["id"]
    start(client, businessKey="HW-2")
    mine = client.get(f"{URL}/process-instance?businessKey=HW-1", headers=auth("wang")).get_json()
    assert [i["id"] for i in mine] == [first]
    assert client.get(f"{URL}/process-instance/count", headers=auth("zhou")).get_json() == {"count": 2}
    assert client.get(f"{URL}/process-instance", headers=auth("qian")).get_json() == []  # none of qian's yet
    approver = client.get(f"{URL}/process-instance", headers=auth("sun")).get_json()
    assert len(approver) == 2  # approvers (负责人) read every case, as GET /process-instance/{id} lets them
    assert client.get(f"{URL}/task", headers=auth("sun")).get_json() == []
    tasks = client.get(
        f"{URL}/task?processInstanceId={first}&candidateGroup=window-clerk", headers=auth("wang")
    ).get_json()
    (task,) = tasks
    assert task["taskDefinitionKey"] == "Task_Acceptance" and task["formKey"] == (
        "camunda-forms:deployment:acceptance.form"
    )
    assert task["created"] == "2026-11-27T09:00:00.000+0800" and task["followUp"] is None
    queried = client.post(
        f"{URL}/task",
        json={"processDefinitionKey": PROCESS, "taskDefinitionKey": "Task_Acceptance"},
        headers=auth("wang"),
    ).get_json()
    assert len(queried) == 2
    assert client.post(
        f"{URL}/task/count", json={"processInstanceBusinessKey": "HW-2"}, headers=auth("wang")
    ).get_json() == {"count": 1}
    assert client.get(f"{URL}/task/{task['id']}", headers=auth("sun")).status_code == 403
    assert client.get(f"{URL}/task/{task['id']}", headers=auth("zhou")).get_json()["id"] == task["id"]


def test_a_task_completes_with_typed_variables_and_its_form_variables_follow(client: Any) -> None:
    deploy(client)
    channel = {"channel": {"value": "窗口", "type": "String"}}
    case_id = start(client, businessKey="HW-1", variables=channel)["id"]
    (task,) = client.get(f"{URL}/task?processInstanceId={case_id}", headers=auth("wang")).get_json()
    variables = client.get(f"{URL}/task/{task['id']}/form-variables", headers=auth("wang")).get_json()
    assert variables["channel"] == {"type": "String", "value": "窗口", "valueInfo": {}}
    assert (
        client.post(
            f"{URL}/task/{task['id']}/claim", json={"userId": "wang"}, headers=auth("wang")
        ).status_code
        == 204
    )
    assert client.get(f"{URL}/task?assignee=wang", headers=auth("wang")).get_json()[0]["assignee"] == "wang"
    incomplete = client.post(
        f"{URL}/task/{task['id']}/complete",
        headers=auth("wang"),
        json={"variables": {"accepted": {"value": True, "type": "Boolean"}}},
    )
    assert incomplete.status_code == 400 and "applicantName" in incomplete.get_json()["message"]
    done = client.post(
        f"{URL}/task/{task['id']}/submit-form",
        headers=auth("wang"),
        json={"variables": ACCEPTANCE, "withVariablesInReturn": True},
    )
    assert done.status_code == 200 and done.get_json()["materialsComplete"]["value"] is True
    again = client.post(f"{URL}/task/{task['id']}/complete", json={}, headers=auth("wang"))
    assert again.status_code == 409 and again.get_json()["sanxiangCode"] == "task-not-ready"
    (review,) = client.get(f"{URL}/task?processInstanceId={case_id}", headers=auth("zhao")).get_json()
    assert review["taskDefinitionKey"] == "Task_Review"
    instance = client.get(f"{URL}/process-instance/{case_id}", headers=auth("zhao")).get_json()
    assert instance["id"] == case_id and instance["ended"] is False
