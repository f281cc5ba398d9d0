"""SpiffWorkflow's script engine replaced by the safe expression language.

SpiffWorkflow would ``eval`` every condition and timer as Python with full builtins. Here every
expression was compiled at deploy time (``ExpressionTable``); evaluation walks that checked tree,
each evaluation under its own ``Meter`` of the evaluation budget (``engine.kernel.budgets``): a
budget that runs out fails the step (``StepFailed``, code ``budget-exceeded``), which rolls back.
Service tasks call handlers registered in Python by name; they may only ask for effects.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine

from engine.errors import SanxiangError, StepFailed
from engine.kernel.budgets import EvaluationBudget
from engine.runner.calls.bpmn_error import BpmnError
from engine.runner.expressions import CompiledExpression, ExpressionError, compile_condition
from engine.runner.expressions.meter import BudgetExceeded, FreeMeter, Meter
from engine.runner.expressions.template import compile_template
from engine.runner.types import Effect, ElementInfo
from engine.runner.user_tasks.instances import instance_scope

Handler = Callable[["HandlerCall"], dict[str, Any] | None]


class Evaluable(Protocol):
    """A compiled expression or template (``expressions.template``)."""

    @property
    def source(self) -> str: ...

    def evaluate(
        self,
        variables: Mapping[str, Any],
        functions: Mapping[str, Callable[..., Any]] | None = None,
        *,
        meter: Meter | None = None,
    ) -> Any: ...


@dataclass(slots=True)
class HandlerCall:
    """What a service-task handler sees: the element, the case variables, and where to put effects."""

    element: ElementInfo
    variables: Mapping[str, Any]
    effects: list[Effect] = field(default_factory=list)
    event: str | None = None  # a listener's event (start, end, create, complete); None for a service task

    def ask(self, kind: str, **payload: Any) -> None:
        self.effects.append(Effect(kind=kind, element_id=self.element.element_id, payload=payload))


@dataclass(frozen=True, slots=True)
class ExpressionTable:
    by_source: Mapping[str, CompiledExpression]
    scripts: Mapping[str, tuple[tuple[str, CompiledExpression], ...]]
    loops: Mapping[str, Any] = field(default_factory=dict)  # element id -> multi_instance.CompiledLoop
    outputs: Mapping[str, tuple[tuple[str, Any], ...]] = field(default_factory=dict)  # element id -> mappings
    calls: Mapping[str, Any] = field(default_factory=dict)  # element id -> calls.call_activity.CallInfo


class SafeScriptEngine(PythonScriptEngine):  # type: ignore[misc]  # SpiffWorkflow is untyped
    def __init__(
        self,
        table: ExpressionTable,
        functions: Mapping[str, Callable[..., Any]],
        handlers: Mapping[str, Handler],
        elements: Mapping[str, ElementInfo],
        budget: EvaluationBudget | None,
    ) -> None:
        super().__init__()
        self.table = table
        self.functions = functions
        self.handlers = handlers
        self.elements = elements
        self.budget = budget  # None: unmetered (only to measure what the budget costs)
        self.step_deadline: float | None = None  # set by the step: no evaluation runs past its time
        self.scripts_ran = False  # a script may have aliased large values: measure before saving
        self.effects: list[Effect] = []
        self.held_routes: Mapping[str, frozenset[str]] = {}

    def hold_routes(self, routes: Mapping[str, frozenset[str]]) -> None:
        """At each gateway of ``routes``, exactly the flows whose condition is in its set hold, whatever
        the variables say (a major case takes the major flows of its major-check gateway)."""
        self.held_routes = dict(routes)

    def evaluate(self, task, expression, external_context=None):  # type: ignore[no-untyped-def]
        held = self.held_routes.get(task.task_spec.bpmn_id)
        if held is not None:
            return expression in held
        compiled = self.table.by_source.get(expression)
        if compiled is None:  # never deployed: compile now, still in the safe language
            compiled = compile_condition(expression, allowed_functions=frozenset(self.functions))
        variables = dict(task.data)
        if external_context:
            variables.update(external_context)
        return self._run(compiled, variables, task.task_spec.bpmn_id)

    def evaluate_value(self, compiled: Evaluable, variables: Mapping[str, Any], element_id: str) -> Any:
        """A value the diagram computes outside conditions and scripts (a multi-instance cardinality,
        collection or completion condition, an output mapping), compiled at deploy, under the budget."""
        return self._run(compiled, variables, element_id)

    def execute(self, task, script, external_context=None):  # type: ignore[no-untyped-def]
        self.run_script(task, script)
        return True

    def run_script(self, task: Any, script: str) -> None:
        """A compiled script's lines on ``task.data``: one evaluation, its lines share one budget."""
        meter = self._meter()
        self.scripts_ran = True
        for name, compiled in self.table.scripts.get(script, ()):
            task.data[name] = self._run(compiled, task.data, task.task_spec.bpmn_id, meter)

    def call_handler(self, task: Any) -> None:
        element = self.elements[task.task_spec.bpmn_id]
        task.data.update(self.invoke(element, element.topic or element.delegate or "", task.data))

    def run_listener(self, task: Any, listener: Any) -> None:
        """A listener (``engine.runner.listeners``) on ``task``: its script, or its handler with the event."""
        if listener.script is not None:
            self.run_script(task, listener.script)
            return
        element = self.elements[task.task_spec.bpmn_id]
        found = self.invoke(element, listener.handler, instance_scope(task), event=listener.event)
        task.data.update(found)

    def run_process_listener(
        self, process: Any, listener: Any, variables: Mapping[str, Any]
    ) -> dict[str, Any]:
        """A process-level listener on ``variables``; the variables it sets."""
        name = process.spec.description or process.process_id
        element = ElementInfo(element_id=process.process_id, tag="process", name=name)
        if listener.script is None:
            return self.invoke(element, listener.handler, variables, event=listener.event)
        scope = _ProcessScope(dict(variables), process.process_id)
        self.run_script(scope, listener.script)
        return {key: value for key, value in scope.data.items() if variables.get(key, scope) is not value}

    def invoke(
        self, element: ElementInfo, name: str, variables: Mapping[str, Any], *, event: str | None = None
    ) -> dict[str, Any]:
        """Call the handler registered as ``name``; the variables it returns (its effects are kept)."""
        call = HandlerCall(element=element, variables=dict(variables), event=event)
        what_zh, what_en = (
            (f"监听器（{event}）", f"listener ({event})") if event else ("服务任务", "service task")
        )
        try:
            result = self.handlers[name](call)
        except BpmnError:
            if event is not None:  # a listener cannot throw a BPMN error (Camunda 7 before 7.12 neither)
                raise StepFailed(
                    f"监听器（{event}）{element.element_id} 的处理程序 {name} 抛出 BPMN 错误，监听器不能抛出",
                    f"Handler {name} of listener ({event}) {element.element_id} threw a BPMN error; "
                    "listeners cannot throw one",
                    code="handler-failed",
                    details={"element_id": element.element_id},
                ) from None
            self.effects.extend(call.effects)
            raise
        except Exception as exc:
            raise StepFailed(
                f"{what_zh} {element.element_id} 的处理程序 {name} 失败：{exc}",
                f"Handler {name} of {what_en} {element.element_id} failed: {exc}",
                code="handler-failed",
                details={"element_id": element.element_id},
            ) from exc
        self.effects.extend(call.effects)
        return dict(result or {})

    def _meter(self) -> Meter:
        return new_meter(self.budget, self.step_deadline)

    def new_meter(self) -> Meter:
        """A meter for one evaluation of this step (its budget, never past the step's end)."""
        return self._meter()

    def _run(
        self, compiled: Evaluable, variables: Mapping[str, Any], element_id: str, meter: Meter | None = None
    ) -> Any:
        meter = meter or self._meter()
        try:
            meter.spend(1)  # every evaluation (every script line) is an operation: the time is checked
            value = compiled.evaluate(variables, self.functions, meter=meter)
        except ExpressionError as exc:
            raise step_failure(exc, compiled.source, element_id) from exc
        for was, now in meter.capped:  # a cycle of a version deployed before the budget
            self.effects.append(Effect("timer.capped", element_id, {"was": was, "now": now}))
        meter.capped.clear()
        return value


