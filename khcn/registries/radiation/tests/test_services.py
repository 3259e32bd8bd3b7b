"""Writes of the radiation registry: licence terms and procedures, numbers, devices, certificates,
the legal-status table, survey points; bad input is refused with a message and changes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from khcn.registries.radiation import selectors, services, workflow
from khcn.registries.radiation.models import (
    Device,
    LicenceTermRule,
    MeasurementPoint,
    RadiationLicence,
    WorkerCertificate,
)
from khcn.registries.radiation.selectors import LicenceState

from .conftest import HA_NOI, PHO_HIEN, make_device, make_facility, make_licence, make_point, make_survey, old_unit

# Every test here touches the database, some only through request.getfixturevalue, which
# pytest-django cannot see when it orders tests: unmarked, they ran after the transactional tests,
# whose last flush leaves no permissions behind.
pytestmark = pytest.mark.django_db

S = RadiationLicence.Status
K = RadiationLicence.Kind


@pytest.fixture
def facility(radiation_officer):
    return make_facility(radiation_officer)


def messages_of(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# --- Licence terms ---------------------------------------------------------------------------------


def test_add_months_clamps_to_the_end_of_the_month():
    assert services.add_months(dt.date(2023, 1, 31), 1) == dt.date(2023, 2, 28)
    assert services.add_months(dt.date(2023, 3, 1), 36) == dt.date(2026, 3, 1)
    assert services.add_months(dt.date(2024, 2, 29), 12) == dt.date(2025, 2, 28)


def test_a_new_licence_runs_three_years_from_issue(radiation_officer, facility):
    licence = make_licence(radiation_officer, facility, "01/2023/GP-SKHCN", dt.date(2023, 3, 1))
    assert licence.expiry_date == dt.date(2026, 2, 28)
    assert licence.history.count() == 1


def test_a_renewal_runs_from_the_old_expiry_and_links_to_it(radiation_officer, facility):
    old = make_licence(radiation_officer, facility, "03/2020/GP-SKHCN", dt.date(2020, 2, 14))
    assert old.expiry_date == dt.date(2023, 2, 13)
    renewal = services.licence_renew(
        licence=old, number="02/2023/GP-SKHCN", issue_date=dt.date(2023, 1, 18), by=radiation_officer
    )
    assert renewal.kind == K.RENEWAL and renewal.previous == old
    assert renewal.expiry_date == dt.date(2026, 2, 12)
    assert selectors.licence_state(old, dt.date(2023, 1, 20)) == LicenceState.REPLACED


def test_amendment_and_reissue_keep_the_old_expiry(radiation_officer, facility):
    device = make_device(radiation_officer, facility)
    first = make_licence(radiation_officer, facility, "05/2023/GP-SKHCN", dt.date(2023, 3, 1), devices=[device])
    second_device = make_device(radiation_officer, facility, kind="ct")
    amended = services.licence_amend(
        licence=first,
        number="09/2023/GP-SKHCN",
        issue_date=dt.date(2023, 8, 1),
        by=radiation_officer,
        devices=[device, second_device],
    )
    assert amended.expiry_date == first.expiry_date
    assert set(amended.devices.all()) == {device, second_device}
    reissued = services.licence_reissue(
        licence=amended, number="12/2023/GP-SKHCN", issue_date=dt.date(2023, 10, 2), by=radiation_officer
    )
    assert reissued.expiry_date == first.expiry_date
    assert set(reissued.devices.all()) == {device, second_device}, "a re-issue carries the devices over"


def test_only_the_latest_licence_of_a_chain_can_be_renewed(radiation_officer, facility):
    first = make_licence(radiation_officer, facility, "01/2023/GP-SKHCN", dt.date(2023, 3, 1))
    services.licence_amend(
        licence=first, number="02/2023/GP-SKHCN", issue_date=dt.date(2023, 5, 1), by=radiation_officer
    )
    with pytest.raises(ValidationError, match="đã được thay bằng giấy phép sau"):
        services.licence_renew(
            licence=first, number="03/2026/GP-SKHCN", issue_date=dt.date(2026, 2, 1), by=radiation_officer
        )
    assert not RadiationLicence.objects.filter(number="03/2026/GP-SKHCN").exists()


def test_the_term_comes_from_the_rule_table(radiation_officer, facility):
    rule = LicenceTermRule.objects.get(activity="medical_xray", valid_from=dt.date(2026, 1, 1))
    rule.term_months = 60
    rule.save()
    before = make_licence(radiation_officer, facility, "01/2025/GP-SKHCN", dt.date(2025, 12, 1))
    after = make_licence(radiation_officer, facility, "01/2026/GP-SKHCN", dt.date(2026, 1, 5))
    assert before.expiry_date == dt.date(2028, 11, 30)
    assert after.expiry_date == dt.date(2031, 1, 4)


def test_an_explicit_expiry_is_kept(radiation_officer, facility):
    licence = make_licence(
        radiation_officer, facility, "01/2023/GP-SKHCN", dt.date(2023, 3, 1), expiry_date=dt.date(2024, 3, 1)
    )
    assert licence.expiry_date == dt.date(2024, 3, 1)


# --- Bad input: refused, nothing written --------------------------------------------------------------


def test_a_duplicate_licence_number_is_refused_whatever_the_case(radiation_officer, facility):
    make_licence(radiation_officer, facility, "07/2023/GP-SKHCN", dt.date(2023, 3, 1))
    with pytest.raises(ValidationError) as caught:
        make_licence(radiation_officer, facility, " 07/2023/gp-skhcn ", dt.date(2023, 4, 1))
    assert "Số giấy phép “07/2023/gp-skhcn” đã được dùng" in messages_of(caught.value)
    assert RadiationLicence.objects.count() == 1


def test_an_expiry_before_the_issue_date_is_refused(radiation_officer, facility):
    with pytest.raises(ValidationError) as caught:
        make_licence(
            radiation_officer, facility, "01/2023/GP-SKHCN", dt.date(2023, 3, 1), expiry_date=dt.date(2023, 2, 1)
        )
    assert "Ngày hết hạn (01/02/2023) trước ngày cấp (01/03/2023)" in messages_of(caught.value)
    assert not RadiationLicence.objects.exists()


def test_a_renewal_needs_the_licence_it_renews(radiation_officer, facility):
    with pytest.raises(ValidationError, match="giấy phép được gia hạn"):
        make_licence(radiation_officer, facility, "01/2023/GP-SKHCN", dt.date(2023, 3, 1), kind=K.RENEWAL)
    assert not RadiationLicence.objects.exists()


def test_devices_of_another_facility_are_refused(radiation_officer, facility):
    other = make_facility(radiation_officer, name="Nha khoa Khác")
    device = make_device(radiation_officer, other)
    with pytest.raises(ValidationError, match="Thiết bị không thuộc cơ sở được cấp phép"):
        make_licence(radiation_officer, facility, "01/2023/GP-SKHCN", dt.date(2023, 3, 1), devices=[device])
    assert not RadiationLicence.objects.exists()


def test_a_previous_licence_of_another_facility_is_refused(radiation_officer, facility):
    other = make_facility(radiation_officer, name="Nha khoa Khác")
    theirs = make_licence(radiation_officer, other, "01/2023/GP-SKHCN", dt.date(2023, 3, 1))
    with pytest.raises(ValidationError, match="Giấy phép trước thuộc cơ sở khác"):
        make_licence(
            radiation_officer, facility, "02/2023/GP-SKHCN", dt.date(2023, 5, 1), kind=K.AMENDMENT, previous=theirs
        )


def test_a_duplicate_certificate_number_is_refused(radiation_officer):
    def certificate(number: str) -> WorkerCertificate:
        return WorkerCertificate(number=number, full_name="Nguyễn Văn An", issue_date=dt.date(2023, 5, 2))

    services.certificate_save(certificate=certificate("001/2023/CC-NVBX"), by=radiation_officer)
    with pytest.raises(ValidationError, match="Số chứng chỉ “001/2023/cc-nvbx” đã được dùng"):
        services.certificate_save(certificate=certificate("001/2023/cc-nvbx"), by=radiation_officer)
    assert WorkerCertificate.objects.count() == 1


def test_certificates_since_february_2021_have_no_expiry(radiation_officer):
    recent = WorkerCertificate(
        number="002/2023/CC-NVBX",
        full_name="Trần Thị Bình",
        issue_date=dt.date(2023, 5, 2),
        expiry_date=dt.date(2028, 5, 2),
    )
    with pytest.raises(ValidationError, match="không có thời hạn"):
        services.certificate_save(certificate=recent, by=radiation_officer)
    old = WorkerCertificate(
        number="017/2019/CC-NVBX",
        full_name="Lê Văn Cường",
        issue_date=dt.date(2019, 5, 2),
        expiry_date=dt.date(2024, 5, 2),
    )
    assert services.certificate_save(certificate=old, by=radiation_officer).pk
    backwards = WorkerCertificate(
        number="018/2019/CC-NVBX",
        full_name="Lê Văn Dũng",
        issue_date=dt.date(2019, 5, 2),
        expiry_date=dt.date(2019, 1, 2),
    )
    with pytest.raises(ValidationError, match="trước ngày cấp"):
        services.certificate_save(certificate=backwards, by=radiation_officer)


@pytest.mark.parametrize("persona", ["quality_officer", "science_officer", "provincial_leader"])
def test_other_divisions_cannot_write_through_the_services(persona, request, radiation_officer, facility):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        make_licence(user, facility, "01/2023/GP-SKHCN", dt.date(2023, 3, 1))
    with pytest.raises(PermissionDenied):
        make_facility(user, name="Cơ sở mới")
    assert not RadiationLicence.objects.exists()


# --- Legal status: the transition table -----------------------------------------------------------

ALL_STATUSES = [s.value for s in S]


@pytest.mark.parametrize("start", ALL_STATUSES)
@pytest.mark.parametrize("to", ALL_STATUSES)
def test_every_status_pair_follows_the_table(start, to, radiation_officer, quality_officer, facility):
    licence = make_licence(radiation_officer, facility, "01/2023/GP-SKHCN", dt.date(2023, 3, 1))
    RadiationLicence.objects.filter(pk=licence.pk).update(status=start)
    licence.refresh_from_db()
    if (start, to) in workflow.TRANSITIONS:
        with pytest.raises(PermissionDenied):
            services.licence_transition(licence=licence, to=to, by=quality_officer, reason="QĐ 01/QĐ-SKHCN")
        services.licence_transition(licence=licence, to=to, by=radiation_officer, reason="QĐ 01/QĐ-SKHCN")
        licence.refresh_from_db()
        assert licence.status == to and licence.status_reason == "QĐ 01/QĐ-SKHCN"
    else:
        with pytest.raises(ValidationError, match="Không thể chuyển giấy phép"):
            services.licence_transition(licence=licence, to=to, by=radiation_officer, reason="QĐ 01/QĐ-SKHCN")
        licence.refresh_from_db()
        assert licence.status == start


def test_a_status_change_needs_a_reason(radiation_officer, facility):
    licence = make_licence(radiation_officer, facility, "01/2023/GP-SKHCN", dt.date(2023, 3, 1))
    with pytest.raises(ValidationError, match="Hãy nêu lý do"):
        services.licence_transition(licence=licence, to=S.SUSPENDED, by=radiation_officer, reason="  ")


def test_a_revoked_licence_cannot_be_renewed(radiation_officer, facility):
    licence = make_licence(radiation_officer, facility, "01/2023/GP-SKHCN", dt.date(2023, 3, 1))
    services.licence_transition(licence=licence, to=S.REVOKED, by=radiation_officer, reason="QĐ thu hồi số 3")
    with pytest.raises(ValidationError, match="hãy làm thủ tục cấp mới"):
        services.licence_renew(
            licence=licence, number="02/2026/GP-SKHCN", issue_date=dt.date(2026, 2, 1), by=radiation_officer
        )


@time_machine.travel(dt.datetime(2026, 1, 1, 9, 0))
def test_licence_state_over_time(radiation_officer, facility):
    licence = make_licence(radiation_officer, facility, "01/2023/GP-SKHCN", dt.date(2023, 3, 1))  # expires 28/02/2026
    assert selectors.licence_state(licence) == LicenceState.EXPIRING
    assert selectors.licence_state(licence, dt.date(2025, 11, 1)) == LicenceState.VALID
    assert selectors.licence_state(licence, dt.date(2026, 3, 1)) == LicenceState.EXPIRED
    services.licence_transition(licence=licence, to=S.SUSPENDED, by=radiation_officer, reason="QĐ đình chỉ")
    assert selectors.licence_state(licence) == LicenceState.SUSPENDED


# --- Devices ---------------------------------------------------------------------------------------


def test_next_verification_follows_the_interval_of_the_kind(radiation_officer, facility):
    ct = make_device(radiation_officer, facility, kind="ct", last_verified_on=dt.date(2025, 12, 10))
    general = make_device(radiation_officer, facility, kind="general", last_verified_on=dt.date(2025, 3, 4))
    never = make_device(radiation_officer, facility, kind="dental")
    assert ct.next_verification_due == dt.date(2026, 12, 10)
    assert general.next_verification_due == dt.date(2027, 3, 4)
    assert never.next_verification_due is None


@time_machine.travel(dt.datetime(2026, 6, 1, 9, 0))
def test_recording_a_verification_moves_the_due_date(radiation_officer, facility):
    device = make_device(radiation_officer, facility, kind="fluoroscopy", last_verified_on=dt.date(2025, 5, 1))
    services.device_verification_record(
        device=device, verified_on=dt.date(2026, 5, 20), body="Trung tâm Kiểm định A", by=radiation_officer
    )
    device.refresh_from_db()
    assert device.next_verification_due == dt.date(2027, 5, 20)
    assert device.history.count() == 2
    with pytest.raises(ValidationError, match="tương lai"):
        services.device_verification_record(
            device=device, verified_on=dt.date(2026, 7, 1), body="X", by=radiation_officer
        )


# --- Survey points ---------------------------------------------------------------------------------


def test_a_point_is_normalised_and_mapped_to_today(radiation_officer, unit_table):
    survey = make_survey(radiation_officer)
    point = make_point(radiation_officer, survey, "P-1", "0.095", "µSv/h", unit_named=old_unit("11953"))
    assert point.value_nsv_h == Decimal("95.0")
    assert point.current_unit.name == "Phường Phố Hiến"
    assert point.district_then.name == "Thành phố Hưng Yên"
    assert point.unit_named.valid_to == dt.date(2025, 7, 1), "the 2023 point keeps the commune it named"


def test_a_code_shared_by_an_old_and_a_new_commune_is_read_by_the_date(radiation_officer, unit_table):
    survey = make_survey(radiation_officer)
    new_pho_hien = old_unit("11953").successors.get()
    assert new_pho_hien.code == "11953"
    before = make_point(
        radiation_officer, survey, "P-1", "90", unit_named=new_pho_hien, measured_on=dt.date(2023, 5, 1)
    )
    after = make_point(radiation_officer, survey, "P-2", "90", unit_named=new_pho_hien, measured_on=dt.date(2025, 9, 1))
    assert before.unit_named.valid_to == dt.date(2025, 7, 1)
    assert after.unit_named == new_pho_hien and after.district_then is None


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"at": HA_NOI}, "nằm ngoài ranh giới tỉnh"),
        ({"at": (PHO_HIEN[1], PHO_HIEN[0])}, "Vĩ độ và kinh độ bị đảo"),
        ({"value": "-5"}, "Suất liều không được âm"),
        ({"value": "150", "unit": "µSv/h"}, "Suất liều lớn bất thường: 150.000 nSv/h"),
        ({"unit": "mSv/năm"}, "Đơn vị đo “mSv/năm” không được hỗ trợ"),
    ],
)
def test_bad_points_are_refused_and_nothing_is_written(fields, message, radiation_officer):
    survey = make_survey(radiation_officer)
    value = fields.pop("value", "95")
    unit = fields.pop("unit", "nSv/h")
    with pytest.raises(ValidationError) as caught:
        make_point(radiation_officer, survey, "P-1", value, unit, **fields)
    assert message in messages_of(caught.value)
    assert not MeasurementPoint.objects.exists()


def test_an_unmeasured_point_needs_its_reason(radiation_officer):
    survey = make_survey(radiation_officer)
    point = MeasurementPoint(
        survey=survey, code="P-9", latitude=PHO_HIEN[0], longitude=PHO_HIEN[1], measured_on=dt.date(2023, 5, 1)
    )
    with pytest.raises(ValidationError, match="phải ghi lý do"):
        services.measurement_point_save(point=point, by=radiation_officer)
    point.note = "Khu vực ngập nước, không tiếp cận được"
    saved = services.measurement_point_save(point=point, by=radiation_officer)
    assert saved.value_nsv_h is None


def test_remapping_follows_a_changed_unit_table(radiation_officer, unit_table):
    survey = make_survey(radiation_officer)
    quang_trung = old_unit("11965")  # no successor recorded: maps to the province through its district
    point = make_point(radiation_officer, survey, "P-1", "90", unit_named=quang_trung)
    assert point.current_unit.level == "province"
    quang_trung.successors.add(old_unit("11953").successors.get())
    assert services.measurement_points_remap(survey=survey, by=radiation_officer) == 1
    point.refresh_from_db()
    assert point.current_unit.name == "Phường Phố Hiến"
    assert point.version == 2 and point.history.count() == 2


def test_devices_list_for_the_facility(radiation_officer, facility):
    make_device(radiation_officer, facility)
    assert Device.objects.filter(facility=facility).count() == 1
