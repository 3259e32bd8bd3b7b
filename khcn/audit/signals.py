"""Logins, failed logins, lockouts and logouts, from Django's and axes' signals (ASVS 16.3.1)."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from khcn.audit import services

Event = services.Event


@receiver(user_logged_in, dispatch_uid="audit_login")
def on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    services.event_record(event=Event.LOGIN, actor=user, request=request)


@receiver(user_logged_out, dispatch_uid="audit_logout")
def on_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    # user is None when the session had already expired: nothing to record then.
    if user is not None:
        services.event_record(event=Event.LOGOUT, actor=user, request=request)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def on_login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    # Django has already masked the password in `credentials`; only the name tried is kept.
    username = credentials.get(get_user_model().USERNAME_FIELD) or credentials.get("username") or ""
    services.event_record(event=Event.LOGIN_FAILED, username=str(username), request=request)


@receiver(user_locked_out, dispatch_uid="audit_locked_out")
def on_locked_out(sender: Any, request: Any = None, username: str | None = None, **kwargs: Any) -> None:
    services.event_record(event=Event.LOCKED_OUT, username=username or "", request=request)
