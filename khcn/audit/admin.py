"""The audit log in the back office: read-only, for superusers and the department's leaders."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy
from unfold.admin import ModelAdmin
from unfold.contrib.filters.admin import RangeDateTimeFilter

from khcn.accounts import roles
from khcn.accounts.permissions import has_role
from khcn.audit.models import AuditEvent
from khcn.core.keyset import KeysetAdminMixin


def may_read_audit(user: Any) -> bool:
    """Only the leaders (and superusers): the log names who did what, from where."""
    return has_role(user, roles.DEPARTMENT_LEADER)


@admin.register(AuditEvent)
class AuditEventAdmin(KeysetAdminMixin, ModelAdmin):
    # The table grows with every login and refusal: page by id, never count.
    keyset = ("-id",)
    show_full_result_count = False
    list_display = ("at", "event", "actor_username", "ip", "object_repr")
    list_filter = ("event", ("at", RangeDateTimeFilter))
    list_filter_submit = True
    search_fields = ("=actor_username", "=ip")
    search_help_text = gettext_lazy("Tên đăng nhập hoặc địa chỉ IP (đúng từng ký tự)")
    fields = (
        "at",
        "event",
        "actor",
        "actor_username",
        "ip",
        "user_agent",
        "object_type",
        "object_id",
        "object_repr",
        "details",
        "prev_hash",
        "row_hash",
    )
    readonly_fields = fields
    actions = None

    def get_queryset(self, request: HttpRequest) -> QuerySet[AuditEvent]:
        return super().get_queryset(request).select_related("actor", "object_type")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return may_read_audit(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_read_audit(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
