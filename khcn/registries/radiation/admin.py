"""The radiation registry's back office: one page per model, on the shared RecordAdmin (history,
archiving instead of deleting, version check, attachments) and TabularAdminMixin (Excel import and
export). Saves go through services.py, so the admin and the code paths obey the same rules.

Who may do what is Django's model permissions as roles.py grants them: the radiation division has
radiation.*, every other staff role radiation.view_* (a read-only back office).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from unfold.decorators import action, display

from khcn.accounts.permissions import can_see_personal_data
from khcn.core import services as core_services
from khcn.core.admin import RecordAdmin, VersionedForm
from khcn.core.admin_tabular import TabularAdminMixin
from khcn.lib.formats import format_date
from khcn.registries.radiation import selectors, services
from khcn.registries.radiation.models import (
    Device,
    DeviceVerificationRule,
    LicenceTermRule,
    MeasurementPoint,
    RadiationFacility,
    RadiationLicence,
    RadiationSource,
    Survey,
    SurveyRule,
    Training,
    WorkerCertificate,
)
from khcn.registries.radiation.selectors import LicenceState


class ServiceSaveMixin:
    """Save through the app's service instead of a bare record_save; a stale version or a rule
    the form could not see becomes a form error, as in RecordAdmin."""

    def save_with_service(self, request: HttpRequest, obj: Any, expected_version: int | None) -> Any:
        raise NotImplementedError

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        loaded = form.cleaned_data.get("loaded_version") if change else None
        try:
            self.save_with_service(request, obj, loaded)
        except core_services.StaleRecordError as exc:
            raise ValidationError(exc.messages) from exc


# --- Rules ---------------------------------------------------------------------------------------


@admin.register(LicenceTermRule)
class LicenceTermRuleAdmin(RecordAdmin):
    list_display = ("activity", "valid_from", "term_months", "legal_basis")
    list_filter = ("activity",)
    search_fields = ("legal_basis", "note")


@admin.register(DeviceVerificationRule)
class DeviceVerificationRuleAdmin(RecordAdmin):
    list_display = ("device_kind", "valid_from", "interval_months", "legal_basis")
    list_filter = ("device_kind",)
    search_fields = ("legal_basis", "note")


@admin.register(SurveyRule)
class SurveyRuleAdmin(RecordAdmin):
    list_display = ("valid_from", "threshold_nsv_h", "median_multiple", "min_points_for_median", "max_plausible_nsv_h")


# --- Facilities, devices, sources ----------------------------------------------------------------


@admin.register(RadiationFacility)
class RadiationFacilityAdmin(ServiceSaveMixin, TabularAdminMixin, RecordAdmin):
    dataset_name = "radiation_facilities"
    list_display = ("name", "code", "kind", "administrative_unit", "device_count", "phone")
    list_filter = ("kind",)
    list_select_related = ("administrative_unit",)
    search_fields = ("name", "code", "address", "organisation__tax_code")
    autocomplete_fields = ("organisation", "administrative_unit")
    readonly_fields = (*RecordAdmin.readonly_fields, "devices_list", "licences_list")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(_devices=Count("devices", distinct=True))

    @display(description=gettext_lazy("số thiết bị"), ordering="_devices")
    def device_count(self, obj: RadiationFacility) -> int:
        return obj._devices  # type: ignore[attr-defined]

    @display(description=gettext_lazy("thiết bị"))
    def devices_list(self, obj: RadiationFacility) -> str:
        devices = obj.devices.active() if obj.pk else []
        return (
            format_html_join(
                "",
                '<div><a href="{}">{}</a></div>',
                ((reverse("admin:radiation_device_change", args=[d.pk]), d) for d in devices),
            )
            or "—"
        )

    @display(description=gettext_lazy("giấy phép"))
    def licences_list(self, obj: RadiationFacility) -> str:
        licences = obj.licences.active().order_by("-issue_date") if obj.pk else []
        return (
            format_html_join(
                "",
                '<div><a href="{}">{}</a> ({}, {} – {})</div>',
                (
                    (
                        reverse("admin:radiation_radiationlicence_change", args=[lic.pk]),
                        lic.number,
                        lic.get_kind_display(),
                        format_date(lic.issue_date),
                        format_date(lic.expiry_date),
                    )
                    for lic in licences
                ),
            )
            or "—"
        )

    def save_with_service(self, request: HttpRequest, obj: Any, expected_version: int | None) -> Any:
        return services.facility_save(facility=obj, by=request.user, expected_version=expected_version)  # type: ignore[arg-type]


class VerificationDueFilter(admin.SimpleListFilter):
    title = gettext_lazy("hạn kiểm định")
    parameter_name = "kiem_dinh"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("overdue", _("Quá hạn")), ("30", _("Đến hạn trong 30 ngày")), ("none", _("Chưa có ngày kiểm định"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        today = timezone.localdate()
        if self.value() == "overdue":
            return queryset.filter(next_verification_due__lt=today)
        if self.value() == "30":
            return queryset.filter(
                next_verification_due__gte=today, next_verification_due__lte=today + dt.timedelta(days=30)
            )
        if self.value() == "none":
            return queryset.filter(last_verified_on__isnull=True)
        return queryset


@admin.register(Device)
class DeviceAdmin(ServiceSaveMixin, RecordAdmin):
    list_display = (
        "__str__",
        "facility",
        "kind",
        "serial",
        "year_made",
        "last_verified_on",
        "next_verification_due",
        "status",
    )
    list_filter = ("kind", "status", VerificationDueFilter)
    list_select_related = ("facility",)
    search_fields = ("serial", "model", "manufacturer", "facility__name")
    autocomplete_fields = ("facility",)
    readonly_fields = (*RecordAdmin.readonly_fields, "next_verification_due")

    def save_with_service(self, request: HttpRequest, obj: Any, expected_version: int | None) -> Any:
        return services.device_save(device=obj, by=request.user, expected_version=expected_version)  # type: ignore[arg-type]


@admin.register(RadiationSource)
class RadiationSourceAdmin(ServiceSaveMixin, RecordAdmin):
    list_display = ("radionuclide", "activity", "activity_unit", "reference_date", "category", "facility", "status")
    list_filter = ("radionuclide", "category", "status")
    list_select_related = ("facility",)
    search_fields = ("radionuclide", "serial", "facility__name")
    autocomplete_fields = ("facility",)

    def save_with_service(self, request: HttpRequest, obj: Any, expected_version: int | None) -> Any:
        return services.source_save(source=obj, by=request.user, expected_version=expected_version)  # type: ignore[arg-type]


# --- Certificates and licences -------------------------------------------------------------------


@admin.register(WorkerCertificate)
class WorkerCertificateAdmin(ServiceSaveMixin, TabularAdminMixin, RecordAdmin):
    dataset_name = "radiation_certificates"
    list_display = ("number", "full_name", "kind", "facility", "issue_date", "expiry_date")
    list_filter = ("kind",)
    list_select_related = ("facility",)
    search_fields = ("number", "full_name", "facility__name")
    autocomplete_fields = ("facility", "person")
    date_hierarchy = "issue_date"

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> Any:
        # Personal data stays with staff who handle it, as for people in the directory.
        if can_see_personal_data(request.user):
            return super().get_exclude(request, obj)
        return WorkerCertificate.PERSONAL_FIELDS

    def has_export_permission(self, request: HttpRequest) -> bool:
        return super().has_export_permission(request) and can_see_personal_data(request.user)

    def save_with_service(self, request: HttpRequest, obj: Any, expected_version: int | None) -> Any:
        return services.certificate_save(certificate=obj, by=request.user, expected_version=expected_version)  # type: ignore[arg-type]


class LicenceStateFilter(admin.SimpleListFilter):
    title = gettext_lazy("hiệu lực")
    parameter_name = "hieu_luc"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            (key, LicenceState.LABELS[key])
            for key in (LicenceState.VALID, LicenceState.EXPIRING, LicenceState.EXPIRED, LicenceState.REPLACED)
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        today = timezone.localdate()
        active = queryset.filter(status=RadiationLicence.Status.ACTIVE, followed=False)
        soon = today + dt.timedelta(days=selectors.EXPIRING_WITHIN_DAYS)
        if self.value() == LicenceState.VALID:
            return active.filter(expiry_date__gt=soon)
        if self.value() == LicenceState.EXPIRING:
            return active.filter(expiry_date__gte=today, expiry_date__lte=soon)
        if self.value() == LicenceState.EXPIRED:
            return active.filter(expiry_date__lt=today)
        if self.value() == LicenceState.REPLACED:
            return queryset.filter(followed=True)
        return queryset


class LicenceForm(VersionedForm):
    class Meta:
        model = RadiationLicence
        fields = "__all__"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        facility = cleaned.get("facility")
        devices = cleaned.get("devices")
        if facility is not None and devices:
            foreign = [d for d in devices if d.facility_id != facility.pk]
            if foreign:
                self.add_error(
                    "devices",
                    _("Thiết bị không thuộc cơ sở được cấp phép: %(devices)s")
                    % {"devices": "; ".join(str(d) for d in foreign)},
                )
        return cleaned


class TransitionForm(forms.Form):
    to = forms.ChoiceField(label=gettext_lazy("Chuyển sang"))
    reason = forms.CharField(
        label=gettext_lazy("Lý do, số quyết định"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices


@admin.register(RadiationLicence)
class RadiationLicenceAdmin(ServiceSaveMixin, TabularAdminMixin, RecordAdmin):
    dataset_name = "radiation_licences"
    form = LicenceForm
    list_display = ("number", "kind", "facility", "activity", "issue_date", "expiry_date", "state")
    list_filter = ("kind", "activity", "status", LicenceStateFilter)
    list_select_related = ("facility",)
    search_fields = ("number", "facility__name", "facility__code")
    autocomplete_fields = ("facility", "previous", "safety_officer", "devices")
    readonly_fields = (*RecordAdmin.readonly_fields, "status", "status_reason", "state", "followers_list")
    date_hierarchy = "issue_date"
    actions_detail = ["renew", "amend", "reissue", "change_status"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return selectors.with_followed(super().get_queryset(request))

    @display(description=gettext_lazy("hiệu lực"))
    def state(self, obj: RadiationLicence) -> str:
        if not obj.pk:
            return "—"
        return str(LicenceState.LABELS[selectors.licence_state(obj)])

    @display(description=gettext_lazy("giấy phép sau"))
    def followers_list(self, obj: RadiationLicence) -> str:
        followers = obj.followers.active() if obj.pk else []
        return (
            format_html_join(
                "",
                '<div><a href="{}">{}</a> ({})</div>',
                (
                    (reverse("admin:radiation_radiationlicence_change", args=[f.pk]), f.number, f.get_kind_display())
                    for f in followers
                ),
            )
            or "—"
        )

    def save_with_service(self, request: HttpRequest, obj: Any, expected_version: int | None) -> Any:
        # Devices are many-to-many: the form saves them after the licence (save_related).
        return services.licence_save(licence=obj, by=request.user, expected_version=expected_version)  # type: ignore[arg-type]

    def has_follow_permission(self, request: HttpRequest, object_id: Any = None) -> bool:
        # Detail actions pass the object id; adding a licence is what renewing one means.
        return self.has_add_permission(request)

    def _follow_url(self, request: HttpRequest, object_id: str, kind: str) -> HttpResponse:
        licence = get_object_or_404(RadiationLicence, pk=object_id)
        query = urlencode(
            {
                "kind": kind,
                "previous": licence.pk,
                "facility": licence.facility_id,
                "activity": licence.activity,
                "conditions": licence.conditions,
                "worker_count": licence.worker_count or "",
                "safety_officer": licence.safety_officer_id or "",
                "devices": ",".join(str(pk) for pk in licence.devices.values_list("pk", flat=True)),
            }
        )
        return HttpResponseRedirect(f"{reverse('admin:radiation_radiationlicence_add')}?{query}")

    @action(description=gettext_lazy("Gia hạn"), url_path="gia-han", permissions=["follow"], icon="update")
    def renew(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return self._follow_url(request, object_id, RadiationLicence.Kind.RENEWAL)

    @action(
        description=gettext_lazy("Sửa đổi, bổ sung"), url_path="sua-doi", permissions=["follow"], icon="edit_document"
    )
    def amend(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return self._follow_url(request, object_id, RadiationLicence.Kind.AMENDMENT)

    @action(description=gettext_lazy("Cấp lại"), url_path="cap-lai", permissions=["follow"], icon="content_copy")
    def reissue(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return self._follow_url(request, object_id, RadiationLicence.Kind.REISSUE)

    @action(
        description=gettext_lazy("Đổi tình trạng pháp lý"),
        url_path="doi-tinh-trang",
        permissions=["change"],
        icon="gavel",
    )
    def change_status(self, request: HttpRequest, object_id: str) -> HttpResponse:
        from khcn.registries.radiation.workflow import TRANSITIONS

        licence = get_object_or_404(RadiationLicence, pk=object_id)
        choices = [(to, str(RadiationLicence.Status(to).label)) for (frm, to) in TRANSITIONS if frm == licence.status]
        form = TransitionForm(request.POST or None, choices=choices)
        change_url = reverse("admin:radiation_radiationlicence_change", args=[licence.pk])
        if request.method == "POST" and form.is_valid():
            try:
                services.licence_transition(
                    licence=licence,
                    to=form.cleaned_data["to"],
                    by=request.user,  # type: ignore[arg-type]
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Đã đổi tình trạng giấy phép %(n)s.") % {"n": licence.number})
                return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Đổi tình trạng giấy phép %(n)s") % {"n": licence.number},
            "licence": licence,
            "form": form,
            "change_url": change_url,
        }
        return TemplateResponse(request, "radiation/admin/licence_transition.html", context)

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial = super().get_changeform_initial_data(request)
        if isinstance(initial.get("devices"), str):
            initial["devices"] = [pk for pk in initial["devices"].split(",") if pk]
        return initial


# --- Trainings and surveys -----------------------------------------------------------------------


@admin.register(Training)
class TrainingAdmin(ServiceSaveMixin, RecordAdmin):
    list_display = ("date", "topic", "audience", "trainee_count", "location")
    list_filter = ("audience",)
    search_fields = ("topic", "participants", "location")
    autocomplete_fields = ("facilities", "administrative_unit")
    date_hierarchy = "date"

    def save_with_service(self, request: HttpRequest, obj: Any, expected_version: int | None) -> Any:
        return services.training_save(training=obj, by=request.user, expected_version=expected_version)  # type: ignore[arg-type]


@admin.register(Survey)
class SurveyAdmin(ServiceSaveMixin, RecordAdmin):
    list_display = ("code", "name", "start_date", "end_date", "point_count", "map_link")
    search_fields = ("code", "name")
    autocomplete_fields = ("contractor",)
    actions_detail = ["open_map", "import_points", "remap_units"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(_points=Count("points"))

    @display(description=gettext_lazy("số điểm đo"), ordering="_points")
    def point_count(self, obj: Survey) -> int:
        return obj._points  # type: ignore[attr-defined]

    @display(description=gettext_lazy("bản đồ"))
    def map_link(self, obj: Survey) -> str:
        return format_html('<a href="{}">{}</a>', reverse("radiation:survey-map", args=[obj.pk]), _("Xem bản đồ"))

    def save_with_service(self, request: HttpRequest, obj: Any, expected_version: int | None) -> Any:
        return services.survey_save(survey=obj, by=request.user, expected_version=expected_version)  # type: ignore[arg-type]

    @action(description=gettext_lazy("Xem bản đồ"), url_path="ban-do", permissions=["view"], icon="map")
    def open_map(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return HttpResponseRedirect(reverse("radiation:survey-map", args=[object_id]))

    @action(
        description=gettext_lazy("Nhập điểm đo từ Excel"),
        url_path="nhap-diem-do",
        permissions=["change"],
        icon="upload_file",
    )
    def import_points(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return HttpResponseRedirect(reverse("admin:radiation_measurementpoint_tabular_import"))

    @action(
        description=gettext_lazy("Ánh xạ lại đơn vị hành chính"),
        url_path="anh-xa-lai",
        permissions=["change"],
        icon="sync",
    )
    def remap_units(self, request: HttpRequest, object_id: str) -> HttpResponse:
        survey = get_object_or_404(Survey, pk=object_id)
        if request.method != "POST":
            # A write needs a POST; the button is a link, so ask once more.
            context = {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": _("Ánh xạ lại đơn vị hành chính cho đợt %(c)s") % {"c": survey.code},
                "survey": survey,
                "change_url": reverse("admin:radiation_survey_change", args=[survey.pk]),
            }
            return TemplateResponse(request, "radiation/admin/survey_remap.html", context)
        changed = services.measurement_points_remap(survey=survey, by=request.user)  # type: ignore[arg-type]
        messages.success(request, _("Đã ánh xạ lại: %(n)d điểm đổi đơn vị hiện nay.") % {"n": changed})
        return HttpResponseRedirect(reverse("admin:radiation_survey_change", args=[survey.pk]))


class FlaggedFilter(admin.SimpleListFilter):
    title = gettext_lazy("cần đo lại")
    parameter_name = "danh_dau"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("Bị đánh dấu (vượt ngưỡng hoặc gấp nhiều lần trung vị xã)"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "yes":
            return queryset.filter(pk__in=selectors.flagged_point_ids())
        return queryset


class ValueBandFilter(admin.SimpleListFilter):
    title = gettext_lazy("suất liều (nSv/h)")
    parameter_name = "suat_lieu"
    BANDS: dict[str, tuple[int | None, int | None]] = {
        "lt100": (None, 100),
        "100-200": (100, 200),
        "200-300": (200, 300),
        "ge300": (300, None),
    }

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("lt100", "< 100"),
            ("100-200", "100 – 200"),
            ("200-300", "200 – 300"),
            ("ge300", "≥ 300"),
            ("none", _("Không đo được")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "none":
            return queryset.filter(value_nsv_h__isnull=True)
        band = self.BANDS.get(self.value() or "")
        if band is None:
            return queryset
        low, high = band
        if low is not None:
            queryset = queryset.filter(value_nsv_h__gte=low)
        if high is not None:
            queryset = queryset.filter(value_nsv_h__lt=high)
        return queryset


@admin.register(MeasurementPoint)
class MeasurementPointAdmin(ServiceSaveMixin, TabularAdminMixin, RecordAdmin):
    dataset_name = "radiation_points"
    list_display = (
        "code",
        "survey",
        "measured_on",
        "place_name",
        "unit_named",
        "current_unit",
        "value_nsv_h",
        "raw",
        "land_use",
    )
    list_filter = ("survey", "land_use", "raw_unit", ValueBandFilter, FlaggedFilter)
    list_select_related = ("survey", "unit_named", "current_unit")
    search_fields = ("code", "place_name")
    autocomplete_fields = ("survey", "unit_named")
    readonly_fields = (*RecordAdmin.readonly_fields, "value_nsv_h", "current_unit", "district_then")
    list_per_page = 100

    @display(description=gettext_lazy("giá trị gốc"))
    def raw(self, obj: MeasurementPoint) -> str:
        if obj.raw_value is None:
            return "—"
        return f"{obj.raw_value.normalize():f} {obj.raw_unit}"

    def save_with_service(self, request: HttpRequest, obj: Any, expected_version: int | None) -> Any:
        return services.measurement_point_save(point=obj, by=request.user, expected_version=expected_version)  # type: ignore[arg-type]
