"""``sanxiang calendar``: counting working days, closures and loading an official schedule, from the shell."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from engine.cli import main

SCHEDULE_2027 = """\
# 国务院办公厅关于2027年部分节假日安排的通知（测试用）
year 2027
2027-01-01 off 元旦
2027-02-06 work 春节调休
2027-02-08 off 春节
"""


@pytest.fixture
def sanxiang(ctx, database_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    """Run ``sanxiang …`` against the test database (migrated by ``ctx``)."""
    runner = CliRunner()
    env = {"SANXIANG_DATABASE_URL": database_url, "SANXIANG_VAR_DIR": str(tmp_path / "var")}

    def run(*args: str) -> Result:
        return runner.invoke(main, list(args), env=env, catch_exceptions=False)

    return run


@pytest.mark.parametrize(
    ("start", "n", "printed"),
    [
        ("2026-09-30", "5", "2026-10-13 official"),  # over the National Day, Sat 10 Oct is a working day
        ("2026-09-24", "1", "2026-09-28 official"),  # 中秋 25–27 Sep
        ("2026-12-31", "0", "2026-12-31 official"),
        ("2026-12-25", "10", "2027-01-11 estimated"),  # into a year without an official schedule
    ],
)
def test_add_workdays_prints_the_due_day_then_its_provenance(sanxiang, start, n, printed) -> None:  # type: ignore[no-untyped-def]
    result = sanxiang("calendar", "add-workdays", start, n)
    assert (result.exit_code, result.output) == (0, f"{printed}\n")


def test_is_workday_names_holidays_and_adjusted_working_days(sanxiang) -> None:  # type: ignore[no-untyped-def]
    assert sanxiang("calendar", "is-workday", "2026-10-01").output == "off official 国庆节\n"
    assert sanxiang("calendar", "is-workday", "2026-10-10").output == "workday official 国庆节调休\n"
    assert sanxiang("calendar", "is-workday", "2026-10-12").output == "workday official\n"


def test_a_closure_is_stored_recorded_and_counted(ctx, sanxiang) -> None:  # type: ignore[no-untyped-def]
    closed = sanxiang("calendar", "close", "2026-12-24", "--note", "办公系统升级，暂停办公")
    assert closed.exit_code == 0, closed.output
    assert "1 天已保存 / days stored (2026-12-24 … 2026-12-24)" in closed.output
    assert sanxiang("calendar", "is-workday", "2026-12-24").output == "off override 办公系统升级，暂停办公\n"
    assert sanxiang("calendar", "add-workdays", "2026-12-23", "1").output == "2026-12-25 official\n"
    with ctx.uow(readonly=True) as uow:
        day = uow.calendar.get(date(2026, 12, 24))
        actions = [e.content.action for e in uow.records.all()]
    assert (day.source, day.loaded_by, day.is_workday) == ("closure", "admin", False)
    assert "calendar.closed" in actions


def test_loading_the_official_schedule_makes_next_year_official(sanxiang, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    schedule = tmp_path / "2027.txt"
    schedule.write_text(SCHEDULE_2027, encoding="utf-8")
    loaded = sanxiang("calendar", "load", str(schedule))
    assert loaded.exit_code == 0, loaded.output
    assert "365 天已保存 / days stored (2027-01-01 … 2027-12-31)" in loaded.output
    assert sanxiang("calendar", "add-workdays", "2026-12-25", "10").output == "2027-01-11 official\n"
    assert sanxiang("calendar", "is-workday", "2027-02-06").output == "workday official 春节调休\n"


def test_bad_input_is_refused_with_a_reason_in_both_languages(sanxiang, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    broken = tmp_path / "broken.txt"
    broken.write_text("year 2027\n2027-13-01 off 元旦\n", encoding="utf-8")
    refused = sanxiang("calendar", "load", str(broken))
    assert refused.exit_code == 1
    assert "第 2 行" in refused.output and "line 2" in refused.output
    too_many = sanxiang("calendar", "add-workdays", "2026-12-25", "100000")
    assert too_many.exit_code == 1 and "working days must be" in too_many.output
    assert sanxiang("calendar", "close", "2026-12-24", "--note", " ").exit_code == 1
    assert sanxiang("calendar", "add-workdays", "2026/12/25", "1").exit_code == 2
