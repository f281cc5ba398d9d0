"""Finding the cases a supervisor must look at, each with the reason it is listed.

One detector per kind of trouble, all reading projection tables (``uow.supervision``); only cases that
already look stuck or failed are restored, to name the element a timer or a silent case waits at.

- overdue / near due: open deadlines read again on the bureau's calendar (red / yellow);
- stuck: a task nobody can be offered (no performer, 无人可办: no assignee and no candidates, or only ones
  that match no active user — ``performers.has_performer``), listed at once; a task unclaimed longer than
  ``Settings.unclaimed_limit``, or waiting longer than its element's
  expected time (``expected_time``) since it appeared or was last claimed or reassigned (a supervisor
  who reassigns it restarts its clock); a timer more than ``Settings.timer_lag_seconds`` past due and
  not fired; a case with no task and no timer, quiet for longer than its element's expected time while
  it waits for a message or signal (``external-no-answer``) or for nothing at all (``no-progress``);
- failed: a ``step.failed`` record not followed by a later step, a due row whose firing failed, a dead
  webhook event.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from engine.deadlines.clock import closing_time, read
from engine.deadlines.rules import WarningLevel
from engine.kernel.bureau import ZONE, local_date
from engine.supervision.expected_time import expected_of, parse_expected, waited_text
from engine.supervision.performers import has_performer, no_performer_text
from engine.supervision.rows import Finding, WaitingTask

if TYPE_CHECKING:
    pass
from engine.supervision.detection.base import EXTERNAL, KIND_WORDS, MIN_IDLE
from engine.supervision.detection.failures import FailureDetection


class Detection(FailureDetection):
    """Every detector over one reading of the bureau (see ``DetectionBase``)."""

    def all(self) -> list[Finding]:
        found: list[Finding] = []
        for detector in (
            self.deadlines,
            self.waiting_tasks,
            self.timers,
            self.idle_cases,
            self.failed_steps,
            self.external_incidents,
            self.dead_webhooks,
        ):
            found += detector()
        return found

    # -- overdue and near due ----------------------------------------------------------------------
    def deadlines(self) -> list[Finding]:
        today, found = local_date(self.now), []
        for row in self.uow.supervision.open_deadlines():
            if self.skip(row.deadline.case_id):
                continue
            deadline = row.deadline
            reading = read(deadline, self.calendar, today, int(self.settings.yellow_days))
            if reading.due is None or reading.level is WarningLevel.GREEN:
                continue
            zh_kind, en_kind = KIND_WORDS.get(deadline.kind, (deadline.kind, deadline.kind))
            due = reading.due.date.isoformat()
            task = self.uow.tasks.get(deadline.ref) if deadline.ref else None
            element = task.element_id if task is not None else None
            if reading.level is WarningLevel.RED:
                late = max(-reading.remaining, 0)
                found.append(
                    self.finding(
                        "deadline-overdue",
                        deadline.case_id,
                        row.process_key,
                        _day_end(reading.due.date),
                        f"{zh_kind}已超期：应于 {due} 前办结，已超过 {late} 个工作日",
                        f"{en_kind} overdue: due {due}, {late} working day(s) late",
                        process_id=row.process_id,
                        element_id=element,
                        ref=str(deadline.id),
                        message=deadline.basis,
                    )
                )
            else:
                found.append(
                    self.finding(
                        "deadline-near",
                        deadline.case_id,
                        row.process_key,
                        deadline.opened_at,
                        f"{zh_kind}将于 {due} 到期，剩余 {reading.remaining} 个工作日",
                        f"{en_kind} due {due}: {reading.remaining} working day(s) left",
                        process_id=row.process_id,
                        element_id=element,
                        ref=str(deadline.id),
                        message=deadline.basis,
                    )
                )
        return found

    # -- tasks: unclaimed, or over their expected time -------------------------------------------------
    def waiting_tasks(self) -> list[Finding]:
        unclaimed_limit = parse_expected(self.settings.unclaimed_limit, "default") or expected_of(None, "3")
        found = []
        for waiting in self.tasks:
            task = waiting.task
            if waiting.case_status != "running":
                continue  # a suspended case is paused on purpose
            since = max(task.created_at, waiting.last_assigned_at or task.created_at)
            if not has_performer(task, self.staff()):
                zh, en = no_performer_text(task)
                found.append(self._task_finding("task-no-performer", waiting, since, zh, en))
                continue
            waited_zh, waited_en = waited_text(since, self.now, self.calendar)
            groups = "、".join(task.candidate_groups) or "-"
            if task.assignee is None and self.now > unclaimed_limit.limit(since, self.calendar):
                found.append(
                    self._task_finding(
                        "task-unclaimed",
                        waiting,
                        since,
                        f"任务“{task.name}”已 {waited_zh}无人认领"
                        f"（上限 {unclaimed_limit.text_zh}；候选：{groups}）",
                        f"Task '{task.name}' unclaimed for {waited_en} "
                        f"(limit {unclaimed_limit.text_en}; "
                        f"candidates: {', '.join(task.candidate_groups) or '-'})",
                    )
                )
                continue
            expected = expected_of(
                self.element(waiting.process_id, task.element_id), self.settings.expected_default
            )
            if self.now > expected.limit(since, self.calendar):
                who = task.assignee or "-"
                found.append(
                    self._task_finding(
                        "task-over-expected",
                        waiting,
                        since,
                        f"任务“{task.name}”已等待 {waited_zh}，超过预期 {expected.text_zh}（办理人：{who}）",
                        f"Task '{task.name}' has waited {waited_en}, "
                        f"over its expected {expected.text_en} "
                        f"(assignee: {who})",
                    )
                )
        return found

    def _task_finding(self, code: str, waiting: WaitingTask, since: datetime, zh: str, en: str) -> Finding:
        task = waiting.task
        return self.finding(
            code,
            task.case_id,
            task.process_key,
            since,
            zh,
            en,
            process_id=waiting.process_id,
            element_id=task.element_id,
            ref=task.id,
            assignee=task.assignee,
            groups=task.candidate_groups,
        )

    # -- cases with nothing to do: waiting for an external system, or for nothing -----------------------
    def idle_cases(self) -> list[Finding]:
        found = []
        for idle in self.uow.supervision.idle_cases(self.now - MIN_IDLE):
            if self.skip(idle.case_id):
                continue
            case = self.uow.cases.get(idle.case_id)
            if case is None:
                continue
            workflow = self.ctx.runner.restore(self.ctx.processes.get(self.uow, idle.process_id), case.state)
            waits = [w for w in workflow.waiting_at() if w.kind != "timer"] or [None]
            found += [f for w in waits if (f := self._idle_finding(idle, w)) is not None]
        return found

    def _idle_finding(self, idle: Any, waiting: Any) -> Finding | None:
        element_id = waiting.element_id if waiting is not None else None
        info = self.element(idle.process_id, element_id)
        expected = expected_of(info, self.settings.expected_default)
        if self.now <= expected.limit(idle.updated_at, self.calendar):
            return None
        name = getattr(info, "name", None) or element_id or "-"
        waited_zh, waited_en = waited_text(idle.updated_at, self.now, self.calendar)
        if waiting is not None and waiting.kind in EXTERNAL:
            return self.finding(
                "external-no-answer",
                idle.case_id,
                idle.process_key,
                idle.updated_at,
                f"等待外部答复“{name}”已 {waited_zh}，超过预期 {expected.text_zh}",
                f"Waiting for an external answer at '{name}' for {waited_en}, over its "
                f"expected {expected.text_en}",
                process_id=idle.process_id,
                element_id=element_id,
                ref=waiting.task_id,
                message=waiting.kind,
            )
        return self.finding(
            "no-progress",
            idle.case_id,
            idle.process_key,
            idle.updated_at,
            f"办件停在“{name}”已 {waited_zh}，没有任何待办、定时器或消息可推进",
            f"The case has stood at '{name}' for {waited_en} with no task, timer or message to move it",
            process_id=idle.process_id,
            element_id=element_id,
            ref=waiting.task_id if waiting is not None else None,
        )


def _day_end(day: Any) -> datetime:
    return closing_time(day).astimezone(ZONE)
