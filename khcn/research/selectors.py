"""Reads with rules: who sees which proposal, application, task and plan; the plan's figures.

Permissions are filtered in the query (never row by row in Python), and every figure is an
aggregate over records, so a page never shows a number that the records do not add up to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils.translation import gettext as _

from khcn.accounts import roles
from khcn.accounts.permissions import has_role, is_department_staff
from khcn.directory.selectors import organisation_of_user
from khcn.research.models import (
    Application,
    Call,
    Plan,
    PlanGroup,
    PlanItem,
    Proposal,
    Task,
)


def is_research_staff(user: Any) -> bool:
    """Department staff who may read research records (every staff role has research.view_*)."""
    return is_department_staff(user) and user.has_perm("research.view_proposal")


def can_manage(user: Any) -> bool:
    """May change research records (science officers, department leaders, superusers); the
    provincial leaders and other divisions read only."""
    return is_research_staff(user) and user.has_perm("research.change_proposal")


def is_host(user: Any) -> bool:
    return has_role(user, roles.HOST_USER) and not is_department_staff(user)


# --- Calls ----------------------------------------------------------------------------------------


def call_list_open(kind: str, on: Any) -> QuerySet[Call]:
    return Call.objects.active().filter(kind=kind, opens_on__lte=on, deadline__gte=on).order_by("deadline", "pk")


# --- Proposals ------------------------------------------------------------------------------------


def proposal_list_visible_to(user: Any) -> QuerySet[Proposal]:
    """Staff see every proposal; a host user only its own organisation's; anyone else none."""
    qs = Proposal.objects.active().select_related("call", "proposer_org", "field", "task_form")
    if is_research_staff(user):
        return qs
    if has_role(user, roles.HOST_USER):
        own = organisation_of_user(user)
        return qs.filter(proposer_org=own) if own else qs.none()
    return qs.none()


def get_proposal_for(user: Any, pk: int) -> Proposal:
    proposal = (
        proposal_list_visible_to(user)
        .select_related("proposer_person", "duplicate_of", "merged_into", "submitted_by")
        .filter(pk=pk)
        .first()
    )
    if proposal is None:
        raise Http404(_("Không tìm thấy phiếu đề xuất."))
    return proposal


# --- Tasks and applications -----------------------------------------------------------------------


def task_list_visible_to(user: Any) -> QuerySet[Task]:
    """Staff see every task; a host user the tasks its organisation hosts or may apply for."""
    qs = Task.objects.active().select_related("form", "field", "group", "host", "pi")
    if is_research_staff(user):
        return qs
    if has_role(user, roles.HOST_USER):
        own = organisation_of_user(user)
        if own is None:
            return qs.none()
        open_for_all = Q(status=Task.Status.CALLING, mode="selection")
        return qs.filter(Q(host=own) | open_for_all | Q(applications__host=own)).distinct()
    return qs.none()


def get_task_for(user: Any, pk: int) -> Task:
    task = task_list_visible_to(user).select_related("proposal", "selection_call", "approval").filter(pk=pk).first()
    if task is None:
        raise Http404(_("Không tìm thấy nhiệm vụ."))
    return task


def application_list_visible_to(user: Any) -> QuerySet[Application]:
    qs = Application.objects.active().select_related("task", "host", "pi", "call")
    if is_research_staff(user):
        return qs
    if has_role(user, roles.HOST_USER):
        own = organisation_of_user(user)
        return qs.filter(host=own) if own else qs.none()
    return qs.none()


def get_application_for(user: Any, pk: int) -> Application:
    application = application_list_visible_to(user).filter(pk=pk).first()
    if application is None:
        raise Http404(_("Không tìm thấy hồ sơ."))
    return application


def task_list_open_for_applications(user: Any) -> QuerySet[Task]:
    """Tasks a host user may apply for now: open selections, and direct assignments to it."""
    qs = Task.objects.active().filter(status=Task.Status.CALLING).select_related("selection_call", "group", "host")
    if is_research_staff(user):
        return qs
    own = organisation_of_user(user)
    if own is None or not has_role(user, roles.HOST_USER):
        return qs.none()
    return qs.filter(Q(mode="selection") | Q(host=own))


# --- Plans ----------------------------------------------------------------------------------------


def plan_list_visible_to(user: Any) -> QuerySet[Plan]:
    """Plans are the department's working papers until approved; staff see them all."""
    qs = Plan.objects.active().select_related("province", "decision")
    return qs if is_research_staff(user) else qs.none()


def get_plan_for(user: Any, pk: int) -> Plan:
    plan = plan_list_visible_to(user).filter(pk=pk).first()
    if plan is None:
        raise Http404(_("Không tìm thấy kế hoạch."))
    return plan


def plan_items(plan: Plan) -> QuerySet[PlanItem]:
    """The plan's current lines: not archived, not taken out by an adjustment."""
    return PlanItem.objects.active().filter(plan=plan, removed_by__isnull=True)


