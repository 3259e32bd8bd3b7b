"""Reads with rules for metrology: cycles in force on a date, what falls due, who is told."""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict

from django.db.models import QuerySet

from khcn.accounts import roles
from khcn.accounts.models import User
from khcn.registries.metrology.models import Instrument, InstrumentType, VerificationCycle


class CycleTable:
    """Every type's cycles, read once (a few hundred rows), answering "which cycle on this date"
    without a query per verification."""

    def __init__(self, rows: list[tuple[int, dt.date, int | None]]) -> None:
        dates: defaultdict[int, list[dt.date]] = defaultdict(list)
        months: defaultdict[int, list[int | None]] = defaultdict(list)
        for type_id, valid_from, cycle_months in sorted(rows, key=lambda r: (r[0], r[1])):
            dates[type_id].append(valid_from)
            months[type_id].append(cycle_months)
        self._dates = dict(dates)
        self._months = dict(months)

    @classmethod
    def load(cls) -> CycleTable:
        return cls(list(VerificationCycle.objects.values_list("instrument_type_id", "valid_from", "cycle_months")))

    def on(self, type_id: int, day: dt.date) -> tuple[bool, int | None]:
        """(a cycle is in force, its months); months is None for initial-verification-only types."""
        dates = self._dates.get(type_id)
        if not dates:
            return False, None
        index = bisect.bisect_right(dates, day) - 1
        if index < 0:
            return False, None
        return True, self._months[type_id][index]


def cycle_on(instrument_type: InstrumentType | int, day: dt.date) -> tuple[bool, int | None]:
    """The cycle of one type on one date, in one query (CycleTable for many)."""
    type_id = instrument_type if isinstance(instrument_type, int) else instrument_type.pk
    row = (
        VerificationCycle.objects.filter(instrument_type_id=type_id, valid_from__lte=day)
        .order_by("-valid_from")
        .values_list("cycle_months")
        .first()
    )
    return (False, None) if row is None else (True, row[0])


def instruments_due(today: dt.date, *, within_days: int, overdue_for_days: int) -> QuerySet[Instrument]:
    """Instruments in use whose next verification falls due within `within_days`, or fell due
    at most `overdue_for_days` ago (older ones are presumed out of use; the list filter shows them)."""
    return (
        Instrument.objects.active()
        .filter(
            status=Instrument.Status.IN_USE,
            next_due_on__lte=today + dt.timedelta(days=within_days),
            next_due_on__gte=today - dt.timedelta(days=overdue_for_days),
        )
        .select_related("instrument_type", "owner")
        .order_by("next_due_on", "pk")
    )


def division_emails() -> tuple[str, ...]:
    """The metrology and quality division's staff (they follow every instrument)."""
    emails = (
        User.objects.filter(is_active=True, groups__name=roles.QUALITY_OFFICER)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )
    return tuple(sorted(emails))
