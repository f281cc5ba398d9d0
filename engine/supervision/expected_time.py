"""How long a step may take before its case counts as stuck: ``sanxiang.expected`` on the element.

"2" (or "2d") means two working days: the limit is the end (23:59:59, Asia/Shanghai) of the second
working day after the day the wait began, counted with the bureau's calendar, so a task that appears
on a Friday afternoon is not stuck over the weekend. "4h" means four hours of elapsed time. An element
without the property (or with a value we cannot read) takes the configured default
(``Settings.expected_default``, "3" working days out of the box).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from engine.kernel.bureau import local_date
from engine.kernel.json_types import JsonValue
from engine.kernel.workdays import WorkdayCalendar

_FORMAT = re.compile(r"^\s*(\d{1,3})\s*([dDhH]?)\s*$")
FALLBACK = "3"


@dataclass(frozen=True, slots=True)
class Expected:
    amount: int
    hours: bool  # False: working days
    source: str  # "element" | "default"

    @property
    def text_zh(self) -> str:
        return f"{self.amount} 小时" if self.hours else f"{self.amount} 个工作日"

    @property
    def text_en(self) -> str:
        unit = "hour" if self.hours else "working day"
        return f"{self.amount} {unit}{'' if self.amount == 1 else 's'}"

    def limit(self, since: datetime, calendar: WorkdayCalendar) -> datetime:
        """The moment after which a wait that began at ``since`` is too long."""
        if self.hours:
            return since + timedelta(hours=self.amount)
        return calendar.add_workdays_at(since, self.amount).at


def parse_expected(text: JsonValue, source: str = "element") -> Expected | None:
    """ "2", "2d" (working days) or "4h" (hours), at least 1; anything else is None."""
    match = _FORMAT.match(str(text)) if text is not None else None
    if match is None or int(match.group(1)) < 1:
        return None
    return Expected(int(match.group(1)), match.group(2).lower() == "h", source)


def expected_of(element: Any, default: str) -> Expected:
    """The element's ``sanxiang.expected``, else the configured default (else 3 working days)."""
    properties = getattr(element, "properties", None) or {}
    found = parse_expected(properties.get("sanxiang.expected"))
    if found is not None:
        return found
    return parse_expected(default, "default") or Expected(int(FALLBACK), False, "default")


def waited_text(since: datetime, now: datetime, calendar: WorkdayCalendar) -> tuple[str, str]:
    """How long a wait has lasted, in words: hours under a day, else working days (after its first day)."""
    hours = max(int((now - since).total_seconds() // 3600), 0)
    if hours < 24:
        return f"{hours} 小时", f"{hours} hour{'' if hours == 1 else 's'}"
    first, today = local_date(since), local_date(now)
    days = sum(info.is_workday for info in calendar.days(first, today)) if today > first else 0
    return f"{days} 个工作日", f"{days} working day{'' if days == 1 else 's'}"