def plan_items_for_page(plan: Plan) -> QuerySet[PlanItem]:
    return (
        plan_items(plan)
        .select_related("task", "task__host", "task__pi", "proposal", "group", "form", "field", "host")
        .order_by("group__order", "group__code", "-carried_over", "order", "pk")
    )


@dataclass
class GroupRow:
    group: PlanGroup | None
    name: str
    count: int = 0
    carried_over: int = 0
    new: int = 0
    allocation: int = 0


@dataclass
class PlanSummary:
    count: int = 0
    carried_over: int = 0
    new: int = 0
    allocation: int = 0
    by_group: list[GroupRow] = field(default_factory=list)
    by_field: list[GroupRow] = field(default_factory=list)


_COUNTS = {
    "count": Count("pk"),
    "carried": Count("pk", filter=Q(carried_over=True)),
    "new": Count("pk", filter=Q(carried_over=False)),
    "allocation": Sum("allocation"),
}


def plan_summary(plan: Plan) -> PlanSummary:
    """Totals, by group and by field of science, in three aggregate queries."""
    items = plan_items(plan)
    totals = items.aggregate(**_COUNTS)
    summary = PlanSummary(
        count=totals["count"], carried_over=totals["carried"], new=totals["new"], allocation=totals["allocation"] or 0
    )
    groups = {g.pk: g for g in PlanGroup.objects.all()}
    group_rows: list[Any] = list(items.values("group_id").annotate(**_COUNTS).order_by())
    for row in group_rows:
        group = groups.get(row["group_id"])
        summary.by_group.append(
            GroupRow(
                group, group.name if group else "", row["count"], row["carried"], row["new"], row["allocation"] or 0
            )
        )
    summary.by_group.sort(key=lambda r: (r.group.order if r.group else 0, r.group.code if r.group else ""))
    # Level-1 field of the item's field (Circular 24/2025 codes: the first digit).
    field_rows: list[Any] = list(
        items.values("field__parent__name", "field__name", "field__level").annotate(**_COUNTS).order_by()
    )
    for row in field_rows:
        name = row["field__name"] if row["field__level"] == 1 else (row["field__parent__name"] or row["field__name"])
        existing = next((r for r in summary.by_field if r.name == name), None)
        if existing is None:
            existing = GroupRow(None, name)
            summary.by_field.append(existing)
        existing.count += row["count"]
        existing.carried_over += row["carried"]
        existing.new += row["new"]
        existing.allocation += row["allocation"] or 0
    summary.by_field.sort(key=lambda r: (-r.count, r.name))
    return summary


def plan_for_year(year: int, province: Any = None) -> Plan | None:
    qs = Plan.objects.active().filter(year=year)
    if province is not None:
        qs = qs.filter(province=province)
    return qs.select_related("decision", "province").first()


# --- The year's dashboard -------------------------------------------------------------------------


@dataclass
class Dashboard:
    year: int
    proposals_total: int
    proposals_by_status: list[tuple[str, str, int]]
    plan: Plan | None
    summary: PlanSummary | None
    tasks_by_status: list[tuple[str, str, int]]
    budget: dict[str, int]


def year_dashboard(year: int) -> Dashboard:
    """The staff dashboard for one plan year, in a fixed handful of aggregate queries."""
    status_labels = dict(Proposal.Status.choices)
    counts = dict(
        Proposal.objects.active()
        .filter(call__year=year, call__kind=Call.Kind.PROPOSALS)
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_status = [(code, str(status_labels[code]), counts.get(code, 0)) for code in status_labels]
    plan = plan_for_year(year)
    summary = plan_summary(plan) if plan else None
    task_labels = dict(Task.Status.choices)
    task_counts: dict[str, int] = {}
    budget = {"allocation": 0, "state_budget": 0, "lump_sum": 0, "counterpart": 0, "other": 0}
    if plan is not None:
        items = plan_items(plan)
        task_counts = dict(
            items.filter(task__isnull=False).values_list("task__status").annotate(n=Count("pk")).order_by()
        )
        sums = items.aggregate(
            allocation=Sum("allocation"),
            state_budget=Sum("task__state_budget"),
            lump_sum=Sum("task__state_budget_lump_sum"),
            counterpart=Sum("task__counterpart_budget"),
            other=Sum("task__other_budget"),
        )
        budget = {key: value or 0 for key, value in sums.items()}
    tasks_by_status = [
        (code, str(label), task_counts[code]) for code, label in task_labels.items() if task_counts.get(code)
    ]
    return Dashboard(
        year=year,
        proposals_total=sum(counts.values()),
        proposals_by_status=by_status,
        plan=plan,
        summary=summary,
        tasks_by_status=tasks_by_status,
        budget=budget,
    )


# Part 2 (contract to results) reads live in their own module; one import name for callers.
from khcn.research.execution_selectors import *  # noqa: E402, F403
