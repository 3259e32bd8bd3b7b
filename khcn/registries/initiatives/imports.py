"""Tabular datasets of initiatives (one engine: khcn.lib.tabular + khcn.core.datasets).

- initiatives: applications, identified by their code (“Mã hồ sơ”). Imported applications are
  "submitted"; the status moves only through the workflow (council result, decision), never by file.
- initiative_authors: who wrote each application, in order, with their share; the initiative is
  its code, the author a person of the directory (e-mail, ID number or exact name), so authors
  import after their applications and their people.

Every row is checked before anything is written; a file with a bad row writes nothing and the
error report names every bad row.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khcn.core import datasets
from khcn.directory.models import Organisation, Person
from khcn.lib import tabular
from khcn.lib.formats import ParseError
from khcn.registries.initiatives.models import Initiative, InitiativeAuthor


class CodeText(tabular.Text):
    """An application code: “SK-2023-001” and “sk-2023-001” are the same code."""

    case_insensitive_key = True


class PercentColumn(tabular.Column):
    """A share in per cent: 40, 40%, 33,33."""

    number_format = "0.00"

    def parse(self, raw: tabular.Cell) -> Decimal:
        if isinstance(raw, bool):
            raise ParseError(_("Phải là một số từ 0 đến 100"))
        text = re.sub(r"[\s%]", "", tabular.cell_text(raw)).replace(",", ".")
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise ParseError(_("Phải là một số từ 0 đến 100")) from None
        if not value.is_finite() or not (Decimal(0) <= value <= Decimal(100)):
            raise ParseError(_("Phải là một số từ 0 đến 100"))
        return value.quantize(Decimal("0.01"))

    def to_cell(self, value: Any, fmt: str) -> tabular.Cell:
        if value is None:
            return ""
        return float(value) if fmt == tabular.XLSX else format(value, "f").replace(".", ",")


_resolve_organisation = datasets.lookup_resolver(
    (lambda: Organisation.objects.active().exclude(tax_code=""), "tax_code"),
    (lambda: Organisation.objects.active(), "name"),
)

_resolve_person = datasets.lookup_resolver(
    (lambda: Person.objects.active().exclude(email=""), "email"),
    (lambda: Person.objects.active().exclude(id_number=""), "id_number"),
    (lambda: Person.objects.active(), "full_name"),
)


def _resolve_initiative(keys: set[str]) -> dict[str, Any]:
    # Codes compare whatever their letter case ("sk-1" and "SK-1" name one application), as the
    # model's uniqueness check does.
    wanted: dict[str, list[str]] = {}
    for key in keys:
        wanted.setdefault(key.casefold(), []).append(key)
    lowered = sorted(wanted)
    found: dict[str, Any] = {}
    for start in range(0, len(lowered), datasets.MATCH_CHUNK):
        chunk = set(lowered[start : start + datasets.MATCH_CHUNK])
        # Codes are short ASCII in practice; the database narrows by LOWER(), Python confirms.
        for initiative in Initiative.objects.active().annotate(code_lower=Lower("code")).filter(code_lower__in=chunk):
            for key in wanted.get(initiative.code.casefold(), []):
                found[key] = initiative
    return found


@datasets.register
class InitiativeDataset(tabular.Dataset):
    name = "initiatives"
    title = gettext_lazy("Sáng kiến")
    model = Initiative
    natural_keys = (("code",),)
    columns = (
        CodeText("Mã hồ sơ", "code", max_length=50, required=True),
        tabular.Text("Tên sáng kiến", "title", max_length=500, required=True),
        tabular.Lookup(
            "Cơ quan, đơn vị (MST hoặc tên)",
            "unit",
            resolve=_resolve_organisation,
            display=lambda org: org.tax_code or org.name,
            noun=gettext_lazy("tổ chức có mã số thuế hoặc tên"),
            required=True,
        ),
        tabular.Choice("Lĩnh vực", "field", choices=Initiative.Field.choices, default=Initiative.Field.OTHER),
        tabular.Integer("Năm xét", "year", min_value=2000, max_value=2100, required=True),
        tabular.Choice(
            "Phạm vi ảnh hưởng", "scope", choices=Initiative.Scope.choices, default=Initiative.Scope.PROVINCE
        ),
        tabular.Date("Ngày áp dụng lần đầu", "first_applied_on"),
        tabular.Text("Mô tả sáng kiến", "description", max_length=20000),
        tabular.Text("Hiệu quả, lợi ích", "benefit", max_length=20000),
        tabular.Money("Lợi ích kinh tế (đồng/năm)", "benefit_amount"),
    )

    def clean_row(self, values: dict[str, Any]) -> list[tuple[str, str]]:
        applied: dt.date | None = values.get("first_applied_on")
        if applied and applied > timezone.localdate():
            return [("first_applied_on", _("Ngày áp dụng lần đầu ở tương lai; sáng kiến phải đã được áp dụng"))]
        if applied and values.get("year") and applied.year > values["year"]:
            return [("first_applied_on", _("Ngày áp dụng lần đầu sau năm xét %(y)d") % {"y": values["year"]})]
        return []

    def prepare(self, instance: Any) -> None:
        instance.code = instance.code.strip()

    def export_queryset(self) -> Any:
        return Initiative.objects.active().order_by("-year", "code")


@datasets.register
class InitiativeAuthorDataset(tabular.Dataset):
    name = "initiative_authors"
    title = gettext_lazy("Tác giả sáng kiến")
    model = InitiativeAuthor
    natural_keys = (("initiative", "person"),)
    columns = (
        tabular.Lookup(
            "Mã hồ sơ sáng kiến",
            "initiative",
            resolve=_resolve_initiative,
            display=lambda initiative: initiative.code,
            noun=gettext_lazy("sáng kiến có mã hồ sơ"),
            required=True,
        ),
        tabular.Lookup(
            "Tác giả (thư điện tử, số CCCD hoặc họ tên)",
            "person",
            resolve=_resolve_person,
            display=lambda person: person.email or person.full_name,
            noun=gettext_lazy("cá nhân có thư điện tử, số CCCD hoặc họ tên"),
            required=True,
        ),
        tabular.Integer("Thứ tự", "order", min_value=1, max_value=100, required=True),
        PercentColumn("Tỷ lệ đóng góp (%)", "share_percent"),
    )

    def export_queryset(self) -> Any:
        return InitiativeAuthor.objects.filter(initiative__archived_at__isnull=True).order_by(
            "initiative__code", "order"
        )
