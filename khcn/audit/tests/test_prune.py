"""Retention: `manage.py audit_prune` removes only rows older than AUDIT_RETENTION_DAYS (≥ 365)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from khcn.audit import services
from khcn.audit.checks import retention_check
from khcn.audit.models import AuditEvent
from khcn.audit.selectors import chain_verify

Event = AuditEvent.Event
pytestmark = pytest.mark.django_db


def _record_days_ago(days: int, name: str) -> AuditEvent:
    with time_machine.travel(timezone.now() - dt.timedelta(days=days), tick=False):
        return services.event_record(event=Event.LOGIN_FAILED, username=name)


def test_prune_removes_only_rows_past_retention_and_logs_itself(settings):
    settings.AUDIT_RETENTION_DAYS = 400
    _record_days_ago(500, "rat_cu")
    _record_days_ago(401, "cu")
    kept = [_record_days_ago(399, "con_han"), _record_days_ago(10, "moi")]
    out = io.StringIO()
    call_command("audit_prune", stdout=out)
    assert "Đã xoá 2 dòng" in out.getvalue()
    names = list(AuditEvent.objects.order_by("id").values_list("actor_username", "event"))
    assert names == [("con_han", Event.LOGIN_FAILED), ("moi", Event.LOGIN_FAILED), ("", Event.PRUNE)]
    assert AuditEvent.objects.get(event=Event.PRUNE).details["deleted"] == 2
    # What is left still verifies, from its first row onwards.
    report = chain_verify()
    assert report.ok and report.starts_after_pruning
    assert AuditEvent.objects.order_by("id").first().pk == kept[0].pk


def test_nothing_to_prune_writes_nothing(settings):
    _record_days_ago(30, "moi")
    assert services.audit_prune() == 0
    assert AuditEvent.objects.count() == 1


@pytest.mark.parametrize("days", [0, 90, 364])
def test_a_retention_under_a_year_is_refused(settings, days):
    settings.AUDIT_RETENTION_DAYS = days
    _record_days_ago(400, "cu")
    with pytest.raises(CommandError, match="ít nhất 365"):
        call_command("audit_prune", stdout=io.StringIO())
    assert AuditEvent.objects.count() == 1
    assert [e.id for e in retention_check()] == ["audit.E001"]


def test_the_default_retention_is_400_days(settings):
    del settings.AUDIT_RETENTION_DAYS
    assert services.retention_days() == 400
    assert retention_check() == []
