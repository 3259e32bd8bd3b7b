"""Tabular datasets of the inspection registry (one engine: khcn.lib.tabular + core.datasets).

- inspections: campaigns (inspections and checks) by code; the authority rule in force on the
  start date applies row by row (an inspection dated from 01/07/2025 is refused). Establishments,
  the decision and the team are added in the back office.
- inspection_sanctions: sanction decisions by decision number; each names its campaign by code
  and its establishment by tax code or name, and the establishment must be covered by that
  campaign. The legal ground is required and the fine is whole đồng, never negative.

The engine validates every row before writing anything; these rules run in `clean_row`, with the
rules and the campaigns' establishments read once per file, not once per row.

Headers are the files' contract: Vietnamese, the same whatever the interface language.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khcn.core import datasets
from khcn.directory.models import AdministrativeUnit, Organisation
from khcn.lib import tabular
from khcn.registries.inspections.models import (
    InspectedEstablishment,
    Inspection,
    InspectionAuthorityRule,
    InspectionKind,
    Sanction,
    decision_key,
)

_resolve_organisation = datasets.lookup_resolver(
    (lambda: Organisation.objects.active().exclude(tax_code=""), "tax_code"),
    (lambda: Organisation.objects.active(), "name"),
)
_resolve_inspection = datasets.lookup_resolver((lambda: Inspection.objects.active(), "code"))
_resolve_unit = datasets.lookup_resolver(
    (lambda: AdministrativeUnit.objects.filter(valid_to__isnull=True), "code"),
    (lambda: AdministrativeUnit.objects.all(), "code"),
)


def _organisation_key(organisation: Organisation) -> str:
    return organisation.tax_code or organisation.name


def _dmy(value: dt.date) -> str:
    return value.strftime("%d/%m/%Y")


@datasets.register
class InspectionDataset(tabular.Dataset):
    name = "inspections"
    title = gettext_lazy("Cuộc thanh tra, kiểm tra")
    model = Inspection
    natural_keys = (("code",),)
    columns = (
        tabular.Text("Mã cuộc", "code", max_length=30, required=True, help_text=gettext_lazy("Ví dụ KT-2023-05")),
        tabular.Choice("Loại", "kind", choices=InspectionKind.choices, required=True),
        tabular.Choice("Hình thức", "mode", choices=Inspection.Mode.choices, default=Inspection.Mode.PLANNED),
        tabular.Choice("Lĩnh vực", "field", choices=Inspection.Field.choices, default=Inspection.Field.STANDARDS),
        tabular.Text("Nội dung, phạm vi", "subject", required=True),
        tabular.Date("Ngày bắt đầu", "start_date", required=True),
        tabular.Date("Ngày kết thúc", "end_date"),
        tabular.Lookup(
            "Mã đơn vị hành chính",
            "administrative_unit",
            resolve=_resolve_unit,
            display=lambda unit: unit.code,
            noun=gettext_lazy("đơn vị hành chính có mã"),
        ),
        tabular.Text("Kết luận", "conclusion"),
    )

    def __init__(self) -> None:
        super().__init__()
        self._rules: list[InspectionAuthorityRule] | None = None

    def _rule(self, kind: str, on: dt.date) -> InspectionAuthorityRule | None:
        if self._rules is None:
            # Every rule at once: a file of any length costs one query for the authority check.
            self._rules = list(InspectionAuthorityRule.objects.active().order_by("-valid_from", "-pk"))
        for rule in self._rules:
            if rule.kind == kind and rule.valid_from <= on and (rule.valid_to is None or on < rule.valid_to):
                return rule
        return None

    def clean_row(self, values: dict[str, Any]) -> list[tuple[str, str]]:
        errors: list[tuple[str, str]] = []
        start, end, kind = values.get("start_date"), values.get("end_date"), values.get("kind")
        if start and end and end < start:
            errors.append(("end_date", _("Ngày kết thúc không được trước ngày bắt đầu")))
        if start and kind:
            rule = self._rule(kind, start)
            label = str(InspectionKind(kind).label).lower()
            if rule is None:
                errors.append(
                    ("kind", _("Chưa có quy tắc thẩm quyền cho %(k)s vào ngày %(d)s") % {"k": label, "d": _dmy(start)})
                )
            elif not rule.allowed:
                errors.append(
                    (
                        "kind",
                        _("Sở không được ghi nhận cuộc %(k)s ngày %(d)s: %(r)s")
                        % {"k": label, "d": _dmy(start), "r": rule.refusal_message or rule.legal_basis},
                    )
                )
        return errors

    def export_queryset(self) -> Any:
        return Inspection.objects.active().order_by("-start_date", "code")


@datasets.register
class SanctionDataset(tabular.Dataset):
    name = "inspection_sanctions"
    title = gettext_lazy("Quyết định xử phạt vi phạm hành chính")
    model = Sanction
    natural_keys = (("decision_number",),)
    derived_fields = ("decision_key",)
    columns = (
        tabular.Text("Số quyết định", "decision_number", max_length=100, required=True),
        tabular.Date("Ngày quyết định", "decision_date", required=True),
        tabular.Lookup(
            "Mã cuộc",
            "inspection",
            resolve=_resolve_inspection,
            display=lambda inspection: inspection.code,
            noun=gettext_lazy("cuộc thanh tra, kiểm tra có mã"),
            required=True,
        ),
        tabular.Lookup(
            "Cơ sở",
            "organisation",
            resolve=_resolve_organisation,
            display=_organisation_key,
            noun=gettext_lazy("cơ sở có mã số thuế hoặc tên"),
            required=True,
            help_text=gettext_lazy("Mã số thuế hoặc tên đầy đủ; cơ sở phải có trong danh sách của cuộc"),
        ),
        tabular.Choice(
            "Đối tượng", "offender_kind", choices=Sanction.Offender.choices, default=Sanction.Offender.ORGANISATION
        ),
        tabular.Text("Tên cá nhân bị xử phạt", "offender_name", max_length=200),
        tabular.Text("Hành vi vi phạm", "violation", required=True),
        tabular.Text("Căn cứ pháp lý", "legal_ground", max_length=500, required=True),
        tabular.Money("Số tiền phạt (đồng)", "amount", required=True),
        tabular.Text("Hình thức xử phạt bổ sung", "additional_penalty", max_length=500),
        tabular.Text("Biện pháp khắc phục", "remedial_measures"),
        tabular.Date("Hạn nộp phạt", "payment_due", required=True),
        tabular.Choice("Tình trạng", "status", choices=Sanction.Status.choices, default=Sanction.Status.UNPAID),
        tabular.Date("Ngày nộp phạt", "paid_on"),
        tabular.Date("Ngày cưỡng chế", "enforced_on"),
        tabular.Text("Người ra quyết định", "issued_by", max_length=200),
    )

    def __init__(self) -> None:
        super().__init__()
        self._coverage: dict[str, tuple[dt.date, set[str]]] | None = None

    def _covered(self) -> dict[str, tuple[dt.date, set[str]]]:
        """{campaign code (lower case): (start date, {tax codes and names of its establishments})},
        read in two queries for the whole file."""
        if self._coverage is None:
            index: dict[str, tuple[dt.date, set[str]]] = {
                code.lower(): (start, set())
                for code, start in Inspection.objects.active().values_list("code", "start_date")
            }
            rows = InspectedEstablishment.objects.filter(inspection__archived_at__isnull=True).values_list(
                "inspection__code", "organisation__tax_code", "organisation__name"
            )
            for code, tax_code, name in rows:
                keys = index.get(code.lower())
                if keys is not None:
                    keys[1].update(k for k in (tax_code, name) if k)
            self._coverage = index
        return self._coverage

    def clean_row(self, values: dict[str, Any]) -> list[tuple[str, str]]:
        # The same rules as services.sanction_check, for a file.
        errors: list[tuple[str, str]] = []
        decided, due = values.get("decision_date"), values.get("payment_due")
        if decided and due and due < decided:
            errors.append(("payment_due", _("Hạn nộp phạt không được trước ngày quyết định")))
        today = timezone.localdate()
        for field in ("paid_on", "enforced_on"):
            day = values.get(field)
            if day and decided and day < decided:
                errors.append((field, _("Ngày này trước ngày quyết định")))
            if day and day > today:
                errors.append((field, _("Ngày này ở tương lai")))
        status = values.get("status")
        if status == Sanction.Status.PAID and not values.get("paid_on"):
            errors.append(("status", _("Đã nộp phạt thì phải ghi ngày nộp phạt")))
        if status == Sanction.Status.ENFORCED and not values.get("enforced_on"):
            errors.append(("status", _("Đã cưỡng chế thì phải ghi ngày cưỡng chế")))
        if status == Sanction.Status.UNPAID and (values.get("paid_on") or values.get("enforced_on")):
            errors.append(
                ("status", _("Đã có ngày nộp phạt hoặc cưỡng chế thì tình trạng không thể là “Chưa nộp phạt”"))
            )
        if values.get("offender_kind") == Sanction.Offender.INDIVIDUAL and not values.get("offender_name"):
            errors.append(("offender_name", _("Hãy ghi tên cá nhân bị xử phạt")))
        code, organisation = values.get("inspection") or "", values.get("organisation") or ""
        campaign = self._covered().get(code.lower())
        if campaign is not None:
            start, establishments = campaign
            if organisation and organisation not in establishments:
                errors.append(
                    ("organisation", _("Cơ sở này không có trong danh sách cơ sở của cuộc %(c)s") % {"c": code})
                )
            if decided and decided < start:
                errors.append(
                    (
                        "decision_date",
                        _("Ngày quyết định trước ngày bắt đầu cuộc %(c)s (%(s)s)") % {"c": code, "s": _dmy(start)},
                    )
                )
        return errors

    def prepare(self, instance: Any) -> None:
        instance.decision_number = instance.decision_number.strip()
        instance.decision_key = decision_key(instance.decision_number)

    def export_queryset(self) -> Any:
        return Sanction.objects.active().order_by("-decision_date", "decision_number")
