"""Multi-instance user tasks as Camunda 7 runs them (会签 all sign, 或签 any one signs, 票签 a vote).

SpiffWorkflow's own multi-instance task evaluates ``loopCardinality`` as a condition, reads
``camunda:collection`` as a data reference, knows none of ``nrOfInstances``, ``nrOfActiveInstances``,
``nrOfCompletedInstances`` or ``loopCounter`` and deep-merges every instance's data into the process. The
body here follows Camunda 7's ``MultiInstanceActivityBehavior`` and its parallel and sequential subclasses:

- the number of instances comes from ``loopCardinality`` (a number, or an expression yielding a number
  or a numeric text; negative fails), else from the collection (``camunda:collection``/``loopDataInputRef``:
  an expression, or a variable name) which must be a list; none at all leaves the activity at once;
- each instance has its own ``loopCounter`` and element variable (local: never seen after the
  instance); ``nrOfInstances``/``nrOfActiveInstances``/``nrOfCompletedInstances`` belong to the body;
- a parallel body creates every instance at once (``nrOfActiveInstances`` counts down); a sequential one
  creates the next only when the previous completed (``nrOfActiveInstances`` stays 1) and reads the
  collection again each time;
- when an instance completes, what its person submitted becomes case data (like ``setVariable``: the
  instance's locals excepted), the counters move, and the ``completionCondition`` is evaluated with the
  instance's variables (parallel: before the all-done check; sequential: only if instances remain);
  when it holds, the remaining instances are cancelled and the activity is left.

Everything the diagram writes is compiled at deploy (``compile_loop``) and evaluated under the budget.
"""

from __future__ import annotations

from collections.abc import Mapping
from copy import deepcopy
from typing import Any

from SpiffWorkflow.bpmn.specs.mixins.bpmn_spec_mixin import BpmnSpecMixin
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import LoopTask
from SpiffWorkflow.camunda.parser.task_spec import UserTaskParser
from SpiffWorkflow.util.task import TaskState

from engine.errors import StepFailed
from engine.runner.dialect import read_loop
from engine.runner.expressions.template import CompiledTemplate, as_text
from engine.runner.types import LoopInfo
from engine.runner.user_tasks.loop_expressions import CompiledLoop, as_count

NR_OF_INSTANCES, NR_OF_ACTIVE = "nrOfInstances", "nrOfActiveInstances"
NR_OF_COMPLETED = "nrOfCompletedInstances"
LOOP_COUNTER = "loopCounter"
RESERVED = frozenset({NR_OF_INSTANCES, NR_OF_ACTIVE, NR_OF_COMPLETED, LOOP_COUNTER})
_LIVE = TaskState.READY | TaskState.WAITING | TaskState.STARTED
COUNTS_KEY, LOOP_KEY, WRITTEN_KEY = "sanxiang_mi", "sanxiang_loop", "sanxiang_written"  # internal_data
ASSIGNEE_KEY, NAME_KEY = "sanxiang_assignee", "sanxiang_name"


def _failure(element_id: str, zh: str, en: str) -> StepFailed:
    return StepFailed(
        f"多实例任务 {element_id}：{zh}",
        f"Multi-instance task {element_id}: {en}",
        code="multi-instance-failed",
        details={"element_id": element_id},
    )


