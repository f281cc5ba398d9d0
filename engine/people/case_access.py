"""Who may read a case and who may work on it: the subject of a permission check and the two case
predicates."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property

from engine.kernel.ports import Actor, CaseRow, TaskRow, UnitOfWork
from engine.people.rows import Delegation

READ_ALL = frozenset({"supervisor", "admin", "approver"})  # 负责人 approve extensions of any case


class Subject:
    """What an action is on: a case, one of its tasks, a pending delegation. The task's case and the
    case's tasks are read only when a rule needs them (who may read the case)."""

    def __init__(
        self,
        uow: UnitOfWork | None,
        case: CaseRow | None = None,
        task: TaskRow | None = None,
        delegation: Delegation | None = None,
        tasks: Sequence[TaskRow] | None = None,
    ) -> None:
        self._uow, self.task, self.delegation = uow, task, delegation
        if case is not None or task is None or uow is None:
            self.__dict__["case"] = case
        if tasks is not None:
            self.__dict__["tasks"] = tasks

    @cached_property
    def case(self) -> CaseRow | None:
        found: CaseRow | None = self._uow.cases.get(self.task.case_id) if self._uow and self.task else None
        return found

    @cached_property
    def tasks(self) -> Sequence[TaskRow]:
        if self.case is None or self._uow is None:
            return ()
        found: Sequence[TaskRow] = self._uow.tasks.for_case(self.case.id)
        return found


def may_work_on(actor: Actor, task: TaskRow) -> bool:
    """The task's assignee; unclaimed, its candidate groups and users."""
    if task.assignee is not None:
        return task.assignee == actor.user_id
    return actor.in_any(task.candidate_groups) or actor.user_id in task.candidate_users


def may_read_case(actor: Actor, case: CaseRow, tasks: Sequence[TaskRow]) -> bool:
    """Supervisors, admins and approvers; who opened it; who has or had one of its tasks; its candidates."""
    if actor.in_any(READ_ALL) or case.started_by == actor.user_id:
        return True
    return any(
        t.assignee == actor.user_id
        or t.completed_by == actor.user_id
        or actor.in_any(t.candidate_groups)
        or actor.user_id in t.candidate_users
        for t in tasks
    )
