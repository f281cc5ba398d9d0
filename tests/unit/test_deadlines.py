"""Deadlines of the Administrative Licensing Law on the real calendar (2025-2027)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from engine.deadlines.rules import (
    CaseClock,
    ClockExtended,
    ClockResumed,
    ClockStarted,
    ClockStopped,
    DeadlineKind,
    StopReason,
    WarningLevel,
    acceptance_notice_deadline,
    decision_deadline,
    delivery_deadline,
    disclosure_deadline,
    legal_review_deadline,
    warning_level,
)
from engine.errors import Conflict, InvalidInput, ProcedureViolation
from engine.kernel.workdays import Provenance, WorkdayCalendar
from engine.runner.timekeeping.calendar_sources import default_calendar

D = dt.date
GREEN, YELLOW, RED = WarningLevel.GREEN, WarningLevel.YELLOW, WarningLevel.RED
NOV_3 = D(2025, 11, 3)  # a Monday; 20 working days later is Monday 1 December 2025


@pytest.fixture
def calendar() -> WorkdayCalendar:
    return default_calendar()


def clock(accepted_on: dt.date = NOV_3, limit_days: int = 20) -> CaseClock:
    return CaseClock.start(accepted_on, limit_days)[0]


def due_on(case_clock: CaseClock, calendar: WorkdayCalendar) -> dt.date:
    due = case_clock.due(calendar)
    assert due is not None, "the clock is stopped"
    return due.date


def test_the_acceptance_notice_is_due_5_working_days_after_receipt_across_national_day(
    calendar: WorkdayCalendar,
) -> None:
    deadline = acceptance_notice_deadline(calendar, D(2025, 9, 26))
    assert (deadline.kind, deadline.due.date) == (DeadlineKind.ACCEPTANCE_NOTICE, D(2025, 10, 10))
    assert "第三十二条" in deadline.basis


@pytest.mark.parametrize(
    ("accepted_on", "limit_days", "due", "provenance"),
    [
        (NOV_3, 20, D(2025, 12, 1), Provenance.OFFICIAL),
        (NOV_3, 5, D(2025, 11, 10), Provenance.OFFICIAL),  # a promised shorter limit
        (D(2025, 9, 26), 20, D(2025, 10, 30), Provenance.OFFICIAL),  # across National Day
        (D(2026, 12, 15), 20, D(2027, 1, 13), Provenance.ESTIMATED),  # into 2027
    ],
)
def test_the_decision_is_due_the_limit_in_working_days_after_acceptance(
    calendar: WorkdayCalendar, accepted_on: dt.date, limit_days: int, due: dt.date, provenance: Provenance
) -> None:
    started, event = CaseClock.start(accepted_on, limit_days)
    assert event == ClockStarted(accepted_on, limit_days)
    result = started.due(calendar)
    assert result is not None and (result.date, result.provenance) == (due, provenance)


def test_the_decision_deadline_carries_article_42_as_its_basis(calendar: WorkdayCalendar) -> None:
    deadline = decision_deadline(calendar, clock())
    assert deadline is not None and deadline.due.date == D(2025, 12, 1)
    assert "第四十二条" in deadline.basis


def test_an_extension_adds_10_working_days_once(calendar: WorkdayCalendar) -> None:
    extended, event = clock(D(2025, 9, 26)).extend()
    assert event == ClockExtended(10)
    assert due_on(extended, calendar) == D(2025, 11, 13)


def test_a_second_extension_is_refused(calendar: WorkdayCalendar) -> None:
    extended, _ = clock().extend(5)
    with pytest.raises(ProcedureViolation) as caught:
        extended.extend()
    assert "只能延长一次" in caught.value.message_zh and "once" in caught.value.message_en


@pytest.mark.parametrize("days", [0, 11])
def test_an_extension_longer_than_the_law_allows_is_refused(days: int) -> None:
    with pytest.raises(InvalidInput):
        clock().extend(days)


@pytest.mark.parametrize(
    ("stopped_on", "resumed_on", "due"),
    [
        (D(2025, 11, 12), D(2025, 11, 14), D(2025, 12, 4)),  # Wed-Fri: 3 working days stopped
        (D(2025, 11, 12), D(2025, 11, 12), D(2025, 12, 2)),  # part of one working day still counts as stopped
        (D(2025, 11, 15), D(2025, 11, 16), D(2025, 12, 1)),  # a weekend stop moves nothing
        (D(2025, 11, 14), D(2025, 11, 17), D(2025, 12, 3)),  # Fri-Mon: 2 working days stopped
    ],
)
def test_a_stop_and_resume_pushes_the_due_date_by_the_working_days_stopped(
    calendar: WorkdayCalendar, stopped_on: dt.date, resumed_on: dt.date, due: dt.date
) -> None:
    stopped, stop_event = clock().stop(stopped_on, StopReason.EXPERT_REVIEW)
    resumed, resume_event = stopped.resume(resumed_on)
    assert (stop_event, resume_event) == (
        ClockStopped(stopped_on, StopReason.EXPERT_REVIEW),
        ClockResumed(resumed_on),
    )
    assert due_on(resumed, calendar) == due


def test_a_stop_across_national_day_counts_only_its_working_days(calendar: WorkdayCalendar) -> None:
    started = clock(D(2025, 9, 26))
    resumed = started.stop(D(2025, 9, 30), StopReason.HEARING)[0].resume(D(2025, 10, 9))[0]
    assert due_on(resumed, calendar) == D(2025, 11, 3)  # 30 October + 2 working days


def test_a_stopped_clock_has_no_due_date_and_its_remaining_days_freeze(calendar: WorkdayCalendar) -> None:
    stopped = clock().stop(D(2025, 11, 12), StopReason.SUPPLEMENT)[0]
    assert stopped.is_stopped and stopped.due(calendar) is None
    assert decision_deadline(calendar, stopped) is None
    assert stopped.remaining(D(2025, 11, 12), calendar) == 14
    assert stopped.remaining(D(2026, 3, 2), calendar) == 14
    assert stopped.level(D(2026, 3, 2), calendar) is GREEN


@pytest.mark.parametrize(
    ("today", "remaining", "level"),
    [
        (D(2025, 11, 1), 20, GREEN),  # before acceptance
        (NOV_3, 20, GREEN),  # the acceptance day is not counted
        (D(2025, 11, 25), 4, GREEN),
        (D(2025, 11, 26), 3, YELLOW),
        (D(2025, 11, 29), 1, YELLOW),  # a Saturday
        (D(2025, 12, 1), 0, YELLOW),  # due today
        (D(2025, 12, 2), -1, RED),
    ],
)
def test_remaining_days_and_warning_level_follow_the_thresholds(
    calendar: WorkdayCalendar, today: dt.date, remaining: int, level: WarningLevel
) -> None:
    assert clock().remaining(today, calendar) == remaining
    assert clock().level(today, calendar) is level


def test_a_case_is_red_on_the_weekend_right_after_a_friday_due_day(calendar: WorkdayCalendar) -> None:
    friday_due = clock(NOV_3, 14)
    assert due_on(friday_due, calendar) == D(2025, 11, 21)
    assert friday_due.remaining(D(2025, 11, 22), calendar) == 0
    assert friday_due.level(D(2025, 11, 22), calendar) is RED


@pytest.mark.parametrize(("yellow_days", "level"), [(3, GREEN), (4, YELLOW), (5, YELLOW)])
def test_the_yellow_threshold_is_configurable(
    calendar: WorkdayCalendar, yellow_days: int, level: WarningLevel
) -> None:
    assert clock().level(D(2025, 11, 25), calendar, yellow_days=yellow_days) is level


@pytest.mark.parametrize(
    ("decided_on", "due"),
    [
        (D(2025, 9, 30), D(2025, 10, 16)),  # across National Day, with the adjusted Saturday
        (D(2026, 2, 12), D(2026, 2, 28)),  # across Spring Festival 2026
    ],
)
def test_disclosure_is_due_7_working_days_after_the_decision_day(
    calendar: WorkdayCalendar, decided_on: dt.date, due: dt.date
) -> None:
    deadline = disclosure_deadline(calendar, decided_on)
    assert (deadline.kind, deadline.due.date) == (DeadlineKind.DISCLOSURE, due)


def test_delivery_is_due_10_working_days_after_a_grant_across_labour_day(calendar: WorkdayCalendar) -> None:
    assert delivery_deadline(calendar, D(2026, 4, 30)).due.date == D(2026, 5, 18)


def test_the_legal_review_limit_comes_from_the_item_and_must_be_positive(calendar: WorkdayCalendar) -> None:
    assert legal_review_deadline(calendar, NOV_3, 3).due.date == D(2025, 11, 6)
    with pytest.raises(InvalidInput):
        legal_review_deadline(calendar, NOV_3, 0)


@pytest.mark.parametrize(
    ("today", "level"),
    [
        (D(2025, 10, 9), GREEN),
        (D(2025, 10, 13), YELLOW),
        (D(2025, 10, 16), YELLOW),
        (D(2025, 10, 17), RED),
    ],
)
def test_a_plain_deadline_warns_like_the_case_clock(
    calendar: WorkdayCalendar, today: dt.date, level: WarningLevel
) -> None:
    due = disclosure_deadline(calendar, D(2025, 9, 30)).due  # 16 October 2025
    assert warning_level(today, due, calendar) is level


def test_replaying_the_recorded_events_rebuilds_the_clock() -> None:
    started, e1 = CaseClock.start(NOV_3, 20)
    stopped, e2 = started.stop(D(2025, 11, 12), StopReason.TESTING)
    resumed, e3 = stopped.resume(D(2025, 11, 14))
    extended, e4 = resumed.extend(10)
    assert CaseClock.replay([e1, e2, e3, e4]) == extended


@pytest.mark.parametrize(
    ("operation", "error"),
    [
        (lambda c: c.stop(D(2025, 11, 1), StopReason.HEARING), InvalidInput),  # before acceptance
        (lambda c: c.resume(D(2025, 11, 5)), Conflict),  # not stopped
        (
            lambda c: c.stop(D(2025, 11, 5), StopReason.HEARING)[0].stop(D(2025, 11, 6), StopReason.HEARING),
            Conflict,
        ),  # already stopped
        (
            lambda c: c.stop(D(2025, 11, 5), StopReason.HEARING)[0].resume(D(2025, 11, 4)),
            InvalidInput,
        ),  # resumed before stopped
        (
            lambda c: (
                c.stop(D(2025, 11, 5), StopReason.HEARING)[0]
                .resume(D(2025, 11, 7))[0]
                .stop(D(2025, 11, 6), StopReason.HEARING)
            ),
            InvalidInput,
        ),  # overlaps the last stop
    ],
)
def test_clock_operations_out_of_order_are_refused(
    operation: Callable[[CaseClock], object], error: type[Exception]
) -> None:
    with pytest.raises(error):
        operation(clock())


@pytest.mark.parametrize("limit_days", [0, -3, 3651])
def test_a_clock_refuses_a_limit_out_of_range(limit_days: int) -> None:
    with pytest.raises(InvalidInput):
        CaseClock.start(NOV_3, limit_days)


def test_replay_needs_a_start_event() -> None:
    with pytest.raises(InvalidInput):
        CaseClock.replay([ClockResumed(NOV_3)])
