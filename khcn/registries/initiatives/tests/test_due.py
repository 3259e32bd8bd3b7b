"""Reminders for initiatives, with time frozen: recommendations still waiting for the decision."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from khcn.core import due
from khcn.registries.initiatives import due as initiatives_due  # noqa: F401  (registers the check)
from khcn.registries.initiatives import services

pytestmark = pytest.mark.django_db


def items(today):
    return [item for name, item in due.collect(today) if name == "initiatives.awaiting_recognition"]


def test_a_session_waiting_for_its_decision_is_reminded_once(build, province, science_officer):
    science_officer.email = "qlkh@khcn.local"
    science_officer.save()
    initiative, council = build.judged(yes=4)
    services.initiatives_apply_council_results(council=council, by=build.officer)
    # The session was on 16/06/2023: told from 16/07/2023 on.
    assert items(dt.date(2023, 7, 15)) == []
    (item,) = items(dt.date(2023, 7, 16))
    assert "1 sáng kiến" in item.title and item.extra["codes"] == initiative.code
    with time_machine.travel(dt.datetime(2023, 7, 16, 8, 0)):
        call_command("remind", date="16/07/2023")
        call_command("remind", date="17/07/2023")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["qlkh@khcn.local"]
    initiative.refresh_from_db()
    with time_machine.travel(dt.datetime(2023, 7, 20, 8, 0)):
        services.recognition_decision_issue(
            number="5/QĐ-UBND", date=dt.date(2023, 7, 20), issuer=province, initiatives=[initiative], by=build.officer
        )
    assert items(dt.date(2023, 7, 21)) == []
