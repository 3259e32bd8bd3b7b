from __future__ import annotations

import datetime as dt

import pytest

from khcn.core import metrics
from khcn.directory.models import Organisation


def test_year_period_and_previous():
    period = metrics.Period.year(2023)
    assert period == metrics.Period(dt.date(2023, 1, 1), dt.date(2024, 1, 1))
    assert period.previous() == metrics.Period.year(2022)
    quarter = metrics.Period(dt.date(2024, 4, 1), dt.date(2024, 7, 1))
    before = quarter.previous()
    assert before.end == quarter.start
    assert before.end - before.start == quarter.end - quarter.start


@pytest.mark.django_db
def test_a_metric_counts_sums_and_filters_by_area():
    Organisation.objects.create(name="A", kind="enterprise")
    Organisation.objects.create(name="B", kind="enterprise")
    Organisation.objects.create(name="C", kind="cooperative")
    count = metrics.Metric(
        key="test.enterprises",
        label="Doanh nghiệp",
        section="test",
        queryset=lambda period, units: Organisation.objects.filter(
            kind="enterprise", **metrics.in_units("administrative_unit", units)
        ),
    )
    distinct = metrics.Metric(
        key="test.kinds",
        label="Loại hình",
        section="test",
        aggregate="distinct",
        field="kind",
        queryset=lambda period, units: Organisation.objects.all(),
    )
    period = metrics.Period.year(2023)
    assert count.compute(period) == 2
    assert count.compute(period, units=set()) == 0
    assert distinct.compute(period) == 2
