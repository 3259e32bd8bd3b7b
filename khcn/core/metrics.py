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
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from django.db.models import Count, QuerySet, Sum


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
        if self.aggregate == "distinct":
            assert self.field, f"{self.key}: distinct needs a field"
            return int(qs.aggregate(n=Count(self.field, distinct=True))["n"] or 0)
        assert self.field, f"{self.key}: sum needs a field"
        return int(qs.aggregate(n=Sum(self.field))["n"] or 0)


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
