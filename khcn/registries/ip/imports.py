"""Tabular datasets of the IP registry (one engine: khcn.lib.tabular + khcn.core.datasets).

- ip_use_right_certificates: certificates of the right to use the GI "Hưng Yên" and the
  certification mark "Long nhãn Hưng Yên". The holder must already be in the directory: an
  organisation by tax code or exact name, or an individual (a household's head) by ID number or
  exact name; a holder that is not found, or a name shared by two people, fails the row.

Every row is checked before anything is written; a file with a bad row writes nothing and the
error report names every bad row. Exports write an individual's name, never their ID number.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khcn.core import datasets
from khcn.directory.models import AdministrativeUnit, Organisation, Person
from khcn.lib import tabular
from khcn.lib.formats import ParseError
from khcn.registries.ip import rules
from khcn.registries.ip.models import (
    DEFAULT_DESIGNATION,
    UseRightCertificate,
    UseRightKind,
    UseRightValidityRule,
    number_key,
)


class _NumberIndex:
    """Certificate numbers compare case-folded (models.number_key). The engine matches a row to a
    stored record by the number exactly as written, so a number stored as “01/GCN-CDĐL” and
    written “01/gcn-cdđl” is named as a conflict here instead of failing at the database."""

    def __init__(self) -> None:
        self._stored: dict[str, str] | None = None
        self._seen: dict[str, str] = {}

    def check(self, number: str) -> str | None:
        if self._stored is None:
            self._stored = dict(UseRightCertificate.objects.active().values_list("number_key", "number"))
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


class DecimalColumn(tabular.Column):
    """A decimal number: 1.25 or 1,25 (Vietnamese Excel writes a decimal comma)."""

    number_format = "0.00"

    def __init__(self, header: str, field: str, *, places: int = 2, **kwargs: Any) -> None:
        super().__init__(header, field, **kwargs)
        self.places = places

    def parse(self, raw: tabular.Cell) -> Decimal:
        if isinstance(raw, bool):
            raise ParseError(_("Phải là một số"))
        if isinstance(raw, int | float):
            value = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw)
        else:
            text = re.sub(r"\s+", "", str(raw))
            if "," in text and "." in text:
                raise ParseError(
                    _("Số không rõ dấu thập phân: “%(v)s”; chỉ dùng một dấu phẩy hoặc một dấu chấm") % {"v": raw}
                )
            try:
                value = Decimal(text.replace(",", "."))
            except InvalidOperation:
                raise ParseError(_("Phải là một số: “%(v)s”") % {"v": raw}) from None
        if not value.is_finite() or value < 0:
            raise ParseError(_("Phải là một số không âm"))
        return value.quantize(Decimal(1).scaleb(-self.places))

    def to_cell(self, value: Any, fmt: str) -> tabular.Cell:
        if value is None:
            return ""
        return float(value) if fmt == tabular.XLSX else format(value, "f").replace(".", ",")


_resolve_organisation = datasets.lookup_resolver(
    (lambda: Organisation.objects.active().exclude(tax_code=""), "tax_code"),
    (lambda: Organisation.objects.active(), "name"),
)

_resolve_person = datasets.lookup_resolver(
    (lambda: Person.objects.active().exclude(id_number=""), "id_number"),
    (lambda: Person.objects.active(), "full_name"),
)

_resolve_unit = datasets.lookup_resolver(
    (lambda: AdministrativeUnit.objects.filter(valid_to__isnull=True), "code"),
    (lambda: AdministrativeUnit.objects.all(), "code"),
)

_resolve_certificate = datasets.lookup_resolver((lambda: UseRightCertificate.objects.active(), "number"))


@datasets.register
class UseRightCertificateDataset(tabular.Dataset):
    name = "ip_use_right_certificates"
    title = gettext_lazy("Giấy chứng nhận quyền sử dụng CDĐL, nhãn hiệu chứng nhận")
    model = UseRightCertificate
    natural_keys = (("number",),)
    derived_fields = ("valid_until", "designation", "number_key")
    columns = (
        tabular.Text("Số giấy chứng nhận", "number", max_length=100, required=True),
        tabular.Choice("Loại", "kind", choices=UseRightKind.choices, required=True),
        tabular.Text(
            "Chỉ dẫn địa lý, nhãn hiệu",
            "designation",
            max_length=200,
            help_text=gettext_lazy(
                "Để trống: “Hưng Yên” (chỉ dẫn địa lý) hoặc “Long nhãn Hưng Yên” (nhãn hiệu chứng nhận)"
            ),
        ),
        tabular.Lookup(
            "Tổ chức được cấp (MST hoặc tên)",
            "holder_organisation",
            resolve=_resolve_organisation,
            display=lambda org: org.tax_code or org.name,
            noun=gettext_lazy("tổ chức có mã số thuế hoặc tên"),
            help_text=gettext_lazy("Hợp tác xã, doanh nghiệp đã có trong danh bạ tổ chức"),
        ),
        tabular.Lookup(
            "Cá nhân, hộ được cấp (số CCCD hoặc họ tên)",
            "holder_person",
            resolve=_resolve_person,
            display=lambda person: person.full_name,
            noun=gettext_lazy("cá nhân có số CCCD hoặc họ tên"),
            help_text=gettext_lazy("Chủ hộ đã có trong danh bạ cá nhân; ghi một trong hai cột tổ chức hoặc cá nhân"),
        ),
        tabular.Choice(
            "Sản phẩm",
            "product",
            choices=UseRightCertificate.Product.choices,
            default=UseRightCertificate.Product.FRESH_LONGAN,
        ),
        tabular.Text("Vùng trồng, cơ sở sản xuất", "growing_area", max_length=500),
        tabular.Lookup(
            "Mã xã, phường",
            "area_unit",
            resolve=_resolve_unit,
            display=lambda unit: unit.code,
            noun=gettext_lazy("đơn vị hành chính có mã"),
        ),
        DecimalColumn("Diện tích (ha)", "area_ha"),
        tabular.Integer("Số cây", "tree_count", min_value=0),
        DecimalColumn("Sản lượng (tấn/năm)", "output_tonnes"),
        tabular.Integer("Số tem đã cấp", "stamps_issued", min_value=0),
        tabular.Date("Ngày cấp", "issue_date", required=True),
        tabular.Date("Hiệu lực đến", "valid_until", help_text=gettext_lazy("Để trống để tính theo quy tắc thời hạn")),
        tabular.Lookup(
            "Giấy chứng nhận trước (số)",
            "previous",
            resolve=_resolve_certificate,
            display=lambda certificate: certificate.number,
            noun=gettext_lazy("giấy chứng nhận số"),
        ),
        tabular.Boolean("Đã thu hồi", "revoked"),
        tabular.Date("Ngày thu hồi", "revoked_on"),
        tabular.Text("Lý do thu hồi", "revocation_reason", max_length=2000),
    )

    def __init__(self) -> None:
        super().__init__()
        self._rules: list[UseRightValidityRule] | None = None
        self._numbers = _NumberIndex()

    def _rule(self, kind: str, on: dt.date) -> UseRightValidityRule | None:
        # Read once per file, not once per row.
        if self._rules is None:
            self._rules = list(UseRightValidityRule.objects.active().order_by("valid_from", "pk"))
        candidates = [r for r in self._rules if r.kind == kind]
        in_force = [r for r in candidates if r.valid_from <= on]
        return in_force[-1] if in_force else (candidates[0] if candidates else None)

    def clean_row(self, values: dict[str, Any]) -> list[tuple[str, str]]:
        errors: list[tuple[str, str]] = []
        message = self._numbers.check(values.get("number") or "")
        if message:
            errors.append(("number", message))
        if bool(values.get("holder_organisation")) == bool(values.get("holder_person")):
            errors.append(
                ("holder_organisation", _("Ghi đúng một chủ thể được cấp: tổ chức hoặc cá nhân, hộ (không ghi cả hai)"))
            )
        errors.extend(
            rules.dates_errors(
                issue_date=values.get("issue_date"),
                valid_until=values.get("valid_until"),
                revoked=bool(values.get("revoked")),
                revoked_on=values.get("revoked_on"),
                revocation_reason=values.get("revocation_reason") or "",
            ).items()
        )
        return errors

    def prepare(self, instance: Any) -> None:
        instance.number = " ".join(instance.number.split())
        instance.number_key = number_key(instance.number)
        if not instance.designation:
            instance.designation = DEFAULT_DESIGNATION.get(instance.kind, "")
        if instance.valid_until is None:
            instance.valid_until = rules.valid_until_for(instance.kind, instance.issue_date, rule_lookup=self._rule)

    def export_queryset(self) -> Any:
        return UseRightCertificate.objects.active().order_by("-issue_date", "number")
