"""The annual report pages: the report for a year (or a quarter, half-year or date range) and an
area, each figure linking to the list of records behind it, and its DOCX / XLSX / PDF files.

Department staff and the provincial leaders (read-only) may open them; host organisations'
users and council members may not (they see only their own records elsewhere).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from khcn.accounts.permissions import is_department_staff
from khcn.core.metrics import Period
from khcn.lib.formats import format_date
from khcn.reports import documents, layout, services
from khcn.reports.charts import Bar, bar_chart
from khcn.reports.periods import BadPeriod, area_from, period_from, period_label, period_query

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_SIZE = 50


def _require_reader(request: HttpRequest) -> None:
    if not is_department_staff(request.user):
        raise PermissionDenied(_("Báo cáo dành cho cán bộ Sở và lãnh đạo tỉnh."))


def _report_for(request: HttpRequest, year: int) -> services.Report:
    if not 1900 <= year <= 2200:
        raise Http404
    try:
        period = period_from(year, request.GET)
    except BadPeriod as exc:
        raise Http404(str(exc)) from exc
    return services.build_report(period, area_from(request.GET))


@login_required
def index(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    return redirect("reports:annual", year=timezone.localdate().year - 1)


@login_required
def annual(request: HttpRequest, year: int) -> HttpResponse:
    _require_reader(request)
    report = _report_for(request, year)
    sections = []
    for section in report.sections:
        query = period_query(section.period, report.area)
        sections.append({"section": section, "query": query})
    query = request.GET.urlencode()
    return render(
        request,
        "reports/annual.html",
        {
            "report": report,
            "sections": sections,
            "year": year,
            "period_label": period_label(report.period),
            "plan_query": period_query(Period.year(year + 1), report.area),
            "query": query,
            "pdf_available": documents.pdf_available(),
            "params": request.GET,
            "not_recorded": services.NOT_RECORDED,
            "groups_key": layout.PLAN_GROUPS_KEY,
        },
    )


def _file(content: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


@login_required
def annual_docx(request: HttpRequest, year: int) -> HttpResponse:
    _require_reader(request)
    return _file(documents.report_docx(_report_for(request, year)), f"bao-cao-khcn-{year}.docx", DOCX)


@login_required
def annual_xlsx(request: HttpRequest, year: int) -> HttpResponse:
    _require_reader(request)
    return _file(documents.report_xlsx(_report_for(request, year)), f"bao-cao-khcn-{year}.xlsx", XLSX)


@login_required
def annual_pdf(request: HttpRequest, year: int) -> HttpResponse:
    _require_reader(request)
    pdf = documents.report_pdf(_report_for(request, year))
    if pdf is None:
        raise Http404(_("Máy chủ chưa cài LibreOffice để xuất PDF."))
    return _file(pdf, f"bao-cao-khcn-{year}.pdf", "application/pdf")


def admin_url(record: Any) -> str:
    meta = record._meta
    try:
        return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[record.pk])
    except NoReverseMatch:
        return ""


@login_required
def drill_down(request: HttpRequest, key: str) -> HttpResponse:
    """Exactly the records behind one figure: the metric's own queryset, same period and area."""
    _require_reader(request)
    year = timezone.localdate().year - 1
    try:
        period = period_from(year, request.GET)
    except BadPeriod as exc:
        raise Http404(str(exc)) from exc
    area = area_from(request.GET)
    try:
        metric, records = services.drill_down(key, period, area)
    except KeyError:
        raise Http404(_("Chỉ tiêu “%(key)s” chưa được ghi nhận.") % {"key": key}) from None
    group = request.GET.get("nhom", "")
    if group.isdigit():
        records = records.filter(group_id=int(group))
    value = metric.compute(period, services.area_units(area)) if not group else records.count()
    page = Paginator(records.order_by("pk"), PAGE_SIZE).get_page(request.GET.get("trang"))
    rows = [{"record": record, "text": str(record), "admin_url": admin_url(record)} for record in page.object_list]
    base_query = period_query(period, area) + (f"&nhom={group}" if group.isdigit() else "")
    return render(
        request,
        "reports/drill_down.html",
        {
            "metric": metric,
            "key": key,
            "figure": services.format_figure(value, services.is_money(metric)),
            "value": value,
            "record_count": page.paginator.count,
            "page": page,
            "rows": rows,
            "period_label": period_label(period),
            "area": area,
            "base_query": base_query,
            "start": format_date(period.start),
            "back_year": period.start.year,
        },
    )


@login_required
def dashboard(request: HttpRequest, year: int) -> HttpResponse:
    """Charts of the year's figures (and last year's, thin bars), and the plan by group."""
    _require_reader(request)
    report = _report_for(request, year)
    charts = []
    for section in report.sections:
        query = period_query(section.period, report.area)
        bars = [
            Bar(
                figure.label,
                figure.value or 0,
                figure.previous,
                f"{reverse('reports:drill-down', args=[figure.key])}?{query}",
            )
            for figure in section.figures
            if figure.recorded
        ]
        if bars:
            charts.append({"title": section.title, "svg": bar_chart(bars, title=section.title)})
    if report.plan_groups:
        title = _("Nhiệm vụ năm %(year)s theo nhóm") % {"year": year + 1}
        charts.append(
            {"title": title, "svg": bar_chart([Bar(g.name, g.value) for g in report.plan_groups], title=title)}
        )
    return render(
        request,
        "reports/dashboard.html",
        {"report": report, "charts": charts, "year": year, "period_label": period_label(report.period)},
    )
