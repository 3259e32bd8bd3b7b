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
from django.utils.translation import gettext_lazy as _lazy

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
    period, area = _period_area(request, year)
    return services.build_report(period, area)


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
    from khcn.reports import dashboard as panels

    # The record panels are whole-system views of a calendar year; an area or a shorter period
    # keeps to the report's own figures above.
    whole_year = report.area is None and report.period == Period.year(year)
    return render(
        request,
        "reports/dashboard.html",
        {
            "report": report,
            "charts": charts,
            "year": year,
            "period_label": period_label(report.period),
            "panels": panels.panels(year, timezone.localdate()) if whole_year else [],
            "links": panels.links(),
        },
    )


# How many items of one check a page lists; the count says how many more there are.
DUE_PAGE_ITEMS = 50
# Headings for the checks of each app's due.py (a check without one shows its code).
DUE_LABELS = {
    "research.progress_report_due": _lazy("Nhiệm vụ KH&CN: báo cáo tiến độ đến hạn, quá hạn"),
    "research.contract_ending": _lazy("Nhiệm vụ KH&CN: hợp đồng sắp kết thúc"),
    "research.adjustment_pending": _lazy("Nhiệm vụ KH&CN: đề nghị điều chỉnh, gia hạn chờ quyết định"),
    "research.acceptance_dossier_due": _lazy("Nhiệm vụ KH&CN: hồ sơ đánh giá, nghiệm thu phải nộp"),
    "research.results_not_registered": _lazy("Nhiệm vụ KH&CN: kết quả chưa đăng ký"),
    "research.settlement_due": _lazy("Nhiệm vụ KH&CN: quyết toán kinh phí năm"),
    "radiation.licence_expiry": _lazy("An toàn bức xạ: giấy phép sắp hết hạn"),
    "radiation.device_verification": _lazy("An toàn bức xạ: thiết bị đến hạn kiểm định"),
    "metrology.verification_due": _lazy("Đo lường: phương tiện đo đến hạn kiểm định"),
    "quality.import_certificate_due": _lazy("Chất lượng: hạn nộp chứng chỉ hàng nhập khẩu"),
    "quality.announcement_expiry": _lazy("Chất lượng: công bố hợp chuẩn, hợp quy hết hiệu lực"),
    "technology.opinion_answer": _lazy("Công nghệ: hạn trả lời ý kiến về công nghệ"),
    "technology.transfer_contract_end": _lazy("Công nghệ: hợp đồng chuyển giao sắp hết hạn"),
    "ip.use_right_expiry": _lazy("Sở hữu trí tuệ: giấy chứng nhận quyền sử dụng sắp hết hạn"),
    "initiatives.awaiting_recognition": _lazy("Sáng kiến: hồ sơ chờ công nhận"),
    "innovation.event_results": _lazy("Đổi mới sáng tạo: sự kiện chưa có kết quả"),
    "inspections.sanction_payment": _lazy("Thanh tra: hạn nộp phạt"),
    "inspections.follow_up": _lazy("Thanh tra: theo dõi khắc phục"),
    "legaldocs.coming_into_force": _lazy("Văn bản: sắp có hiệu lực"),
    "news.stale_drafts": _lazy("Tin bài: bản nháp lâu chưa đăng"),
}


@login_required
def due_list(request: HttpRequest) -> HttpResponse:
    """What falls due across the system (the same checks `manage.py remind` e-mails), for the
    modules the user may read: overdue first, then by date."""
    _require_reader(request)
    from django.utils.module_loading import autodiscover_modules

    from khcn.core import due

    autodiscover_modules("due")
    today = timezone.localdate()
    groups: dict[str, dict[str, Any]] = {}
    for name, check in sorted(due.checks().items()):
        app_label = name.split(".", 1)[0]
        if not request.user.has_module_perms(app_label):
            continue
        items = sorted(check(today), key=lambda item: (not item.overdue, item.due_date, item.title))
        if not items:
            continue
        groups[name] = {
            "name": name,
            "label": DUE_LABELS.get(name, name),
            "items": items[:DUE_PAGE_ITEMS],
            "total": len(items),
            "overdue": sum(1 for item in items if item.overdue),
            "more": max(len(items) - DUE_PAGE_ITEMS, 0),
        }
    return render(
        request,
        "reports/due.html",
        {"groups": list(groups.values()), "today": today, "total": sum(g["total"] for g in groups.values())},
    )


@login_required
def statistics(request: HttpRequest, year: int) -> HttpResponse:
    """The Ministry statistics forms of the regime in force, computed for the period and area."""
    _require_reader(request)
    from khcn.reports import statistics as stats_module

    period, area = _period_area(request, year)
    stats = stats_module.build_statistics(period, area)
    return render(
        request,
        "reports/statistics.html",
        {
            "stats": stats,
            "year": year,
            "period_label": period_label(period),
            "query": period_query(period, area),
        },
    )


@login_required
def statistics_xlsx(request: HttpRequest, year: int) -> HttpResponse:
    _require_reader(request)
    from django.conf import settings

    from khcn.reports import statistics as stats_module

    period, area = _period_area(request, year)
    stats = stats_module.build_statistics(period, area)
    content = stats_module.statistics_xlsx(stats, reporter=getattr(settings, "DEPARTMENT_NAME", "Sở KH&CN"))
    return _file(content, f"bieu-thong-ke-{year}.xlsx", XLSX)


def _period_area(request: HttpRequest, year: int) -> tuple[Period, Any]:
    if not 1900 <= year <= 2200:
        raise Http404
    try:
        period = period_from(year, request.GET)
    except BadPeriod as exc:
        raise Http404(str(exc)) from exc
    return period, area_from(request.GET)
