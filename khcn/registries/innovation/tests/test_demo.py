"""The demo data: the 2023 innovation figures of the seed computed from individual records."""

from __future__ import annotations

import pytest

from khcn.accounts.models import User
from khcn.core import metrics
from khcn.registries.innovation import demo

pytestmark = pytest.mark.django_db


def test_the_demo_gives_the_2023_figures_and_loads_twice(db):
    User.objects.create_superuser(username="admin", password="x-demo-password-1", email="a@khcn.local")
    demo.load()
    year = metrics.Period.year(2023)
    assert metrics.get("innovation.startups_supported").compute(year) == 3
    assert metrics.get("innovation.techfest_enterprises").compute(year) == 3
    assert metrics.get("innovation.trainees").compute(year) == 1500
    assert metrics.get("innovation.events").compute(year) == 1
    assert metrics.get("innovation.startup_days").compute(year) == 1
    assert demo.load().startswith("0 bản ghi mới")
