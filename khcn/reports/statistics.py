"""The Ministry statistics forms (biểu thống kê), computed from the records.

The regime in force for the period's last day gives the forms and their lines (reports.models,
editable data); each line's figure comes from the same metric the annual report uses, for the
same period and area, with the previous period beside it. A line whose metric no app declares
reads "chưa ghi nhận", never a number.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _

from khcn.core.metrics import Period
from khcn.directory.models import AdministrativeUnit
from khcn.reports import services
from khcn.reports.models import StatisticsForm, StatisticsLine, StatisticsRegime


@dataclass
class StatLine:
    number: str
    label: str
    unit: str
    key: str
    figure: services.Figure | None  # None for a heading line (no metric key)

    @property
    def text(self) -> str:
        return self.figure.text if self.figure else ""


@dataclass
class StatForm:
    code: str
    title: str
    lines: list[StatLine] = field(default_factory=list)


@dataclass
class Statistics:
    regime: StatisticsRegime | None
    period: Period
    area: AdministrativeUnit | None
    forms: list[StatForm]


def regime_for(period: Period) -> StatisticsRegime | None:
    """The regime that applies to a period: the one in force on its last day."""
    last = period.end - dt.timedelta(days=1)
    return (
        StatisticsRegime.objects.active()
        .filter(valid_from__lte=last)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=last))
        .order_by("-valid_from")
        .first()
    )


def build_statistics(
    period: Period, area: AdministrativeUnit | None = None, *, regime: StatisticsRegime | None = None
) -> Statistics:
    regime = regime or regime_for(period)
    units = services.area_units(area)
    forms: list[StatForm] = []
    if regime is not None:
        lines = StatisticsLine.objects.active().order_by("order", "pk")
        stat_forms = list(
            StatisticsForm.objects.active()
            .filter(regime=regime)
            .prefetch_related(Prefetch("lines", queryset=lines))
            .order_by("order", "code")
        )
        # Every line's figure at once: lines counting the same records share one statement.
        values = services.figure_values(
            [(line.metric_key, period) for form in stat_forms for line in form.lines.all() if line.metric_key],  # type: ignore[attr-defined]
            units,
        )
        for form in stat_forms:
            stat = StatForm(form.code, form.title)
            for line in form.lines.all():  # type: ignore[attr-defined]
                figure = (
                    services._figure(line.metric_key, "statistics", period, units, True, values)
                    if line.metric_key
                    else None
                )
                stat.lines.append(StatLine(line.number, line.label, line.unit, line.metric_key, figure))
            forms.append(stat)
    return Statistics(regime=regime, period=period, area=area, forms=forms)


def statistics_xlsx(stats: Statistics, *, reporter: str) -> bytes:
    """One sheet per form: the form's heading, then STT, indicator, unit, this period, the
    previous one, and the metric key that computed the line (for checking)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    bold = Font(bold=True)
    last = stats.period.end - dt.timedelta(days=1)
    period_text = _("Kỳ báo cáo: từ %(a)s đến %(b)s") % {"a": f"{stats.period.start:%d/%m/%Y}", "b": f"{last:%d/%m/%Y}"}
    for form in stats.forms:
        sheet = workbook.create_sheet(title=_sheet_name(form.code))
        sheet.append([_("Biểu số %(code)s") % {"code": form.code}])
        sheet.append([form.title.upper()])
        sheet.append([period_text])
        sheet.append([_("Đơn vị báo cáo: %(name)s") % {"name": reporter}])
        if stats.area is not None:
            sheet.append([_("Địa bàn: %(name)s") % {"name": stats.area.name}])
        if stats.regime is not None:
            sheet.append([stats.regime.name])
        sheet.append([])
        header = [_("STT"), _("Chỉ tiêu"), _("Đơn vị tính"), _("Kỳ báo cáo"), _("Kỳ trước"), _("Mã số liệu")]
        sheet.append(header)
        header_row = sheet.max_row
        for cell in sheet[header_row]:
            cell.font = bold
        for line in form.lines:
            if line.figure is None:
                sheet.append([line.number, line.label])
                sheet.cell(row=sheet.max_row, column=2).font = bold
                continue
            value: object = line.figure.value if line.figure.recorded else services.NOT_RECORDED
            previous: object = line.figure.previous if line.figure.recorded else None
            sheet.append([line.number, line.label, line.unit, value, previous, line.key])
            for column in (4, 5):
                sheet.cell(row=sheet.max_row, column=column).number_format = "#,##0"
        for row in range(1, 3):
            sheet.cell(row=row, column=1).font = bold
        sheet.column_dimensions["A"].width = 8
        sheet.column_dimensions["B"].width = 60
        sheet.column_dimensions["C"].width = 14
        sheet.column_dimensions["D"].width = 18
        sheet.column_dimensions["E"].width = 18
        sheet.column_dimensions["F"].width = 40
        for row in sheet.iter_rows(min_row=header_row + 1, max_col=2):
            row[1].alignment = Alignment(wrap_text=True)
    if not stats.forms:
        sheet = workbook.create_sheet(title=_sheet_name(_("Không có biểu")))
        sheet.append([_("Chưa có chế độ báo cáo thống kê áp dụng cho kỳ này.")])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _sheet_name(code: str) -> str:
    # Excel forbids []:*?/\ in sheet names and cuts them at 31 characters.
    cleaned = "".join("-" if ch in "[]:*?/\\" else ch for ch in code)
    return cleaned[:31] or "Sheet"
