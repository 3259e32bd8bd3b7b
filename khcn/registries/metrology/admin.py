"""Back office of the metrology registry: instrument types and cycles, instruments, verifications."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin
from unfold.admin import ModelAdmin, TabularInline

from khcn.core.admin import AttachmentInline, RecordAdmin, VersionedForm
from khcn.core.admin_tabular import TabularAdminMixin
from khcn.core.keyset import KeysetAdminMixin
from khcn.directory.models import Organisation
from khcn.lib.text import fold
from khcn.registries.metrology import services
from khcn.registries.metrology.models import Instrument, InstrumentType, Verification, VerificationCycle

# Instruments whose next verification falls within this many days count as "due soon".
DUE_SOON_DAYS = 30


# --- Instrument types and cycles -----------------------------------------------------------------


class VerificationCycleInline(TabularInline):
    model = VerificationCycle
    extra = 0
    fields = ("valid_from", "cycle_months", "legal_basis", "note")
    verbose_name = gettext_lazy("chu kỳ kiểm định")
    verbose_name_plural = gettext_lazy("chu kỳ kiểm định (theo ngày áp dụng)")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A cycle that verifications were given stays on record; a new row supersedes it.
        return False


@admin.register(InstrumentType)
class InstrumentTypeAdmin(SimpleHistoryAdmin, ModelAdmin):
    list_display = ("code", "name", "current_cycle", "order", "is_active")
    list_filter = ("is_active",)
    search_fields = ("code", "name")
    inlines = [VerificationCycleInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[InstrumentType]:
        return super().get_queryset(request).prefetch_related("cycles")

    @admin.display(description=gettext_lazy("chu kỳ hiện hành"))
    def current_cycle(self, obj: InstrumentType) -> str:
        today = timezone.localdate()
        cycles = sorted((c for c in obj.cycles.all() if c.valid_from <= today), key=lambda c: c.valid_from)
        if not cycles:
            return "—"
        months = cycles[-1].cycle_months
        return _("chỉ kiểm định ban đầu") if months is None else _("%(n)d tháng") % {"n": months}

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# --- Instruments ---------------------------------------------------------------------------------


class DueStateFilter(admin.SimpleListFilter):
    title = gettext_lazy("hạn kiểm định")
    parameter_name = "han"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("due_soon", _("Đến hạn trong %(n)d ngày") % {"n": DUE_SOON_DAYS}),
            ("overdue", _("Quá hạn")),
            ("valid", _("Còn hạn")),
            ("rejected", _("Bị loại bỏ")),
            ("none", _("Chưa có hạn (chưa kiểm định, hoặc chỉ kiểm định ban đầu)")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        today = timezone.localdate()
        soon = today + dt.timedelta(days=DUE_SOON_DAYS)
        in_use = Q(status=Instrument.Status.IN_USE)
        conditions = {
            "due_soon": in_use & Q(next_due_on__gte=today, next_due_on__lte=soon),
            "overdue": in_use & Q(next_due_on__lt=today),
            "valid": in_use & Q(next_due_on__gt=soon),
            "rejected": Q(status=Instrument.Status.REJECTED),
            "none": in_use & Q(next_due_on__isnull=True),
        }
        condition = conditions.get(self.value() or "")
        return queryset if condition is None else queryset.filter(condition)


class InstrumentForm(VersionedForm):
    class Meta:
        model = Instrument
        fields = "__all__"

    # _post_clean is where a ModelForm validates its model instance (Django's own hook, not in
    # the type stubs); the service's checks run there, on the instance the form has built.
    def _post_clean(self) -> None:
        super()._post_clean()  # type: ignore[misc]
        try:
            services.instrument_check(self.instance)
        except ValidationError as exc:
            self._update_errors(exc)  # type: ignore[attr-defined]


class VerificationInline(TabularInline):
    """An instrument's verifications, newest first; they are recorded on their own page."""

    model = Verification
    extra = 0
    fields = ("date", "kind", "verifying_body", "result", "certificate_no", "stamp_no", "valid_until")
    readonly_fields = fields
    ordering = ("-date", "-id")
    show_change_link = True
    verbose_name_plural = gettext_lazy("các lần kiểm định")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Verification]:
        return super().get_queryset(request).filter(archived_at__isnull=True).select_related("verifying_body")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Instrument)
class InstrumentAdmin(KeysetAdminMixin, TabularAdminMixin, RecordAdmin):
    dataset_name = "instruments"
    form = InstrumentForm
    keyset = ("-id",)
    list_display = (
        "serial",
        "instrument_type",
        "manufacturer",
        "owner",
        "status",
        "last_verified_on",
        "next_due_on",
    )
    list_filter = (DueStateFilter, "status", "instrument_type")
    list_select_related = ("instrument_type", "owner")
    search_fields = ("serial",)
    search_help_text = gettext_lazy("Số sêri (đúng từng ký tự), mã số thuế hoặc tên chủ sở hữu")
    autocomplete_fields = ("instrument_type", "owner")
    readonly_fields = (*RecordAdmin.readonly_fields, "status", "last_verified_on", "next_due_on")
    inlines = [VerificationInline, AttachmentInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Instrument]:
        # An instrument's name shows its type (autocomplete lists, the verification form).
        return super().get_queryset(request).select_related("instrument_type", "owner")

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str) -> tuple[QuerySet, bool]:
        # Exact matches through indexes, never "%term%" over the whole table.
        term = search_term.strip()
        if not term:
            return queryset, False
        owners = Organisation.objects.filter(Q(tax_code=term) | Q(name_folded__contains=fold(term))).values("pk")
        return queryset.filter(Q(serial=term) | Q(owner_id__in=owners)), False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # The form has run every check already (InstrumentForm._post_clean); see RecordAdmin.save_model.
        loaded = form.cleaned_data.get("loaded_version") if change else None
        services.instrument_save(instrument=obj, by=request.user, expected_version=loaded)  # type: ignore[arg-type]


