"""The hash chain: `manage.py audit_verify` passes on an intact log and names a changed or removed row."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from khcn.audit import services
from khcn.audit.models import GENESIS, AuditEvent
from khcn.audit.selectors import chain_verify

Event = AuditEvent.Event
pytestmark = pytest.mark.django_db


@pytest.fixture
def log(science_officer):
    rows = [
        services.event_record(event=Event.LOGIN, actor=science_officer),
        services.event_record(event=Event.EXPORT, actor=science_officer, details={"dataset": "people", "rows": 12}),
        services.event_record(event=Event.LOGIN_FAILED, username="khach", details={"ghi_chu": "tiếng Việt"}),
        services.event_record(event=Event.LOGOUT, actor=science_officer),
    ]
    return rows


def _sql(statement: str, params: list) -> None:
    # Goes around the model, as an attacker with database access would. On PostgreSQL that attacker
    # owns the table and switches the append-only trigger off first (why production runs the app
    # under a role that does not own it, docs/deploy.md); the chain must still show the change.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        cursor.execute(statement, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")


def test_each_row_is_chained_to_the_one_before(log):
    assert log[0].prev_hash == GENESIS
    assert [r.prev_hash for r in log[1:]] == [r.row_hash for r in log[:-1]]
    assert len({r.row_hash for r in log}) == 4


def test_an_intact_log_verifies(log):
    report = chain_verify(chunk_size=2)
    assert report.ok and report.checked == 4
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    assert "4 dòng" in out.getvalue()


def test_a_changed_row_breaks_the_chain(log):
    _sql("UPDATE audit_auditevent SET details = %s WHERE id = %s", ['{"dataset": "people", "rows": 1}', log[1].pk])
    report = chain_verify()
    assert report.breaks == [(log[1].pk, "row_hash")]
    with pytest.raises(CommandError, match="đứt"):
        call_command("audit_verify", stdout=io.StringIO(), stderr=io.StringIO())


def test_a_row_removed_from_the_middle_breaks_the_chain(log):
    _sql("DELETE FROM audit_auditevent WHERE id = %s", [log[2].pk])
    assert chain_verify().breaks == [(log[3].pk, "prev_hash")]


def test_a_rewritten_row_with_a_recomputed_hash_still_breaks_the_next_link(log):
    forged = AuditEvent.objects.get(pk=log[0].pk)
    forged.actor_username = "nguoi_khac"
    _sql(
        "UPDATE audit_auditevent SET actor_username = %s, row_hash = %s WHERE id = %s",
        ["nguoi_khac", services.chain_hash(forged.prev_hash, forged), log[0].pk],
    )
    assert chain_verify().breaks == [(log[1].pk, "prev_hash")]


def test_an_empty_log_verifies(db):
    assert chain_verify().ok
