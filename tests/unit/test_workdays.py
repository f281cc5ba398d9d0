"""The working-day calendar: official 2025-2026 days, the 2027 estimate, schedules, overrides.

Expected official days were read from chinese-calendar 1.11.0 (get_holidays / get_workdays).
"""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest

from engine.errors import InvalidInput
from engine.kernel.schedule_file import load_schedule_file
from engine.kernel.workdays import (
    MAX_WORKDAYS,
    DayKind,
    Override,
    OverrideSource,
    Provenance,
    WorkdayCalendar,
)
from engine.runner.timekeeping.calendar_sources import (
    ChineseCalendarSource,
    HolidaysEstimateSource,
    default_calendar,
)

D = dt.date
OFFICIAL, ESTIMATED, OVERRIDE = Provenance.OFFICIAL, Provenance.ESTIMATED, Provenance.OVERRIDE

SCHEDULE_2027 = """\
# 国务院办公厅关于2027年部分节假日安排的通知（测试用，虚构）
year 2027

2027-01-01 off 元旦
2027-01-31 work 春节调休   # Sunday
2027-02-05 off 春节
2027-02-06 off 春节
2027-02-07 off 春节
2027-02-08 off 春节
2027-02-09 off 春节
2027-02-10 off 春节
2027-02-11 off 春节
2027-02-12 off 春节
2027-02-13 off 春节
2027-02-20 work 春节调休   # Saturday
"""


@pytest.fixture
def calendar() -> WorkdayCalendar:
    return default_calendar()


@pytest.mark.parametrize(
    ("day", "is_workday", "name"),
    [
        (D(2025, 9, 28), True, "国庆节调休"),  # Sunday, adjusted working day
        (D(2025, 9, 30), True, None),
        (D(2025, 10, 1), False, "国庆节"),
        (D(2025, 10, 6), False, "中秋"),
        (D(2025, 10, 8), False, "国庆节"),
        (D(2025, 10, 9), True, None),
        (D(2025, 10, 11), True, "国庆节调休"),  # Saturday, adjusted working day
        (D(2025, 4, 27), True, "劳动节调休"),  # Sunday
        (D(2025, 5, 1), False, "劳动节"),
        (D(2025, 5, 5), False, "劳动节"),
        (D(2026, 2, 14), True, "春节调休"),  # Saturday
        (D(2026, 2, 15), False, "春节"),
        (D(2026, 2, 23), False, "春节"),  # Monday, still Spring Festival
        (D(2026, 2, 24), True, None),
        (D(2026, 2, 28), True, "春节调休"),  # Saturday
        (D(2026, 5, 5), False, "劳动节"),
        (D(2026, 5, 9), True, "劳动节调休"),  # Saturday
        (D(2026, 3, 7), False, None),  # an ordinary Saturday
    ],
)
def test_official_days_of_2025_and_2026_follow_the_state_council(
    calendar: WorkdayCalendar, day: dt.date, is_workday: bool, name: str | None
) -> None:
    info = calendar.day(day)
    assert (info.is_workday, info.provenance, info.name) == (is_workday, OFFICIAL, name)
    assert info.kind is (DayKind.WORKDAY if is_workday else DayKind.OFF)
    assert calendar.is_workday(day) is is_workday


def test_the_official_source_agrees_with_chinese_calendar_on_every_day_of_2025_and_2026() -> None:
    source, day = ChineseCalendarSource(), D(2025, 1, 1)
    while day.year < 2027:
        info = source.day(day)
        assert info is not None and info.is_workday == chinese_calendar.is_workday(day), day
        day += dt.timedelta(days=1)


@pytest.mark.parametrize("day", [D(2027, 1, 4), D(2003, 12, 31)])
def test_the_official_source_leaves_years_without_data_to_the_next_layer(day: dt.date) -> None:
    assert ChineseCalendarSource().day(day) is None


@pytest.mark.parametrize(
    ("day", "is_workday"),
    [
        (D(2027, 1, 1), False),
        (D(2027, 2, 6), False),
        (D(2027, 2, 9), False),
        (D(2027, 1, 4), True),
        (D(2027, 1, 31), False),  # no adjusted weekend workdays estimated
    ],
)
def test_2027_days_are_estimated_from_the_holidays_library(
    calendar: WorkdayCalendar, day: dt.date, is_workday: bool
) -> None:
    assert calendar.day(day).is_workday is is_workday
    assert calendar.day(day).provenance is ESTIMATED
    assert HolidaysEstimateSource().day(day).provenance is ESTIMATED


