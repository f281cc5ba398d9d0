"""``Workflow.move_to`` (a supervisor's modification) and ``Runner.rebase`` (a migration), saved and
restored around every step: the case then waits where it was moved and runs on from there."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from engine.errors import Conflict, InvalidInput
from engine.runner.parser import parse_process
from engine.runner.workflow import Runner, Workflow
from tests.support import FIXTURES

T0 = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)
RUNNER = Runner()

PARALLEL = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D" targetNamespace="x">
  <bpmn:process id="parallel_checks" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:parallelGateway id="Split"><bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing>
      <bpmn:outgoing>F3</bpmn:outgoing></bpmn:parallelGateway>
    <bpmn:userTask id="Task_A" name="A"><bpmn:incoming>F2</bpmn:incoming><bpmn:outgoing>F4</bpmn:outgoing>
      </bpmn:userTask>
    <bpmn:userTask id="Task_B" name="B"><bpmn:incoming>F3</bpmn:incoming><bpmn:outgoing>F5</bpmn:outgoing>
      </bpmn:userTask>
    <bpmn:parallelGateway id="Join"><bpmn:incoming>F4</bpmn:incoming><bpmn:incoming>F5</bpmn:incoming>
      <bpmn:outgoing>F6</bpmn:outgoing></bpmn:parallelGateway>
    <bpmn:endEvent id="End_1"><bpmn:incoming>F6</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="StartEvent_1" targetRef="Split" />
    <bpmn:sequenceFlow id="F2" sourceRef="Split" targetRef="Task_A" />
    <bpmn:sequenceFlow id="F3" sourceRef="Split" targetRef="Task_B" />
    <bpmn:sequenceFlow id="F4" sourceRef="Task_A" targetRef="Join" />
    <bpmn:sequenceFlow id="F5" sourceRef="Task_B" targetRef="Join" />
    <bpmn:sequenceFlow id="F6" sourceRef="Join" targetRef="End_1" />
  </bpmn:process>
</bpmn:definitions>"""


def _saved(process: object, workflow: Workflow) -> Workflow:
    return RUNNER.restore(process, workflow.dump())  # type: ignore[arg-type]


def _ready(workflow: Workflow) -> list[str]:
    return [t.element.element_id for t in workflow.ready_tasks()]


def _complete(workflow: Workflow, element: str, **data: object) -> None:
    task = next(t for t in workflow.ready_tasks() if t.element.element_id == element)
    workflow.complete_task(task.task_id, data, T0)


def test_a_case_moves_forward_into_a_task_with_a_boundary_timer_and_out_of_it_again() -> None:
    process = parse_process((FIXTURES / "c7_review.bpmn").read_bytes())
    workflow, _ = RUNNER.start(process, {}, T0)
    workflow.move_to("Task_Review", T0)
    workflow = _saved(process, workflow)
    assert _ready(workflow) == ["Task_Review"]
    assert [(t.element_id, t.due_at) for t in workflow.waiting_timers()] == [
        ("Event_ReviewLate", T0 + timedelta(hours=1))
    ]
    assert {(w.element_id, w.kind) for w in workflow.waiting_at()} == {
        ("Task_Review", "task"),
        ("Event_ReviewLate", "timer"),
    }
    workflow.move_to("Task_Apply", T0)  # back: the boundary timer goes with the task
    workflow = _saved(process, workflow)
    assert (_ready(workflow), workflow.waiting_timers()) == (["Task_Apply"], [])
    _complete(workflow, "Task_Apply", amount=10, major=False)
    assert _ready(workflow) == ["Task_Approve"]  # and the case runs on from there


def test_a_case_moved_to_a_message_event_waits_for_that_message() -> None:
    process = parse_process((FIXTURES / "c7_message.bpmn").read_bytes())
    workflow, _ = RUNNER.start(process, {}, T0)
    workflow.move_to("Event_ExpertDone", T0)
    workflow = _saved(process, workflow)
    assert _ready(workflow) == [] and [w.kind for w in workflow.waiting_at()] == ["message"]
    workflow.correlate_message("expert-review-done", {"expertConclusion": "agree"}, T0)
    assert _ready(workflow) == ["Task_Approve"]


def test_parallel_branches_gateways_and_the_same_element_are_refused() -> None:
    parallel = parse_process(PARALLEL)
    workflow, _ = RUNNER.start(parallel, {}, T0)
    assert sorted(_ready(workflow)) == ["Task_A", "Task_B"]
    with pytest.raises(Conflict) as refused:
        workflow.move_to("End_1", T0)
    assert refused.value.code == "move-parallel"
    process = parse_process((FIXTURES / "c7_review.bpmn").read_bytes())
    single, _ = RUNNER.start(process, {}, T0)
    with pytest.raises(Conflict):
        single.move_to("Task_Apply", T0)
    with pytest.raises(InvalidInput) as kind:
        single.move_to("Gateway_Major", T0)
    assert kind.value.code == "move-target-kind"
    with pytest.raises(InvalidInput):
        single.move_to("No_Such_Element", T0)


def test_rebase_runs_a_waiting_case_on_another_version_and_refuses_one_that_does_not_fit() -> None:
    text = (FIXTURES / "c7_review.bpmn").read_text(encoding="utf-8")
    old = parse_process(text.encode())
    new = parse_process(text.replace("Task_Approve", "Task_Decide").encode())
    workflow, _ = RUNNER.start(old, {}, T0)
    moved = RUNNER.rebase(_saved(old, workflow), new)
    moved = _saved(new, moved)
    _complete(moved, "Task_Apply", amount=10, major=False)
    assert _ready(moved) == ["Task_Decide"]
    waiting = RUNNER.restore(old, workflow.dump())
    waiting.move_to("Task_Approve", T0)
    with pytest.raises(Conflict) as misfit:
        RUNNER.rebase(_saved(old, waiting), new)
    assert misfit.value.code == "migration-misfit"
