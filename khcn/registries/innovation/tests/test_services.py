"""Writes of the innovation registry: amounts in whole đồng, dates in order, each enterprise once
per event, and only the technology division writes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from khcn.directory.models import OfficialDocument, Organisation
from khcn.registries.innovation import services
from khcn.registries.innovation.models import Event, EventParticipation, StartupSupport, Training

pytestmark = pytest.mark.django_db


def support(startup, **fields):
    values = {"enterprise": startup, "year": 2023, "support_kind": StartupSupport.SupportKind.IP, "amount": 45_000_000}
    values.update(fields)
    return StartupSupport(**values)


def test_a_support_is_recorded_with_history(technology_officer, startup):
    saved = services.startup_support_save(support=support(startup), by=technology_officer)
    assert saved.amount == 45_000_000
    assert saved.history.first().history_user == technology_officer


def test_a_negative_amount_is_refused(technology_officer, startup):
    with pytest.raises(ValidationError) as exc:
        services.startup_support_save(support=support(startup, amount=-1), by=technology_officer)
    assert "không được âm" in exc.value.message_dict["amount"][0]
    assert not StartupSupport.objects.exists()


def test_a_decision_of_another_year_is_refused(technology_officer, startup):
    decision = OfficialDocument.objects.create(
        number="15/QĐ-SKHCN",
        date=dt.date(2022, 12, 20),
        issuer=Organisation.objects.create(name="Sở KH&CN"),
        subject="Hỗ trợ",
    )
    with pytest.raises(ValidationError) as exc:
        services.startup_support_save(support=support(startup, decision=decision), by=technology_officer)
    assert "không thuộc năm hỗ trợ 2023" in exc.value.message_dict["decision"][0]


def test_an_event_cannot_end_before_it_starts(technology_officer):
    event = Event(name="Techfest", kind=Event.Kind.FAIR, start_date=dt.date(2023, 9, 9), end_date=dt.date(2023, 9, 8))
    with pytest.raises(ValidationError) as exc:
        services.event_save(event=event, by=technology_officer)
    assert "không được trước ngày bắt đầu" in exc.value.message_dict["end_date"][0]
    assert not Event.objects.exists()


def test_an_enterprise_takes_part_in_an_event_once(technology_officer, startup):
    event = services.event_save(
        event=Event(name="Techfest", kind=Event.Kind.FAIR, start_date=dt.date(2023, 9, 8), is_techfest=True),
        by=technology_officer,
    )
    services.event_participant_add(event=event, organisation=startup, by=technology_officer)
    with pytest.raises(ValidationError):
        services.event_participant_add(event=event, organisation=startup, by=technology_officer)
    assert EventParticipation.objects.count() == 1


def test_a_training_has_trainees_and_dates_in_order(technology_officer):
    with pytest.raises(ValidationError):
        services.training_save(
            training=Training(topic="SHTT", date=dt.date(2023, 3, 2), end_date=dt.date(2023, 3, 1), trainee_count=10),
            by=technology_officer,
        )
    with pytest.raises(ValidationError):
        services.training_save(
            training=Training(topic="SHTT", date=dt.date(2023, 3, 2), trainee_count=0), by=technology_officer
        )
    assert not Training.objects.exists()


@pytest.mark.parametrize(
    "persona", ["science_officer", "inspector", "department_leader", "provincial_leader", "outsider"]
)
def test_only_the_technology_division_writes(request, persona, startup):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        services.startup_support_save(support=support(startup), by=user)
    with pytest.raises(PermissionDenied):
        services.training_save(training=Training(topic="SHTT", date=dt.date(2023, 3, 2), trainee_count=10), by=user)
    assert not StartupSupport.objects.exists() and not Training.objects.exists()


def test_archiving_takes_a_record_out_of_the_figures(technology_officer, startup):
    saved = services.startup_support_save(support=support(startup), by=technology_officer)
    services.innovation_archive(record=saved, by=technology_officer, reason="Nhập trùng")
    assert not StartupSupport.objects.active().exists()
