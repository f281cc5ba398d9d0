"""``camunda:dueDate``, ``camunda:followUpDate`` and ``camunda:priority`` as Camunda 7 sets them.

Reference: Camunda 7 docs "User Task" → "Due Date", "Follow Up Date", "Priority"; engine test
``bpmn/usertask/TaskDueDateExtensionsTest`` (a Date variable, an ISO date string, a period ``P2DT2H30M``
from the task's creation); ``TaskDecorator.initializeTaskPriority`` (a number or a numeric string, else
an error); ``DueDateBusinessCalendar`` (periods start when the task is created). A date-time without a zone
is read in the bureau's zone (Asia/Shanghai), where Camunda 7 would use the server's.

The diagram's dueDate is the diagram's own: the case's legal time limits (working days, with their legal
basis) are computed from the law and shown beside it, never replaced by it
(``docs/camunda7-conformance.md``)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from tests.conformance.c7.driver import Case, deployed
from tests.support import MovableClock, auth

VARIABLES = {"dueDate": "2026-12-03T12:00:00+08:00", "followUp": "P1D", "urgency": "30"}


@pytest.fixture
def case(client: Any) -> Case:
    deployed(client, "c7_task_dates.bpmn")
    return Case(client, "c7_task_dates", **VARIABLES)


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_a_period_counts_from_the_creation_of_the_task(case: Case, clock: MovableClock) -> None:
    task = case.task("Task_Period")
    assert moment(task["due_at"]) == clock.now + timedelta(days=2)
    assert moment(task["follow_up_at"]) == clock.now + timedelta(hours=4)
    assert task["priority"] == 80


def test_expressions_give_a_date_a_period_and_a_numeric_string(case: Case, clock: MovableClock) -> None:
    clock.advance(hours=3)
    case.done("Task_Period", "wang")
    task = case.task("Task_Variables")
    assert moment(task["due_at"]) == datetime(2026, 12, 3, 4, 0, tzinfo=UTC)
    assert moment(task["follow_up_at"]) == clock.now + timedelta(days=1)  # from this task's creation
    assert task["priority"] == 30


def test_a_date_without_a_zone_is_read_in_the_bureau_zone(case: Case) -> None:
    case.done("Task_Period", "wang")
    case.done("Task_Variables", "zhao")
    task = case.task("Task_Local")
    assert moment(task["due_at"]) == datetime(2026, 12, 10, 9, 0, tzinfo=UTC)  # 17:00 in Shanghai
    assert moment(task["follow_up_at"]) == datetime(2026, 12, 7, 16, 0, tzinfo=UTC)  # 2026-12-08 00:00
    assert task["priority"] == 50  # Camunda's default


def test_the_camunda_rest_task_shows_due_follow_up_and_priority(case: Case, client: Any) -> None:
    task = case.task("Task_Period")
    rest = client.get(f"/engine-rest/task/{task['id']}", headers=auth("wang")).get_json()
    assert rest["priority"] == 80
    assert rest["due"].startswith("2026-11-29T09:00:00.000") and rest["followUp"].startswith(
        "2026-11-27T13:00"
    )


def test_the_legal_time_limit_stays_the_law_s_beside_the_diagram_s_due_date(case: Case, client: Any) -> None:
    """The acceptance notice limit is 5 working days (art. 32, 82) whatever the diagram's P2D says."""
    task = case.task("Task_Period")
    deadlines = client.get(f"/api/v1/cases/{case.id}/deadlines", headers=auth("zhou")).get_json()
    [notice] = [d for d in deadlines if d["kind"] == "acceptance-notice"]
    assert notice["limit_days"] == 5 and "第三十二条" in notice["basis"]
    assert date.fromisoformat(notice["due_on"]) == date(2026, 12, 4)  # Fri 27 Nov + 5 working days
    assert moment(task["due_at"]).date() == date(2026, 11, 29)  # the diagram's own P2D


@pytest.mark.parametrize(
    ("variables", "attribute", "reason"),
    [
        ({"urgency": "high"}, "camunda:priority '${urgency}'", "must give a whole number, got str 'high'"),
        ({"urgency": True}, "camunda:priority '${urgency}'", "must give a whole number, got bool True"),
        ({"dueDate": "next week"}, "camunda:dueDate '${dueDate}'", "ISO 8601 date or a period"),
        ({"dueDate": 3}, "camunda:dueDate '${dueDate}'", "got int 3"),
    ],
)
def test_a_value_that_is_no_date_or_number_fails_the_step_with_its_reason(
    client: Any, variables: dict[str, Any], attribute: str, reason: str
) -> None:
    deployed(client, "c7_task_dates.bpmn")
    case = Case(client, "c7_task_dates", **{**VARIABLES, **variables})
    response = case.complete("Task_Period", "wang")
    assert response.status_code == 422
    assert attribute in response.get_json()["detail_en"] and reason in response.get_json()["detail_en"]
    assert [t["element_id"] for t in case.waiting()] == ["Task_Period"]


def test_a_null_due_date_and_priority_mean_none_and_the_default(client: Any) -> None:
    deployed(client, "c7_task_dates.bpmn")
    case = Case(client, "c7_task_dates", dueDate=None, followUp=None, urgency=None)
    case.done("Task_Period", "wang")
    task = case.task("Task_Variables")
    assert (task["due_at"], task["follow_up_at"], task["priority"]) == (None, None, 50)


def test_the_camunda_rest_task_query_filters_and_sorts_by_priority_and_follow_up(client: Any) -> None:
    """Camunda 7 REST ``GET /task``: ``minPriority``, ``maxPriority``, ``priority``, ``followUpBefore``,
    ``sortBy=priority`` (the REST reference's task query); and ``/history/task``'s ``taskPriority``."""
    deployed(client, "c7_task_dates.bpmn")
    urgent = Case(client, "c7_task_dates", **VARIABLES)  # waits at Task_Period: priority 80, follow-up +4h
    later = Case(client, "c7_task_dates", **VARIABLES)
    later.done("Task_Period", "wang")  # waits at Task_Variables: priority 30, follow-up +1 day

    def ids(query: str, path: str = "/engine-rest/task") -> list[str]:
        response = client.get(f"{path}?{query}", headers=auth("zhou"))
        assert response.status_code == 200, response.get_json()
        return [t["id"] for t in response.get_json()]

    first, second = urgent.task("Task_Period")["id"], later.task("Task_Variables")["id"]
    assert ids("minPriority=60") == [first] and ids("maxPriority=60") == [second]
    assert ids("priority=30") == [second]
    assert ids("followUpBefore=2026-11-27T20:00:00.000%2B0800") == [first]
    assert ids("sortBy=priority&sortOrder=desc") == [first, second]
    assert set(ids("taskPriority=80", "/engine-rest/history/task")) == {first, later.view()["tasks"][0]["id"]}
