"""Audit rows cannot be changed or deleted: by the model everywhere, by a trigger on PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from khcn.audit import services
from khcn.audit.models import AppendOnlyError, AuditEvent

Event = AuditEvent.Event
pytestmark = pytest.mark.django_db


@pytest.fixture
def row():
    return services.event_record(event=Event.LOGIN_FAILED, username="ai_do")


def test_a_saved_row_cannot_be_saved_again(row):
    row.actor_username = "nguoi_khac"
    with pytest.raises(AppendOnlyError):
        row.save()
    assert AuditEvent.objects.get().actor_username == "ai_do"


def test_a_row_cannot_be_deleted_one_by_one_or_in_bulk(row):
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=row.pk).update(actor_username="x")
    assert AuditEvent.objects.count() == 1


def test_rows_are_only_written_through_the_chain(row):
    with pytest.raises(AppendOnlyError):
        AuditEvent(event=Event.LOGIN).save()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.bulk_create([AuditEvent(event=Event.LOGIN, row_hash="f" * 64)])
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.bulk_update([row], ["actor_username"])


@pytest.mark.postgres_only
def test_postgresql_refuses_an_update_even_in_raw_sql(row):
    assert connection.vendor == "postgresql"
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET actor_username = 'x' WHERE id = %s", [row.pk])
    assert AuditEvent.objects.get().actor_username == "ai_do"


@pytest.mark.postgres_only
def test_postgresql_refuses_to_delete_a_row_within_retention(row):
    with pytest.raises(DatabaseError, match="retention"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [row.pk])
    assert AuditEvent.objects.filter(pk=row.pk).exists()


@pytest.mark.postgres_only
def test_postgresql_lets_rows_past_retention_be_deleted():
    # The trigger reads the database's clock, so travelling back in Python makes a really old row.
    with time_machine.travel(timezone.now() - dt.timedelta(days=366), tick=False):
        old = services.event_record(event=Event.LOGIN, username="cu")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [old.pk])
    assert not AuditEvent.objects.filter(pk=old.pk).exists()
