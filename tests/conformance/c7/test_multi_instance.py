"""Multi-instance user tasks run as Camunda 7 runs them: parallel, sequential, loopCardinality, collection
with element variable. Each test cites the Camunda 7 engine test (``MultiInstanceTest``, its .bpmn
resources under engine/src/test/resources/org/camunda/bpm/engine/test/bpmn/multiinstance/) or the
documentation page (docs.camunda.org/manual/latest/reference/bpmn20/tasks/task-markers/) it follows.
Every step goes through the JSON API: the case is restored from the database and saved again."""

from __future__ import annotations

from typing import Any

import pytest

from engine.deadlines.timers import fire_due_timers
from engine.kernel.context import AppContext
from tests.conformance.c7.driver import Diagram, add_users
from tests.support import MovableClock

KERMITS = {f"kermit_{i}": () for i in range(10)}
MUPPETS = {name: () for name in ("kermit", "gonzo", "mispiggy", "fozzie", "bubba")}
HANDLERS = {"zhao": ("handler",), "feng": ("handler",), "ma": ("handler",), "niu": ("handler",)}
LOCALS = ("loopCounter", "nrOfInstances", "nrOfActiveInstances", "nrOfCompletedInstances")


@pytest.fixture
def api(client: Any, ctx: AppContext) -> Any:
    add_users(ctx, {**KERMITS, **MUPPETS, **HANDLERS})
    return client


def test_parallel_instances_are_created_at_once_and_the_activity_ends_when_all_completed(api: Any) -> None:
    # MultiInstanceTest.testParallelUserTasks (MultiInstanceTest.testParallelUserTasks.bpmn20.xml):
    # loopCardinality ${5-2} gives three tasks at once, named "My Task ${loopCounter}" and assigned
    # kermit_${loopCounter}; after the third completion the process has ended.
    diagram = Diagram(api, "mi_parallel")
    case_id = diagram.start()
    assert diagram.assignees(case_id) == ["kermit_0", "kermit_1", "kermit_2"]
    assert sorted(t["name"] for t in diagram.ready(case_id)) == ["My Task 0", "My Task 1", "My Task 2"]
    diagram.sign(case_id, "kermit_1")
    assert diagram.assignees(case_id) == ["kermit_0", "kermit_2"]
    diagram.sign(case_id, "kermit_0")
    assert diagram.assignees(case_id) == ["kermit_2"]
    diagram.sign(case_id, "kermit_2")
    case = diagram.case(case_id)
    assert case["status"] == "completed"
    assert not set(LOCALS) & set(case["variables"]), "the body's and instances' variables end with them"


def test_sequential_instances_come_one_after_another(api: Any) -> None:
    # MultiInstanceTest.testSequentialUserTasks (sequentialUserTasks.bpmn20.xml): nrOfLoops=3, one task at a
    # time assigned kermit_0, kermit_1, kermit_2, then the process ends.
    diagram = Diagram(api, "mi_sequential")
    case_id = diagram.start(nrOfLoops=3)
    for i in range(3):
        assert diagram.assignees(case_id) == [f"kermit_{i}"]
        diagram.sign(case_id, f"kermit_{i}")
    assert diagram.case(case_id)["status"] == "completed"


def test_a_sequential_completion_condition_stops_before_the_cardinality(api: Any) -> None:
    # MultiInstanceTest.testSequentialUserTasksCompletionCondition: nrOfLoops=10, but
    # ${nrOfCompletedInstances == 5} ends the activity after five completions.
    diagram = Diagram(api, "mi_sequential")
    case_id = diagram.start(nrOfLoops=10)
    for i in range(5):
        diagram.sign(case_id, f"kermit_{i}")
    assert diagram.ready(case_id) == []
    assert diagram.case(case_id)["status"] == "completed"


def test_an_interrupting_boundary_timer_ends_every_instance(
    api: Any, ctx: AppContext, clock: MovableClock
) -> None:
    # MultiInstanceTest.testSequentialUserTasksWithTimer: one task completed, the PT2H timer on the body
    # fires,
    # the next instance is gone and taskAfterTimer waits (docs, Task Markers: "all instances that are still
    # active will be destroyed"). What the completed instance set stays a process variable.
    diagram = Diagram(api, "mi_sequential")
    case_id = diagram.start(nrOfLoops=3)
    diagram.sign(case_id, "kermit_0", note="signed before the timer")
    clock.advance(hours=3)
    assert fire_due_timers(ctx, "scheduler").fired == 1
    assert [t["element_id"] for t in diagram.ready(case_id)] == ["taskAfterTimer"]
    assert [t["assignee"] for t in diagram.tasks(case_id, "cancelled")] == ["kermit_1"]
    assert diagram.case(case_id)["variables"]["note"] == "signed before the timer"


@pytest.mark.parametrize("count", [2, "2", 2.9])
def test_loop_cardinality_is_a_number_or_numeric_text(api: Any, count: Any) -> None:
    # MultiInstanceActivityBehavior.resolveLoopCardinality: a Number's intValue() or Integer.parseInt of a
    # String (docs, Task Markers: "an expression that resolves to a positive number").
    diagram = Diagram(api, "mi_cardinality_expression")
    case_id = diagram.start(count=count)
    assert [t["element_id"] for t in diagram.ready(case_id)] == ["miTasks", "miTasks"]


