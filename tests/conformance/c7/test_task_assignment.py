"""User-task assignment by expression, and ``camunda:initiator``, as Camunda 7 resolves them.

Reference: Camunda 7 docs "User Task" → "User Assignment"; engine tests
``bpmn/usertask/TaskAssignmentExtensionsTest`` (assignee, candidateUsers, candidateGroups extensions,
literal lists), ``bpmn/usertask/InitiatorTest`` (the initiator variable holds the starting user) and
``TaskDecorator.initializeTaskCandidateUsers`` (an expression may give a comma-separated text or a
collection; anything else fails)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conformance.c7.driver import Case, deployed
from tests.support import auth

STEPS = {
    "reviewers": "qian, sun",
    "group": "handler",
    "others": ["zhao", "wang"],
    "extraGroup": "legal-reviewer",
}


@pytest.fixture
def case(client: Any) -> Case:
    deployed(client, "c7_assignment.bpmn")
    return Case(client, "c7_assignment", user="zhao", **STEPS)


def test_the_initiator_variable_holds_the_starting_user_and_an_assignee_expression_uses_it(
    case: Case,
) -> None:
    assert case.variables["starter"] == "zhao"
    task = case.task("Task_Own")
    assert (task["assignee"], task["candidate_users"], task["candidate_groups"]) == ("zhao", [], [])


def test_only_the_resolved_assignee_may_work_on_the_task(case: Case, client: Any) -> None:
    assert case.complete("Task_Own", "wang").status_code == 403
    inbox = client.get("/api/v1/tasks?scope=mine", headers=auth("zhao")).get_json()
    assert [t["element_id"] for t in inbox] == ["Task_Own"]


def test_candidate_users_from_comma_separated_text(case: Case) -> None:
    case.done("Task_Own", "zhao")
    assert case.task("Task_Reviewers")["candidate_users"] == ["qian", "sun"]
    assert case.complete("Task_Reviewers", "wang").status_code == 403
    case.done("Task_Reviewers", "sun")


def test_candidate_groups_from_an_expression_and_mixed_literal_and_expression_entries(case: Case) -> None:
    case.done("Task_Own", "zhao")
    case.done("Task_Reviewers", "qian")
    assert case.task("Task_Group")["candidate_groups"] == ["handler"]
    case.done("Task_Group", "zhao")
    mixed = case.task("Task_Mixed")
    assert mixed["candidate_users"] == ["zhao", "wang"]  # a list variable
    assert mixed["candidate_groups"] == ["approver", "legal-reviewer"]  # "approver, ${extraGroup}"
    case.done("Task_Mixed", "qian")
    assert case.task("Task_Literal")["candidate_users"] == ["wang", "zhao"]
    case.done("Task_Literal", "wang")
    assert case.status == "completed"


def test_the_assignment_is_fixed_when_the_task_is_created(case: Case, client: Any) -> None:
    """Camunda 7 decorates a task once, at creation: later changes of the variables do not move it."""
    case.done("Task_Own", "zhao", group="approver")  # changed after Task_Group's expression was written,
    case.done("Task_Reviewers", "qian")  # but before Task_Group exists: it sees the new value
    assert case.task("Task_Group")["candidate_groups"] == ["approver"]
    case.done("Task_Group", "sun", extraGroup="window-clerk")
    assert case.task("Task_Mixed")["candidate_groups"] == ["approver", "window-clerk"]


@pytest.mark.parametrize(
    ("variables", "reason"),
    [
        ({"reviewers": None}, "must give text or a list of texts, got NoneType"),
        ({"reviewers": 7}, "must give text or a list of texts, got int 7"),
        ({"reviewers": ["qian", 3]}, "must give text or a list of texts"),
    ],
)
def test_a_candidate_expression_that_does_not_resolve_fails_the_step_with_its_reason(
    client: Any, variables: dict[str, Any], reason: str
) -> None:
    deployed(client, "c7_assignment.bpmn")
    case = Case(client, "c7_assignment", user="zhao", **{**STEPS, **variables})
    response = case.complete("Task_Own", "zhao")
    assert response.status_code == 422, response.get_json()
    problem = response.get_json()
    assert "camunda:candidateUsers '${reviewers}'" in problem["detail_en"] and reason in problem["detail_en"]
    assert [t["element_id"] for t in case.waiting()] == ["Task_Own"]  # nothing moved
    [failed] = [f for f in case.findings() if f["code"] == "step-failed"]  # the console says why
    assert failed["elementId"] == "Task_Reviewers" and reason in failed["reason_en"]


def test_an_unknown_variable_in_an_assignee_fails_the_start_with_the_reason(client: Any) -> None:
    deployed(client, "c7_assignment.bpmn")
    response = client.post(
        "/api/v1/cases", json={"process": "c7_assignment", "variables": {}}, headers=auth("zhao")
    )
    assert response.status_code == 201  # the first task's assignee is ${starter}: always set
    case_id = response.get_json()["id"]
    task = next(t for t in client.get(f"/api/v1/cases/{case_id}", headers=auth("zhou")).get_json()["tasks"])
    failing = client.post(
        f"/api/v1/tasks/{task['id']}/complete", json={"variables": {}}, headers=auth("zhao")
    )
    assert failing.status_code == 422
    assert "Case variable 'reviewers' does not exist" in failing.get_json()["detail_en"]


def test_bpmn_human_performer_and_potential_owners_with_a_composite_group(client: Any) -> None:
    """Reference: Camunda 7 docs "User Task" → "Human Performer" / "Potential Owner" (``user(…)``,
    ``group(…)``,
    a bare entry is a group); ``BpmnParse.parsePotentialOwnerResourceAssignment``; EL composite text
    (``legal-${role}``: text and an expression joined, JSR-245 §1.2.1.1)."""
    deployed(client, "c7_resource_assignment.bpmn")
    case = Case(client, "c7_resource_assignment", user="zhao", role="reviewer")
    assert case.task("Task_Human")["assignee"] == "zhao"
    case.done("Task_Human", "zhao")
    owners = case.task("Task_Owners")
    assert owners["candidate_users"] == ["sun"]
    assert owners["candidate_groups"] == ["legal-reviewer", "approver"]
    case.done("Task_Owners", "qian")  # qian is a legal reviewer
    assert case.status == "completed"
