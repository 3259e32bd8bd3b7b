"""Writes of the inspection registry: dates in order, one campaign per decision, establishments
once, findings and sanctions only where the campaign went, sanctions with a legal ground and a
fine in whole đồng never negative, unique decision numbers; who may write."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from khcn.registries.inspections import services
from khcn.registries.inspections.models import Finding, InspectedEstablishment, Inspection, Sanction

pytestmark = pytest.mark.django_db
KT = Inspection.Kind.CHECK


def test_codes_are_numbered_per_kind_and_year(build):
    assert build.campaign().code == "KT-2023-01"
    assert build.campaign().code == "KT-2023-02"
    assert build.campaign(kind=Inspection.Kind.INSPECTION).code == "TT-2023-01"
    assert build.campaign(start=dt.date(2024, 1, 2), end=None).code == "KT-2024-01"


def test_a_campaign_cannot_end_before_it_starts(build):
    with pytest.raises(ValidationError) as exc:
        build.campaign(start=dt.date(2023, 3, 10), end=dt.date(2023, 3, 1))
    assert "không được trước ngày bắt đầu" in exc.value.message_dict["end_date"][0]
    assert not Inspection.objects.exists()


def test_the_decision_comes_before_the_fieldwork(build):
    with pytest.raises(ValidationError) as exc:
        build.campaign(start=dt.date(2023, 3, 1), decision=build.decision(dt.date(2023, 3, 5)))
    assert "phải có quyết định trước" in exc.value.message_dict["decision"][0]


def test_one_decision_opens_one_campaign(build):
    decision = build.decision(dt.date(2023, 2, 20), "08/QĐ-SKHCN")
    first = build.campaign(decision=decision)
    with pytest.raises(ValidationError) as exc:
        build.campaign(decision=decision)
    assert f"đã được dùng cho cuộc {first.code}" in exc.value.message_dict["decision"][0]
    assert Inspection.objects.count() == 1


def test_an_establishment_is_covered_once_and_visited_within_the_campaign(build, inspector):
    inspection = build.campaign(establishments=1)
    org = inspection.establishments.get()
    with pytest.raises(ValidationError):
        services.inspection_cover(inspection=inspection, organisation=org, by=inspector)
    with pytest.raises(ValidationError) as exc:
        services.inspection_cover(
            inspection=inspection, organisation=build.establishment(), visited_on=dt.date(2023, 2, 1), by=inspector
        )
    assert "trước ngày bắt đầu cuộc" in exc.value.message_dict["visited_on"][0]
    assert InspectedEstablishment.objects.count() == 1


def test_a_finding_is_only_for_a_covered_establishment_and_marks_its_outcome(build, inspector):
    inspection = build.campaign(establishments=1)
    covered = inspection.establishments.get()
    with pytest.raises(ValidationError):
        services.finding_save(
            finding=Finding(inspection=inspection, organisation=build.establishment(), description="x"), by=inspector
        )
    services.finding_save(
        finding=Finding(
            inspection=inspection,
            organisation=covered,
            description="Cân sai số vượt mức",
            violation=Finding.Violation.MEASUREMENT,
        ),
        by=inspector,
    )
    assert InspectedEstablishment.objects.get().outcome == InspectedEstablishment.Outcome.VIOLATION


def test_a_sanction_is_recorded_with_history(build, inspector):
    inspection = build.campaign(establishments=1)
    sanction = build.sanction(inspection, inspection.establishments.get(), amount=7_500_000)
    assert sanction.amount == 7_500_000 and sanction.status == Sanction.Status.UNPAID
    assert sanction.history.first().history_user == inspector


@pytest.mark.parametrize("ground", ["", "   "])
def test_a_sanction_without_a_legal_ground_is_refused(build, ground):
    inspection = build.campaign(establishments=1)
    with pytest.raises(ValidationError) as exc:
        build.sanction(inspection, inspection.establishments.get(), legal_ground=ground)
    assert "phải ghi căn cứ pháp lý" in exc.value.message_dict["legal_ground"][0]
    assert not Sanction.objects.exists()


def test_a_negative_fine_is_refused(build):
    inspection = build.campaign(establishments=1)
    with pytest.raises(ValidationError) as exc:
        build.sanction(inspection, inspection.establishments.get(), amount=-500_000)
    assert "Số tiền phạt không được âm" in exc.value.message_dict["amount"][0]
    assert not Sanction.objects.exists()


def test_a_fine_of_zero_is_allowed(build):
    inspection = build.campaign(establishments=1)
    assert build.sanction(inspection, inspection.establishments.get(), amount=0).amount == 0


def test_a_duplicate_sanction_number_is_refused_whatever_the_case(build):
    inspection = build.campaign(establishments=2)
    first, second = inspection.establishments.all()
    build.sanction(inspection, first, decision_number="05/QĐ-XPHC")
    with pytest.raises(ValidationError) as exc:
        build.sanction(inspection, second, decision_number="05/qđ-xphc")
    assert "đã được dùng" in exc.value.message_dict["decision_number"][0]
    assert Sanction.objects.count() == 1


def test_a_sanction_only_for_an_establishment_the_campaign_covers(build):
    inspection = build.campaign(establishments=1)
    with pytest.raises(ValidationError) as exc:
        build.sanction(inspection, build.establishment())
    assert "không có trong danh sách cơ sở" in exc.value.message_dict["organisation"][0]


def test_sanction_dates_in_order(build):
    inspection = build.campaign(establishments=1)
    org = inspection.establishments.get()
    with pytest.raises(ValidationError) as exc:
        build.sanction(inspection, org, decision_date=dt.date(2023, 2, 1), payment_due=dt.date(2023, 2, 10))
    assert "trước ngày bắt đầu cuộc" in exc.value.message_dict["decision_date"][0]
    with pytest.raises(ValidationError) as exc:
        build.sanction(inspection, org, decision_date=dt.date(2023, 3, 10), payment_due=dt.date(2023, 3, 9))
    assert "Hạn nộp phạt" in exc.value.message_dict["payment_due"][0]
    assert not Sanction.objects.exists()


def test_the_status_must_match_its_dates(build):
    inspection = build.campaign(establishments=1)
    org = inspection.establishments.get()
    with pytest.raises(ValidationError) as exc:
        build.sanction(inspection, org, status=Sanction.Status.PAID)
    assert "ghi ngày nộp" in exc.value.message_dict["paid_on"][0]
    with pytest.raises(ValidationError):
        build.sanction(inspection, org, paid_on=dt.date(2023, 3, 20))


@time_machine.travel(dt.datetime(2023, 3, 20, 9, 0), tick=False)
def test_a_payment_is_recorded_but_never_in_the_future(build, inspector):
    inspection = build.campaign(establishments=1)
    sanction = build.sanction(inspection, inspection.establishments.get())
    with pytest.raises(ValidationError) as exc:
        services.sanction_record_payment(sanction=sanction, paid_on=dt.date(2023, 3, 21), by=inspector)
    assert "ở tương lai" in exc.value.message_dict["paid_on"][0]
    sanction.refresh_from_db()
    services.sanction_record_payment(sanction=sanction, paid_on=dt.date(2023, 3, 20), by=inspector)
    sanction.refresh_from_db()
    assert sanction.status == Sanction.Status.PAID and sanction.paid_on == dt.date(2023, 3, 20)


def test_an_establishment_with_a_sanction_stays_on_its_campaign(build, inspector):
    inspection = build.campaign(establishments=1)
    org = inspection.establishments.get()
    build.sanction(inspection, org)
    with pytest.raises(ValidationError):
        services.inspected_establishment_remove(row=InspectedEstablishment.objects.get(), by=inspector)
    assert inspection.establishments.count() == 1


@pytest.mark.parametrize(
    "persona", ["technology_officer", "science_officer", "department_leader", "provincial_leader", "outsider"]
)
def test_only_the_inspection_staff_write(request, persona, build):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        services.inspection_save(inspection=Inspection(kind=KT, subject="x", start_date=dt.date(2023, 3, 1)), by=user)
    inspection = build.campaign(establishments=1)
    with pytest.raises(PermissionDenied):
        services.sanction_save(
            sanction=Sanction(
                inspection=inspection,
                organisation=inspection.establishments.get(),
                decision_number="1/QĐ-XPHC",
                decision_date=dt.date(2023, 3, 5),
                violation="x",
                legal_ground="y",
                amount=1,
                payment_due=dt.date(2023, 3, 15),
            ),
            by=user,
        )
    assert Inspection.objects.count() == 1 and not Sanction.objects.exists()
