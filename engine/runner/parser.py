"""Parse a Camunda 7 diagram into a SpiffWorkflow spec, once per deployed version."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import full_tag
from SpiffWorkflow.bpmn.parser.TaskParser import TaskParser
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.defaults import NoneTask, ServiceTask
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.camunda.parser import CamundaParser
from SpiffWorkflow.camunda.parser.task_spec import CamundaTaskParser
from SpiffWorkflow.camunda.specs.user_task import UserTask

from engine.errors import InvalidDiagram, StepFailed
from engine.kernel.form_fields import GeneratedForm
from engine.runner.calls.bpmn_error import (
    BpmnError,
    annotate,
    catcher,
    deliver,
    uncaught,
)
from engine.runner.calls.call_activity import CallActivityTask, CallInfo, read_calls
from engine.runner.dialect import generated_form, hardened_parser, initiator_of, read_elements, start_events
from engine.runner.expressions import ExpressionError, compile_condition, compile_expression, compile_timer
from engine.runner.expressions.static import split_script
from engine.runner.listeners import Listeners, connect, read_listeners
from engine.runner.script_engine import ExpressionTable
from engine.runner.types import ElementInfo
from engine.runner.user_tasks.instances import compile_outputs
from engine.runner.user_tasks.loop_expressions import compile_loop
from engine.runner.user_tasks.multi_instance import MultiInstanceUserTaskParser
from engine.runner.user_tasks.task_attributes import TaskAttributes, compile_attributes

SAFE_SCRIPT_FORMATS = frozenset({"sanxiang-expression", "juel"})


class HandlerServiceTask(ServiceTask):  # type: ignore[misc]  # SpiffWorkflow is untyped
    """A service task that runs a handler registered in Python, then completes; an external task
    (``camunda:type="external"``) whose topic no handler of this node takes waits for a worker instead
    (STARTED, ``engine.runner.external``): a registered handler wins."""

    def _execute(self, task):  # type: ignore[no-untyped-def]
        engine = task.workflow.script_engine
        element = engine.elements.get(self.bpmn_id)
        if element is not None and element.topic and element.topic not in engine.handlers:
            return None  # an external task: waits for a worker (``engine.runner.external``)
        try:
            engine.call_handler(task)
        except BpmnError as error:  # caught by a boundary: this task stays started and is interrupted
            boundary = catcher(task, error.code)
            if boundary is None:
                raise uncaught(error.code, error.message, self.bpmn_id, StepFailed) from error
            deliver(boundary, error.code, error.message)
            return None
        return True


class PassThroughTask(NoneTask):  # type: ignore[misc]
    """``bpmn:manualTask`` and the abstract ``bpmn:task``: Camunda 7 enters and leaves them at once
    (``ManualTaskActivityBehavior``, ``TaskActivityBehavior``): nobody is offered anything, the step goes on;
    the element is on the step's record like every element the engine passes."""

    def __init__(self, wf_spec, bpmn_id, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(wf_spec, bpmn_id, **kwargs)
        self.manual = False


class _Parser(CamundaParser):  # type: ignore[misc]  # SpiffWorkflow is untyped
    OVERRIDE_PARSER_CLASSES = {
        **CamundaParser.OVERRIDE_PARSER_CLASSES,
        full_tag("serviceTask"): (TaskParser, HandlerServiceTask),
        full_tag("userTask"): (MultiInstanceUserTaskParser, UserTask),
        full_tag("manualTask"): (CamundaTaskParser, PassThroughTask),
        full_tag("task"): (CamundaTaskParser, PassThroughTask),
        full_tag("callActivity"): (TaskParser, CallActivityTask),
    }


@dataclass(frozen=True)
class ParsedProcess:
    process_id: str
    spec: Any
    subprocess_specs: Mapping[str, Any]
    elements: Mapping[str, ElementInfo]
    properties: Mapping[str, str]
    expressions: ExpressionTable
    tasks: Mapping[str, TaskAttributes] = field(default_factory=dict)  # user tasks' attributes by id
    initiator: str | None = None  # the variable camunda:initiator gives the starter's user id
    listeners: Listeners = field(default_factory=dict)  # by element id (the process id: its own)
    start_form: GeneratedForm | None = None  # camunda:formData of the process's own start event
    calls: Mapping[str, CallInfo] = field(default_factory=dict)  # call activities by id (``calls``)


def _timer_kind(definition: TimerEventDefinition) -> str:
    if isinstance(definition, DurationTimerEventDefinition):
        return "timeDuration"
    if isinstance(definition, CycleTimerEventDefinition):
        return "timeCycle"
    return "timeDate"


def _script_lines(script: str, functions: frozenset[str]) -> tuple[tuple[str, Any], ...]:
    return tuple(
        (name, compile_expression(source, allowed_functions=functions))
        for name, source in split_script(script)
    )


def _compile_spec(
    spec: Any, functions: frozenset[str], table: dict[str, Any], scripts: dict[str, Any]
) -> None:
    for task_spec in spec.task_specs.values():
        for condition, _target in getattr(task_spec, "cond_task_specs", ()):
            source = getattr(condition, "args", [condition])[0] if condition is not None else None
            if isinstance(source, str) and source not in table:
                table[source] = compile_condition(source, allowed_functions=functions)
        definition = getattr(task_spec, "event_definition", None)
        if isinstance(definition, TimerEventDefinition) and definition.expression:
            table[definition.expression] = compile_timer(
                definition.expression, _timer_kind(definition), allowed_functions=functions
            )
        script = getattr(task_spec, "script", None)
        if isinstance(script, str) and script not in scripts:
            scripts[script] = _script_lines(script, functions)


def _compile_elements(
    elements: Mapping[str, ElementInfo], functions: frozenset[str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Multi-instance loops and output mappings, by element id."""
    loops = {
        e.element_id: compile_loop(e.loop, e.assignee, functions, e.name)
        for e in elements.values()
        if e.loop is not None and e.tag == "userTask"
    }
    outputs = {e.element_id: compile_outputs(e.outputs, functions) for e in elements.values() if e.outputs}
    return loops, outputs


def _compile_expressions(
    specs: list[Any], functions: frozenset[str], element_of: Mapping[str, ElementInfo], listeners: Listeners
) -> ExpressionTable:
    table: dict[str, Any] = {}
    scripts: dict[str, Any] = {}
    listener_scripts = {item.script for own in listeners.values() for item in own if item.script is not None}
    try:
        for spec in specs:
            _compile_spec(spec, functions, table, scripts)
        for script in listener_scripts - scripts.keys():
            scripts[script] = _script_lines(script, functions)
        loops, outputs = _compile_elements(element_of, functions)
    except ExpressionError as exc:
        raise InvalidDiagram(
            f"表达式不合规：{exc.message_zh}", f"Unsafe expression: {exc.message_en}", findings=[exc]
        ) from exc
    return ExpressionTable(by_source=table, scripts=scripts, loops=loops, outputs=outputs)


def _compile_tasks(
    elements: Mapping[str, ElementInfo], functions: frozenset[str]
) -> dict[str, TaskAttributes]:
    tasks = {}
    for element in elements.values():
        if element.tag != "userTask":
            continue
        try:
            tasks[element.element_id] = compile_attributes(element, functions)
        except ExpressionError as exc:
            raise InvalidDiagram(
                f"用户任务 {element.element_id} 的{exc.message_zh}",
                f"User task {element.element_id}: {exc.message_en}",
                findings=[exc],
            ) from exc
    return tasks


def parse_process(
    xml: bytes, process_id: str | None = None, functions: frozenset[str] = frozenset()
) -> ParsedProcess:
    """Parse and compile; raise ``InvalidDiagram`` with a clear message on anything wrong."""
    try:
        root = etree.fromstring(xml, hardened_parser())
        parser = _Parser()
        parser.add_bpmn_xml(etree.ElementTree(root), filename=process_id or "diagram.bpmn")
        ids = parser.get_process_ids()
        pid = process_id or (ids[0] if len(ids) == 1 else None)
        if pid is None or pid not in ids:
            raise InvalidDiagram(
                "图中应恰有一个可执行流程",
                f"The diagram must hold exactly one executable process (found: {', '.join(ids) or 'none'})",
                findings=[],
            )
        spec = parser.get_spec(pid)
        subprocess_specs = parser.get_subprocess_specs(pid)
    except (ValidationException, etree.XMLSyntaxError) as exc:
        raise InvalidDiagram(
            f"流程图无法解析：{exc}", f"The diagram cannot be parsed: {exc}", findings=[]
        ) from exc
    elements, process_properties = read_elements(root)
    listeners = read_listeners(root)
    specs = [spec, *subprocess_specs.values()]
    table = _compile_expressions(specs, functions, elements, listeners)
    connect(specs, listeners)
    annotate(specs, root)
    calls = _calls(root, functions)
    return ParsedProcess(
        pid,
        spec,
        subprocess_specs,
        elements,
        process_properties.get(pid, {}),
        replace(table, calls=calls),
        tasks=_compile_tasks(elements, functions),
        initiator=initiator_of(root, pid),
        listeners=listeners,
        start_form=_start_form(root, pid),
        calls=calls,
    )


def _calls(root: Any, functions: frozenset[str]) -> dict[str, CallInfo]:
    try:
        return read_calls(root, functions)
    except ExpressionError as exc:
        raise InvalidDiagram(
            f"调用活动的表达式不合规：{exc.message_zh}", f"Call activity: {exc.message_en}", findings=[exc]
        ) from exc


def _start_form(root: Any, process_id: str) -> GeneratedForm | None:
    return next((form for start in start_events(root, process_id) if (form := generated_form(start))), None)
