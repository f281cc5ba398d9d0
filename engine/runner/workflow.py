"""The runner façade: start, restore, inspect, complete and wake up workflows.

The only module tree that imports SpiffWorkflow; everything it returns is a plain value
(``engine.runner.types``). A step that raises leaves nothing behind: the caller discards
the workflow object and the transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState

from engine.errors import Conflict, NotFound, SanxiangError, StepFailed
from engine.kernel.budgets import DEFAULT_BUDGET, EvaluationBudget
from engine.runner import script_engine
from engine.runner.calls.call_activity import CallWaiting
from engine.runner.calls.throwing import ErrorThrowing
from engine.runner.external import ExternalSteps
from engine.runner.listeners import before_engine_task, fire, of_kind, start_process
from engine.runner.messages import MessageCorrelation
from engine.runner.modification import Waiting, forget_predictions, graft, predict, waiting_at
from engine.runner.parser import ParsedProcess
from engine.runner.script_engine import Handler, SafeScriptEngine, evaluate_condition
from engine.runner.state import dump_state, load_state
from engine.runner.step_budget import StepGuard, cap_waiting_cycles
from engine.runner.timekeeping.clock import frozen_now
from engine.runner.types import PendingTimer, ReadyTask, StepResult
from engine.runner.user_tasks.instances import is_instance, ready_task, submit
from engine.runner.user_tasks.task_creation import assignment_of, settle_step

Variables = Mapping[str, Any]


class Workflow(ErrorThrowing, CallWaiting, ExternalSteps, MessageCorrelation):
    """One case's workflow in memory for the length of one step (``raise_error``: ``calls.throwing``)."""

    def __init__(self, process: ParsedProcess, wf: BpmnWorkflow, engine: SafeScriptEngine) -> None:
        self.process = process
        self._wf = wf
        self._engine = engine
        self._budget = engine.budget
        wf.script_engine = engine

    # -- reading --------------------------------------------------------------------------------
    @property
    def is_completed(self) -> bool:
        return bool(self._wf.is_completed())

    @property
    def variables(self) -> dict[str, Any]:
        """The case variables as the latest task sees them (``wf.data`` is empty until the end)."""
        if self._wf.is_completed():
            return dict(self._wf.data)
        merged: dict[str, Any] = {}
        for task in sorted(self._all_tasks(), key=lambda t: t.last_state_change):
            # an instance of a multi-instance body holds a copy of the body's data and its own locals: the
            # body holds what the case knows (``multi_instance``)
            if task.has_state(
                TaskState.COMPLETED | TaskState.READY | TaskState.WAITING | TaskState.STARTED
            ) and not is_instance(task):
                merged.update(task.data)
        return merged

    def ready_tasks(self) -> list[ReadyTask]:
        elements = self.process.elements
        return [
            replace(ready_task(t, elements), assignment=assignment_of(t, elements[t.task_spec.bpmn_id]))
            for t in self._wf.get_tasks(state=TaskState.READY, manual=True)
            if t.task_spec.bpmn_id in elements
        ]

    def waiting_timers(self) -> list[PendingTimer]:
        timers = []
        for task in self._wf.get_tasks(state=TaskState.WAITING):
            value = task._get_internal_data("event_value")
            if isinstance(value, dict):
                value = value.get("next")
            if isinstance(value, str) and task.task_spec.bpmn_id:
                timers.append(
                    PendingTimer(str(task.id), task.task_spec.bpmn_id, datetime.fromisoformat(value))
                )
        return timers

    def waiting_at(self) -> list[Waiting]:
        """Every element the case waits at: tasks, timers, messages, signals, other (``modification``)."""
        return waiting_at(self._wf)

    def dump(self) -> str:
        """The state to save; ``StepFailed`` (``budget-exceeded``) when it is over the budget's size."""
        return dump_state(
            self._wf,
            self._budget.state_bytes if self._budget is not None else None,
            scripts_ran=self._engine.scripts_ran,
        )

    # -- stepping -------------------------------------------------------------------------------
    def hold_routes(self, routes: Mapping[str, frozenset[str]]) -> None:
        """From now on, at each gateway of ``routes`` exactly the flows whose condition source is in its
        set hold (``SafeScriptEngine.hold_routes``); not saved with the state: set it after every restore."""
        self._engine.hold_routes(routes)

    def set_variables(self, values: Mapping[str, Any], now: datetime) -> StepResult:
        """Change case variables where the case waits (a recorded correction of facts): the next steps
        see the new values. Nothing else moves."""

        def update() -> None:
            for task in self._all_tasks():
                if task.has_state(TaskState.READY | TaskState.WAITING | TaskState.STARTED):
                    task.data.update(values)

        return self._step(now, update)

    def complete_task(self, task_id: str, data: Mapping[str, Any], now: datetime) -> StepResult:
        task = self._ready_user_task(task_id)
        return self._step(now, lambda: self._run_task(task, data))

    def run_engine(self, now: datetime) -> StepResult:
        """Advance automatic steps and due timers (start of a case, a timer firing)."""
        return self._step(now, lambda: None)

    def move_to(self, element_id: str, now: datetime) -> StepResult:
        """A supervisor's modification: wait at ``element_id`` instead (``engine.runner.modification``)."""

        def move() -> None:
            graft(self._wf, self.process.elements, element_id)

        return self._step(now, move)

    def _run_task(self, task: Any, data: Mapping[str, Any]) -> None:
        submit(task, data, self._engine)
        fire(task, of_kind(self.process.listeners, task.task_spec.bpmn_id, "taskListener"), "complete")
        task.run()

    def _step(self, now: datetime, action: Callable[[], None]) -> StepResult:
        before = {t.id for t in self._all_tasks() if t.has_state(TaskState.COMPLETED)}
        was_completed = self._wf.is_completed()
        self._engine.effects = []
        guard = StepGuard(self._budget) if self._budget is not None else None
        if guard is not None:  # every evaluation of the step stops at the step's time too
            self._engine.step_deadline = guard.deadline
            self._engine.effects.extend(cap_waiting_cycles(self._all_tasks(), guard.budget))
        try:
            with frozen_now(now):
                action()
                # twice: a timer the first pass reaches may already be due (a date in the past, P0D);
                # SpiffWorkflow refreshes timers only before running, never after reaching one
                for _ in range(2):
                    self._wf.refresh_timers()
                    entering = before_engine_task(self.process.listeners, guard)
                    self._wf.do_engine_steps(will_complete_task=entering)
                settle_step(self._wf, self.process, self._engine, now, was_completed)
        except SanxiangError:
            raise
        except Exception as exc:  # anything else in a step: the caller rolls back and discards us
            inner = script_engine.inner_error(exc)
            if inner is not None:
                raise inner from exc
            raise StepFailed(
                f"流程引擎执行失败：{exc}",
                f"The engine failed while running the step: {exc}",
                code="engine-failed",
            ) from exc
        done = [t for t in self._all_tasks() if t.has_state(TaskState.COMPLETED) and t.id not in before]
        done.sort(key=lambda t: t.last_state_change)
        return StepResult(
            completed_elements=[t.task_spec.bpmn_id for t in done if t.task_spec.bpmn_id],
            effects=list(self._engine.effects),
        )

    def _ready_user_task(self, task_id: str) -> Any:
        try:
            task = self._wf.get_task_from_id(UUID(task_id))
        except (ValueError, SpiffWorkflowException, KeyError):
            task = None
        if task is None:
            raise NotFound("任务不存在", f"No task {task_id} in this case", code="task-not-found")
        if not task.has_state(TaskState.READY) or not task.task_spec.manual:
            raise Conflict(
                "任务已不是待办状态（可能已被他人办理）",
                f"Task {task_id} is not waiting for a person any more",
                code="task-not-ready",
            )
        return task

    def _all_tasks(self) -> list[Any]:
        tasks = list(self._wf.tasks.values())
        for sub in self._wf.subprocesses.values():
            tasks.extend(sub.tasks.values())
        return tasks


