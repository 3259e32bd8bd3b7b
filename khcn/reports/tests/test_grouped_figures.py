"""Figures declared on the same records (core.metrics.Records) are counted together, in one
statement for every figure and period, and give exactly what each figure's own queryset (the
drill-down) gives one by one. The same check over every registered metric on the whole demo is in
test_demo_acceptance.py."""

from __future__ import annotations

import datetime as dt

import pytest

from khcn.core import metrics as core_metrics
from khcn.core.metrics import Period, RecordsQueryset
from khcn.directory.selectors import unit_ids_within
from khcn.reports import services
from khcn.reports.tests.helpers import C, legal_doc, two_years_of_documents

pytestmark = pytest.mark.django_db

KEYS = ("legaldocs.normative", "legaldocs.directive")
Q1_2023 = Period(dt.date(2023, 1, 1), dt.date(2023, 4, 1))


def test_spans_merge_periods_that_touch_and_keep_gaps():
    y2022, y2023, y2025 = Period.year(2022), Period.year(2023), Period.year(2025)
    assert core_metrics._spans([y2023, y2022, y2023]) == [Period(dt.date(2022, 1, 1), dt.date(2024, 1, 1))]
    assert core_metrics._spans([y2025, y2022]) == [y2022, y2025]
    assert core_metrics._spans([Q1_2023, y2023]) == [y2023]


def test_figures_on_the_same_records_are_one_statement_with_the_values_one_by_one_gives(
    science_officer, issuer_in_khoai_chau, issuer_in_ha_noi, new_hung_yen, khoai_chau, django_assert_num_queries
):
    two_years_of_documents(science_officer, issuer_in_khoai_chau)
    legal_doc(science_officer, issuer_in_ha_noi, "9/KH-UBND", C, dt.date(2023, 3, 1))
    # Neither the department's nor of the period: counted by no figure, though the statement reads it.
    legal_doc(
        science_officer, issuer_in_khoai_chau, "5/2023/NĐ-CP", C, dt.date(2023, 3, 2), drafted_by_department=False
    )
    metrics = [core_metrics.get(key) for key in KEYS]
    assert all(isinstance(m.queryset, RecordsQueryset) for m in metrics)
    periods = [Period.year(2023), Period.year(2022), Q1_2023, Q1_2023.previous(), Period.year(2021)]
    requests = [(m, p) for m in metrics for p in periods]
    for units in (None, unit_ids_within(new_hung_yen), unit_ids_within(khoai_chau)):
        with django_assert_num_queries(1):
            values = core_metrics.compute_many(requests, units)
        one_by_one = {(m.key, p): m.compute(p, units) for m, p in requests}
        assert values == one_by_one
        # ...and each is the size of its drill-down list.
        assert values == {(m.key, p): m.queryset(p, units).count() for m, p in requests}
    hung_yen = core_metrics.compute_many(requests, unit_ids_within(new_hung_yen))
    assert [hung_yen[(k, Period.year(2023))] for k in KEYS] == [2, 3]
    assert [hung_yen[(k, Period.year(2022))] for k in KEYS] == [1, 1]
    assert core_metrics.compute_many(requests)[("legaldocs.directive", Period.year(2023))] == 4


def test_other_metrics_are_computed_one_by_one_and_asked_twice_once(new_hung_yen, django_assert_num_queries):
    research = services.resolve("research.plan_tasks")
    assert research is not None and not isinstance(research.queryset, RecordsQueryset)
    requests = [(research, Period.year(2024)), (research, Period.year(2023)), (research, Period.year(2024))]
    units = unit_ids_within(new_hung_yen)
    with django_assert_num_queries(2):  # one per (metric, period), the repeated request not again
        values = core_metrics.compute_many(requests, units)
    assert values == {("research.plan_tasks", Period.year(2024)): 0, ("research.plan_tasks", Period.year(2023)): 0}


def test_a_sum_and_a_distinct_count_share_the_statement(science_officer, issuer_in_khoai_chau, new_hung_yen):
    from khcn.registries.inspections.metrics import SANCTIONS

    sanctions = [m for m in core_metrics.all_metrics() if getattr(m.queryset, "records", None) is SANCTIONS]
    assert {m.aggregate for m in sanctions} == {"count", "sum"}
    requests = [(m, p) for m in sanctions for p in (Period.year(2023), Period.year(2022))]
    units = unit_ids_within(new_hung_yen)
    assert core_metrics.compute_many(requests, units) == {(m.key, p): m.compute(p, units) for m, p in requests}
