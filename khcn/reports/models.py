"""The statistics regimes a department files to the Ministry, as data.

A regime (TT 15/2018/TT-BKHCN until 2025; TT 45/2025/TT-BKHCN after) has forms (biểu), each form
lines (chỉ tiêu). A line names the metric key whose figure fills it, so a form is computed from
the records like the annual report, never typed; a line with no metric on record says so. The
regime changed in 2025 and its form codes were not all seen: staff edit these rows, not code.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from khcn.core.models import Record


class StatisticsRegime(Record):
    code = models.CharField(_("mã chế độ"), max_length=40, unique=True)
    name = models.CharField(_("tên chế độ báo cáo thống kê"), max_length=300)
    legal_basis = models.TextField(_("căn cứ pháp lý"), blank=True)
    valid_from = models.DateField(_("áp dụng cho kỳ báo cáo từ ngày"))
    valid_to = models.DateField(_("áp dụng đến hết ngày"), null=True, blank=True)
    deadline = models.CharField(_("hạn gửi báo cáo"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("chế độ báo cáo thống kê")
        verbose_name_plural = _("chế độ báo cáo thống kê")
        ordering = ["-valid_from"]

    def __str__(self) -> str:
        return self.name


class StatisticsForm(Record):
    regime = models.ForeignKey(
        StatisticsRegime, on_delete=models.PROTECT, related_name="forms", verbose_name=_("chế độ báo cáo")
    )
    code = models.CharField(_("số hiệu biểu"), max_length=40)
    title = models.CharField(_("tên biểu"), max_length=300)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("biểu thống kê")
        verbose_name_plural = _("biểu thống kê")
        ordering = ["regime", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["regime", "code"], name="statistics_form_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} – {self.title}"


class StatisticsLine(Record):
    form = models.ForeignKey(StatisticsForm, on_delete=models.PROTECT, related_name="lines", verbose_name=_("biểu"))
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    number = models.CharField(_("mã số, STT"), max_length=10, blank=True)
    label = models.CharField(_("chỉ tiêu"), max_length=300)
    metric_key = models.CharField(
        _("mã số liệu"),
        max_length=100,
        blank=True,
        help_text=_("Mã chỉ tiêu trong docs/metrics.md (ví dụ metrology.verified). Để trống: dòng tiêu đề."),
    )
    unit = models.CharField(_("đơn vị tính"), max_length=40, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("chỉ tiêu của biểu")
        verbose_name_plural = _("chỉ tiêu của biểu")
        ordering = ["form", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.number} {self.label}".strip()
