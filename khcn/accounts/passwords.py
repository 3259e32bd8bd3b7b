"""Password policy that is not a validator: the maximum age of a staff or admin password.

The Vietnamese rules ask for rotation (TCVN 14423: admins every two months) while OWASP ASVS 6.2.10
forbids forced rotation; security.md §7 settles it: configurable, on for superusers by default
(PASSWORD_MAX_AGE_DAYS_SUPERUSER = 60), off for other staff (PASSWORD_MAX_AGE_DAYS_STAFF = 0).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone


def password_max_age_days(user: Any) -> int:
    """The maximum age that applies to this user's password, 0 when none does."""
    if not getattr(user, "is_authenticated", False):
        return 0
    if user.is_superuser:
        return int(getattr(settings, "PASSWORD_MAX_AGE_DAYS_SUPERUSER", 0) or 0)
    if user.is_staff:
        return int(getattr(settings, "PASSWORD_MAX_AGE_DAYS_STAFF", 0) or 0)
    return 0


def password_set_at(user: Any) -> datetime:
    """When the current password was set: the newest history row (every save writes one, and the
    migration that added the table wrote one for each existing user); the account's creation if
    there is none."""
    from khcn.accounts.models import PasswordHistory

    latest = PasswordHistory.objects.filter(user=user).values_list("created_at", flat=True).first()
    return latest or user.date_joined


def password_expired(user: Any) -> bool:
    """True when a maximum age applies and the current password is older than it."""
    days = password_max_age_days(user)
    if days <= 0 or not user.has_usable_password():
        return False
    return timezone.now() - password_set_at(user) > timedelta(days=days)
