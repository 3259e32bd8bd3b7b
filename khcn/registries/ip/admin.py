"""The IP registry's back office: one page per model, on the shared RecordAdmin (history,
archiving instead of deleting, version check, attachments) and TabularAdminMixin (Excel import and
export). Saves go through services.py, so the admin and the code paths obey the same rules.

Who may do what is Django's model permissions as roles.py grants them: the technology and IP
division has ip.*, every other staff role ip.view_* (a read-only back office).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from unfold.admin import TabularInline
from unfold.decorators import action, display

from khcn.core import services as core_services
from khcn.core.admin import RecordAdmin
from khcn.core.admin_tabular import TabularAdminMixin
from khcn.lib.formats import format_vnd
from khcn.registries.ip import selectors, services
from khcn.registries.ip.models import IPSupportCase, Mark, UseRightCertificate, UseRightValidityRule
from khcn.registries.ip.selectors import CertificateState


class ServiceSaveMixin:
    """Save through the app's service instead of a bare record_save; a stale version becomes a
    form error, as in RecordAdmin."""

    def save_with_service(self, request: HttpRequest, obj: Any, expected_version: int | None) -> Any:
        raise NotImplementedError

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        loaded = form.cleaned_data.get("loaded_version") if change else None
        try:
            self.save_with_service(request, obj, loaded)
        except core_services.StaleRecordError as exc:
            raise ValidationError(exc.messages) from exc


@admin.register(UseRightValidityRule)
class UseRightValidityRuleAdmin(RecordAdmin):
    list_display = ("kind", "valid_from", "months", "legal_basis")
    list_filter = ("kind",)
    search_fields = ("legal_basis", "note")


# --- Support for marks and designs ---------------------------------------------------------------


class MarkInline(TabularInline):
    model = Mark
    extra = 0
    fields = (
        "name",
        "kind",
        "nice_classes",
        "filing_number",
        "filing_date",
        "status",
        "registration_number",
        "grant_date",
    )
    verbose_name = _("nhãn hiệu, kiểu dáng")
    verbose_name_plural = _("nhãn hiệu, kiểu dáng được hỗ trợ")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).filter(archived_at__isnull=True)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # archived from the mark's own page, never deleted


class ApplicantKindFilter(admin.SimpleListFilter):
    title = gettext_lazy("bên được hỗ trợ")
    parameter_name = "ben"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("org", _("Tổ chức")), ("person", _("Cá nhân"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "org":
            return queryset.filter(applicant_organisation__isnull=False)
        if self.value() == "person":
            return queryset.filter(applicant_person__isnull=False)
        return queryset


@admin.register(IPSupportCase)
class IPSupportCaseAdmin(ServiceSaveMixin, RecordAdmin):
    list_display = ("__str__", "year", "applicant_display", "mark_count", "amount", "decision")
    list_filter = ("year", ApplicantKindFilter)
    list_select_related = ("applicant_organisation", "applicant_person", "decision")
    search_fields = (
        "applicant_organisation__name",
        "applicant_organisation__tax_code",
        "applicant_person__full_name",
        "marks__name",
    )
    autocomplete_fields = ("applicant_organisation", "applicant_person", "decision")
    inlines = [MarkInline, *RecordAdmin.inlines]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super()
            .get_queryset(request)
            .annotate(_marks=Count("marks", filter=Q(marks__archived_at__isnull=True), distinct=True))
        )

    @display(description=gettext_lazy("bên được hỗ trợ"))
    def applicant_display(self, obj: IPSupportCase) -> str:
        return str(obj.applicant or "—")

    @display(description=gettext_lazy("số nhãn hiệu, kiểu dáng"), ordering="_marks")
    def mark_count(self, obj: IPSupportCase) -> int:
        return obj._marks  # type: ignore[attr-defined]

    @display(description=gettext_lazy("kinh phí hỗ trợ"), ordering="support_amount")
    def amount(self, obj: IPSupportCase) -> str:
        return format_vnd(obj.support_amount)

    def save_with_service(self, request: HttpRequest, obj: Any, expected_version: int | None) -> Any:
        return services.support_case_save(case=obj, by=request.user, expected_version=expected_version)  # type: ignore[arg-type]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is Mark:
            # Each mark through its service: permission, rules and history as anywhere else.
            for mark in formset.save(commit=False):
                services.mark_save(mark=mark, by=request.user)  # type: ignore[arg-type]
            return
        super().save_formset(request, form, formset, change)


@admin.register(Mark)
class MarkAdmin(ServiceSaveMixin, RecordAdmin):
    list_display = (
        "name",
        "kind",
        "applicant",
        "year",
        "filing_number",
        "filing_date",
        "status",
        "status_checked_on",
        "registration_number",
    )
    list_filter = ("kind", "status", "case__year")
    list_select_related = ("case", "case__applicant_organisation", "case__applicant_person")
    search_fields = (
        "name",
        "filing_number",
        "registration_number",
        "case__applicant_organisation__name",
        "case__applicant_person__full_name",
    )
    autocomplete_fields = ("case",)

    @display(description=gettext_lazy("bên được hỗ trợ"))
    def applicant(self, obj: Mark) -> str:
        return str(obj.case.applicant or "—")

    @display(description=gettext_lazy("năm hỗ trợ"), ordering="case__year")
    def year(self, obj: Mark) -> int:
        return obj.case.year

    def save_with_service(self, request: HttpRequest, obj: Any, expected_version: int | None) -> Any:
        return services.mark_save(mark=obj, by=request.user, expected_version=expected_version)  # type: ignore[arg-type]


# --- Use-right certificates ----------------------------------------------------------------------


class CertificateStateFilter(admin.SimpleListFilter):
    title = gettext_lazy("hiệu lực")
    parameter_name = "hieu_luc"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        keys = (
            CertificateState.VALID,
            CertificateState.EXPIRING,
            CertificateState.EXPIRED,
            CertificateState.RENEWED,
            CertificateState.REVOKED,
        )
        return [(key, CertificateState.LABELS[key]) for key in keys]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        today = timezone.localdate()
        soon = today + dt.timedelta(days=selectors.EXPIRING_WITHIN_DAYS)
        in_use = queryset.filter(revoked=False, renewed=False)
        if self.value() == CertificateState.VALID:
            return in_use.filter(Q(valid_until__isnull=True) | Q(valid_until__gt=soon))
        if self.value() == CertificateState.EXPIRING:
            return in_use.filter(valid_until__gte=today, valid_until__lte=soon)
        if self.value() == CertificateState.EXPIRED:
            return in_use.filter(valid_until__lt=today)
        if self.value() == CertificateState.RENEWED:
            return queryset.filter(revoked=False, renewed=True)
        if self.value() == CertificateState.REVOKED:
            return queryset.filter(revoked=True)
        return queryset


@admin.register(UseRightCertificate)
class UseRightCertificateAdmin(ServiceSaveMixin, TabularAdminMixin, RecordAdmin):
    dataset_name = "ip_use_right_certificates"
    list_display = (
        "number",
        "kind",
        "holder_display",
        "product",
        "area_unit",
        "area_ha",
        "issue_date",
        "valid_until",
        "state",
    )
    list_filter = ("kind", "product", CertificateStateFilter, "revoked")
    list_select_related = ("holder_organisation", "holder_person", "area_unit")
    search_fields = ("number", "holder_organisation__name", "holder_person__full_name", "growing_area")
    autocomplete_fields = ("holder_organisation", "holder_person", "area_unit", "previous")
    readonly_fields = (*RecordAdmin.readonly_fields, "state")
    date_hierarchy = "issue_date"
    actions_detail = ["renew"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return selectors.with_renewed(super().get_queryset(request))

    @display(description=gettext_lazy("chủ thể được cấp"))
    def holder_display(self, obj: UseRightCertificate) -> str:
        return str(obj.holder or "—")

    @display(description=gettext_lazy("tình trạng"))
    def state(self, obj: UseRightCertificate) -> str:
        if not obj.pk:
            return "—"
        return str(CertificateState.LABELS[selectors.certificate_state(obj)])

    def save_with_service(self, request: HttpRequest, obj: Any, expected_version: int | None) -> Any:
        return services.certificate_save(certificate=obj, by=request.user, expected_version=expected_version)  # type: ignore[arg-type]

    def has_renew_permission(self, request: HttpRequest, object_id: Any = None) -> bool:
        # unfold asks detail actions' permissions with the object id; adding takes no object.
        return self.has_add_permission(request)

    @action(description=gettext_lazy("Gia hạn, cấp lại"), url_path="gia-han", permissions=["renew"], icon="update")
    def renew(self, request: HttpRequest, object_id: str) -> HttpResponse:
        certificate = get_object_or_404(UseRightCertificate, pk=object_id)
        initial: dict[str, Any] = {
            "kind": certificate.kind,
            "designation": certificate.designation,
            "previous": certificate.pk,
            "holder_organisation": certificate.holder_organisation_id or "",
            "holder_person": certificate.holder_person_id or "",
            "product": certificate.product,
            "growing_area": certificate.growing_area,
            "area_unit": certificate.area_unit_id or "",
            "area_ha": certificate.area_ha or "",
        }
        return HttpResponseRedirect(f"{reverse('admin:ip_userightcertificate_add')}?{urlencode(initial)}")
