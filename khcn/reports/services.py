"""Compute the annual report: every figure the layout names, for a period and an area.

A figure is a registered metric's aggregate over its queryset (khcn.core.metrics), so the page
can link it to exactly the records behind it. The research app declares its figures with its own
(year, province) signature; `resolve()` adapts them to the common Metric shape so the report, the
drill-down and the exports treat every key alike. A key that no app has registered (yet) is
reported as "chưa ghi nhận", never as a number.

Cost: two queries for the area, then one query per group of figures declared on the same
records (`khcn.core.metrics.Records`: every figure and both periods in one statement) and one per
other metric per period (this period and the previous one), plus two for the plan's groups and
decision: bounded by the layout, not the data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from khcn.core import metrics as core_metrics
from khcn.core.metrics import Metric, Period, Units
from khcn.directory.models import AdministrativeUnit
from khcn.directory.selectors import unit_ids_within
from khcn.lib.formats import format_date, format_vnd_billion, group_thousands
from khcn.reports import layout

NOT_RECORDED = "chưa ghi nhận"
MONEY_UNITS = {"đ", "đồng"}


# --- Metrics: the registry, plus research's figures adapted to it ---------------------------------


def _is_year(period: Period) -> bool:
    return period == Period.year(period.start.year)


def _research_metric(key: str) -> Metric | None:
    from khcn.research import metrics as research_metrics

    source = research_metrics.BY_KEY.get(key)
    if source is None:
        return None

    def queryset(period: Period, units: Units) -> QuerySet[Any]:
        # Research plans are by year: a plan figure only exists for a calendar-year period.
        qs = source.queryset(period.start.year, None)
        if not _is_year(period):
            return qs.none()
        if units is None:
            return qs
        if qs.model.__name__ == "PlanItem":
            return qs.filter(plan__province_id__in=units)
        province_wide = AdministrativeUnit.objects.filter(
            pk__in=units, level=AdministrativeUnit.Level.PROVINCE
        ).exists()
        if qs.model.__name__ == "Proposal":
            # Proposals come to a province's calls: a province-wide area takes those to its calls
            # (and to calls without a province, from before calls had one), a smaller area those
            # whose proposing organisation is located in it, whichever province's call they went to.
            if province_wide:
                return qs.filter(Q(call__province_id__in=units) | Q(call__province__isnull=True))
            return qs.filter(proposer_org__administrative_unit_id__in=units)
        # Part 2's records (contracts, grades, results, money) hang on a task: a province takes
        # the tasks its plans list, a smaller area those whose host is located in it.
        if province_wide:
            from khcn.research.models import PlanItem

            listed = PlanItem.objects.filter(plan__province_id__in=units, task__isnull=False).values("task_id")
            return qs.filter(task__in=listed)
        return qs.filter(task__host__administrative_unit_id__in=units)

    return Metric(
        key=source.key,
        label=source.label,
        section="research",
        queryset=queryset,
        aggregate=source.aggregation,  # type: ignore[arg-type]
        field=None if source.aggregation == "count" else source.field,
        unit=source.unit,
    )


def resolve(key: str) -> Metric | None:
    """The metric registered under `key`, or None when no app has registered it."""
    try:
        return core_metrics.get(key)
    except KeyError:
        return _research_metric(key)


def compute(metric: Metric, period: Period, units: Units) -> int:
    return metric.compute(period, units)


# --- Numbers in the seed's style ------------------------------------------------------------------


def is_money(metric: Metric | None) -> bool:
    return metric is not None and str(metric.unit) in MONEY_UNITS


def format_figure(value: int | None, money: bool = False) -> str:
    """02, 09, 38, 20.363; 7.500.000 đồng; 27,273 tỷ đồng. The article pads counts under ten."""
    if value is None:
        return NOT_RECORDED
    if money:
        return format_vnd_billion(value) if value >= 1_000_000_000 else f"{group_thousands(value)} đồng"
    return f"{value:02d}" if 0 <= value < 10 else group_thousands(value)


# --- The report -----------------------------------------------------------------------------------


@dataclass
class Figure:
    key: str
    section: str
    label: str
    unit: str
    aggregate: str
    period: Period
    value: int | None  # None: not recorded (no metric registered under the key)
    previous: int | None = None
    money: bool = False

    @property
    def recorded(self) -> bool:
        return self.value is not None

    @property
    def change(self) -> int | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    @property
    def text(self) -> str:
        return format_figure(self.value, self.money)

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "section": self.section,
            "label": self.label,
            "unit": self.unit,
            "value": self.value,
            "previous": self.previous,
            "change": self.change,
            "recorded": self.recorded,
            "text": self.text,
            "period": [self.period.start.isoformat(), (self.period.end - dt.timedelta(days=1)).isoformat()],
        }


@dataclass
class GroupFigure:
    group_id: int | None
    name: str
    value: int


@dataclass
class ReportLine:
    segments: list[tuple[str, Figure | None]]  # text, and the figure that follows it (if any)

    @property
    def text(self) -> str:
        return "".join(text + (figure.text if figure else "") for text, figure in self.segments)


@dataclass
class ReportSection:
    code: str
    title: str
    period: Period
    lines: list[ReportLine]
    figures: list[Figure]


@dataclass
class Report:
    period: Period
    area: AdministrativeUnit | None
    sections: list[ReportSection]
    plan_groups: list[GroupFigure] = field(default_factory=list)
    decision_number: str = ""
    decision_date: dt.date | None = None

    @property
    def year(self) -> int:
        return self.period.start.year

    @property
    def is_year(self) -> bool:
        return _is_year(self.period)

    def figures(self) -> list[Figure]:
        return [figure for section in self.sections for figure in section.figures]

    def figure(self, key: str, section: str | None = None) -> Figure:
        for figure in self.figures():
            if figure.key == key and (section is None or figure.section == section):
                return figure
        raise KeyError(key)

    def as_dict(self) -> dict[str, Any]:
        return {
            "period": [self.period.start.isoformat(), (self.period.end - dt.timedelta(days=1)).isoformat()],
            "area": self.area.name if self.area else None,
            "sections": [
                {"code": s.code, "title": s.title, "text": [line.text for line in s.lines]} for s in self.sections
            ],
            "figures": [f.as_dict() for f in self.figures()],
            "plan": {
                "decision_number": self.decision_number,
                "decision_date": self.decision_date.isoformat() if self.decision_date else None,
                "groups": [{"group": g.name, "value": g.value} for g in self.plan_groups],
            },
        }


def area_units(area: AdministrativeUnit | None) -> Units:
    return None if area is None else unit_ids_within(area)


def figure_values(
    requests: list[tuple[str, Period]], units: Units, compare: bool = True
) -> dict[tuple[str, Period], int]:
    """The value of every (key, period) asked for (and of the period before, with `compare`),
    the figures that count the same records counted together (core.metrics.compute_many)."""
    metric_requests: list[tuple[Metric, Period]] = []
    for key, period in requests:
        metric = resolve(key)
        if metric is not None:
            metric_requests.append((metric, period))
            if compare:
                metric_requests.append((metric, period.previous()))
    return core_metrics.compute_many(metric_requests, units)


def _figure(
    key: str,
    section: str,
    period: Period,
    units: Units,
    compare: bool,
    values: dict[tuple[str, Period], int] | None = None,
) -> Figure:
    if values is None:
        values = figure_values([(key, period)], units, compare)
    metric = resolve(key)
    if metric is None:
        return Figure(key, section, key, "", "", period, None)
    value = values[(key, period)]
    previous = values[(key, period.previous())] if compare else None
    return Figure(
        key=key,
        section=section,
        label=str(metric.label),
        unit=str(metric.unit),
        aggregate=metric.aggregate,
        period=period,
        value=value,
        previous=previous,
        money=is_money(metric),
    )


def _plan_groups(period: Period, units: Units) -> list[GroupFigure]:
    metric = resolve(layout.PLAN_GROUPS_KEY)
    if metric is None:
        return []
    rows = (
        metric.queryset(period, units)
        .values("group_id", "group__name", "group__order", "group__code")
        .annotate(n=Count("pk"))
        .order_by("group__order", "group__code")
    )
    return [GroupFigure(row["group_id"], row["group__name"] or "", row["n"]) for row in rows]


def _plan_decision(year: int, units: Units) -> tuple[str, dt.date | None]:
    from khcn.research.models import Plan

    plans = Plan.objects.active().filter(year=year, status=Plan.Status.APPROVED, decision__isnull=False)
    if units is not None:
        plans = plans.filter(province_id__in=units)
    plan = plans.select_related("decision").first()
    if plan is None or plan.decision is None:
        return "", None
    return plan.decision.number, plan.decision.date


def _groups_text(groups: list[GroupFigure]) -> str:
    if not groups:
        return NOT_RECORDED
    return "; ".join(f"{g.name}: {format_figure(g.value)} nhiệm vụ" for g in groups)


def _fill(template: str, figures: dict[str, Figure], context: dict[str, str]) -> ReportLine:
    segments: list[tuple[str, Figure | None]] = []
    position = 0
    for match in layout.PLACEHOLDER.finditer(template):
        segments.append((template[position : match.start()], figures[match.group(1)]))
        position = match.end()
    segments.append((template[position:], None))

    def context_sub(text: str) -> str:
        return layout.CONTEXT_PLACEHOLDER.sub(lambda m: context.get(m.group(1), m.group(0)), text)

    return ReportLine([(context_sub(text), figure) for text, figure in segments])


def build_report(period: Period, area: AdministrativeUnit | None = None, *, compare: bool = True) -> Report:
    """The report for `period` over `area` (None: the whole system; else the area as it is today
    together with the units it took over, so 2023 records of former districts count)."""
    units = area_units(area)
    year = period.start.year
    plan_period = Period.year(year + 1)
    report = Report(period=period, area=area, sections=[])
    report.plan_groups = _plan_groups(plan_period, units)
    report.decision_number, report.decision_date = _plan_decision(year + 1, units)
    context = {
        "year": str(year),
        "prev_year": str(year - 1),
        "next_year": str(year + 1),
        "decision_number": report.decision_number or NOT_RECORDED,
        "decision_date": format_date(report.decision_date) or NOT_RECORDED,
        "groups": _groups_text(report.plan_groups),
    }
    # The plan is a year's plan: shown for a calendar-year report only.
    sections = [
        (section, plan_period if section.year_offset else period)
        for section in layout.SECTIONS
        if not (section.year_offset and not report.is_year)
    ]
    # Every figure first, so that the figures counting the same records are counted together.
    values = figure_values(
        [(key, section_period) for section, section_period in sections for line in section.lines for key in line.keys],
        units,
        compare,
    )
    for section, section_period in sections:
        figures = {
            key: _figure(key, section.code, section_period, units, compare, values)
            for line in section.lines
            for key in line.keys
        }
        report.sections.append(
            ReportSection(
                code=section.code,
                title=str(section.title)
                if not section.year_offset
                else _("Kế hoạch khoa học và công nghệ năm %(year)s") % {"year": year + 1},
                period=section_period,
                lines=[_fill(line.template, figures, context) for line in section.lines],
                figures=list(figures.values()),
            )
        )
    return report


def drill_down(key: str, period: Period, area: AdministrativeUnit | None = None) -> tuple[Metric, QuerySet[Any]]:
    """The metric and the records behind its figure: its own queryset, same period and area."""
    metric = resolve(key)
    if metric is None:
        raise KeyError(key)
    return metric, metric.queryset(period, area_units(area))
