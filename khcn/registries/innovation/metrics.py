"""The innovation registry's figures for the annual report (facts.md, "innovation": in 2023, 3
start-ups supported, 3 enterprises at the Red River Delta Techfest, about 1,500 trainees, 1
creative start-up day). "News items and reports on innovation" (innovation.news_items) is declared
by the news app, whose articles they are.

Supports are recorded per year, so a period counts the supports of the calendar years it touches.
The area of a support or a participation is the enterprise's unit; of an event or a training,
where it was held.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from khcn.core.metrics import Metric, Period, Records, in_units, register
from khcn.registries.innovation.models import Event, EventParticipation, StartupSupport, Training
from khcn.registries.innovation.selectors import years_of

SECTION = "innovation"


def _support_years(period: Period) -> Q:
    first, last = years_of(period)
    return Q(year__gte=first, year__lte=last)


# Figures over the same records share a Records: the report counts them, and the year before, in
# one statement (khcn.core.metrics.compute_many).
SUPPORTS = Records(
    "innovation.supports",
    queryset=lambda units: StartupSupport.objects.active().filter(**in_units("enterprise__administrative_unit", units)),
    in_period=_support_years,
)
EVENTS = Records(
    "innovation.events",
    queryset=lambda units: Event.objects.active().filter(**in_units("administrative_unit", units)),
    in_period=lambda period: Q(start_date__gte=period.start, start_date__lt=period.end),
)
TECHFEST_PARTICIPATIONS = Records(
    "innovation.techfest_participations",
    queryset=lambda units: EventParticipation.objects.filter(
        event__archived_at__isnull=True, event__is_techfest=True, **in_units("organisation__administrative_unit", units)
    ),
    in_period=lambda period: Q(event__start_date__gte=period.start, event__start_date__lt=period.end),
)
TRAININGS = Records(
    "innovation.trainings",
    queryset=lambda units: Training.objects.active().filter(**in_units("administrative_unit", units)),
    in_period=lambda period: Q(date__gte=period.start, date__lt=period.end),
)


register(
    Metric(
        key="innovation.startups_supported",
        label=_("Doanh nghiệp khởi nghiệp đổi mới sáng tạo được hỗ trợ"),
        section=SECTION,
        queryset=SUPPORTS.figure(),
        aggregate="distinct",
        field="enterprise",
        unit=_("doanh nghiệp"),
        order=10,
    )
)
register(
    Metric(
        key="innovation.startup_support_amount",
        label=_("Kinh phí hỗ trợ khởi nghiệp"),
        section=SECTION,
        queryset=SUPPORTS.figure(),
        aggregate="sum",
        field="amount",
        unit=_("đồng"),
        order=11,
    )
)
register(
    Metric(
        key="innovation.techfest_enterprises",
        label=_("Doanh nghiệp tham gia sự kiện Techfest, kết nối cung – cầu công nghệ"),
        section=SECTION,
        queryset=TECHFEST_PARTICIPATIONS.figure(),
        aggregate="distinct",
        field="organisation",
        unit=_("doanh nghiệp"),
        order=20,
    )
)
register(
    Metric(
        key="innovation.trainees",
        label=_("Lượt người được tập huấn về sở hữu trí tuệ, khởi nghiệp, đổi mới sáng tạo"),
        section=SECTION,
        queryset=TRAININGS.figure(),
        aggregate="sum",
        field="trainee_count",
        unit=_("người"),
        order=30,
    )
)
register(
    Metric(
        key="innovation.trainings",
        label=_("Lớp tập huấn về sở hữu trí tuệ, khởi nghiệp, đổi mới sáng tạo"),
        section=SECTION,
        queryset=TRAININGS.figure(),
        unit=_("lớp"),
        order=31,
    )
)
register(
    Metric(
        key="innovation.events",
        label=_("Sự kiện khởi nghiệp, đổi mới sáng tạo do Sở tổ chức, phối hợp tổ chức"),
        section=SECTION,
        queryset=EVENTS.figure(Q(organised_by_department=True)),
        unit=_("sự kiện"),
        order=40,
    )
)
register(
    Metric(
        key="innovation.startup_days",
        label=_("trong đó ngày hội khởi nghiệp"),
        section=SECTION,
        queryset=EVENTS.figure(Q(organised_by_department=True, kind=Event.Kind.STARTUP_DAY)),
        unit=_("sự kiện"),
        order=41,
    )
)
