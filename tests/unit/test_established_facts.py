"""The monotonic-facts rule (``engine.review.fact_rules``), pure: marks in, answers out."""

from __future__ import annotations

from engine.review.fact_rules import (
    LEGAL_REVIEW,
    NO_MARK,
    WHOLE_VIDEO,
    Mark,
    Origin,
    is_true,
    lowered,
    mark_of,
    mark_payload,
    next_mark,
    requirements_holding,
    site_flags,
)

NONE: frozenset[str] = frozenset()
MAJOR = frozenset({LEGAL_REVIEW})
VIDEO = frozenset({WHOLE_VIDEO})


def at(seq: int, element: str | None = None) -> Origin:
    return Origin(seq, "task.completed", "zhao", element or f"Task_{seq}")


def walk(*steps: tuple[frozenset[str], bool]) -> Mark:
    """The mark after ordinary steps and corrections (``(holding, is_correction)``), from the opening."""
    mark = NO_MARK
    for seq, (holding, correction) in enumerate(steps, start=1):
        mark = next_mark(mark, at(seq), holding, correction=correction)
    return mark


def test_what_the_facts_raise_now() -> None:
    assert requirements_holding(False, {}) == NONE
    assert requirements_holding(True, {"lifeHealth": False}) == MAJOR
    assert requirements_holding(False, {"majorProperty": "是"}) == VIDEO
    assert requirements_holding(True, {"lifeHealth": 1}) == MAJOR | VIDEO


def test_flags_are_read_as_people_write_them() -> None:
    assert [is_true(v) for v in (True, "true", " YES ", "是", 1, "1")] == [True] * 6
    assert [is_true(v) for v in (False, "false", "否", 0, None, 2, "")] == [False] * 7
    assert site_flags({"lifeHealth": "true", "majorProperty": False}) == ["lifeHealth"]


def test_a_mark_is_read_back_from_the_record_payload_it_wrote() -> None:
    mark = next_mark(NO_MARK, Origin(None, "task.completed", "zhao", "Task_Hearing"), MAJOR)
    payload = mark_payload(mark)
    origin = {"seq": None, "action": "task.completed", "actor": "zhao", "element": "Task_Hearing"}
    assert payload == {
        "raised": ["legal-review"],
        "reviewForGood": True,
        "established": {"legal-review": origin},
    }
    read = mark_of(9, payload)
    assert read is not None and read.established[LEGAL_REVIEW].seq == 9, "the entry itself established it"
    assert read.raised == MAJOR and read.review_for_good
    assert mark_of(4, {}) is None and mark_of(5, {"raised": "legal-review", "established": {}}) is None


def test_once_raised_a_requirement_stays_in_force_whatever_later_steps_hold() -> None:
    mark = walk((NONE, False), (MAJOR | VIDEO, False), (NONE, False))
    assert mark.in_force == MAJOR | VIDEO and mark.review_for_good and mark.raised == NONE


def test_an_ordinary_step_that_drops_what_the_last_step_held_is_lowering() -> None:
    mark = walk((NONE, False), (MAJOR | VIDEO, False))
    assert lowered(mark, NONE) == MAJOR | VIDEO
    assert lowered(mark, MAJOR) == VIDEO
    assert lowered(mark, MAJOR | VIDEO) == NONE
    assert lowered(NO_MARK, NONE) == NONE, "the opening step has nothing to lower"
    assert lowered(walk((NONE, False)), MAJOR) == NONE, "raising is never lowering"


def test_a_correction_lowers_what_it_no_longer_holds_but_the_case_still_needs_review() -> None:
    mark = walk((VIDEO, False), (VIDEO, False), (NONE, True))
    assert mark.in_force == NONE
    assert mark.review_for_good, "a correction is itself a case for review"
    assert lowered(mark, NONE) == NONE, "after the correction, the facts it set are the baseline"
    again = next_mark(mark, at(4), VIDEO)
    assert again.in_force == VIDEO and again.established[WHOLE_VIDEO].seq == 4, "raised again afterwards"


def test_a_correction_never_makes_a_major_case_minor() -> None:
    mark = walk((MAJOR, False), (NONE, True), (NONE, False))
    assert mark.review_for_good and mark.in_force == NONE
    assert not walk((NONE, False), (VIDEO, False)).review_for_good
    assert next_mark(NO_MARK, at(1), NONE, review_opened=True).review_for_good, "a review once opened"


def test_the_step_that_first_established_a_requirement_stays_its_origin() -> None:
    mark = walk((NONE, False), (MAJOR, False), (MAJOR | VIDEO, False), (MAJOR, False))
    assert mark.established[LEGAL_REVIEW].seq == 2 and mark.established[WHOLE_VIDEO].seq == 3
    kept = walk((MAJOR | VIDEO, False), (MAJOR, True))
    assert kept.established == {LEGAL_REVIEW: at(1)}, "a correction keeps the origin of what still holds"
