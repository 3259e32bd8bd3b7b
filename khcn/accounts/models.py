from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class User(AbstractUser):
    """A person who logs in. Roles are groups (see roles.py); the organisation a host user acts
    for is the organisation of the directory Person linked to this user."""

    full_name = models.CharField(_("họ và tên"), max_length=200, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def __str__(self) -> str:
        return self.full_name or self.get_full_name() or self.username

    @property
    def role_codes(self) -> set[str]:
        # Cached per request object; groups change rarely and a page asks many times.
        cached = getattr(self, "_role_codes", None)
        if cached is None:
            cached = set(self.groups.values_list("name", flat=True)) if self.pk else set()
            self._role_codes = cached
        return cached


class PasswordHistory(models.Model):
    """A password a user has had, as its hash: a new password may not repeat the last
    PASSWORD_HISTORY_COUNT (TCVN 14423 level 3), and the newest row dates the current password
    for the maximum age (PASSWORD_MAX_AGE_DAYS_*). Written by validators.PasswordHistoryValidator
    whenever a password is saved; never shown anywhere."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(_("mã băm mật khẩu"), max_length=128)
    created_at = models.DateTimeField(_("thời điểm đặt"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("mật khẩu đã dùng")
        verbose_name_plural = _("mật khẩu đã dùng")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d}"
