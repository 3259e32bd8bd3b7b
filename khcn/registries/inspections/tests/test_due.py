"""Reminders: an unpaid fine near or past its deadline, a remedy past its deadline; once each."""

from __future__ import annotations

import datetime as dt

import pytest

from khcn import testing
from khcn.accounts import roles
from khcn.core.models import ReminderLog
from khcn.registries.inspections import due, services
from khcn.registries.inspections.models import Finding, Sanction

pytestmark = pytest.mark.django_db


@pytest.fixture
def fines(build, inspector):
    testing.make_user("inspector2", roles.INSPECTOR, email="kiemtra@khcn.local")
    campaign = build.campaign(start=dt.date(2023, 3, 1), establishments=3)
    a, b, c = campaign.establishments.order_by("pk")
    soon = build.sanction(campaign, a, payment_due=dt.date(2023, 3, 24))
    late = build.sanction(campaign, b, payment_due=dt.date(2023, 3, 16))
    build.sanction(
        campaign, c, payment_due=dt.date(2023, 3, 16), status=Sanction.Status.PAID, paid_on=dt.date(2023, 3, 15)
    )
    return soon, late


def test_unpaid_fines_near_or_past_their_deadline_are_reminded(fines):
    soon, late = fines
    items = list(due.sanctions_payment_due(dt.date(2023, 3, 21)))
    by_key = {i.key.split(":")[1]: i for i in items}
    assert set(by_key) == {str(soon.pk), str(late.pk)}
    assert by_key[str(late.pk)].overdue and "quá hạn nộp phạt" in by_key[str(late.pk)].title
    assert not by_key[str(soon.pk)].overdue and "đến hạn nộp phạt ngày 24/03/2023" in by_key[str(soon.pk)].title
    assert by_key[str(soon.pk)].recipients == ("kiemtra@khcn.local",)


def test_a_reminder_already_sent_is_not_sent_again(fines):
    items = list(due.sanctions_payment_due(dt.date(2023, 3, 21)))
    for item in items:
        ReminderLog.objects.create(
            key=item.key, recipient="kiemtra@khcn.local", sent_on=dt.date(2023, 3, 21), title=item.title
        )
    assert list(due.sanctions_payment_due(dt.date(2023, 3, 22))) == []


def test_a_remedy_past_its_deadline_is_reminded(build, inspector):
    campaign = build.campaign(establishments=1)
    services.finding_save(
        finding=Finding(
            inspection=campaign,
            organisation=campaign.establishments.get(),
            description="Niêm yết sai",
            follow_up=Finding.FollowUp.OPEN,
            follow_up_due=dt.date(2023, 4, 30),
        ),
        by=inspector,
    )
    assert list(due.follow_ups_overdue(dt.date(2023, 4, 30))) == []
    assert len(list(due.follow_ups_overdue(dt.date(2023, 5, 1)))) == 1
