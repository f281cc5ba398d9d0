"""Detecting what failed: timers late or failed to fire, failed steps, dead webhook events."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from engine.deadlines.rows import BPMN_TIMER
from engine.kernel.ports import present
from engine.supervision.rows import Finding

if TYPE_CHECKING:
    pass
from engine.supervision.detection.base import DetectionBase, local_text


class FailureDetection(DetectionBase):
    # -- timers: late, failed ---------------------------------------------------------------------------
    def timers(self) -> list[Finding]:
        lag = timedelta(seconds=int(self.settings.timer_lag_seconds))
        failed = self.uow.supervision.failed_due()
        failed_ids = {row.item.id for row in failed}
        found = []
        for row in [r for r in failed if not self.skip(r.item.case_id)]:
            item = row.item
            found.append(
                self.finding(
                    "timer-failed",
                    item.case_id,
                    row.process_key,
                    item.due_at,
                    f"到期事项（{item.kind}）触发失败，已尝试 {item.attempts} 次：{item.last_error}",
                    f"Due item ({item.kind}) failed to fire after {item.attempts} attempt(s): "
                    f"{item.last_error}",
                    process_id=row.process_id,
                    element_id=self._timer_element(row),
                    ref=str(item.id),
                    message=item.last_error or "",
                    subject=item.kind,
                )
            )
        for row in self.uow.supervision.late_due(self.now - lag):
            if self.skip(row.item.case_id):
                continue
            item = row.item
            if item.id in failed_ids:
                continue
            minutes = int((self.now - item.due_at).total_seconds() // 60)
            found.append(
                self.finding(
                    "timer-late",
                    item.case_id,
                    row.process_key,
                    item.due_at,
                    f"到期事项（{item.kind}）应于 {local_text(item.due_at)} 触发，"
                    f"已晚 {minutes} 分钟仍未触发",
                    f"Due item ({item.kind}) was due at {local_text(item.due_at)} and is {minutes} min late",
                    process_id=row.process_id,
                    element_id=self._timer_element(row),
                    ref=str(item.id),
                    subject=item.kind,
                )
            )
        return found

    def _timer_element(self, row: Any) -> str | None:
        item = row.item
        if item.kind != BPMN_TIMER or item.case_id is None or row.process_id is None:
            return None
        case = self.uow.cases.get(item.case_id)
        if case is None:
            return None
        workflow = self.ctx.runner.restore(self.ctx.processes.get(self.uow, row.process_id), case.state)
        return next((t.element_id for t in workflow.waiting_timers() if t.task_id == item.ref), None)

    # -- failures -------------------------------------------------------------------------------------------
    def failed_steps(self) -> list[Finding]:
        found = []
        for step in self.uow.supervision.failed_steps():
            if self.skip(step.case_id):
                continue
            if step.payload.get("source") == "timer":
                continue  # the due row carries it (timer-failed) until it fires
            case = self.uow.cases.get(step.case_id)
            zh, en = str(step.payload.get("reason_zh", "")), str(step.payload.get("reason_en", ""))
            found.append(
                self.finding(
                    "step-failed",
                    step.case_id,
                    step.process_key,
                    step.recorded_at,
                    f"步骤执行失败（{step.payload.get('actor', '-')} 提交时）：{zh}",
                    f"A step failed (submitted by {step.payload.get('actor', '-')}): {en}",
                    process_id=case.process_id if case else None,
                    element_id=step.element_id,
                    ref=str(step.seq),
                    message=en,
                )
            )
        return found

    def dead_webhooks(self) -> list[Finding]:
        found = []
        dead = self.uow.outbox.events(status="dead", stream=self.only, limit=1000)
        for event in dead:
            case = self.uow.cases.get(event.case_id) if event.case_id else None
            if case is not None and case.status not in ("running", "suspended", "completed"):
                continue
            error = event.last_error or "-"
            found.append(
                self.finding(
                    "webhook-dead",
                    event.case_id,
                    case.process_key if case else None,
                    event.next_attempt_at,
                    f"推送事件 {event.event_type} 在 {event.attempts} 次尝试后放弃：{error}",
                    f"Webhook event {event.event_type} given up after {event.attempts} attempt(s): {error}",
                    ref=event.id,
                    message=error,
                    subject=event.event_type,
                )
            )
        return found

    def external_incidents(self) -> list[Finding]:
        """External tasks a worker failed with no retries left (``engine.external_tasks``)."""
        found = []
        for row in self.uow.external_tasks.incidents(self.only):
            error = row.error_message or "-"
            found.append(
                self.finding(
                    "external-task-incident",
                    row.case_id,
                    row.process_key,
                    present(row.incident_at, "incident time"),
                    f"外部任务（主题 {row.topic}）重试用尽，工作者 {row.worker_id or '-'} 报告：{error}",
                    f"External task (topic {row.topic}) has no retries left; worker {row.worker_id or '-'} "
                    f"reported: {error}",
                    process_id=row.process_id,
                    element_id=row.element_id,
                    ref=row.id,
                    message=error,
                )
            )
        return found
