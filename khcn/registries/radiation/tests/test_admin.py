"""The back office and the map page: who may see and who may edit, per division and role; lists and
the map cost a fixed number of queries; the forms refuse bad input with the rules' messages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from khcn.registries.radiation import services
from khcn.registries.radiation.models import (
    Device,
    MeasurementPoint,
    RadiationFacility,
    RadiationLicence,
    Survey,
    WorkerCertificate,
)
from khcn.testing import empty_inline

from .conftest import HA_NOI, csv_bytes, make_device, make_facility, make_licence, make_point, make_survey, point_row

# Every test here touches the database, some only through request.getfixturevalue, which
# pytest-django cannot see when it orders tests: unmarked, they ran after the transactional tests,
# whose last flush leaves no permissions behind.
pytestmark = pytest.mark.django_db

MODELS = [
    "radiationfacility",
    "device",
    "radiationsource",
    "radiationlicence",
    "workercertificate",
    "training",
    "survey",
    "measurementpoint",
]


@pytest.fixture
def licence(radiation_officer):
    facility = make_facility(radiation_officer, code="HY-BX-001", name="Bệnh viện A")
    make_device(radiation_officer, facility)
    return make_licence(
        radiation_officer, facility, "01/2023/GP-SKHCN", dt.date(2023, 3, 1), devices=list(facility.devices.all())
    )


def change_data(licence: RadiationLicence, **changes) -> dict:
    data = {
        "number": licence.number,
        "kind": licence.kind,
        "facility": licence.facility_id,
        "activity": licence.activity,
        "issue_date": licence.issue_date.strftime("%d/%m/%Y"),
        "expiry_date": licence.expiry_date.strftime("%d/%m/%Y"),
        "conditions": "Điều kiện mới",
        "loaded_version": licence.version,
        "devices": [d.pk for d in licence.devices.all()],
        **empty_inline(),
    }
    data.update(changes)
    return data


# --- Who may see, who may edit -------------------------------------------------------------------


@pytest.mark.parametrize("model", MODELS)
def test_radiation_officer_lists_and_adds_everywhere(client, radiation_officer, model):
    client.force_login(radiation_officer)
    assert client.get(reverse(f"admin:radiation_{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:radiation_{model}_add")).status_code == 200


@pytest.mark.parametrize("persona", ["quality_officer", "science_officer", "department_leader", "provincial_leader"])
@pytest.mark.parametrize("model", MODELS)
def test_other_staff_view_but_cannot_add(client, request, persona, model):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse(f"admin:radiation_{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:radiation_{model}_add")).status_code == 403


def test_radiation_officer_edits_a_licence_and_it_is_in_the_history(client, radiation_officer, licence):
    client.force_login(radiation_officer)
    url = reverse("admin:radiation_radiationlicence_change", args=[licence.pk])
    response = client.post(url, change_data(licence))
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    licence.refresh_from_db()
    assert licence.conditions == "Điều kiện mới" and licence.version == 2
    assert licence.history.first().history_user == radiation_officer


def test_quality_officer_sees_a_licence_but_cannot_change_it(client, quality_officer, licence):
    client.force_login(quality_officer)
    url = reverse("admin:radiation_radiationlicence_change", args=[licence.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert licence.number in page.content.decode()
    assert 'name="_save"' not in page.content.decode()
    assert client.post(url, change_data(licence)).status_code == 403
    licence.refresh_from_db()
    assert licence.conditions != "Điều kiện mới" and licence.version == 1
    assert client.get(reverse("admin:radiation_radiationlicence_tabular_import")).status_code == 403


def test_science_officer_cannot_archive_licences(client, science_officer, licence):
    client.force_login(science_officer)
    response = client.post(
        reverse("admin:radiation_radiationlicence_changelist"),
        {"action": "archive_selected", "_selected_action": [licence.pk]},
        follow=True,
    )
    licence.refresh_from_db()
    assert licence.archived_at is None
    assert response.status_code in (200, 403)


@pytest.mark.parametrize("persona", ["host_user", "outsider"])
def test_host_users_and_outsiders_are_kept_out(client, request, persona, licence):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("admin:radiation_radiationlicence_changelist"))
    assert response.status_code == 302 and "/login/" in response["Location"]
    survey = make_survey(request.getfixturevalue("radiation_officer"))
    assert client.get(reverse("radiation:survey-map", args=[survey.pk])).status_code == 403
    assert client.get(reverse("radiation:survey-list")).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, radiation_officer):
    survey = make_survey(radiation_officer)
    response = client.get(reverse("radiation:survey-map", args=[survey.pk]))
    assert response.status_code == 302


def test_personal_data_of_certificates_is_hidden_from_provincial_leaders(client, radiation_officer, provincial_leader):
    certificate = services.certificate_save(
        certificate=WorkerCertificate(
            number="001/2023/CC-NVBX",
            full_name="Nguyễn Văn An",
            issue_date=dt.date(2023, 5, 2),
            id_number="033090001234",
        ),
        by=radiation_officer,
    )
    client.force_login(provincial_leader)
    page = client.get(reverse("admin:radiation_workercertificate_change", args=[certificate.pk])).content.decode()
    assert "Nguyễn Văn An" in page and "033090001234" not in page
    client.force_login(radiation_officer)
    page = client.get(reverse("admin:radiation_workercertificate_change", args=[certificate.pk])).content.decode()
    assert "033090001234" in page


# --- Forms refuse bad input with the rules' messages ---------------------------------------------


def test_the_licence_form_refuses_a_duplicate_number_and_a_backwards_expiry(client, radiation_officer, licence):
    client.force_login(radiation_officer)
    add = reverse("admin:radiation_radiationlicence_add")
    data = change_data(licence, number="01/2023/gp-skhcn", loaded_version="")
    page = client.post(add, data).content.decode()
    assert "Số giấy phép này đã được dùng cho một giấy phép khác." in page
    data = change_data(licence, number="02/2023/GP-SKHCN", expiry_date="01/01/2023", loaded_version="")
    page = client.post(add, data).content.decode()
    assert "Ngày hết hạn (01/01/2023) trước ngày cấp (01/03/2023)." in page
    assert RadiationLicence.objects.count() == 1


def test_the_licence_form_computes_a_blank_expiry(client, radiation_officer, licence):
    client.force_login(radiation_officer)
    data = change_data(licence, number="02/2023/GP-SKHCN", expiry_date="", issue_date="05/06/2023", loaded_version="")
    response = client.post(reverse("admin:radiation_radiationlicence_add"), data)
    assert response.status_code == 302
    assert RadiationLicence.objects.get(number="02/2023/GP-SKHCN").expiry_date == dt.date(2026, 6, 4)


def test_renew_action_opens_a_prefilled_form(client, radiation_officer, licence):
    client.force_login(radiation_officer)
    response = client.get(reverse("admin:radiation_radiationlicence_renew", args=[licence.pk]), follow=True)
    form = response.context["adminform"].form
    assert form.initial["kind"] == "renewal" and str(form.initial["previous"]) == str(licence.pk)


def test_status_change_page_follows_the_table(client, radiation_officer, licence):
    client.force_login(radiation_officer)
    url = reverse("admin:radiation_radiationlicence_change_status", args=[licence.pk])
    assert "Bị đình chỉ" in client.get(url).content.decode()
    response = client.post(url, {"to": "suspended", "reason": "QĐ 12/QĐ-SKHCN"})
    assert response.status_code == 302
    licence.refresh_from_db()
    assert licence.status == "suspended"


def test_the_point_form_refuses_a_point_outside_the_province(client, radiation_officer):
    survey = make_survey(radiation_officer)
    client.force_login(radiation_officer)
    data = {
        "survey": survey.pk,
        "code": "P-1",
        "measured_on": "10/05/2023",
        "latitude": str(HA_NOI[0]),
        "longitude": str(HA_NOI[1]),
        "land_use": "paddy",
        "height_m": "1",
        "raw_value": "95",
        "raw_unit": "nSv/h",
        **empty_inline(),
    }
    page = client.post(reverse("admin:radiation_measurementpoint_add"), data).content.decode()
    assert "nằm ngoài ranh giới tỉnh Hưng Yên" in page
    assert not MeasurementPoint.objects.exists()


def test_import_page_imports_points_for_the_radiation_officer(client, radiation_officer):
    make_survey(radiation_officer)
    client.force_login(radiation_officer)
    upload = SimpleUploadedFile("diem-do.csv", csv_bytes([point_row("P-1"), point_row("P-2", value="0.4")]))
    response = client.post(reverse("admin:radiation_measurementpoint_tabular_import"), {"file": upload}, follow=True)
    assert "Đã nhập diem-do.csv: 2 dòng, 2 tạo mới, 0 cập nhật." in response.content.decode()
    assert MeasurementPoint.objects.count() == 2


# --- Fixed query counts --------------------------------------------------------------------------


@pytest.fixture
def many(radiation_officer, unit_table):
    by = radiation_officer
    for f in range(12):
        facility = make_facility(by, name=f"Phòng khám {f}", code=f"HY-BX-{f:03d}")
        device = make_device(by, facility, last_verified_on=dt.date(2025, 3, 1))
        licence = make_licence(by, facility, f"{f:02d}/2023/GP-SKHCN", dt.date(2023, 3, 1), devices=[device])
        if f % 3 == 0:
            services.licence_amend(
                licence=licence, number=f"{f:02d}/2024/GP-SKHCN", issue_date=dt.date(2024, 3, 1), by=by
            )
        services.certificate_save(
            certificate=WorkerCertificate(
                number=f"{f:03d}/2023", full_name="Nguyễn Văn An", issue_date=dt.date(2023, 5, 2), facility=facility
            ),
            by=by,
        )
    survey = make_survey(by)
    for i in range(30):
        make_point(by, survey, f"P-{i:03d}", str(80 + i), unit_named_id=None)
    return survey


@pytest.mark.parametrize("model", MODELS)
def test_list_pages_cost_a_fixed_number_of_queries(
    client, radiation_officer, many, model, django_assert_max_num_queries
):
    client.force_login(radiation_officer)
    url = reverse(f"admin:radiation_{model}_changelist")
    client.get(url)  # warm the permission cache of the session, as any user's second page
    with django_assert_max_num_queries(14):
        assert client.get(url).status_code == 200


def test_the_licence_list_states_each_licence_without_a_query_per_row(
    client, radiation_officer, many, django_assert_max_num_queries
):
    client.force_login(radiation_officer)
    url = reverse("admin:radiation_radiationlicence_changelist")
    with django_assert_max_num_queries(14):
        page = client.get(url).content.decode()
    assert "Đã được thay bằng giấy phép sau" in page


def test_survey_pages_cost_a_fixed_number_of_queries(client, quality_officer, many, django_assert_max_num_queries):
    client.force_login(quality_officer)
    client.get(reverse("radiation:survey-list"))
    with django_assert_max_num_queries(10):
        assert client.get(reverse("radiation:survey-list")).status_code == 200
    with django_assert_max_num_queries(12):
        page = client.get(reverse("radiation:survey-map", args=[many.pk]))
    assert page.status_code == 200
    assert page.content.decode().count("<circle ") == 30
    assert Survey.objects.count() == 1 and RadiationFacility.objects.count() == 12 and Device.objects.count() == 12


def test_survey_pages_link_the_map_and_remap_units_on_post(client, radiation_officer, unit_table):
    survey = make_survey(radiation_officer)
    make_point(radiation_officer, survey, "P-1", "90")
    client.force_login(radiation_officer)
    listing = client.get(reverse("radiation:survey-list")).content.decode()
    assert reverse("radiation:survey-map", args=[survey.pk]) in listing and "HY-TEST" in listing
    url = reverse("admin:radiation_survey_remap_units", args=[survey.pk])
    assert "Ánh xạ lại" in client.get(url).content.decode()
    response = client.post(url, follow=True)
    assert "Đã ánh xạ lại: 0 điểm đổi đơn vị hiện nay." in response.content.decode()


def test_the_map_lists_a_flagged_point_with_its_reason(client, radiation_officer):
    survey = make_survey(radiation_officer)
    for i in range(6):
        make_point(radiation_officer, survey, f"P-{i}", "90")
    make_point(radiation_officer, survey, "HOT", "0.45", "µSv/h")
    client.force_login(radiation_officer)
    page = client.get(reverse("radiation:survey-map", args=[survey.pk])).content.decode()
    assert page.count('class="flag"') == 1 and 'data-code="HOT"' in page
    assert "vượt ngưỡng 300 nSv/h" in page
    assert page.count("<circle ") == 7 + 1  # the points and the hot spot's ring
