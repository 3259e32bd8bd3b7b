"""Reminders of instruments due for verification (due.py, run by `manage.py remind`)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from khcn.core.models import ReminderLog
from khcn.registries.metrology import due, services
from khcn.registries.metrology.tests.conftest import verify

pytestmark = pytest.mark.django_db


@pytest.fixture
def scales(types, owner, other_owner, body):
    """Four scales (12-month cycle): due 10/06/2024, due 20/07/2024, overdue since 01/05/2024,
    and one rejected; plus one overdue for more than a year."""
    made = {}
    with time_machine.travel(dt.datetime(2024, 1, 5, tzinfo=dt.UTC), tick=False):
        for serial, day, passed, holder in [
            ("C-SOON", dt.date(2023, 6, 10), True, owner),
            ("C-LATER", dt.date(2023, 7, 20), True, owner),
            ("C-LATE", dt.date(2023, 5, 1), True, other_owner),
            ("C-BAD", dt.date(2023, 6, 1), False, owner),
            ("C-GONE", dt.date(2022, 3, 1), True, owner),
        ]:
            scale = services.instrument_register(instrument_type=types["CAN"], serial=serial, owner=holder, by=None)
            verify(scale, day, body, passed=passed)
            made[serial] = scale
    return made


def items(today: dt.date) -> dict[str, due.DueItem]:
    return {item.key: item for item in due.verifications_due(today)}


def test_instruments_due_within_30_days_or_overdue_are_reminded(scales, quality_officer):
    quality_officer.email = "tdc@khcn.local"
    quality_officer.save()
    found = items(dt.date(2024, 6, 3))

    soon = f"metrology.instrument:{scales['C-SOON'].pk}:20240610"
    late = f"metrology.instrument:{scales['C-LATE'].pk}:20240501"
    assert set(found) == {soon, late}
    assert not found[soon].overdue and found[late].overdue
    assert (
        found[soon].title == "Cân đồng hồ lò xo số C-SOON của Cửa hàng xăng dầu số 12 đến hạn kiểm định ngày 10/06/2024"
    )
    assert "đã quá hạn kiểm định từ 01/05/2024" in found[late].title
    # The owner is told when the directory has its address, and the division always.
    assert found[soon].recipients == ("ch12@example.vn", "tdc@khcn.local")
    assert found[late].recipients == ("tdc@khcn.local",)
    assert found[soon].url.endswith(f"/metrology/instrument/{scales['C-SOON'].pk}/change/")


def test_the_key_stays_the_same_until_the_instrument_is_verified_again(scales, body):
    key = f"metrology.instrument:{scales['C-SOON'].pk}:20240610"
    assert key in items(dt.date(2024, 5, 20)) and key in items(dt.date(2024, 6, 12))
    assert key not in items(dt.date(2024, 5, 10))  # more than 30 days ahead

    with time_machine.travel(dt.datetime(2024, 6, 5, tzinfo=dt.UTC), tick=False):
        verify(scales["C-SOON"], dt.date(2024, 6, 5), body)
    assert key not in items(dt.date(2024, 6, 12))
    assert f"metrology.instrument:{scales['C-SOON'].pk}:20250605" in items(dt.date(2025, 5, 20))


def test_remind_sends_each_reminder_once_a_day(scales, quality_officer):
    quality_officer.email = "tdc@khcn.local"
    quality_officer.save()
    call_command("remind", date="03/06/2024")
    sent = {message.to[0]: message.body for message in mail.outbox}
    assert set(sent) == {"ch12@example.vn", "tdc@khcn.local"}
    assert "C-SOON" in sent["ch12@example.vn"] and "C-LATE" not in sent["ch12@example.vn"]
    assert "C-SOON" in sent["tdc@khcn.local"] and "(QUÁ HẠN)" in sent["tdc@khcn.local"]

    call_command("remind", date="03/06/2024")
    assert len(mail.outbox) == 2
    assert ReminderLog.objects.filter(key__startswith="metrology.").count() == 3


def test_archived_instruments_are_not_reminded(scales, quality_officer):
    services.record_archive(record=scales["C-SOON"], by=quality_officer, reason="Đã thanh lý")
    assert f"metrology.instrument:{scales['C-SOON'].pk}:20240610" not in items(dt.date(2024, 6, 3))
