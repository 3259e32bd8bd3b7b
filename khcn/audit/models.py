"""The security audit log: append-only, hash-chained (ASVS 16.2, 16.3, 16.4.2; goals G8, G10).

Rows are written only by `khcn.audit.services.event_record`, which chains each row to the one
before it. The model and its queryset refuse to change or delete rows; on PostgreSQL a trigger
(migration 0002) refuses it too, for anything that goes around the ORM.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

GENESIS = "0" * 64


class AppendOnlyError(Exception):
    """Raised on any attempt to change or delete an audit row through the ORM."""


def _refuse(*args: Any, **kwargs: Any) -> Any:
    raise AppendOnlyError("Nhật ký an ninh chỉ được ghi thêm, không được sửa hay xoá.")


class AuditEventQuerySet(models.QuerySet):
    # Pruning old rows goes through services.audit_prune, which calls QuerySet.delete itself.
    update = _refuse
    delete = _refuse
    bulk_update = _refuse
    # Rows must be chained one by one, under the lock, by services.event_record.
    bulk_create = _refuse


class AuditEvent(models.Model):
    class Event(models.TextChoices):
        LOGIN = "login", _("Đăng nhập")
        LOGIN_FAILED = "login_failed", _("Đăng nhập không thành công")
        LOCKED_OUT = "locked_out", _("Tạm khoá do sai mật khẩu nhiều lần")
        LOGOUT = "logout", _("Đăng xuất")
        DENIED = "denied", _("Bị từ chối truy cập")
        EXPORT = "export", _("Xuất dữ liệu")
        IMPORT = "import", _("Nhập dữ liệu")
        PRUNE = "prune", _("Xoá nhật ký quá hạn lưu")

    at = models.DateTimeField(_("lúc (UTC)"), default=timezone.now, db_index=True)
    # No database constraint and nothing done on delete: deleting a user must neither rewrite
    # (SET NULL is an UPDATE, refused) nor remove audit rows; actor_username keeps the name.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_username = models.CharField(_("tên đăng nhập"), max_length=150, blank=True)
    ip = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)
    user_agent = models.CharField(_("trình duyệt"), max_length=300, blank=True)
    event = models.CharField(_("sự kiện"), max_length=20, choices=Event.choices, db_index=True)
    object_type = models.ForeignKey(
        ContentType,
        verbose_name=_("loại đối tượng"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    object_id = models.CharField(_("mã đối tượng"), max_length=64, blank=True)
    object_repr = models.CharField(pgettext_lazy("audit log", "đối tượng"), max_length=300, blank=True)
    details = models.JSONField(_("chi tiết"), default=dict, blank=True)
    prev_hash = models.CharField(_("mã băm dòng trước"), max_length=64)
    row_hash = models.CharField(_("mã băm"), max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("sự kiện an ninh")
        verbose_name_plural = _("nhật ký an ninh")
        ordering = ("-id",)
        # Only viewing is granted; the default add/change/delete permissions would promise
        # something the model refuses.
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.get_event_display()} {self.actor_username}".strip()

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            _refuse()
        if not self.row_hash:
            raise AppendOnlyError("Ghi nhật ký an ninh qua khcn.audit.services.event_record.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        _refuse()
