"""Call activities run as Camunda 7 runs them: the called process is its own case (a child case).

Reference: Camunda 7 docs "Call Activity" (``calledElement``, ``camunda:calledElementBinding``
latest/deployment/version with ``camunda:calledElementVersion``, ``camunda:in``/``camunda:out`` with
``source``/``sourceExpression``/``target``, ``variables="all"``, ``local``, ``camunda:in businessKey``) and
engine test ``bpmn/callactivity/CallActivityTest``.

SpiffWorkflow's own ``CallActivity`` runs the called process *inside* the caller's workflow: its spec must be
parsed with the caller's (so ``latest`` would be frozen at deploy), its state and history are the caller's,
and nobody can see or work it as a case of its own. Camunda 7 starts a separate process instance. So here
the call activity is a task that, when reached, asks the service (effect ``call.start``) to open the child
case in the same transaction, with the ``camunda:in`` variables evaluated in the caller's scope, and waits
(``STARTED``). When the child case completes, the service hands its variables to ``complete_call``: the
``camunda:out`` mappings are evaluated against them and set on the caller, and the caller goes on.

``local="true"``: a call activity here has no local variables (``camunda:inputOutput`` is not run on it,
SX-D126), so a local ``in`` reads nothing (its target is null, ``variables="all"`` passes nothing) and a
local ``out`` sets nothing the caller can see, as in Camunda 7 once the activity ends.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from lxml import etree
from SpiffWorkflow.bpmn.specs.defaults import NoneTask
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState

from engine.errors import Conflict
from engine.runner.calls.bpmn_error import thrown_error
from engine.runner.dialect import ACTIVITI_NS, BPMN_NS, CAMUNDA_NS
from engine.runner.expressions.template import CompiledTemplate, compile_template
from engine.runner.types import Effect, StepResult

CALL_START = "call.start"  # the effect: open the child case (payload: ``CallRequest`` fields)
PARENT_BUSINESS_KEY = re.compile(r"^\s*[$#]\{\s*execution\.processBusinessKey\s*\}\s*$")


@dataclass(frozen=True)
class VariableMapping:
    """One ``camunda:in``/``camunda:out``: a variable, an expression, or all variables, to ``target``."""

    source: str | None = None
    expression: CompiledTemplate | None = None
    target: str | None = None
    all: bool = False
    local: bool = False


@dataclass(frozen=True)
class CallInfo:
    element_id: str
    called_element: str
    binding: str = "latest"  # latest | deployment | version
    version: int | None = None
    ins: tuple[VariableMapping, ...] = ()
    outs: tuple[VariableMapping, ...] = ()
    business_key: CompiledTemplate | None = None
    inherits_business_key: bool = False  # ``${execution.processBusinessKey}``


def _camunda_children(node: etree._Element, tag: str) -> list[etree._Element]:
    found: list[etree._Element] = []
    for ext in node.iterfind(f"{{{BPMN_NS}}}extensionElements"):
        for ns in (CAMUNDA_NS, ACTIVITI_NS):
            found.extend(ext.iterfind(f"{{{ns}}}{tag}"))
    return found


def _attr(node: etree._Element, name: str) -> str | None:
    value = node.get(f"{{{CAMUNDA_NS}}}{name}") or node.get(f"{{{ACTIVITI_NS}}}{name}")
    return str(value) if value is not None else None


def _mapping(node: etree._Element, functions: frozenset[str]) -> VariableMapping | None:
    if node.get("businessKey") is not None:
        return None
    expression = node.get("sourceExpression")
    return VariableMapping(
        source=node.get("source"),
        expression=compile_template(expression, allowed_functions=functions) if expression else None,
        target=node.get("target"),
        all=node.get("variables") == "all",
        local=node.get("local") == "true",
    )


def _call(node: etree._Element, functions: frozenset[str]) -> CallInfo:
    ins = _camunda_children(node, "in")
    key_text = next((n.get("businessKey", "") for n in ins if n.get("businessKey") is not None), None)
    version = _attr(node, "calledElementVersion")
    inherits = key_text is not None and bool(PARENT_BUSINESS_KEY.match(key_text))
    return CallInfo(
        element_id=node.get("id", ""),
        called_element=(node.get("calledElement") or "").strip(),
        binding=(_attr(node, "calledElementBinding") or "latest").strip(),
        version=int(version) if version and version.strip().isdigit() else None,
        ins=tuple(m for n in ins if (m := _mapping(n, functions)) is not None),
        outs=tuple(m for n in _camunda_children(node, "out") if (m := _mapping(n, functions)) is not None),
        business_key=compile_template(key_text, allowed_functions=functions)
        if key_text and not inherits
        else None,
        inherits_business_key=inherits,
    )


def read_calls(root: etree._Element, functions: frozenset[str]) -> dict[str, CallInfo]:
    """Every call activity of the file by id (``ExpressionError`` on an expression outside the language)."""
    return {n.get("id", ""): _call(n, functions) for n in root.iter(f"{{{BPMN_NS}}}callActivity")}


Evaluate = Callable[[CompiledTemplate, Mapping[str, Any]], Any]


def mapped(
    mappings: tuple[VariableMapping, ...], scope: Mapping[str, Any], evaluate: Evaluate
) -> dict[str, Any]:
    """The variables ``mappings`` give from ``scope`` (Camunda's ``VariableMapping``, in document order)."""
    found: dict[str, Any] = {}
    for item in mappings:
        seen: Mapping[str, Any] = {} if item.local else scope
        if item.all:
            found.update(seen)
        elif item.target:
            if item.expression is not None:
                found[item.target] = None if item.local else evaluate(item.expression, scope)
            else:
                found[item.target] = seen.get(item.source or "")
    return found


class CallActivityTask(NoneTask):  # type: ignore[misc]
    """A ``bpmn:callActivity``: asks for the child case and waits (``STARTED``) until ``complete_call``."""

    def __init__(self, wf_spec, bpmn_id, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(wf_spec, bpmn_id, **kwargs)
        self.manual = False  # nobody is offered it: the engine runs it

    def _run_hook(self, my_task):  # type: ignore[no-untyped-def]
        engine = my_task.workflow.script_engine
        call: CallInfo = engine.table.calls[self.bpmn_id]

        def evaluate(template: CompiledTemplate, scope: Mapping[str, Any]) -> Any:
            return engine.evaluate_value(template, scope, self.bpmn_id)

        scope = dict(my_task.data)
        payload = {
            "task_id": str(my_task.id),
            "called_element": call.called_element,
            "binding": call.binding,
            "version": call.version,
            "variables": mapped(call.ins, scope, evaluate),
            "business_key": evaluate(call.business_key, scope) if call.business_key else None,
            "inherits_business_key": call.inherits_business_key,
        }
        engine.effects.append(Effect(CALL_START, self.bpmn_id, payload))
        return None  # waits for the child case


class CallWaiting:
    """Mixed into ``engine.runner.workflow.Workflow``: the caller's side of a child case."""

    _wf: Any
    _engine: Any

    if TYPE_CHECKING:

        def _step(self, now: datetime, action: Callable[[], None]) -> StepResult: ...

    def complete_call(self, task_id: str, child_variables: Mapping[str, Any], now: datetime) -> StepResult:
        """The child case opened for call-activity task ``task_id`` completed with ``child_variables``: its
        ``camunda:out`` mappings set the caller's variables and the caller goes on (one step).
        ``Conflict`` (``call-not-waiting``) when that task is not a call activity waiting for its child."""
        task = self._waiting_call(task_id)
        call: CallInfo = self._engine.table.calls[task.task_spec.bpmn_id]

        def evaluate(template: CompiledTemplate, scope: Mapping[str, Any]) -> Any:
            return self._engine.evaluate_value(template, scope, call.element_id)

        def finish() -> None:
            task.data.update(mapped(call.outs, child_variables, evaluate))
            task.complete()

        return self._step(now, finish)

    def waits_for_call(self, task_id: str) -> bool:
        """Whether call-activity task ``task_id`` still waits for its child (not interrupted, not moved)."""
        try:
            self._waiting_call(task_id)
        except Conflict:
            return False
        return True

    def thrown_error(self) -> tuple[str, str] | None:
        """(code, message) of the error end event this completed case ended with and nothing caught: the
        parent's call activity may catch it (``raise_error``); None otherwise."""
        return thrown_error(self._wf)

    def _waiting_call(self, task_id: str) -> Any:
        try:
            task = self._wf.get_task_from_id(UUID(task_id))
        except (ValueError, KeyError, SpiffWorkflowException):
            task = None
        if (
            task is None
            or not isinstance(task.task_spec, CallActivityTask)
            or not task.has_state(TaskState.STARTED)
        ):
            raise Conflict(
                "该调用活动不在等待子办件",
                f"Task {task_id} is not a call activity waiting for its child case",
                code="call-not-waiting",
            )
        return task
