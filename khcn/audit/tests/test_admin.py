"""The audit log in the back office: read-only, for superusers and the department's leaders only."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from khcn.audit import services
from khcn.audit.models import AuditEvent
from khcn.testing import make_user

Event = AuditEvent.Event
pytestmark = pytest.mark.django_db
CHANGELIST = "admin:audit_auditevent_changelist"


@pytest.fixture
def rows(science_officer):
    return [services.event_record(event=Event.LOGIN_FAILED, username=f"u{i}") for i in range(3)]


def test_the_leader_reads_the_log_and_filters_it(client, department_leader, rows, django_assert_max_num_queries):
    client.force_login(department_leader)
    with django_assert_max_num_queries(12):
        response = client.get(reverse(CHANGELIST), {"event__exact": Event.LOGIN_FAILED})
    assert response.status_code == 200
    body = response.content.decode()
    assert "u0" in body and "u2" in body
    detail = client.get(reverse("admin:audit_auditevent_change", args=[rows[0].pk]))
    assert detail.status_code == 200 and rows[0].row_hash in detail.content.decode()


def test_the_list_costs_the_same_for_a_few_rows_and_many_and_never_counts(client, department_leader, rows):
    client.force_login(department_leader)
    client.get(reverse(CHANGELIST))  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse(CHANGELIST))
    for i in range(30):
        services.event_record(event=Event.LOGIN, username=f"v{i}")
    with CaptureQueriesContext(connection) as many:
        client.get(reverse(CHANGELIST))
    assert len(many) == len(few)
    assert not any("COUNT(" in q["sql"] for q in many.captured_queries if "audit_auditevent" in q["sql"])


def test_a_superuser_reads_the_log(client, rows):
    client.force_login(make_user("sieu", is_superuser=True, is_staff=True))
    assert client.get(reverse(CHANGELIST)).status_code == 200


@pytest.mark.parametrize("persona", ["science_officer", "provincial_leader", "radiation_officer"])
def test_other_staff_get_403(client, request, persona, rows):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse(CHANGELIST)).status_code == 403
    assert client.get(reverse("admin:audit_auditevent_change", args=[rows[0].pk])).status_code == 403


def test_nobody_adds_changes_or_deletes(client, department_leader, rows):
    client.force_login(department_leader)
    assert client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    assert client.get(reverse("admin:audit_auditevent_delete", args=[rows[0].pk])).status_code == 403
    response = client.post(reverse("admin:audit_auditevent_change", args=[rows[0].pk]), {"actor_username": "x"})
    assert response.status_code == 403
    assert AuditEvent.objects.get(pk=rows[0].pk).actor_username == "u0"


def test_people_outside_the_back_office_are_sent_to_log_in(client):
    response = client.get(reverse(CHANGELIST))
    assert response.status_code == 302 and "login" in response["Location"]
