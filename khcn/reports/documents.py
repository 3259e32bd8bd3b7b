"""The annual report as files: DOCX in the Decree 30/2020 layout (prose, then an annex table of
every figure), XLSX (one row per figure), and PDF through LibreOffice when it is installed."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from khcn.lib import documents, tabular
from khcn.reports.periods import period_label
from khcn.reports.services import NOT_RECORDED, Report, format_figure

ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def _title(report: Report) -> tuple[str, str]:
    area = f" {report.area.name}" if report.area else ""
    if report.is_year:
        subtitle = _("Kết quả thực hiện kế hoạch khoa học và công nghệ năm %(year)s và kế hoạch năm %(next)s") % {
            "year": report.year,
            "next": report.year + 1,
        }
    else:
        subtitle = _("Kết quả hoạt động khoa học và công nghệ %(period)s") % {"period": period_label(report.period)}
    return "BÁO CÁO", subtitle + area


def report_body(report: Report) -> list[str]:
    """The report's paragraphs: a numbered heading per section, then its sentences."""
    body: list[str] = []
    for number, section in enumerate(report.sections):
        body.append(f"{ROMAN[number]}. {section.title.upper()}")
        body.extend(line.text for line in section.lines)
    body.append(_("(Chi tiết các số liệu tại Phụ lục kèm theo.)"))
    body.append(_("PHỤ LỤC: SỐ LIỆU TỔNG HỢP"))
    return body


def _change(value: int | None) -> str:
    if value is None:
        return ""
    return f"+{value}" if value > 0 else str(value)


def annex_rows(report: Report) -> list[list[str]]:
    rows: list[list[str]] = []
    for number, figure in enumerate(report.figures(), start=1):
        rows.append(
            [
                str(number),
                figure.label,
                figure.key,
                figure.text,
                format_figure(figure.previous, figure.money) if figure.recorded else "",
                _change(figure.change),
            ]
        )
    for group in report.plan_groups:
        rows.append(
            [
                "",
                f"{_('Nhiệm vụ năm %(year)s theo nhóm') % {'year': report.year + 1}}: {group.name}",
                "research.plan_tasks_by_group",
                format_figure(group.value),
                "",
                "",
            ]
        )
    return rows


def report_docx(report: Report, *, date: dt.date | None = None) -> bytes:
    title, subtitle = _title(report)
    template = documents.decree30_template(title=title, subtitle=subtitle, body=report_body(report))
    docx = documents.render(
        template,
        {
            "number": "      /BC-SKHCN",
            "date": date or timezone.localdate(),
            "signer_title": "GIÁM ĐỐC",
            "signer_name": "",
            "recipients": ["UBND tỉnh (để b/c)", "Bộ Khoa học và Công nghệ (để b/c)", "Lưu: VT"],
        },
    )
    header = [_("STT"), _("Chỉ tiêu"), _("Mã"), _("Kỳ báo cáo"), _("Kỳ trước"), _("Tăng/giảm")]
    return documents.add_table(docx, header, annex_rows(report), after_text=_("PHỤ LỤC: SỐ LIỆU TỔNG HỢP"))


def report_xlsx(report: Report) -> bytes:
    headers = [
        _("Mục"),
        _("Mã chỉ tiêu"),
        _("Chỉ tiêu"),
        _("Đơn vị tính"),
        _("Giá trị"),
        _("Kỳ trước"),
        _("Tăng/giảm"),
        _("Ghi chú"),
    ]
    titles = {section.code: section.title for section in report.sections}
    rows: list[list[object]] = []
    for figure in report.figures():
        rows.append(
            [
                titles.get(figure.section, figure.section),
                figure.key,
                figure.label,
                figure.unit,
                figure.value,
                figure.previous,
                figure.change,
                "" if figure.recorded else NOT_RECORDED,
            ]
        )
    for group in report.plan_groups:
        rows.append(
            [
                titles.get("plan", "plan"),
                "research.plan_tasks_by_group",
                group.name,
                "nhiệm vụ",
                group.value,
                None,
                None,
                "",
            ]
        )
    if report.decision_number:
        rows.append(
            [
                titles.get("plan", "plan"),
                "research.plan_decision",
                _("Quyết định phê duyệt kế hoạch"),
                "",
                f"{report.decision_number} ngày {report.decision_date:%d/%m/%Y}"
                if report.decision_date
                else report.decision_number,
                None,
                None,
                "",
            ]
        )
    return tabular.write_xlsx(
        headers,
        rows,
        title=_("Báo cáo năm %(year)s") % {"year": report.year},
        number_formats=[None, None, None, None, "#,##0", "#,##0", "#,##0", None],
        widths=[30, 36, 60, 14, 16, 16, 12, 16],
    )


def report_pdf(report: Report) -> bytes | None:
    return documents.to_pdf(report_docx(report))


def pdf_available() -> bool:
    return documents.libreoffice_path() is not None
