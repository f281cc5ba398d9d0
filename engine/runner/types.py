"""Plain values the runner returns: nothing here is a SpiffWorkflow object."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from engine.kernel.form_fields import GeneratedForm


@dataclass(frozen=True, slots=True)
class LoopInfo:
    """A ``multiInstanceLoopCharacteristics`` as Camunda 7 reads it (``BpmnParse``): the collection is
    ``loopDataInputRef`` or else ``camunda:collection`` (an expression when it holds ``{``, else a variable
    name); the element variable is ``inputDataItem/@name`` or else ``camunda:elementVariable``."""

    sequential: bool
    cardinality: str | None = None
    collection: str | None = None
    element_variable: str | None = None
    completion_condition: str | None = None


@dataclass(frozen=True, slots=True)
class InstanceInfo:
    """One instance of a multi-instance body (会签/或签/票签): which body activation, which instance."""

    body: str  # the body's task id: the same for every instance of one activation
    loop_counter: int
    nr_of_instances: int
    sequential: bool


@dataclass(frozen=True, slots=True)
class ElementInfo:
    """What Camunda Modeler wrote on one flow node, including what CamundaParser drops."""

    element_id: str
    tag: str
    name: str
    line: int | None = None
    candidate_groups: tuple[str, ...] = ()  # entries as written (text or ${...}), split at commas
    candidate_users: tuple[str, ...] = ()
    assignee: str | None = None
    due_date: str | None = None
    follow_up_date: str | None = None
    priority: str | None = None
    initiator: str | None = None  # startEvent camunda:initiator: the variable given the starter's id
    generated_form: GeneratedForm | None = None  # camunda:formData (userTask, startEvent)
    form_ref: str | None = None
    form_ref_binding: str | None = None
    form_ref_version: str | None = None
    form_key: str | None = None
    properties: dict[str, str] = field(default_factory=dict)
    topic: str | None = None  # serviceTask camunda:type="external"
    delegate: str | None = None  # serviceTask camunda:delegateExpression="${name}"
    lane: str | None = None
    loop: LoopInfo | None = None  # multi-instance characteristics
    outputs: tuple[tuple[str, str], ...] = ()  # camunda:outputParameter name -> text (user tasks)

    @property
    def role(self) -> str | None:
        return self.properties.get("sanxiang.role")

    @property
    def form_id(self) -> str | None:
        """The form this task shows: formRef, or a ``camunda-forms:deployment:x.form`` formKey."""
        if self.form_ref:
            return self.form_ref
        key = self.form_key or ""
        for prefix in ("camunda-forms:deployment:", "camunda-forms:app:"):
            if key.startswith(prefix):
                name = key[len(prefix) :]
                return name[:-5] if name.endswith(".form") else name
        return key or None


@dataclass(frozen=True, slots=True)
class Assignment:
    """A user task's performers, dates and priority as resolved when it was created (``task_attributes``)."""

    assignee: str | None = None
    candidate_users: tuple[str, ...] = ()
    candidate_groups: tuple[str, ...] = ()
    due_at: datetime | None = None
    follow_up_at: datetime | None = None
    priority: int = 50

    @property
    def has_performer(self) -> bool:
        return bool(self.assignee or self.candidate_users or self.candidate_groups)


@dataclass(frozen=True, slots=True)
class ReadyTask:
    task_id: str
    element: ElementInfo
    data: dict[str, Any]  # what the task sees, its instance's variables included
    assignee: str | None = None  # evaluated from the element's expression (multi-instance)
    name: str | None = None  # likewise, from a name with ${…}
    instance: InstanceInfo | None = None  # set on an instance of a multi-instance body
    assignment: Assignment = field(default_factory=Assignment)  # performers, dates, priority (resolved)


@dataclass(frozen=True, slots=True)
class PendingTimer:
    task_id: str
    element_id: str
    due_at: datetime


@dataclass(frozen=True, slots=True)
class Effect:
    """Something a service-task handler asked for, carried out by the service in the same transaction."""

    kind: str
    element_id: str
    payload: dict[str, Any]


@dataclass(slots=True)
class StepResult:
    completed_elements: list[str] = field(default_factory=list)
    effects: list[Effect] = field(default_factory=list)
