"""THE acceptance test: load the whole demo once and check the 2023 report and the 2024 plan
section against every figure of facts.md that has a registered metric.

Slow (every app's demo, ~2 minutes): deselect with `-m "not demo"`.
"""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from khcn.core import metrics as core_metrics
from khcn.core.metrics import Period
from khcn.reports import layout, services
from khcn.reports.management.commands.annual_report import find_province
from khcn.reports.tests.test_layout import APPROXIMATE_2023, FACTS_2023, PLAN_2024, PLAN_2024_GROUPS


def _mismatches(report: services.Report) -> dict[str, tuple[int | None, int]]:
    wrong: dict[str, tuple[int | None, int]] = {}
    for key, expected in FACTS_2023.items():
        figure = report.figure(key, section="research" if key.startswith("research.") else None)
        if figure.recorded and figure.value != expected:
            wrong[key] = (figure.value, expected)
    for key, (low, high) in APPROXIMATE_2023.items():
        figure = report.figure(key)
        if figure.recorded and not low <= (figure.value or 0) <= high:
            wrong[key] = (figure.value, high)
    return wrong


@pytest.mark.demo
@pytest.mark.django_db
def test_the_demo_reproduces_the_seed_articles_figures():
    call_command("load_demo", stdout=StringIO())

    report = services.build_report(Period.year(2023), compare=False)

    # Every key the article's rows map to is registered now (none "chưa ghi nhận").
    not_recorded = [key for key in FACTS_2023 if not report.figure(key).recorded]
    assert not_recorded == []
    assert _mismatches(report) == {}

    plan = {f.key: f.value for f in report.figures() if f.section == "plan"}
    assert {key: plan[key] for key in PLAN_2024} == PLAN_2024
    assert [g.value for g in report.plan_groups] == PLAN_2024_GROUPS
    assert (report.decision_number, report.decision_date) == ("105/QĐ-UBND", dt.date(2024, 1, 15))
    plan_text = report.sections[-1].lines[0].text
    assert "78 phiếu đề xuất mới" in plan_text and "Quyết định số 105/QĐ-UBND ngày 15/01/2024" in plan_text
    assert "tổng số 42 nhiệm vụ" in plan_text and "27 nhiệm vụ chuyển tiếp" in plan_text
    assert "27,273 tỷ đồng" in plan_text

    # The drill-down of a figure lists exactly the records behind it.
    for key in ("quality.import_registrations", "radiation.licences_issued", "inspections.inspections"):
        metric, records = services.drill_down(key, Period.year(2023))
        assert records.count() == report.figure(key).value

    # The same report for the province (code 33): records name 2023 districts and communes and
    # must still count for today's Hưng Yên, figure for figure.
    province_report = services.build_report(Period.year(2023), find_province("33"), compare=False)
    assert _mismatches(province_report) == {}

    # Figures counted together (core.metrics.Records, one statement per records) give, for every
    # registered metric, what each figure's own queryset gives one by one; a count is the length
    # of its drill-down list.
    metrics = core_metrics.all_metrics() + [m for m in map(services.resolve, layout.all_keys()) if m is not None]
    quarter = Period(dt.date(2023, 4, 1), dt.date(2023, 7, 1))
    requests = [(m, p) for m in metrics for p in (Period.year(2023), Period.year(2022), quarter, quarter.previous())]
    for area in (None, find_province("33")):
        units = services.area_units(area)
        together = core_metrics.compute_many(requests, units)
        one_by_one = {(m.key, p): m.compute(p, units) for m, p in requests}
        assert together == one_by_one
        drill_down = {(m.key, p): m.queryset(p, units).count() for m, p in requests if m.aggregate == "count"}
        assert drill_down == {k: v for k, v in together.items() if k in drill_down}
    assert any(together.values())

    # The public database of a fresh demo is not empty: the department has published the approved
    # tasks with their hosts, recognised initiatives and GI certificates (khcn/public/demo.py), and
    # a visitor's "long nhan" finds the longan certificate holders and a related task. No person is
    # public without recorded consent.
    from khcn.public import search
    from khcn.public import selectors as public

    assert public.task_list_public().count() >= 40
    assert public.organisation_list_public().exists() and public.certificate_list_public().exists()
    assert public.initiative_list_public().exists()
    kinds = {hit.entry.kind for hit in search.search("long nhan").hits}
    assert {"certificate", "organisation", "task"} <= kinds
    assert all(person.public_profile_consent for person in public.person_list_public())
