"""Reminders of the technology registry, with time frozen: an unanswered request near and past its
deadline, a registered contract about to end; each told once per band."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from khcn.core import due
from khcn.registries.technology import due as technology_due  # noqa: F401  (registers the checks)
from khcn.registries.technology import services
from khcn.registries.technology.models import TechnologyOpinion

pytestmark = pytest.mark.django_db


def items(today):
    return [item for name, item in due.collect(today) if name.startswith("technology.")]


def test_an_unanswered_request_is_reminded_before_and_after_its_deadline(opinion):
    # Requested 02/05/2023; due 17/05/2023 (15 days).
    assert items(dt.date(2023, 5, 13)) == []
    soon = items(dt.date(2023, 5, 14))
    assert [i.key for i in soon] == [f"technology.opinion:{opinion.pk}:soon"]
    assert "Sắp đến hạn" in soon[0].title and "17/05/2023" in soon[0].title
    assert soon[0].recipients == ("qlcn@khcn.local",)
    late = items(dt.date(2023, 5, 18))
    assert late[0].overdue and late[0].key.endswith(":overdue")


def test_an_answered_request_is_not_reminded(opinion, technology_officer):
    services.opinion_answer(
        opinion=opinion,
        answer_number="1/SKHCN",
        answer_date=dt.date(2023, 5, 10),
        conclusion="agree",
        by=technology_officer,
    )
    assert items(dt.date(2023, 5, 18)) == []


def test_reminders_go_once_per_band(opinion):
    with time_machine.travel(dt.datetime(2023, 5, 14, 8, 0)):
        call_command("remind", date="14/05/2023")
        call_command("remind", date="15/05/2023")
        call_command("remind", date="18/05/2023")
        call_command("remind", date="19/05/2023")
    subjects = [m.subject + m.body for m in mail.outbox]
    assert len(mail.outbox) == 2, subjects


def test_a_contract_ending_within_thirty_days_is_reminded(issue):
    certificate = issue(contract_end=dt.date(2026, 3, 31))
    with time_machine.travel(dt.datetime(2026, 3, 1, 9, 0)):
        found = items(dt.date(2026, 3, 1))
        assert [i.key for i in found] == [f"technology.transfer:{certificate.pk}:2026-03-31"]
        assert "HĐ-01" in found[0].title
    assert items(dt.date(2026, 2, 28)) == []


@time_machine.travel(dt.datetime(2023, 5, 20, 9, 0))
def test_answered_late_follows_the_rule_not_the_clock(project, technology_officer):
    opinion = services.opinion_save(
        opinion=TechnologyOpinion(
            project=project, request_date=dt.date(2023, 5, 2), answer_date=dt.date(2023, 5, 17), conclusion="agree"
        ),
        by=technology_officer,
    )
    assert opinion.answered_late is False
