"""The money invariants of docs/workflow.md ("Money"), tested with hypothesis: random sequences of
disbursements (some over a limit), settlements with carry-over, final settlements and recoveries
on two tasks funded in three plan years. After every operation, taken or refused, the figures
computed from the records keep the invariants, and a refused operation wrote nothing.

The identity the figures keep (execution_selectors.YearMoney): for each task and year,
available = allocated + carried in = disbursed + remaining, and once the year is settled,
remaining = carried out + lapsed. Summed over the years:
    Σ allocated = Σ disbursed + Σ lapsed + Σ remaining of unsettled years + carried out and not
    yet received (Σ carried out − Σ carried in),
and what a year carries in is exactly what the year before it carried out.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from khcn.accounts import roles
from khcn.research import selectors, services
from khcn.research.models import Disbursement, Plan, Recovery, Settlement, Source, Task, Tranche
from khcn.research.tests.test_execution_services import M, fund, new_task, sign
from khcn.testing import make_user

pytestmark = pytest.mark.django_db

YEARS = (2024, 2025, 2026)
END = dt.date(2026, 8, 31)
TODAY_IN_TEST = dt.date(2026, 11, 1)  # every date below is on or before it (and before today)


class _Rollback(Exception):
    """Raised at the end of each example so the next one starts from the same two tasks."""


@pytest.fixture
def world(build: Any) -> dict[str, Any]:
    """Two tasks in the approved plans of 2024–2026. The first has a contract budget (1,000
    million) below the sum of its allocations (1,400), so the contract's limit bites, plus a
    counterpart budget and a tranche schedule."""
    first = new_task(build, end=END, budget=1000 * M, counterpart=150 * M)
    second = new_task(build, end=END, budget=400 * M)
    fund(build, 2024, [(first, 600 * M), (second, 200 * M)])
    fund(build, 2025, [(first, 500 * M), (second, 150 * M)])
    fund(build, 2026, [(first, 300 * M), (second, 100 * M)])
    first = sign(
        build,
        first,
        tranches=(
            {"amount": 300 * M},
            {"amount": 200 * M, "condition": Tranche.Condition.PROGRESS_REPORT},
        ),
    )
    second = sign(build, second, tranches=())
    return {
        "tasks": [first, second],
        "plans": list(Plan.objects.filter(year__in=YEARS).order_by("year")),
        "finance": make_user("ke_toan_money", roles.FINANCE_OFFICER),
    }


amounts = st.integers(min_value=0, max_value=800).map(lambda n: n * M // 2)
pay = st.tuples(
    st.just("pay"),
    st.integers(0, 1),  # which task
    st.sampled_from(YEARS),
    amounts,
    st.sampled_from([Source.STATE_BUDGET, Source.STATE_BUDGET, Source.STATE_BUDGET, Source.COUNTERPART]),
    st.sampled_from([None, None, 1, 2]),  # tranche number (the first task's)
)
settle = st.tuples(st.just("settle"), st.integers(0, 1), st.sampled_from(YEARS), amounts, amounts, st.booleans())
recover = st.tuples(st.just("recover"), st.integers(0, 1), amounts)
operations = st.lists(st.one_of(pay, pay, settle, recover), min_size=1, max_size=12)


def _apply(op: tuple[Any, ...], tasks: list[Task], finance: Any) -> None:
    kind, which = op[0], op[1]
    task = tasks[which]
    if kind == "pay":
        _kind, _which, year, amount, source, tranche_number = op
        tranche = None
        if tranche_number is not None and which == 0 and source == Source.STATE_BUDGET:
            tranche = task.contract.tranches.get(number=tranche_number)
        services.disbursement_record(
            task=task,
            amount=amount,
            paid_on=dt.date(year, 6, 1),
            budget_year=year,
            source=source,
            tranche=tranche,
            by=finance,
        )
    elif kind == "settle":
        _kind, _which, year, amount, carried, final = op
        services.settlement_record(
            task=task,
            year=year,
            settled_on=min(dt.date(year + 1, 1, 20), TODAY_IN_TEST),
            amount_settled=amount,
            carried_over=carried,
            is_final=final,
            by=finance,
        )
    else:
        services.recovery_record(
            task=task, reason=Recovery.Reason.OTHER, amount=op[2], decided_on=TODAY_IN_TEST, by=finance
        )


def _rows(task: Task) -> tuple[int, int, int]:
    return (
        Disbursement.objects.filter(task=task).count(),
        Settlement.objects.filter(task=task).count(),
        Recovery.objects.filter(task=task).count(),
    )


def check_task(task: Task) -> None:
    money = selectors.task_money(task)
    contract = task.contract
    for row in money.years:
        assert row.remaining >= 0, f"{row.year}: remaining {row.remaining}"
        assert row.disbursed <= row.allocated + row.carried_in
        assert row.available == row.disbursed + row.remaining
        if row.is_settled:
            assert 0 <= row.carried_out <= row.remaining
            assert row.lapsed == row.remaining - row.carried_out >= 0
        else:
            assert row.carried_out == 0 and row.lapsed == 0
    # What a year carries in is exactly what the year before carried out.
    for year in (*YEARS, YEARS[-1] + 1):
        assert money.year(year).carried_in == money.year(year - 1).carried_out
    # The identity over the years.
    carried_out = sum(r.carried_out for r in money.years)
    carried_in = sum(r.carried_in for r in money.years)
    in_transit = sum(r.carried_out for r in money.years if r.year + 1 not in {x.year for x in money.years})
    assert carried_out - carried_in == in_transit >= 0
    unsettled_remaining = sum(r.remaining for r in money.years if not r.is_settled)
    assert money.allocated_total == money.disbursed_total + money.lapsed_total + unsettled_remaining + in_transit
    # Per source: never more than the contract's budget.
    budgets = {
        Source.STATE_BUDGET: contract.state_budget,
        Source.COUNTERPART: contract.counterpart_budget,
        Source.OTHER: contract.other_budget,
    }
    for source, budget in budgets.items():
        row = money.source(source)
        assert row.budget == budget and 0 <= row.disbursed <= budget
    # Settled and recovered out of what was paid, never more.
    assert 0 <= money.recovered_total <= money.disbursed_total
    assert money.settled_total <= money.disbursed_total - money.recovered_total
    assert money.unsettled >= 0
    # Tranches: never more than scheduled, and the figures are the records' sums.
    for tranche in contract.tranches.all():
        assert selectors.tranche_disbursed(tranche) <= tranche.amount
    state = Disbursement.objects.active().filter(task=task, source=Source.STATE_BUDGET)
    assert money.disbursed_total == (state.aggregate(v=Sum("amount"))["v"] or 0)
    assert money.settled_total == (
        Settlement.objects.active().filter(task=task).aggregate(v=Sum("amount_settled"))["v"] or 0
    )


def check_plans(plans: list[Plan], tasks: list[Task]) -> None:
    """A plan's figures are the sums of its tasks' figures for the plan's year."""
    for plan in plans:
        total = selectors.plan_money(plan)
        rows = [selectors.task_money(task).year(plan.year) for task in tasks]
        assert total.tasks == len(tasks)
        assert total.year.allocated == sum(r.allocated for r in rows)
        assert total.year.carried_in == sum(r.carried_in for r in rows)
        assert total.year.disbursed == sum(r.disbursed for r in rows)
        assert total.year.settled == sum(r.settled for r in rows)
        assert total.year.carried_out == sum(r.carried_out for r in rows)
        assert total.year.remaining == sum(r.remaining for r in rows)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=operations)
