"""The report files that may take long (PDF through LibreOffice, a province's statistics over
millions of rows), offered as background exports with a progress bar (core.exports)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from khcn.accounts.permissions import is_department_staff
from khcn.core.exports import Export, Progress, register
from khcn.reports import documents, services
from khcn.reports import statistics as stats_module
from khcn.reports.periods import area_from, period_from, period_label

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _year(params: dict[str, Any]) -> int:
    year = int(str(params.get("year", "0")))
    if not 1900 <= year <= 2200:
        raise ValueError("year")
    return year


def _label(kind: str) -> Any:
    def label(params: dict[str, Any]) -> str:
        try:
            return f"{kind} {period_label(period_from(_year(params), params))}"
        except Exception:
            return kind

    return label


def _report(params: dict[str, Any], progress: Progress) -> services.Report:
    progress(5, _("Đang tính các số liệu"))
    report = services.build_report(period_from(_year(params), params), area_from(params))
    progress(60, _("Đang viết tệp"))
    return report


def annual_docx(params: dict[str, Any], progress: Progress) -> tuple[str, str, bytes]:
    report = _report(params, progress)
    return f"bao-cao-khcn-{report.year}.docx", DOCX, documents.report_docx(report)


def annual_xlsx(params: dict[str, Any], progress: Progress) -> tuple[str, str, bytes]:
    report = _report(params, progress)
    return f"so-lieu-khcn-{report.year}.xlsx", XLSX, documents.report_xlsx(report)


def annual_pdf(params: dict[str, Any], progress: Progress) -> tuple[str, str, bytes]:
    report = _report(params, progress)
    pdf = documents.report_pdf(report)
    if pdf is None:
        raise RuntimeError("LibreOffice is not installed")
    return f"bao-cao-khcn-{report.year}.pdf", "application/pdf", pdf


def statistics_xlsx(params: dict[str, Any], progress: Progress) -> tuple[str, str, bytes]:
    year = _year(params)
    progress(5, _("Đang tính các biểu"))
    stats = stats_module.build_statistics(period_from(year, params), area_from(params))
    progress(80, _("Đang viết tệp"))
    content = stats_module.statistics_xlsx(stats, reporter=settings.DEPARTMENT_NAME)
    return f"bieu-thong-ke-{year}.xlsx", XLSX, content


register(Export("reports.annual_docx", _label("Báo cáo KH&CN (DOCX)"), is_department_staff, annual_docx))
register(Export("reports.annual_xlsx", _label("Số liệu báo cáo KH&CN (XLSX)"), is_department_staff, annual_xlsx))
register(Export("reports.annual_pdf", _label("Báo cáo KH&CN (PDF)"), is_department_staff, annual_pdf))
register(Export("reports.statistics_xlsx", _label("Biểu thống kê gửi Bộ (XLSX)"), is_department_staff, statistics_xlsx))
