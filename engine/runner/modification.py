"""Where a case waits, and moving it elsewhere (a supervisor's modification).

``waiting_at`` names the elements a workflow waits at: a person's task, a timer, a message or signal
from outside, or something started that never finished. ``graft`` moves a case that waits at ONE
element of its top-level process to another element of that process: the waiting task (with the
boundary events around it) is cancelled and removed, and a task of the target element is added under
the same completed parent, with the waiting task's data, then predicted and updated the way
SpiffWorkflow's own ``reset_branch`` does. It needs no earlier task of the target in the tree (our
saved states drop finished history), so it moves forwards and backwards alike. Cases waiting at
several elements at once (parallel branches) or inside a sub-process are refused: the engine cannot
tell which branch a move means. Gateways, start and end events and boundary events are not targets.
"""

from __future__ import annotations

from copy import deepcopy
from dataclasses import dataclass
from typing import Any

from SpiffWorkflow.bpmn.specs.defaults import ServiceTask
from SpiffWorkflow.bpmn.specs.event_definitions import MessageEventDefinition, SignalEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.util.task import TaskState

from engine.errors import Conflict, InvalidInput
from engine.runner.user_tasks.instances import body_of
from engine.runner.user_tasks.multi_instance import MultiInstanceBody

ACTIVE = TaskState.READY | TaskState.WAITING | TaskState.STARTED
TARGET_TAGS = frozenset(
    {
        "userTask",
        "manualTask",
        "task",
        "serviceTask",
        "sendTask",
        "receiveTask",
        "businessRuleTask",
        "scriptTask",
        "intermediateCatchEvent",
        "intermediateThrowEvent",
    }
)
SPLIT_SUFFIX = ".BoundaryEventSplit"


@dataclass(frozen=True, slots=True)
class Waiting:
    """One element a case waits at. ``kind``: "task" (a person), "timer", "message", "signal", "external"
    (an external task waiting for a worker), "other"."""

    task_id: str
    element_id: str
    kind: str


def _kind(task: Any) -> str:
    spec = task.task_spec
    if task.has_state(TaskState.READY) and spec.manual:
        return "task"
    if task.has_state(TaskState.STARTED) and isinstance(spec, ServiceTask):
        return "external"
    definition = getattr(spec, "event_definition", None)
    for cls, name in (
        (TimerEventDefinition, "timer"),
        (MessageEventDefinition, "message"),
        (SignalEventDefinition, "signal"),
    ):
        if isinstance(definition, cls):
            return name
    return "other"


def _active(wf: Any) -> list[Any]:
    tasks = [t for t in wf.tasks.values() if t.has_state(ACTIVE) and t.task_spec.bpmn_id]
    for sub in wf.subprocesses.values():
        tasks += [t for t in sub.tasks.values() if t.has_state(ACTIVE) and t.task_spec.bpmn_id]
    return tasks


def waiting_at(wf: Any) -> list[Waiting]:
    """What the workflow waits at (READY automatic tasks are about to run and count as "other")."""
    found = [Waiting(str(t.id), t.task_spec.bpmn_id, _kind(t)) for t in _active(wf)]
    return sorted(found, key=lambda w: (w.element_id, w.task_id))


def _anchor(task: Any) -> Any:
    """The task to cut out: an activity with boundary events hangs under its BoundaryEventSplit; the
    instances of a multi-instance activity go with their body."""
    body = body_of(task)
    if body is not None:
        return _anchor(body)
    parent = task.parent
    if parent is not None and parent.task_spec.name.endswith(SPLIT_SUFFIX):
        return parent
    return task


def _refuse(code: str, zh: str, en: str) -> Conflict:
    return Conflict(zh, en, code=code)


def _target_spec(wf: Any, elements: Any, element_id: str) -> Any:
    info = elements.get(element_id)
    spec = wf.spec.task_specs.get(element_id)
    if info is None or spec is None:
        raise InvalidInput(
            f"流程中没有可移动到的环节 {element_id}",
            f"No element {element_id} to move to in this process",
            code="move-target-unknown",
        )
    if info.tag not in TARGET_TAGS:
        raise InvalidInput(
            f"环节 {element_id}（{info.tag}）不能作为移动目标：只能移动到任务或中间事件",
            f"Element {element_id} ({info.tag}) cannot be a target: only tasks and intermediate events",
            code="move-target-kind",
        )
    split = wf.spec.task_specs.get(element_id + SPLIT_SUFFIX)
    return split if split is not None else spec


def graft(wf: Any, elements: Any, element_id: str) -> str:
    """Move the workflow from the one element it waits at to ``element_id``; returns the element left."""
    active = _active(wf)
    if any(t.workflow is not wf for t in active):
        raise _refuse(
            "move-in-subprocess",
            "办件正在子流程中等待，不能移动",
            "The case waits inside a sub-process; it cannot be moved",
        )
    anchors = {_anchor(t).id: _anchor(t) for t in active}
    if len(anchors) != 1:
        raise _refuse(
            "move-parallel",
            f"办件同时在 {len(anchors)} 处等待（并行分支），不能移动",
            f"The case waits at {len(anchors)} places at once (parallel branches); it cannot be moved",
        )
    anchor = next(iter(anchors.values()))
    left = next(t for t in active if _anchor(t) is anchor).task_spec.bpmn_id
    if left == element_id:
        raise _refuse("move-same-element", "办件已在该环节等待", "The case already waits at this element")
    spec = _target_spec(wf, elements, element_id)
    mine = sorted(
        (t for t in active if _anchor(t) is anchor),  # a multi-instance body's data first
        key=lambda t: not isinstance(t.task_spec, MultiInstanceBody),
    )
    data = deepcopy(mine[0].data)
    parent = anchor.parent
    anchor.cancel()
    wf._remove_task(anchor.id)
    task = parent._add_child(spec, TaskState.FUTURE)
    task.reset_branch(data)
    return str(left)


def forget_predictions(wf: Any) -> None:
    """Drop what the engine predicted below the tasks a case waits at (it predicts it again from the
    spec in force): a state so trimmed restores against another version of the process as long as the
    elements it waits at exist there."""
    for task in _active(wf):
        if isinstance(task.task_spec, MultiInstanceBody):  # its instances are not predictions
            for child in [c for c in task.children if not c.triggered]:
                child.workflow._remove_task(child.id)
        elif body_of(task) is None:
            task._drop_children(force=True)


def predict(wf: Any) -> None:
    """Predict again below every waiting task, from the spec the workflow now runs on."""
    for task in _active(wf):
        task.task_spec._predict(task, mask=ACTIVE | TaskState.FUTURE | TaskState.PREDICTED_MASK)
