"""Tabular datasets of the standards and quality registry, for the shared engine.

Each row is one record of one table, so the shared runner (khcn.core.datasets.run_import) does
everything: a row whose natural key (receipt number, registration number...) is already stored
updates that record, the others are created, and a file with any bad row writes nothing.
Organisations (enterprises, certifying bodies, businesses) must already be in the directory, by
tax code or exact name.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import cached_property
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khcn.core import datasets
from khcn.directory.models import AdministrativeUnit, Organisation
from khcn.lib import tabular
from khcn.lib.formats import ParseError
from khcn.registries.quality import services
from khcn.registries.quality.models import (
    ConformityAnnouncement,
    DeadlineRule,
    ImportInspection,
    MarketSurvey,
    QualityTraining,
)
from khcn.registries.quality.selectors import RuleTable

_resolve_organisation = datasets.lookup_resolver(
    (lambda: Organisation.objects.exclude(tax_code=""), "tax_code"),
    (lambda: Organisation.objects.all(), "name"),
)
_resolve_unit = datasets.lookup_resolver(
    (lambda: AdministrativeUnit.objects.filter(valid_to__isnull=True), "code"),
    (lambda: AdministrativeUnit.objects.all(), "code"),
)


def organisation_column(header: str, field_name: str, *, required: bool = False) -> tabular.Lookup:
    return tabular.Lookup(
        header,
        field_name,
        resolve=_resolve_organisation,
        display=lambda organisation: organisation.tax_code or organisation.name,
        noun=gettext_lazy("tổ chức có mã số thuế hoặc tên"),
        required=required,
        help_text=gettext_lazy("Mã số thuế hoặc tên đầy đủ, đã có trong danh mục tổ chức"),
    )


class Quantity(tabular.Column):
    """A quantity with decimals: 12,5 or 1.234,5 (Vietnamese), 12.5, or an Excel number."""

    number_format = "#,##0.###"

    def parse(self, raw: tabular.Cell) -> Decimal:
        if isinstance(raw, bool):
            raise ParseError(_("Phải là một số"))
        if isinstance(raw, int | float):
            value = Decimal(str(raw))
        else:
            text = re.sub(r"\s", "", str(raw))
            if "," in text:
                # The comma is the decimal mark; dots, if any, group thousands.
                text = text.replace(".", "").replace(",", ".")
            elif re.fullmatch(r"\d{1,3}(\.\d{3})+", text):
                text = text.replace(".", "")
            try:
                value = Decimal(text)
            except InvalidOperation:
                raise ParseError(_("Phải là một số, ví dụ 12,5")) from None
        if value <= 0:
            raise ParseError(_("Phải lớn hơn 0"))
        if value != value.quantize(Decimal("0.001")):
            raise ParseError(_("Tối đa 3 chữ số sau dấu phẩy"))
        return value

    def to_cell(self, value: Any, fmt: str) -> tabular.Cell:
        if value is None:
            return ""
        value = Decimal(value).normalize()
        if fmt == tabular.XLSX:
            return value
        return format(value, "f").replace(".", ",")


class _RuleAware(tabular.Dataset):
    """A dataset whose checks need the deadline rules: read once per import."""

    @cached_property
    def rules(self) -> RuleTable:
        return RuleTable.load()

    @cached_property
    def today(self) -> Any:
        return timezone.localdate()


@datasets.register
class ConformityAnnouncementDataset(_RuleAware):
    name = "conformity_announcements"
    title = gettext_lazy("Công bố hợp chuẩn, hợp quy")
    model = ConformityAnnouncement
    natural_keys = (("receipt_no",),)
    derived_fields = ("valid_until",)
    columns = (
        tabular.Text("Số thông báo tiếp nhận", "receipt_no", max_length=60, required=True),
        tabular.Date("Ngày tiếp nhận", "receipt_date", required=True),
        tabular.Choice("Loại công bố", "kind", choices=ConformityAnnouncement.Kind.choices, required=True),
        organisation_column("Doanh nghiệp", "enterprise", required=True),
        tabular.Text("Sản phẩm, hàng hóa", "product", max_length=500, required=True),
        tabular.Text("Nhãn hiệu, kiểu loại", "brand_models", max_length=500),
        tabular.Text("Quy chuẩn, tiêu chuẩn áp dụng", "standard_code", max_length=100, required=True),
        tabular.Choice("Căn cứ công bố", "basis", choices=ConformityAnnouncement.Basis.choices, required=True),
        organisation_column("Tổ chức chứng nhận", "certifying_body"),
        tabular.Text("Số giấy chứng nhận", "certificate_no", max_length=60),
        tabular.Date("Giấy chứng nhận có hiệu lực đến", "certificate_expiry"),
        tabular.Date("Ngày ký báo cáo tự đánh giá", "self_assessment_date"),
    )

    def _validity(self, values: dict[str, Any]) -> DeadlineRule | None:
        signed = values.get("self_assessment_date")
        return self.rules.on(DeadlineRule.Kind.SELF_ASSESSMENT_VALIDITY, signed) if signed else None

    def clean_row(self, values: dict[str, Any]) -> list[tuple[str, str]]:
        return services.announcement_problems(values, today=self.today, validity=self._validity(values))

    def prepare(self, instance: Any) -> None:
        values = services.record_values(instance, services.ANNOUNCEMENT_FIELDS)
        instance.valid_until = services.announcement_valid_until(values, self._validity(values))

    def export_queryset(self) -> Any:
        return ConformityAnnouncement.objects.active().order_by("-receipt_date", "-id")


@datasets.register
class ImportInspectionDataset(_RuleAware):
    name = "import_inspections"
    title = gettext_lazy("Đăng ký kiểm tra chất lượng hàng nhập khẩu")
    model = ImportInspection
    natural_keys = (("registration_no",),)
    derived_fields = ("certificate_due_on",)
    columns = (
        tabular.Text("Số đăng ký", "registration_no", max_length=60, required=True),
        tabular.Date("Ngày đăng ký", "registration_date", required=True),
        organisation_column("Doanh nghiệp nhập khẩu", "enterprise", required=True),
        tabular.Text("Số tờ khai hải quan", "customs_declaration_no", max_length=60),
        tabular.Date("Ngày thông quan", "clearance_date"),
        tabular.Text("Hàng hóa", "goods", max_length=500, required=True),
        tabular.Text("Mã HS", "hs_code", max_length=20),
        tabular.Text("Xuất xứ", "origin", max_length=100),
        Quantity("Khối lượng, số lượng", "quantity", required=True),
        tabular.Text("Đơn vị tính", "unit", max_length=30, required=True),
        tabular.Text("Quy chuẩn áp dụng", "standard_code", max_length=100, required=True),
        organisation_column("Tổ chức chứng nhận", "certifying_body"),
        tabular.Text("Số giấy chứng nhận hợp quy", "certificate_no", max_length=60),
        tabular.Date("Ngày nộp giấy chứng nhận", "certificate_submitted_on"),
        tabular.Choice("Kết quả kiểm tra", "result", choices=ImportInspection.Result.choices),
        tabular.Text("Số thông báo kết quả", "result_notice_no", max_length=60),
        tabular.Date("Ngày thông báo kết quả", "result_notice_date"),
    )

    def _rule(self, values: dict[str, Any]) -> DeadlineRule | None:
        return self.rules.on(DeadlineRule.Kind.IMPORT_CERTIFICATE, services.import_deadline_start(values))

    def clean_row(self, values: dict[str, Any]) -> list[tuple[str, str]]:
        return services.import_problems(values, today=self.today, rule=self._rule(values))

    def prepare(self, instance: Any) -> None:
        values = services.record_values(instance, services.IMPORT_FIELDS)
        rule = self._rule(values)
        instance.certificate_due_on = rule.apply(services.import_deadline_start(values)) if rule else None

    def export_queryset(self) -> Any:
        return ImportInspection.objects.active().order_by("-registration_date", "-id")


@datasets.register
class MarketSurveyDataset(tabular.Dataset):
    name = "market_surveys"
    title = gettext_lazy("Khảo sát chất lượng hàng hóa")
    model = MarketSurvey
    natural_keys = (("business", "survey_date", "goods"),)
    columns = (
        tabular.Date("Ngày khảo sát", "survey_date", required=True),
        organisation_column("Cơ sở kinh doanh", "business", required=True),
        tabular.Choice("Loại cơ sở", "business_kind", choices=MarketSurvey.BusinessKind.choices, required=True),
        tabular.Text("Hàng hóa khảo sát", "goods", max_length=300, required=True),
        tabular.Text("Quy chuẩn, tiêu chuẩn đối chiếu", "standard_code", max_length=100),
        tabular.Integer("Số mẫu", "sample_count", min_value=1, required=True),
        tabular.Integer("Số mẫu không đạt", "failed_count", min_value=0),
        tabular.Text("Phòng thử nghiệm", "testing_lab", max_length=255),
        tabular.Text("Kết quả, kiến nghị", "findings"),
    )

    def clean_row(self, values: dict[str, Any]) -> list[tuple[str, str]]:
        if values.get("failed_count") is None:
            values["failed_count"] = 0
        return services.survey_problems(values, today=timezone.localdate())

    def export_queryset(self) -> Any:
        return MarketSurvey.objects.active().order_by("-survey_date", "-id")


@datasets.register
class QualityTrainingDataset(tabular.Dataset):
    name = "quality_trainings"
    title = gettext_lazy("Lớp đào tạo về quản lý chất lượng")
    model = QualityTraining
    natural_keys = (("name", "start_date"),)
    columns = (
        tabular.Text("Tên lớp", "name", max_length=300, required=True),
        tabular.Text("Nội dung", "topic", max_length=200, help_text=gettext_lazy("Ví dụ TCVN ISO 9001:2015")),
        tabular.Date("Ngày bắt đầu", "start_date", required=True),
        tabular.Date("Ngày kết thúc", "end_date"),
        tabular.Text("Địa điểm", "location", max_length=300),
        tabular.Lookup(
            "Mã đơn vị hành chính",
            "administrative_unit",
            resolve=_resolve_unit,
            display=lambda unit: unit.code,
            noun=gettext_lazy("đơn vị hành chính có mã"),
        ),
        tabular.Text("Đối tượng", "audience", max_length=500),
        tabular.Integer("Số học viên", "trainee_count", min_value=0, required=True),
    )

    def clean_row(self, values: dict[str, Any]) -> list[tuple[str, str]]:
        if "topic" in values and not values["topic"]:
            values["topic"] = "TCVN ISO 9001:2015"
        return services.training_problems(values, today=timezone.localdate())

    def export_queryset(self) -> Any:
        return QualityTraining.objects.active().order_by("-start_date", "-id")
