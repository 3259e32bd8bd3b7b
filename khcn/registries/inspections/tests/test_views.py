"""An establishment's page (staff only): its campaigns, findings and sanctions, in a fixed number
of queries; the list of establishments covered by campaigns."""

from __future__ import annotations

import pytest
from django.urls import reverse

from khcn.registries.inspections import services
from khcn.registries.inspections.models import Finding, Inspection

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(build, inspector):
    org = build.establishment("Cửa hàng xăng dầu Giả định 01")
    first = build.campaign(kind=Inspection.Kind.INSPECTION, establishments=[org], subject="Thanh tra đo lường xăng dầu")
    services.finding_save(
        finding=Finding(
            inspection=first,
            organisation=org,
            description="Cột đo hết hạn kiểm định",
            violation=Finding.Violation.MEASUREMENT,
        ),
        by=inspector,
    )
    build.sanction(first, org, decision_number="05/QĐ-XPHC", amount=2_500_000)
    import datetime as dt

    build.campaign(start=dt.date(2024, 5, 1), end=None, establishments=[org], subject="Kiểm tra chất lượng xăng")
    return org


def test_the_establishment_page_lists_campaigns_findings_and_sanctions(client, history, inspector):
    client.force_login(inspector)
    response = client.get(reverse("inspections:establishment-detail", args=[history.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    for text in (
        "Thanh tra đo lường xăng dầu",
        "Kiểm tra chất lượng xăng",
        "Cột đo hết hạn kiểm định",
        "05/QĐ-XPHC",
        "2.500.000 đ",
        "Chưa nộp phạt",
    ):
        assert text in body, text


@pytest.mark.parametrize("persona", ["technology_officer", "provincial_leader", "science_officer"])
def test_other_staff_read_the_establishment_page(client, request, history, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("inspections:establishment-detail", args=[history.pk])).status_code == 200


@pytest.mark.parametrize("persona", ["host_user", "council_member", "outsider"])
def test_nobody_outside_the_department_sees_it(client, request, history, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("inspections:establishment-detail", args=[history.pk])).status_code == 403
    assert client.get(reverse("inspections:establishment-list")).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, history):
    response = client.get(reverse("inspections:establishment-detail", args=[history.pk]))
    assert response.status_code == 302 and "dang-nhap" in response["Location"]


def test_the_list_finds_establishments_without_diacritics(client, history, inspector, build):
    build.campaign(establishments=[build.establishment("Cửa hàng điện máy Giả định")])
    client.force_login(inspector)
    body = client.get(reverse("inspections:establishment-list"), {"q": "xang dau"}).content.decode()
    assert "Cửa hàng xăng dầu Giả định 01" in body and "điện máy" not in body


def test_pages_cost_the_same_for_short_or_long_histories(client, build, inspector, history, django_assert_num_queries):
    import datetime as dt

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(inspector)
    detail = reverse("inspections:establishment-detail", args=[history.pk])
    listing = reverse("inspections:establishment-list")
    client.get(detail)
    with CaptureQueriesContext(connection) as few_detail:
        client.get(detail)
    with CaptureQueriesContext(connection) as few_list:
        client.get(listing)
    for n in range(8):
        campaign = build.campaign(
            start=dt.date(2022, 1, 1) + dt.timedelta(days=40 * n),
            end=None,
            establishments=[history, build.establishment()],
        )
        build.sanction(campaign, history)
        services.finding_save(
            finding=Finding(inspection=campaign, organisation=history, description=f"Phát hiện {n}"), by=inspector
        )
    with django_assert_num_queries(len(few_detail.captured_queries)):
        client.get(detail)
    with django_assert_num_queries(len(few_list.captured_queries)):
        client.get(listing)
