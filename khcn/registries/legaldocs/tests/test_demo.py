"""The demo library: 2 legal normative and 9 directive documents drafted in 2023, loaded twice
without duplicates; the 2013 S&T law replaced by the 2025 law from 01/10/2025."""

from __future__ import annotations

import datetime as dt

import pytest

from khcn.accounts.models import User
from khcn.core import metrics
from khcn.registries.legaldocs import demo
from khcn.registries.legaldocs.models import LegalDocument

pytestmark = pytest.mark.django_db


def test_the_demo_gives_the_2023_figures_and_loads_twice(db):
    User.objects.create_superuser(username="admin", password="x-demo-password-1", email="a@khcn.local")
    demo.load()
    year = metrics.Period.year(2023)
    assert metrics.get("legaldocs.normative").compute(year) == 2
    assert metrics.get("legaldocs.directive").compute(year) == 9
    assert demo.load().startswith("0 bản ghi mới")
    old_law = LegalDocument.objects.get(number="29/2013/QH13")
    assert old_law.expired and old_law.expired_on == dt.date(2025, 10, 1)
