"""Back office of the standards and quality registry."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin
from unfold.admin import ModelAdmin
from unfold.decorators import display

from khcn.core.admin import RecordAdmin, VersionedForm
from khcn.core.admin_tabular import TabularAdminMixin
from khcn.registries.quality import services
from khcn.registries.quality.models import (
    ConformityAnnouncement,
    DeadlineRule,
    ImportInspection,
    MarketSurvey,
    QualityTraining,
)


def _form(model_class: type, prepare: Callable[[Any], None]) -> type[VersionedForm]:
    """A change form that runs the service's checks, so the page shows each rule's message on its
    field instead of failing on save."""

    class Form(VersionedForm):
        class Meta:
            model = model_class
            fields = "__all__"

        # _post_clean is where a ModelForm validates its model instance (Django's own hook, not in
        # the type stubs); the service's checks run there, on the instance the form has built.
        def _post_clean(self) -> None:
            super()._post_clean()  # type: ignore[misc]
            if self.errors:
                return
            try:
                prepare(self.instance)
            except ValidationError as exc:
                self._update_errors(exc)  # type: ignore[attr-defined]

    Form.__name__ = f"{model_class.__name__}Form"
    return Form


class QualityRecordAdmin(TabularAdminMixin, RecordAdmin):
    """RecordAdmin whose saves go through the app's service (`save_service`)."""

    save_service: Callable[..., Any]
    record_argument: str

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        loaded = form.cleaned_data.get("loaded_version") if change else None
        self.save_service(**{self.record_argument: obj}, by=request.user, expected_version=loaded)


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(SimpleHistoryAdmin, ModelAdmin):
    list_display = ("kind", "valid_from", "amount", "unit", "legal_basis", "note")
    list_filter = ("kind",)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Records were given deadlines under this rule; a new rule is a new row with a later date.
        return False


@admin.register(ConformityAnnouncement)
class ConformityAnnouncementAdmin(QualityRecordAdmin):
    dataset_name = "conformity_announcements"
    form = _form(ConformityAnnouncement, services.announcement_prepare)
    save_service = staticmethod(services.announcement_save)
    record_argument = "announcement"
    list_display = (
        "receipt_no",
        "receipt_date",
        "kind",
        "enterprise",
        "product",
        "standard_code",
        "basis",
        "valid_until",
    )
    list_filter = ("kind", "basis")
    list_select_related = ("enterprise",)
    search_fields = ("receipt_no", "product", "standard_code", "enterprise__name", "enterprise__tax_code")
    autocomplete_fields = ("enterprise", "certifying_body")
    readonly_fields = (*RecordAdmin.readonly_fields, "valid_until")
    date_hierarchy = "receipt_date"


class CertificateOverdueFilter(admin.SimpleListFilter):
    title = gettext_lazy("nộp giấy chứng nhận")
    parameter_name = "gcn"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("overdue", _("Quá hạn chưa nộp")),
            ("awaiting", _("Chưa nộp, còn hạn")),
            ("done", _("Đã nộp hoặc đã có kết quả")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        today = timezone.localdate()
        awaiting = Q(certificate_submitted_on__isnull=True, result=ImportInspection.Result.PENDING)
        conditions = {
            "overdue": awaiting & Q(certificate_due_on__lt=today),
            "awaiting": awaiting & Q(certificate_due_on__gte=today),
            "done": ~awaiting,
        }
        condition = conditions.get(self.value() or "")
        return queryset if condition is None else queryset.filter(condition)


@admin.register(ImportInspection)
class ImportInspectionAdmin(QualityRecordAdmin):
    dataset_name = "import_inspections"
    form = _form(ImportInspection, services.import_inspection_prepare)
    save_service = staticmethod(services.import_inspection_save)
    record_argument = "inspection"
    list_display = (
        "registration_no",
        "registration_date",
        "enterprise",
        "goods",
        "quantity_with_unit",
        "certificate_due_on",
        "overdue",
        "result",
    )
    list_filter = (CertificateOverdueFilter, "result")
    list_select_related = ("enterprise",)
    search_fields = ("registration_no", "goods", "customs_declaration_no", "enterprise__name", "enterprise__tax_code")
    autocomplete_fields = ("enterprise", "certifying_body")
    readonly_fields = (*RecordAdmin.readonly_fields, "certificate_due_on")
    date_hierarchy = "registration_date"

    @admin.display(description=gettext_lazy("khối lượng, số lượng"))
    def quantity_with_unit(self, obj: ImportInspection) -> str:
        amount = format(obj.quantity.normalize(), "f").replace(".", ",")
        return f"{amount} {obj.unit}"

    @display(description=gettext_lazy("quá hạn nộp GCN"), boolean=True)
    def overdue(self, obj: ImportInspection) -> bool:
        return obj.is_overdue(timezone.localdate())


@admin.register(MarketSurvey)
class MarketSurveyAdmin(QualityRecordAdmin):
    dataset_name = "market_surveys"
    form = _form(MarketSurvey, services.market_survey_prepare)
    save_service = staticmethod(services.market_survey_save)
    record_argument = "survey"
    list_display = (
        "survey_date",
        "business",
        "business_kind",
        "goods",
        "standard_code",
        "sample_count",
        "failed_count",
    )
    list_filter = ("business_kind",)
    list_select_related = ("business",)
    search_fields = ("goods", "business__name", "business__tax_code")
    autocomplete_fields = ("business",)
    date_hierarchy = "survey_date"


@admin.register(QualityTraining)
class QualityTrainingAdmin(QualityRecordAdmin):
    dataset_name = "quality_trainings"
    form = _form(QualityTraining, services.training_prepare)
    save_service = staticmethod(services.training_save)
    record_argument = "training"
    list_display = ("name", "topic", "start_date", "end_date", "location", "trainee_count")
    search_fields = ("name", "topic", "location")
    autocomplete_fields = ("administrative_unit",)
    date_hierarchy = "start_date"