def test_a_literal_loop_cardinality(api: Any) -> None:
    # docs, Task Markers: <loopCardinality>5</loopCardinality>; MultiInstanceVariablesTest (cardinality "2").
    diagram = Diagram(api, "mi_cardinality_number")
    case_id = diagram.start()
    tasks = diagram.ready(case_id)
    assert len(tasks) == 2 and {t["candidate_groups"][0] for t in tasks} == {"handler"}
    assert diagram.complete(tasks[0], "zhao").status_code == 200
    assert diagram.complete(tasks[1], "feng").status_code == 200
    assert diagram.case(case_id)["status"] == "completed"


def test_no_instance_at_all_leaves_the_activity_at_once(api: Any) -> None:
    # MultiInstanceActivityBehavior.execute: nrOfInstances == 0 -> leave(execution)
    # (MultiInstanceTest.testEmptyCollectionInMI for an empty collection).
    diagram = Diagram(api, "mi_cardinality_expression")
    case_id = diagram.start(count=0)
    assert [t["element_id"] for t in diagram.ready(case_id)] == ["afterSigning"]


@pytest.mark.parametrize("count", [-1, "two", True, None])
def test_a_loop_cardinality_that_is_no_count_fails_the_step(api: Any, count: Any) -> None:
    # MultiInstanceActivityBehavior: a negative number -> invalidAmountException; anything but a Number or a
    # numeric String -> expressionNotANumberException. The step fails and nothing is saved.
    diagram = Diagram(api, "mi_cardinality_expression")
    response = diagram.open(count=count)
    assert response.status_code >= 400
    problem = response.get_json()
    assert problem["code"] == "multi-instance-failed" and problem["detail_zh"] and problem["detail_en"]


def test_a_parallel_body_creates_at_most_the_step_budget_of_instances(api: Any) -> None:
    # Not Camunda 7's: every instance of a parallel body is created in one step, which the step budget
    # (SANXIANG_BUDGET_STEP_TASKS, docs/designers.md "Budgets") bounds; over it the step fails by name.
    diagram = Diagram(api, "mi_cardinality_expression")
    assert len(diagram.ready(diagram.start(count=100))) == 100
    problem = diagram.open(count=101).get_json()
    assert problem["code"] == "budget-exceeded"


def test_a_collection_expression_gives_each_instance_its_element(api: Any) -> None:
    # docs, Task Markers: camunda:collection="${assigneeList}" camunda:elementVariable="assignee" with
    # camunda:assignee="${assignee}"; MultiInstanceTest.testParallelUserTasksBasedOnCollectionExpression.
    diagram = Diagram(api, "mi_collection")
    case_id = diagram.start(assigneeList=["kermit", "gonzo", "fozzie"])
    assert diagram.assignees(case_id) == ["fozzie", "gonzo", "kermit"]
    for user in ("gonzo", "kermit", "fozzie"):
        diagram.sign(case_id, user)
    assert [t["element_id"] for t in diagram.ready(case_id)] == ["afterSigning"]
    variables = diagram.case(case_id)["variables"]
    assert "assignee" not in variables, "the element variable is local to its instance"
    assert variables["assigneeList"] == ["kermit", "gonzo", "fozzie"]


def test_a_collection_variable_name_and_a_sequential_body(api: Any) -> None:
    # MultiInstanceTest.testParallelUserTasksCustomExtensions: camunda:collection="assigneeList" names the
    # variable; sequential: each assignee in list order.
    diagram = Diagram(api, "mi_collection_variable")
    case_id = diagram.start(assigneeList=["kermit", "gonzo", "fozzie"])
    for user in ("kermit", "gonzo", "fozzie"):
        assert diagram.assignees(case_id) == [user]
        diagram.sign(case_id, user)
    assert diagram.case(case_id)["status"] == "completed"


def test_loop_data_input_ref_and_input_data_item(api: Any) -> None:
    # MultiInstanceTest.testParallelUserTasksBasedOnCollection: five assignees from loopDataInputRef, the
    # inputDataItem names the element; completing three triggers
    # ${nrOfCompletedInstances/nrOfInstances >= 0.6}.
    diagram = Diagram(api, "mi_loop_data_input")
    case_id = diagram.start(assigneeList=list(MUPPETS))
    assert diagram.assignees(case_id) == sorted(MUPPETS)
    for user in ("bubba", "fozzie", "gonzo"):
        assert diagram.case(case_id)["status"] == "running"
        diagram.sign(case_id, user)
    assert diagram.ready(case_id) == []
    assert diagram.case(case_id)["status"] == "completed"


def test_an_empty_collection_leaves_the_activity_at_once(api: Any) -> None:
    # MultiInstanceTest.testEmptyCollectionInMI: no task, the process goes on.
    diagram = Diagram(api, "mi_collection")
    case_id = diagram.start(assigneeList=[])
    assert [t["element_id"] for t in diagram.ready(case_id)] == ["afterSigning"]


@pytest.mark.parametrize("value", ["kermit", {"a": 1}, 3])
def test_a_collection_that_is_no_list_fails_the_step(api: Any, value: Any) -> None:
    # MultiInstanceActivityBehavior.resolveNrOfInstances: not a Collection -> unresolvableExpressionException
    # (an expression) or invalidVariableTypeException (a variable).
    for name in ("mi_collection", "mi_collection_variable"):
        response = Diagram(api, name).open(assigneeList=value)
        assert response.status_code >= 400 and response.get_json()["code"] == "multi-instance-failed"
