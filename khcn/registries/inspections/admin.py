"""The inspection registry's back office, on the shared RecordAdmin (history, archiving, version
check, attachments: minutes, conclusions, sanction decisions) and TabularAdminMixin (Excel import
and export of campaigns and sanctions).

Saves go through services.py; the forms run the same checks first, so a refused inspection date,
a missing legal ground or a negative fine show as form errors. Who may edit: inspections.* in
roles.py (the inspection staff); every other staff role reads.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from unfold.admin import TabularInline
from unfold.decorators import display

from khcn.core import services as core_services
from khcn.core.admin import RecordAdmin, VersionedForm
from khcn.core.admin_tabular import TabularAdminMixin
from khcn.lib.formats import format_date, format_vnd
from khcn.registries.inspections import services
from khcn.registries.inspections.models import (
    Finding,
    InspectedEstablishment,
    Inspection,
    InspectionAuthorityRule,
    Sanction,
)


class CheckedForm(VersionedForm):
    """Runs the service's check on the instance the form built, so the rule shows as a form error."""

    def check_instance(self, instance: Any) -> None:
        """The service's `*_check` for this model; subclasses say which."""

    def _post_clean(self) -> None:
        # Django builds the instance from the cleaned data here; the service's check needs it.
        super()._post_clean()  # type: ignore[misc]
        if self._errors:  # type: ignore[attr-defined]
            return
        try:
            self.check_instance(self.instance)
        except ValidationError as exc:
            self._update_errors(exc)  # type: ignore[attr-defined]


class ServiceSaveMixin:
    """Save through the app's service; a stale version becomes a form error as in RecordAdmin."""

    def save_with_service(self, request: HttpRequest, obj: Any, expected_version: int | None) -> Any:
        raise NotImplementedError

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        loaded = form.cleaned_data.get("loaded_version") if change else None
        try:
            self.save_with_service(request, obj, loaded)
        except core_services.StaleRecordError as exc:
            raise ValidationError(exc.messages) from exc


def establishment_url(organisation_id: int) -> str:
    return reverse("inspections:establishment-detail", args=[organisation_id])


# --- Rules ----------------------------------------------------------------------------------------


@admin.register(InspectionAuthorityRule)
class InspectionAuthorityRuleAdmin(RecordAdmin):
    list_display = ("kind", "valid_from", "valid_to", "allowed", "legal_basis")
    list_filter = ("kind", "allowed")
    search_fields = ("legal_basis", "note", "refusal_message")


# --- Campaigns ------------------------------------------------------------------------------------


class CoverageFormSet(BaseInlineFormSet):
    """Checks each establishment row against the campaign on the same page (saved or not yet)."""

    def clean(self) -> None:
        super().clean()
        for form in self.forms:
            cleaned = getattr(form, "cleaned_data", None)
            if not cleaned or cleaned.get("DELETE") or form.errors:
                continue
            try:
                services.coverage_check(form.instance, inspection=self.instance)
            except ValidationError as exc:
                form.add_error(None, exc)


