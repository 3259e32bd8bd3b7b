"""Report figures, declared by each app in its `metrics.py` and computed from records.

    from khcn.core.metrics import Metric, register

    register(Metric(
        key="radiation.licences_issued",
        label="Giấy phép tiến hành công việc bức xạ đã cấp",
        section="radiation",
        queryset=lambda period, units: RadiationLicence.objects.filter(
            issue_date__gte=period.start, issue_date__lt=period.end, **in_units("facility__administrative_unit", units)),
    ))

A figure is always `aggregate` over `queryset(period, units)`, so the report can link each figure to
exactly the records behind it (the same queryset, listed). `units` is None for the whole system, or
the set of AdministrativeUnit ids of an area (directory.selectors.unit_ids_within), which includes
the units that existed before the 2025 reform.

Figures that count the same records (verified, passed and rejected instruments: verifications of
the area, each with its own condition) are declared on one `Records`:

    VERIFICATIONS = Records(
        "metrology.verifications",
        queryset=lambda units: Verification.objects.active().filter(**in_units("...", units)),
        in_period=lambda period: Q(date__gte=period.start, date__lt=period.end),
    )
    register(Metric(key="metrology.passed", ..., queryset=VERIFICATIONS.figure(Q(result="passed"))))

The figure's queryset is still `records.queryset(units).filter(in_period(period) & where)`, the
list the drill-down shows; `compute_many` counts every figure and period declared on the same
Records in one statement (`count(*) FILTER (WHERE <period> AND <where>)` for each) over the
records of all the periods, instead of one statement per figure and period. The conditions must
stay on the record and its to-one relations (foreign keys followed forward): a to-many join would
repeat rows in the shared statement that the figure's own queryset does not count.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from django.db.models import Aggregate, Count, Q, QuerySet, Sum


@dataclass(frozen=True)
class Period:
    """[start, end): end is exclusive, so a year is 01/01 to the next 01/01."""

    start: dt.date
    end: dt.date

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(dt.date(year, 1, 1), dt.date(year + 1, 1, 1))

    def previous(self) -> Period:
        length = self.end - self.start
        if self.start.month == 1 and self.start.day == 1 and self.end == self.start.replace(year=self.start.year + 1):
            return Period.year(self.start.year - 1)
        return Period(self.start - length, self.start)


Units = set[int] | None


@dataclass(frozen=True)
class Records:
    """The records several figures count, so that they can be counted together (see the module's
    docstring): the area's records of any date, and the condition that makes one a period's."""

    name: str
    queryset: Callable[[Units], QuerySet[Any]]
    in_period: Callable[[Period], Q]

    def figure(self, where: Q | None = None) -> RecordsQueryset:
        """A metric's queryset: these records, of the period, that also satisfy `where`."""
        return RecordsQueryset(self, where if where is not None else Q())


@dataclass(frozen=True)
class RecordsQueryset:
    """(period, units) -> the records a figure counts: `records` of the period satisfying `where`."""

    records: Records
    where: Q = field(default_factory=Q)

    def condition(self, period: Period) -> Q:
        return self.records.in_period(period) & self.where

    def __call__(self, period: Period, units: Units) -> QuerySet[Any]:
        return self.records.queryset(units).filter(self.condition(period))


@dataclass(frozen=True)
class Metric:
    key: str
    label: Any  # a str or a lazy translation
    section: str
    queryset: Callable[[Period, Units], QuerySet[Any]]
    aggregate: Literal["count", "distinct", "sum"] = "count"
    field: str | None = None  # what to sum, or what to count distinct
    unit: Any = ""  # a str or a lazy translation shown after the number: "dự án", "đồng", "người"
    order: int = 0

    def compute(self, period: Period, units: Units = None) -> int:
        qs = self.queryset(period, units)
        if self.aggregate == "count":
            return qs.count()
        return int(qs.aggregate(n=self.expression())["n"] or 0)

    def expression(self, filter: Q | None = None) -> Aggregate:
        """The aggregate over the figure's records (`filter`: of those the statement reads)."""
        if self.aggregate == "count":
            return Count("pk", filter=filter)
        if self.aggregate == "distinct":
            assert self.field, f"{self.key}: distinct needs a field"
            return Count(self.field, distinct=True, filter=filter)
        assert self.field, f"{self.key}: sum needs a field"
        return Sum(self.field, filter=filter)


def _spans(periods: Iterable[Period]) -> list[Period]:
    """The periods merged where they touch or overlap: a year and the year before are one span."""
    merged: list[Period] = []
    for period in sorted(set(periods), key=lambda p: (p.start, p.end)):
        if merged and period.start <= merged[-1].end:
            last = merged.pop()
            merged.append(Period(last.start, max(last.end, period.end)))
        else:
            merged.append(period)
    return merged


def compute_many(requests: Iterable[tuple[Metric, Period]], units: Units = None) -> dict[tuple[str, Period], int]:
    """Every (metric, period) asked for, keyed by (metric key, period): the same values as
    `metric.compute(period, units)` one by one, but the figures declared on the same `Records` in
    one statement for all their periods. Other metrics are computed one by one."""
    values: dict[tuple[str, Period], int] = {}
    batches: dict[Records, dict[tuple[str, Period], tuple[Metric, RecordsQueryset, Period]]] = {}
    for metric, period in requests:
        if isinstance(metric.queryset, RecordsQueryset):
            batches.setdefault(metric.queryset.records, {})[(metric.key, period)] = (metric, metric.queryset, period)
        elif (metric.key, period) not in values:
            values[(metric.key, period)] = metric.compute(period, units)
    for records, batch in batches.items():
        items = list(batch.items())
        if len(items) == 1:
            ((key, (metric, _figure, period)),) = items
            values[key] = metric.compute(period, units)
            continue
        within = functools.reduce(
            operator.or_, (records.in_period(span) for span in _spans(p for _m, _f, p in batch.values()))
        )
        aggregates = {
            f"f{i}": metric.expression(filter=figure.condition(period))
            for i, (_key, (metric, figure, period)) in enumerate(items)
        }
        row = records.queryset(units).filter(within).aggregate(**aggregates)
        for i, (key, _request) in enumerate(items):
            values[key] = int(row[f"f{i}"] or 0)
    return values


_METRICS: dict[str, Metric] = {}


def register(metric: Metric) -> Metric:
    if metric.key in _METRICS and _METRICS[metric.key] != metric:
        raise ValueError(f"metric {metric.key} registered twice")
    _METRICS[metric.key] = metric
    return metric


def get(key: str) -> Metric:
    _discover()
    return _METRICS[key]


def all_metrics(section: str | None = None) -> list[Metric]:
    _discover()
    items = [m for m in _METRICS.values() if section is None or m.section == section]
    return sorted(items, key=lambda m: (m.section, m.order, m.key))


def in_units(path: str, units: Units) -> dict[str, Any]:
    """Filter kwargs for an area: {} for the whole system, else `<path>_id__in=units`."""
    return {} if units is None else {f"{path}_id__in": units}


def _discover() -> None:
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("metrics")
