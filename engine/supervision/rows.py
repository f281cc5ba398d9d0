"""Rows of the supervisor console: what the store hands the supervision services, what they hand back.

A ``Finding`` is one line of the console: a case (or a system item such as a dead webhook) listed under
one status — ``overdue`` (red), ``near-due`` (yellow), ``stuck`` or ``failed`` — with the reason it is
listed (a stable ``code`` and a sentence in Chinese and English), the element, a message and the moment
the condition began. ``REASONS`` names every code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engine.deadlines.rows import DeadlineRow, DueItem
    from engine.kernel.ports import TaskRow

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from engine.kernel.json_types import JsonObject

OVERDUE, NEAR_DUE, STUCK, FAILED = "overdue", "near-due", "stuck", "failed"
STATUSES = (OVERDUE, NEAR_DUE, STUCK, FAILED)

# code -> (status, what it means in Chinese, in English); sentences with details are built per finding
REASONS: dict[str, tuple[str, str, str]] = {
    "deadline-overdue": (OVERDUE, "办理时限已超期（红牌）", "The deadline has passed (red)"),
    "deadline-near": (NEAR_DUE, "办理时限即将到期（黄牌）", "The deadline is near (yellow)"),
    "task-over-expected": (
        STUCK,
        "任务停留超过该环节的预期时长",
        "A task has waited longer than its step should take",
    ),
    "task-unclaimed": (STUCK, "任务长时间无人认领", "Nobody has claimed a task for too long"),
    "task-no-performer": (STUCK, "无人可办", "No performer: nobody can be offered the task"),
    "timer-late": (STUCK, "定时器已到期但未触发", "A timer is past due and has not fired"),
    "external-no-answer": (STUCK, "等待外部系统答复超时", "An external system has not answered in time"),
    "no-progress": (STUCK, "办件无可推进的环节", "Nothing in the case can move forward"),
    "step-failed": (FAILED, "办理步骤执行失败", "A step failed while running"),
    "timer-failed": (FAILED, "定时器触发失败", "A timer failed when it fired"),
    "external-task-incident": (
        FAILED,
        "外部任务重试用尽（事件）",
        "An external task has no retries left (incident)",
    ),
    "webhook-dead": (FAILED, "推送事件投递失败（已放弃）", "A webhook event could not be delivered (dead)"),
}


@dataclass(frozen=True, slots=True)
class Finding:
    case_id: str | None
    process_key: str | None
    status: str
    code: str
    reason_zh: str
    reason_en: str
    since: datetime  # when the condition began (task created, due time, failure…)
    element_id: str | None = None
    element_name: str | None = None
    message: str = ""  # the error text, the event type…: as the system gave it
    ref: str | None = None  # what an action acts on: task id, due item id, event id, record seq
    assignee: str | None = None
    groups: tuple[str, ...] = ()
    lane: str | None = None
    subject: str | None = None  # the event type of a webhook, the kind of a due item

    def age(self, now: datetime) -> timedelta:
        return max(now - self.since, timedelta(0))

    @property
    def key(self) -> str:
        """The identity of the condition (one alert per key and beginning)."""
        return f"{self.code}:{self.ref or self.element_id or ''}"


@dataclass(frozen=True, slots=True)
class SupervisionFilter:
    process_key: str | None = None
    department: str | None = None  # a lane name or a candidate group
    assignee: str | None = None  # a user id; "-" = unassigned
    min_age_days: float | None = None
    status: str | None = None  # one of STATUSES
    case_id: str | None = None


@dataclass(frozen=True)
class Dashboard:
    now: datetime
    findings: list[Finding]
    cases_by_status: dict[str, int]
    cases_by_item: dict[str, dict[str, int]]  # process key -> status -> count
    findings_by_status: dict[str, int]
    findings_by_item: dict[str, dict[str, int]]  # process key -> finding status -> count
    items: dict[str, str] = field(default_factory=dict)  # process key -> item name


# -- what the store returns ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WaitingTask:
    """A ready task of a running or suspended case, with its case's process version."""

    task: TaskRow
    process_id: int
    case_status: str
    last_assigned_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class OpenDeadline:
    deadline: DeadlineRow
    process_key: str
    process_id: int


@dataclass(frozen=True, slots=True)
class DueOfCase:
    item: DueItem
    process_key: str | None
    process_id: int | None


@dataclass(frozen=True, slots=True)
class FailedStep:
    seq: int
    case_id: str
    process_key: str
    task_id: str | None
    element_id: str | None
    payload: JsonObject
    recorded_at: datetime


@dataclass(frozen=True, slots=True)
class IdleCase:
    case_id: str
    process_key: str
    process_id: int
    updated_at: datetime
