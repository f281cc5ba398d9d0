"""BPMN errors thrown at a task and caught by an error boundary event, as Camunda 7 does.

Reference: Camunda 7 docs "Error Events" (errorEventDefinition, ``camunda:errorCodeVariable``,
``camunda:errorMessageVariable``) and engine tests ``BoundaryErrorEventTest``: an error thrown at an
activity is caught by the error boundary on that activity whose ``errorCode`` equals the thrown code, or
else by one without an error reference (catch-all; a specific code wins over catch-all, Camunda's
``ErrorEventDefinition.comparator``); if none is there, by the enclosing multi-instance body or embedded
subprocess, outwards. The catching boundary interrupts the activity; the variables it names receive the
code and the message.

Handler writers raise ``BpmnError(code, message)`` in a service handler (Camunda's ``BpmnError`` thrown
from a ``JavaDelegate``). An error nothing catches is refused with ``bpmn-error-uncaught`` and nothing
changes (Sanxiang's choice: a lawful procedure never ends silently on an error nobody modelled).
"""

from __future__ import annotations

from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.specs.control import BoundaryEventSplit
from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import ErrorEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.bpmn.util import BpmnEvent
from SpiffWorkflow.util.task import TaskState

from engine.errors import Conflict, SanxiangError
from engine.runner.dialect import ACTIVITI_NS, BPMN_NS, CAMUNDA_NS
from engine.runner.user_tasks.instances import body_of

CODE_VARIABLE = "errorCodeVariable"
MESSAGE_VARIABLE = "errorMessageVariable"


class BpmnError(Exception):
    """Raise in a service handler to throw the BPMN error ``code`` (Camunda 7's ``BpmnError``).

    It is caught by the matching error boundary event on the service task or an enclosing scope; when
    nothing catches it the step fails with ``bpmn-error-uncaught`` and rolls back."""

    def __init__(self, code: str, message: str = "") -> None:
        super().__init__(f"{code}: {message}" if message else code)
        self.code = code
        self.message = message


def read_error_messages(root: etree._Element) -> dict[str, str]:
    """``bpmn:error`` errorCode -> its ``camunda:errorMessage`` (what an error end event throws with it)."""
    return {
        error.get("errorCode", ""): message
        for error in root.iter(f"{{{BPMN_NS}}}error")
        if (message := _attr(error, "errorMessage")) is not None
    }


def read_error_variables(root: etree._Element) -> dict[str, tuple[str | None, str | None]]:
    """Boundary event id -> (``camunda:errorCodeVariable``, ``camunda:errorMessageVariable``)."""
    found: dict[str, tuple[str | None, str | None]] = {}
    for boundary in root.iter(f"{{{BPMN_NS}}}boundaryEvent"):
        for definition in boundary.iterfind(f"{{{BPMN_NS}}}errorEventDefinition"):
            found[boundary.get("id", "")] = (
                _attr(definition, CODE_VARIABLE),
                _attr(definition, MESSAGE_VARIABLE),
            )
    return found


def _attr(node: etree._Element, name: str) -> str | None:
    value = node.get(f"{{{CAMUNDA_NS}}}{name}") or node.get(f"{{{ACTIVITI_NS}}}{name}")
    return value.strip() or None if value else None


def annotate(specs: list[Any], root: etree._Element) -> None:
    """Put what SpiffWorkflow does not read on the parsed specs (cached, never saved): the variables each
    error boundary sets, the ``camunda:errorMessage`` each error end event throws."""
    variables, messages = read_error_variables(root), read_error_messages(root)
    for spec in specs:
        for task_spec in spec.task_specs.values():
            names = variables.get(getattr(task_spec, "bpmn_id", None) or "")
            if names is not None and isinstance(task_spec, BoundaryEvent):
                task_spec.error_variables = names
            definition = getattr(task_spec, "event_definition", None)
            if isinstance(definition, ErrorEventDefinition) and definition.code in messages:
                definition.error_message = messages[definition.code]


