"""Staff sessions: idle and absolute limits, other users untouched, no caching of logged-in pages,
other sessions ended by a password change (security.md G12, ASVS 7.3, 7.4.3, 14.3.2)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from khcn.testing import PASSWORD

START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def login(client, username, password=PASSWORD):
    response = client.post(reverse("portal:login"), {"username": username, "password": password})
    assert response.status_code == 302, response.content.decode()
    return response


@pytest.mark.django_db
def test_staff_session_ends_after_15_idle_minutes(client, science_officer):
    with time_machine.travel(START, tick=False) as clock:
        login(client, "science_officer")
        clock.shift(timedelta(minutes=14))
        assert client.get(reverse("admin:index")).status_code == 200

        clock.shift(timedelta(minutes=15, seconds=30))  # more than 15 minutes since the last request
        response = client.get(reverse("admin:index"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("portal:login"))
        assert "_auth_user_id" not in client.session
        page = client.get(response["Location"])
        assert "15 phút không thao tác" in page.content.decode()


@pytest.mark.django_db
def test_activity_keeps_the_staff_session_alive_until_the_absolute_limit(client, settings, science_officer):
    with time_machine.travel(START, tick=False) as clock:
        login(client, "science_officer")
        for _ in range(9 * 6 + 5):  # a request every 10 minutes for 9 h 50 min
            clock.shift(timedelta(minutes=10))
            assert client.get(reverse("admin:index")).status_code == 200
        clock.shift(timedelta(minutes=11))  # 10 h 1 min after login, 11 min after the last request
        response = client.get(reverse("admin:index"))
        assert response.status_code == 302
        assert "_auth_user_id" not in client.session
        assert "10 giờ" in client.get(response["Location"]).content.decode()


@pytest.mark.django_db
def test_limits_come_from_settings(client, settings, science_officer):
    settings.STAFF_SESSION_IDLE_SECONDS = 5 * 60
    with time_machine.travel(START, tick=False) as clock:
        login(client, "science_officer")
        clock.shift(timedelta(minutes=6))
        assert client.get(reverse("admin:index")).status_code == 302


@pytest.mark.django_db
def test_host_users_keep_the_normal_session_lifetime(client, host_user):
    with time_machine.travel(START, tick=False) as clock:
        login(client, "host_user")
        clock.shift(timedelta(hours=2))
        response = client.get(reverse("portal:my-organisation"))
        assert response.status_code == 200
        assert client.session.get_expiry_age() > 3600


@pytest.mark.django_db
def test_the_staff_session_row_itself_expires_with_the_idle_time(client, science_officer):
    login(client, "science_officer")
    assert client.session.get_expiry_age() == 20 * 60  # the idle limit and a short grace


@pytest.mark.django_db
def test_an_htmx_request_in_an_ended_session_sends_the_window_to_the_login_page(client, science_officer):
    with time_machine.travel(START, tick=False) as clock:
        login(client, "science_officer")
        clock.shift(timedelta(minutes=17))
        response = client.get(
            reverse("admin:index"), headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/quan-tri/"}
        )
        assert response.status_code == 204
        assert response["HX-Redirect"].startswith(reverse("portal:login") + "?next=")


@pytest.mark.django_db
def test_pages_for_logged_in_users_are_not_stored_in_caches(client, science_officer, host_user):
    anonymous = client.get(reverse("portal:home"))
    assert "no-store" not in anonymous.get("Cache-Control", "")

    login(client, "science_officer")
    for url in (reverse("admin:index"), reverse("portal:home"), reverse("research:index")):
        assert "no-store" in client.get(url)["Cache-Control"], url

    host = Client()
    login(host, "host_user")
    assert "no-store" in host.get(reverse("portal:my-organisation"))["Cache-Control"]


@pytest.mark.django_db
def test_a_password_change_ends_the_users_other_sessions_but_not_this_one(client, science_officer):
    other_browser = Client()
    login(other_browser, "science_officer")
    login(client, "science_officer")
    new_password = "mot-cau-mat-khau-moi-dai-2026"
    response = client.post(
        reverse("admin:password_change"),
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 302, response.content.decode()
    assert client.get(reverse("admin:index")).status_code == 200  # update_session_auth_hash
    assert other_browser.get(reverse("admin:index")).status_code == 302
    assert "_auth_user_id" not in other_browser.session
