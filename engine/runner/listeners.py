"""Camunda 7 task and execution listeners, run against the handlers this node registered.

Which listeners run (the linter refuses every other one by name: ``engine.compliance.dialect.listeners``):
- ``camunda:executionListener`` on ``start`` / ``end`` of a flow node or of the process;
- ``camunda:taskListener`` on ``create`` / ``complete`` of a user task;
implemented by ``delegateExpression="${name}"`` (the handler registered as ``name``: the same registry as
service tasks, ``HandlerCall.event`` says which event) or by an inline ``camunda:script`` in
``sanxiang-expression`` (its ``name = expression`` lines, like a script task, under the same evaluation
budget). A handler's returned variables and asked effects count like a service task's.

When they run, as Camunda 7 orders them:
- ``start``: when the element is entered (SpiffWorkflow's update of the task, once; a join or anything
  that never emits it: just before it runs). For a user task that is before the task is created.
- ``create``: after the user task's assignee, candidates, dates and priority are resolved.
- ``complete``: when a person completes the task, with the submitted variables, before it ends.
- ``end``: when the element completes (before the next elements take its variables), and when an
  element that had started is cancelled (an interrupting boundary event, a terminate end event).
- process ``start`` before the start event; process ``end`` when the case completes.
An error in a listener fails the step, which rolls back, as any other error of the step.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from lxml import etree
from SpiffWorkflow.util.task import TaskState

from engine.errors import InvalidDiagram
from engine.runner.dialect import ACTIVITI_NS, BPMN_NS, CAMUNDA_NS, FLOW_NODE_TAGS
from engine.runner.types import ElementInfo
from engine.runner.user_tasks.multi_instance import LOOP_KEY, MultiInstanceBody

STARTED = "sanxiang.started"  # internal data: the element's start listeners ran (so its end may run)
_SUPPORTED = {
    "taskListener": frozenset({"create", "complete"}),
    "executionListener": frozenset({"start", "end"}),
}
_SCRIPT_FORMATS = frozenset({"sanxiang-expression", "juel"})


@dataclass(frozen=True)
class Listener:
    kind: str  # "taskListener" | "executionListener"
    event: str
    handler: str | None = None
    script: str | None = None  # inline sanxiang-expression script text (compiled with the process's scripts)


Listeners = Mapping[str, tuple[Listener, ...]]  # by element id, the process id for process listeners


def read_listeners(root: etree._Element) -> dict[str, tuple[Listener, ...]]:
    """Every listener of every process and flow node; ``InvalidDiagram`` for one that cannot run."""
    found: dict[str, tuple[Listener, ...]] = {}
    for node in root.iter(f"{{{BPMN_NS}}}*"):
        tag = etree.QName(node).localname
        if tag != "process" and tag not in FLOW_NODE_TAGS and tag != "sequenceFlow":
            continue
        listeners = tuple(_listener(node, child) for child in _listener_nodes(node))
        if listeners:
            found[node.get("id", "")] = listeners
    return found


def _listener_nodes(node: etree._Element) -> Iterable[etree._Element]:
    for extensions in node.iterfind(f"{{{BPMN_NS}}}extensionElements"):
        for child in extensions:
            if (
                isinstance(child.tag, str)
                and etree.QName(child).namespace in (CAMUNDA_NS, ACTIVITI_NS)
                and etree.QName(child).localname in _SUPPORTED
            ):
                yield child


def _listener(owner: etree._Element, node: etree._Element) -> Listener:
    kind, event = etree.QName(node).localname, node.get("event") or ""
    owner_tag = etree.QName(owner).localname
    delegate = (node.get("delegateExpression") or "").strip()
    script = next(
        (child for child in node if isinstance(child.tag, str) and etree.QName(child).localname == "script"),
        None,
    )
    runs_here = event in _SUPPORTED[kind] and (kind == "executionListener" or owner_tag == "userTask")
    if runs_here and delegate.startswith("${") and delegate.endswith("}") and len(node) == 0:
        return Listener(kind, event, handler=delegate[2:-1].strip())
    if (
        runs_here
        and script is not None
        and not any(str(k).endswith("resource") for k in script.attrib)
        and (script.get("scriptFormat") or "").strip().lower() in _SCRIPT_FORMATS
        and len(node) == 1
    ):
        return Listener(kind, event, script=script.text or "")
    raise InvalidDiagram(
        f"{owner.get('id')} 的 {kind}（event={event}）不能运行；请按检查器的提示修改",
        f"The {kind} (event={event}) of {owner.get('id')} cannot be run; see the linter's "
        "finding (SX-D114, SX-D115, SX-D143, SX-D144, SX-D145)",
        findings=[],
    )


def process_element(process_id: str, name: str) -> ElementInfo:
    """The element a process-level listener's handler sees."""
    return ElementInfo(element_id=process_id, tag="process", name=name)