def _boundaries(task: Any) -> list[Any]:
    parent = task.parent
    if parent is None or not isinstance(parent.task_spec, BoundaryEventSplit):
        return []
    return [
        child
        for child in parent.children
        if isinstance(child.task_spec, BoundaryEvent)
        and isinstance(child.task_spec.event_definition, ErrorEventDefinition)
        and child.has_state(TaskState.WAITING)
    ]


def _matching(boundaries: list[Any], code: str) -> Any | None:
    exact = [b for b in boundaries if b.task_spec.event_definition.code == code]
    catch_all = [b for b in boundaries if not b.task_spec.event_definition.code]
    return next(iter(exact + catch_all), None)


def _enclosing(task: Any) -> Any | None:
    body = body_of(task)
    if body is not None:
        return body
    workflow = task.workflow
    if workflow.parent_task_id is None or workflow.parent_workflow is None:
        return None
    return workflow.top_workflow.get_task_from_id(workflow.parent_task_id)


def catcher(task: Any, code: str) -> Any | None:
    """The waiting error boundary event task that catches ``code`` thrown at ``task``, or None."""
    current: Any | None = task
    for _ in range(100):  # scopes nest a few levels deep; bounded against a malformed tree
        if current is None:
            return None
        found = _matching(_boundaries(current), code)
        if found is not None:
            return found
        current = _enclosing(current)
    return None


def deliver(boundary: Any, code: str, message: str) -> None:
    """Let ``boundary`` catch the error: it fires (interrupting its activity) with its variables set."""
    code_var, message_var = getattr(boundary.task_spec, "error_variables", (None, None))
    payload = {name: value for name, value in ((code_var, code), (message_var, message)) if name}
    definition = boundary.task_spec.event_definition
    boundary.task_spec.catch(boundary, BpmnEvent(ErrorEventDefinition(definition.name, code), payload))
    boundary.task_spec._update(boundary)


def uncaught(
    code: str, message: str, element_id: str | None, kind: type[SanxiangError] = Conflict
) -> SanxiangError:
    """The refusal of an error nothing catches (``Conflict`` at a waiting task, ``StepFailed`` in a step)."""
    where = f"（元素 {element_id}）" if element_id else ""
    where_en = f" at {element_id}" if element_id else ""
    return kind(
        f"BPMN 错误 {code}{where}没有错误边界事件捕获：{message}；办件未作改变",
        f"BPMN error {code}{where_en} is caught by no error boundary event: {message}; nothing changed",
        code="bpmn-error-uncaught",
        details={"error_code": code, "error_message": message, "element_id": element_id},
    )


def throw(task: Any, code: str, message: str) -> None:
    """Throw ``code`` at ``task``; ``Conflict`` (``bpmn-error-uncaught``) before any change if nothing
    catches it."""
    boundary = catcher(task, code)
    if boundary is None:
        raise uncaught(code, message, task.task_spec.bpmn_id)
    deliver(boundary, code, message)


THROWN_KEY = "sx_thrown_error"


def keep_thrown_error(wf: Any) -> None:
    """An error end event that nothing in the case caught (SpiffWorkflow leaves it in ``bpmn_events``, which
    are not saved) is kept on the root task: for a child case, the caller's call activity may catch it
    (Camunda 7 propagates it to the super execution); with no caller it ended its path like a none end."""
    for event in wf.bpmn_events:
        definition = event.event_definition
        if isinstance(definition, ErrorEventDefinition):
            message = getattr(definition, "error_message", None) or definition.name
            wf.task_tree.internal_data[THROWN_KEY] = {"code": definition.code, "message": message}


def thrown_error(wf: Any) -> tuple[str, str] | None:
    """(code, message) of the error end event a completed case ended with, or None."""
    found = wf.task_tree.internal_data.get(THROWN_KEY)
    return (str(found["code"]), str(found["message"])) if isinstance(found, dict) else None