class MultiInstanceBody(LoopTask, BpmnSpecMixin):  # type: ignore[misc]
    """The body around the instances of one user task (the Camunda 7 "multi-instance body")."""

    def __init__(self, wf_spec: Any, bpmn_id: str, loop: LoopInfo, **kwargs: Any) -> None:
        super().__init__(wf_spec, bpmn_id, **kwargs)
        self.task_spec = ""  # the inner user task's spec name, set by the parser
        self.loop = loop

    # -- reading the diagram's values -------------------------------------------------------------
    def _compiled(self, my_task: Any) -> CompiledLoop:
        compiled: CompiledLoop = my_task.workflow.script_engine.table.loops[self.bpmn_id]
        return compiled

    def _value(self, my_task: Any, expression: CompiledTemplate, scope: Mapping[str, Any]) -> Any:
        return my_task.workflow.script_engine.evaluate_value(expression, scope, self.bpmn_id)

    def _count(self, my_task: Any, loop: CompiledLoop) -> int:
        if loop.cardinality is not None:
            value = self._value(my_task, loop.cardinality, my_task.data)
            count = as_count(value)
            if count is None:
                raise _failure(
                    self.bpmn_id,
                    f"loopCardinality 的值 {value!r} 不是数字",
                    f"loopCardinality yields {value!r}, not a number",
                )
        else:
            count = len(self._collection(my_task, loop, my_task.data))
        if count < 0:
            raise _failure(
                self.bpmn_id, f"实例数不能为负（{count}）", f"the number of instances is negative ({count})"
            )
        budget = my_task.workflow.script_engine.budget
        if budget is not None and not self.loop.sequential and count > budget.step_tasks:
            most = budget.step_tasks
            raise StepFailed(
                f"多实例任务 {self.bpmn_id} 一步要创建 {count} 个实例，超出每步 {most} 个的预算",
                f"Multi-instance task {self.bpmn_id} would create {count} instances in one "
                f"step, over the budget of {most} a step",
                code="budget-exceeded",
                details={"element_id": self.bpmn_id, "budget": "step-tasks", "size": count},
            )
        return count

    def _collection(self, my_task: Any, loop: CompiledLoop, scope: Mapping[str, Any]) -> list[Any]:
        if loop.collection is not None:
            value, what = self._value(my_task, loop.collection, scope), loop.collection.source
        elif loop.collection_variable is not None:
            value, what = scope.get(loop.collection_variable), loop.collection_variable
        else:
            raise _failure(
                self.bpmn_id,
                "既没有 loopCardinality 也没有 collection",
                "neither loopCardinality nor a collection is set",
            )
        if not isinstance(value, list):
            raise _failure(
                self.bpmn_id,
                f"集合 {what} 不是列表（{type(value).__name__}）",
                f"the collection {what} is not a list ({type(value).__name__})",
            )
        return value

    # -- the body's life ---------------------------------------------------------------------------
    def _update_hook(self, my_task: Any) -> bool:
        if COUNTS_KEY in my_task.internal_data:  # already running: never start twice
            return False
        super()._update_hook(my_task)
        loop = self._compiled(my_task)
        count = self._count(my_task, loop)
        if count == 0:
            return True  # Camunda: no instance, the activity is left at once
        parallel = not self.loop.sequential
        my_task.internal_data[COUNTS_KEY] = {
            NR_OF_INSTANCES: count,
            NR_OF_COMPLETED: 0,
            NR_OF_ACTIVE: count if parallel else 1,
        }
        my_task.internal_data["merged"] = []
        my_task._set_state(TaskState.STARTED)
        items = self._items(my_task, loop)
        for index in range(count if parallel else 1):
            self._start_instance(my_task, loop, index, items)
        return False

    def _items(self, my_task: Any, loop: CompiledLoop) -> list[Any] | None:
        """The collection's items when an element variable takes them (Camunda's ``evaluateCollection``)."""
        has_collection = loop.collection is not None or loop.collection_variable is not None
        if loop.element_variable is None or not has_collection:
            return None
        return self._collection(my_task, loop, my_task.data)

    def _start_instance(self, body: Any, loop: CompiledLoop, index: int, items: list[Any] | None) -> None:
        inner = body.workflow.spec.task_specs[self.task_spec]
        child = body._add_child(inner, TaskState.WAITING)
        child.triggered = True
        child.internal_data[LOOP_KEY] = {LOOP_COUNTER: index}
        inner._update(child)  # inherits the body's data, becomes READY
        child.data[LOOP_COUNTER] = index  # then the instance's own (local) variables
        if items is not None:
            if index >= len(items):
                raise _failure(
                    self.bpmn_id,
                    f"集合只有 {len(items)} 项，没有第 {index + 1} 项",
                    f"the collection has {len(items)} items, none at index {index}",
                )
            child.data[loop.element_variable] = deepcopy(items[index])
        for key, template in ((ASSIGNEE_KEY, loop.assignee), (NAME_KEY, loop.name)):
            if template is not None:  # Camunda evaluates them as it creates the instance's task
                value = self._value(body, template, self.scope(child))
                child.internal_data[key] = None if value is None else as_text(value)

    def merge_child(self, workflow: Any, child: Any) -> None:
        """An instance completed (connected to the inner spec's ``completed_event`` by the parser)."""
        body = child.parent
        if body is None or body.task_spec is not self:
            return
        self._write_back(body, child)
        counts = body.internal_data[COUNTS_KEY]
        counts[NR_OF_COMPLETED] += 1
        if not self.loop.sequential:
            counts[NR_OF_ACTIVE] -= 1
        body.internal_data["merged"].append(str(child.id))
        if self._finished(body, child, counts):
            for other in self._instances(body):
                if not other.has_state(TaskState.FINISHED_MASK):
                    other.cancel()
            body._set_state(TaskState.READY)
        elif self.loop.sequential:
            loop = self._compiled(body)
            self._start_instance(body, loop, loop_counter(child) + 1, self._items(body, loop))

    def _write_back(self, body: Any, child: Any) -> None:
        """What the instance's person set becomes case data at once, seen by every live path of the
        (sub)process — the body, the other instances, boundary events —, as Camunda's ``setVariable``
        puts it on the process instance; the instance's own locals stay behind."""
        local = self.locals()
        written = {
            key: child.data[key]
            for key in child.internal_data.get(WRITTEN_KEY, ())
            if key not in local and key in child.data
        }
        if not written:
            return
        for task in body.workflow.tasks.values():
            if task is not child and task.has_state(_LIVE):
                task.data.update(deepcopy(written))

    def _finished(self, body: Any, child: Any, counts: Mapping[str, int]) -> bool:
        all_done = counts[NR_OF_COMPLETED] >= counts[NR_OF_INSTANCES]
        if self.loop.sequential and all_done:  # Camunda: loopCounter == nrOfInstances || condition
            return True
        return self._condition_holds(body, child) or all_done

    def _condition_holds(self, body: Any, child: Any) -> bool:
        condition = self._compiled(body).condition
        if condition is None:
            return False
        value = self._value(body, condition, self.scope(child))
        if type(value) is not bool:
            raise _failure(
                self.bpmn_id,
                f"completionCondition 的结果必须是 true/false，却是 {value!r}",
                f"completionCondition must yield true/false, got {value!r}",
            )
        return value

    def locals(self) -> frozenset[str]:
        """The variables each instance holds for itself (never written back to the case)."""
        element = self.loop.element_variable
        return frozenset({LOOP_COUNTER, element} if element else {LOOP_COUNTER})

    def scope(self, child: Any, submitted: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """What an instance sees: the case data (the body's), what its person submits, its own locals and
        the body's counters."""
        body = child.parent
        own = {key: child.data[key] for key in self.locals() if key in child.data}
        return {**body.data, **(submitted or {}), **own, **body.internal_data.get(COUNTS_KEY, {})}


class MultiInstanceUserTaskParser(UserTaskParser):  # type: ignore[misc]
    """Makes a ``MultiInstanceBody`` of a user task with ``multiInstanceLoopCharacteristics``."""

    def _add_multiinstance_task(self, loop_characteristics: Any) -> None:
        loop = read_loop(self.node)
        assert loop is not None
        original = self.spec.task_specs.pop(self.task.name)
        body = MultiInstanceBody(self.spec, original.name, loop, description="Multi-instance")
        setattr(self, "task", body)  # noqa: B010 - SpiffWorkflow's parser attribute, not ours to declare
        self._copy_task_attrs(original, loop_characteristics)
        original.completed_event.connect(body.merge_child)


def loop_counter(task: Any) -> int:
    counter: int = task.internal_data[LOOP_KEY][LOOP_COUNTER]
    return counter
