"""The budget of one step's engine run, and timer cycles brought within the budget in running cases.

A diagram can loop through gateways and scripts without ever waiting for a person or a timer; stock
SpiffWorkflow then runs until its task tree breaks (near 250 turns a case silently "completes").
``StepGuard`` is called before every engine task and stops the step, which rolls back, once it has
run ``step_tasks`` of them or for ``step_seconds``.

A cycle timer that a case reached before the budget existed keeps its repeat count and period in
the case state; ``cap_waiting_cycles`` brings them within the budget before the case's next step.
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.timer import CycleTimerEventDefinition
from SpiffWorkflow.util.task import TaskState

from engine.errors import StepFailed
from engine.kernel.budgets import EvaluationBudget
from engine.runner.types import Effect


class StepGuard:
    """``will_complete_task`` of ``do_engine_steps``: refuses to run more than the step's budget."""

    def __init__(self, budget: EvaluationBudget) -> None:
        self.budget = budget
        self.tasks = 0
        self.deadline = time.monotonic() + budget.step_seconds

    def __call__(self, task: Any) -> None:
        self.tasks += 1
        most = self.budget.step_tasks
        if self.tasks > most:
            raise _over(
                task,
                "step-tasks",
                f"一步之内自动执行的环节超过 {most} 个（流程可能在网关与脚本之间无限循环）",
                f"the step ran more than {most} automatic elements (the diagram may loop between "
                "gateways and scripts without end)",
            )
        if time.monotonic() > self.deadline:
            raise _over(
                task,
                "step-time",
                f"一步的自动执行超过 {self.budget.step_seconds:g} 秒",
                f"the step's automatic part ran longer than {self.budget.step_seconds:g} s",
            )


def _over(task: Any, budget: str, zh: str, en: str) -> StepFailed:
    element = getattr(task.task_spec, "bpmn_id", None)
    details: dict[str, Any] = {"budget": budget}
    if element:
        details["element_id"] = element
    return StepFailed(
        f"流程步骤超出预算：{zh}；该步骤已撤销，请检查流程图",
        f"The step went over its budget: {en}; the step was rolled back, check the diagram",
        code="budget-exceeded",
        details=details,
    )


def cap_waiting_cycles(tasks: list[Any], budget: EvaluationBudget) -> list[Effect]:
    """Bring the repeat count and period of every waiting cycle timer within ``budget``; one
    ``timer.capped`` effect for each one changed."""
    effects = []
    for task in tasks:
        spec = task.task_spec
        value = task.internal_data.get("event_value")
        if not (
            task.has_state(TaskState.WAITING)
            and isinstance(getattr(spec, "event_definition", None), CycleTimerEventDefinition)
            and isinstance(value, dict)
        ):
            continue
        was = dict(value)
        if value.get("cycles", 0) < 0 or value.get("cycles", 0) > budget.timer_max_cycles:
            value["cycles"] = budget.timer_max_cycles
        if 0 <= value.get("duration", 0) < budget.timer_min_cycle_seconds:
            value["duration"] = float(budget.timer_min_cycle_seconds)
        if value != was:
            effects.append(
                Effect(
                    "timer.capped", spec.bpmn_id or "", {"was": _cycle_text(was), "now": _cycle_text(value)}
                )
            )
    return effects


def _cycle_text(value: dict[str, Any]) -> str:
    count = "" if value.get("cycles", 0) < 0 else str(value.get("cycles"))
    seconds = timedelta(seconds=float(value.get("duration", 0))).total_seconds()
    return f"R{count}/PT{seconds:g}S (next {value.get('next')})"
