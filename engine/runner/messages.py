"""BPMN messages a case waits for, and delivering one (Camunda 7's message correlation)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from SpiffWorkflow.bpmn.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.bpmn.util import BpmnEvent
from SpiffWorkflow.util.task import TaskState

from engine.errors import Conflict
from engine.runner.types import StepResult


class MessageCorrelation:
    """Mixed into ``engine.runner.workflow.Workflow``."""

    _wf: Any

    if TYPE_CHECKING:

        def _step(self, now: datetime, action: Callable[[], None]) -> StepResult: ...
        def _all_tasks(self) -> list[Any]: ...

    def awaits_message(self, name: str) -> bool:
        """Whether an event of this case waits for the BPMN message ``name``."""
        return bool(self._message_waiters(name))

    def _message_waiters(self, name: str) -> list[Any]:
        return [
            t
            for t in self._all_tasks()
            if t.has_state(TaskState.WAITING)
            and isinstance(getattr(t.task_spec, "event_definition", None), MessageEventDefinition)
            and t.task_spec.event_definition.name == name
        ]

    def correlate_message(self, name: str, payload: Mapping[str, Any], now: datetime) -> StepResult:
        """Deliver the BPMN message ``name`` to the events of this case waiting for it.

        The payload's keys become case variables (as Camunda 7's ``processVariables`` of a
        correlation); SpiffWorkflow also keeps the whole payload in the catch event's
        ``camunda:resultVariable`` (default ``<element id>_Response``). Raises ``Conflict`` when
        nothing in the case waits for this message."""
        waiting = self._message_waiters(name)
        if not waiting:
            raise Conflict(
                f"办件当前不在等待消息 {name}",
                f"The case is not waiting for message {name}",
                code="message-not-awaited",
            )
        definition = waiting[0].task_spec.event_definition

        def deliver() -> None:
            for task in waiting:
                task.data.update(payload)
            self._wf.send_event(
                BpmnEvent(
                    definition,
                    payload={"payload": dict(payload), "result_var": getattr(definition, "result_var", None)},
                )
            )

        return self._step(now, deliver)
