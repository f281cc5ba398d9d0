"""How long a step may take (``sanxiang.expected``): working days on the bureau's calendar, or hours."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from engine.runner.timekeeping.calendar_sources import default_calendar
from engine.runner.types import ElementInfo
from engine.supervision.expected_time import Expected, expected_of, parse_expected, waited_text

CALENDAR = default_calendar()
FRIDAY_9 = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)  # 09:00 in Asia/Shanghai


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2", Expected(2, False, "element")),
        (" 2d ", Expected(2, False, "element")),
        ("4h", Expected(4, True, "element")),
        ("4H", Expected(4, True, "element")),
        ("0", None),
        ("-1", None),
        ("two", None),
        ("", None),
        (None, None),
        ("2 weeks", None),
    ],
)
def test_expected_times_are_read_as_working_days_or_hours(text: object, expected: Expected | None) -> None:
    assert parse_expected(text) == expected


def test_a_day_limit_ends_with_the_last_working_day_so_weekends_do_not_count() -> None:
    one_day = Expected(1, False, "element")
    limit = one_day.limit(FRIDAY_9, CALENDAR)
    assert limit.isoformat() == "2026-11-30T23:59:59+08:00"  # Monday evening, not Saturday
    assert Expected(4, True, "element").limit(FRIDAY_9, CALENDAR) == FRIDAY_9 + timedelta(hours=4)


def test_an_element_without_a_readable_expected_time_takes_the_configured_default() -> None:
    review = ElementInfo("Task_Review", "userTask", "审查", properties={"sanxiang.expected": "1"})
    silent = ElementInfo("Task_X", "userTask", "X")
    broken = ElementInfo("Task_Y", "userTask", "Y", properties={"sanxiang.expected": "soon"})
    assert expected_of(review, "3") == Expected(1, False, "element")
    assert expected_of(silent, "8h") == Expected(8, True, "default")
    assert expected_of(broken, "nonsense") == Expected(3, False, "default")
    assert (Expected(1, False, "x").text_zh, Expected(2, True, "x").text_en) == ("1 个工作日", "2 hours")


def test_waiting_is_told_in_hours_under_a_day_and_in_working_days_after() -> None:
    assert waited_text(FRIDAY_9, FRIDAY_9 + timedelta(hours=5), CALENDAR) == ("5 小时", "5 hours")
    assert waited_text(FRIDAY_9, FRIDAY_9 + timedelta(days=4), CALENDAR) == (
        "2 个工作日",
        "2 working days",
    )  # Monday and Tuesday
