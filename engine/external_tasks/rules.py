"""The rules of an external task's lock and retries (pure, Camunda 7's ``ExternalTaskEntity``).

- A worker acts on a task only while it holds the lock: the same ``workerId`` and a lock not expired.
  Camunda 7 only compares the worker; Sanxiang also refuses an expired lock, because another worker may
  fetch the task from that moment (exactly once across servers).
- A failure sets the retries the worker gives; at 0 the task is an incident (it is no longer fetched)
  until someone sets retries again (``PUT /external-task/{id}/retries``).
- A task is fetchable when it has no live lock, is not an incident and its retry timeout has passed.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from engine.errors import Conflict, InvalidInput, NotFound
from engine.external_tasks.rows import ExternalTaskRow

MAX_LOCK = timedelta(days=7)
# the roles (``sanxiang.role``) whose task a person must do: a worker's completion is refused (three systems)
PERSON_ROLES = frozenset({"legal-review", "coordination", "decision", "on-site", "hearing"})


def person_must_decide(element_id: str, role: str | None) -> tuple[str, str] | None:
    """Why a worker may not do the task of this element (zh, en), or None."""
    if role not in PERSON_ROLES:
        return None
    return (
        f"“{element_id}”是须由人办理的环节（{role}：法制审核、集体讨论、决定或现场执法），外部工作者不能完成",
        f"'{element_id}' is a step a person must do ({role}: legal review, collective discussion, "
        "decision or on-site enforcement); an external worker cannot complete it",
    )


def fetchable(row: ExternalTaskRow, now: datetime) -> bool:
    if row.retries is not None and row.retries <= 0:
        return False
    if row.retry_at is not None and row.retry_at > now:
        return False
    return row.lock_expires_at is None or row.lock_expires_at <= now


def check_lock(row: ExternalTaskRow | None, task_id: str, worker_id: str, now: datetime) -> ExternalTaskRow:
    """``row`` when ``worker_id`` holds its live lock; otherwise the error Camunda 7 answers."""
    if row is None:
        raise NotFound(
            f"外部任务 {task_id} 不存在",
            f"External task with id {task_id} does not exist",
            code="external-task-not-found",
        )
    if row.worker_id != worker_id:
        raise InvalidInput(
            f"外部任务 {task_id} 不能由工作者“{worker_id}”处理，它由“{row.worker_id}”锁定",
            f"External Task {task_id} cannot be completed by worker '{worker_id}'. It is locked by worker "
            f"'{row.worker_id}'.",
            code="external-task-locked-by-other",
        )
    if row.lock_expires_at is None or row.lock_expires_at <= now:
        raise InvalidInput(
            f"外部任务 {task_id} 的锁已过期，请重新领取",
            f"The lock of external task {task_id} has expired; fetch it again",
            code="external-task-lock-expired",
        )
    return row


def lock_duration(milliseconds: object, what: str = "lockDuration") -> timedelta:
    if isinstance(milliseconds, bool) or not isinstance(milliseconds, int) or milliseconds <= 0:
        raise InvalidInput(
            f"{what} 须为正整数（毫秒）",
            f"{what} must be a positive whole number of milliseconds",
            code="invalid-lock-duration",
        )
    return min(timedelta(milliseconds=milliseconds), MAX_LOCK)


def retries(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidInput(
            "retries 须为非负整数", "retries must be a whole number, 0 or more", code="invalid-retries"
        )
    return value


def not_incident(row: ExternalTaskRow) -> None:
    if row.retries is not None and row.retries <= 0:
        raise Conflict(
            f"外部任务 {row.id} 已成为事件（重试次数为 0）",
            f"External task {row.id} is an incident (no retries left)",
            code="external-task-incident",
        )
