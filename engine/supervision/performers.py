"""Whether a waiting task has anyone who could do it: the rule behind the console's "no performer" (无人可办).

A task has a performer when its assignee is an active user, or (unassigned) one of its candidate users is
active or one of its candidate groups has an active member. A task created with nobody at all (the diagram
names no one, or its expressions resolved to no one) or only with people and groups nobody active matches
has none: the supervisor console lists it at once, and a supervisor may assign it to any active user
(``supervision_actions.reassign_task``). The linter warns about a diagram whose task names nobody
(SX-D142)."""

from __future__ import annotations

from collections.abc import Iterable

from engine.kernel.ports import Actor, TaskRow


def has_performer(task: TaskRow, staff: Iterable[Actor]) -> bool:
    people = list(staff)
    if task.assignee is not None:
        return any(user.user_id == task.assignee for user in people)
    return any(user.user_id in task.candidate_users or user.in_any(task.candidate_groups) for user in people)


def no_performer_text(task: TaskRow) -> tuple[str, str]:
    named_zh = (
        "、".join(
            [
                *(f"办理人 {task.assignee}" for _ in [0] if task.assignee),
                *(f"候选人 {u}" for u in task.candidate_users),
                *(f"候选组 {g}" for g in task.candidate_groups),
            ]
        )
        or "无任何人"
    )
    named_en = (
        ", ".join(
            [
                *(f"assignee {task.assignee}" for _ in [0] if task.assignee),
                *(f"candidate user {u}" for u in task.candidate_users),
                *(f"candidate group {g}" for g in task.candidate_groups),
            ]
        )
        or "nobody"
    )
    return (
        f"任务“{task.name}”无人可办：所指定的（{named_zh}）没有对应的在岗人员；请改派给能办理的人员",
        f"Task '{task.name}' has no performer: what it names ({named_en}) matches no active user; "
        "reassign it to someone who can do it",
    )