@pytest.mark.parametrize(
    ("start", "n", "due", "provenance"),
    [
        (D(2025, 9, 26), 1, D(2025, 9, 28), OFFICIAL),  # the adjusted Sunday counts
        (D(2025, 9, 26), 5, D(2025, 10, 10), OFFICIAL),  # across National Day
        (D(2025, 9, 30), 1, D(2025, 10, 9), OFFICIAL),
        (D(2025, 9, 30), 3, D(2025, 10, 11), OFFICIAL),  # the adjusted Saturday counts
        (D(2025, 10, 1), 1, D(2025, 10, 9), OFFICIAL),  # starting on a holiday
        (D(2026, 2, 12), 7, D(2026, 2, 28), OFFICIAL),  # across Spring Festival 2026
        (D(2026, 4, 30), 10, D(2026, 5, 18), OFFICIAL),  # across Labour Day 2026
        (D(2026, 12, 28), 3, D(2026, 12, 31), OFFICIAL),  # stops before 2027
        (D(2026, 12, 28), 5, D(2027, 1, 5), ESTIMATED),  # walks into 2027
        (D(2025, 10, 9), 0, D(2025, 10, 9), OFFICIAL),  # n = 0 on a working day: that day
        (D(2025, 10, 1), 0, D(2025, 10, 9), OFFICIAL),  # n = 0 on a holiday: the next working day
    ],
)
def test_add_workdays_counts_working_days_after_the_start_day(
    calendar: WorkdayCalendar, start: dt.date, n: int, due: dt.date, provenance: Provenance
) -> None:
    result = calendar.add_workdays(start, n)
    assert (result.date, result.provenance) == (due, provenance)
    assert result.is_estimated is (provenance is ESTIMATED)


@pytest.mark.parametrize("n", [-1, MAX_WORKDAYS + 1])
def test_add_workdays_refuses_a_count_out_of_range(calendar: WorkdayCalendar, n: int) -> None:
    with pytest.raises(InvalidInput, match=str(MAX_WORKDAYS)):
        calendar.add_workdays(D(2025, 1, 2), n)


@pytest.mark.parametrize(
    ("a", "b", "count"),
    [
        (D(2025, 9, 30), D(2025, 10, 10), 2),
        (D(2025, 10, 10), D(2025, 9, 30), -2),
        (D(2025, 10, 1), D(2025, 10, 1), 0),
        (D(2025, 9, 26), D(2025, 10, 12), 6),
    ],
)
def test_workdays_between_counts_the_half_open_span(
    calendar: WorkdayCalendar, a: dt.date, b: dt.date, count: int
) -> None:
    assert calendar.workdays_between(a, b) == count


def test_a_due_moment_is_the_end_of_the_due_day_in_shanghai(calendar: WorkdayCalendar) -> None:
    received = dt.datetime(2025, 9, 30, 20, 0, tzinfo=dt.UTC)  # already 1 October in Beijing
    moment = calendar.add_workdays_at(received, 1)
    assert moment.at.isoformat() == "2025-10-09T23:59:59+08:00"
    assert moment.provenance is OFFICIAL
    closing = calendar.add_workdays_at(received, 1, closing=dt.time(17, 30))
    assert closing.at.astimezone(dt.UTC) == dt.datetime(2025, 10, 9, 9, 30, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("start", "tz"),
    [
        (dt.datetime(2025, 9, 30, 20, 0), "Asia/Shanghai"),
        (dt.datetime(2025, 9, 30, 20, 0, tzinfo=dt.UTC), "Mars/Olympus"),
    ],
)
def test_a_due_moment_needs_an_aware_start_and_a_known_zone(
    calendar: WorkdayCalendar, start: dt.datetime, tz: str
) -> None:
    with pytest.raises(InvalidInput):
        calendar.add_workdays_at(start, 1, tz=tz)


