"""Tabular datasets of the directory: organisations and people (import from and export to Excel)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from khcn.core import datasets
from khcn.directory.models import AdministrativeUnit, Organisation, Person
from khcn.lib import tabular
from khcn.lib.text import fold


def _organisation_key(organisation: Organisation) -> str:
    # The same key an import looks up: the tax code when there is one, else the exact name.
    return organisation.tax_code or organisation.name


# Current units first: a code names today's unit unless only an abolished one carries it.
_resolve_unit = datasets.lookup_resolver(
    (lambda: AdministrativeUnit.objects.filter(valid_to__isnull=True), "code"),
    (lambda: AdministrativeUnit.objects.all(), "code"),
)

_resolve_organisation = datasets.lookup_resolver(
    (lambda: Organisation.objects.exclude(tax_code=""), "tax_code"),
    (lambda: Organisation.objects.all(), "name"),
)


@datasets.register
class OrganisationDataset(tabular.Dataset):
    name = "organisations"
    title = _("Tổ chức")
    model = Organisation
    natural_keys = (("tax_code",), ("name",))
    derived_fields = ("name_folded",)
    # Headers are the file's contract and stay Vietnamese whatever the interface language.
    columns = (
        tabular.Text("Tên tổ chức", "name", max_length=255, required=True),
        tabular.Text("Tên viết tắt", "short_name", max_length=100),
        tabular.Choice("Loại hình", "kind", choices=Organisation.Kind.choices, default=Organisation.Kind.OTHER),
        tabular.Text(
            "Mã số thuế",
            "tax_code",
            max_length=20,
            aliases=("MST",),
            help_text=_("Dùng để nhận ra tổ chức đã có; không có thì dùng tên"),
        ),
        tabular.Text("Địa chỉ", "address", max_length=500),
        tabular.Lookup(
            "Mã đơn vị hành chính",
            "administrative_unit",
            resolve=_resolve_unit,
            display=lambda unit: unit.code,
            noun=_("đơn vị hành chính có mã"),
            aliases=("Đơn vị hành chính",),
            help_text=_("Mã số của tỉnh hoặc xã, phường (theo danh mục đơn vị hành chính)"),
        ),
        tabular.Text("Điện thoại", "phone", max_length=50),
        tabular.Email("Thư điện tử", "email", aliases=("Email",)),
        tabular.Text("Người đại diện", "representative", max_length=200),
    )

    def prepare(self, instance: Any) -> None:
        instance.name_folded = fold(instance.name)

    def export_queryset(self) -> Any:
        return Organisation.objects.active().order_by("name", "pk")


@datasets.register
class PersonDataset(tabular.Dataset):
    name = "people"
    title = _("Cá nhân, nhà khoa học")
    model = Person
    natural_keys = (("email",), ("full_name", "organisation"))
    derived_fields = ("name_folded",)
    columns = (
        tabular.Text("Họ và tên", "full_name", max_length=200, required=True),
        tabular.Choice("Học hàm", "academic_title", choices=Person.AcademicTitle.choices),
        tabular.Choice("Học vị", "degree", choices=Person.Degree.choices),
        tabular.Text("Chức vụ", "position", max_length=200),
        tabular.Lookup(
            "Cơ quan",
            "organisation",
            resolve=_resolve_organisation,
            display=_organisation_key,
            noun=_("tổ chức có mã số thuế hoặc tên"),
            help_text=_("Mã số thuế hoặc tên đầy đủ của tổ chức"),
        ),
        tabular.Email("Thư điện tử", "email", aliases=("Email",), help_text=_("Dùng để nhận ra người đã có")),
        tabular.Text("Điện thoại", "phone", max_length=30),
        tabular.Integer("Năm sinh", "birth_year", min_value=1900, max_value=2100),
    )

    def prepare(self, instance: Any) -> None:
        instance.name_folded = fold(instance.full_name)

    def export_queryset(self) -> Any:
        return Person.objects.active().order_by("full_name", "pk")
