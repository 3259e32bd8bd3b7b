"""The figures the research app contributes to reports (architecture.md, "Metrics").

Each metric names its key, a Vietnamese label, the queryset of records behind it for a year (and
optionally a province), and how to aggregate it. `reports` renders them and links every figure
to the list of records its queryset returns; `value()` computes one figure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from khcn.research.models import (
    Acceptance,
    Call,
    Contract,
    Disbursement,
    Grade,
    Plan,
    PlanItem,
    Proposal,
    ResultApplication,
    ResultRegistration,
    Settlement,
    Source,
)

COUNT = "count"
DISTINCT = "distinct"
SUM = "sum"


@dataclass(frozen=True)
class Metric:
    key: str
    label: Any
    queryset: Callable[[int, Any], QuerySet]  # (year, province or None) -> records
    aggregation: str = COUNT  # count | distinct | sum
    field: str = "pk"  # what distinct counts or sum adds
    group_by: str = ""  # a breakdown (e.g. by plan group); empty for a single figure
    unit: str = ""  # "đ" for money


def proposals_received(year: int, province: Any = None) -> QuerySet[Proposal]:
    # "Phiếu đề xuất nhận được" for plan year N: every proposal to that year's calls, whatever
    # happened to it later (withdrawn and duplicate proposals were received too). A province
    # takes the proposals to its own calls, plus those to calls without a province (from before
    # calls had one), so a single-province installation counts what it always did.
    qs = Proposal.objects.active().filter(call__year=year, call__kind=Call.Kind.PROPOSALS)
    if province is not None:
        qs = qs.filter(Q(call__province=province) | Q(call__province__isnull=True))
    return qs


def plan_items_approved(year: int, province: Any = None) -> QuerySet[PlanItem]:
    """The current lines of the approved plan of the year (adjustments applied)."""
    qs = PlanItem.objects.active().filter(
        plan__year=year, plan__status=Plan.Status.APPROVED, plan__archived_at__isnull=True, removed_by__isnull=True
    )
    if province is not None:
        qs = qs.filter(plan__province=province)
    return qs


def plan_items_carried_over(year: int, province: Any = None) -> QuerySet[PlanItem]:
    return plan_items_approved(year, province).filter(carried_over=True)


def plan_items_new(year: int, province: Any = None) -> QuerySet[PlanItem]:
    return plan_items_approved(year, province).filter(carried_over=False)


# --- Part 2: contract to results. A task belongs to a province through the plans that list it.


def _in_province(qs: QuerySet, province: Any, path: str = "task") -> QuerySet:
    if province is None:
        return qs
    tasks = PlanItem.objects.active().filter(plan__province=province, task__isnull=False).values("task_id")
    return qs.filter(**{f"{path}__in": tasks})


def tasks_under_contract(year: int, province: Any = None) -> QuerySet[Contract]:
    """Tasks carried out in the year: the contract signed by the year's end, and the task's time
    (extended if it was) not over before the year began."""
    start = dt.date(year, 1, 1)
    qs = Contract.objects.active().filter(
        Q(task__extended_end__gte=start) | Q(task__extended_end__isnull=True, task__end__gte=start),
        signed_on__lte=dt.date(year, 12, 31),
    )
    return _in_province(qs, province)


def acceptances_graded(year: int, province: Any = None) -> QuerySet[Acceptance]:
    """Acceptance councils' grades given in the year (excellent, passed or failed)."""
    qs = Acceptance.objects.active().filter(graded_on__year=year).exclude(grade="")
    return _in_province(qs, province)


def tasks_accepted(year: int, province: Any = None) -> QuerySet[Acceptance]:
    return acceptances_graded(year, province).filter(grade__in=(Grade.EXCELLENT, Grade.PASSED))


def _graded(year: int, province: Any = None, *, grade: str) -> QuerySet[Acceptance]:
    return acceptances_graded(year, province).filter(grade=grade)


def results_registered(year: int, province: Any = None) -> QuerySet[ResultRegistration]:
    return _in_province(ResultRegistration.objects.active().filter(registered_on__year=year), province)


def result_applications(year: int, province: Any = None) -> QuerySet[ResultApplication]:
    return _in_province(ResultApplication.objects.active().filter(year=year), province)


