"""Who handled a case (``engine.review.separation_of_duties``), pure: record acts and tasks in, people out."""

from __future__ import annotations

from typing import Any

from engine.review.separation_of_duties import RecordedAct, TaskHolder, Touch, describe, who_handled

REVIEWS = frozenset({"Task_LegalReview"})


def act(seq: int, action: str, actor: str, element: str | None = None, **payload: Any) -> RecordedAct:
    return RecordedAct(seq, action, actor, element, payload)


def hows(found: dict[str, tuple[Touch, ...]], user: str) -> list[str]:
    return [t.how for t in found.get(user, ())]


def test_everyone_who_touched_the_handling_is_counted() -> None:
    acts = [
        act(1, "case.started", "wang"),
        act(2, "task.claimed", "zhao", "Task_Proposal"),
        act(3, "task.delegated", "zhao", "Task_Proposal", owner="zhao", delegate="xu"),
        act(4, "draft.authored", "xu", "Task_Proposal"),
        act(5, "task.resolved", "xu", "Task_Proposal", owner="zhao", delegate="xu"),
        act(6, "task.completed", "zhao", "Task_Proposal"),
        act(7, "task.transferred", "zhao", "Task_Review", to="feng"),
        act(8, "task.reassigned", "zhou", "Task_Review", to="chen"),
        act(9, "evidence.added", "lin", "Task_OnSite"),
        act(10, "case.moved", "zhou", "Task_Review"),
        act(11, "fact.corrected", "sun"),
    ]
    found = who_handled(acts, [], "wang", REVIEWS)
    assert hows(found, "wang") == ["opened", "opened"]
    assert hows(found, "zhao") == ["claimed", "completed"]
    assert hows(found, "xu") == ["delegated", "drafted"]
    assert hows(found, "feng") == hows(found, "chen") == ["assigned"]
    assert hows(found, "lin") == ["evidence"]
    assert hows(found, "zhou") == ["moved"], "a reassignment names its target, a move its mover"
    assert hows(found, "sun") == ["corrected"]


def test_the_review_tasks_themselves_are_not_handling() -> None:
    acts = [
        act(1, "task.claimed", "qian", "Task_LegalReview"),
        act(2, "draft.authored", "qian", "Task_LegalReview"),
        act(3, "task.completed", "qian", "Task_LegalReview"),
        act(4, "review.completed", "qian", "Task_LegalReview"),
        act(5, "task.refused", "xu", "Task_Proposal"),
        act(6, "task.urged", "sun", "Task_Proposal"),
    ]
    tasks = [TaskHolder("Task_LegalReview", "qian", "qian")]
    assert who_handled(acts, tasks, None, REVIEWS) == {}, "refused and urging acts are not handling either"


def test_tasks_count_their_assignee_and_completer_even_without_a_record() -> None:
    tasks = [
        TaskHolder("Task_CoSign", "he", "he"),
        TaskHolder("Task_CoSign", "lu", None),
        TaskHolder("Task_Decision", None, None),
    ]
    found = who_handled([], tasks, None, REVIEWS)
    assert hows(found, "he") == ["assigned", "completed"] and hows(found, "lu") == ["assigned"]
    assert set(found) == {"he", "lu"}


def test_a_transfer_without_a_target_names_nobody() -> None:
    assert who_handled([act(1, "task.transferred", "zhao", "Task_Review", to="")], [], None, REVIEWS) == {}


def test_how_someone_handled_a_case_is_said_once_per_way_and_element() -> None:
    touches = [
        Touch("xu", "delegated", "Task_Proposal", 3),
        Touch("xu", "drafted", "Task_Proposal", 4),
        Touch("xu", "drafted", "Task_Proposal", 9),
        Touch("xu", "opened", None),
    ]
    zh, en = describe(touches)
    assert zh == "受委派办理（Task_Proposal）、填写草稿（Task_Proposal）、受理立案"
    assert en == "was delegated a task (Task_Proposal), wrote a draft (Task_Proposal), opened it"
