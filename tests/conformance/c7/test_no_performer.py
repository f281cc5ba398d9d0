"""A user task nobody can be offered: a lint warning at deploy, "no performer / 无人可办" in the console.

Camunda 7 creates such a task and waits (docs "User Task" → "User Assignment": without assignee or
candidates only an administrator's API call finds it); Sanxiang warns when the diagram names nobody
(SX-D142), lists a task that resolved to nobody — or only to people and groups no active user matches — in
the supervisor console at once, and lets the supervisor assign it to anyone, with a reason on the record."""

from __future__ import annotations

from typing import Any

from tests.conformance.c7.driver import Case, deploy
from tests.support import auth


def no_performer(case: Case) -> list[dict[str, Any]]:
    return [f for f in case.findings() if f["code"] == "task-no-performer"]


def reassign(client: Any, task_id: str, to: str) -> Any:
    body = {"assignee": to, "reason": "无人可办，指派"}
    return client.post(f"/api/v1/console/tasks/{task_id}/reassign", json=body, headers=auth("zhou"))


def test_the_diagram_deploys_with_a_warning_naming_the_task(client: Any) -> None:
    response = deploy(client, "c7_no_performer.bpmn")
    assert response.status_code == 201
    [item] = response.get_json()["items"]
    assert [(w["code"], w["element_id"], w["severity"]) for w in item["warnings"]] == [
        ("SX-D142", "Task_Nobody", "warning")
    ]


def test_the_console_lists_it_and_the_supervisor_assigns_it(client: Any) -> None:
    deploy(client, "c7_no_performer.bpmn")
    case = Case(client, "c7_no_performer", group="ghost-office")
    [finding] = no_performer(case)
    assert finding["elementId"] == "Task_Nobody" and finding["status"] == "stuck"
    assert "无人可办" in finding["reason_zh"] and "no performer" in finding["reason_en"]
    task = case.task("Task_Nobody")
    assert case.complete("Task_Nobody", "zhao").status_code == 403  # nobody may take it …
    assert reassign(client, task["id"], "zhao").status_code == 200  # … until it is assigned
    assert no_performer(case) == []
    case.done("Task_Nobody", "zhao")


def test_candidates_no_active_user_matches_are_no_performer_either(client: Any) -> None:
    deploy(client, "c7_no_performer.bpmn")
    case = Case(client, "c7_no_performer", group="ghost-office")
    reassign(client, case.task("Task_Nobody")["id"], "zhao")
    case.done("Task_Nobody", "zhao")
    [finding] = no_performer(case)
    assert finding["elementId"] == "Task_Ghost" and "candidate group ghost-office" in finding["reason_en"]
    assert reassign(client, case.task("Task_Ghost")["id"], "sun").status_code == 200
    case.done("Task_Ghost", "sun")
    assert case.status == "completed"


def test_a_task_whose_group_has_members_is_not_listed(client: Any) -> None:
    deploy(client, "c7_no_performer.bpmn")
    case = Case(client, "c7_no_performer", group="handler")
    reassign(client, case.task("Task_Nobody")["id"], "zhao")
    case.done("Task_Nobody", "zhao")
    assert no_performer(case) == []
    assert reassign(client, case.task("Task_Ghost")["id"], "sun").status_code == 403  # sun is no handler
