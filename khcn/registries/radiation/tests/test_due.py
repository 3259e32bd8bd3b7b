"""Reminders: licence expiry at 90 and 30 days and after expiry, device verification; stable keys,
each threshold told once, nothing for a licence already renewed."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from khcn.core.models import ReminderLog
from khcn.registries.radiation import due, services

from .conftest import make_device, make_facility, make_licence


@pytest.fixture
def officer(radiation_officer):
    radiation_officer.email = "atbx@khcn.local"
    radiation_officer.save()
    return radiation_officer


@pytest.fixture
def licence(officer):
    facility = make_facility(officer, email="phongkham@example.vn")
    return make_licence(officer, facility, "01/2023/GP-SKHCN", dt.date(2023, 3, 1))  # expires 28/02/2026


def keys(day: dt.date) -> list[str]:
    return [item.key for item in due.licences_expiring(day)]


def test_nothing_is_due_more_than_90_days_ahead(licence):
    assert keys(dt.date(2025, 11, 29)) == []


def test_the_90_day_reminder_names_the_licence_and_both_recipients(licence):
    items = list(due.licences_expiring(dt.date(2025, 11, 30)))
    assert [i.key for i in items] == [f"radiation.licence:{licence.pk}:90"]
    item = items[0]
    assert "01/2023/GP-SKHCN" in item.title and "28/02/2026" in item.title and "còn 90 ngày" in item.title
    assert item.recipients == ("atbx@khcn.local", "phongkham@example.vn")
    assert item.due_date == dt.date(2026, 2, 28) and not item.overdue


def test_keys_are_stable_per_licence_and_threshold(licence):
    assert keys(dt.date(2025, 12, 1)) == keys(dt.date(2026, 1, 28)) == [f"radiation.licence:{licence.pk}:90"]
    assert keys(dt.date(2026, 1, 29)) == keys(dt.date(2026, 2, 28)) == [f"radiation.licence:{licence.pk}:30"]
    assert keys(dt.date(2026, 3, 1)) == [f"radiation.licence:{licence.pk}:expired"]
    assert keys(dt.date(2026, 3, 30)) == [f"radiation.licence:{licence.pk}:expired"]
    assert keys(dt.date(2026, 3, 31)) == [], "31 days after expiry it is for an inspection, not a reminder"


def test_a_renewed_licence_is_not_reminded(licence, officer):
    services.licence_renew(licence=licence, number="05/2026/GP-SKHCN", issue_date=dt.date(2026, 2, 1), by=officer)
    assert keys(dt.date(2026, 2, 10)) == []


def test_a_revoked_licence_is_not_reminded(licence, officer):
    services.licence_transition(licence=licence, to="revoked", by=officer, reason="QĐ thu hồi")
    assert keys(dt.date(2026, 2, 10)) == []


@pytest.fixture
def only_radiation_checks(monkeypatch):
    """`remind` runs every app's checks; other apps are built in parallel, so keep ours only."""
    from django.utils.module_loading import autodiscover_modules

    from khcn.core import due as core_due

    autodiscover_modules("due")
    ours = {name: check for name, check in core_due.checks().items() if name.startswith("radiation.")}
    monkeypatch.setattr(core_due, "_CHECKS", ours)


def test_each_threshold_is_sent_once_then_the_next_one(licence, only_radiation_checks):
    with time_machine.travel(dt.datetime(2025, 12, 1, 8, 0)):
        call_command("remind", date="01/12/2025")
        call_command("remind", date="02/12/2025")
        call_command("remind", date="15/01/2026")
    assert len(mail.outbox) == 2, "one e-mail to the officer and one to the facility, on the first day only"
    assert {tuple(m.to) for m in mail.outbox} == {("atbx@khcn.local",), ("phongkham@example.vn",)}
    assert "01/2023/GP-SKHCN" in mail.outbox[0].body

    call_command("remind", date="30/01/2026")
    assert len(mail.outbox) == 4
    assert ReminderLog.objects.filter(key=f"radiation.licence:{licence.pk}:30").count() == 2


def test_device_verification_due_and_overdue(officer):
    facility = make_facility(officer, name="Phòng khám Hồng Phát (thử)")
    ct = make_device(officer, facility, kind="ct", last_verified_on=dt.date(2025, 12, 10))  # due 10/12/2026
    items = list(due.devices_due(dt.date(2026, 11, 26)))
    assert [i.key for i in items] == [f"radiation.device:{ct.pk}:2026-12-10:30"]
    assert "đến hạn kiểm định ngày 10/12/2026" in items[0].title
    overdue = list(due.devices_due(dt.date(2026, 12, 11)))
    assert overdue[0].overdue and overdue[0].key.endswith(":overdue")
    assert list(due.devices_due(dt.date(2026, 11, 9))) == []
