"""What the façade reads and writes of a person's task, which may be an instance of a multi-instance body
(``engine.runner.user_tasks.multi_instance``): its body, the scope it sees, its instance, who holds it,
what its person may submit and what is written back.

``camunda:outputParameter`` on a user task runs as Camunda 7 runs it (``IoMapping.executeOutputParameters``):
when the task completes, each output parameter whose value is text (an EL expression such as
``${vote == 'approve' ? nrOfApproved + 1 : nrOfApproved}``, or literal text) is evaluated in the task's
scope — what the person submitted, the case variables and, on an instance, its ``loopCounter``, element
variable and the body's counters — and set as a case variable (``setVariable`` on the enclosing scope):
how a 票签 counts its votes without Java. Script, list and map values and input parameters are refused or
reported by the linter (SX-D126).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from engine.errors import InvalidInput
from engine.runner.expressions.template import CompiledTemplate, compile_template
from engine.runner.types import ElementInfo, InstanceInfo, ReadyTask
from engine.runner.user_tasks.multi_instance import (
    ASSIGNEE_KEY,
    COUNTS_KEY,
    LOOP_KEY,
    NAME_KEY,
    NR_OF_INSTANCES,
    RESERVED,
    WRITTEN_KEY,
    MultiInstanceBody,
    loop_counter,
)


def body_of(task: Any) -> Any | None:
    """The body of an instance task, or None."""
    parent = task.parent
    if (
        parent is not None
        and isinstance(parent.task_spec, MultiInstanceBody)
        and LOOP_KEY in task.internal_data
    ):
        return parent
    return None


def instance_scope(task: Any, submitted: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """What an instance sees: the case data (the body's), its own locals, the body's counters."""
    body = body_of(task)
    if body is None:
        return {**task.data, **(submitted or {})}
    spec: MultiInstanceBody = body.task_spec
    return spec.scope(task, submitted)


def instance_info(task: Any) -> InstanceInfo | None:
    body = body_of(task)
    if body is None:
        return None
    return InstanceInfo(
        body=str(body.id),
        loop_counter=loop_counter(task),
        nr_of_instances=body.internal_data[COUNTS_KEY][NR_OF_INSTANCES],
        sequential=body.task_spec.loop.sequential,
    )


def instance_assignee(task: Any) -> str | None:
    value: str | None = task.internal_data.get(ASSIGNEE_KEY)
    return value


def instance_name(task: Any) -> str | None:
    value: str | None = task.internal_data.get(NAME_KEY)
    return value


def check_submission(task: Any, data: Mapping[str, Any]) -> None:
    """An instance's person may not set the body's counters or the loop counter (Camunda would let them
    overwrite the body's bookkeeping)."""
    if body_of(task) is None:
        return
    bad = sorted(RESERVED & set(data))
    if bad:
        raise InvalidInput(
            f"多实例任务不能提交保留变量：{', '.join(bad)}",
            f"A multi-instance task cannot set its reserved variables: {', '.join(bad)}",
            code="multi-instance-reserved",
            details={"variables": bad},
        )


def mark_written(task: Any, keys: Iterable[str]) -> None:
    """What the instance's person (and its output mappings) set: written back to the case on completion."""
    if body_of(task) is not None:
        task.internal_data[WRITTEN_KEY] = sorted(set(keys))


def is_instance(task: Any) -> bool:
    return body_of(task) is not None


OutputMappings = tuple[tuple[str, CompiledTemplate], ...]


def compile_outputs(outputs: tuple[tuple[str, str], ...], functions: frozenset[str]) -> OutputMappings:
    return tuple((name, compile_template(text, allowed_functions=functions)) for name, text in outputs)


def evaluate_outputs(
    mappings: OutputMappings, scope: Mapping[str, Any], engine: Any, element_id: str
) -> dict[str, Any]:
    """The variables the mappings set, each evaluated in ``scope`` (in document order, each seeing the
    ones before it, as Camunda sets them one by one)."""
    produced: dict[str, Any] = {}
    for name, template in mappings:
        produced[name] = (
            engine.evaluate_value(template, {**scope, **produced}, element_id) if template.source else None
        )  # an empty parameter sets null
    return produced


def ready_task(task: Any, elements: Mapping[str, ElementInfo]) -> ReadyTask:
    """A person's task as the runner returns it, its instance's variables, holder and name included."""
    return ReadyTask(
        task_id=str(task.id),
        element=elements[task.task_spec.bpmn_id],
        data=instance_scope(task),
        assignee=instance_assignee(task),
        name=instance_name(task),
        instance=instance_info(task),
    )


def submit(task: Any, data: Mapping[str, Any], engine: Any) -> None:
    """Put on a person's task what they submitted and what its output mappings compute from it (Camunda
    runs them as the task completes); an instance's reserved names are refused, what it set is noted."""
    check_submission(task, data)
    element_id = task.task_spec.bpmn_id
    mappings = engine.table.outputs.get(element_id, ())
    produced = evaluate_outputs(mappings, instance_scope(task, data), engine, element_id)
    task.data.update(data)
    task.data.update(produced)
    mark_written(task, [*data, *produced])
