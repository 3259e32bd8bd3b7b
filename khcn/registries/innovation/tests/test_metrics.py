"""The innovation figures on a hand-built fixture (facts.md: 3 start-ups, 3 Techfest enterprises,
~1,500 trainees, 1 start-up day)."""

from __future__ import annotations

import datetime as dt

import pytest

from khcn.core import metrics
from khcn.directory.models import Organisation
from khcn.registries.innovation import services
from khcn.registries.innovation.models import Event, StartupSupport, Training

pytestmark = pytest.mark.django_db
S = StartupSupport.SupportKind


@pytest.fixture
def fixture(technology_officer):
    by = technology_officer
    firms = [Organisation.objects.create(name=f"Doanh nghiệp {n}", kind=Organisation.Kind.ENTERPRISE) for n in range(5)]
    # Firm 0 gets two supports in 2023: it is one start-up supported.
    for firm, kind, year, amount in (
        (firms[0], S.IP, 2023, 10_000_000),
        (firms[0], S.TECHNOLOGY, 2023, 20_000_000),
        (firms[1], S.IP, 2023, 30_000_000),
        (firms[2], S.CONSULTING, 2023, 0),
        (firms[3], S.IP, 2024, 40_000_000),
    ):
        services.startup_support_save(
            support=StartupSupport(enterprise=firm, support_kind=kind, year=year, amount=amount), by=by
        )
    techfest = services.event_save(
        event=Event(
            name="Techfest vùng",
            kind=Event.Kind.FAIR,
            start_date=dt.date(2023, 9, 8),
            is_techfest=True,
            organised_by_department=False,
        ),
        by=by,
    )
    for firm in firms[:3]:
        services.event_participant_add(event=techfest, organisation=firm, by=by)
    day = services.event_save(
        event=Event(name="Ngày hội khởi nghiệp", kind=Event.Kind.STARTUP_DAY, start_date=dt.date(2023, 10, 27)), by=by
    )
    services.event_participant_add(event=day, organisation=firms[4], by=by)
    services.event_save(
        event=Event(name="Hội thảo 2024", kind=Event.Kind.WORKSHOP, start_date=dt.date(2024, 6, 14)), by=by
    )
    for date, count in ((dt.date(2023, 1, 1), 700), (dt.date(2023, 12, 31), 800), (dt.date(2024, 1, 1), 99)):
        services.training_save(training=Training(topic=f"Tập huấn {date}", date=date, trainee_count=count), by=by)
    return firms


def test_figures_of_2023(fixture):
    year = metrics.Period.year(2023)
    value = {m.key: m.compute(year) for m in metrics.all_metrics("innovation") if m.key != "innovation.news_items"}
    assert value["innovation.startups_supported"] == 3
    assert value["innovation.startup_support_amount"] == 60_000_000
    assert value["innovation.techfest_enterprises"] == 3
    assert value["innovation.trainees"] == 1500
    assert value["innovation.trainings"] == 2
    assert value["innovation.events"] == 1
    assert value["innovation.startup_days"] == 1


def test_a_period_within_a_year_counts_that_years_supports(fixture):
    quarter = metrics.Period(dt.date(2024, 4, 1), dt.date(2024, 7, 1))
    assert metrics.get("innovation.startups_supported").compute(quarter) == 1
    assert metrics.get("innovation.events").compute(quarter) == 1
