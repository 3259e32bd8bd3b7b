from __future__ import annotations

from typing import Any

from django.contrib import admin
from unfold.admin import ModelAdmin

from khcn.public import search
from khcn.public.models import Publication


@admin.register(Publication)
class PublicationAdmin(ModelAdmin):
    list_display = ("content_type", "object_id", "record", "published_by", "published_at")
    list_filter = ("content_type",)
    list_select_related = ("content_type", "published_by")
    readonly_fields = ("published_by", "published_at")
    fields = ("content_type", "object_id", "consent_note", "published_by", "published_at")
    show_full_result_count = False

    def save_model(self, request: Any, obj: Publication, form: Any, change: bool) -> None:
        if not change:
            obj.published_by = request.user
        super().save_model(request, obj, form, change)
        if obj.record is not None:
            search.record_reindex(obj.record)

    def delete_model(self, request: Any, obj: Publication) -> None:
        record = obj.record
        super().delete_model(request, obj)
        if record is not None:
            search.record_reindex(record)
