"""The inspection registry's figures for the annual report (facts.md, "inspection": in 2023, 12
inspections at 112 establishments, checks at 148 establishments, 7,500,000 VND in fines).

A campaign counts in the period it started; an establishment counts once per period and kind
however many campaigns covered it; a fine counts in the period of its decision. The area of a
campaign is its own (địa bàn); of an establishment or a fine, the establishment's unit.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from khcn.core.metrics import Metric, Period, Units, in_units, register
from khcn.registries.inspections.models import Finding, InspectedEstablishment, Inspection, InspectionKind, Sanction

SECTION = "inspections"


def campaigns(period: Period, units: Units, kind: str) -> QuerySet[Inspection]:
    return Inspection.objects.active().filter(
        kind=kind, start_date__gte=period.start, start_date__lt=period.end, **in_units("administrative_unit", units)
    )


def coverage(period: Period, units: Units, kind: str) -> QuerySet[InspectedEstablishment]:
    return InspectedEstablishment.objects.filter(
        inspection__archived_at__isnull=True,
        inspection__kind=kind,
        inspection__start_date__gte=period.start,
        inspection__start_date__lt=period.end,
        **in_units("organisation__administrative_unit", units),
    )


def sanctions(period: Period, units: Units) -> QuerySet[Sanction]:
    return Sanction.objects.active().filter(
        inspection__archived_at__isnull=True,
        decision_date__gte=period.start,
        decision_date__lt=period.end,
        **in_units("organisation__administrative_unit", units),
    )


def violations(period: Period, units: Units) -> QuerySet[Finding]:
    return (
        Finding.objects.active()
        .exclude(violation="")
        .filter(
            inspection__archived_at__isnull=True,
            inspection__start_date__gte=period.start,
            inspection__start_date__lt=period.end,
            **in_units("organisation__administrative_unit", units),
        )
    )


register(
    Metric(
        key="inspections.inspections",
        label=_("Cuộc thanh tra"),
        section=SECTION,
        queryset=lambda period, units: campaigns(period, units, InspectionKind.INSPECTION),
        unit=_("cuộc"),
        order=10,
    )
)
register(
    Metric(
        key="inspections.inspected_establishments",
        label=_("Cơ sở được thanh tra"),
        section=SECTION,
        queryset=lambda period, units: coverage(period, units, InspectionKind.INSPECTION),
        aggregate="distinct",
        field="organisation",
        unit=_("cơ sở"),
        order=11,
    )
)
register(
    Metric(
        key="inspections.checks",
        label=_("Cuộc kiểm tra"),
        section=SECTION,
        queryset=lambda period, units: campaigns(period, units, InspectionKind.CHECK),
        unit=_("cuộc"),
        order=20,
    )
)
register(
    Metric(
        key="inspections.checked_establishments",
        label=_("Cơ sở sản xuất, kinh doanh được kiểm tra"),
        section=SECTION,
        queryset=lambda period, units: coverage(period, units, InspectionKind.CHECK),
        aggregate="distinct",
        field="organisation",
        unit=_("cơ sở"),
        order=21,
    )
)
register(
    Metric(
        key="inspections.violations",
        label=_("Vi phạm phát hiện"),
        section=SECTION,
        queryset=violations,
        unit=_("vi phạm"),
        order=30,
    )
)
register(
    Metric(
        key="inspections.sanctions",
        label=_("Quyết định xử phạt vi phạm hành chính"),
        section=SECTION,
        queryset=sanctions,
        unit=_("quyết định"),
        order=40,
    )
)
register(
    Metric(
        key="inspections.fines_total",
        label=_("Tiền phạt vi phạm hành chính"),
        section=SECTION,
        queryset=sanctions,
        aggregate="sum",
        field="amount",
        unit=_("đồng"),
        order=41,
    )
)
