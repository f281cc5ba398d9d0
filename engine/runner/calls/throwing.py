"""``Workflow.raise_error``: the façade's hook to throw a BPMN error at a waiting or active task."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState

from engine.errors import Conflict, NotFound
from engine.runner.calls.bpmn_error import catcher, deliver, uncaught
from engine.runner.types import ReadyTask, StepResult

_ACTIVE = TaskState.READY | TaskState.STARTED | TaskState.WAITING


class ErrorThrowing:
    """Mixed into ``engine.runner.workflow.Workflow``."""

    _wf: Any

    if TYPE_CHECKING:

        def _step(self, now: datetime, action: Callable[[], None]) -> StepResult: ...

    def raise_error(
        self, task_id_or_task: str | ReadyTask, error_code: str, message: str, now: datetime
    ) -> StepResult:
        """Throw the BPMN error ``error_code`` (with ``message``) at a waiting or active task of this case:
        a person's task, an instance of a multi-instance task, or an external service task.

        ``task_id_or_task`` is the task's id (``ReadyTask.task_id``, the API's task id) or the ``ReadyTask``.
        The error boundary event on that task catching ``error_code`` (or a catch-all one), else the one on
        the enclosing multi-instance body or embedded subprocess, interrupts it and the case goes on from
        the boundary; its ``camunda:errorCodeVariable``/``errorMessageVariable`` receive the code and the
        message. Raises ``NotFound`` (``task-not-found``), ``Conflict`` (``task-not-ready``) for a task that
        is not waiting, and ``Conflict`` (``bpmn-error-uncaught``, details ``error_code``) when nothing
        catches it; on any of these nothing changed. Same transaction rules as ``complete_task``."""
        task = self._active_task(
            task_id_or_task.task_id if isinstance(task_id_or_task, ReadyTask) else task_id_or_task
        )
        boundary = catcher(task, error_code)
        if boundary is None:
            raise uncaught(error_code, message, task.task_spec.bpmn_id)
        return self._step(now, lambda: deliver(boundary, error_code, message))

    def _active_task(self, task_id: str) -> Any:
        try:
            task = self._wf.get_task_from_id(UUID(task_id))
        except (ValueError, SpiffWorkflowException, KeyError):
            task = None
        if task is None:
            raise NotFound("任务不存在", f"No task {task_id} in this case", code="task-not-found")
        if not task.has_state(_ACTIVE):
            raise Conflict(
                "任务已不是待办状态，不能对其抛出错误",
                f"Task {task_id} is not waiting or active: no error can be thrown at it",
                code="task-not-ready",
            )
        return task
