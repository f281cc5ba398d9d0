"""What every detector shares: one reading of the bureau at ``now`` in one read-only unit of work,
the element a finding names, the finding itself with the case's current task, the staff."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from engine.kernel.bureau import ZONE
from engine.kernel.json_types import JsonObject, JsonValue
from engine.kernel.ports import Actor, UnitOfWork
from engine.kernel.workdays import WorkdayCalendar
from engine.supervision.rows import REASONS, Finding, WaitingTask

if TYPE_CHECKING:
    from engine.kernel.context import AppContext

KIND_WORDS = {
    "acceptance-notice": ("受理告知时限", "Acceptance notice"),
    "decision": ("决定时限", "Decision limit"),
    "delivery": ("送达时限", "Delivery limit"),
    "disclosure": ("公示时限", "Disclosure limit"),
    "legal-review": ("法制审核时限", "Legal review limit"),
}
EXTERNAL = frozenset({"message", "signal", "external"})  # "external": an external task waiting for a worker
MIN_IDLE = timedelta(hours=1)  # a case quiet for less than this is never restored to look


def local_text(moment: datetime) -> str:
    return moment.astimezone(ZONE).strftime("%Y-%m-%d %H:%M")


class DetectionBase:
    """One reading of the whole bureau at ``now``, inside one read-only unit of work."""

    def __init__(
        self,
        ctx: AppContext,
        uow: UnitOfWork,
        now: datetime,
        calendar: WorkdayCalendar,
        case_id: str | None = None,
    ) -> None:
        self.ctx, self.uow, self.now, self.calendar = ctx, uow, now, calendar
        self.settings = ctx.settings
        self.only = case_id  # one case's findings (the case view): others are skipped early
        self.tasks: list[WaitingTask] = uow.supervision.waiting_tasks(case_id=case_id)
        self._staff: list[Actor] | None = None
        self.current: dict[str, WaitingTask] = {}
        for waiting in self.tasks:
            self.current.setdefault(waiting.task.case_id, waiting)

    def element(self, process_id: int | None, element_id: str | None) -> Any:
        if process_id is None or element_id is None:
            return None
        return self.ctx.processes.get(self.uow, process_id).elements.get(element_id)

    def finding(
        self,
        code: str,
        case_id: str | None,
        process_key: str | None,
        since: datetime,
        zh: str,
        en: str,
        *,
        process_id: int | None = None,
        element_id: str | None = None,
        **extra: JsonValue,
    ) -> Finding:
        """A finding, with the element's name and lane and the case's current task (assignee, groups)."""
        info = self.element(process_id, element_id)
        task = self.current.get(case_id or "")
        values: JsonObject = {
            "assignee": task.task.assignee if task else None,
            "groups": task.task.candidate_groups if task else (),
            "lane": getattr(info, "lane", None),
        }
        values.update(extra)
        status, _, _ = REASONS[code]
        return Finding(
            case_id,
            process_key,
            status,
            code,
            zh,
            en,
            since,
            element_id,
            (getattr(info, "name", None) or element_id),
            **values,
        )

    def skip(self, case_id: str | None) -> bool:
        return self.only is not None and case_id != self.only

    def staff(self) -> list[Actor]:
        """The active users and their groups, read once per detection."""
        if self._staff is None:
            self._staff = list(self.uow.users.list())
        return self._staff