class CoverageInline(TabularInline):
    model = InspectedEstablishment
    formset = CoverageFormSet
    autocomplete_fields = ("organisation",)
    fields = ("organisation", "outcome", "visited_on", "minutes_number", "note", "page_link")
    readonly_fields = ("page_link",)
    verbose_name = _("cơ sở")
    verbose_name_plural = _("cơ sở được thanh tra, kiểm tra")

    def get_extra(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> int:
        # A new campaign starts with one empty row to fill; an existing one adds rows on demand.
        return 1 if obj is None else 0

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("organisation", "inspection")

    @display(description=_("hồ sơ cơ sở"))
    def page_link(self, obj: InspectedEstablishment) -> str:
        if not obj.pk:
            return "—"
        return format_html('<a href="{}">{}</a>', establishment_url(obj.organisation_id), _("Xem"))


class InspectionForm(CheckedForm):
    def check_instance(self, instance: Any) -> None:
        services.inspection_check(instance)

    class Meta:
        model = Inspection
        fields = "__all__"


class YearFilter(admin.SimpleListFilter):
    title = _("năm")
    parameter_name = "nam"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        years = Inspection.objects.dates("start_date", "year", order="DESC")
        return [(str(d.year), str(d.year)) for d in years]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value() or ""
        if value.isdigit():
            return queryset.filter(start_date__year=int(value))
        return queryset


@admin.register(Inspection)
class InspectionAdmin(ServiceSaveMixin, TabularAdminMixin, RecordAdmin):
    dataset_name = "inspections"
    form = InspectionForm
    list_display = ("code", "kind", "short_subject", "start_date", "end_date", "establishment_count", "decision")
    list_filter = ("kind", "mode", "field", YearFilter)
    list_select_related = ("decision",)
    search_fields = ("code", "subject", "decision__number")
    autocomplete_fields = ("decision", "conclusion_document", "leader", "team", "administrative_unit")
    date_hierarchy = "start_date"
    inlines = [CoverageInline, *RecordAdmin.inlines]
    readonly_fields = (*RecordAdmin.readonly_fields, "findings_list", "sanctions_list")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "code",
                    "kind",
                    "mode",
                    "field",
                    "subject",
                    "decision",
                    "start_date",
                    "end_date",
                    "administrative_unit",
                )
            },
        ),
        (_("Đoàn"), {"fields": ("leader", "team")}),
        (
            _("Kết quả"),
            {
                "fields": (
                    "conclusion",
                    "conclusion_document",
                    "provincial_reference",
                    "findings_list",
                    "sanctions_list",
                )
            },
        ),
        (_("Hồ sơ"), {"fields": ("created_at", "updated_at", "archived_at", "archive_reason")}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(_establishments=Count("coverage"))

    @display(description=_("nội dung"))
    def short_subject(self, obj: Inspection) -> str:
        return obj.subject if len(obj.subject) <= 100 else obj.subject[:99] + "…"

    @display(description=_("số cơ sở"), ordering="_establishments")
    def establishment_count(self, obj: Inspection) -> int:
        return getattr(obj, "_establishments", 0)

    @display(description=_("phát hiện, vi phạm"))
    def findings_list(self, obj: Inspection) -> str:
        if not obj.pk:
            return "—"
        findings = obj.findings.active().select_related("organisation")
        rows = format_html_join(
            "",
            '<div><a href="{}">{}</a>: {}{}</div>',
            (
                (
                    reverse("admin:inspections_finding_change", args=[f.pk]),
                    f.organisation.name,
                    f.description[:120],
                    f" ({f.get_violation_display()})" if f.violation else "",
                )
                for f in findings
            ),
        )
        add = reverse("admin:inspections_finding_add") + "?" + urlencode({"inspection": obj.pk})
        return format_html('{}<div><a href="{}">+ {}</a></div>', rows, add, _("Thêm phát hiện, vi phạm"))

    @display(description=_("quyết định xử phạt"))
    def sanctions_list(self, obj: Inspection) -> str:
        if not obj.pk:
            return "—"
        sanctions = obj.sanctions.active().select_related("organisation")
        rows = format_html_join(
            "",
            '<div><a href="{}">{}</a> – {}: {} ({})</div>',
            (
                (
                    reverse("admin:inspections_sanction_change", args=[s.pk]),
                    s.decision_number,
                    s.organisation.name,
                    format_vnd(s.amount),
                    s.get_status_display(),
                )
                for s in sanctions
            ),
        )
        add = reverse("admin:inspections_sanction_add") + "?" + urlencode({"inspection": obj.pk})
        return format_html('{}<div><a href="{}">+ {}</a></div>', rows, add, _("Thêm quyết định xử phạt"))

    def save_with_service(self, request: HttpRequest, obj: Any, expected_version: int | None) -> Any:
        # The team is many-to-many: the form saves it after the campaign (save_related).
        return services.inspection_save(inspection=obj, by=request.user, expected_version=expected_version)  # type: ignore[arg-type]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is InspectedEstablishment:
            rows = formset.save(commit=False)
            for row in formset.deleted_objects:
                services.inspected_establishment_remove(row=row, by=request.user)  # type: ignore[arg-type]
            for row in rows:
                row.inspection = form.instance
                services.inspected_establishment_save(row=row, by=request.user)  # type: ignore[arg-type]
            return
        super().save_formset(request, form, formset, change)


# --- Findings and sanctions -----------------------------------------------------------------------


class FindingForm(CheckedForm):
    def check_instance(self, instance: Any) -> None:
        services.finding_check(instance)

    class Meta:
        model = Finding
        fields = "__all__"


@admin.register(Finding)
class FindingAdmin(ServiceSaveMixin, RecordAdmin):
    form = FindingForm
    list_display = ("organisation", "inspection", "short_description", "violation", "follow_up", "follow_up_due")
    list_filter = ("violation", "follow_up")
    list_select_related = ("organisation", "inspection")
    search_fields = ("organisation__name", "organisation__name_folded", "description", "inspection__code")
    autocomplete_fields = ("inspection", "organisation")

    @display(description=_("nội dung"))
    def short_description(self, obj: Finding) -> str:
        return obj.description if len(obj.description) <= 100 else obj.description[:99] + "…"

    def save_with_service(self, request: HttpRequest, obj: Any, expected_version: int | None) -> Any:
        return services.finding_save(finding=obj, by=request.user, expected_version=expected_version)  # type: ignore[arg-type]


class SanctionForm(CheckedForm):
    def check_instance(self, instance: Any) -> None:
        services.sanction_check(instance)

    class Meta:
        model = Sanction
        fields = "__all__"
        help_texts = {
            "payment_due": _("Thường là 10 ngày kể từ ngày nhận quyết định (Luật Xử lý vi phạm hành chính)."),
        }


class OverdueFilter(admin.SimpleListFilter):
    title = _("hạn nộp phạt")
    parameter_name = "han_nop"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("qua-han", _("Quá hạn, chưa nộp"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        from django.utils import timezone

        if self.value() == "qua-han":
            return queryset.filter(status=Sanction.Status.UNPAID, payment_due__lt=timezone.localdate())
        return queryset


@admin.register(Sanction)
class SanctionAdmin(ServiceSaveMixin, TabularAdminMixin, RecordAdmin):
    dataset_name = "inspection_sanctions"
    form = SanctionForm
    list_display = (
        "decision_number",
        "decision_date",
        "organisation",
        "amount_display",
        "payment_due_display",
        "status",
        "inspection",
    )
    list_filter = ("status", OverdueFilter, "offender_kind")
    list_select_related = ("organisation", "inspection")
    search_fields = ("decision_number", "organisation__name", "organisation__name_folded", "violation", "legal_ground")
    autocomplete_fields = ("inspection", "organisation", "finding")
    date_hierarchy = "decision_date"
    fieldsets = (
        (None, {"fields": ("inspection", "organisation", "finding", "offender_kind", "offender_name")}),
        (
            _("Quyết định"),
            {
                "fields": (
                    "decision_number",
                    "decision_date",
                    "issued_by",
                    "violation",
                    "legal_ground",
                    "amount",
                    "additional_penalty",
                    "remedial_measures",
                )
            },
        ),
        (_("Thi hành"), {"fields": ("payment_due", "status", "paid_on", "enforced_on")}),
        (_("Hồ sơ"), {"fields": ("created_at", "updated_at", "archived_at", "archive_reason")}),
    )

    @display(description=_("số tiền phạt"), ordering="amount")
    def amount_display(self, obj: Sanction) -> str:
        return format_vnd(obj.amount)

    @display(description=_("hạn nộp"), ordering="payment_due")
    def payment_due_display(self, obj: Sanction) -> str:
        return format_date(obj.payment_due)

    def save_with_service(self, request: HttpRequest, obj: Any, expected_version: int | None) -> Any:
        return services.sanction_save(sanction=obj, by=request.user, expected_version=expected_version)  # type: ignore[arg-type]