@pytest.mark.parametrize(
    ("start", "n", "estimated_due", "official_due"),
    [
        (D(2026, 12, 28), 5, D(2027, 1, 5), D(2027, 1, 5)),  # same day, now official
        (D(2027, 2, 4), 3, D(2027, 2, 15), D(2027, 2, 17)),  # a longer official Spring Festival
        (D(2027, 1, 29), 1, D(2027, 2, 1), D(2027, 1, 31)),  # an adjusted Sunday appears
    ],
)
def test_loading_the_official_2027_schedule_turns_estimates_official(
    start: dt.date, n: int, estimated_due: dt.date, official_due: dt.date
) -> None:
    schedule = OverrideSource()
    calendar = default_calendar(schedule=schedule)
    before = calendar.add_workdays(start, n)
    schedule.replace_all(load_schedule_file(SCHEDULE_2027))
    after = calendar.add_workdays(start, n)
    assert (before.date, before.provenance) == (estimated_due, ESTIMATED)
    assert (after.date, after.provenance) == (official_due, OFFICIAL)


def test_a_schedule_without_a_year_line_leaves_unlisted_days_estimated() -> None:
    schedule = OverrideSource(load_schedule_file("2027-01-01 off 元旦\n"))
    calendar = default_calendar(schedule=schedule)
    assert calendar.day(D(2027, 1, 1)).provenance is OFFICIAL
    assert calendar.day(D(2027, 1, 4)).provenance is ESTIMATED
    assert calendar.add_workdays(D(2026, 12, 31), 1).provenance is ESTIMATED


def test_a_year_line_makes_every_day_of_that_year_official() -> None:
    overrides = load_schedule_file("year 2027\n2027-01-01 off 元旦\n")
    assert len(overrides) == 365
    assert {o.provenance for o in overrides} == {OFFICIAL}
    assert [o.is_workday for o in overrides[:4]] == [False, False, False, True]  # Fri..Mon
    assert overrides[0].note == "元旦"


def test_the_schedule_file_accepts_comments_a_bom_chinese_keywords_and_long_notes() -> None:
    text = "\ufeff# 注释\n\n2027-02-05 休 春节 (除夕)  # comment\n2027-02-20 班 春节调休\n"
    overrides = load_schedule_file(text)
    assert [(o.date, o.is_workday, o.note) for o in overrides] == [
        (D(2027, 2, 5), False, "春节 (除夕)"),
        (D(2027, 2, 20), True, "春节调休"),
    ]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("2027-01-01 off\n2027-13-01 off\n", 2),
        ("# header\n2027/01/01 off\n", 2),
        ("2027-01-01 holiday\n", 1),
        ("2027-01-01\n", 1),
        ("2027-01-01 off\n\n2027-01-01 work\n", 3),
        ("year 2027\nyear 2027\n", 2),
        ("year twenty\n", 1),
    ],
)
def test_schedule_file_errors_name_the_line_in_chinese_and_english(text: str, line: int) -> None:
    with pytest.raises(InvalidInput) as caught:
        load_schedule_file(text)
    assert f"第 {line} 行" in caught.value.message_zh
    assert f"line {line}" in caught.value.message_en
    assert caught.value.details == {"line": line}


def test_an_empty_schedule_file_is_refused() -> None:
    with pytest.raises(InvalidInput, match="no days"):
        load_schedule_file("# nothing yet\n\n")


def test_a_bureau_closure_overrides_the_official_day_and_moves_the_due_date() -> None:
    closures = OverrideSource()
    calendar = default_calendar(closures)
    assert calendar.add_workdays(D(2025, 11, 3), 1).date == D(2025, 11, 4)
    closures.put(Override(D(2025, 11, 4), False, "停电闭馆"))
    due = calendar.add_workdays(D(2025, 11, 3), 1)
    assert (due.date, due.provenance) == (D(2025, 11, 5), OFFICIAL)
    assert calendar.day(D(2025, 11, 4)).provenance is OVERRIDE
    closures.remove(D(2025, 11, 4))
    assert calendar.add_workdays(D(2025, 11, 3), 1).date == D(2025, 11, 4)


def test_a_bureau_closure_wins_over_a_loaded_schedule() -> None:
    closures = OverrideSource([Override(D(2027, 1, 4), False, "闭馆")])
    calendar = default_calendar(closures, OverrideSource(load_schedule_file(SCHEDULE_2027)))
    assert calendar.add_workdays(D(2026, 12, 31), 1).date == D(2027, 1, 5)


def test_a_calendar_without_sources_falls_back_to_estimated_weekdays() -> None:
    calendar = WorkdayCalendar([])
    due = calendar.add_workdays(D(2025, 10, 1), 3)
    assert (due.date, due.provenance) == (D(2025, 10, 6), ESTIMATED)
