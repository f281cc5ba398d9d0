"""The disclosure rule (行政许可信息“双公示”): a decision is published within 7 working days of the day
it was made. A process may promise fewer (``sanxiang.disclosureDays``, 0 = the decision day itself);
the linter refuses more (SX-C216). The running engine (the pending disclosure's due day, the case's
disclosure deadline) and the tests call these functions and no copy of them."""

from __future__ import annotations

import datetime as dt

from engine.kernel.workdays import DueDate, WorkdayCalendar

DISCLOSURE_DAYS = 7


def disclosure_days(value: str | None) -> int:
    """The working days a process gives for publishing a decision: ``sanxiang.disclosureDays`` when it is
    a whole number of days (0 included), else the law's 7."""
    text = (value or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 4 else DISCLOSURE_DAYS


def disclosure_due(calendar: WorkdayCalendar, decided_on: dt.date, days: int = DISCLOSURE_DAYS) -> DueDate:
    """The last day to publish a decision made on ``decided_on``: ``days`` working days after it."""
    return calendar.add_workdays(decided_on, days)
