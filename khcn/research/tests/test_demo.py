"""The demo loader: the seed article's figures, computed by the system from individual records."""

from __future__ import annotations

import importlib

import pytest
from django.urls import reverse

from khcn.core import demo
from khcn.research import metrics, selectors
from khcn.research.models import (
    Acceptance,
    Contract,
    Grade,
    Plan,
    PlanItem,
    ProgressReport,
    Proposal,
    ResultRegistration,
    Settlement,
    Task,
)

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
    _check_execution(plan_2022=selectors.plan_for_year(2022), in_2023=in_2023, carried_2024=carried_2024)

    # 78 proposals; the 15 new tasks are the recommended ones, put in the plan by its decision.
    assert metrics.value("research.proposals_received", 2024) == 78
    # The demo's call is the province's own (issue 7): the province's figure is the same 78.
    assert metrics.value("research.proposals_received", 2024, plan_2024.province) == 78
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


def _check_execution(*, plan_2022: Plan, in_2023: set[int], carried_2024: set[int]) -> None:
    """Part 2 on the same load: every figure below is read back from the records."""
    TS = Task.Status
    ended = in_2023 - carried_2024

    # The 2022 plan gives the money of 2022 a basis: the 39 tasks that began in 2021–2022.
    assert plan_2022.status == Plan.Status.APPROVED
    assert PlanItem.objects.filter(plan=plan_2022).count() == 39
    assert set(PlanItem.objects.filter(plan=plan_2022).values_list("task_id", flat=True)) <= in_2023

    # Every task of 2023 is under contract, with 2 or 3 tranches adding up to at most its budget.
    contracts = Contract.objects.filter(task_id__in=in_2023).prefetch_related("tranches")
    assert contracts.count() == 50
    for contract in contracts:
        amounts = [t.amount for t in contract.tranches.all()]
        assert len(amounts) in (2, 3) and sum(amounts) <= contract.state_budget

    # Money invariants for every task: per budget year, disbursed <= allocated + carried in;
    # settled <= disbursed; the 27 carried have 2024 allocations equal to the 2024 plan's lines.
    plan_2024 = selectors.plan_for_year(2024)
    lines_2024 = dict(PlanItem.objects.filter(plan=plan_2024).values_list("task_id", "allocation"))
    for task in Task.objects.filter(pk__in=in_2023):
        money = selectors.task_money(task)
        for row in money.years:
            assert 0 <= row.disbursed <= row.allocated + row.carried_in, (task.code, row)
            assert row.carried_out <= max(row.remaining, 0), (task.code, row)
        assert money.settled_total + money.recovered_total <= money.disbursed_total, task.code
        assert money.disbursed_total <= task.contract.state_budget, task.code
        if task.pk in carried_2024:
            assert money.year(2024).allocated == lines_2024[task.pk], task.code

    # The 23 that ended in 2023: graded by an acceptance council, then closed (the failed one
    # after its funds were recovered); every one accepted has its results registered.
    grades = dict(Acceptance.objects.filter(task_id__in=ended).exclude(grade="").values_list("task_id", "grade"))
    assert len(grades) == 23
    assert sorted(set(grades.values())) == [Grade.EXCELLENT, Grade.FAILED, Grade.PASSED]
    assert list(grades.values()).count(Grade.FAILED) == 1
    failed = next(pk for pk, grade in grades.items() if grade == Grade.FAILED)
    assert Task.objects.get(pk=failed).recoveries.exists()
    assert ResultRegistration.objects.filter(task_id__in=ended).count() == 22
    assert Settlement.objects.filter(task_id__in=ended, is_final=True).count() == 23
    assert Contract.objects.filter(task_id__in=ended, liquidated_on__isnull=False).count() == 23

    # The 27 carried into 2024: at every stage on the demo's today, and none lost on the way.
    statuses = set(Task.objects.filter(pk__in=carried_2024).values_list("status", flat=True))
    assert {TS.IN_PROGRESS, TS.SUSPENDED, TS.AWAITING_ACCEPTANCE, TS.ACCEPTED, TS.COMPLETED} <= statuses
    assert ProgressReport.objects.filter(status=ProgressReport.Status.ACCEPTED).count() > 100
    assert metrics.value("research.tasks_under_contract", 2023) == 50
    assert metrics.value("research.tasks_under_contract", 2024) == 27
    assert (
        sum(metrics.value("research.tasks_graded_by_grade", 2023).values())
        + sum(metrics.value("research.tasks_graded_by_grade", 2024).values())
        >= 23
    )
    assert metrics.value("research.state_budget_disbursed", 2023) == sum(
        selectors.task_money(t).year(2023).disbursed for t in Task.objects.filter(pk__in=in_2023)
    )
    assert metrics.value("research.result_applications", 2024) > 0
    assert metrics.value("research.result_applications", 2025) > 0
