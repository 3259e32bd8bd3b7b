"""Every write of the standards and quality registry, and the rules each record must meet.

The `*_problems` functions state the rules on a record's own values, as [(field, message)]; the
services, the back-office forms and the imports all call them, so they refuse the same things
with the same words. `*_prepare` checks a record and fills in what follows from it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from khcn.accounts.models import User
from khcn.core.services import record_save
from khcn.registries.quality import selectors
from khcn.registries.quality.models import (
    ConformityAnnouncement,
    DeadlineRule,
    ImportInspection,
    MarketSurvey,
    QualityTraining,
)

Problems = list[tuple[str, str]]


def _d(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _raise(problems: Problems) -> None:
    if problems:
        errors: dict[str, list[str]] = {}
        for field, message in problems:
            errors.setdefault(field, []).append(message)
        raise ValidationError(errors)


def _future(field: str, label: str, day: dt.date | None, today: dt.date) -> Problems:
    if day is not None and day > today:
        return [(field, _("%(label)s %(date)s ở tương lai.") % {"label": label, "date": _d(day)})]
    return []


def no_rule_message(kind: str, day: dt.date) -> str:
    return _("Chưa có quy định “%(rule)s” áp dụng vào ngày %(date)s; hãy bổ sung trong danh mục thời hạn.") % {
        "rule": DeadlineRule.Kind(kind).label,
        "date": _d(day),
    }


# --- Conformity announcements -------------------------------------------------------------------


def announcement_problems(values: dict[str, Any], *, today: dt.date, validity: DeadlineRule | None) -> Problems:
    """Rules on an announcement; `values` holds its fields (related records or their keys)."""
    kind = values.get("kind")
    basis = values.get("basis")
    receipt_date: dt.date = values["receipt_date"]
    code = (values.get("standard_code") or "").strip().upper()
    problems = _future("receipt_date", _("Ngày tiếp nhận"), receipt_date, today)
    if kind == ConformityAnnouncement.Kind.REGULATION and code and not code.startswith("QCVN"):
        problems.append(("standard_code", _("Công bố hợp quy phải theo một quy chuẩn kỹ thuật (QCVN …).")))
    if kind == ConformityAnnouncement.Kind.STANDARD and code.startswith("QCVN"):
        problems.append(("standard_code", _("Công bố hợp chuẩn theo tiêu chuẩn (TCVN, ISO …), không theo QCVN.")))
    if basis == ConformityAnnouncement.Basis.CERTIFICATION:
        if not values.get("certifying_body"):
            problems.append(("certifying_body", _("Công bố dựa trên chứng nhận phải ghi tổ chức chứng nhận.")))
        if not values.get("certificate_no"):
            problems.append(("certificate_no", _("Công bố dựa trên chứng nhận phải ghi số giấy chứng nhận.")))
        expiry = values.get("certificate_expiry")
        if expiry is None:
            problems.append(
                ("certificate_expiry", _("Công bố dựa trên chứng nhận phải ghi ngày hết hiệu lực của giấy chứng nhận."))
            )
        elif expiry < receipt_date:
            problems.append(
                (
                    "certificate_expiry",
                    _("Giấy chứng nhận hết hiệu lực ngày %(expiry)s, trước ngày tiếp nhận %(receipt)s.")
                    % {"expiry": _d(expiry), "receipt": _d(receipt_date)},
                )
            )
    elif basis == ConformityAnnouncement.Basis.SELF_ASSESSMENT:
        signed = values.get("self_assessment_date")
        if signed is None:
            problems.append(
                ("self_assessment_date", _("Công bố dựa trên tự đánh giá phải ghi ngày ký báo cáo tự đánh giá."))
            )
        elif signed > receipt_date:
            problems.append(
                (
                    "self_assessment_date",
                    _("Báo cáo tự đánh giá ký ngày %(signed)s, sau ngày tiếp nhận %(receipt)s.")
                    % {"signed": _d(signed), "receipt": _d(receipt_date)},
                )
            )
        elif validity is None:
            problems.append(
                ("self_assessment_date", no_rule_message(DeadlineRule.Kind.SELF_ASSESSMENT_VALIDITY, signed))
            )
        elif validity.apply(signed) < receipt_date:
            problems.append(
                (
                    "self_assessment_date",
                    _(
                        "Báo cáo tự đánh giá ký ngày %(signed)s đã hết hiệu lực (%(until)s) trước ngày tiếp nhận %(receipt)s."
                    )
                    % {"signed": _d(signed), "until": _d(validity.apply(signed)), "receipt": _d(receipt_date)},
                )
            )
    return problems


def announcement_valid_until(values: dict[str, Any], validity: DeadlineRule | None) -> dt.date | None:
    if values.get("basis") == ConformityAnnouncement.Basis.CERTIFICATION:
        return values.get("certificate_expiry")
    signed = values.get("self_assessment_date")
    return validity.apply(signed) if signed is not None and validity is not None else None


def record_values(record: Any, names: tuple[str, ...]) -> dict[str, Any]:
    """A record's fields as the `*_problems` functions read them (foreign keys as their ids)."""
    values = {}
    for name in names:
        field = record._meta.get_field(name)
        values[name] = getattr(record, field.attname)
    return values


