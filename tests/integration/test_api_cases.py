"""Cases and tasks through the JSON API, against a real database."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.api_driver import REVIEW_FILES, complete, deploy, open_case, waiting
from tests.support import auth


@pytest.fixture
def deployed(client: Any) -> Any:
    response = deploy(client, *REVIEW_FILES)
    assert response.status_code == 201, response.get_json()
    return client


def test_every_api_call_needs_a_token(client: Any) -> None:
    response = client.get("/api/v1/tasks")
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["code"] == "unauthenticated"
    assert client.get("/api/v1/tasks", headers={"Authorization": "Bearer forged"}).status_code == 401


def test_deploying_the_same_files_twice_changes_nothing(deployed: Any) -> None:
    again = deploy(deployed, *REVIEW_FILES).get_json()["items"]
    assert {(i["key"], i["version"], i["created"]) for i in again} == {
        ("c7_review", 1, False),
        ("test-acceptance", 1, False),
        ("test-review", 1, False),
    }


def test_only_designers_may_deploy(client: Any) -> None:
    response = deploy(client, *REVIEW_FILES, user="wang")
    assert response.status_code == 403
    assert response.get_json()["code"] == "deploy-forbidden"


def test_a_diagram_whose_form_is_not_deployed_is_refused(client: Any) -> None:
    response = deploy(client, "c7_review.bpmn")
    assert response.status_code == 400
    body = response.get_json()
    assert "test-acceptance" in body["detail_en"] and "test-acceptance" in body["detail_zh"]


def test_a_case_opens_with_its_first_task_offered_to_the_window(deployed: Any) -> None:
    case = open_case(deployed, applicant="张三")
    assert case["status"] == "running" and case["id"].startswith("2026-")
    [task] = case["tasks"]
    assert (task["element_id"], task["candidate_groups"], task["form_id"]) == (
        "Task_Apply",
        ["window-clerk"],
        "test-acceptance",
    )
    inbox = deployed.get("/api/v1/tasks?scope=groups", headers=auth("wang")).get_json()
    assert [t["id"] for t in inbox] == [task["id"]]
    assert deployed.get("/api/v1/tasks", headers=auth("qian")).get_json() == []


def test_claim_then_only_the_claimant_may_complete(deployed: Any) -> None:
    case = open_case(deployed)
    task_id = case["tasks"][0]["id"]
    claimed = deployed.post(f"/api/v1/tasks/{task_id}/claim", headers=auth("wang")).get_json()
    assert claimed["assignee"] == "wang"
    mine = deployed.get("/api/v1/tasks?scope=mine", headers=auth("wang")).get_json()
    assert [t["id"] for t in mine] == [task_id]
    other = deployed.post(f"/api/v1/tasks/{task_id}/complete", json={"variables": {}}, headers=auth("qian"))
    assert other.status_code == 403
    unclaimed = deployed.post(f"/api/v1/tasks/{task_id}/unclaim", headers=auth("wang")).get_json()
    assert unclaimed["assignee"] is None


def test_major_case_runs_review_then_decision_to_the_end(deployed: Any) -> None:
    case = open_case(deployed)
    assert complete(deployed, case["id"], "Task_Apply", "wang", amount=5000, major=True).status_code == 200
    assert [t["element_id"] for t in waiting(deployed, case["id"])] == ["Task_Review"]
    assert complete(deployed, case["id"], "Task_Review", "qian", result="pass").status_code == 200
    assert complete(deployed, case["id"], "Task_Approve", "sun").status_code == 200
    final = deployed.get(f"/api/v1/cases/{case['id']}", headers=auth("wang")).get_json()
    assert final["status"] == "completed" and final["ended_at"]
    assert final["variables"]["result"] == "pass"
    steps = [h["action"] for h in final["history"] if h["action"].startswith(("case.", "task."))]
    assert steps == ["case.started", "task.completed", "task.completed", "task.completed", "case.completed"]


def test_completing_a_finished_task_is_a_conflict(deployed: Any) -> None:
    case = open_case(deployed)
    task_id = case["tasks"][0]["id"]
    body = {"variables": {"amount": 1, "major": False}}
    assert (
        deployed.post(f"/api/v1/tasks/{task_id}/complete", json=body, headers=auth("wang")).status_code == 200
    )
    again = deployed.post(f"/api/v1/tasks/{task_id}/complete", json=body, headers=auth("wang"))
    assert again.status_code == 409
    assert again.get_json()["code"] == "task-not-ready"


def test_bad_variables_are_refused_with_a_problem_document(deployed: Any) -> None:
    case = open_case(deployed)
    task_id = case["tasks"][0]["id"]
    response = deployed.post(
        f"/api/v1/tasks/{task_id}/complete",
        json={"variables": {"__class__": 1}},
        headers=auth(
            "wang",
        ),
    )
    assert response.status_code == 400
    assert response.get_json()["code"] == "invalid-variables"
    english = deployed.post(
        f"/api/v1/tasks/{task_id}/complete",
        json={"variables": []},
        headers={**auth("wang"), "Accept-Language": "en"},
    )
    assert english.status_code == 400


def test_unknown_process_and_case_are_404(deployed: Any) -> None:
    response = deployed.post("/api/v1/cases", json={"process": "nope"}, headers=auth("wang"))
    assert response.status_code == 404 and response.get_json()["code"] == "process-not-found"
    assert deployed.get("/api/v1/cases/1999-000001", headers=auth("zhou")).status_code == 404


def test_running_cases_stay_on_their_version_after_a_redeploy(deployed: Any, tmp_path: Any) -> None:
    from tests.support import FIXTURES

    case = open_case(deployed)
    changed = (
        (FIXTURES / "c7_review.bpmn").read_text(encoding="utf-8").replace('name="决定"', 'name="作出决定"')
    )
    (tmp_path / "c7_review.bpmn").write_text(changed, encoding="utf-8")
    items = deploy(deployed, "c7_review.bpmn", folder=tmp_path).get_json()["items"]
    assert items[0]["version"] == 2 and items[0]["created"]
    complete(deployed, case["id"], "Task_Apply", "wang", amount=1, major=False)
    [old_task] = waiting(deployed, case["id"])
    assert old_task["name"] == "决定"
    newer = open_case(deployed)
    assert newer["process_version"] == 2
    complete(deployed, newer["id"], "Task_Apply", "wang", amount=1, major=False)
    assert waiting(deployed, newer["id"])[0]["name"] == "作出决定"


def test_openapi_document_is_generated_from_the_code(client: Any) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.1")
    assert "/api/v1/tasks/{task_id}/complete" in spec["paths"]
