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

from khcn.core.metrics import Metric, Period, Records, Units, in_units, register
from khcn.directory.models import Organisation, Person
from khcn.registries.ip.models import IPSupportCase, Mark, UseRightCertificate, UseRightKind

SECTION = "ip"


def _years(period: Period) -> tuple[int, int]:
    return period.start.year, (period.end - dt.timedelta(days=1)).year


def _applicant_in(units: Units, path: str = "") -> Q:
    """Cases whose applicant is in the area (an organisation's unit; an individual's organisation's
    unit, or where they live); `path` leads from the counted record to its case."""
    if units is None:
        return Q()
    # As sets of applicants, not as joins: PostgreSQL cannot push an OR across left joins down, and
    # hashed every organisation and person of the country (0.35 s); two hashed subplans of the
    # area's organisations and people are a few milliseconds.
    organisations = Organisation.objects.filter(administrative_unit_id__in=units).values("pk")
    people = Person.objects.filter(Q(organisation__in=organisations) | Q(residence_id__in=units)).values("pk")
    return Q(**{f"{path}applicant_organisation__in": organisations}) | Q(**{f"{path}applicant_person__in": people})


def _case_years(period: Period, path: str = "") -> Q:
    first, last = _years(period)
    return Q(**{f"{path}year__gte": first, f"{path}year__lte": last})


# Figures over the same records share a Records: the report counts them, and the year before, in
# one statement (khcn.core.metrics.compute_many).
SUPPORT_CASES = Records(
    "ip.support_cases",
    queryset=lambda units: IPSupportCase.objects.active().filter(_applicant_in(units)),
    in_period=_case_years,
)
# The marks of those cases (a mark has one case: the join repeats no mark).
SUPPORTED_MARKS = Records(
    "ip.supported_marks",
    queryset=lambda units: Mark.objects.active().filter(
        Q(case__archived_at__isnull=True) & _applicant_in(units, "case__")
    ),
    in_period=lambda period: _case_years(period, "case__"),
)
CERTIFICATES = Records(
    "ip.use_right_certificates",
    queryset=lambda units: UseRightCertificate.objects.active().filter(**in_units("area_unit", units)),
    in_period=lambda period: Q(issue_date__gte=period.start, issue_date__lt=period.end),
)


def support_cases(period: Period, units: Units) -> QuerySet[IPSupportCase]:
    return SUPPORT_CASES.figure()(period, units)


def supported_marks(period: Period, units: Units) -> QuerySet[Mark]:
    return SUPPORTED_MARKS.figure()(period, units)


register(
    Metric(
        key="ip.support_organisations",
        label=_("Tổ chức được hỗ trợ đăng ký nhãn hiệu, kiểu dáng công nghiệp"),
        section=SECTION,
        queryset=SUPPORT_CASES.figure(Q(applicant_organisation__isnull=False)),
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
        queryset=SUPPORT_CASES.figure(Q(applicant_person__isnull=False)),
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
        queryset=SUPPORTED_MARKS.figure(),
        unit="nhãn hiệu, kiểu dáng",
        order=12,
    )
)
register(
    Metric(
        key="ip.supported_marks_granted",
        label=_("trong đó đã được cấp văn bằng"),
        section=SECTION,
        queryset=SUPPORTED_MARKS.figure(Q(status=Mark.Status.GRANTED)),
        unit="văn bằng",
        order=13,
    )
)
register(
    Metric(
        key="ip.support_amount",
        label=_("Kinh phí hỗ trợ đăng ký nhãn hiệu, kiểu dáng"),
        section=SECTION,
        queryset=SUPPORT_CASES.figure(),
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
        queryset=CERTIFICATES.figure(Q(kind=UseRightKind.CERTIFICATION_MARK)),
        unit="giấy chứng nhận",
        order=20,
    )
)
register(
    Metric(
        key="ip.gi_certificates",
        label=_("Giấy chứng nhận quyền sử dụng chỉ dẫn địa lý “Hưng Yên” cho sản phẩm nhãn lồng"),
        section=SECTION,
        queryset=CERTIFICATES.figure(Q(kind=UseRightKind.GEOGRAPHICAL_INDICATION)),
        unit="giấy chứng nhận",
        order=21,
    )
)
