"""Who handled a case (办理过本案的人员): nobody on this list may review it (法制审核人员回避).

Handling is every way of touching the case outside its legal review, read from the record and the tasks:
opening it, holding or claiming one of its tasks (assignee, transfer or reassignment target), being lent a
task (delegate), writing a draft of one, completing one (co-signers of a multi-instance task complete
their own instance), recording evidence on one, moving the case (supervisor), correcting its facts. The
legal-review tasks themselves (``review_elements``) are not handling: a reviewer may claim, draft and
complete the review.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from engine.kernel.json_types import JsonValue

HOW: dict[str, tuple[str, str]] = {
    "opened": ("受理立案", "opened it"),
    "assigned": ("办理任务", "held a task"),
    "claimed": ("认领任务", "claimed a task"),
    "delegated": ("受委派办理", "was delegated a task"),
    "drafted": ("填写草稿", "wrote a draft"),
    "completed": ("办结任务", "completed a task"),
    "evidence": ("上传证据", "recorded evidence"),
    "moved": ("移动办件", "moved the case"),
    "corrected": ("更正事实", "corrected its facts"),
}


@dataclass(frozen=True)
class RecordedAct:
    """What the rule reads of one record entry."""

    seq: int
    action: str
    actor: str
    element: str | None
    payload: Mapping[str, JsonValue]


@dataclass(frozen=True)
class TaskHolder:
    """What the rule reads of one task row."""

    element: str
    assignee: str | None
    completed_by: str | None


@dataclass(frozen=True)
class Touch:
    user: str
    how: str  # a key of HOW
    element: str | None
    seq: int | None = None  # the record entry, when it came from one


def _text(value: JsonValue) -> str | None:
    return value if isinstance(value, str) and value else None


# record action -> (who, how, whether it is a task's act, so that a review task's does not count)
_ACTS: dict[str, tuple[Callable[[RecordedAct], str | None], str, bool]] = {
    "case.started": (lambda a: a.actor, "opened", False),
    "task.claimed": (lambda a: a.actor, "claimed", True),
    "task.transferred": (lambda a: _text(a.payload.get("to")), "assigned", True),
    "task.reassigned": (lambda a: _text(a.payload.get("to")), "assigned", True),
    "task.delegated": (lambda a: _text(a.payload.get("delegate")), "delegated", True),
    "draft.authored": (lambda a: a.actor, "drafted", True),
    "task.completed": (lambda a: a.actor, "completed", True),
    "evidence.added": (lambda a: a.actor, "evidence", True),
    "case.moved": (lambda a: a.actor, "moved", False),
    "fact.corrected": (lambda a: a.actor, "corrected", False),
}


def _from_record(acts: Iterable[RecordedAct], review_elements: frozenset[str]) -> Iterable[Touch]:
    for act in acts:
        rule = _ACTS.get(act.action)
        if rule is None:
            continue
        who, how, task_act = rule
        user = who(act)
        if user and not (task_act and act.element in review_elements):
            yield Touch(user, how, act.element, act.seq)


def _from_tasks(tasks: Iterable[TaskHolder], review_elements: frozenset[str]) -> Iterable[Touch]:
    for task in tasks:
        if task.element in review_elements:
            continue
        if task.assignee:
            yield Touch(task.assignee, "assigned", task.element)
        if task.completed_by:
            yield Touch(task.completed_by, "completed", task.element)


def who_handled(
    acts: Iterable[RecordedAct],
    tasks: Iterable[TaskHolder],
    opener: str | None,
    review_elements: frozenset[str],
) -> dict[str, tuple[Touch, ...]]:
    """Everyone who handled the case, with how: user -> touches (record order, then tasks)."""
    found: dict[str, list[Touch]] = {}
    touches = [*_from_record(acts, review_elements), *_from_tasks(tasks, review_elements)]
    if opener:
        touches.insert(0, Touch(opener, "opened", None))
    for touch in touches:
        found.setdefault(touch.user, []).append(touch)
    return {user: tuple(ts) for user, ts in found.items()}


def describe(touches: Iterable[Touch]) -> tuple[str, str]:
    """How someone handled the case, in Chinese and English (each way once, in order)."""
    seen: list[tuple[str, str | None]] = []
    for t in touches:
        if (t.how, t.element) not in seen:
            seen.append((t.how, t.element))
    zh = "、".join(f"{HOW[h][0]}{f'（{e}）' if e else ''}" for h, e in seen)
    en = ", ".join(f"{HOW[h][1]}{f' ({e})' if e else ''}" for h, e in seen)
    return zh, en
