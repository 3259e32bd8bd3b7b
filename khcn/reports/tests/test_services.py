"""The report's figures on hand-built records: values, previous period, area across the 2025
reform, unregistered keys, custom periods, and a bounded number of queries."""

from __future__ import annotations

import datetime as dt

import pytest

from khcn.core.metrics import Period
from khcn.reports import layout, services
from khcn.reports.periods import BadPeriod, period_from
from khcn.reports.tests.helpers import two_years_of_documents

pytestmark = pytest.mark.django_db


def test_legal_documents_line_with_previous_year_and_change(science_officer, issuer_in_khoai_chau):
    two_years_of_documents(science_officer, issuer_in_khoai_chau)

    report = services.build_report(Period.year(2023))

    normative = report.figure("legaldocs.normative")
    directive = report.figure("legaldocs.directive")
    assert (normative.value, normative.previous, normative.change) == (2, 1, 1)
    assert (directive.value, directive.previous, directive.change) == (3, 1, 2)
    first = report.sections[0]
    assert first.code == "legaldocs"
    assert first.lines[0].text.startswith(
        "Đã tham mưu xây dựng, trình Tỉnh ủy, HĐND tỉnh, UBND tỉnh ban hành 02 văn bản quy phạm pháp luật; 03 văn bản"
    )


def test_a_2023_record_in_a_former_district_counts_for_the_new_province(
    science_officer, issuer_in_khoai_chau, new_hung_yen, ha_noi, khoai_chau
):
    two_years_of_documents(science_officer, issuer_in_khoai_chau)

    assert services.build_report(Period.year(2023), new_hung_yen).figure("legaldocs.normative").value == 2
    assert services.build_report(Period.year(2023), khoai_chau).figure("legaldocs.normative").value == 2
    assert services.build_report(Period.year(2023), ha_noi).figure("legaldocs.normative").value == 0


def test_a_key_no_app_registered_is_not_recorded_never_a_number(monkeypatch):
    missing = layout.Section("x", "X", (layout.Line("Có {nothing.registered} việc."),))
    monkeypatch.setattr(layout, "SECTIONS", (missing,))

    report = services.build_report(Period.year(2023))

    figure = report.figure("nothing.registered")
    assert figure.value is None and not figure.recorded
    assert report.sections[0].lines[0].text == "Có chưa ghi nhận việc."
    assert figure.as_dict()["value"] is None


def test_custom_periods():
    assert period_from(2023, {}) == Period.year(2023)
    assert period_from(2023, {"quy": "2"}) == Period(dt.date(2023, 4, 1), dt.date(2023, 7, 1))
    assert period_from(2023, {"quy": "4"}) == Period(dt.date(2023, 10, 1), dt.date(2024, 1, 1))
    assert period_from(2023, {"nua": "2"}) == Period(dt.date(2023, 7, 1), dt.date(2024, 1, 1))
    assert period_from(2023, {"tu": "01/03/2023", "den": "31/03/2023"}) == Period(
        dt.date(2023, 3, 1), dt.date(2023, 4, 1)
    )
    with pytest.raises(BadPeriod):
        period_from(2023, {"tu": "31/03/2023", "den": "01/03/2023"})
    with pytest.raises(BadPeriod):
        period_from(2023, {"quy": "5"})


def test_a_quarter_counts_only_its_records_and_leaves_out_the_plan(science_officer, issuer_in_khoai_chau):
    two_years_of_documents(science_officer, issuer_in_khoai_chau)

    report = services.build_report(period_from(2023, {"quy": "1"}))

    assert report.figure("legaldocs.normative").value == 1  # 05/01/2023
    assert report.figure("legaldocs.directive").value == 1  # 01/02/2023
    assert "plan" not in [s.code for s in report.sections]


def test_the_report_costs_a_bounded_number_of_queries(new_hung_yen, django_assert_max_num_queries):
    keys = layout.all_keys()
    # Two per metric (this period and the previous), plus the area, the plan's groups and decision.
    with django_assert_max_num_queries(2 * len(keys) + 12):
        services.build_report(Period.year(2023), new_hung_yen)


def test_proposals_received_by_area_follows_the_calls_province(science_officer, new_hung_yen, ha_noi, khoai_chau):
    """Issue 7: a province counts the proposals to its own calls and to calls without a province;
    the whole country counts all; a former district counts its organisations' proposals, whatever
    province's call they went to (as before calls had a province)."""
    from khcn.directory.models import Organisation
    from khcn.directory.selectors import unit_ids_within
    from khcn.research.models import Call
    from khcn.research.tests.builders import Builder

    build = Builder(science_officer)
    assert build.province == new_hung_yen
    in_khoai_chau = Organisation.objects.create(name="HTX nhãn lồng Khoái Châu", administrative_unit=khoai_chau)
    in_ha_noi = Organisation.objects.create(name="Viện nghiên cứu Hà Nội", administrative_unit=ha_noi)
    own = build.call(year=2027)
    other = build.call(year=2027, province=ha_noi)
    unplaced = build.call(year=2027)
    Call.objects.filter(pk=unplaced.pk).update(province=None)
    build.proposal(own, org=in_khoai_chau)
    build.proposal(own, org=in_ha_noi)
    build.proposal(other, org=in_ha_noi)
    build.proposal(other, org=in_khoai_chau)
    build.proposal(other, org=in_ha_noi)
    build.proposal(unplaced, org=in_ha_noi)

    metric = services.resolve("research.proposals_received")
    year = Period.year(2027)

    assert metric.compute(year, unit_ids_within(new_hung_yen)) == 2 + 1
    assert metric.compute(year, unit_ids_within(ha_noi)) == 3 + 1
    assert metric.compute(year, None) == 6
    assert metric.compute(year, unit_ids_within(khoai_chau)) == 2