def test_money_invariants_hold_after_every_operation(world, ops):
    tasks, finance = world["tasks"], world["finance"]
    try:
        with transaction.atomic():
            for op in ops:
                task = tasks[op[1]]
                before = _rows(task)
                closed = selectors.task_money(task).final_settled
                try:
                    _apply(op, tasks, finance)
                except ValidationError:
                    assert _rows(task) == before, f"{op} was refused but wrote a row"
                if closed:
                    assert _rows(task)[:2] == before[:2], "paid or settled after the final settlement"
                for each in tasks:
                    check_task(each)
            check_plans(world["plans"], tasks)
            raise _Rollback
    except _Rollback:
        pass


def test_a_carry_over_is_spendable_the_next_year_and_no_more(world):
    """A worked example of the identity: 2024 carries 100 million into 2025."""
    task, finance = world["tasks"][1], world["finance"]  # 200 / 150 / 100 million
    services.disbursement_record(task=task, amount=80 * M, paid_on=dt.date(2024, 6, 1), by=finance)
    services.settlement_record(
        task=task,
        year=2024,
        settled_on=dt.date(2025, 1, 20),
        amount_settled=80 * M,
        carried_over=100 * M,
        by=finance,
    )
    money = selectors.task_money(task)
    y2024, y2025 = money.year(2024), money.year(2025)
    assert (y2024.remaining, y2024.carried_out, y2024.lapsed) == (120 * M, 100 * M, 20 * M)
    assert (y2025.allocated, y2025.carried_in, y2025.available) == (150 * M, 100 * M, 250 * M)
    with pytest.raises(ValidationError, match=r"Kinh phí năm 2025 của nhiệm vụ còn 250\.000\.000 đ"):
        services.disbursement_record(task=task, amount=260 * M, paid_on=dt.date(2025, 6, 1), by=finance)
    services.disbursement_record(task=task, amount=250 * M, paid_on=dt.date(2025, 6, 1), by=finance)
    check_task(task)
    assert selectors.plan_money(world["plans"][1]).year.carried_in == 100 * M
