"""Front site for host organisations, council members and the public; and the one login page."""

from __future__ import annotations

import base64
import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from khcn.accounts.permissions import is_department_staff
from khcn.directory import selectors as directory_selectors
from khcn.portal.forms import LoginForm, TokenForm


def home(request: HttpRequest) -> HttpResponse:
    organisation = None
    if request.user.is_authenticated:
        organisation = directory_selectors.organisation_of_user(request.user)
    return render(request, "portal/home.html", {"organisation": organisation})


@login_required
def my_organisation(request: HttpRequest) -> HttpResponse:
    """A host user's own organisation and its people; nobody else's."""
    organisation = directory_selectors.organisation_of_user(request.user)
    if organisation is None:
        messages.info(request, _("Tài khoản của bạn chưa gắn với tổ chức nào. Hãy liên hệ Sở để được gắn."))
        return redirect("portal:home")
    people = directory_selectors.person_list_visible_to(request.user).filter(organisation=organisation)
    return render(request, "portal/my_organisation.html", {"organisation": organisation, "people": people})


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return default


def _default_landing(user: object) -> str:
    return reverse("admin:index") if is_department_staff(user) else reverse("portal:home")


@require_http_methods(["GET", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        auth_login(request, user)
        target = _safe_next(request, _default_landing(user))
        if settings.OTP_REQUIRED_FOR_STAFF and is_department_staff(user):
            request.session["otp_next"] = target
            if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
                return redirect("portal:otp-verify")
            return redirect("portal:otp-setup")
        return redirect(target)
    return render(request, "portal/login.html", {"form": form, "next": request.GET.get("next", "")})


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    auth_logout(request)
    messages.info(request, _("Bạn đã đăng xuất."))
    return redirect("portal:home")


@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        for device in TOTPDevice.objects.filter(user=request.user, confirmed=True):
            if device.verify_token(form.cleaned_data["token"]):
                otp_login(request, device)
                return redirect(request.session.pop("otp_next", _default_landing(request.user)))
        form.add_error("token", _("Mã xác thực không đúng hoặc đã hết hạn."))
    return render(request, "portal/otp_verify.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: show the secret as a QR code, confirm with one code."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        if TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
            return redirect("portal:otp-verify")
        device = TOTPDevice.objects.create(user=request.user, name="KHCN", confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            messages.success(request, _("Đã bật xác thực hai lớp."))
            return redirect(request.session.pop("otp_next", _default_landing(request.user)))
        form.add_error("token", _("Mã xác thực không đúng. Kiểm tra giờ trên điện thoại rồi thử lại."))
    return render(
        request,
        "portal/otp_setup.html",
        {"form": form, "qr_svg": _qr_svg(device.config_url), "secret": base64.b32encode(device.bin_key).decode()},
    )


def _qr_svg(data: str) -> str:
    import qrcode
    import qrcode.image.svg

    buffer = io.BytesIO()
    qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage).save(buffer)
    return buffer.getvalue().decode()
