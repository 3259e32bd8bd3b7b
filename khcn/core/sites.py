"""The back office site: unfold's, plus two-factor for staff where the settings require it."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from unfold.sites import UnfoldAdminSite

from khcn.accounts.permissions import is_department_staff


def otp_satisfied(request: HttpRequest) -> bool:
    if not settings.OTP_REQUIRED_FOR_STAFF:
        return True
    verified = getattr(request.user, "is_verified", None)
    return bool(verified and verified())


class KhcnAdminSite(UnfoldAdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        return is_department_staff(request.user) and request.user.is_staff and otp_satisfied(request)

    def get_app_list(self, request: HttpRequest, app_label: str | None = None) -> list:  # type: ignore[override]
        # Every back-office page builds the list of ~90 models with their permission checks twice:
        # for Django's context and for our sidebar (core/navigation.py). Once per request is enough.
        if app_label is not None:
            return super().get_app_list(request, app_label)
        cached = getattr(request, "_khcn_app_list", None)
        if cached is None:
            cached = super().get_app_list(request)
            request._khcn_app_list = cached  # type: ignore[attr-defined]
        return cached

    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:  # type: ignore[override]
        # One login page for everyone (portal), which also runs the two-factor step.
        target = request.GET.get("next") or reverse("admin:index")
        return HttpResponseRedirect(f"{reverse('portal:login')}?{urlencode({'next': target})}")
