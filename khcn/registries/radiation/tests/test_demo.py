"""The demo loader gives the 2023 report's figures by counting records, and a second run adds nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from khcn.core import metrics
from khcn.directory import demo as directory_demo
from khcn.registries.radiation import demo, selectors
from khcn.registries.radiation.models import Device, MeasurementPoint, RadiationLicence, Survey
from khcn.registries.radiation.selectors import LicenceState


@pytest.mark.django_db
def test_demo_loads_the_2023_figures_and_is_idempotent():
    directory_demo.load()
    demo.load()
    year = metrics.Period.year(2023)
    assert metrics.get("radiation.licences_issued").compute(year) == 28
    assert metrics.get("radiation.worker_certificates_issued").compute(year) == 24
    assert metrics.get("radiation.trainees").compute(year) >= 50
    assert metrics.get("radiation.staff_trained").compute(year) == 15
    assert metrics.get("radiation.survey_points").compute(year) == 3500
    licensed_2023 = RadiationLicence.objects.filter(issue_date__year=2023).values("facility").distinct().count()
    assert 20 <= licensed_2023 <= 28

    survey = Survey.objects.get(code=demo.SURVEY_CODE)
    points = selectors.survey_points(survey)
    values = [float(p.value) for p in points]
    assert sum(50 <= v <= 200 for v in values) >= 3490
    flags = selectors.flag_points(points, selectors.survey_rule_in_force())
    assert sum(f.above_threshold for f in flags.values()) == 3
    assert any(f.above_local_median and not f.above_threshold for f in flags.values())

    # Unfavourable states (an expired licence, an overdue verification) only on invented clinics
    # (demo-realism.md), as seen on the demo's day.
    real = {name for _key, name, _kind, _unit, is_real in demo.FACILITIES if is_real}
    day = dt.date(2026, 11, 26)
    for licence in selectors.with_followed(RadiationLicence.objects.filter(facility__name__in=real)):
        assert selectors.licence_state(licence, day) != LicenceState.EXPIRED or licence.followed, licence
    assert not Device.objects.filter(facility__name__in=real, next_verification_due__lt=day).exists()
    invented_expired = [
        lic
        for lic in selectors.with_followed(RadiationLicence.objects.exclude(facility__name__in=real))
        if selectors.licence_state(lic, day) == LicenceState.EXPIRED
    ]
    assert invented_expired, "the demo shows an expired licence, on an invented clinic"

    counts = (RadiationLicence.objects.count(), MeasurementPoint.objects.count(), MeasurementPoint.history.count())
    assert demo.load().startswith("0 cơ sở mới; 0 thiết bị mới; 0 giấy phép mới")
    assert (
        RadiationLicence.objects.count(),
        MeasurementPoint.objects.count(),
        MeasurementPoint.history.count(),
    ) == counts
