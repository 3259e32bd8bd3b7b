"""The back office's shared behaviour: history, archiving instead of deleting, optimistic locking."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from unfold.admin import GenericTabularInline, ModelAdmin

from khcn.core import filetypes, services
from khcn.core.models import Attachment, ImportBatch


class AttachmentInlineForm(forms.ModelForm):
    class Meta:
        model = Attachment
        fields = ("file", "description")

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload is not None and not self.instance.pk:
            # The type is read from the content; the name and the browser's claim are not trusted.
            self.instance.mime_type = filetypes.check_upload(upload).mime
            upload.seek(0)
            self.instance.sha256 = filetypes.sha256_of(upload)
            upload.seek(0)
            self.instance.size = upload.size or 0
            self.instance.original_name = filetypes.safe_display_name(upload.name or "tep")
        return upload


class AttachmentInline(GenericTabularInline):
    """Files on any record: added here, downloaded through the access-checked view, never deleted."""

    model = Attachment
    form = AttachmentInlineForm
    ct_fk_field = "object_id"
    extra = 0
    fields = ("file", "description", "download", "size", "uploaded_by", "uploaded_at")
    readonly_fields = ("download", "size", "uploaded_by", "uploaded_at")
    verbose_name = _("tệp đính kèm")
    verbose_name_plural = _("tệp đính kèm")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).filter(archived_at__isnull=True).select_related("uploaded_by")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is not None and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("tải về"))
    def download(self, obj: Attachment) -> str:
        if not obj.pk:
            return ""
        return format_html('<a href="{}">{}</a>', reverse("core:attachment-download", args=[obj.pk]), obj.original_name)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return True


class ArchivedFilter(admin.SimpleListFilter):
    title = _("tình trạng lưu trữ")
    parameter_name = "archived"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("no", _("Đang dùng")), ("yes", _("Đã lưu trữ")), ("all", _("Tất cả"))]

    def choices(self, changelist: Any):  # type: ignore[no-untyped-def]
        # "Đang dùng" is the default, so the plain list never shows archived records.
        for lookup, title in self.lookup_choices:
            yield {
                "selected": (self.value() or "no") == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value() or "no"
        if value == "no":
            return queryset.filter(archived_at__isnull=True)
        if value == "yes":
            return queryset.filter(archived_at__isnull=False)
        return queryset


class VersionedForm(forms.ModelForm):
    """Carries the version the editor loaded, so a stale save is refused instead of overwriting."""

    loaded_version = forms.IntegerField(label=_("phiên bản đã mở"), widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.fields["loaded_version"].initial = self.instance.version

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        loaded = cleaned.get("loaded_version")
        if self.instance.pk and loaded is not None:
            current = (
                type(self.instance)
                ._default_manager.filter(pk=self.instance.pk)
                .values_list("version", flat=True)
                .first()
            )
            if current is not None and current != loaded:
                raise ValidationError(
                    _(
                        "Hồ sơ này vừa được người khác sửa sau khi bạn mở. "
                        "Hãy tải lại trang để xem bản mới nhất rồi sửa lại; thay đổi của bạn chưa được lưu."
                    ),
                    code="stale",
                )
        return cleaned


class RecordAdmin(SimpleHistoryAdmin, ModelAdmin):
    """Base admin for official records (subclasses of core.models.Record)."""

    form = VersionedForm
    list_filter_submit = True
    show_full_result_count = False
    actions = ["archive_selected"]
    readonly_fields: tuple[str, ...] = ("created_at", "updated_at", "archived_at", "archive_reason")
    inlines: list[Any] = [AttachmentInline]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is Attachment:
            for attachment in formset.save(commit=False):
                attachment.uploaded_by = request.user
                attachment._history_user = request.user
                attachment.save()
            return
        super().save_formset(request, form, formset, change)

    def get_list_filter(self, request: HttpRequest) -> list[Any]:
        return [*super().get_list_filter(request), ArchivedFilter]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        fields = list(super().get_fields(request, obj))
        if "loaded_version" not in fields:
            fields.append("loaded_version")
        return fields

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        loaded = form.cleaned_data.get("loaded_version") if change else None
        try:
            services.record_save(record=obj, by=request.user, expected_version=loaded)  # type: ignore[arg-type]
        except services.StaleRecordError as exc:
            # The form's clean() catches nearly every case; this is the race between clean and save.
            raise ValidationError(exc.messages) from exc

    @admin.action(description=_("Lưu trữ các hồ sơ đã chọn"))
    def archive_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        if not self.has_change_permission(request):
            self.message_user(request, _("Bạn không có quyền lưu trữ hồ sơ này."), messages.ERROR)
            return
        count = 0
        for record in queryset.filter(archived_at__isnull=True):
            services.record_archive(record=record, by=request.user, reason=str(_("Lưu trữ từ danh sách quản trị")))  # type: ignore[arg-type]
            count += 1
        self.message_user(request, _("Đã lưu trữ %(n)d hồ sơ.") % {"n": count}, messages.SUCCESS)


@admin.register(ImportBatch)
class ImportBatchAdmin(ModelAdmin):
    list_display = (
        "created_at",
        "dataset",
        "file_name",
        "row_count",
        "created_count",
        "updated_count",
        "error_count",
        "status",
        "created_by",
    )
    list_filter = ("dataset", "status")
    list_select_related = ("created_by",)
    search_fields = ("file_name", "sha256")
    readonly_fields = [f.name for f in ImportBatch._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Attachment)
class AttachmentAdmin(SimpleHistoryAdmin, ModelAdmin):
    list_display = ("original_name", "content_type", "object_id", "mime_type", "size", "uploaded_by", "uploaded_at")
    list_select_related = ("content_type", "uploaded_by")
    search_fields = ("original_name", "sha256")
    readonly_fields = [f.name for f in Attachment._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
