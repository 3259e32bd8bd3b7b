"""The radiation registry's figures for the annual report (seed: facts.md, "radiation safety").

Each figure is a count or a sum over the records of a period, so the report can open the list
behind it. The area of a licence or a certificate is its facility's administrative unit; of a
training, where it was held; of a survey point, the unit it named when measured (old units count
within today's province through directory.selectors.unit_ids_within).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from khcn.core.metrics import Metric, Period, Units, in_units, register
from khcn.registries.radiation.models import MeasurementPoint, RadiationLicence, Training, WorkerCertificate

SECTION = "radiation"


def licences_issued(period: Period, units: Units) -> QuerySet[RadiationLicence]:
    """Licences appraised and issued in the period (every procedure: new, renewal, amendment,
    re-issue), by issue date."""
    return RadiationLicence.objects.active().filter(
        issue_date__gte=period.start,
        issue_date__lt=period.end,
        **in_units("facility__administrative_unit", units),
    )


def _licences_of_kind(kind: str) -> Any:
    return lambda period, units: licences_issued(period, units).filter(kind=kind)


def certificates_issued(period: Period, units: Units) -> QuerySet[WorkerCertificate]:
    return WorkerCertificate.objects.active().filter(
        issue_date__gte=period.start,
        issue_date__lt=period.end,
        **in_units("facility__administrative_unit", units),
    )


def trainings(period: Period, units: Units) -> QuerySet[Training]:
    return Training.objects.active().filter(
        date__gte=period.start, date__lt=period.end, **in_units("administrative_unit", units)
    )


def points_measured(period: Period, units: Units) -> QuerySet[MeasurementPoint]:
    return MeasurementPoint.objects.active().filter(
        measured_on__gte=period.start,
        measured_on__lt=period.end,
        survey__archived_at__isnull=True,
        **in_units("unit_named", units),
    )


def _metric(key: str, label: Any, queryset: Any, unit: Any, order: int, **extra: Any) -> Metric:
    # Labels are lazy translations (Vietnamese is the source language); Metric declares str.
    return register(Metric(key=key, label=label, section=SECTION, queryset=queryset, unit=unit, order=order, **extra))


_metric(
    "radiation.licences_issued",
    _("Giấy phép tiến hành công việc bức xạ đã thẩm định và cấp"),
    licences_issued,
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
    certificates_issued,
    _("chứng chỉ"),
    20,
)
_metric(
    "radiation.trainees",
    _("Người, đơn vị được tập huấn về an toàn bức xạ và hạt nhân"),
    # Facilities' staff and anyone else outside the department; the department's own staff are
    # reported on their own line, as the 2023 report did ("50+ ... plus 15 department staff").
    lambda period, units: trainings(period, units).exclude(audience=Training.Audience.STAFF),
    _("người, đơn vị"),
    30,
    aggregate="sum",
    field="trainee_count",
)
_metric(
    "radiation.staff_trained",
    _("Cán bộ của Sở được tập huấn về an toàn bức xạ"),
    lambda period, units: trainings(period, units).filter(audience=Training.Audience.STAFF),
    _("người"),
    31,
    aggregate="sum",
    field="trainee_count",
)
_metric("radiation.survey_points", _("Điểm đo phông phóng xạ môi trường"), points_measured, _("điểm"), 40)
