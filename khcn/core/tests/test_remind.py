from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command

from khcn.core import due
from khcn.core.models import ReminderLog


@pytest.fixture
def a_check():
    @due.register("test.licence_expiry")
    def licences(today: dt.date):
        expiry = dt.date(2026, 12, 31)
        if (expiry - today).days <= 30:
            yield due.DueItem(
                key="licence:1:30",
                title="Giấy phép 01/GP-SKHCN hết hạn",
                due_date=expiry,
                recipients=("atbx@khcn.local",),
            )

    yield licences
    due.unregister("test.licence_expiry")


@pytest.mark.django_db
def test_remind_sends_on_the_right_day_and_only_once(a_check, capsys):
    call_command("remind", date="30/11/2026")
    assert len(mail.outbox) == 0
    assert "Tổng cộng 0 việc" in capsys.readouterr().out

    call_command("remind", date="01/12/2026")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["atbx@khcn.local"]
    assert "01/GP-SKHCN" in mail.outbox[0].body

    call_command("remind", date="01/12/2026")
    assert len(mail.outbox) == 1, "a second run on the same day must not send again"
    assert ReminderLog.objects.count() == 1

    call_command("remind", date="02/12/2026")
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_dry_run_lists_but_sends_nothing(a_check, capsys):
    call_command("remind", date="15/12/2026", dry_run=True)
    out = capsys.readouterr().out
    assert "Giấy phép 01/GP-SKHCN" in out
    assert len(mail.outbox) == 0
    assert ReminderLog.objects.count() == 0
