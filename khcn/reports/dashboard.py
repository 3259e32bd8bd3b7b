"""The leaders' and staff's dashboard panels beyond the report's own figures (issue 7): money of
the tasks by year and source, tasks by field and status, proposals through the pipeline,
verifications by month and result, licences by status and expiry. Each chart is a handful of
grouped queries over the records; nothing here is stored or typed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractMonth
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from khcn.reports.charts import Bar, Pair, bar_chart, pair_chart

YEARS_SHOWN = 5


def _url(name: str, *args: Any) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def task_money_chart(year: int) -> dict[str, Any] | None:
    from khcn.research import selectors
    from khcn.research.models import Plan

    plans = list(
        Plan.objects.active()
        .filter(status=Plan.Status.APPROVED, year__lte=year, year__gt=year - YEARS_SHOWN)
        .order_by("year", "pk")
    )
    if not plans:
        return None
    rows = []
    for plan in plans:
        money = selectors.plan_money(plan)
        rows.append(
            Pair(
                _("Năm %(y)d") % {"y": plan.year},
                money.year.available,
                money.year.disbursed,
                _url("research:plan-detail", plan.pk),
            )
        )
    title = _("Kinh phí NSNN cho nhiệm vụ: bố trí (kể cả chuyển nguồn) và đã cấp")
    return {"title": title, "svg": pair_chart(rows, title=title, legend=(_("Bố trí"), _("Đã cấp")))}


def task_sources_chart(year: int) -> dict[str, Any] | None:
    from khcn.research.models import Disbursement, Source

    amounts = dict(
        Disbursement.objects.active()
        .filter(budget_year=year)
        .values("source")
        .annotate(v=Sum("amount"))
        .values_list("source", "v")
    )
    if not amounts:
        return None
    title = _("Kinh phí đã cấp, chi năm %(y)d theo nguồn") % {"y": year}
    bars = [Bar(str(label), amounts.get(value) or 0) for value, label in Source.choices]
    return {"title": title, "svg": bar_chart(bars, title=title)}


def tasks_by_field_chart(year: int) -> dict[str, Any] | None:
    from khcn.research.metrics import plan_items_approved

    rows = list(
        plan_items_approved(year)
        .values("field__code", "field__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "field__code")
    )
    if not rows:
        return None
    title = _("Nhiệm vụ trong kế hoạch năm %(y)d theo lĩnh vực") % {"y": year}
    bars = [Bar(f"{r['field__code']} {r['field__name']}", r["n"]) for r in rows]
    return {"title": title, "svg": bar_chart(bars, title=title)}


def tasks_by_status_chart(year: int) -> dict[str, Any] | None:
    from khcn.research.metrics import plan_items_approved
    from khcn.research.models import Task

    labels = dict(Task.Status.choices)
    rows = list(
        plan_items_approved(year)
        .exclude(task__isnull=True)
        .values("task__status")
        .annotate(n=Count("pk"))
        .order_by("-n")
    )
    if not rows:
        return None
    title = _("Nhiệm vụ của kế hoạch năm %(y)d theo tình trạng hiện nay") % {"y": year}
    bars = [Bar(str(labels.get(r["task__status"], r["task__status"])), r["n"]) for r in rows]
    return {"title": title, "svg": bar_chart(bars, title=title)}


def proposals_pipeline_chart(year: int) -> dict[str, Any] | None:
    """The proposals for next year's plan, by where they stand."""
    from khcn.research.models import Call, Proposal

    labels = dict(Proposal.Status.choices)
    rows = list(
        Proposal.objects.active()
        .filter(call__year=year + 1, call__kind=Call.Kind.PROPOSALS)
        .values("status")
        .annotate(n=Count("pk"))
    )
    if not rows:
        return None
    order = {value: index for index, value in enumerate(Proposal.Status.values)}
    rows.sort(key=lambda r: order.get(r["status"], 99))
    title = _("Phiếu đề xuất cho kế hoạch năm %(y)d theo bước xử lý") % {"y": year + 1}
    bars = [Bar(str(labels.get(r["status"], r["status"])), r["n"]) for r in rows]
    return {"title": title, "svg": bar_chart(bars, title=title)}


def verifications_chart(year: int) -> dict[str, Any] | None:
    from khcn.registries.metrology.models import Verification

    rows = (
        Verification.objects.filter(date__gte=dt.date(year, 1, 1), date__lt=dt.date(year + 1, 1, 1))
        .annotate(month=ExtractMonth("date"))
        .values("month")
        .annotate(
            n_passed=Count("pk", filter=Q(result=Verification.Result.PASSED)),
            n_failed=Count("pk", filter=Q(result=Verification.Result.FAILED)),
        )
        .order_by("month")
    )
    pairs = [Pair(_("Tháng %(m)d") % {"m": r["month"]}, r["n_passed"], r["n_failed"]) for r in rows]
    if not pairs:
        return None
    title = _("Kiểm định phương tiện đo năm %(y)d theo tháng") % {"y": year}
    return {"title": title, "svg": pair_chart(pairs, title=title, legend=(_("Đạt"), _("Không đạt")))}


def licences_chart(today: dt.date) -> dict[str, Any] | None:
    from khcn.registries.radiation.models import RadiationLicence

    active = RadiationLicence.objects.active().filter(status=RadiationLicence.Status.ACTIVE)
    counts = active.aggregate(
        valid=Count("pk", filter=Q(expiry_date__gt=today + dt.timedelta(days=90)) | Q(expiry_date__isnull=True)),
        soon=Count("pk", filter=Q(expiry_date__gt=today, expiry_date__lte=today + dt.timedelta(days=90))),
        expired=Count("pk", filter=Q(expiry_date__lte=today)),
    )
    others = dict(
        RadiationLicence.objects.active()
        .exclude(status=RadiationLicence.Status.ACTIVE)
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    if not any(counts.values()) and not others:
        return None
    labels = dict(RadiationLicence.Status.choices)
    bars = [
        Bar(_("Còn hiệu lực trên 90 ngày"), counts["valid"]),
        Bar(_("Hết hạn trong 90 ngày tới"), counts["soon"]),
        Bar(_("Đã quá ngày hết hạn"), counts["expired"]),
        *[Bar(str(labels.get(status, status)), n) for status, n in sorted(others.items())],
    ]
    title = _("Giấy phép tiến hành công việc bức xạ theo tình trạng (ngày %(d)s)") % {"d": f"{today:%d/%m/%Y}"}
    return {"title": title, "svg": bar_chart(bars, title=title)}


def panels(year: int, today: dt.date) -> list[dict[str, Any]]:
    builders = (
        lambda: task_money_chart(year),
        lambda: task_sources_chart(year),
        lambda: tasks_by_field_chart(year),
        lambda: tasks_by_status_chart(year),
        lambda: proposals_pipeline_chart(year),
        lambda: verifications_chart(year),
        lambda: licences_chart(today),
    )
    return [chart for build in builders if (chart := build()) is not None]


def links() -> list[tuple[str, str]]:
    """Pages the dashboard points to rather than repeats (the survey map, what is overdue)."""
    from khcn.registries.radiation.models import Survey

    found = [(_("Việc đến hạn và quá hạn"), _url("reports:due"))]
    survey = Survey.objects.order_by("-pk").first()
    if survey is not None:
        found.append(
            (_("Bản đồ quan trắc phông phóng xạ: %(s)s") % {"s": survey}, _url("radiation:survey-map", survey.pk))
        )
    return [(label, url) for label, url in found if url]
