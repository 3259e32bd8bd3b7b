from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
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
