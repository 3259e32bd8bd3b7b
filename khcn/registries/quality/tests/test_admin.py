"""The quality back office: lists in a fixed number of queries, rules shown on their fields,
and division permissions (quality staff edit; radiation staff only look)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from khcn.registries.quality.models import ImportInspection
from khcn.registries.quality.tests.conftest import announcement, registration
from khcn.testing import empty_inline

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("rules")]

TODAY = dt.datetime(2024, 6, 3, 9, 0, tzinfo=dt.UTC)
LISTS = [
    "admin:quality_conformityannouncement_changelist",
    "admin:quality_importinspection_changelist",
    "admin:quality_marketsurvey_changelist",
    "admin:quality_qualitytraining_changelist",
    "admin:quality_deadlinerule_changelist",
]


def fill(enterprise, importer, start: int, count: int) -> None:
    with time_machine.travel(TODAY, tick=False):
        for n in range(start, start + count):
            announcement(enterprise, f"{n}/HQ", dt.date(2023, 1, 2) + dt.timedelta(days=n))
            registration(importer, f"{n}/ĐKNK", dt.date(2023, 1, 2) + dt.timedelta(days=n))


@pytest.mark.parametrize("url", LISTS[:2])
def test_lists_cost_the_same_queries_for_3_or_40_records(
    client, quality_officer, enterprise, importer, url, django_assert_max_num_queries
):
    client.force_login(quality_officer)
    fill(enterprise, importer, 0, 3)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse(url)).status_code == 200
    fill(enterprise, importer, 3, 37)
    with django_assert_max_num_queries(len(few)):
        assert client.get(reverse(url)).status_code == 200


@pytest.mark.parametrize("url", LISTS)
def test_every_list_opens_for_both_divisions(client, quality_officer, radiation_officer, url):
    for user in (quality_officer, radiation_officer):
        client.force_login(user)
        assert client.get(reverse(url)).status_code == 200


@time_machine.travel(TODAY, tick=False)
def test_the_overdue_filter_and_flag(client, quality_officer, importer):
    client.force_login(quality_officer)
    late = registration(importer, "1/ĐKNK", dt.date(2024, 5, 2), clearance_date=dt.date(2024, 5, 3))
    registration(importer, "2/ĐKNK", dt.date(2024, 5, 30))
    response = client.get(reverse("admin:quality_importinspection_changelist"), {"gcn": "overdue"})
    assert [i.pk for i in response.context["cl"].result_list] == [late.pk]


def registration_form(inspection: ImportInspection, **changes) -> dict:
    data = {
        "registration_no": inspection.registration_no,
        "registration_date": inspection.registration_date.strftime("%d/%m/%Y"),
        "enterprise": inspection.enterprise_id,
        "customs_declaration_no": "",
        "clearance_date": inspection.clearance_date.strftime("%d/%m/%Y") if inspection.clearance_date else "",
        "goods": inspection.goods,
        "hs_code": "",
        "origin": "",
        "quantity": str(inspection.quantity),
        "unit": inspection.unit,
        "standard_code": inspection.standard_code,
        "certifying_body": "",
        "certificate_no": "",
        "certificate_submitted_on": "",
        "result": "",
        "result_notice_no": "",
        "result_notice_date": "",
        "loaded_version": inspection.version,
        **empty_inline(),
    }
    data.update(changes)
    return data


@time_machine.travel(TODAY, tick=False)
def test_the_quality_officer_edits_and_the_deadline_follows(client, quality_officer, importer):
    client.force_login(quality_officer)
    lot = registration(importer, "1/ĐKNK", dt.date(2024, 5, 2))
    url = reverse("admin:quality_importinspection_change", args=[lot.pk])
    response = client.post(url, registration_form(lot, clearance_date="03/05/2024"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    lot.refresh_from_db()
    assert (lot.clearance_date, lot.certificate_due_on, lot.version) == (dt.date(2024, 5, 3), dt.date(2024, 5, 24), 2)

    response = client.post(url, registration_form(lot, clearance_date="01/05/2024"))
    assert response.status_code == 200
    assert (
        "Ngày thông quan 01/05/2024 trước ngày đăng ký 02/05/2024."
        in response.context["adminform"].form.errors["clearance_date"]
    )


@time_machine.travel(TODAY, tick=False)
def test_radiation_staff_may_look_but_not_edit(client, radiation_officer, importer, enterprise):
    client.force_login(radiation_officer)
    lot = registration(importer, "1/ĐKNK", dt.date(2024, 5, 2))
    url = reverse("admin:quality_importinspection_change", args=[lot.pk])
    page = client.get(url)
    assert page.status_code == 200 and not page.context["has_change_permission"]
    assert client.post(url, registration_form(lot, goods="Khác")).status_code == 403
    for name in ("conformityannouncement", "importinspection", "marketsurvey", "qualitytraining", "deadlinerule"):
        assert client.get(reverse(f"admin:quality_{name}_add")).status_code == 403
    for name in ("conformityannouncement", "importinspection", "marketsurvey", "qualitytraining"):
        assert client.get(reverse(f"admin:quality_{name}_tabular_import")).status_code == 403
    client.post(reverse(LISTS[1]), {"action": "archive_selected", "_selected_action": [lot.pk], "index": 0})
    lot.refresh_from_db()
    assert (lot.goods, lot.archived_at) == ("Thép cuộn cán nóng", None)


def test_the_quality_officer_may_add_and_import(client, quality_officer):
    client.force_login(quality_officer)
    for name in ("conformityannouncement", "importinspection", "marketsurvey", "qualitytraining"):
        assert client.get(reverse(f"admin:quality_{name}_add")).status_code == 200
        assert client.get(reverse(f"admin:quality_{name}_tabular_import")).status_code == 200
