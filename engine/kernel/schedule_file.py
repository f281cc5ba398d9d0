"""The bureau's schedule file: a year's holidays and adjusted working days, one line each, read
into overrides."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from engine.errors import InvalidInput
from engine.kernel.workdays import Override, Provenance

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


_YEAR = re.compile(r"\d{4}", re.ASCII)


_KINDS = {"off": False, "休": False, "work": True, "班": True}


def _line_error(number: int, zh: str, en: str) -> InvalidInput:
    return InvalidInput(
        f"日程文件第 {number} 行：{zh}", f"schedule file, line {number}: {en}", details={"line": number}
    )


def _parse_year(number: int, words: list[str], years: set[int]) -> int:
    if len(words) != 2 or not _YEAR.fullmatch(words[1]):
        raise _line_error(number, "年份行应为“year 2027”", 'a year line reads "year 2027"')
    year = int(words[1])
    if year in years:
        raise _line_error(number, f"年份 {year} 重复", f"year {year} is declared twice")
    return year


def _parse_day(number: int, line: str) -> Override:
    words = line.split(maxsplit=2)
    try:
        on = dt.date.fromisoformat(words[0]) if _ISO_DATE.fullmatch(words[0]) else None
    except ValueError:
        on = None
    if on is None:
        raise _line_error(
            number,
            f"无法识别的日期“{words[0]}”，应为 YYYY-MM-DD",
            f'cannot read the date "{words[0]}", expected YYYY-MM-DD',
        )
    kind = words[1].lower() if len(words) > 1 else ""
    if kind not in _KINDS:
        raise _line_error(number, "日期后应为 off/休 或 work/班", "after the date: off/休 or work/班")
    return Override(on, _KINDS[kind], words[2] if len(words) > 2 else None, Provenance.OFFICIAL)


def _year_days(year: int) -> Iterator[Override]:
    day = dt.date(year, 1, 1)
    while day.year == year:
        yield Override(day, day.weekday() < 5, None, Provenance.OFFICIAL)
        day += dt.timedelta(days=1)


def load_schedule_file(text: str) -> list[Override]:
    """Parse an official schedule file (format in the module docstring); OFFICIAL overrides."""
    listed: dict[dt.date, Override] = {}
    years: set[int] = set()
    for number, raw in enumerate(text.removeprefix("\ufeff").splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.split()[0].lower() == "year":
            years.add(_parse_year(number, line.split(), years))
            continue
        entry = _parse_day(number, line)
        if entry.date in listed:
            raise _line_error(number, f"日期 {entry.date} 重复", f"the date {entry.date} is listed twice")
        listed[entry.date] = entry
    if not listed and not years:
        raise InvalidInput("日程文件没有任何日期", "the schedule file lists no days")
    whole = {o.date: o for year in sorted(years) for o in _year_days(year)}
    return sorted({**whole, **listed}.values(), key=lambda o: o.date)
