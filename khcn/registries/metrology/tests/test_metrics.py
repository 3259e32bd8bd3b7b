"""The report's metrology figures, on a hand-built set of verifications."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from khcn.core import metrics
from khcn.directory.models import AdministrativeUnit, Organisation
from khcn.registries.metrology import services
from khcn.registries.metrology.models import Verification
from khcn.registries.metrology.tests.conftest import verify

pytestmark = pytest.mark.django_db


@time_machine.travel(dt.datetime(2024, 6, 3, tzinfo=dt.UTC), tick=False)
def test_verified_passed_and_rejected_are_counted_by_year_and_area(types, owner, unit, body, quality_officer):
    elsewhere = AdministrativeUnit.objects.create(code="01", name="Hà Nội", level=AdministrativeUnit.Level.PROVINCE)
    far_owner = Organisation.objects.create(name="Cơ sở ở Hà Nội", administrative_unit=elsewhere)
    plan = [
        (owner, dt.date(2023, 1, 10), True),
        (owner, dt.date(2023, 6, 30), True),
        (owner, dt.date(2023, 12, 31), False),
        (far_owner, dt.date(2023, 5, 5), True),
        (owner, dt.date(2022, 12, 31), True),  # another year
        (owner, dt.date(2024, 1, 1), False),  # another year
    ]
    for n, (holder, day, passed) in enumerate(plan):
        scale = services.instrument_register(instrument_type=types["CAN"], serial=f"C-{n}", owner=holder, by=None)
        verify(scale, day, body, passed=passed)
    archived = Verification.objects.get(instrument__serial="C-1")
    services.verification_archive(verification=archived, by=quality_officer, reason="Trùng")

    year = metrics.Period.year(2023)
    figures = {
        key: metrics.get(key).compute(year) for key in ("metrology.verified", "metrology.passed", "metrology.rejected")
    }
    assert figures == {"metrology.verified": 3, "metrology.passed": 2, "metrology.rejected": 1}

    in_province = {unit.pk, unit.parent_id}
    assert metrics.get("metrology.verified").compute(year, units=in_province) == 2
    assert metrics.get("metrology.rejected").compute(year, units=in_province) == 1
    assert metrics.get("metrology.verified").compute(metrics.Period.year(2024)) == 1


def test_the_figures_are_declared_in_the_metrology_section():
    keys = [m.key for m in metrics.all_metrics("metrology")]
    assert keys == ["metrology.verified", "metrology.passed", "metrology.rejected"]
    assert str(metrics.get("metrology.rejected").label) == "Phương tiện đo không đạt, bị loại bỏ"
