"""The legal document library's back office, on the shared RecordAdmin (history, archiving,
version check, attachments for the files) and TabularAdminMixin (Excel import and export).

Saves go through services.py; the forms run the same checks first, so a duplicate number or dates
in the wrong order show as form errors. The search box folds diacritics like the public library.
Who may edit: legaldocs.* in roles.py (the department leaders and the science division); every
other staff role sees the library read-only.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from unfold.admin import TabularInline
from unfold.decorators import display

from khcn.core import services as core_services
from khcn.core.admin import RecordAdmin, VersionedForm
from khcn.core.admin_tabular import TabularAdminMixin
from khcn.registries.legaldocs import selectors, services
from khcn.registries.legaldocs.models import LegalDocument, LegalDocumentRelation


class LegalDocumentForm(VersionedForm):
    class Meta:
        model = LegalDocument
        fields = "__all__"

    def _post_clean(self) -> None:
        # Django builds the instance from the cleaned data here; the service's check needs it.
        super()._post_clean()  # type: ignore[misc]
        if self._errors:  # type: ignore[attr-defined]
            return
        try:
            services.legal_document_check(self.instance)
        except ValidationError as exc:
            self._update_errors(exc)  # type: ignore[attr-defined]


class RelationFormSet(BaseInlineFormSet):
    """Checks each relation against the document on the same page (saved or not yet)."""

    def clean(self) -> None:
        super().clean()
        for form in self.forms:
            cleaned = getattr(form, "cleaned_data", None)
            if not cleaned or cleaned.get("DELETE") or form.errors:
                continue
            target, kind = cleaned.get("target"), cleaned.get("kind")
            if target is None or not kind:
                continue
            try:
                services.relation_check(source=self.instance, target=target, kind=kind, pk=form.instance.pk)
            except ValidationError as exc:
                form.add_error(None, exc)


class RelationInline(TabularInline):
    model = LegalDocumentRelation
    formset = RelationFormSet
    fields = ("kind", "target", "note")
    fk_name = "source"
    extra = 0
    autocomplete_fields = ("target",)
    verbose_name = _("văn bản này tác động đến")
    verbose_name_plural = _("văn bản này sửa đổi, thay thế, hướng dẫn hoặc bãi bỏ")


class ForceFilter(admin.SimpleListFilter):
    title = _("hiệu lực")
    parameter_name = "hieu_luc"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("con", _("Còn hiệu lực")), ("het", _("Hết hiệu lực"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        from django.utils import timezone

        if self.value() == "con":
            return queryset.filter(selectors.in_force_q(timezone.localdate()))
        if self.value() == "het":
            return queryset.exclude(selectors.in_force_q(timezone.localdate()))
        return queryset


@admin.register(LegalDocument)
class LegalDocumentAdmin(TabularAdminMixin, RecordAdmin):
    dataset_name = "legal_documents"
    form = LegalDocumentForm
    list_display = (
        "number",
        "issue_date",
        "short_subject",
        "issuer",
        "kind",
        "state",
        "drafted_by_department",
        "public_link",
    )
    list_filter = ("kind", "form", "area", "drafted_by_department", "is_public", ForceFilter)
    list_select_related = ("issuer",)
    # The search box folds what is typed (get_search_results); these are for the lookup's shape.
    search_fields = ("search_text",)
    autocomplete_fields = ("issuer",)
    date_hierarchy = "issue_date"
    inlines = [RelationInline, *RecordAdmin.inlines]
    fieldsets = (
        (None, {"fields": ("kind", "form", "number", "issue_date", "issuer", "signer", "subject", "area")}),
        (_("Hiệu lực"), {"fields": ("effective_date", "expired", "expired_on")}),
        (_("Thư viện và báo cáo"), {"fields": ("drafted_by_department", "is_public", "note")}),
        (_("Hồ sơ"), {"fields": ("created_at", "updated_at", "archived_at", "archive_reason")}),
    )

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str) -> tuple[QuerySet, bool]:
        # Diacritic-insensitive, like the public library: fold the words, match the folded column.
        if not search_term.strip():
            return queryset, False
        return selectors.search(queryset, search_term), False

    @display(description=_("trích yếu"))
    def short_subject(self, obj: LegalDocument) -> str:
        return obj.subject if len(obj.subject) <= 120 else obj.subject[:119] + "…"

    @display(description=_("hiệu lực"))
    def state(self, obj: LegalDocument) -> str:
        if obj.expired:
            return str(_("Hết hiệu lực"))
        return str(_("Còn hiệu lực"))

    @display(description=_("trang công khai"))
    def public_link(self, obj: LegalDocument) -> str:
        if not obj.is_public or obj.archived_at:
            return "—"
        return format_html('<a href="{}">{}</a>', obj.get_public_url(), _("Xem"))

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        loaded = form.cleaned_data.get("loaded_version") if change else None
        try:
            services.legal_document_save(document=obj, by=request.user, expected_version=loaded)  # type: ignore[arg-type]
        except core_services.StaleRecordError as exc:
            raise ValidationError(exc.messages) from exc

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is LegalDocumentRelation:
            # Relations go through the service, which also ends the force of a replaced document.
            relations = formset.save(commit=False)
            for relation in formset.deleted_objects:
                services.legal_document_unrelate(relation=relation, by=request.user)  # type: ignore[arg-type]
            for relation in relations:
                relation.source = form.instance
                services.legal_document_relation_save(relation=relation, by=request.user)  # type: ignore[arg-type]
            return
        super().save_formset(request, form, formset, change)
