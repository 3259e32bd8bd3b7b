"""The figures standards and quality contributes to reports (architecture.md, "Metrics").

Each is counted by the record's own date (receipt, registration, survey, start of class), in
the area of the enterprise, business or class. Labels stay lazy (the reader's language).
"""

from __future__ import annotations

from typing import cast

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from khcn.core.metrics import Metric, Period, Units, in_units, register
from khcn.registries.quality.models import ConformityAnnouncement, ImportInspection, MarketSurvey, QualityTraining

SECTION = "quality"


def announcements(period: Period, units: Units, kind: str) -> QuerySet[ConformityAnnouncement]:
    return ConformityAnnouncement.objects.active().filter(
        kind=kind,
        receipt_date__gte=period.start,
        receipt_date__lt=period.end,
        **in_units("enterprise__administrative_unit", units),
    )


def import_registrations(period: Period, units: Units) -> QuerySet[ImportInspection]:
    return ImportInspection.objects.active().filter(
        registration_date__gte=period.start,
        registration_date__lt=period.end,
        **in_units("enterprise__administrative_unit", units),
    )


def market_surveys(period: Period, units: Units) -> QuerySet[MarketSurvey]:
    return MarketSurvey.objects.active().filter(
        survey_date__gte=period.start, survey_date__lt=period.end, **in_units("business__administrative_unit", units)
    )


def trainings(period: Period, units: Units) -> QuerySet[QualityTraining]:
    return QualityTraining.objects.active().filter(
        start_date__gte=period.start, start_date__lt=period.end, **in_units("administrative_unit", units)
    )


for metric in (
    Metric(
        key="quality.announcements_regulation",
        label=cast(str, _("Thông báo tiếp nhận công bố hợp quy")),
        section=SECTION,
        queryset=lambda period, units: announcements(period, units, ConformityAnnouncement.Kind.REGULATION),
        unit="thông báo",
        order=10,
    ),
    Metric(
        key="quality.announcements_standard",
        label=cast(str, _("Thông báo tiếp nhận công bố hợp chuẩn")),
        section=SECTION,
        queryset=lambda period, units: announcements(period, units, ConformityAnnouncement.Kind.STANDARD),
        unit="thông báo",
        order=20,
    ),
    Metric(
        key="quality.import_registrations",
        label=cast(str, _("Hồ sơ đăng ký kiểm tra chất lượng hàng hóa nhập khẩu")),
        section=SECTION,
        queryset=import_registrations,
        unit="hồ sơ",
        order=30,
    ),
    Metric(
        key="quality.import_enterprises",
        label=cast(str, _("Doanh nghiệp đăng ký kiểm tra chất lượng hàng nhập khẩu")),
        section=SECTION,
        queryset=import_registrations,
        aggregate="distinct",
        field="enterprise",
        unit="doanh nghiệp",
        order=40,
    ),
    Metric(
        key="quality.import_non_conforming",
        label=cast(str, _("Lô hàng nhập khẩu không đạt yêu cầu chất lượng")),
        section=SECTION,
        queryset=lambda period, units: import_registrations(period, units).filter(
            result=ImportInspection.Result.NON_CONFORMING
        ),
        unit="lô",
        order=50,
    ),
    Metric(
        key="quality.training_classes",
        label=cast(str, _("Lớp đào tạo về hệ thống quản lý chất lượng (TCVN ISO 9001:2015)")),
        section=SECTION,
        queryset=trainings,
        unit="lớp",
        order=60,
    ),
    Metric(
        key="quality.trainees",
        label=cast(str, _("Học viên các lớp đào tạo về quản lý chất lượng")),
        section=SECTION,
        queryset=trainings,
        aggregate="sum",
        field="trainee_count",
        unit="người",
        order=70,
    ),
    Metric(
        key="quality.surveyed_businesses",
        label=cast(str, _("Cơ sở kinh doanh được khảo sát chất lượng hàng hóa")),
        section=SECTION,
        queryset=market_surveys,
        aggregate="distinct",
        field="business",
        unit="cơ sở",
        order=80,
    ),
):
    register(metric)
