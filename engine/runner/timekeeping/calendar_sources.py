"""Day sources backed by holiday libraries: the only importer of chinese_calendar and holidays.

- ``ChineseCalendarSource``: the official days packaged in ``chinese-calendar`` (1.11.0 carries
  2004-2026); for any other year it answers None so the next layer decides.
- ``HolidaysEstimateSource``: ``holidays.China`` for any year, marked ESTIMATED (beyond the
  official years it lists the holidays but not the adjusted weekend working days, 调休).
- ``default_calendar``: bureau overrides, then a loaded official schedule, then the two above.
"""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import holidays

from engine.kernel.workdays import DayInfo, DaySource, OverrideSource, Provenance, WorkdayCalendar

_CHINESE_NAMES: dict[str, str] = {h.value: h.chinese for h in chinese_calendar.Holiday}


class ChineseCalendarSource:
    """Official working days (国务院办公厅放假安排) as packaged by ``chinese-calendar``."""

    def day(self, on: dt.date) -> DayInfo | None:
        try:
            detail: tuple[bool, str | None] = chinese_calendar.get_holiday_detail(on)
        except NotImplementedError:  # a year the package has no data for
            return None
        is_off, name = detail
        return DayInfo(on, not is_off, Provenance.OFFICIAL, _chinese_name(name, is_off))


def _chinese_name(english: str | None, is_off: bool) -> str | None:
    if english is None:
        return None
    name = _CHINESE_NAMES.get(english, english)
    return name if is_off else f"{name}调休"


class HolidaysEstimateSource:
    """An estimate from ``holidays.China``: weekends and listed holidays are off."""

    def __init__(self) -> None:
        self._china = holidays.country_holidays("CN", language="zh_CN")

    def day(self, on: dt.date) -> DayInfo:
        is_workday = bool(self._china.is_working_day(on))
        return DayInfo(on, is_workday, Provenance.ESTIMATED, self._china.get(on))


def default_calendar(
    overrides: OverrideSource | None = None, schedule: OverrideSource | None = None
) -> WorkdayCalendar:
    """Bureau overrides first, then a loaded official schedule, official data, the estimate."""
    layers: list[DaySource] = [s for s in (overrides, schedule) if s is not None]
    return WorkdayCalendar([*layers, ChineseCalendarSource(), HolidaysEstimateSource()])
