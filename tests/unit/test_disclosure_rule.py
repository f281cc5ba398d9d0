"""The disclosure rule lives in ``engine.disclosure.rules`` alone: 7 working days after the decision day,
fewer when the process promises fewer (0 = the decision day itself). The pending disclosure's due day
and the case's disclosure deadline both come from it."""

from __future__ import annotations

import datetime as dt

import pytest

from engine.compliance import guide
from engine.deadlines import step_following
from engine.deadlines.rules import disclosure_deadline
from engine.disclosure import publish
from engine.disclosure.rules import DISCLOSURE_DAYS, disclosure_days, disclosure_due
from engine.runner.timekeeping.calendar_sources import default_calendar


@pytest.mark.parametrize(
    ("value", "days"),
    [
        (None, 7),
        ("", 7),
        ("  ", 7),
        ("7", 7),
        ("5", 5),
        (" 3 ", 3),
        ("0", 0),
        ("-1", 7),
        ("2.5", 7),
        ("七", 7),
        ("１", 7),
        ("12345", 7),
    ],
)
def test_the_days_a_process_gives_are_its_whole_number_else_the_laws_seven(
    value: str | None, days: int
) -> None:
    assert disclosure_days(value) == days


def test_zero_days_means_the_decision_day_itself_not_the_default() -> None:
    calendar = default_calendar()
    decided_on = dt.date(2025, 9, 30)
    assert disclosure_due(calendar, decided_on, disclosure_days("0")).date == decided_on
    assert disclosure_due(calendar, decided_on).date == dt.date(2025, 10, 16)  # National Day week skipped
    assert disclosure_deadline(calendar, decided_on).due == disclosure_due(calendar, decided_on)


def test_the_running_engine_and_the_linter_read_the_one_rule() -> None:
    assert publish.disclosure_days is disclosure_days and publish.disclosure_due is disclosure_due
    assert step_following.disclosure_days is disclosure_days
    assert guide.DISCLOSURE_LIMIT == DISCLOSURE_DAYS == 7
