"""The inspection figures on a hand-built fixture (facts.md: 12 inspections at 112 establishments,
checks at 148 establishments, 7,500,000 VND in fines)."""

from __future__ import annotations

import datetime as dt

import pytest

from khcn.core import metrics
from khcn.registries.inspections import services
from khcn.registries.inspections.models import Inspection, Sanction

pytestmark = pytest.mark.django_db
TT, KT = Inspection.Kind.INSPECTION, Inspection.Kind.CHECK


def test_figures_of_2023(build, inspector):
    shared = build.establishment("Cửa hàng được thanh tra hai lần")
    first = build.campaign(kind=TT, start=dt.date(2023, 3, 1), establishments=[shared, build.establishment()])
    build.campaign(
        kind=TT,
        start=dt.date(2023, 9, 1),
        end=None,
        establishments=[shared, build.establishment(), build.establishment()],
    )
    build.campaign(kind=TT, start=dt.date(2022, 12, 1), end=None, establishments=2)  # 2022
    check = build.campaign(kind=KT, start=dt.date(2023, 5, 1), end=None, establishments=4)
    archived = build.campaign(kind=KT, start=dt.date(2023, 6, 1), end=None, establishments=3)
    services.inspection_archive(inspection=archived, by=inspector, reason="Nhập trùng")

    build.sanction(first, shared, amount=2_500_000)
    build.sanction(
        check,
        check.establishments.first(),
        amount=5_000_000,
        decision_date=dt.date(2023, 5, 10),
        payment_due=dt.date(2023, 5, 20),
    )
    wrong = build.sanction(
        check,
        check.establishments.last(),
        amount=9_000_000,
        decision_date=dt.date(2023, 5, 10),
        payment_due=dt.date(2023, 5, 20),
    )
    services.sanction_archive(sanction=wrong, by=inspector, reason="Nhập nhầm")
    late = build.campaign(kind=KT, start=dt.date(2023, 12, 20), end=None, establishments=1)
    build.sanction(
        late,
        late.establishments.get(),
        amount=1_000_000,
        decision_date=dt.date(2024, 1, 5),
        payment_due=dt.date(2024, 1, 15),
    )

    year = metrics.Period.year(2023)
    value = {m.key: m.compute(year) for m in metrics.all_metrics("inspections")}
    assert value["inspections.inspections"] == 2
    assert value["inspections.inspected_establishments"] == 4  # the shared one once
    assert value["inspections.checks"] == 2
    assert value["inspections.checked_establishments"] == 5
    assert value["inspections.sanctions"] == 2
    assert value["inspections.fines_total"] == 7_500_000
    assert metrics.get("inspections.fines_total").compute(metrics.Period.year(2024)) == 1_000_000
    assert Sanction.objects.count() == 4