class _ProcessScope:
    """What ``execute`` needs of a task, for a script listener of the process itself."""

    def __init__(self, data: dict[str, Any], process_id: str) -> None:
        self.data = data
        self.task_spec = _ProcessSpec(process_id)


@dataclass(frozen=True)
class _ProcessSpec:
    bpmn_id: str


def new_meter(budget: EvaluationBudget | None, until: float | None = None) -> Meter:
    return Meter(budget, until=until) if budget is not None else FreeMeter()


def step_failure(exc: ExpressionError, source: str, element_id: str | None) -> StepFailed:
    """A failed evaluation as the step's failure: ``budget-exceeded`` (which budget in the details) or
    ``expression-failed``."""
    where_zh = f"元素 {element_id} 的" if element_id else ""
    where_en = f" on {element_id}" if element_id else ""
    details: dict[str, Any] = {"element_id": element_id} if element_id else {}
    if isinstance(exc, BudgetExceeded):
        return StepFailed(
            f"{where_zh}表达式 {source[:200]} 超出求值预算：{exc.message_zh}",
            f"Expression {source[:200]}{where_en} went over its budget: {exc.message_en}",
            code="budget-exceeded",
            details={**details, "budget": exc.budget},
        )
    return StepFailed(
        f"{where_zh}表达式 {source[:200]} 求值失败：{exc.message_zh}",
        f"Expression {source[:200]}{where_en} failed: {exc.message_en}",
        code="expression-failed",
        details=details,
    )


def evaluate_condition(
    source: str,
    variables: Mapping[str, Any],
    functions: Mapping[str, Callable[..., Any]],
    budget: EvaluationBudget | None,
) -> bool:
    """A condition outside a diagram step (catalogue, legal-review gate) against ``variables``, unset facts
    reading null; an expression outside the language raises ``ExpressionError``, a budget that runs out
    ``StepFailed`` (``budget-exceeded``)."""
    compiled = compile_condition(source, allowed_functions=frozenset(functions), missing="none")
    try:
        return compiled.evaluate(variables, functions, meter=new_meter(budget)) is True
    except BudgetExceeded as exc:
        raise step_failure(exc, source, None) from exc


def evaluate_text(
    source: str,
    variables: Mapping[str, Any],
    functions: Mapping[str, Callable[..., Any]],
    budget: EvaluationBudget | None,
) -> Any:
    """An attribute's text as Camunda 7 reads it (a form field's default or label: plain text, ``${...}``,
    both) against ``variables``, under the budget; ``ExpressionError`` when it cannot be evaluated."""
    template = compile_template(source, allowed_functions=frozenset(functions))
    return template.evaluate(variables, functions, meter=new_meter(budget))


def inner_error(exc: BaseException) -> SanxiangError | None:
    """The Sanxiang error a library error wraps (SpiffWorkflow re-raises what a script raised), or None."""
    seen = exc
    for _ in range(5):
        nested = getattr(seen, "error", None) or seen.__cause__ or seen.__context__
        if nested is None:
            return None
        if isinstance(nested, SanxiangError):
            return nested
        seen = nested
    return None