# --- Verifications -------------------------------------------------------------------------------


class YearFilter(admin.SimpleListFilter):
    title = gettext_lazy("năm kiểm định")
    parameter_name = "nam"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        # Two index seeks (oldest, newest), not a scan for the distinct years of millions of rows.
        dates = Verification.objects.order_by("date").values_list("date", flat=True)
        first, last = dates.first(), dates.reverse().first()
        if first is None or last is None:
            return []
        return [(str(year), str(year)) for year in range(last.year, first.year - 1, -1)]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if not value or not value.isdigit():
            return queryset
        year = int(value)
        return queryset.filter(date__gte=dt.date(year, 1, 1), date__lt=dt.date(year + 1, 1, 1))


class InstrumentTypeFilter(admin.SimpleListFilter):
    title = gettext_lazy("loại phương tiện đo")
    parameter_name = "loai"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(str(pk), name) for pk, name in InstrumentType.objects.values_list("pk", "name")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if not value or not value.isdigit():
            return queryset
        return queryset.filter(instrument__instrument_type_id=int(value))


class VerificationForm(VersionedForm):
    class Meta:
        model = Verification
        fields = "__all__"

    # The service's checks need these; with one of them invalid, the field's own error stands.
    NEEDED = frozenset({"instrument", "date", "verifying_body", "result", "certificate_no", "stamp_no"})

    # _post_clean is where a ModelForm validates its model instance (Django's own hook, not in
    # the type stubs); the service's checks run there, on the instance the form has built.
    def _post_clean(self) -> None:
        super()._post_clean()  # type: ignore[misc]
        if self.NEEDED & set(self.errors) or getattr(self.instance, "instrument_id", None) is None:
            return
        try:
            services.verification_prepare(self.instance)
        except ValidationError as exc:
            self._update_errors(exc)  # type: ignore[attr-defined]
            # The database's own rule on marks said the same without naming the field: keep the
            # service's message, which does.
            errors = self._errors  # type: ignore[attr-defined]
            general = errors.get(NON_FIELD_ERRORS) if errors else None
            if general is not None:
                kept = [e for e in general.as_data() if e.code != "passed_without_marks"]
                if kept:
                    errors[NON_FIELD_ERRORS] = self.error_class(kept)
                else:
                    del errors[NON_FIELD_ERRORS]


@admin.register(Verification)
class VerificationAdmin(KeysetAdminMixin, TabularAdminMixin, RecordAdmin):
    dataset_name = "verifications"
    form = VerificationForm
    keyset = ("-date", "-id")
    list_display = (
        "date",
        "instrument",
        "owner",
        "verifying_body",
        "kind",
        "result",
        "certificate_no",
        "stamp_no",
        "valid_until",
    )
    list_filter = (YearFilter, "result", "kind", InstrumentTypeFilter)
    list_select_related = ("instrument__instrument_type", "instrument__owner", "verifying_body")
    search_fields = ("certificate_no",)
    search_help_text = gettext_lazy("Số giấy chứng nhận, số tem hoặc số sêri (đúng từng ký tự)")
    autocomplete_fields = ("instrument", "verifying_body")
    readonly_fields = (*RecordAdmin.readonly_fields, "cycle_months", "valid_until")

    @admin.display(description=gettext_lazy("chủ sở hữu"))
    def owner(self, obj: Verification) -> Organisation:
        return obj.instrument.owner

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str) -> tuple[QuerySet, bool]:
        term = search_term.strip()
        if not term:
            return queryset, False
        instruments = Instrument.objects.filter(serial=term).values("pk")
        return queryset.filter(Q(certificate_no=term) | Q(stamp_no=term) | Q(instrument_id__in=instruments)), False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        loaded = form.cleaned_data.get("loaded_version") if change else None
        services.verification_save(verification=obj, by=request.user, expected_version=loaded)  # type: ignore[arg-type]

    @admin.action(description=gettext_lazy("Lưu trữ các hồ sơ đã chọn"))
    def archive_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        # As RecordAdmin's, and the instruments fall back to their previous verification.
        if not self.has_change_permission(request):
            self.message_user(request, _("Bạn không có quyền lưu trữ hồ sơ này."), messages.ERROR)
            return
        chosen = list(queryset.filter(archived_at__isnull=True))
        count = services.verifications_archive(
            verifications=chosen,
            by=request.user,  # type: ignore[arg-type]
            reason=_("Lưu trữ từ danh sách quản trị"),
        )
        self.message_user(request, _("Đã lưu trữ %(n)d hồ sơ.") % {"n": count}, messages.SUCCESS)
