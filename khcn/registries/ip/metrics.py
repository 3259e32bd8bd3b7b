"""The IP registry's figures for the annual report (seed: facts.md, "intellectual property").

Support is granted for a year, so support figures count the cases of the years the period covers.
The area of a support case is its applicant's unit (an individual's: their organisation's, or
where they live); of a
use-right certificate, the commune of its growing area as it was named when issued.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from khcn.core.metrics import Metric, Period, Units, in_units, register
from khcn.registries.ip.models import IPSupportCase, Mark, UseRightCertificate, UseRightKind

SECTION = "ip"


def _years(period: Period) -> tuple[int, int]:
    return period.start.year, (period.end - dt.timedelta(days=1)).year


def support_cases(period: Period, units: Units) -> QuerySet[IPSupportCase]:
    first, last = _years(period)
    qs = IPSupportCase.objects.active().filter(year__gte=first, year__lte=last)
    if units is not None:
        qs = qs.filter(
            Q(applicant_organisation__administrative_unit_id__in=units)
            | Q(applicant_person__organisation__administrative_unit_id__in=units)
            | Q(applicant_person__residence_id__in=units)
        )
    return qs


def supported_marks(period: Period, units: Units) -> QuerySet[Mark]:
    return Mark.objects.active().filter(case__in=support_cases(period, units))


def certificates_issued(kind: str):  # type: ignore[no-untyped-def]
    def queryset(period: Period, units: Units) -> QuerySet[UseRightCertificate]:
        return UseRightCertificate.objects.active().filter(
            kind=kind, issue_date__gte=period.start, issue_date__lt=period.end, **in_units("area_unit", units)
        )

    return queryset


register(
    Metric(
        key="ip.support_organisations",
        label=_("Tổ chức được hỗ trợ đăng ký nhãn hiệu, kiểu dáng công nghiệp"),
        section=SECTION,
        queryset=lambda period, units: support_cases(period, units).filter(applicant_organisation__isnull=False),
        aggregate="distinct",
        field="applicant_organisation",
        unit="tổ chức",
        order=10,
    )
)
register(
    Metric(
        key="ip.support_individuals",
        label=_("Cá nhân được hỗ trợ đăng ký nhãn hiệu, kiểu dáng công nghiệp"),
        section=SECTION,
        queryset=lambda period, units: support_cases(period, units).filter(applicant_person__isnull=False),
        aggregate="distinct",
        field="applicant_person",
        unit="cá nhân",
        order=11,
    )
)
register(
    Metric(
        key="ip.supported_marks",
        label=_("Nhãn hiệu, kiểu dáng công nghiệp được hỗ trợ đăng ký"),
        section=SECTION,
        queryset=supported_marks,
        unit="nhãn hiệu, kiểu dáng",
        order=12,
    )
)
register(
    Metric(
        key="ip.supported_marks_granted",
        label=_("trong đó đã được cấp văn bằng"),
        section=SECTION,
        queryset=lambda period, units: supported_marks(period, units).filter(status=Mark.Status.GRANTED),
        unit="văn bằng",
        order=13,
    )
)
register(
    Metric(
        key="ip.support_amount",
        label=_("Kinh phí hỗ trợ đăng ký nhãn hiệu, kiểu dáng"),
        section=SECTION,
        queryset=support_cases,
        aggregate="sum",
        field="support_amount",
        unit="đồng",
        order=14,
    )
)
register(
    Metric(
        key="ip.certification_mark_certificates",
        label=_("Giấy chứng nhận quyền sử dụng nhãn hiệu chứng nhận “Long nhãn Hưng Yên”"),
        section=SECTION,
        queryset=certificates_issued(UseRightKind.CERTIFICATION_MARK),
        unit="giấy chứng nhận",
        order=20,
    )
)
register(
    Metric(
        key="ip.gi_certificates",
        label=_("Giấy chứng nhận quyền sử dụng chỉ dẫn địa lý “Hưng Yên” cho sản phẩm nhãn lồng"),
        section=SECTION,
        queryset=certificates_issued(UseRightKind.GEOGRAPHICAL_INDICATION),
        unit="giấy chứng nhận",
        order=21,
    )
)
