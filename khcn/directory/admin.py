from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from unfold.admin import ModelAdmin

from khcn.accounts.permissions import can_see_personal_data
from khcn.core.admin import RecordAdmin
from khcn.core.admin_tabular import TabularAdminMixin
from khcn.directory.models import (
    AdministrativeUnit,
    FieldOfScience,
    FundingSource,
    OfficialDocument,
    Organisation,
    Person,
    TaskForm,
)


@admin.register(Organisation)
class OrganisationAdmin(TabularAdminMixin, RecordAdmin):
    dataset_name = "organisations"
    list_display = ("name", "kind", "tax_code", "administrative_unit", "phone")
    list_filter = ("kind",)
    list_select_related = ("administrative_unit",)
    search_fields = ("name", "name_folded", "short_name", "tax_code")
    autocomplete_fields = ("administrative_unit", "parent")


@admin.register(Person)
class PersonAdmin(TabularAdminMixin, RecordAdmin):
    dataset_name = "people"
    list_display = ("full_name", "academic_title", "degree", "position", "organisation")
    list_filter = ("degree", "academic_title")
    list_select_related = ("organisation",)
    search_fields = ("full_name", "name_folded", "email")
    autocomplete_fields = ("organisation", "field", "user", "residence")

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> Any:
        # Personal data stays with department staff who handle it (not read-only provincial leaders).
        if can_see_personal_data(request.user):
            return super().get_exclude(request, obj)
        return Person.PERSONAL_FIELDS

    def has_export_permission(self, request: HttpRequest) -> bool:
        # The export carries e-mail, phone and birth year: same rule as the form above.
        return super().has_export_permission(request) and can_see_personal_data(request.user)


@admin.register(OfficialDocument)
class OfficialDocumentAdmin(RecordAdmin):
    list_display = ("number", "date", "kind", "issuer", "signer", "subject")
    list_filter = ("kind",)
    list_select_related = ("issuer",)
    search_fields = ("number", "subject", "signer")
    autocomplete_fields = ("issuer",)
    date_hierarchy = "date"


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(ModelAdmin):
    list_display = ("name", "code", "level", "parent", "valid_from", "valid_to")
    list_filter = ("level", ("valid_to", admin.EmptyFieldListFilter))
    list_select_related = ("parent",)
    search_fields = ("name", "name_folded", "code")
    filter_horizontal = ("successors",)
    autocomplete_fields = ("parent",)
    show_full_result_count = False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ClassificationAdmin(SimpleHistoryAdmin, ModelAdmin):
    search_fields: tuple[str, ...] = ("code", "name")
    list_filter: tuple[str, ...] = ("is_active",)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(FieldOfScience)
class FieldOfScienceAdmin(ClassificationAdmin):
    list_display = ("code", "name", "level", "parent", "is_active")
    list_filter = ("level", "is_active")
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)


@admin.register(TaskForm)
class TaskFormAdmin(ClassificationAdmin):
    list_display = ("code", "name", "order", "is_active")


@admin.register(FundingSource)
class FundingSourceAdmin(ClassificationAdmin):
    list_display = ("code", "name", "is_state_budget", "order", "is_active")


admin.site.site_header = _("Sở KH&CN")
