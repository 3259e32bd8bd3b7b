from __future__ import annotations

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from khcn.testing import PASSWORD


def _login(client, username, password=PASSWORD, next_url=""):
    data = {"username": username, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("portal:login"), data)


def _current_token(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


@pytest.mark.django_db
def test_staff_land_in_the_back_office_and_hosts_on_the_front_site(client, science_officer, host_user):
    response = _login(client, "science_officer")
    assert response.status_code == 302 and response["Location"] == reverse("admin:index")
    assert client.get(reverse("admin:index")).status_code == 200

    client.logout()
    response = _login(client, "host_user")
    assert response["Location"] == reverse("portal:home")
    page = client.get(reverse("portal:home"))
    assert "Trung tâm Nghiên cứu nông nghiệp Hưng Yên (A)" in page.content.decode()
    assert client.get(reverse("admin:index")).status_code == 302


@pytest.mark.django_db
def test_wrong_password_gives_a_vietnamese_message(client, science_officer):
    response = _login(client, "science_officer", "sai-mat-khau")
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.content.decode()


@pytest.mark.django_db
def test_next_must_stay_on_this_site(client, science_officer):
    response = _login(client, "science_officer", next_url="https://evil.example.com/")
    assert response["Location"] == reverse("admin:index")


@pytest.mark.django_db
def test_admin_login_goes_through_the_one_login_page(client):
    response = client.get(reverse("admin:login") + "?next=/quan-tri/directory/organisation/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:login"))


@pytest.mark.django_db
def test_staff_must_enrol_and_use_totp_when_required(client, settings, science_officer):
    settings.OTP_REQUIRED_FOR_STAFF = True
    response = _login(client, "science_officer")
    assert response["Location"] == reverse("portal:otp-setup")
    # Password alone does not open the back office.
    assert client.get(reverse("admin:index")).status_code == 302

    setup_page = client.get(reverse("portal:otp-setup"))
    assert b"<svg" in setup_page.content
    device = TOTPDevice.objects.get(user=science_officer, confirmed=False)

    bad = client.post(
        reverse("portal:otp-setup"), {"token": "000000" if _current_token(device) != "000000" else "111111"}
    )
    assert "Mã xác thực không đúng" in bad.content.decode()
    # django-otp throttles after a failure (a growing delay); a real user waits, the test resets.
    device.refresh_from_db()
    device.throttle_reset()

    response = client.post(reverse("portal:otp-setup"), {"token": _current_token(device)})
    assert response["Location"] == reverse("admin:index")
    assert client.get(reverse("admin:index")).status_code == 200

    # Next time: the verify step, not the enrolment.
    client.logout()
    response = _login(client, "science_officer")
    assert response["Location"] == reverse("portal:otp-verify")


@pytest.mark.django_db
def test_host_users_are_not_asked_for_totp(client, settings, host_user):
    settings.OTP_REQUIRED_FOR_STAFF = True
    response = _login(client, "host_user")
    assert response["Location"] == reverse("portal:home")


@pytest.mark.django_db
def test_repeated_failures_lock_the_login(client, settings, science_officer):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        _login(client, "science_officer", "sai-mat-khau")
    response = _login(client, "science_officer")  # even the right password is refused now
    assert response.status_code == 429
    assert "tạm khoá" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_language_switch_to_english(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    page = client.get("/")
    assert page.headers["Content-Language"] == "en"
    assert 'lang="en"' in page.content.decode()