def state_budget_disbursed(year: int, province: Any = None) -> QuerySet[Disbursement]:
    """State budget paid out against the budget year (whenever it was paid)."""
    qs = Disbursement.objects.active().filter(budget_year=year, source=Source.STATE_BUDGET)
    return _in_province(qs, province)


def settlements_of_year(year: int, province: Any = None) -> QuerySet[Settlement]:
    return _in_province(Settlement.objects.active().filter(year=year), province)


METRICS: tuple[Metric, ...] = (
    Metric("research.proposals_received", _("Phiếu đề xuất nhiệm vụ nhận được"), proposals_received),
    Metric("research.plan_tasks", _("Nhiệm vụ KH&CN trong kế hoạch năm"), plan_items_approved),
    Metric(
        "research.plan_tasks_carried_over",
        _("Nhiệm vụ chuyển tiếp"),
        plan_items_carried_over,
    ),
    Metric(
        "research.plan_tasks_new",
        _("Nhiệm vụ mở mới"),
        plan_items_new,
    ),
    Metric(
        "research.plan_tasks_by_group",
        _("Nhiệm vụ theo nhóm"),
        plan_items_approved,
        group_by="group__name",
    ),
    Metric(
        "research.plan_budget_total",
        _("Tổng kinh phí kế hoạch năm"),
        plan_items_approved,
        aggregation=SUM,
        field="allocation",
        unit="đ",
    ),
    Metric(
        "research.tasks_under_contract",
        _("Nhiệm vụ thực hiện trong năm (theo hợp đồng)"),
        tasks_under_contract,
    ),
    Metric("research.tasks_accepted", _("Nhiệm vụ được nghiệm thu đạt trong năm"), tasks_accepted),
    Metric(
        "research.tasks_graded_by_grade",
        _("Nhiệm vụ được hội đồng nghiệm thu xếp loại, theo xếp loại"),
        acceptances_graded,
        group_by="grade",
    ),
    Metric(
        "research.tasks_graded_excellent",
        _("Nhiệm vụ được xếp loại Xuất sắc"),
        partial(_graded, grade=Grade.EXCELLENT),
    ),
    Metric(
        "research.tasks_graded_passed",
        _("Nhiệm vụ được xếp loại Đạt"),
        partial(_graded, grade=Grade.PASSED),
    ),
    Metric(
        "research.tasks_graded_failed",
        _("Nhiệm vụ nghiệm thu Không đạt"),
        partial(_graded, grade=Grade.FAILED),
    ),
    Metric("research.results_registered", _("Nhiệm vụ được đăng ký kết quả"), results_registered),
    Metric("research.result_applications", _("Lượt ứng dụng kết quả nhiệm vụ được ghi nhận"), result_applications),
    Metric(
        "research.state_budget_disbursed",
        _("Kinh phí ngân sách nhà nước đã cấp cho nhiệm vụ (năm ngân sách)"),
        state_budget_disbursed,
        aggregation=SUM,
        field="amount",
        unit="đ",
    ),
    Metric(
        "research.state_budget_settled",
        _("Kinh phí nhiệm vụ được quyết toán"),
        settlements_of_year,
        aggregation=SUM,
        field="amount_settled",
        unit="đ",
    ),
)

BY_KEY = {metric.key: metric for metric in METRICS}


def _aggregate(qs: QuerySet, metric: Metric) -> Any:
    if metric.aggregation == SUM:
        return Sum(metric.field)
    if metric.aggregation == DISTINCT:
        return Count(metric.field, distinct=True)
    return Count("pk")


def value(key: str, year: int, province: Any = None) -> Any:
    """One figure: an int, or {group: int} for a metric with a breakdown (in group order)."""
    metric = BY_KEY[key]
    qs = metric.queryset(year, province)
    if metric.group_by:
        order = "group__order" if metric.group_by.startswith("group__") else metric.group_by
        rows = qs.values(metric.group_by).annotate(v=_aggregate(qs, metric)).order_by(order, metric.group_by)
        return {row[metric.group_by]: row["v"] or 0 for row in rows}
    result = qs.aggregate(v=_aggregate(qs, metric))["v"]
    return result or 0