def connect(specs: Iterable[Any], listeners: Listeners) -> None:
    """Hook the listeners onto the task specs of one parsed process (done once, at parse time: the
    callbacks read everything else from the running workflow)."""
    for spec in specs:
        for task_spec in spec.task_specs.values():
            execution = of_kind(listeners, getattr(task_spec, "bpmn_id", None), "executionListener")
            if not execution or isinstance(task_spec, MultiInstanceBody):
                continue  # Camunda 7 puts them on the inner activity: each instance, never the body
            task_spec.update_event.connect(_on_entered, execution)
            task_spec.completed_event.connect(_on_event, execution, "end")
            task_spec.cancelled_event.connect(_on_cancelled, execution)


def _on_entered(workflow: Any, task: Any, listeners: tuple[Listener, ...]) -> None:
    # an instance of a multi-instance task gets its own variables only after this: it is entered when its
    # task is created (``task_creation``)
    if task.has_state(TaskState.DEFINITE_MASK) and LOOP_KEY not in task.internal_data:
        enter(task, listeners)


def enter(task: Any, listeners: tuple[Listener, ...]) -> None:
    """Run the start listeners of ``task``'s element once (also called just before an engine task runs)."""
    if task.internal_data.get(STARTED):
        return
    task.internal_data[STARTED] = True
    fire(task, listeners, "start")


def _on_event(workflow: Any, task: Any, listeners: tuple[Listener, ...], event: str) -> None:
    if event == "end" and not task.internal_data.get(STARTED):
        enter(task, listeners)  # an element whose entry SpiffWorkflow never announced
    fire(task, listeners, event)


def _on_cancelled(workflow: Any, task: Any, listeners: tuple[Listener, ...]) -> None:
    if task.internal_data.get(STARTED):
        fire(task, listeners, "end")


def fire(task: Any, listeners: Iterable[Listener], event: str) -> None:
    engine = task.workflow.script_engine
    for listener in listeners:
        if listener.event == event:
            engine.run_listener(task, listener)


def of_kind(listeners: Listeners, element_id: str | None, kind: str) -> tuple[Listener, ...]:
    return tuple(item for item in listeners.get(element_id or "", ()) if item.kind == kind)


def before_engine_task(listeners: Listeners, guard: Callable[[Any], None] | None) -> Callable[[Any], None]:
    """``will_complete_task`` of a step: its budget (``guard``), then the start listeners of an element
    SpiffWorkflow entered without announcing it (a join)."""

    def before(task: Any) -> None:
        if guard is not None:
            guard(task)
        own = of_kind(listeners, task.task_spec.bpmn_id, "executionListener")
        if own and not isinstance(task.task_spec, MultiInstanceBody):
            enter(task, own)

    return before


def process_event(engine: Any, process: Any, event: str, variables: Mapping[str, Any]) -> dict[str, Any]:
    """The process's own ``start``/``end`` listeners on ``variables``: the variables they set."""
    found: dict[str, Any] = {}
    for listener in of_kind(process.listeners, process.process_id, "executionListener"):
        if listener.event == event:
            found.update(engine.run_process_listener(process, listener, {**variables, **found}))
    return found


def start_process(wf: Any, process: Any, engine: Any) -> None:
    """The process's own ``start`` listeners, before its start event: what they set is the case's."""
    starting = [wf.task_tree, *wf.get_tasks(state=TaskState.READY)]
    found = process_event(engine, process, "start", starting[0].data)
    for task in starting:
        task.data.update(found)
