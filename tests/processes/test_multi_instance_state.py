"""A multi-instance body in the runner's own machinery, saved and restored around every step: a
supervisor's move out of and into it, a migration to another version while instances wait, the instances'
locals kept out of the case variables, a parse in another worker (the instance's completion reaches its
body however the spec was obtained), and the state staying small."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from engine.runner.parser import ParsedProcess, parse_process
from engine.runner.workflow import Runner, Workflow
from tests.conformance.c7.driver import DIAGRAMS

T0 = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)
RUNNER = Runner()


def _parse(name: str) -> ParsedProcess:
    return parse_process((DIAGRAMS / f"{name}.bpmn").read_bytes())


def _saved(workflow: Workflow, name: str) -> Workflow:
    """Restored against a fresh parse, as another worker would."""
    return RUNNER.restore(_parse(name), workflow.dump())


def _waiting(workflow: Workflow) -> list[tuple[str, Any]]:
    return sorted((t.element.element_id, t.assignee) for t in workflow.ready_tasks())


def _complete(workflow: Workflow, who: str, **data: Any) -> None:
    task = next(t for t in workflow.ready_tasks() if t.assignee == who)
    workflow.complete_task(task.task_id, data, T0)


def test_an_instance_completed_in_another_worker_reaches_its_body() -> None:
    workflow, _ = RUNNER.start(_parse("mi_collection"), {"assigneeList": ["a", "b"]}, T0)
    for user in ("a", "b"):
        workflow = _saved(workflow, "mi_collection")
        _complete(workflow, user, seen=user)
    workflow = _saved(workflow, "mi_collection")
    assert _waiting(workflow) == [("afterSigning", None)]
    assert workflow.variables["seen"] == "b" and "assignee" not in workflow.variables


def test_locals_and_counters_never_become_case_variables() -> None:
    workflow, _ = RUNNER.start(_parse("mi_collection"), {"assigneeList": ["a", "b"], "assignee": "outer"}, T0)
    workflow = _saved(workflow, "mi_collection")
    [first, _second] = workflow.ready_tasks()
    assert (first.data["assignee"], first.data["nrOfInstances"], first.data["loopCounter"]) == ("a", 2, 0)
    variables = workflow.variables
    assert variables["assignee"] == "outer", "an element variable shadows the case variable in its instance"
    counters = {"loopCounter", "nrOfInstances", "nrOfActiveInstances", "nrOfCompletedInstances"}
    assert not counters & set(variables)
    _complete(workflow, "a", assignee="changed in the instance")
    assert _saved(workflow, "mi_collection").variables["assignee"] == "outer"


def test_a_supervisor_moves_a_case_out_of_a_multi_instance_activity_and_back_into_it() -> None:
    workflow, _ = RUNNER.start(_parse("mi_collection"), {"assigneeList": ["a", "b", "c"]}, T0)
    workflow = _saved(workflow, "mi_collection")
    _complete(workflow, "a")
    workflow = _saved(workflow, "mi_collection")
    workflow.move_to("afterSigning", T0)
    workflow = _saved(workflow, "mi_collection")
    assert _waiting(workflow) == [("afterSigning", None)]
    workflow.move_to("miTasks", T0)
    workflow = _saved(workflow, "mi_collection")
    assert _waiting(workflow) == [("miTasks", "a"), ("miTasks", "b"), ("miTasks", "c")], "a new activation"


def test_a_case_waiting_at_instances_migrates_to_another_version() -> None:
    old = _parse("mi_collection")
    text = (DIAGRAMS / "mi_collection.bpmn").read_text(encoding="utf-8").replace('name="Sign"', 'name="签署"')
    newer = parse_process(text.encode())
    workflow, _ = RUNNER.start(old, {"assigneeList": ["a", "b"]}, T0)
    _complete(workflow, "a")
    moved = RUNNER.rebase(RUNNER.restore(old, workflow.dump()), newer)
    moved = RUNNER.restore(newer, moved.dump())
    assert [(t.element.name, t.assignee) for t in moved.ready_tasks()] == [("签署", "b")]
    _complete(moved, "b")
    assert _waiting(RUNNER.restore(newer, moved.dump())) == [("afterSigning", None)]
