"""The dashboard's record panels: task money by year, tasks by field and status, proposals."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from khcn.accounts import roles
from khcn.reports import dashboard
from khcn.research import services
from khcn.research.tests.builders import Builder
from khcn.research.tests.test_execution_flow import approved_task, sign
from khcn.testing import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def money_world(science_officer):
    build = Builder(science_officer)
    task = sign(build, approved_task(build, budget=900_000_000, allocation=600_000_000, year=2024))
    finance = make_user("ke_toan_dash", roles.FINANCE_OFFICER)
    tranche = task.contract.tranches.order_by("number").first()
    services.disbursement_record(
        task=task, tranche=tranche, amount=250_000_000, paid_on=dt.date(2024, 4, 2), by=finance
    )
    return task


def test_the_task_money_panel_shows_allocated_and_disbursed_from_records(money_world):
    chart = dashboard.task_money_chart(2024)
    assert chart is not None
    svg = str(chart["svg"])
    assert "Năm 2024" in svg and "600.000.000" in svg and "250.000.000" in svg
    sources = str(dashboard.task_sources_chart(2024)["svg"])
    assert "Ngân sách nhà nước" in sources and "250.000.000" in sources
    assert dashboard.task_money_chart(2010) is None


def test_the_dashboard_page_draws_the_panels_for_a_whole_year(client, money_world, provincial_leader):
    client.force_login(provincial_leader)
    page = client.get(reverse("reports:dashboard", args=[2024])).content.decode()
    assert "Kinh phí NSNN cho nhiệm vụ" in page
    assert "Nhiệm vụ trong kế hoạch năm 2024 theo lĩnh vực" in page
    assert reverse("reports:due") in page
    # A quarter keeps to the report's figures.
    page = client.get(reverse("reports:dashboard", args=[2024]), {"quy": 1}).content.decode()
    assert "Kinh phí NSNN cho nhiệm vụ" not in page
