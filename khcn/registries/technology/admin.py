"""The technology registry's back office: one page per model, on the shared RecordAdmin (history,
archiving instead of deleting, version check, attachments) and TabularAdminMixin (Excel import and
export). Saves go through services.py, so the admin and the code paths obey the same rules.

Who may do what is Django's model permissions as roles.py grants them: the technology and IP
division has technology.*, every other staff role technology.view_* (a read-only back office).
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from unfold.decorators import action, display

from khcn.core import services as core_services
from khcn.core.admin import RecordAdmin
from khcn.core.admin_tabular import TabularAdminMixin
from khcn.councils.models import Council
from khcn.councils.selectors import council_results
from khcn.lib.formats import format_date, format_vnd
from khcn.registries.technology import selectors, services
from khcn.registries.technology.models import (
    DeadlineRule,
    InvestmentProject,
    TechnologyOpinion,
    TechnologyTransferCertificate,
    Workshop,
)


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


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(RecordAdmin):
    list_display = ("kind", "valid_from", "days", "working_days", "legal_basis")
    list_filter = ("kind",)
    search_fields = ("legal_basis", "note")


# --- Projects and opinions -----------------------------------------------------------------------


@admin.register(InvestmentProject)
class InvestmentProjectAdmin(ServiceSaveMixin, TabularAdminMixin, RecordAdmin):
    dataset_name = "technology_projects"
    list_display = ("name", "code", "investor", "location", "industrial_park", "is_fdi", "opinion_count")
    list_filter = ("is_fdi",)
    list_select_related = ("investor", "location")
    search_fields = ("name", "code", "investor__name", "investor__tax_code", "industrial_park")
    autocomplete_fields = ("investor", "location")
    readonly_fields = (*RecordAdmin.readonly_fields, "opinions_list")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super()
            .get_queryset(request)
            .annotate(_opinions=Count("opinions", filter=Q(opinions__archived_at__isnull=True)))
        )

    @display(description=gettext_lazy("số ý kiến"), ordering="_opinions")
    def opinion_count(self, obj: InvestmentProject) -> int:
        return obj._opinions  # type: ignore[attr-defined]

    @display(description=gettext_lazy("các ý kiến về công nghệ"))
    def opinions_list(self, obj: InvestmentProject) -> str:
        opinions = obj.opinions.active().order_by("request_date") if obj.pk else []
        return (
            format_html_join(
                "",
                '<div><a href="{}">{}</a> – {}</div>',
                (
                    (
                        reverse("admin:technology_technologyopinion_change", args=[o.pk]),
                        o,
                        o.get_conclusion_display() or _("chưa trả lời"),
                    )
                    for o in opinions
                ),
            )
            or "—"
        )

    def save_with_service(self, request: HttpRequest, obj: Any, expected_version: int | None) -> Any:
        return services.project_save(project=obj, by=request.user, expected_version=expected_version)  # type: ignore[arg-type]


class AnswerFilter(admin.SimpleListFilter):
    title = gettext_lazy("trả lời")
    parameter_name = "tra_loi"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("in_time", _("Đúng hạn")), ("late", _("Quá hạn")), ("open", _("Chưa trả lời"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "in_time":
            return queryset.filter(answer_date__isnull=False).filter(
                Q(answer_due__isnull=True) | Q(answer_date__lte=F("answer_due"))
            )
        if self.value() == "late":
            return queryset.filter(answer_date__isnull=False, answer_due__isnull=False, answer_date__gt=F("answer_due"))
        if self.value() == "open":
            return queryset.filter(answer_date__isnull=True)
        return queryset


class CouncilChoiceForm(forms.Form):
    council = forms.ModelChoiceField(
        label=gettext_lazy("Hội đồng thẩm định, cho ý kiến về công nghệ"),
        queryset=Council.objects.none(),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["council"]).queryset = Council.objects.active().filter(
            kind=Council.Kind.TECHNOLOGY_APPRAISAL
        )


@admin.register(TechnologyOpinion)
class TechnologyOpinionAdmin(ServiceSaveMixin, TabularAdminMixin, RecordAdmin):
    dataset_name = "technology_opinions"
    list_display = (
        "project",
        "investor",
        "stage",
        "request_date",
        "answer_number",
        "answer_date",
        "answer_due",
        "in_time",
        "conclusion",
    )
    list_filter = ("conclusion", AnswerFilter, "project__is_fdi")
    list_select_related = ("project", "project__investor")
    search_fields = ("project__name", "project__code", "project__investor__name", "answer_number", "request_number")
    autocomplete_fields = ("project",)
    readonly_fields = (*RecordAdmin.readonly_fields, "answer_due", "councils_list")
    date_hierarchy = "request_date"
    actions_detail = ["to_council"]

    @display(description=gettext_lazy("nhà đầu tư"), ordering="project__investor__name")
    def investor(self, obj: TechnologyOpinion) -> str:
        return obj.project.investor.name

    @display(description=gettext_lazy("đúng hạn"), boolean=True)
    def in_time(self, obj: TechnologyOpinion) -> bool | None:
        late = obj.answered_late
        return None if late is None else not late

    @display(description=gettext_lazy("hội đồng thẩm định công nghệ"))
    def councils_list(self, obj: TechnologyOpinion) -> str:
        if not obj.pk:
            return "—"
        rows = []
        for council in selectors.appraisal_councils_for(obj):
            council_object = council.council_objects.active().filter(object_id=obj.pk).first()
            result = council_results(council, [council_object])[council_object.pk] if council_object else None
            rows.append(
                (
                    reverse("admin:councils_council_change", args=[council.pk]),
                    council.name,
                    result.conclusion or result.status if result else "—",
                )
            )
        return format_html_join("", '<div><a href="{}">{}</a> – {}</div>', rows) or "—"

    def save_with_service(self, request: HttpRequest, obj: Any, expected_version: int | None) -> Any:
        return services.opinion_save(opinion=obj, by=request.user, expected_version=expected_version)  # type: ignore[arg-type]

    @action(
        description=gettext_lazy("Đưa ra hội đồng thẩm định công nghệ"),
        url_path="dua-ra-hoi-dong",
        permissions=["change"],
        icon="groups",
    )
    def to_council(self, request: HttpRequest, object_id: str) -> HttpResponse:
        opinion = get_object_or_404(TechnologyOpinion.objects.select_related("project__investor"), pk=object_id)
        form = CouncilChoiceForm(request.POST or None)
        change_url = reverse("admin:technology_technologyopinion_change", args=[opinion.pk])
        if request.method == "POST" and form.is_valid():
            try:
                council = form.cleaned_data["council"]
                services.appraisal_council_attach(opinion=opinion, council=council, by=request.user)  # type: ignore[arg-type]
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Đã đưa dự án ra hội đồng %(c)s.") % {"c": form.cleaned_data["council"]})
                return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Đưa ra hội đồng thẩm định công nghệ"),
            "opinion": opinion,
            "form": form,
            "change_url": change_url,
        }
        return TemplateResponse(request, "technology/admin/opinion_to_council.html", context)


# --- Transfer certificates -----------------------------------------------------------------------


@admin.register(TechnologyTransferCertificate)
class TechnologyTransferCertificateAdmin(ServiceSaveMixin, TabularAdminMixin, RecordAdmin):
    dataset_name = "technology_transfer_certificates"
    list_display = (
        "number",
        "kind",
        "technology",
        "transferor",
        "transferee",
        "contract_signed_on",
        "filed_on",
        "issue_date",
        "value",
    )
    list_filter = ("kind", "form")
    list_select_related = ("transferor", "transferee")
    search_fields = (
        "number",
        "technology",
        "contract_number",
        "transferor__name",
        "transferee__name",
        "transferee__tax_code",
    )
    autocomplete_fields = ("original", "transferor", "transferee", "project")
    readonly_fields = (*RecordAdmin.readonly_fields, "filing_due", "amendments_list")
    date_hierarchy = "issue_date"
    actions_detail = ["amend"]

    @display(description=gettext_lazy("giá trị hợp đồng"), ordering="contract_value")
    def value(self, obj: TechnologyTransferCertificate) -> str:
        return format_vnd(obj.contract_value) or "—"

    @display(description=gettext_lazy("các lần gia hạn, sửa đổi"))
    def amendments_list(self, obj: TechnologyTransferCertificate) -> str:
        amendments = obj.amendments.active().order_by("issue_date") if obj.pk else []
        return (
            format_html_join(
                "",
                '<div><a href="{}">{}</a> ({})</div>',
                (
                    (
                        reverse("admin:technology_technologytransfercertificate_change", args=[a.pk]),
                        a.number,
                        format_date(a.issue_date),
                    )
                    for a in amendments
                ),
            )
            or "—"
        )

    def save_with_service(self, request: HttpRequest, obj: Any, expected_version: int | None) -> Any:
        return services.transfer_certificate_save(certificate=obj, by=request.user, expected_version=expected_version)  # type: ignore[arg-type]

    def has_amend_permission(self, request: HttpRequest, object_id: Any = None) -> bool:
        # unfold asks detail actions' permissions with the object id; adding takes no object.
        return self.has_add_permission(request)

    @action(
        description=gettext_lazy("Gia hạn, sửa đổi, bổ sung"),
        url_path="sua-doi",
        permissions=["amend"],
        icon="edit_document",
    )
    def amend(self, request: HttpRequest, object_id: str) -> HttpResponse:
        original = get_object_or_404(TechnologyTransferCertificate, pk=object_id)
        query = "&".join(
            f"{k}={v}"
            for k, v in {
                "kind": TechnologyTransferCertificate.Kind.AMENDMENT,
                "original": original.pk,
                "transferor": original.transferor_id,
                "transferee": original.transferee_id,
                "form": original.form,
            }.items()
        )
        return HttpResponseRedirect(f"{reverse('admin:technology_technologytransfercertificate_add')}?{query}")


# --- Workshops -----------------------------------------------------------------------------------


@admin.register(Workshop)
class WorkshopAdmin(ServiceSaveMixin, RecordAdmin):
    list_display = ("title", "kind", "date", "place", "attendee_count", "organisation_count")
    list_filter = ("kind",)
    list_select_related = ("location",)
    search_fields = ("title", "place")
    autocomplete_fields = ("location", "organisations", "plan")
    date_hierarchy = "date"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(_organisations=Count("organisations", distinct=True))

    @display(description=gettext_lazy("số tổ chức tham dự"), ordering="_organisations")
    def organisation_count(self, obj: Workshop) -> int:
        return obj._organisations  # type: ignore[attr-defined]

    def save_with_service(self, request: HttpRequest, obj: Any, expected_version: int | None) -> Any:
        # The attending organisations are many-to-many: the form saves them after (save_related).
        return services.workshop_save(workshop=obj, by=request.user, expected_version=expected_version)  # type: ignore[arg-type]
