"""The demo data: individual records from which the 2023 figures of the seed are computed, loaded
twice without duplicates; every sanctioned establishment is an invented placeholder."""

from __future__ import annotations

import pytest

from khcn.accounts.models import User
from khcn.core import metrics
from khcn.registries.inspections import demo
from khcn.registries.inspections.models import Inspection, Sanction

pytestmark = pytest.mark.django_db


def test_the_demo_gives_the_2023_figures_and_loads_twice(db):
    User.objects.create_superuser(username="admin", password="x-demo-password-1", email="a@khcn.local")
    demo.load()
    counts = (Inspection.objects.count(), Sanction.objects.count())
    year = metrics.Period.year(2023)
    assert metrics.get("inspections.inspections").compute(year) == 12
    assert metrics.get("inspections.inspected_establishments").compute(year) == 112
    assert metrics.get("inspections.checked_establishments").compute(year) == 148
    assert metrics.get("inspections.fines_total").compute(year) == 7_500_000
    assert "0 bản ghi mới" in demo.load()
    assert (Inspection.objects.count(), Sanction.objects.count()) == counts
    for sanction in Sanction.objects.select_related("organisation"):
        assert "Hộ kinh doanh" in sanction.organisation.name and sanction.offender_name.endswith(
            (" A", " B", " C", " D")
        )
