"""The technology registry's figures for the annual report (seed: facts.md, "technology" and
"technology transfer").

Each figure is a count or a sum over the records of a period, so the report can open the list
behind it. The area of an opinion is its project's location; of a certificate, the transferee's
unit; of a workshop, where it was held; of an appraisal council, the projects it judged.
"""

from __future__ import annotations

from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from khcn.core.metrics import Metric, Period, Records, Units, in_units, register
from khcn.councils.models import Council
from khcn.registries.technology import selectors
from khcn.registries.technology.models import TechnologyOpinion, TechnologyTransferCertificate, Workshop

SECTION = "technology"


# Figures over the same records share a Records: the report counts them, and the year before, in
# one statement (khcn.core.metrics.compute_many).
# Opinions answered in the period (by the date of the department's answer).
OPINIONS = Records(
    "technology.opinions",
    queryset=lambda units: TechnologyOpinion.objects.active().filter(
        project__archived_at__isnull=True, **in_units("project__location", units)
    ),
    in_period=lambda period: Q(answer_date__gte=period.start, answer_date__lt=period.end),
)
WORKSHOPS = Records(
    "technology.workshops",
    queryset=lambda units: Workshop.objects.active().filter(**in_units("location", units)),
    in_period=lambda period: Q(date__gte=period.start, date__lt=period.end),
)
CERTIFICATES = Records(
    "technology.transfer_certificates",
    queryset=lambda units: TechnologyTransferCertificate.objects.active().filter(
        **in_units("transferee__administrative_unit", units)
    ),
    in_period=lambda period: Q(issue_date__gte=period.start, issue_date__lt=period.end),
)


def appraisal_councils_held(period: Period, units: Units) -> QuerySet[Council]:
    """Technology appraisal councils that met in the period (a council meeting twice counts once)."""
    opinion_ids = None
    if units is not None:
        opinion_ids = TechnologyOpinion.objects.filter(**in_units("project__location", units)).values("pk")
    return (
        selectors.appraisal_councils(opinion_ids)
        .filter(meetings__date__gte=period.start, meetings__date__lt=period.end, meetings__archived_at__isnull=True)
        .distinct()
    )


register(
    Metric(
        key="technology.opinions",
        label=_("Dự án đầu tư được Sở tham gia ý kiến về công nghệ"),
        section=SECTION,
        queryset=OPINIONS.figure(),
        # Several opinions (rounds, stages) may concern one project; the report counts projects.
        aggregate="distinct",
        field="project",
        unit="dự án",
        order=10,
    )
)
register(
    Metric(
        key="technology.opinion_letters",
        label=_("Văn bản ý kiến về công nghệ đã trả lời"),
        section=SECTION,
        queryset=OPINIONS.figure(),
        unit="văn bản",
        order=11,
    )
)
register(
    Metric(
        key="technology.opinions_late",
        label=_("trong đó trả lời quá hạn"),
        section=SECTION,
        queryset=OPINIONS.figure(Q(answer_due__isnull=False, answer_date__gt=F("answer_due"))),
        unit="văn bản",
        order=12,
    )
)
register(
    Metric(
        key="technology.appraisal_councils",
        label=_("Hội đồng đánh giá, thẩm định công nghệ dự án đầu tư"),
        section=SECTION,
        queryset=appraisal_councils_held,
        unit="hội đồng",
        order=20,
    )
)
register(
    Metric(
        key="technology.workshops",
        label=_("Hội thảo về công nghệ, chuyển giao công nghệ, sở hữu trí tuệ"),
        section=SECTION,
        queryset=WORKSHOPS.figure(Q(kind=Workshop.Kind.WORKSHOP)),
        unit="hội thảo",
        order=30,
    )
)
register(
    Metric(
        key="technology.workshop_attendees",
        label=_("Lượt tổ chức, doanh nghiệp, cơ sở sản xuất tham dự hội thảo"),
        section=SECTION,
        queryset=WORKSHOPS.figure(Q(kind=Workshop.Kind.WORKSHOP)),
        aggregate="sum",
        field="attendee_count",
        unit="người",
        order=31,
    )
)
register(
    Metric(
        key="technology.trainings",
        label=_("Lớp tập huấn về công nghệ, chuyển giao công nghệ, sở hữu trí tuệ"),
        section=SECTION,
        queryset=WORKSHOPS.figure(Q(kind=Workshop.Kind.TRAINING)),
        unit="lớp",
        order=32,
    )
)
register(
    Metric(
        key="technology.training_attendees",
        label=_("Người tham dự tập huấn"),
        section=SECTION,
        queryset=WORKSHOPS.figure(Q(kind=Workshop.Kind.TRAINING)),
        aggregate="sum",
        field="attendee_count",
        unit="người",
        order=33,
    )
)
register(
    Metric(
        key="technology.transfer_certificates_new",
        label=_("Giấy chứng nhận đăng ký chuyển giao công nghệ"),
        section=SECTION,
        queryset=CERTIFICATES.figure(Q(kind=TechnologyTransferCertificate.Kind.NEW)),
        unit="giấy chứng nhận",
        order=40,
    )
)
register(
    Metric(
        key="technology.transfer_certificates_amended",
        label=_("Giấy chứng nhận đăng ký gia hạn, sửa đổi, bổ sung chuyển giao công nghệ"),
        section=SECTION,
        queryset=CERTIFICATES.figure(Q(kind=TechnologyTransferCertificate.Kind.AMENDMENT)),
        unit="giấy chứng nhận",
        order=41,
    )
)
register(
    Metric(
        key="technology.transfer_contract_value",
        label=_("Tổng giá trị hợp đồng chuyển giao công nghệ được cấp giấy chứng nhận"),
        section=SECTION,
        queryset=CERTIFICATES.figure(),
        aggregate="sum",
        field="contract_value",
        unit="đồng",
        order=42,
    )
)
