"""A diagram cannot freeze or flood the server (issue 13, item 5): every evaluation runs under a budget.

Each attack goes through a real HTTP server: deploy, open a case, complete the step that runs it. A
statically known attack is refused at deploy with its SX code; any other fails its step within the
budget (422 ``budget-exceeded``, the step rolled back, ``step.failed`` on the case's record, the case
listed as failed in the supervisor console), a retry fails the same way, and the server answers
another request meanwhile. Nothing here measures time.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from engine.kernel.context import AppContext
from tests.integration.budget_diagrams import FORM, endless_loop, gateway_condition, script
from tests.integration.live_server import Http, serving
from tests.support import FIXTURES

NESTED = "[[[n] * 1000] * 1000] * k == [[[n] * 1000] * 1000] * k"


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any

    @property
    def code(self) -> str | None:
        return self.body.get("code") if isinstance(self.body, dict) else None


@pytest.fixture
def http(ctx: AppContext) -> Iterator[Http]:
    with serving(ctx) as base:
        yield Http(base)


def get(http: Http, path: str, user: str) -> Answer:
    return Answer(*http.call("GET", path, user))


def post(http: Http, path: str, user: str, body: Any) -> Answer:
    return Answer(*http.call("POST", path, user, body))


def deploy(http: Http, key: str, diagram: bytes, path: str = "/api/v1/deployments") -> Answer:
    return Answer(*http.upload(path, "li", {FORM: (FIXTURES / FORM).read_bytes(), f"{key}.bpmn": diagram}))


def open_case(http: Http, key: str, **variables: Any) -> tuple[str, str]:
    answer = post(http, "/api/v1/cases", "wang", {"process": key, "variables": variables})
    assert answer.status == 201, answer.body
    return answer.body["id"], answer.body["tasks"][0]["id"]


def complete(http: Http, task_id: str, **variables: Any) -> Answer:
    return post(http, f"/api/v1/tasks/{task_id}/complete", "wang", {"variables": variables})


def case(http: Http, case_id: str) -> dict[str, Any]:
    body: dict[str, Any] = get(http, f"/api/v1/cases/{case_id}", "zhou").body
    return body


def failure_records(ctx: AppContext, case_id: str) -> list[dict[str, Any]]:
    with ctx.uow(readonly=True) as uow:
        entries = [e.content for e in uow.records.for_case(case_id)]
    return [dict(entry.payload) for entry in entries if entry.action == "step.failed"]


def assert_failed_within_budget(
    ctx: AppContext, http: Http, case_id: str, task_id: str, answer: Answer, budget: str
) -> None:
    """422 ``budget-exceeded`` naming ``budget``; nothing of the step saved; on the record; in the console."""
    assert answer.status == 422 and answer.code == "budget-exceeded", answer.body
    assert answer.body["details"]["budget"] == budget
    assert "预算" in answer.body["detail_zh"] and "budget" in answer.body["detail_en"]
    after = case(http, case_id)
    assert after["status"] == "running"
    assert [(t["id"], t["status"]) for t in after["tasks"]] == [(task_id, "ready")]  # the step rolled back
    assert [h["action"] for h in after["history"]][-1] == "step.failed"
    [record, *_] = failure_records(ctx, case_id)
    assert record["code"] == "budget-exceeded" and record["source"] == "task"
    [listed] = get(http, f"/api/v1/console?case={case_id}", "zhou").body["findings"]
    assert (listed["status"], listed["code"]) == ("failed", "step-failed")
    assert "预算" in listed["reason_zh"] and "budget" in listed["reason_en"]


def attack_while_serving_another(http: Http, task_id: str, **variables: Any) -> Answer:
    """Complete the task in one thread while another request is made; both are answered."""
    answers: dict[str, Answer] = {}
    start = threading.Barrier(2)

    def attack() -> None:
        start.wait()
        answers["attack"] = complete(http, task_id, **variables)

    thread = threading.Thread(target=attack)
    thread.start()
    start.wait()
    answers["other"] = get(http, "/api/v1/processes", "wang")
    thread.join()
    assert answers["other"].status == 200
    return answers["attack"]


@pytest.mark.parametrize(
    ("condition", "variables", "budget"),
    [
        (NESTED, {"n": 1, "k": 100_000}, "value-size"),  # 10^15 comparisons before
        (
            " and ".join(["big == copy"] * 12),
            {"big": ["x"] * 20_000, "copy": ["x"] * 20_000},
            "operations",
        ),  # each list within its limits
        ("2 ** k > 0", {"k": 99_999_999}, "value-size"),
        ("text * k != ''", {"text": "x" * 1000, "k": 10**9}, "value-size"),
    ],
    ids=["nested-repetition", "repeated-comparison", "huge-power", "string-repetition"],
)
def test_a_condition_over_its_budget_fails_the_step_cleanly_and_again_on_retry(
    ctx: AppContext, http: Http, condition: str, variables: dict[str, Any], budget: str
) -> None:
    assert deploy(http, "condition_attack", gateway_condition("condition_attack", condition)).status == 201
    case_id, task_id = open_case(http, "condition_attack", **variables)
    answer = attack_while_serving_another(http, task_id, amount=1)
    assert_failed_within_budget(ctx, http, case_id, task_id, answer, budget)
    again = complete(http, task_id, amount=1)
    assert (again.status, again.code, again.body["details"]["budget"]) == (422, "budget-exceeded", budget)
    assert len(failure_records(ctx, case_id)) == 2


@pytest.mark.parametrize(
    ("condition", "fragment"),
    [
        ("[[[1] * 1000] * 1000] * 1000 == [[[1] * 1000] * 1000] * 1000", "too large"),
        ("amount > 10 ** 10 ** 10", "too large"),
        ("note == 'x' * 100000 * 100000", "too long"),
    ],
    ids=["nested-repetition", "power-of-a-power", "string-repetition"],
)
def test_a_condition_known_to_fail_is_refused_at_deploy_with_its_code(
    http: Http, condition: str, fragment: str
) -> None:
    answer = deploy(http, "constant_attack", gateway_condition("constant_attack", condition))
    assert answer.status == 400 and answer.code == "invalid-diagram"
    [found] = [f for f in answer.body["findings"] if f["code"] == "SX-D132"]
    assert found["element_id"] == "Flow_Cond" and found["line"] and fragment in found["message_en"]
    assert "常量部分" in found["message_zh"]
    assert get(http, "/api/v1/processes", "wang").body == []


def test_a_script_building_a_huge_list_fails_before_building_it(ctx: AppContext, http: Http) -> None:
    assert deploy(http, "script_list", script("script_list", ["big = [text] * 100000"])).status == 201
    case_id, task_id = open_case(http, "script_list", text="x" * 2000)  # was: a 200 MB case state
    answer = attack_while_serving_another(http, task_id, amount=1)
    assert_failed_within_budget(ctx, http, case_id, task_id, answer, "value-size")


def test_a_script_growing_the_state_past_its_size_saves_nothing(ctx: AppContext, http: Http) -> None:
    lines = ["page = [text] * 9", *(f"copy{i} = page" for i in range(6))]  # each value within its budget
    assert deploy(http, "script_state", script("script_state", lines)).status == 201
    case_id, task_id = open_case(http, "script_state", text="x" * 100_000)
    with ctx.uow(readonly=True) as uow:
        before = uow.cases.get(case_id)
    answer = attack_while_serving_another(http, task_id, amount=1)
    assert_failed_within_budget(ctx, http, case_id, task_id, answer, "state-size")
    assert answer.body["details"]["limit"] == ctx.settings.budget.state_bytes
    with ctx.uow(readonly=True) as uow:
        after = uow.cases.get(case_id)
    assert before is not None and after is not None
    assert (after.version, after.state) == (before.version, before.state)


def test_an_endless_automatic_loop_stops_at_the_steps_budget_instead_of_completing_the_case(
    ctx: AppContext, http: Http
) -> None:
    assert deploy(http, "loop", endless_loop("loop")).status == 201
    case_id, task_id = open_case(http, "loop", turns=0)
    answer = attack_while_serving_another(http, task_id, amount=1)  # was: 200, and the case "completed"
    assert_failed_within_budget(ctx, http, case_id, task_id, answer, "step-tasks")
    assert answer.body["details"]["element_id"] in {"Task_Count", "Gateway_Loop"}


@pytest.mark.parametrize(
    ("source", "fragment"),
    [
        ("[" * 70 + "amount" + "]" * 70 + " != 1", "nests too deeply"),
        ("amount > 1 and " + " and ".join(["amount > 1"] * 200), "longer than 2000 characters"),
    ],
    ids=["deep-nesting", "very-long"],
)
def test_deeply_nested_or_very_long_conditions_are_refused_at_deploy(
    http: Http, source: str, fragment: str
) -> None:
    answer = deploy(http, "shape_attack", gateway_condition("shape_attack", source))
    assert answer.status == 400 and answer.code == "invalid-diagram"
    messages = [f.get("message_en") or f.get("message") or "" for f in answer.body["findings"]]
    assert any(fragment in message for message in messages), answer.body


def test_a_due_date_expression_is_refused_at_deploy_rather_than_silently_ignored(http: Http) -> None:
    due = b'camunda:dueDate="${dateTime().plusDays(999999999).toDate()}" '
    fill = b'id="Task_Fill"'
    diagram = gateway_condition("due_attack", "amount > 1").replace(fill, due + fill)
    answer = deploy(http, "due_attack", diagram)
    assert answer.status == 400 and answer.code == "invalid-diagram"
    # a method call is outside the expression language: refused, never accepted and ignored
    [found] = [f for f in answer.body["findings"] if f["code"] == "SX-D140"]
    assert found["element_id"] == "Task_Fill" and found["line"] and "method calls" in found["message_en"]
