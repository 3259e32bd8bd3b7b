"""Reads of part 2 (contract to results): the rule that applies, the money of a task and of a
plan, tranche conditions, the report periods that fall due, what a host sees, the timeline.

Money is never stored as a total: allocated comes from approved plans' lines, the rest from
disbursements, settlements and recoveries, summed in a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.http import Http404
from django.utils.translation import gettext as _

from khcn.accounts import roles
from khcn.accounts.permissions import has_role, is_department_staff
from khcn.directory.selectors import organisation_of_user
from khcn.lib.dates import add_months
from khcn.research.models import (
    Acceptance,
    Adjustment,
    Contract,
    Disbursement,
    ExecutionRule,
    LegalRegime,
    MonitoringVisit,
    Plan,
    PlanItem,
    ProgressReport,
    Recovery,
    ResultRegistration,
    Settlement,
    Source,
    Task,
    Tranche,
)

TS = Task.Status
# Tasks whose work is going on: reports fall due, money may move, extensions may be asked.
RUNNING = (TS.IN_PROGRESS, TS.SUSPENDED)
UNFINISHED = (TS.IN_PROGRESS, TS.SUSPENDED, TS.AWAITING_ACCEPTANCE)


# --- Rules ---------------------------------------------------------------------------------------


def rule_for(task: Task, on: dt.date | None = None) -> ExecutionRule:
    """The rule record of the task's legal regime in force on `on` (default: today). Without a
    rule on record, the defaults of the model (the national pattern) apply, unsaved."""
    from django.utils import timezone

    on = on or timezone.localdate()
    rule = (
        ExecutionRule.objects.active()
        .filter(legal_regime=task.legal_regime, valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .order_by("-valid_from")
        .first()
    )
    return rule or ExecutionRule(legal_regime=task.legal_regime, name=str(LegalRegime(task.legal_regime).label))


def rules_by_regime(on: dt.date) -> dict[str, ExecutionRule]:
    """Every regime's rule in one query, for reminders over many tasks."""
    found: dict[str, ExecutionRule] = {}
    for rule in (
        ExecutionRule.objects.active()
        .filter(valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .order_by("legal_regime", "-valid_from")
    ):
        found.setdefault(rule.legal_regime, rule)
    for regime in LegalRegime.values:
        found.setdefault(regime, ExecutionRule(legal_regime=regime, name=str(LegalRegime(regime).label)))
    return found


def duration_months(start: dt.date | None, end: dt.date | None) -> int:
    """Whole months from start to end inclusive (01/03/2023–29/02/2024 is 12)."""
    if start is None or end is None:
        return 0
    after = end + dt.timedelta(days=1)
    months = (after.year - start.year) * 12 + after.month - start.month
    if after.day < start.day:
        months -= 1
    return max(months, 0)


# --- Money ---------------------------------------------------------------------------------------


@dataclass
class YearMoney:
    """The state budget of one task (or plan) in one budget year."""

    year: int
    allocated: int = 0  # the approved plan's line(s) for the year
    carried_in: int = 0  # carried over from the previous year's settlement
    disbursed: int = 0
    settled: int = 0
    carried_out: int = 0  # carried to the next year by this year's settlement
    is_settled: bool = False

    @property
    def available(self) -> int:
        return self.allocated + self.carried_in

    @property
    def remaining(self) -> int:
        """What may still be paid out against this year."""
        return self.available - self.disbursed

    @property
    def lapsed(self) -> int:
        """Unspent, not carried over: returns to the budget when the year is settled."""
        return self.remaining - self.carried_out if self.is_settled else 0


@dataclass
class SourceMoney:
    source: str
    label: str
    budget: int
    disbursed: int

    @property
    def remaining(self) -> int:
        return self.budget - self.disbursed


@dataclass
class TaskMoney:
    years: list[YearMoney] = field(default_factory=list)
    sources: list[SourceMoney] = field(default_factory=list)
    recovered_total: int = 0
    returned_total: int = 0
    final_settled: bool = False

    def year(self, year: int) -> YearMoney:
        for row in self.years:
            if row.year == year:
                return row
        return YearMoney(year=year, carried_in=self._carried_into(year))

    def _carried_into(self, year: int) -> int:
        return sum(r.carried_out for r in self.years if r.year == year - 1)

    def source(self, source: str) -> SourceMoney:
        for row in self.sources:
            if row.source == source:
                return row
        return SourceMoney(source, str(Source(source).label), 0, 0)

    def year_settled(self, year: int) -> bool:
        return any(r.year == year and r.is_settled for r in self.years)

    @property
    def settled_years(self) -> list[int]:
        return [r.year for r in self.years if r.is_settled]

    def disbursed_through(self, year: int) -> int:
        return sum(r.disbursed for r in self.years if r.year <= year)

    @property
    def allocated_total(self) -> int:
        return sum(r.allocated for r in self.years)

    @property
    def disbursed_total(self) -> int:
        """State budget paid out (the department's money)."""
        return sum(r.disbursed for r in self.years)

    @property
    def settled_total(self) -> int:
        return sum(r.settled for r in self.years)

    @property
    def lapsed_total(self) -> int:
        return sum(r.lapsed for r in self.years)

    @property
    def unsettled(self) -> int:
        """Paid out, not yet settled nor recovered."""
        return self.disbursed_total - self.settled_total - self.recovered_total


def _years(
    allocated: dict[int, int], disbursed: dict[int, int], settlements: dict[int, tuple[int, int]]
) -> list[YearMoney]:
    years = sorted(set(allocated) | set(disbursed) | set(settlements))
    rows: list[YearMoney] = []
    carried = 0
    previous: int | None = None
    for year in years:
        # A carry-over reaches only the next year; a gap year means it was not used.
        carried_in = carried if previous == year - 1 else 0
        settled, carried_out = settlements.get(year, (0, 0))
        rows.append(
            YearMoney(
                year=year,
                allocated=allocated.get(year, 0),
                carried_in=carried_in,
                disbursed=disbursed.get(year, 0),
                settled=settled,
                carried_out=carried_out,
                is_settled=year in settlements,
            )
        )
        carried, previous = carried_out, year
    return rows


def allocations_of(task_ids: Iterable[int]) -> QuerySet[PlanItem]:
    return PlanItem.objects.active().filter(
        task_id__in=list(task_ids),
        plan__status=Plan.Status.APPROVED,
        plan__archived_at__isnull=True,
        removed_by__isnull=True,
    )


def task_money(task: Task) -> TaskMoney:
    """The task's money by year and by source, from the records (five queries)."""
    allocated = {
        r["plan__year"]: r["v"] or 0
        for r in allocations_of([task.pk]).values("plan__year").annotate(v=Sum("allocation"))
    }
    disbursements = Disbursement.objects.active().filter(task=task)
    disbursed: dict[int, int] = {}
    by_source: dict[str, int] = defaultdict(int)
    for r in disbursements.values("budget_year", "source").annotate(v=Sum("amount")):
        by_source[r["source"]] += r["v"] or 0
        if r["source"] == Source.STATE_BUDGET:
            disbursed[r["budget_year"]] = disbursed.get(r["budget_year"], 0) + (r["v"] or 0)
    settlements: dict[int, tuple[int, int]] = {}
    final = False
    for s in Settlement.objects.active().filter(task=task).values("year", "amount_settled", "carried_over", "is_final"):
        settlements[s["year"]] = (s["amount_settled"], s["carried_over"])
        final = final or s["is_final"]
    recovered = (
        Recovery.objects.active()
        .filter(task=task)
        .aggregate(v=Sum("amount"), r=Sum("amount", filter=Q(returned_on__isnull=False)))
    )
    contract = Contract.objects.filter(task=task).first()
    budget = contract or task
    sources = [
        SourceMoney(
            Source.STATE_BUDGET, str(Source.STATE_BUDGET.label), budget.state_budget, by_source[Source.STATE_BUDGET]
        ),
        SourceMoney(
            Source.COUNTERPART, str(Source.COUNTERPART.label), budget.counterpart_budget, by_source[Source.COUNTERPART]
        ),
        SourceMoney(Source.OTHER, str(Source.OTHER.label), budget.other_budget, by_source[Source.OTHER]),
    ]
    return TaskMoney(
        years=_years(allocated, disbursed, settlements),
        sources=sources,
        recovered_total=recovered["v"] or 0,
        returned_total=recovered["r"] or 0,
        final_settled=final,
    )


@dataclass
class PlanMoney:
    """One plan year's state budget over its tasks: allocated, carried in, disbursed, settled."""

    year: YearMoney
    by_source_disbursed: dict[str, int]
    tasks: int


def plan_money(plan: Plan) -> PlanMoney:
    """The plan's money for its year, over its current lines (four queries)."""
    items = PlanItem.objects.active().filter(plan=plan, removed_by__isnull=True)
    task_ids = list(items.exclude(task__isnull=True).values_list("task_id", flat=True))
    allocated = items.aggregate(v=Sum("allocation"))["v"] or 0
    year = plan.year
    sums = (
        Disbursement.objects.active()
        .filter(task_id__in=task_ids, budget_year=year)
        .values("source")
        .annotate(v=Sum("amount"))
    )
    by_source = {r["source"]: r["v"] or 0 for r in sums}
    this_year = (
        Settlement.objects.active()
        .filter(task_id__in=task_ids, year=year)
        .aggregate(s=Sum("amount_settled"), c=Sum("carried_over"))
    )
    carried_in = (
        Settlement.objects.active().filter(task_id__in=task_ids, year=year - 1).aggregate(c=Sum("carried_over"))["c"]
        or 0
    )
    row = YearMoney(
        year=year,
        allocated=allocated,
        carried_in=carried_in,
        disbursed=by_source.get(Source.STATE_BUDGET, 0),
        settled=this_year["s"] or 0,
        carried_out=this_year["c"] or 0,
    )
    return PlanMoney(year=row, by_source_disbursed=by_source, tasks=len(task_ids))


# --- Tranches ------------------------------------------------------------------------------------


def tranche_disbursed(tranche: Tranche) -> int:
    return Disbursement.objects.active().filter(tranche=tranche).aggregate(v=Sum("amount"))["v"] or 0


def tranche_condition(tranche: Tranche) -> tuple[bool, str]:
    """Whether the tranche may be paid, and if not, why (in words a finance officer reads)."""
    task = tranche.contract.task
    condition = tranche.condition
    if condition in (Tranche.Condition.NONE, Tranche.Condition.ACCEPTANCE):
        return _condition_met(tranche, task, 0, 0)
    # The n-th tranche that waits on a report (or a visit) needs n accepted reports (or passed visits).
    needed = (
        Tranche.objects.active()
        .filter(contract_id=tranche.contract_id, condition=condition, number__lte=tranche.number)
        .count()
    )
    if condition == Tranche.Condition.PROGRESS_REPORT:
        have = ProgressReport.objects.active().filter(task=task, status=ProgressReport.Status.ACCEPTED).count()
    else:
        have = (
            MonitoringVisit.objects.active().filter(task=task, conclusion=MonitoringVisit.Conclusion.ON_TRACK).count()
        )
    return _condition_met(tranche, task, needed, have)


def _condition_met(tranche: Tranche, task: Task, needed: int, have: int) -> tuple[bool, str]:
    """The rule of tranche_condition once the counts are known (tranche_rows counts once per page)."""
    condition = tranche.condition
    if condition == Tranche.Condition.NONE:
        return True, ""
    if condition == Tranche.Condition.ACCEPTANCE:
        if task.status in (TS.ACCEPTED, TS.COMPLETED):
            return True, ""
        return False, _("Đợt %(n)d chỉ được cấp sau khi nhiệm vụ được nghiệm thu đạt.") % {"n": tranche.number}
    if have >= needed:
        return True, ""
    if condition == Tranche.Condition.PROGRESS_REPORT:
        return False, _(
            "Đợt %(n)d chỉ được cấp khi đã có %(need)d báo cáo tiến độ được chấp nhận (hiện có %(have)d)."
        ) % {"n": tranche.number, "need": needed, "have": have}
    return False, _("Đợt %(n)d chỉ được cấp khi đã có %(need)d lần kiểm tra đạt yêu cầu (hiện có %(have)d).") % {
        "n": tranche.number,
        "need": needed,
        "have": have,
    }


@dataclass
class TrancheRow:
    tranche: Tranche
    disbursed: int
    condition_met: bool
    why: str

    @property
    def remaining(self) -> int:
        return self.tranche.amount - self.disbursed


def tranche_rows(contract: Contract) -> list[TrancheRow]:
    """The schedule with what was paid and whether each condition holds, in a fixed number of
    queries (the counts tranche_condition makes per tranche are made once here)."""
    tranches = list(contract.tranches.active().select_related("contract__task"))  # type: ignore[attr-defined]
    paid = {
        r["tranche_id"]: r["v"] or 0
        for r in Disbursement.objects.active()
        .filter(tranche__in=tranches)
        .values("tranche_id")
        .annotate(v=Sum("amount"))
    }
    task = contract.task
    have = {
        Tranche.Condition.PROGRESS_REPORT: ProgressReport.objects.active()
        .filter(task=task, status=ProgressReport.Status.ACCEPTED)
        .count(),
        Tranche.Condition.MONITORING: MonitoringVisit.objects.active()
        .filter(task=task, conclusion=MonitoringVisit.Conclusion.ON_TRACK)
        .count(),
    }
    rows = []
    for tranche in tranches:
        needed = sum(1 for t in tranches if t.condition == tranche.condition and t.number <= tranche.number)
        met, why = _condition_met(tranche, task, needed, have.get(tranche.condition, 0))
        rows.append(TrancheRow(tranche, paid.get(tranche.pk, 0), met, why))
    return rows


# --- Report periods ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    number: int
    start: dt.date
    end: dt.date
    due_on: dt.date


def report_periods(task: Task, rule: ExecutionRule) -> list[Period]:
    """The reporting periods from the start to the (extended) end, every rule.report_period_months."""
    start, end = task.start, task.effective_end
    if start is None or end is None:
        return []
    periods: list[Period] = []
    n = 0
    while True:
        p_start = add_months(start, n * rule.report_period_months)
        if p_start > end:
            break
        p_end = min(add_months(start, (n + 1) * rule.report_period_months) - dt.timedelta(days=1), end)
        # The last stretch is covered by the acceptance dossier, not by a progress report.
        if p_end >= end:
            break
        periods.append(Period(n + 1, p_start, p_end, p_end + dt.timedelta(days=rule.report_due_days)))
        n += 1
    return periods


def _covers(report_start: dt.date, report_end: dt.date, period: Period) -> bool:
    return report_start <= period.end and report_end >= period.end - dt.timedelta(days=31)


def reports_missing(task: Task, rule: ExecutionRule, reports: Iterable[ProgressReport]) -> list[Period]:
    """The periods with no report handed in (a returned report does not count)."""
    handed = [(r.period_start, r.period_end) for r in reports if r.status != ProgressReport.Status.RETURNED]
    return [p for p in report_periods(task, rule) if not any(_covers(s, e, p) for s, e in handed)]


# --- Hosts ---------------------------------------------------------------------------------------


def hosted_tasks_for(user: Any) -> QuerySet[Task]:
    """The tasks a host user's organisation hosts (under contract or later); staff see all."""
    qs = Task.objects.active().select_related("form", "field", "group", "host", "pi")
    if is_department_staff(user) and user.has_perm("research.view_task"):
        return qs
    if has_role(user, roles.HOST_USER):
        own = organisation_of_user(user)
        return qs.filter(host=own) if own else qs.none()
    return qs.none()


def get_hosted_task_for(user: Any, pk: int) -> Task:
    task = hosted_tasks_for(user).filter(pk=pk).first()
    if task is None:
        raise Http404(_("Không tìm thấy nhiệm vụ."))
    return task


def progress_report_list_visible_to(user: Any) -> QuerySet[ProgressReport]:
    return ProgressReport.objects.active().filter(task__in=hosted_tasks_for(user)).select_related("task")


def get_progress_report_for(user: Any, pk: int) -> ProgressReport:
    report = progress_report_list_visible_to(user).filter(pk=pk).first()
    if report is None:
        raise Http404(_("Không tìm thấy báo cáo."))
    return report


# --- Recognition -------------------------------------------------------------------------------


def recognition_dates(task_ids: Iterable[int]) -> dict[int, dt.date]:
    """When each task's result was recognised: the decision's date, or the council's day when no
    decision is on record (one query). The 30 days to register results run from it."""
    found: dict[int, dt.date] = {}
    for acceptance in (
        Acceptance.objects.active()
        .filter(task_id__in=list(task_ids), graded_on__isnull=False)
        .select_related("decision")
    ):
        day = acceptance.decision.date if acceptance.decision else acceptance.graded_on
        assert day is not None
        found[acceptance.task_id] = max(day, found.get(acceptance.task_id, day))
    return found


# --- Carry-over ----------------------------------------------------------------------------------


def carry_over_candidates(plan: Plan) -> QuerySet[Task]:
    """Unfinished tasks that began before the plan's year and are not yet in it."""
    in_plan = PlanItem.objects.active().filter(plan=plan, removed_by__isnull=True, task__isnull=False)
    return (
        Task.objects.active()
        .filter(status__in=UNFINISHED + (TS.APPROVED,), plan_year__lt=plan.year)
        .exclude(pk__in=in_plan.values("task_id"))
        .select_related("host", "group")
        .order_by("code")
    )


# --- Timeline ------------------------------------------------------------------------------------


@dataclass
class TimelineEntry:
    day: dt.date
    kind: str  # a short code for the icon/colour: status, contract, money, report, visit...
    title: str
    detail: str = ""
    url: str = ""
    document: Any = None


def _as_date(value: Any) -> dt.date:
    from django.utils import timezone

    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date()
    return value


def task_timeline(task: Task) -> list[TimelineEntry]:
    """Everything that happened to a task, oldest first, in a fixed number of queries."""
    from khcn.lib.formats import format_vnd

    entries: list[TimelineEntry] = []
    for event in task.events.select_related("by", "document"):  # type: ignore[attr-defined]
        entries.append(
            TimelineEntry(
                _as_date(event.at),
                "status",
                _("Trạng thái: %(s)s") % {"s": event.to_status_label},
                event.reason,
                document=event.document,
            )
        )
    contract = Contract.objects.filter(task=task).select_related("liquidation").first()
    if contract is not None:
        entries.append(
            TimelineEntry(
                contract.signed_on,
                "contract",
                _("Ký hợp đồng số %(n)s") % {"n": contract.number},
                _("%(start)s – %(end)s; NSNN %(state)s")
                % {
                    "start": f"{contract.start:%d/%m/%Y}",
                    "end": f"{contract.end:%d/%m/%Y}",
                    "state": format_vnd(contract.state_budget),
                },
            )
        )
        for amendment in contract.amendments.active():  # type: ignore[attr-defined]
            entries.append(
                TimelineEntry(
                    amendment.signed_on, "contract", _("Phụ lục %(n)s") % {"n": amendment.number}, amendment.content
                )
            )
        if contract.liquidated_on:
            entries.append(
                TimelineEntry(contract.liquidated_on, "contract", _("Thanh lý hợp đồng"), document=contract.liquidation)
            )
    for d in Disbursement.objects.active().filter(task=task).select_related("tranche"):
        entries.append(
            TimelineEntry(
                d.paid_on,
                "money",
                _("%(kind)s %(amount)s") % {"kind": d.get_kind_display(), "amount": format_vnd(d.amount)},
                " · ".join(x for x in (d.get_source_display(), str(d.tranche or ""), d.voucher) if x),
            )
        )
    for s in Settlement.objects.active().filter(task=task).select_related("document"):
        entries.append(
            TimelineEntry(
                s.settled_on,
                "money",
                _("Quyết toán năm %(y)d: %(a)s") % {"y": s.year, "a": format_vnd(s.amount_settled)},
                _("Chuyển sang năm sau: %(c)s") % {"c": format_vnd(s.carried_over)} if s.carried_over else "",
                document=s.document,
            )
        )
    for r in Recovery.objects.active().filter(task=task).select_related("decision"):
        entries.append(
            TimelineEntry(
                r.decided_on,
                "money",
                _("Thu hồi %(a)s") % {"a": format_vnd(r.amount)},
                r.get_reason_display(),
                document=r.decision,
            )
        )
    for report in ProgressReport.objects.active().filter(task=task):
        entries.append(
            TimelineEntry(
                report.submitted_on,
                "report",
                _("Báo cáo tiến độ %(a)s–%(b)s")
                % {"a": f"{report.period_start:%d/%m/%Y}", "b": f"{report.period_end:%d/%m/%Y}"},
                report.get_status_display(),
            )
        )
    for visit in MonitoringVisit.objects.active().filter(task=task).select_related("minutes"):
        entries.append(
            TimelineEntry(
                visit.visited_on, "visit", _("Kiểm tra tiến độ"), visit.get_conclusion_display(), document=visit.minutes
            )
        )
    for adj in Adjustment.objects.active().filter(task=task).select_related("decision"):
        entries.append(
            TimelineEntry(
                adj.requested_on,
                "adjustment",
                _("Đề nghị %(k)s") % {"k": adj.get_kind_display().lower()},
                f"{adj.description} — {adj.get_status_display()}",
                document=adj.decision,
            )
        )
    for acc in Acceptance.objects.filter(task=task).select_related("decision"):
        entries.append(
            TimelineEntry(
                acc.submitted_on,
                "acceptance",
                _("Nộp hồ sơ đánh giá, nghiệm thu"),
                _("Tự xếp loại: %(g)s") % {"g": acc.get_self_grade_display()},
            )
        )
        if acc.graded_on:
            entries.append(
                TimelineEntry(
                    acc.graded_on,
                    "acceptance",
                    _("Hội đồng nghiệm thu xếp loại: %(g)s") % {"g": acc.get_grade_display()},
                    document=acc.decision,
                )
            )
    registration = ResultRegistration.objects.filter(task=task).select_related("handed_over_to").first()
    if registration is not None:
        entries.append(
            TimelineEntry(
                registration.registered_on,
                "result",
                _("Đăng ký kết quả, giấy chứng nhận số %(n)s") % {"n": registration.number},
                registration.deposit_place,
            )
        )
        if registration.handed_over_on:
            entries.append(
                TimelineEntry(
                    registration.handed_over_on, "result", _("Bàn giao kết quả"), str(registration.handed_over_to or "")
                )
            )
    for app in task.result_applications.active():  # type: ignore[attr-defined]
        entries.append(
            TimelineEntry(
                dt.date(app.year, 12, 31),
                "application",
                _("Ứng dụng kết quả năm %(y)d: %(p)s") % {"y": app.year, "p": app.place},
                f"{app.scale} — {app.effect}",
            )
        )
    # By day; within a day the records in the order above, then the status changes they caused
    # (the events are listed first above, so a plain sort by day put "in progress" before the
    # contract that started it).
    entries.sort(key=lambda e: (e.day, e.kind == "status"))
    return entries
