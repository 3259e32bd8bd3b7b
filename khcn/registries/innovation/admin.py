"""The innovation registry's back office, on the shared RecordAdmin (history, archiving, version
check, attachments) and TabularAdminMixin (Excel import and export of supports and trainings).

Saves go through services.py; the forms run the same checks first, so a refusal shows on the form.
Who may edit: innovation.* in roles.py (the technology and IP division); other staff read.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from unfold.admin import TabularInline
from unfold.decorators import display

from khcn.core import services as core_services
from khcn.core.admin import RecordAdmin, VersionedForm
from khcn.core.admin_tabular import TabularAdminMixin
from khcn.lib.formats import format_vnd
from khcn.registries.innovation import services
from khcn.registries.innovation.models import Event, EventParticipation, StartupSupport, Training


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


class StartupSupportForm(CheckedForm):
    def check_instance(self, instance: Any) -> None:
        services.startup_support_check(instance)

    class Meta:
        model = StartupSupport
        fields = "__all__"


@admin.register(StartupSupport)
class StartupSupportAdmin(ServiceSaveMixin, TabularAdminMixin, RecordAdmin):
    dataset_name = "innovation_startups"
    form = StartupSupportForm
    list_display = ("enterprise", "year", "project", "support_kind", "amount_display", "stage")
    list_filter = ("year", "support_kind", "stage")
    list_select_related = ("enterprise",)
    search_fields = ("enterprise__name", "enterprise__name_folded", "project", "founders")
    autocomplete_fields = ("enterprise", "decision")

    @display(description=_("kinh phí"), ordering="amount")
    def amount_display(self, obj: StartupSupport) -> str:
        return format_vnd(obj.amount)

    def save_with_service(self, request: HttpRequest, obj: Any, expected_version: int | None) -> Any:
        return services.startup_support_save(support=obj, by=request.user, expected_version=expected_version)  # type: ignore[arg-type]


class ParticipationInline(TabularInline):
    model = EventParticipation
    extra = 0
    autocomplete_fields = ("organisation",)
    fields = ("organisation", "role", "note")
    verbose_name = _("tổ chức tham gia")
    verbose_name_plural = _("doanh nghiệp, tổ chức tham gia")


class EventForm(CheckedForm):
    def check_instance(self, instance: Any) -> None:
        services.event_check(instance)

    class Meta:
        model = Event
        fields = "__all__"


@admin.register(Event)
class EventAdmin(ServiceSaveMixin, RecordAdmin):
    form = EventForm
    list_display = (
        "name",
        "kind",
        "start_date",
        "location",
        "is_techfest",
        "organised_by_department",
        "participant_count",
    )
    list_filter = ("kind", "is_techfest", "organised_by_department")
    list_select_related = ("administrative_unit",)
    search_fields = ("name", "location", "organisers")
    autocomplete_fields = ("administrative_unit",)
    date_hierarchy = "start_date"
    inlines = [ParticipationInline, *RecordAdmin.inlines]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(_participants=Count("participations"))

    @display(description=_("số tổ chức tham gia"), ordering="_participants")
    def participant_count(self, obj: Event) -> int:
        return getattr(obj, "_participants", 0)

    def save_with_service(self, request: HttpRequest, obj: Any, expected_version: int | None) -> Any:
        return services.event_save(event=obj, by=request.user, expected_version=expected_version)  # type: ignore[arg-type]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is EventParticipation:
            rows = formset.save(commit=False)
            for row in formset.deleted_objects:
                services.event_participation_remove(participation=row, by=request.user)  # type: ignore[arg-type]
            for row in rows:
                row.event = form.instance
                services.event_participation_save(participation=row, by=request.user)  # type: ignore[arg-type]
            return
        super().save_formset(request, form, formset, change)


class TrainingForm(CheckedForm):
    def check_instance(self, instance: Any) -> None:
        services.training_check(instance)

    class Meta:
        model = Training
        fields = "__all__"


@admin.register(Training)
class TrainingAdmin(ServiceSaveMixin, TabularAdminMixin, RecordAdmin):
    dataset_name = "innovation_trainings"
    form = TrainingForm
    list_display = ("date", "topic", "area", "audience", "trainee_count", "location")
    list_filter = ("area",)
    list_select_related = ("administrative_unit",)
    search_fields = ("topic", "audience", "location", "organisers")
    autocomplete_fields = ("administrative_unit",)
    date_hierarchy = "date"

    def save_with_service(self, request: HttpRequest, obj: Any, expected_version: int | None) -> Any:
        return services.training_save(training=obj, by=request.user, expected_version=expected_version)  # type: ignore[arg-type]
