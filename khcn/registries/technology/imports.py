"""Tabular datasets of the technology registry (one engine: khcn.lib.tabular + khcn.core.datasets).

- technology_projects: investment projects (by code, else by name and investor)
- technology_opinions: the department's opinions on a project's technology; the project is a
  column holding its code (or exact name), so opinions import after their projects
- technology_transfer_certificates: registration certificates; the 90-day filing rule and the
  order of dates are checked on every row, as the back office checks them

Every row is checked before anything is written; a file with a bad row writes nothing and the
error report names every bad row. Headers are the files' contract: Vietnamese, whatever the
interface language.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khcn.core import datasets
from khcn.directory.models import AdministrativeUnit, Organisation
from khcn.lib import tabular
from khcn.registries.technology import rules
from khcn.registries.technology.models import (
    DeadlineRule,
    InvestmentProject,
    TechnologyOpinion,
    TechnologyTransferCertificate,
    number_key,
)


class NumberText(tabular.Text):
    """A document number: “01/GCN-SKHCN” and “01/gcn-skhcn” are the same number."""

    case_insensitive_key = True


def _organisation_key(organisation: Organisation) -> str:
    return organisation.tax_code or organisation.name


_resolve_organisation = datasets.lookup_resolver(
    (lambda: Organisation.objects.active().exclude(tax_code=""), "tax_code"),
    (lambda: Organisation.objects.active(), "name"),
)

# Current units first: a code names today's unit unless only an abolished one carries it.
_resolve_unit = datasets.lookup_resolver(
    (lambda: AdministrativeUnit.objects.filter(valid_to__isnull=True), "code"),
    (lambda: AdministrativeUnit.objects.all(), "code"),
)

_resolve_project = datasets.lookup_resolver(
    (lambda: InvestmentProject.objects.active().exclude(code=""), "code"),
    (lambda: InvestmentProject.objects.active(), "name"),
)

_resolve_certificate = datasets.lookup_resolver(
    (lambda: TechnologyTransferCertificate.objects.active(), "number"),
)


def _d(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


class _RuleCache:
    """Deadline rules read once per file, not once per row."""

    def __init__(self) -> None:
        self._rules: dict[str, list[DeadlineRule]] | None = None

    def rule(self, kind: str, on: dt.date) -> DeadlineRule | None:
        if self._rules is None:
            self._rules = {}
            for rule in DeadlineRule.objects.active().order_by("valid_from", "pk"):
                self._rules.setdefault(rule.kind, []).append(rule)
        candidates = self._rules.get(kind, [])
        in_force = [r for r in candidates if r.valid_from <= on]
        if in_force:
            return in_force[-1]
        return candidates[0] if candidates else None


class _NumberIndex:
    """Certificate numbers compare case-folded (models.number_key). The engine matches a row to a
    stored record by the number exactly as written, so a number stored as “01/GCNĐK” and written
    “01/gcnđk” is named as a conflict here instead of failing at the database."""

    def __init__(self, model: Any) -> None:
        self.model = model
        self._stored: dict[str, str] | None = None
        self._seen: dict[str, str] = {}

    def check(self, number: str) -> str | None:
        if self._stored is None:
            self._stored = dict(self.model.objects.active().values_list("number_key", "number"))
        number = " ".join(number.split())
        key = number_key(number)
        earlier = self._seen.get(key)
        if earlier is not None and earlier != number:
            return _("Số “%(n)s” trùng với số “%(e)s” ở một dòng khác trong tệp") % {"n": number, "e": earlier}
        self._seen[key] = number
        stored = self._stored.get(key)
        if stored is not None and stored != number:
            return _(
                "Số này đã có trong hệ thống, viết là “%(s)s”; hãy ghi đúng như vậy để cập nhật giấy chứng nhận đó"
            ) % {"s": stored}
        return None


@datasets.register
class ProjectDataset(tabular.Dataset):
    name = "technology_projects"
    title = gettext_lazy("Dự án đầu tư")
    model = InvestmentProject
    natural_keys = (("code",), ("name", "investor"))
    columns = (
        tabular.Text("Mã dự án", "code", max_length=50, help_text=gettext_lazy("Dùng để nhận ra dự án đã có")),
        tabular.Text("Tên dự án", "name", max_length=500, required=True),
        tabular.Lookup(
            "Nhà đầu tư (MST hoặc tên)",
            "investor",
            resolve=_resolve_organisation,
            display=_organisation_key,
            noun=gettext_lazy("tổ chức có mã số thuế hoặc tên"),
            required=True,
        ),
        tabular.Lookup(
            "Mã đơn vị hành chính",
            "location",
            resolve=_resolve_unit,
            display=lambda unit: unit.code,
            noun=gettext_lazy("đơn vị hành chính có mã"),
        ),
        tabular.Text("Khu, cụm công nghiệp", "industrial_park", max_length=255),
        tabular.Boolean("Vốn đầu tư nước ngoài", "is_fdi", aliases=("FDI",)),
        tabular.Money("Tổng vốn đầu tư (đồng)", "capital"),
        tabular.Integer("Tổng vốn đầu tư (USD)", "capital_usd", min_value=0),
        tabular.Text("Ngành, lĩnh vực", "sector", max_length=255),
        tabular.Text("Công nghệ, dây chuyền", "technology", max_length=5000),
    )

    def export_queryset(self) -> Any:
        return InvestmentProject.objects.active().order_by("name", "pk")


@datasets.register
class OpinionDataset(tabular.Dataset):
    name = "technology_opinions"
    title = gettext_lazy("Ý kiến về công nghệ dự án đầu tư")
    model = TechnologyOpinion
    natural_keys = (("project", "request_date", "stage"),)
    derived_fields = ("answer_due",)
    columns = (
        tabular.Lookup(
            "Dự án (mã hoặc tên)",
            "project",
            resolve=_resolve_project,
            display=lambda project: project.code or project.name,
            noun=gettext_lazy("dự án đầu tư có mã hoặc tên"),
            required=True,
        ),
        tabular.Text("Giai đoạn, lần", "stage", max_length=200),
        tabular.Text("Số văn bản đề nghị", "request_number", max_length=100),
        tabular.Date("Ngày nhận văn bản đề nghị", "request_date", required=True),
        NumberText("Số văn bản trả lời", "answer_number", max_length=100),
        tabular.Date("Ngày trả lời", "answer_date"),
        tabular.Choice("Kết luận", "conclusion", choices=[("", "—"), *TechnologyOpinion.Conclusion.choices]),
        tabular.Text("Xuất xứ thiết bị", "equipment_origin", max_length=255),
        tabular.Integer("Năm sản xuất thiết bị", "equipment_year", min_value=1950, max_value=2100),
        tabular.Text("Nội dung ý kiến", "remarks", max_length=10000),
    )

    def __init__(self) -> None:
        super().__init__()
        self._rules = _RuleCache()
        self._seen_numbers: set[str] = set()
        self._stored_numbers: dict[str, tuple[str, str, dt.date, str]] | None = None

    def _stored(self) -> dict[str, tuple[str, str, dt.date, str]]:
        # Answer numbers already used, with the opinion that holds each (read once per file).
        if self._stored_numbers is None:
            self._stored_numbers = {
                number.lower(): (code, name, request_date, stage)
                for number, code, name, request_date, stage in TechnologyOpinion.objects.active()
                .exclude(answer_number="")
                .values_list("answer_number", "project__code", "project__name", "request_date", "stage")
            }
        return self._stored_numbers

    def clean_row(self, values: dict[str, Any]) -> list[tuple[str, str]]:
        errors: list[tuple[str, str]] = []
        request, answer = values.get("request_date"), values.get("answer_date")
        if request and answer and answer < request:
            errors.append(
                (
                    "answer_date",
                    _("Ngày trả lời (%(a)s) trước ngày nhận văn bản đề nghị (%(r)s)")
                    % {"a": _d(answer), "r": _d(request)},
                )
            )
        if answer and not values.get("conclusion"):
            errors.append(("conclusion", _("Đã có ngày trả lời thì phải ghi kết luận")))
        if values.get("conclusion") and not answer:
            errors.append(("answer_date", _("Đã ghi kết luận thì phải có ngày trả lời")))
        number = (values.get("answer_number") or "").lower()
        if number:
            if number in self._seen_numbers:
                errors.append(("answer_number", _("Số văn bản trả lời trùng với một dòng khác trong tệp")))
            self._seen_numbers.add(number)
            holder = self._stored().get(number)
            if holder is not None:
                code, name, held_request, held_stage = holder
                same = (
                    values.get("project") in (code, name)
                    and held_request == request
                    and held_stage == values.get("stage", "")
                )
                if not same:
                    errors.append(
                        (
                            "answer_number",
                            _("Số văn bản trả lời đã được dùng cho ý kiến về dự án “%(p)s”") % {"p": name},
                        )
                    )
        return errors

    def prepare(self, instance: Any) -> None:
        instance.answer_number = (instance.answer_number or "").strip()
        rule = self._rules.rule(DeadlineRule.Kind.OPINION_ANSWER, instance.request_date)
        instance.answer_due = rule.due_date(instance.request_date) if rule else None

    def export_queryset(self) -> Any:
        return TechnologyOpinion.objects.active().order_by("-request_date", "pk")


@datasets.register
class TransferCertificateDataset(tabular.Dataset):
    name = "technology_transfer_certificates"
    title = gettext_lazy("Giấy chứng nhận đăng ký chuyển giao công nghệ")
    model = TechnologyTransferCertificate
    natural_keys = (("number",),)
    derived_fields = ("filing_due", "number_key")
    columns = (
        tabular.Text("Số giấy chứng nhận", "number", max_length=100, required=True),
        tabular.Choice(
            "Loại",
            "kind",
            choices=TechnologyTransferCertificate.Kind.choices,
            default=TechnologyTransferCertificate.Kind.NEW,
        ),
        tabular.Lookup(
            "Giấy chứng nhận được sửa đổi (số)",
            "original",
            resolve=_resolve_certificate,
            display=lambda certificate: certificate.number,
            noun=gettext_lazy("giấy chứng nhận số"),
            help_text=gettext_lazy("Bắt buộc với gia hạn, sửa đổi, bổ sung; phải có sẵn trong hệ thống"),
        ),
        tabular.Lookup(
            "Bên giao (MST hoặc tên)",
            "transferor",
            resolve=_resolve_organisation,
            display=_organisation_key,
            noun=gettext_lazy("tổ chức có mã số thuế hoặc tên"),
            required=True,
        ),
        tabular.Text("Quốc gia bên giao", "transferor_country", max_length=100),
        tabular.Lookup(
            "Bên nhận (MST hoặc tên)",
            "transferee",
            resolve=_resolve_organisation,
            display=_organisation_key,
            noun=gettext_lazy("tổ chức có mã số thuế hoặc tên"),
            required=True,
        ),
        tabular.Text("Tên công nghệ", "technology", max_length=500, required=True),
        tabular.Choice(
            "Hình thức chuyển giao",
            "form",
            choices=TechnologyTransferCertificate.Form.choices,
            default=TechnologyTransferCertificate.Form.CONTRACT,
        ),
        tabular.Text("Số hợp đồng", "contract_number", max_length=100, required=True),
        tabular.Money("Giá trị hợp đồng (đồng)", "contract_value"),
        tabular.Date("Ngày ký hợp đồng", "contract_signed_on", required=True),
        tabular.Date("Hợp đồng có hiệu lực đến", "contract_end"),
        tabular.Date("Ngày nộp hồ sơ", "filed_on", required=True),
        tabular.Date("Ngày cấp", "issue_date", required=True),
        tabular.Text("Người ký", "signer", max_length=200),
    )

    def __init__(self) -> None:
        super().__init__()
        self._rules = _RuleCache()
        self._numbers = _NumberIndex(TechnologyTransferCertificate)

    def clean_row(self, values: dict[str, Any]) -> list[tuple[str, str]]:
        errors: list[tuple[str, str]] = []
        message = self._numbers.check(values.get("number") or "")
        if message:
            errors.append(("number", message))
        kind = values.get("kind")
        if kind == TechnologyTransferCertificate.Kind.AMENDMENT and not values.get("original"):
            errors.append(("original", _("Gia hạn, sửa đổi, bổ sung phải ghi số giấy chứng nhận được sửa đổi")))
        if kind == TechnologyTransferCertificate.Kind.NEW and values.get("original"):
            errors.append(("original", _("Giấy chứng nhận cấp mới không ghi giấy chứng nhận được sửa đổi")))
        date_errors = rules.transfer_dates_errors(
            signed_on=values.get("contract_signed_on"),
            filed_on=values.get("filed_on"),
            issue_date=values.get("issue_date"),
            contract_end=values.get("contract_end"),
            rule_lookup=self._rules.rule,
        )
        errors.extend(date_errors.items())
        return errors

    def prepare(self, instance: Any) -> None:
        instance.number = " ".join(instance.number.split())
        instance.number_key = number_key(instance.number)
        rule = self._rules.rule(DeadlineRule.Kind.TRANSFER_FILING, instance.contract_signed_on)
        instance.filing_due = rule.due_date(instance.contract_signed_on) if rule else None

    def export_queryset(self) -> Any:
        return TechnologyTransferCertificate.objects.active().order_by("-issue_date", "number")
