"""The bureau's place in time, named once: its time zone and the local day of a moment.

Every deadline, disclosure date, case file time and statistics month is read in this zone."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

ZONE_NAME = "Asia/Shanghai"
ZONE = ZoneInfo(ZONE_NAME)


def local_date(moment: dt.datetime) -> dt.date:
    """The bureau's calendar day at ``moment`` (an aware datetime)."""
    return moment.astimezone(ZONE).date()
