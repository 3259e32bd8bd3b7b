"""The inspection registry's figures for the annual report (facts.md, "inspection": in 2023, 12
inspections at 112 establishments, checks at 148 establishments, 7,500,000 VND in fines).

A campaign counts in the period it started; an establishment counts once per period and kind
however many campaigns covered it; a fine counts in the period of its decision. The area of a
campaign is its own (địa bàn); of an establishment or a fine, the establishment's unit.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from khcn.core.metrics import Metric, Records, in_units, register
from khcn.registries.inspections.models import Finding, InspectedEstablishment, Inspection, InspectionKind, Sanction

SECTION = "inspections"

# Figures over the same records share a Records: the report counts them, and the year before, in
# one statement (khcn.core.metrics.compute_many).
CAMPAIGNS = Records(
    "inspections.campaigns",
    queryset=lambda units: Inspection.objects.active().filter(**in_units("administrative_unit", units)),
    in_period=lambda period: Q(start_date__gte=period.start, start_date__lt=period.end),
)
COVERAGE = Records(
    "inspections.coverage",
    queryset=lambda units: InspectedEstablishment.objects.filter(
        inspection__archived_at__isnull=True, **in_units("organisation__administrative_unit", units)
    ),
    in_period=lambda period: Q(inspection__start_date__gte=period.start, inspection__start_date__lt=period.end),
)
SANCTIONS = Records(
    "inspections.sanctions",
    queryset=lambda units: Sanction.objects.active().filter(
        inspection__archived_at__isnull=True, **in_units("organisation__administrative_unit", units)
    ),
    in_period=lambda period: Q(decision_date__gte=period.start, decision_date__lt=period.end),
)
VIOLATIONS = Records(
    "inspections.violations",
    queryset=lambda units: (
        Finding.objects.active()
        .exclude(violation="")
        .filter(inspection__archived_at__isnull=True, **in_units("organisation__administrative_unit", units))
    ),
    in_period=lambda period: Q(inspection__start_date__gte=period.start, inspection__start_date__lt=period.end),
)


register(
    Metric(
        key="inspections.inspections",
        label=_("Cuộc thanh tra"),
        section=SECTION,
        queryset=CAMPAIGNS.figure(Q(kind=InspectionKind.INSPECTION)),
        unit=_("cuộc"),
        order=10,
    )
)
register(
    Metric(
        key="inspections.inspected_establishments",
        label=_("Cơ sở được thanh tra"),
        section=SECTION,
        queryset=COVERAGE.figure(Q(inspection__kind=InspectionKind.INSPECTION)),
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
        queryset=CAMPAIGNS.figure(Q(kind=InspectionKind.CHECK)),
        unit=_("cuộc"),
        order=20,
    )
)
register(
    Metric(
        key="inspections.checked_establishments",
        label=_("Cơ sở sản xuất, kinh doanh được kiểm tra"),
        section=SECTION,
        queryset=COVERAGE.figure(Q(inspection__kind=InspectionKind.CHECK)),
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
        queryset=VIOLATIONS.figure(),
        unit=_("vi phạm"),
        order=30,
    )
)
register(
    Metric(
        key="inspections.sanctions",
        label=_("Quyết định xử phạt vi phạm hành chính"),
        section=SECTION,
        queryset=SANCTIONS.figure(),
        unit=_("quyết định"),
        order=40,
    )
)
register(
    Metric(
        key="inspections.fines_total",
        label=_("Tiền phạt vi phạm hành chính"),
        section=SECTION,
        queryset=SANCTIONS.figure(),
        aggregate="sum",
        field="amount",
        unit=_("đồng"),
        order=41,
    )
)
