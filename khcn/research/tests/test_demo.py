"""The demo loader: the seed article's figures, computed by the system from individual records."""

from __future__ import annotations

import importlib

import pytest
from django.urls import reverse

from khcn.core import demo
from khcn.research import metrics, selectors
from khcn.research.models import Plan, PlanItem, Proposal, Task

DEMOS = ("khcn.directory.demo", "khcn.councils.demo", "khcn.research.demo")
GROUPS_2024 = [15, 5, 5, 6, 3, 1, 3, 4]


def _load() -> None:
    for module in DEMOS:
        importlib.import_module(module)
    loaders = dict(demo.loaders())
    for module in DEMOS:
        loaders[module]()


@pytest.mark.django_db
def test_the_demo_plans_add_up_to_the_articles_figures(client, django_assert_max_num_queries):
    # One test loads the demo once (it is the slow part) and checks everything the article states.
    _load()

    plan_2024 = selectors.plan_for_year(2024)
    assert plan_2024.status == Plan.Status.APPROVED
    assert (plan_2024.decision.number, plan_2024.decision.date.isoformat()) == ("105/QĐ-UBND", "2024-01-15")
    summary = selectors.plan_summary(plan_2024)
    assert (summary.count, summary.carried_over, summary.new) == (42, 27, 15)
    assert [row.count for row in summary.by_group] == GROUPS_2024
    assert summary.allocation == 27_273_000_000

    plan_2023 = selectors.plan_for_year(2023)
    summary_2023 = selectors.plan_summary(plan_2023)
    assert (summary_2023.count, summary_2023.carried_over, summary_2023.new) == (50, 39, 11)

    # The 27 carried into 2024 are 27 of the 2023 plan's 50 tasks: the same rows.
    carried_2024 = set(PlanItem.objects.filter(plan=plan_2024, carried_over=True).values_list("task_id", flat=True))
    in_2023 = set(PlanItem.objects.filter(plan=plan_2023).values_list("task_id", flat=True))
    assert len(carried_2024) == 27 and carried_2024 <= in_2023
    assert Task.objects.filter(pk__in=in_2023 - carried_2024, status=Task.Status.COMPLETED).count() == 23

    # 78 proposals; the 15 new tasks are the recommended ones, put in the plan by its decision.
    assert metrics.value("research.proposals_received", 2024) == 78
    assert Proposal.objects.filter(call__year=2024, status=Proposal.Status.IN_PLAN).count() == 15
    assert Task.objects.filter(plan_year=2024, proposal__isnull=False).count() == 15
    assert metrics.value("research.plan_tasks", 2024) == 42
    assert metrics.value("research.plan_tasks_carried_over", 2024) == 27
    assert metrics.value("research.plan_tasks_new", 2024) == 15
    assert list(metrics.value("research.plan_tasks_by_group", 2024).values()) == GROUPS_2024
    assert metrics.value("research.plan_budget_total", 2024) == 27_273_000_000
    assert metrics.value("research.plan_tasks", 2023) == 50

    from khcn.councils.models import Council, ScoreSheet

    council = Council.objects.get(kind="identification", name__contains="năm 2024")
    assert 5 <= council.members.count() <= 9
    assert ScoreSheet.objects.filter(council_object__council=council).count() == council.members.count() * 69

    # The plan page shows the figures because the records add up to them.
    from khcn.accounts.models import User

    client.force_login(User.objects.get(username="qlkh"))
    with django_assert_max_num_queries(30):
        page = client.get(reverse("research:plan-detail", args=[plan_2024.pk])).content.decode()
    for text in ("42", "27", "15", "27.273.000.000 đ", "Quyết định số 105/QĐ-UBND ngày 15/01/2024"):
        assert text in page

    # Loading again changes nothing.
    counts = (Proposal.objects.count(), Task.objects.count(), PlanItem.objects.count(), ScoreSheet.objects.count())
    demo.loaders()
    dict(demo.loaders())["khcn.research.demo"]()
    assert (
        Proposal.objects.count(),
        Task.objects.count(),
        PlanItem.objects.count(),
        ScoreSheet.objects.count(),
    ) == counts
