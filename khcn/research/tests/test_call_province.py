"""Calls belong to a province (issue 7): each province's "proposals received" counts only the
proposals to its own calls, plus those to calls without a province (from before calls had one)."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse

from khcn.directory.models import AdministrativeUnit
from khcn.research import metrics
from khcn.research.models import Call, Plan

pytestmark = pytest.mark.django_db

Level = AdministrativeUnit.Level


@pytest.fixture
def ha_noi(db) -> AdministrativeUnit:
    return AdministrativeUnit.objects.create(level=Level.PROVINCE, code="01", name="Hà Nội", division_type="thành phố")


def _unplaced(call: Call) -> Call:
    # A call from before calls had a province.
    Call.objects.filter(pk=call.pk).update(province=None)
    call.refresh_from_db()
    return call


def test_call_create_puts_the_call_in_the_current_province_by_default(build):
    call = build.call()

    assert call.province == build.province
    assert call.history.get().province_id == build.province.pk


def test_call_create_takes_the_province_it_is_given(build, ha_noi):
    call = build.call(province=ha_noi)

    assert call.province == ha_noi
    assert call.history.get().province_id == ha_noi.pk


def test_a_call_in_a_unit_below_a_province_is_refused(build, ha_noi):
    district = AdministrativeUnit.objects.create(
        level=Level.DISTRICT, code="001", name="Ba Đình", division_type="quận", parent=ha_noi
    )

    with pytest.raises(ValidationError) as exc:
        build.call(province=district)

    assert exc.value.message_dict["province"] == ["Đợt phải thuộc một tỉnh, không phải Ba Đình."]
    assert not Call.objects.exists()


def test_each_province_counts_the_proposals_to_its_own_calls_and_to_calls_without_a_province(build, ha_noi):
    hung_yen = build.province
    own = build.call(year=2027)
    other = build.call(year=2027, province=ha_noi)
    unplaced = _unplaced(build.call(year=2027))
    for call, n in ((own, 3), (other, 2), (unplaced, 1)):
        for _ in range(n):
            build.proposal(call)
    build.proposal(build.call(year=2028))  # another plan year

    assert metrics.value("research.proposals_received", 2027, hung_yen) == 3 + 1
    assert metrics.value("research.proposals_received", 2027, ha_noi) == 2 + 1
    assert metrics.value("research.proposals_received", 2027) == 3 + 2 + 1


def test_with_only_calls_without_a_province_every_province_counts_them_all(build, ha_noi):
    call = _unplaced(build.call(year=2027))
    build.proposal(call)
    build.proposal(call)

    assert metrics.value("research.proposals_received", 2027, build.province) == 2
    assert metrics.value("research.proposals_received", 2027, ha_noi) == 2


def test_the_migration_gives_a_call_its_years_plan_province_only_when_one_province_has_a_plan(build, ha_noi):
    set_call_province = importlib.import_module("khcn.research.migrations.0005_call_province").set_call_province
    one_plan = _unplaced(build.call(year=2027))
    two_plans = _unplaced(build.call(year=2028))
    no_plan = _unplaced(build.call(year=2029))
    Plan.objects.create(year=2027, province=build.province, title="Kế hoạch 2027")
    Plan.objects.create(year=2028, province=build.province, title="Kế hoạch 2028")
    Plan.objects.create(year=2028, province=ha_noi, title="Kế hoạch 2028 Hà Nội")

    set_call_province(apps, None)

    assert Call.objects.get(pk=one_plan.pk).province == build.province
    assert Call.objects.get(pk=two_plans.pk).province is None
    assert Call.objects.get(pk=no_plan.pk).province is None


def test_the_call_list_in_the_back_office_shows_and_filters_by_province(client, build, science_officer, ha_noi):
    build.call(year=2027)
    build.call(year=2027, province=ha_noi)
    client.force_login(science_officer)

    response = client.get(reverse("admin:research_call_changelist"), {"province__id__exact": ha_noi.pk})

    assert response.status_code == 200
    assert [c.province for c in response.context["cl"].result_list] == [ha_noi]
