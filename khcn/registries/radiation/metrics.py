"""The radiation registry's figures for the annual report (seed: facts.md, "radiation safety").

Each figure is a count or a sum over the records of a period, so the report can open the list
behind it. The area of a licence or a certificate is its facility's administrative unit; of a
training, where it was held; of a survey point, the unit it named when measured (old units count
within today's province through directory.selectors.unit_ids_within).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from khcn.core.metrics import Metric, Records, in_units, register
from khcn.registries.radiation.models import MeasurementPoint, RadiationLicence, Training, WorkerCertificate

SECTION = "radiation"

# Figures over the same records share a Records: the report counts them, and the year before, in
# one statement (khcn.core.metrics.compute_many).
# Licences appraised and issued in the period (every procedure: new, renewal, amendment,
# re-issue), by issue date.
LICENCES = Records(
    "radiation.licences",
    queryset=lambda units: RadiationLicence.objects.active().filter(**in_units("facility__administrative_unit", units)),
    in_period=lambda period: Q(issue_date__gte=period.start, issue_date__lt=period.end),
)
CERTIFICATES = Records(
    "radiation.worker_certificates",
    queryset=lambda units: WorkerCertificate.objects.active().filter(
        **in_units("facility__administrative_unit", units)
    ),
    in_period=lambda period: Q(issue_date__gte=period.start, issue_date__lt=period.end),
)
TRAININGS = Records(
    "radiation.trainings",
    queryset=lambda units: Training.objects.active().filter(**in_units("administrative_unit", units)),
    in_period=lambda period: Q(date__gte=period.start, date__lt=period.end),
)
POINTS = Records(
    "radiation.survey_points",
    queryset=lambda units: MeasurementPoint.objects.active().filter(
        survey__archived_at__isnull=True, **in_units("unit_named", units)
    ),
    in_period=lambda period: Q(measured_on__gte=period.start, measured_on__lt=period.end),
)


def _licences_of_kind(kind: str) -> Any:
    return LICENCES.figure(Q(kind=kind))


def _metric(key: str, label: Any, queryset: Any, unit: Any, order: int, **extra: Any) -> Metric:
    # Labels are lazy translations (Vietnamese is the source language); Metric declares str.
    return register(Metric(key=key, label=label, section=SECTION, queryset=queryset, unit=unit, order=order, **extra))


_metric(
    "radiation.licences_issued",
    _("Giấy phép tiến hành công việc bức xạ đã thẩm định và cấp"),
    LICENCES.figure(),
    _("giấy phép"),
    10,
)
for _order, (_kind, _label) in enumerate(
    (
        (RadiationLicence.Kind.NEW, _("trong đó cấp mới")),
        (RadiationLicence.Kind.RENEWAL, _("trong đó gia hạn")),
        (RadiationLicence.Kind.AMENDMENT, _("trong đó sửa đổi, bổ sung")),
        (RadiationLicence.Kind.REISSUE, _("trong đó cấp lại")),
    ),
    start=11,
):
    _metric(f"radiation.licences_issued.{_kind}", _label, _licences_of_kind(_kind), _("giấy phép"), _order)
_metric(
    "radiation.worker_certificates_issued",
    _("Chứng chỉ nhân viên bức xạ đã cấp"),
    CERTIFICATES.figure(),
    _("chứng chỉ"),
    20,
)
_metric(
    "radiation.trainees",
    _("Người, đơn vị được tập huấn về an toàn bức xạ và hạt nhân"),
    # Facilities' staff and anyone else outside the department; the department's own staff are
    # reported on their own line, as the 2023 report did ("50+ ... plus 15 department staff").
    TRAININGS.figure(~Q(audience=Training.Audience.STAFF)),
    _("người, đơn vị"),
    30,
    aggregate="sum",
    field="trainee_count",
)
_metric(
    "radiation.staff_trained",
    _("Cán bộ của Sở được tập huấn về an toàn bức xạ"),
    TRAININGS.figure(Q(audience=Training.Audience.STAFF)),
    _("người"),
    31,
    aggregate="sum",
    field="trainee_count",
)
_metric("radiation.survey_points", _("Điểm đo phông phóng xạ môi trường"), POINTS.figure(), _("điểm"), 40)
