"""Announcements, import registrations, surveys and trainings: validity, deadlines, bad input."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from khcn.registries.quality import services
from khcn.registries.quality.models import (
    ConformityAnnouncement,
    DeadlineRule,
    ImportInspection,
    MarketSurvey,
    QualityTraining,
    add_working_days,
)
from khcn.registries.quality.tests.conftest import announcement, registration

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("rules")]

TODAY = dt.datetime(2024, 6, 3, 9, 0, tzinfo=dt.UTC)


def messages(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def test_working_days_skip_weekends():
    assert add_working_days(dt.date(2023, 3, 3), 1) == dt.date(2023, 3, 6)  # Friday + 1 = Monday
    assert add_working_days(dt.date(2023, 3, 3), 15) == dt.date(2023, 3, 24)
    assert add_working_days(dt.date(2023, 3, 4), 5) == dt.date(2023, 3, 10)  # from a Saturday


# --- Announcements ------------------------------------------------------------------------------


@time_machine.travel(TODAY, tick=False)
def test_a_self_assessed_announcement_is_valid_for_the_rule_s_period(enterprise):
    made = announcement(enterprise, "01/2023/TB-HQ", dt.date(2023, 4, 10), self_assessment_date=dt.date(2023, 3, 31))
    assert made.valid_until == dt.date(2026, 3, 31)
    assert made.history.count() == 1


@time_machine.travel(TODAY, tick=False)
def test_a_certified_announcement_is_valid_as_long_as_its_certificate(enterprise, certifier):
    made = announcement(
        enterprise,
        "02/2023/TB-HQ",
        dt.date(2023, 4, 10),
        basis=ConformityAnnouncement.Basis.CERTIFICATION,
        certifying_body=certifier,
        certificate_no="123/2023/CN",
        certificate_expiry=dt.date(2025, 12, 31),
        self_assessment_date=None,
    )
    assert made.valid_until == dt.date(2025, 12, 31)


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {
                "basis": "certification",
                "certificate_no": "9/CN",
                "certificate_expiry": dt.date(2023, 4, 9),
                "self_assessment_date": None,
            },
            "Giấy chứng nhận hết hiệu lực ngày 09/04/2023, trước ngày tiếp nhận 10/04/2023.",
        ),
        ({"basis": "certification", "self_assessment_date": None}, "phải ghi tổ chức chứng nhận"),
        (
            {"self_assessment_date": dt.date(2023, 4, 11)},
            "Báo cáo tự đánh giá ký ngày 11/04/2023, sau ngày tiếp nhận 10/04/2023.",
        ),
        ({"self_assessment_date": dt.date(2020, 4, 9)}, "đã hết hiệu lực (09/04/2023) trước ngày tiếp nhận 10/04/2023"),
        ({"self_assessment_date": None}, "phải ghi ngày ký báo cáo tự đánh giá"),
        ({"standard_code": "TCVN 5699-1:2010"}, "Công bố hợp quy phải theo một quy chuẩn kỹ thuật (QCVN …)."),
        ({"kind": "standard"}, "Công bố hợp chuẩn theo tiêu chuẩn (TCVN, ISO …), không theo QCVN."),
    ],
)
def test_bad_announcements_are_refused_with_the_reason(enterprise, certifier, fields, message):
    if fields.get("basis") == "certification" and "certificate_no" in fields:
        fields = {**fields, "certifying_body": certifier}
    with pytest.raises(ValidationError) as caught:
        announcement(enterprise, "03/2023/TB-HQ", dt.date(2023, 4, 10), **fields)
    assert message in messages(caught.value)
    assert not ConformityAnnouncement.objects.exists()


@time_machine.travel(TODAY, tick=False)
def test_a_receipt_number_is_used_once(enterprise):
    announcement(enterprise, "04/2023/TB-HQ", dt.date(2023, 4, 10))
    with pytest.raises(ValidationError) as caught:
        announcement(enterprise, "04/2023/TB-HQ", dt.date(2023, 5, 10))
    assert "số thông báo tiếp nhận" in messages(caught.value).lower()


# --- Import registrations -------------------------------------------------------------------------


@time_machine.travel(TODAY, tick=False)
def test_the_certificate_is_due_15_working_days_after_clearance(importer):
    cleared = registration(importer, "001/2023/ĐKNK", dt.date(2023, 3, 1), clearance_date=dt.date(2023, 3, 3))
    not_cleared = registration(importer, "002/2023/ĐKNK", dt.date(2023, 3, 1))
    assert cleared.certificate_due_on == dt.date(2023, 3, 24)
    # Until clearance is known, counted from registration: never later than the real deadline.
    assert not_cleared.certificate_due_on == dt.date(2023, 3, 22)


@time_machine.travel(TODAY, tick=False)
def test_the_rule_in_force_on_the_day_gives_the_deadline(importer, rules):
    old = registration(importer, "003/2019/ĐKNK", dt.date(2019, 5, 6))
    assert old.certificate_due_on == dt.date(2019, 5, 20)  # 10 working days, the rule of 2015
    rules["import"].amount = 20
    rules["import"].save()
    old.refresh_from_db()
    assert old.certificate_due_on == dt.date(2019, 5, 20)


def test_a_lot_is_overdue_until_its_certificate_or_its_result_arrives(importer):
    with time_machine.travel(TODAY, tick=False):
        lot = registration(importer, "004/2024/ĐKNK", dt.date(2024, 5, 2), clearance_date=dt.date(2024, 5, 3))
    assert lot.certificate_due_on == dt.date(2024, 5, 24)
    assert not lot.is_overdue(dt.date(2024, 5, 24)) and lot.is_overdue(dt.date(2024, 5, 27))

    with time_machine.travel(dt.datetime(2024, 5, 28, tzinfo=dt.UTC), tick=False):
        services.import_inspection_submit_certificate(
            inspection=lot, submitted_on=dt.date(2024, 5, 28), certificate_no="77/2024/GCN", by=None
        )
    assert not lot.is_overdue(dt.date(2024, 6, 3))
    with time_machine.travel(dt.datetime(2024, 5, 30, tzinfo=dt.UTC), tick=False):
        services.import_inspection_record_result(
            inspection=lot,
            result=ImportInspection.Result.CONFORMING,
            notice_no="12/TB-KQ",
            notice_date=dt.date(2024, 5, 30),
            by=None,
        )
    lot.refresh_from_db()
    assert (lot.result, lot.version) == ("conforming", 3)


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"clearance_date": dt.date(2023, 2, 28)}, "Ngày thông quan 28/02/2023 trước ngày đăng ký 01/03/2023."),
        ({"result": "conforming"}, "Đã có kết quả thì phải ghi số và ngày thông báo kết quả."),
        ({"result_notice_no": "1/TB"}, "Đã ghi thông báo kết quả thì phải chọn kết quả kiểm tra."),
        (
            {"result": "non_conforming", "result_notice_no": "1/TB", "result_notice_date": dt.date(2023, 2, 1)},
            "Ngày thông báo kết quả 01/02/2023 trước ngày đăng ký 01/03/2023.",
        ),
        ({"certificate_submitted_on": dt.date(2023, 2, 1)}, "Ngày nộp giấy chứng nhận 01/02/2023 trước ngày đăng ký"),
        ({"quantity": Decimal("0")}, "Khối lượng, số lượng phải lớn hơn 0."),
        ({"registration_date": dt.date(2024, 6, 4)}, "Ngày đăng ký 04/06/2024 ở tương lai."),
    ],
)
def test_bad_registrations_are_refused_with_the_reason(importer, fields, message):
    values = {"registration_date": dt.date(2023, 3, 1), **fields}
    day = values.pop("registration_date")
    with pytest.raises(ValidationError) as caught:
        registration(importer, "005/2023/ĐKNK", day, **values)
    assert message in messages(caught.value)
    assert not ImportInspection.objects.exists()


@time_machine.travel(TODAY, tick=False)
def test_a_registration_no_rule_covers_is_refused(importer):
    DeadlineRule.objects.filter(kind=DeadlineRule.Kind.IMPORT_CERTIFICATE).delete()
    with pytest.raises(ValidationError) as caught:
        registration(importer, "006/2023/ĐKNK", dt.date(2023, 3, 1))
    assert "Chưa có quy định “Hạn nộp bản sao giấy chứng nhận hợp quy" in messages(caught.value)


# --- Surveys and trainings ----------------------------------------------------------------------


@time_machine.travel(TODAY, tick=False)
def test_a_survey_cannot_fail_more_samples_than_it_took(enterprise):
    survey = MarketSurvey(
        survey_date=dt.date(2023, 8, 1),
        business=enterprise,
        business_kind=MarketSurvey.BusinessKind.PETROL_STATION,
        goods="Xăng RON 95-III",
        sample_count=2,
        failed_count=3,
    )
    with pytest.raises(ValidationError) as caught:
        services.market_survey_save(survey=survey, by=None)
    assert "Số mẫu không đạt (3) lớn hơn số mẫu (2)." in messages(caught.value)
    survey.failed_count = 1
    services.market_survey_save(survey=survey, by=None)
    assert MarketSurvey.objects.count() == 1


@time_machine.travel(TODAY, tick=False)
def test_a_training_cannot_end_before_it_starts():
    training = QualityTraining(
        name="Lớp ISO khóa 1", start_date=dt.date(2023, 5, 10), end_date=dt.date(2023, 5, 9), trainee_count=90
    )
    with pytest.raises(ValidationError) as caught:
        services.training_save(training=training, by=None)
    assert "Ngày kết thúc 09/05/2023 trước ngày bắt đầu 10/05/2023." in messages(caught.value)
    training.end_date = dt.date(2023, 5, 12)
    assert services.training_save(training=training, by=None).topic == "TCVN ISO 9001:2015"