ANNOUNCEMENT_FIELDS = (
    "kind",
    "basis",
    "receipt_date",
    "standard_code",
    "certifying_body",
    "certificate_no",
    "certificate_expiry",
    "self_assessment_date",
)


def announcement_prepare(announcement: ConformityAnnouncement) -> None:
    values = record_values(announcement, ANNOUNCEMENT_FIELDS)
    signed = values.get("self_assessment_date")
    validity = selectors.rule_on(DeadlineRule.Kind.SELF_ASSESSMENT_VALIDITY, signed) if signed else None
    _raise(announcement_problems(values, today=timezone.localdate(), validity=validity))
    announcement.valid_until = announcement_valid_until(values, validity)


@transaction.atomic
def announcement_save(
    *, announcement: ConformityAnnouncement, by: User | None, expected_version: int | None = None
) -> ConformityAnnouncement:
    """Record or correct an announcement; its validity follows from the certificate or the
    self-assessment (valid for the period the rule in force sets)."""
    announcement_prepare(announcement)
    announcement.full_clean()
    return record_save(record=announcement, by=by, expected_version=expected_version)


# --- Import inspections ---------------------------------------------------------------------------


def import_problems(values: dict[str, Any], *, today: dt.date, rule: DeadlineRule | None) -> Problems:
    registered: dt.date = values["registration_date"]
    problems = _future("registration_date", _("Ngày đăng ký"), registered, today)
    clearance = values.get("clearance_date")
    if clearance is not None and clearance < registered:
        problems.append(
            (
                "clearance_date",
                _("Ngày thông quan %(clearance)s trước ngày đăng ký %(registered)s.")
                % {"clearance": _d(clearance), "registered": _d(registered)},
            )
        )
    submitted = values.get("certificate_submitted_on")
    if submitted is not None and submitted < registered:
        problems.append(
            (
                "certificate_submitted_on",
                _("Ngày nộp giấy chứng nhận %(submitted)s trước ngày đăng ký %(registered)s.")
                % {"submitted": _d(submitted), "registered": _d(registered)},
            )
        )
    problems += _future("certificate_submitted_on", _("Ngày nộp giấy chứng nhận"), submitted, today)
    quantity = values.get("quantity")
    if quantity is not None and Decimal(quantity) <= 0:
        problems.append(("quantity", _("Khối lượng, số lượng phải lớn hơn 0.")))
    result = values.get("result") or ""
    notice_no = values.get("result_notice_no") or ""
    notice_date = values.get("result_notice_date")
    if result and (not notice_no or notice_date is None):
        problems.append(("result_notice_no", _("Đã có kết quả thì phải ghi số và ngày thông báo kết quả.")))
    if not result and (notice_no or notice_date is not None):
        problems.append(("result", _("Đã ghi thông báo kết quả thì phải chọn kết quả kiểm tra.")))
    if notice_date is not None and notice_date < registered:
        problems.append(
            (
                "result_notice_date",
                _("Ngày thông báo kết quả %(notice)s trước ngày đăng ký %(registered)s.")
                % {"notice": _d(notice_date), "registered": _d(registered)},
            )
        )
    problems += _future("result_notice_date", _("Ngày thông báo kết quả"), notice_date, today)
    if rule is None:
        problems.append(("registration_date", no_rule_message(DeadlineRule.Kind.IMPORT_CERTIFICATE, registered)))
    return problems


