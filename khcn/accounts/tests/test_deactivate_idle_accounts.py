from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from khcn import testing

NOW = datetime(2026, 6, 1, 7, 0, tzinfo=UTC)


@pytest.mark.django_db
def test_accounts_idle_for_45_days_are_disabled_superusers_included_and_logged(caplog):
    with time_machine.travel(NOW - timedelta(days=100), tick=False):
        idle = testing.make_user("idle_officer")
        never = testing.make_user("never_logged_in")
        admin = testing.make_user("old_admin", is_superuser=True)
        recent = testing.make_user("recent_user")
        fresh_time = NOW - timedelta(days=10)
    idle.last_login = NOW - timedelta(days=46)
    admin.last_login = NOW - timedelta(days=60)
    recent.last_login = NOW - timedelta(days=44)
    for user in (idle, admin, recent):
        user.save(update_fields=["last_login"])
    with time_machine.travel(fresh_time, tick=False):
        new = testing.make_user("new_user")  # made 10 days ago, never logged in: not idle yet

    with time_machine.travel(NOW, tick=False):
        call_command("deactivate_idle_accounts", stdout=StringIO())

    for user in (idle, never, admin, recent, new):
        user.refresh_from_db()
    assert (idle.is_active, never.is_active, admin.is_active) == (False, False, False)
    assert (recent.is_active, new.is_active) == (True, True)
    warnings = [r for r in caplog.records if r.name == "khcn.security" and r.levelname == "WARNING"]
    assert [r.getMessage().split()[2] for r in warnings] == ["old_admin"]
    closing = idle.history.filter(is_active=False).get()
    assert closing.history_change_reason.startswith("Khoá tự động")


@pytest.mark.django_db
def test_days_and_dry_run_options(capsys):
    with time_machine.travel(NOW - timedelta(days=20), tick=False):
        user = testing.make_user("quiet_user")
    with time_machine.travel(NOW, tick=False):
        call_command("deactivate_idle_accounts", "--days", "15", "--dry-run")
        user.refresh_from_db()
        assert user.is_active
        assert "Sẽ khoá 1 tài khoản" in capsys.readouterr().out
        call_command("deactivate_idle_accounts", "--days", "30")
        user.refresh_from_db()
        assert user.is_active
        call_command("deactivate_idle_accounts", "--days", "15")
        user.refresh_from_db()
        assert not user.is_active


@pytest.mark.django_db
def test_a_disabled_account_cannot_log_in(client):
    with time_machine.travel(NOW - timedelta(days=50), tick=False):
        testing.make_user("gone_quiet")
    with time_machine.travel(NOW, tick=False):
        call_command("deactivate_idle_accounts", stdout=StringIO())
    response = client.post("/dang-nhap/", {"username": "gone_quiet", "password": testing.PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
