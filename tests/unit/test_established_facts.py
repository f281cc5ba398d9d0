"""The monotonic-facts rule (``engine.domain.established_facts``), pure: marks in, answers out."""

from __future__ import annotations

from engine.domain.established_facts import (
    CORRECTION,
    LEGAL_REVIEW,
    WHOLE_VIDEO,
    Mark,
    established_by,
    in_force,
    is_true,
    lowered,
    mark_of,
    needs_legal_review,
    requirements_holding,
    site_flags,
)

NONE: frozenset[str] = frozenset()
MAJOR = frozenset({LEGAL_REVIEW})
VIDEO = frozenset({WHOLE_VIDEO})


def step(seq: int, raised: frozenset[str], element: str | None = None) -> Mark:
    return Mark(seq, "task.completed", "zhao", element or f"Task_{seq}", raised)


def correction(seq: int, raised: frozenset[str]) -> Mark:
    return Mark(seq, CORRECTION, "sun", None, raised)


def test_what_the_facts_raise_now() -> None:
    assert requirements_holding(False, {}) == NONE
    assert requirements_holding(True, {"lifeHealth": False}) == MAJOR
    assert requirements_holding(False, {"majorProperty": "是"}) == VIDEO
    assert requirements_holding(True, {"lifeHealth": 1}) == MAJOR | VIDEO


def test_flags_are_read_as_people_write_them() -> None:
    assert [is_true(v) for v in (True, "true", " YES ", "是", 1, "1")] == [True] * 6
    assert [is_true(v) for v in (False, "false", "否", 0, None, 2, "")] == [False] * 7
    assert site_flags({"lifeHealth": "true", "majorProperty": False}) == ["lifeHealth"]


def test_a_mark_is_read_from_a_record_payload_only_when_it_has_one() -> None:
    assert mark_of(3, "task.completed", "zhao", "Task_Hearing", {"raised": ["legal-review", 7]}) == Mark(
        3, "task.completed", "zhao", "Task_Hearing", MAJOR)
    assert mark_of(4, "task.claimed", "zhao", "Task_Hearing", {}) is None
    assert mark_of(5, "task.completed", "zhao", None, {"raised": "legal-review"}) is None


def test_once_raised_a_requirement_stays_in_force_whatever_later_steps_hold() -> None:
    marks = [step(1, NONE), step(2, MAJOR | VIDEO), step(3, NONE)]
    assert in_force(marks) == MAJOR | VIDEO
    assert needs_legal_review(marks)


def test_an_ordinary_step_that_drops_what_the_last_step_held_is_lowering() -> None:
    marks = [step(1, NONE), step(2, MAJOR | VIDEO)]
    assert lowered(marks, NONE) == MAJOR | VIDEO
    assert lowered(marks, MAJOR) == VIDEO
    assert lowered(marks, MAJOR | VIDEO) == NONE
    assert lowered([], NONE) == NONE, "the opening step has nothing to lower"
    assert lowered([step(1, NONE)], MAJOR) == NONE, "raising is never lowering"


def test_a_correction_lowers_what_it_no_longer_holds_but_the_case_still_needs_review() -> None:
    marks = [step(1, VIDEO), step(2, VIDEO), correction(3, NONE)]
    assert in_force(marks) == NONE
    assert needs_legal_review(marks), "a correction is itself a case for review"
    assert lowered(marks, NONE) == NONE, "after the correction, the facts it set are the baseline"
    assert in_force([*marks, step(4, VIDEO)]) == VIDEO, "raised again after the correction"


def test_a_correction_never_makes_a_major_case_minor() -> None:
    marks = [step(1, MAJOR), correction(2, NONE), step(3, NONE)]
    assert needs_legal_review(marks) and in_force(marks) == NONE
    assert not needs_legal_review([step(1, NONE), step(2, VIDEO)])


def test_the_mark_that_established_a_requirement_is_the_start_of_its_unbroken_run() -> None:
    marks = [step(1, MAJOR), step(2, NONE), step(3, MAJOR, element="Task_Hearing"), step(4, MAJOR)]
    found = established_by(marks, LEGAL_REVIEW)
    assert found is not None and found.element == "Task_Hearing"
    assert established_by(marks, WHOLE_VIDEO) is None