def import_deadline_start(values: dict[str, Any]) -> dt.date:
    # The rule counts from customs clearance; until that is known, from registration (earlier, so
    # a reminder is never late).
    return values.get("clearance_date") or values["registration_date"]


IMPORT_FIELDS = (
    "registration_date",
    "clearance_date",
    "certificate_submitted_on",
    "quantity",
    "result",
    "result_notice_no",
    "result_notice_date",
)


def import_inspection_prepare(inspection: ImportInspection) -> None:
    values = record_values(inspection, IMPORT_FIELDS)
    start = import_deadline_start(values)
    rule = selectors.rule_on(DeadlineRule.Kind.IMPORT_CERTIFICATE, start)
    _raise(import_problems(values, today=timezone.localdate(), rule=rule))
    assert rule is not None  # import_problems refuses a date no rule covers
    inspection.certificate_due_on = rule.apply(start)


@transaction.atomic
def import_inspection_save(
    *, inspection: ImportInspection, by: User | None, expected_version: int | None = None
) -> ImportInspection:
    """Record or correct a registration; the certificate is due a number of (working) days after
    clearance that the rule in force sets."""
    import_inspection_prepare(inspection)
    inspection.full_clean()
    return record_save(record=inspection, by=by, expected_version=expected_version)


@transaction.atomic
def import_inspection_submit_certificate(
    *,
    inspection: ImportInspection,
    submitted_on: dt.date,
    certificate_no: str,
    by: User | None,
    certifying_body: Any = None,
) -> ImportInspection:
    """The importer handed in its conformity certificate: the lot no longer owes it."""
    inspection.certificate_submitted_on = submitted_on
    inspection.certificate_no = certificate_no.strip()
    if certifying_body is not None:
        inspection.certifying_body = certifying_body
    return import_inspection_save(inspection=inspection, by=by)


@transaction.atomic
def import_inspection_record_result(
    *, inspection: ImportInspection, result: str, notice_no: str, notice_date: dt.date, by: User | None
) -> ImportInspection:
    """The department's notice of the inspection result (conforming or not)."""
    inspection.result = result
    inspection.result_notice_no = notice_no.strip()
    inspection.result_notice_date = notice_date
    return import_inspection_save(inspection=inspection, by=by)


# --- Market surveys and trainings -----------------------------------------------------------------


def survey_problems(values: dict[str, Any], *, today: dt.date) -> Problems:
    problems = _future("survey_date", _("Ngày khảo sát"), values["survey_date"], today)
    samples, failed = values.get("sample_count"), values.get("failed_count") or 0
    if samples is not None and samples < 1:
        problems.append(("sample_count", _("Phải có ít nhất một mẫu.")))
    if samples is not None and failed > samples:
        problems.append(
            (
                "failed_count",
                _("Số mẫu không đạt (%(failed)d) lớn hơn số mẫu (%(samples)d).")
                % {"failed": failed, "samples": samples},
            )
        )
    return problems


def market_survey_prepare(survey: MarketSurvey) -> None:
    _raise(
        survey_problems(
            record_values(survey, ("survey_date", "sample_count", "failed_count")), today=timezone.localdate()
        )
    )


@transaction.atomic
def market_survey_save(*, survey: MarketSurvey, by: User | None, expected_version: int | None = None) -> MarketSurvey:
    """Record or correct a market survey; no more failed samples than samples."""
    market_survey_prepare(survey)
    survey.full_clean()
    return record_save(record=survey, by=by, expected_version=expected_version)


def training_problems(values: dict[str, Any], *, today: dt.date) -> Problems:
    start, end = values["start_date"], values.get("end_date")
    problems = _future("start_date", _("Ngày bắt đầu"), start, today)
    if end is not None and end < start:
        problems.append(
            (
                "end_date",
                _("Ngày kết thúc %(end)s trước ngày bắt đầu %(start)s.") % {"end": _d(end), "start": _d(start)},
            )
        )
    return problems


def training_prepare(training: QualityTraining) -> None:
    _raise(training_problems(record_values(training, ("start_date", "end_date")), today=timezone.localdate()))


@transaction.atomic
def training_save(
    *, training: QualityTraining, by: User | None, expected_version: int | None = None
) -> QualityTraining:
    """Record or correct a training class; it cannot end before it starts."""
    training_prepare(training)
    training.full_clean()
    return record_save(record=training, by=by, expected_version=expected_version)
