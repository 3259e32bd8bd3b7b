"""The innovation back office: staff read, the technology division edits, form errors from the
service's checks, participants in the inline, list pages of fixed cost."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from khcn.directory.models import Organisation
from khcn.registries.innovation import services
from khcn.registries.innovation.models import Event, EventParticipation, StartupSupport, Training
from khcn.testing import empty_inline

pytestmark = pytest.mark.django_db
MODELS = ("startupsupport", "event", "training")


@pytest.mark.parametrize("persona", ["technology_officer", "science_officer", "provincial_leader"])
def test_staff_open_every_list(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    for model in MODELS:
        assert client.get(reverse(f"admin:innovation_{model}_changelist")).status_code == 200, model


@pytest.mark.parametrize("persona", ["science_officer", "inspector"])
def test_other_divisions_cannot_add(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    for model in MODELS:
        assert client.get(reverse(f"admin:innovation_{model}_add")).status_code == 403, model


def test_an_event_with_its_participants_is_recorded_in_the_back_office(client, technology_officer, startup):
    client.force_login(technology_officer)
    other = Organisation.objects.create(name="Công ty TNHH Thứ hai")
    data = {
        "name": "Techfest vùng Đồng bằng sông Hồng 2023",
        "kind": "fair",
        "start_date": "08/09/2023",
        "end_date": "09/09/2023",
        "location": "Nam Định",
        "organisers": "",
        "is_techfest": "on",
        "note": "",
        "participations-TOTAL_FORMS": "2",
        "participations-INITIAL_FORMS": "0",
        "participations-MIN_NUM_FORMS": "0",
        "participations-MAX_NUM_FORMS": "1000",
        "participations-0-organisation": str(startup.pk),
        "participations-0-role": "exhibitor",
        "participations-1-organisation": str(other.pk),
        "participations-1-role": "matching",
        **empty_inline(),
    }
    response = client.post(reverse("admin:innovation_event_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    event = Event.objects.get()
    assert event.is_techfest and not event.organised_by_department
    assert set(EventParticipation.objects.values_list("organisation__name", flat=True)) == {startup.name, other.name}


def test_an_event_ending_before_it_starts_shows_on_the_form(client, technology_officer):
    client.force_login(technology_officer)
    data = {
        "name": "Sự kiện",
        "kind": "workshop",
        "start_date": "09/09/2023",
        "end_date": "08/09/2023",
        "participations-TOTAL_FORMS": "0",
        "participations-INITIAL_FORMS": "0",
        "participations-MIN_NUM_FORMS": "0",
        "participations-MAX_NUM_FORMS": "1000",
        **empty_inline(),
    }
    response = client.post(reverse("admin:innovation_event_add"), data)
    assert response.status_code == 200
    assert "không được trước ngày bắt đầu" in response.content.decode()
    assert not Event.objects.exists()


def test_a_negative_amount_shows_on_the_form(client, technology_officer, startup):
    client.force_login(technology_officer)
    data = {"enterprise": startup.pk, "year": 2023, "support_kind": "ip", "amount": "-5", **empty_inline()}
    response = client.post(reverse("admin:innovation_startupsupport_add"), data)
    assert response.status_code == 200
    assert not StartupSupport.objects.exists()


@pytest.mark.parametrize("model", MODELS)
def test_lists_cost_the_same_for_few_or_many(client, technology_officer, startup, model, django_assert_num_queries):
    def add(n):
        services.startup_support_save(
            support=StartupSupport(enterprise=startup, year=2000 + n, support_kind="ip", amount=n),
            by=technology_officer,
        )
        event = services.event_save(
            event=Event(name=f"Sự kiện {n}", kind="fair", start_date=dt.date(2023, 1, 1) + dt.timedelta(days=n)),
            by=technology_officer,
        )
        services.event_participant_add(event=event, organisation=startup, by=technology_officer)
        services.training_save(
            training=Training(topic=f"Lớp {n}", date=dt.date(2023, 1, 1) + dt.timedelta(days=n), trainee_count=n + 1),
            by=technology_officer,
        )

    add(1)
    client.force_login(technology_officer)
    url = reverse(f"admin:innovation_{model}_changelist")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(2, 20):
        add(n)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url)
