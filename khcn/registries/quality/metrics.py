"""The figures standards and quality contributes to reports (architecture.md, "Metrics").

Each is counted by the record's own date (receipt, registration, survey, start of class), in
the area of the enterprise, business or class. Labels stay lazy (the reader's language).
"""

from __future__ import annotations

from typing import cast

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from khcn.core.metrics import Metric, Records, in_units, register
from khcn.registries.quality.models import ConformityAnnouncement, ImportInspection, MarketSurvey, QualityTraining

SECTION = "quality"

# Figures over the same records are declared on one Records, so the report counts them (and the
# year before) in one statement (khcn.core.metrics.compute_many).
ANNOUNCEMENTS = Records(
    "quality.announcements",
    queryset=lambda units: ConformityAnnouncement.objects.active().filter(
        **in_units("enterprise__administrative_unit", units)
    ),
    in_period=lambda period: Q(receipt_date__gte=period.start, receipt_date__lt=period.end),
)
IMPORT_REGISTRATIONS = Records(
    "quality.import_registrations",
    queryset=lambda units: ImportInspection.objects.active().filter(
        **in_units("enterprise__administrative_unit", units)
    ),
    in_period=lambda period: Q(registration_date__gte=period.start, registration_date__lt=period.end),
)
MARKET_SURVEYS = Records(
    "quality.market_surveys",
    queryset=lambda units: MarketSurvey.objects.active().filter(**in_units("business__administrative_unit", units)),
    in_period=lambda period: Q(survey_date__gte=period.start, survey_date__lt=period.end),
)
TRAININGS = Records(
    "quality.trainings",
    queryset=lambda units: QualityTraining.objects.active().filter(**in_units("administrative_unit", units)),
    in_period=lambda period: Q(start_date__gte=period.start, start_date__lt=period.end),
)


for metric in (
    Metric(
        key="quality.announcements_regulation",
        label=cast(str, _("Thông báo tiếp nhận công bố hợp quy")),
        section=SECTION,
        queryset=ANNOUNCEMENTS.figure(Q(kind=ConformityAnnouncement.Kind.REGULATION)),
        unit="thông báo",
        order=10,
    ),
    Metric(
        key="quality.announcements_standard",
        label=cast(str, _("Thông báo tiếp nhận công bố hợp chuẩn")),
        section=SECTION,
        queryset=ANNOUNCEMENTS.figure(Q(kind=ConformityAnnouncement.Kind.STANDARD)),
        unit="thông báo",
        order=20,
    ),
    Metric(
        key="quality.import_registrations",
        label=cast(str, _("Hồ sơ đăng ký kiểm tra chất lượng hàng hóa nhập khẩu")),
        section=SECTION,
        queryset=IMPORT_REGISTRATIONS.figure(),
        unit="hồ sơ",
        order=30,
    ),
    Metric(
        key="quality.import_enterprises",
        label=cast(str, _("Doanh nghiệp đăng ký kiểm tra chất lượng hàng nhập khẩu")),
        section=SECTION,
        queryset=IMPORT_REGISTRATIONS.figure(),
        aggregate="distinct",
        field="enterprise",
        unit="doanh nghiệp",
        order=40,
    ),
    Metric(
        key="quality.import_non_conforming",
        label=cast(str, _("Lô hàng nhập khẩu không đạt yêu cầu chất lượng")),
        section=SECTION,
        queryset=IMPORT_REGISTRATIONS.figure(Q(result=ImportInspection.Result.NON_CONFORMING)),
        unit="lô",
        order=50,
    ),
    Metric(
        key="quality.training_classes",
        label=cast(str, _("Lớp đào tạo về hệ thống quản lý chất lượng (TCVN ISO 9001:2015)")),
        section=SECTION,
        queryset=TRAININGS.figure(),
        unit="lớp",
        order=60,
    ),
    Metric(
        key="quality.trainees",
        label=cast(str, _("Học viên các lớp đào tạo về quản lý chất lượng")),
        section=SECTION,
        queryset=TRAININGS.figure(),
        aggregate="sum",
        field="trainee_count",
        unit="người",
        order=70,
    ),
    Metric(
        key="quality.surveyed_businesses",
        label=cast(str, _("Cơ sở kinh doanh được khảo sát chất lượng hàng hóa")),
        section=SECTION,
        queryset=MARKET_SURVEYS.figure(),
        aggregate="distinct",
        field="business",
        unit="cơ sở",
        order=80,
    ),
):
    register(metric)
