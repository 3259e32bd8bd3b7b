"""Calendar arithmetic the legal deadlines need. Pure functions; no Django."""

from __future__ import annotations

import calendar
import datetime as dt


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` plus whole months; the 31st of a month ending earlier becomes its last day
    (31/01 + 1 month = 28/02, or 29/02 in a leap year)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))
