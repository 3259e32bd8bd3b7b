"""Tabular datasets of the innovation registry (one engine: khcn.lib.tabular + core.datasets).

- innovation_startups: supports to start-ups; a row is matched by enterprise, year and kind of
  support, so a corrected file updates instead of duplicating.
- innovation_trainings: trainings and trainee counts; matched by topic and date.

Headers are the files' contract: Vietnamese, the same whatever the interface language.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khcn.core import datasets
from khcn.directory.models import AdministrativeUnit, Organisation
from khcn.lib import tabular
from khcn.registries.innovation.models import StartupSupport, Training

_resolve_organisation = datasets.lookup_resolver(
    (lambda: Organisation.objects.active().exclude(tax_code=""), "tax_code"),
    (lambda: Organisation.objects.active(), "name"),
)

_resolve_unit = datasets.lookup_resolver(
    (lambda: AdministrativeUnit.objects.filter(valid_to__isnull=True), "code"),
    (lambda: AdministrativeUnit.objects.all(), "code"),
)


def _organisation_key(organisation: Organisation) -> str:
    return organisation.tax_code or organisation.name


@datasets.register
class StartupSupportDataset(tabular.Dataset):
    name = "innovation_startups"
    title = gettext_lazy("Hỗ trợ khởi nghiệp đổi mới sáng tạo")
    model = StartupSupport
    natural_keys = (("enterprise", "year", "support_kind"),)
    columns = (
        tabular.Lookup(
            "Doanh nghiệp",
            "enterprise",
            resolve=_resolve_organisation,
            display=_organisation_key,
            noun=gettext_lazy("doanh nghiệp có mã số thuế hoặc tên"),
            required=True,
            help_text=gettext_lazy("Mã số thuế hoặc tên đầy đủ như trong danh bạ tổ chức"),
        ),
        tabular.Integer("Năm hỗ trợ", "year", min_value=2000, max_value=2100, required=True),
        tabular.Choice("Hình thức hỗ trợ", "support_kind", choices=StartupSupport.SupportKind.choices, required=True),
        tabular.Text("Dự án, sản phẩm", "project", max_length=300),
        tabular.Text("Người sáng lập", "founders", max_length=300),
        tabular.Text("Lĩnh vực", "field", max_length=200),
        tabular.Choice("Giai đoạn", "stage", choices=[("", "—"), *StartupSupport.Stage.choices]),
        tabular.Money("Kinh phí hỗ trợ (đồng)", "amount"),
        tabular.Text("Ghi chú", "note"),
    )

    def clean_row(self, values: dict[str, Any]) -> list[tuple[str, str]]:
        if values.get("amount") is None:
            values["amount"] = 0
        return []

    def export_queryset(self) -> Any:
        return StartupSupport.objects.active().order_by("-year", "enterprise__name", "pk")


@datasets.register
class TrainingDataset(tabular.Dataset):
    name = "innovation_trainings"
    title = gettext_lazy("Tập huấn sở hữu trí tuệ, khởi nghiệp, đổi mới sáng tạo")
    model = Training
    natural_keys = (("topic", "date"),)
    columns = (
        tabular.Text("Chủ đề", "topic", max_length=300, required=True),
        tabular.Choice("Lĩnh vực", "area", choices=Training.Area.choices, default=Training.Area.STARTUP),
        tabular.Text("Đối tượng", "audience", max_length=300),
        tabular.Date("Ngày", "date", required=True),
        tabular.Date("Đến ngày", "end_date"),
        tabular.Text("Địa điểm", "location", max_length=300),
        tabular.Lookup(
            "Mã đơn vị hành chính",
            "administrative_unit",
            resolve=_resolve_unit,
            display=lambda unit: unit.code,
            noun=gettext_lazy("đơn vị hành chính có mã"),
        ),
        tabular.Text("Đơn vị tổ chức", "organisers", max_length=500),
        tabular.Integer("Số học viên", "trainee_count", min_value=1, required=True),
        tabular.Text("Ghi chú", "note"),
    )

    def clean_row(self, values: dict[str, Any]) -> list[tuple[str, str]]:
        start: dt.date | None = values.get("date")
        end: dt.date | None = values.get("end_date")
        if start and end and end < start:
            return [("end_date", _("Ngày kết thúc không được trước ngày bắt đầu"))]
        return []

    def export_queryset(self) -> Any:
        return Training.objects.active().order_by("-date", "topic", "pk")
