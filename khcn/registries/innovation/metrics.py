"""The innovation registry's figures for the annual report (facts.md, "innovation": in 2023, 3
start-ups supported, 3 enterprises at the Red River Delta Techfest, about 1,500 trainees, 1
creative start-up day). "News items and reports on innovation" (innovation.news_items) is declared
by the news app, whose articles they are.

Supports are recorded per year, so a period counts the supports of the calendar years it touches.
The area of a support or a participation is the enterprise's unit; of an event or a training,
where it was held.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from khcn.core.metrics import Metric, Period, Units, in_units, register
from khcn.registries.innovation.models import Event, EventParticipation, StartupSupport, Training
from khcn.registries.innovation.selectors import years_of

SECTION = "innovation"


def supports(period: Period, units: Units) -> QuerySet[StartupSupport]:
    first, last = years_of(period)
    return StartupSupport.objects.active().filter(
        year__gte=first, year__lte=last, **in_units("enterprise__administrative_unit", units)
    )


def events(period: Period, units: Units) -> QuerySet[Event]:
    return Event.objects.active().filter(
        start_date__gte=period.start, start_date__lt=period.end, **in_units("administrative_unit", units)
    )


def techfest_participations(period: Period, units: Units) -> QuerySet[EventParticipation]:
    return EventParticipation.objects.filter(
        event__archived_at__isnull=True,
        event__is_techfest=True,
        event__start_date__gte=period.start,
        event__start_date__lt=period.end,
        **in_units("organisation__administrative_unit", units),
    )


def trainings(period: Period, units: Units) -> QuerySet[Training]:
    return Training.objects.active().filter(
        date__gte=period.start, date__lt=period.end, **in_units("administrative_unit", units)
    )


register(
    Metric(
        key="innovation.startups_supported",
        label=_("Doanh nghiệp khởi nghiệp đổi mới sáng tạo được hỗ trợ"),
        section=SECTION,
        queryset=supports,
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
        queryset=supports,
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
        queryset=techfest_participations,
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
        queryset=trainings,
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
        queryset=trainings,
        unit=_("lớp"),
        order=31,
    )
)
register(
    Metric(
        key="innovation.events",
        label=_("Sự kiện khởi nghiệp, đổi mới sáng tạo do Sở tổ chức, phối hợp tổ chức"),
        section=SECTION,
        queryset=lambda period, units: events(period, units).filter(organised_by_department=True),
        unit=_("sự kiện"),
        order=40,
    )
)
register(
    Metric(
        key="innovation.startup_days",
        label=_("trong đó ngày hội khởi nghiệp"),
        section=SECTION,
        queryset=lambda period, units: events(period, units).filter(
            organised_by_department=True, kind=Event.Kind.STARTUP_DAY
        ),
        unit=_("sự kiện"),
        order=41,
    )
)
