"""The inspection back office: the inspection staff record a check with its establishments and a
sanction; refusals (inspection after the reform, no legal ground, negative fine) show on the form
and change nothing; other staff read; lists cost a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from khcn.registries.inspections.models import InspectedEstablishment, Inspection, Sanction
from khcn.testing import empty_inline

pytestmark = pytest.mark.django_db
MODELS = ("inspection", "finding", "sanction", "inspectionauthorityrule")


def campaign_data(organisations, **fields):
    data = {
        "code": "",
        "kind": "check",
        "mode": "planned",
        "field": "standards",
        "subject": "Kiểm tra đo lường xăng dầu",
        "start_date": "06/03/2023",
        "end_date": "28/04/2023",
        "conclusion": "",
        "provincial_reference": "",
        "coverage-TOTAL_FORMS": str(len(organisations)),
        "coverage-INITIAL_FORMS": "0",
        "coverage-MIN_NUM_FORMS": "0",
        "coverage-MAX_NUM_FORMS": "1000",
        **empty_inline(),
    }
    for i, org in enumerate(organisations):
        data.update(
            {
                f"coverage-{i}-organisation": str(org.pk),
                f"coverage-{i}-outcome": "compliant",
                f"coverage-{i}-visited_on": "",
                f"coverage-{i}-minutes_number": "",
                f"coverage-{i}-note": "",
            }
        )
    data.update(fields)
    return data


def sanction_data(inspection, organisation, **fields):
    data = {
        "inspection": str(inspection.pk),
        "organisation": str(organisation.pk),
        "offender_kind": "organisation",
        "offender_name": "",
        "decision_number": "05/QĐ-XPHC",
        "decision_date": "10/03/2023",
        "issued_by": "",
        "violation": "Sử dụng cột đo chưa kiểm định",
        "legal_ground": "NĐ 119/2017/NĐ-CP",
        "amount": "2500000",
        "additional_penalty": "",
        "remedial_measures": "",
        "payment_due": "24/03/2023",
        "status": "unpaid",
        "paid_on": "",
        "enforced_on": "",
        **empty_inline(),
    }
    data.update(fields)
    return data


@pytest.mark.parametrize("persona", ["inspector", "technology_officer", "provincial_leader"])
def test_staff_open_every_list(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    for model in MODELS:
        assert client.get(reverse(f"admin:inspections_{model}_changelist")).status_code == 200, model


@pytest.mark.parametrize("persona", ["technology_officer", "science_officer"])
def test_other_divisions_cannot_add(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    for model in ("inspection", "sanction", "finding"):
        assert client.get(reverse(f"admin:inspections_{model}_add")).status_code == 403


def test_the_inspector_records_a_check_with_its_establishments(client, inspector, build):
    orgs = [build.establishment(), build.establishment()]
    client.force_login(inspector)
    response = client.post(reverse("admin:inspections_inspection_add"), campaign_data(orgs))
    assert response.status_code == 302, response.content.decode()[:4000]
    inspection = Inspection.objects.get()
    assert inspection.code == "KT-2023-01"
    assert set(inspection.establishments.all()) == set(orgs)
    assert InspectedEstablishment.objects.first().history.first().history_user == inspector


def test_an_inspection_after_the_reform_is_refused_on_the_form(client, inspector, build):
    client.force_login(inspector)
    data = campaign_data([build.establishment()], kind="inspection", start_date="01/08/2025", end_date="")
    response = client.post(reverse("admin:inspections_inspection_add"), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Không ghi nhận được cuộc thanh tra ngày 01/08/2025" in body
    assert not Inspection.objects.exists() and not InspectedEstablishment.objects.exists()


def test_a_visit_outside_the_campaign_is_refused_on_the_form(client, inspector, build):
    client.force_login(inspector)
    data = campaign_data([build.establishment()], **{"coverage-0-visited_on": "01/01/2023"})
    response = client.post(reverse("admin:inspections_inspection_add"), data)
    assert response.status_code == 200
    assert "trước ngày bắt đầu cuộc" in response.content.decode()
    assert not Inspection.objects.exists()


def test_the_inspector_records_a_sanction(client, inspector, build):
    inspection = build.campaign(establishments=1)
    client.force_login(inspector)
    response = client.post(
        reverse("admin:inspections_sanction_add"), sanction_data(inspection, inspection.establishments.get())
    )
    assert response.status_code == 302, response.content.decode()[:4000]
    assert Sanction.objects.get().amount == 2_500_000


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"legal_ground": ""}, "This field is required"),
        ({"amount": "-100000"}, "Số tiền phạt không được âm"),
        ({"payment_due": "01/03/2023"}, "Hạn nộp phạt"),
    ],
)
def test_bad_sanctions_are_refused_on_the_form(client, inspector, build, fields, message, settings):
    inspection = build.campaign(establishments=1)
    client.force_login(inspector)
    response = client.post(
        reverse("admin:inspections_sanction_add"), sanction_data(inspection, inspection.establishments.get(), **fields)
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body or (message == "This field is required" and "Trường này là bắt buộc" in body)
    assert not Sanction.objects.exists()


@pytest.mark.parametrize("model", ("inspection", "sanction", "finding"))
def test_lists_cost_the_same_for_few_or_many(client, inspector, build, model, django_assert_num_queries):
    from khcn.registries.inspections import services
    from khcn.registries.inspections.models import Finding

    def add(n):
        campaign = build.campaign(start=dt.date(2023, 1, 1) + dt.timedelta(days=n), end=None, establishments=2)
        org = campaign.establishments.first()
        build.sanction(campaign, org)
        services.finding_save(finding=Finding(inspection=campaign, organisation=org, description="x"), by=inspector)

    add(0)
    client.force_login(inspector)
    url = reverse(f"admin:inspections_{model}_changelist")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(1, 15):
        add(n)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url)
