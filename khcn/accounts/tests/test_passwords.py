"""Password policy: length by second factor, common passwords, no reuse of the last N, maximum
age for admins forcing a change at login (security.md §1.2, §7)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from khcn import testing
from khcn.accounts import roles
from khcn.accounts.models import PasswordHistory
from khcn.testing import PASSWORD

START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def messages_for(password, user=None) -> list[str]:
    try:
        validate_password(password, user)
    except ValidationError as error:
        return list(error.messages)
    return []


def change_password(user, password):
    user.set_password(password)
    user.save()


@pytest.mark.django_db
def test_14_characters_without_a_second_factor_12_with_one(science_officer):
    assert not messages_for("hoa-sen-ho-tay", science_officer)  # exactly 14
    assert "Mật khẩu quá ngắn: cần ít nhất 14 ký tự." in messages_for("hoa-sen-hotay", science_officer)

    TOTPDevice.objects.create(user=science_officer, name="KHCN", confirmed=True)
    assert not messages_for("hoasen-hotay", science_officer)  # 12 with a second factor
    assert "Mật khẩu quá ngắn: cần ít nhất 12 ký tự." in messages_for("hoasenhotay", science_officer)


@pytest.mark.django_db
def test_a_new_account_needs_the_longer_length(settings):
    assert "Mật khẩu quá ngắn: cần ít nhất 14 ký tự." in messages_for("hoa-sen-hotay")
    settings.AUTH_PASSWORD_VALIDATORS = [
        {
            "NAME": "khcn.accounts.validators.MinimumLengthValidator",
            "OPTIONS": {"min_length": 8, "min_length_without_mfa": 10},
        }
    ]
    assert not messages_for("hoa-sen-ht")


@pytest.mark.django_db
def test_common_and_numeric_passwords_are_refused():
    assert "Mật khẩu này quá phổ biến." in messages_for("qwertyuiop123")
    assert "Mật khẩu này hoàn toàn là số." in messages_for("98765432109876")


@pytest.mark.django_db
def test_the_current_and_last_ten_passwords_cannot_be_reused(science_officer):
    assert "Mật khẩu này đã được dùng gần đây. Hãy chọn mật khẩu khác với 10 mật khẩu gần nhất." in messages_for(
        PASSWORD, science_officer
    )
    olds = [f"cau-mat-khau-thu-{n:02d}-dai" for n in range(11)]
    for password in olds:
        change_password(science_officer, password)
    assert PasswordHistory.objects.filter(user=science_officer).count() == 10  # only what the rule needs
    for password in olds[1:]:
        assert any("đã được dùng gần đây" in m for m in messages_for(password, science_officer)), password
    # Eleven changes ago is allowed again, and so is the very first password.
    assert not messages_for(olds[0], science_officer)
    assert not messages_for(PASSWORD, science_officer)


@pytest.mark.django_db
def test_reuse_is_refused_on_the_change_password_page(client, science_officer):
    client.force_login(science_officer)
    change_password(science_officer, "cau-mat-khau-moi-dai-lan-1")
    client.force_login(science_officer)
    response = client.post(
        reverse("admin:password_change"),
        {"old_password": "cau-mat-khau-moi-dai-lan-1", "new_password1": PASSWORD, "new_password2": PASSWORD},
    )
    assert response.status_code == 200
    assert "Mật khẩu này đã được dùng gần đây" in response.content.decode()


@pytest.mark.django_db
def test_history_count_zero_turns_the_check_off(settings, science_officer):
    settings.AUTH_PASSWORD_VALIDATORS = [
        {"NAME": "khcn.accounts.validators.PasswordHistoryValidator", "OPTIONS": {"count": 0}}
    ]
    assert not messages_for(PASSWORD, science_officer)


def login(client, username, password=PASSWORD):
    return client.post(reverse("portal:login"), {"username": username, "password": password})


@pytest.mark.django_db
def test_an_admin_password_older_than_60_days_must_be_changed_at_login(client):
    with time_machine.travel(START, tick=False):
        superuser = testing.make_user("quan_tri", is_superuser=True)
        change_password(superuser, "mat-khau-quan-tri-ban-dau")
    with time_machine.travel(START + timedelta(days=59), tick=False):
        login(client, "quan_tri", "mat-khau-quan-tri-ban-dau")
        assert client.get(reverse("admin:index")).status_code == 200
        client.logout()
    with time_machine.travel(START + timedelta(days=61), tick=False):
        login(client, "quan_tri", "mat-khau-quan-tri-ban-dau")
        response = client.get(reverse("admin:index"))
        assert response.status_code == 302 and response["Location"] == reverse("admin:password_change")
        page = client.get(reverse("admin:password_change"))
        assert page.status_code == 200
        assert "quá 60 ngày" in page.content.decode()
        # Reusing the expired password is not a way out.
        response = client.post(
            reverse("admin:password_change"),
            {
                "old_password": "mat-khau-quan-tri-ban-dau",
                "new_password1": "mat-khau-quan-tri-ban-dau",
                "new_password2": "mat-khau-quan-tri-ban-dau",
            },
        )
        assert response.status_code == 200
        response = client.post(
            reverse("admin:password_change"),
            {
                "old_password": "mat-khau-quan-tri-ban-dau",
                "new_password1": "mat-khau-quan-tri-thang-moi",
                "new_password2": "mat-khau-quan-tri-thang-moi",
            },
        )
        assert response.status_code == 302
        assert client.get(reverse("admin:index")).status_code == 200


@pytest.mark.django_db
def test_staff_passwords_have_no_maximum_age_by_default(client):
    with time_machine.travel(START, tick=False):
        science_officer = testing.make_user("science_officer", roles.SCIENCE_OFFICER)
        change_password(science_officer, "mat-khau-can-bo-ban-dau")
    with time_machine.travel(START + timedelta(days=400), tick=False):
        login(client, "science_officer", "mat-khau-can-bo-ban-dau")
        assert client.get(reverse("admin:index")).status_code == 200


@pytest.mark.django_db
def test_staff_maximum_age_is_a_setting(client, settings):
    settings.PASSWORD_MAX_AGE_DAYS_STAFF = 90
    with time_machine.travel(START, tick=False):
        science_officer = testing.make_user("science_officer", roles.SCIENCE_OFFICER)
        change_password(science_officer, "mat-khau-can-bo-ban-dau")
    with time_machine.travel(START + timedelta(days=91), tick=False):
        login(client, "science_officer", "mat-khau-can-bo-ban-dau")
        assert client.get(reverse("admin:index"))["Location"] == reverse("admin:password_change")
