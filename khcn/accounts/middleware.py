"""Security middleware: the Content-Security-Policy, staff session limits, no caching of
authenticated pages, and the forced change of an expired password (security.md G12, G13)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from csp.constants import UNSAFE_EVAL
from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from khcn.accounts import passwords

# Session keys (seconds since the epoch): when the user logged in, and when they were last seen.
AUTH_AT = "khcn_auth_at"
SEEN_AT = "khcn_seen_at"
PASSWORD_EXPIRED = "khcn_password_expired"

# Writing the last-seen time on every request would add a session UPDATE to every staff page;
# once a minute is enough, so the idle timeout holds to within this many seconds.
SEEN_AT_RESOLUTION = 60
# The session row outlives the idle limit by this much, so that this middleware (not a silently
# vanished session) ends it and can tell the user why; then the row goes too.
ROW_GRACE_SECONDS = 5 * 60

# unfold loads Alpine.js's standard build, which evaluates its x-data/x-on attribute expressions
# with the Function constructor: without 'unsafe-eval' the whole back office stops working. Only
# pages that load it get the exception (unfold's admin and the staff pages built on its layout).
ALPINE_MARKER = b"/unfold/js/alpine/"


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with 'unsafe-eval' added to script-src for pages that load Alpine."""

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if _loads_alpine(response):
            update = dict(parts.update or {})
            update["script-src"] = [*(update.get("script-src") or []), UNSAFE_EVAL]
            parts.update = update
        return parts


def _loads_alpine(response: HttpResponseBase) -> bool:
    if getattr(response, "streaming", False) or not isinstance(response, HttpResponse):
        return False
    if not response.get("Content-Type", "").startswith("text/html"):
        return False
    return ALPINE_MARKER in response.content


def is_staff_session(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and (user.is_staff or user.is_superuser))


def on_user_logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """At each login (signal user_logged_in): start the clocks, and note an expired password."""
    if request is None or not hasattr(request, "session"):
        return
    now = int(time.time())
    request.session[AUTH_AT] = now
    request.session[SEEN_AT] = now
    if is_staff_session(user):
        # The session row itself expires soon after the idle time too, so a stolen cookie of an
        # abandoned staff session is worthless even if this middleware were removed.
        _expire_row(request)
    if passwords.password_expired(user):
        request.session[PASSWORD_EXPIRED] = True


class StaffSessionMiddleware:
    """Staff sessions end after STAFF_SESSION_IDLE_SECONDS without a request and
    STAFF_SESSION_MAX_SECONDS after login, whatever the activity (ASVS 7.3.1, 7.3.2); other users
    keep SESSION_COOKIE_AGE. Every response to a logged-in user is marked no-store (ASVS 14.3.2):
    back-office and host pages show personal and unpublished data that must not stay in a cache."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if is_staff_session(request.user) and hasattr(request, "session"):
            expired = self._check(request)
            if expired is not None:
                return expired
        response = self.get_response(request)
        if getattr(getattr(request, "user", None), "is_authenticated", False):
            add_never_cache_headers(response)
        return response

    def _check(self, request: HttpRequest) -> HttpResponseBase | None:
        session = request.session
        now = int(time.time())
        auth_at = session.get(AUTH_AT)
        seen_at = session.get(SEEN_AT)
        if auth_at is None or seen_at is None:
            # A session from before this middleware: its clocks start now.
            session[AUTH_AT] = auth_at or now
            session[SEEN_AT] = now
            _expire_row(request)
            return None
        if now - auth_at > settings.STAFF_SESSION_MAX_SECONDS:
            message = _("Phiên làm việc đã quá %(hours)s giờ kể từ khi đăng nhập. Hãy đăng nhập lại.") % {
                "hours": _hours(settings.STAFF_SESSION_MAX_SECONDS)
            }
            return self._end(request, message)
        if now - seen_at > settings.STAFF_SESSION_IDLE_SECONDS:
            message = _("Phiên làm việc đã hết hạn sau %(minutes)s phút không thao tác. Hãy đăng nhập lại.") % {
                "minutes": settings.STAFF_SESSION_IDLE_SECONDS // 60
            }
            return self._end(request, message)
        if now - seen_at >= SEEN_AT_RESOLUTION:
            session[SEEN_AT] = now
            _expire_row(request)
        return None

    def _end(self, request: HttpRequest, message: str) -> HttpResponseBase:
        logout(request)
        messages.warning(request, message)
        login = reverse(settings.LOGIN_URL)
        if request.headers.get("HX-Request") == "true":
            # An htmx fragment would swap the login page into the middle of the page: send the
            # whole window to the login page instead, then back to where the user was.
            target = request.headers.get("HX-Current-URL") or request.get_full_path()
            response = HttpResponse(status=204)
            response["HX-Redirect"] = f"{login}?{urlencode({'next': target})}"
            return response
        if request.method == "GET":
            return HttpResponseRedirect(f"{login}?{urlencode({'next': request.get_full_path()})}")
        # A form posted into an ended session is not replayed after the login.
        return HttpResponseRedirect(login)


def _expire_row(request: HttpRequest) -> None:
    request.session.set_expiry(settings.STAFF_SESSION_IDLE_SECONDS + ROW_GRACE_SECONDS)


def _hours(seconds: int) -> str:
    hours = seconds / 3600
    return f"{hours:g}"


class PasswordExpiryMiddleware:
    """A user whose password passed its maximum age (noted at login) may only change it, verify
    their second factor or log out until they have."""

    ALLOWED_URL_NAMES = (
        "admin:password_change",
        "admin:password_change_done",
        "admin:jsi18n",
        "admin:logout",
        "portal:logout",
        "portal:otp-verify",
        "portal:otp-setup",
        "set_language",
    )

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        session = getattr(request, "session", None)
        if session is not None and session.get(PASSWORD_EXPIRED) and request.user.is_authenticated:
            if not passwords.password_expired(request.user):
                del session[PASSWORD_EXPIRED]
            elif request.path_info not in self._allowed_paths() and not request.path_info.startswith(
                settings.STATIC_URL
            ):
                messages.warning(
                    request,
                    _("Mật khẩu của bạn đã dùng quá %(days)d ngày. Hãy đổi mật khẩu để tiếp tục.")
                    % {"days": passwords.password_max_age_days(request.user)},
                )
                return redirect("admin:password_change")
        return self.get_response(request)

    def _allowed_paths(self) -> set[str]:
        paths = set()
        for name in self.ALLOWED_URL_NAMES:
            try:
                paths.add(reverse(name))
            except NoReverseMatch:
                continue
        return paths