class Runner:
    """Makes ``Workflow`` objects for parsed processes, with the handlers and functions of this node."""

    def __init__(
        self,
        handlers: Mapping[str, Handler] | None = None,
        functions: Mapping[str, Callable[..., Any]] | None = None,
        budget: EvaluationBudget | None = DEFAULT_BUDGET,
    ) -> None:
        """``budget`` None runs unmetered: only to measure what the budget costs (``bench/``)."""
        self.handlers = dict(handlers or {})
        self.functions = dict(functions or {})
        self.budget = budget

    def _engine(self, process: ParsedProcess) -> SafeScriptEngine:
        return SafeScriptEngine(
            process.expressions, self.functions, self.handlers, process.elements, self.budget
        )

    def start(
        self, process: ParsedProcess, variables: Variables, now: datetime, *, initiator: str | None = None
    ) -> tuple[Workflow, StepResult]:
        """A new case; ``camunda:initiator``'s variable holds ``initiator``, the starting user (or null)."""
        if process.initiator:
            variables = {**variables, process.initiator: initiator}
        wf = BpmnWorkflow(process.spec, dict(process.subprocess_specs))
        workflow = Workflow(process, wf, self._engine(process))
        wf.task_tree.data.update(variables)
        for task in wf.get_tasks(state=TaskState.READY):
            task.data.update(variables)
        result = workflow._step(now, lambda: start_process(wf, process, workflow._engine))  # start listeners
        return workflow, result

    def evaluate_condition(self, source: str, variables: Mapping[str, Any]) -> bool:
        """A diagram condition in the safe language against ``variables`` (unset facts read null), under
        the budget (``script_engine.evaluate_condition``)."""
        return evaluate_condition(source, variables, self.functions, self.budget)

    def evaluate_text(self, source: str, variables: Mapping[str, Any]) -> Any:
        """An attribute's text as Camunda 7 reads it (a form field's default or label: plain text, ``${...}``,
        both) against ``variables``, under the budget; ``ExpressionError`` when it cannot be evaluated."""
        return script_engine.evaluate_text(source, variables, self.functions, self.budget)

    def restore(self, process: ParsedProcess, state: str) -> Workflow:
        wf = load_state(state, process.spec, dict(process.subprocess_specs))
        return Workflow(process, wf, self._engine(process))

    def rebase(self, workflow: Workflow, process: ParsedProcess) -> Workflow:
        """``workflow``'s state against another version ``process`` (a migration); raises when it does not
        fit (an element it waits at, or one its state still holds, is missing there)."""
        forget_predictions(workflow._wf)
        try:
            moved = self.restore(process, workflow.dump())
        except (KeyError, ValueError, TypeError, AttributeError) as exc:
            raise Conflict(
                f"办件状态与新版本不符：{exc}",
                f"The case's state does not fit the new version: {exc}",
                code="migration-misfit",
            ) from exc
        predict(moved._wf)
        return moved
