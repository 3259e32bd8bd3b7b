"""Password validators for the Vietnamese rules (security.md §1.2, §7), configured in
settings.AUTH_PASSWORD_VALIDATORS from PASSWORD_MIN_LENGTH, PASSWORD_MIN_LENGTH_WITHOUT_MFA and
PASSWORD_HISTORY_COUNT."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def _has_mfa(user: Any) -> bool:
    if user is None or not getattr(user, "pk", None):
        return False
    from django_otp import user_has_device

    return user_has_device(user, confirmed=True)


class MinimumLengthValidator:
    """At least `min_length` characters for an account with a second factor, and
    `min_length_without_mfa` for one without (TCVN 14423: ≥8 with MFA, ≥14 without). A new account
    has no second factor yet, so it starts at the longer length."""

    def __init__(self, min_length: int = 12, min_length_without_mfa: int = 14) -> None:
        self.min_length = min_length
        self.min_length_without_mfa = max(min_length_without_mfa, min_length)

    def required_length(self, user: Any = None) -> int:
        return self.min_length if _has_mfa(user) else self.min_length_without_mfa

    def validate(self, password: str, user: Any = None) -> None:
        required = self.required_length(user)
        if len(password) < required:
            raise ValidationError(
                _("Mật khẩu quá ngắn: cần ít nhất %(min_length)d ký tự."),
                code="password_too_short",
                params={"min_length": required},
            )

    def get_help_text(self) -> str:
        return _(
            "Mật khẩu cần ít nhất %(with_mfa)d ký tự nếu tài khoản đã bật xác thực hai lớp, "
            "%(without_mfa)d ký tự nếu chưa bật."
        ) % {"with_mfa": self.min_length, "without_mfa": self.min_length_without_mfa}


class PasswordHistoryValidator:
    """No reuse of the current password or of the last `count` passwords (TCVN 14423 level 3:
    the last 10). Also records each new password's hash, which dates it for the maximum age."""

    def __init__(self, count: int = 10) -> None:
        self.count = count

    def _recent_hashes(self, user: Any) -> list[str]:
        from khcn.accounts.models import PasswordHistory

        hashes = [user.password] if user.password else []
        if self.count > 0:
            hashes += PasswordHistory.objects.filter(user=user).values_list("password", flat=True)[: self.count]
        # Each check costs a full hash (PBKDF2): check a repeated hash only once.
        return list(dict.fromkeys(hashes))

    def validate(self, password: str, user: Any = None) -> None:
        if self.count <= 0 or user is None or not getattr(user, "pk", None):
            return
        for encoded in self._recent_hashes(user):
            if check_password(password, encoded):
                raise ValidationError(
                    _("Mật khẩu này đã được dùng gần đây. Hãy chọn mật khẩu khác với %(count)d mật khẩu gần nhất."),
                    code="password_reused",
                    params={"count": self.count},
                )

    def password_changed(self, password: str, user: Any = None) -> None:
        from khcn.accounts.models import PasswordHistory

        if user is None or not getattr(user, "pk", None) or not user.has_usable_password():
            return
        latest = PasswordHistory.objects.filter(user=user).values_list("password", flat=True).first()
        if latest != user.password:  # a new account's row may already be there (record_first_password)
            PasswordHistory.objects.create(user=user, password=user.password)
        # Keep what the rule needs and no more (old hashes are still secrets worth not hoarding);
        # the newest row always stays, it dates the current password.
        keep = max(self.count, 1)
        stale = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[keep:]
        PasswordHistory.objects.filter(pk__in=list(stale)).delete()

    def get_help_text(self) -> str:
        return _("Mật khẩu không được trùng %(count)d mật khẩu gần nhất.") % {"count": self.count}


def record_first_password(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    """post_save of User: create_user() and create_superuser() set the hash directly, without
    set_password(), so the validators' password_changed() never hears of the first password."""
    if not created or raw or not instance.has_usable_password():
        return
    from khcn.accounts.models import PasswordHistory

    PasswordHistory.objects.create(user=instance, password=instance.password)
