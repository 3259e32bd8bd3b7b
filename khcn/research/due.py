"""What falls due on S&T tasks (tasks.md §3): progress reports, contracts ending, extension
requests waiting for a decision, acceptance dossiers, results not registered, yearly settlements.

Each item's key names the thing and its due date, so `manage.py remind` tells people once a day
about it and stops when the record that answers it is entered. Days come from the task's
ExecutionRule (editable data), never from constants here, except how long before a due date a
reminder starts, which is a matter of courtesy rather than law.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from khcn.accounts import roles
from khcn.accounts.models import User
from khcn.core.due import DueItem, register
from khcn.directory.models import Person
from khcn.lib.formats import format_date
from khcn.research import selectors
from khcn.research.models import (
    Adjustment,
    Disbursement,
    ProgressReport,
    ResultRegistration,
    Settlement,
    Task,
)

TS = Task.Status
# Reminders of a report or a dossier start this many days before it is due.
LEAD_DAYS = 15
# Overdue items stop being sent every day after this long; the dashboards still list them.
STOP_AFTER_DAYS = 365


def _staff_emails() -> tuple[str, ...]:
    emails = (
        User.objects.filter(is_active=True, groups__name=roles.SCIENCE_OFFICER)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )
    return tuple(sorted(emails))


def _host_emails(host_ids: set[int]) -> dict[int, tuple[str, ...]]:
    """The e-mail addresses of each host organisation's users (accounts linked to its people)."""
    found: dict[int, set[str]] = defaultdict(set)
    for org_id, email in (
        Person.objects.filter(organisation_id__in=host_ids, user__is_active=True)
        .exclude(user__email="")
        .values_list("organisation_id", "user__email")
    ):
        found[org_id].add(email)
    return {k: tuple(sorted(v)) for k, v in found.items()}


def _recipients(host_id: int | None, hosts: dict[int, tuple[str, ...]], staff: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys((*hosts.get(host_id or 0, ()), *staff)))


def _url(task: Task) -> str:
    return reverse("research:task-detail", args=[task.pk])


def _window(today: dt.date, due: dt.date, lead: int = LEAD_DAYS) -> bool:
    return today - dt.timedelta(days=STOP_AFTER_DAYS) <= due <= today + dt.timedelta(days=lead)


@register("research.progress_report_due")
def progress_reports_due(today: dt.date) -> Iterator[DueItem]:
    tasks = list(Task.objects.active().filter(status__in=selectors.RUNNING).select_related("host").order_by("code"))
    reports: dict[int, list[ProgressReport]] = defaultdict(list)
    for report in ProgressReport.objects.active().filter(task__in=tasks):
        reports[report.task_id].append(report)
    rules = selectors.rules_by_regime(today)
    staff = _staff_emails()
    hosts = _host_emails({t.host_id for t in tasks if t.host_id})
    for task in tasks:
        for period in selectors.reports_missing(task, rules[task.legal_regime], reports[task.pk]):
            if not _window(today, period.due_on):
                continue
            overdue = period.due_on < today
            template = (
                _("%(code)s: báo cáo tiến độ kỳ %(a)s–%(b)s quá hạn từ %(due)s")
                if overdue
                else _("%(code)s: báo cáo tiến độ kỳ %(a)s–%(b)s đến hạn ngày %(due)s")
            )
            yield DueItem(
                key=f"research.report:{task.pk}:{period.end:%Y%m%d}",
                title=template
                % {
                    "code": task.code,
                    "a": format_date(period.start),
                    "b": format_date(period.end),
                    "due": format_date(period.due_on),
                },
                due_date=period.due_on,
                recipients=_recipients(task.host_id, hosts, staff),
                url=_url(task),
                overdue=overdue,
            )


@register("research.contract_ending")
def contracts_ending(today: dt.date) -> Iterator[DueItem]:
    rules = selectors.rules_by_regime(today)
    longest = max(r.contract_ending_warning_days for r in rules.values())
    tasks = list(
        Task.objects.active()
        .filter(status__in=selectors.RUNNING)
        .filter(
            Q(extended_end__isnull=False, extended_end__range=(today, today + dt.timedelta(days=longest)))
            | Q(extended_end__isnull=True, end__range=(today, today + dt.timedelta(days=longest)))
        )
        .select_related("host")
        .order_by("code")
    )
    staff = _staff_emails()
    hosts = _host_emails({t.host_id for t in tasks if t.host_id})
    for task in tasks:
        end = task.effective_end
        assert end is not None
        if end > today + dt.timedelta(days=rules[task.legal_regime].contract_ending_warning_days):
            continue
        yield DueItem(
            key=f"research.contract_end:{task.pk}:{end:%Y%m%d}",
            title=_("%(code)s: hợp đồng kết thúc ngày %(end)s (còn %(days)d ngày)")
            % {"code": task.code, "end": format_date(end), "days": (end - today).days},
            due_date=end,
            recipients=_recipients(task.host_id, hosts, staff),
            url=_url(task),
        )


@register("research.adjustment_pending")
def adjustments_pending(today: dt.date) -> Iterator[DueItem]:
    """Requests (extensions above all) waiting for the department's decision. The decision is due
    before the task's end, since an extension decided after it comes too late."""
    staff = _staff_emails()
    for adjustment in (
        Adjustment.objects.active()
        # A request left pending on a task that has since ended is moot, not due.
        .filter(status=Adjustment.Status.REQUESTED, task__status__in=selectors.RUNNING)
        .select_related("task")
        .order_by("requested_on", "pk")
    ):
        task = adjustment.task
        due = task.effective_end or adjustment.requested_on
        yield DueItem(
            key=f"research.adjustment:{adjustment.pk}",
            title=_("%(code)s: đề nghị %(kind)s ngày %(day)s chờ quyết định")
            % {
                "code": task.code,
                "kind": adjustment.get_kind_display().lower(),
                "day": format_date(adjustment.requested_on),
            },
            due_date=due,
            recipients=staff,
            url=_url(task),
            overdue=due < today,
        )


@register("research.acceptance_dossier_due")
def acceptance_dossiers_due(today: dt.date) -> Iterator[DueItem]:
    """Tasks whose time is up and whose dossier has not come in."""
    rules = selectors.rules_by_regime(today)
    # Reminders start LEAD_DAYS before the end; the dossier is due the rule's days after it.
    horizon = today + dt.timedelta(days=LEAD_DAYS)
    tasks = list(
        Task.objects.active()
        .filter(status=TS.IN_PROGRESS)
        .filter(Q(extended_end__lte=horizon) | Q(extended_end__isnull=True, end__lte=horizon))
        .select_related("host")
        .order_by("code")
    )
    staff = _staff_emails()
    hosts = _host_emails({t.host_id for t in tasks if t.host_id})
    for task in tasks:
        end = task.effective_end
        assert end is not None
        due = end + dt.timedelta(days=rules[task.legal_regime].acceptance_dossier_days)
        if not _window(today, due, lead=rules[task.legal_regime].acceptance_dossier_days + LEAD_DAYS):
            continue
        yield DueItem(
            key=f"research.acceptance_dossier:{task.pk}:{due:%Y%m%d}",
            title=_("%(code)s: hồ sơ đánh giá, nghiệm thu phải nộp trước ngày %(due)s (kết thúc ngày %(end)s)")
            % {"code": task.code, "due": format_date(due), "end": format_date(end)},
            due_date=due,
            recipients=_recipients(task.host_id, hosts, staff),
            url=_url(task),
            overdue=due < today,
        )


@register("research.results_not_registered")
def results_not_registered(today: dt.date) -> Iterator[DueItem]:
    rules = selectors.rules_by_regime(today)
    tasks = list(
        Task.objects.active()
        .filter(status__in=(TS.ACCEPTED, TS.COMPLETED))
        .exclude(pk__in=ResultRegistration.objects.values("task_id"))
        .select_related("host")
        .order_by("code")
    )
    graded = selectors.recognition_dates(t.pk for t in tasks)
    staff = _staff_emails()
    hosts = _host_emails({t.host_id for t in tasks if t.host_id})
    for task in tasks:
        recognised = graded.get(task.pk)
        if recognised is None:
            continue
        due = recognised + dt.timedelta(days=rules[task.legal_regime].result_registration_days)
        if not _window(today, due, lead=rules[task.legal_regime].result_registration_days):
            continue
        yield DueItem(
            key=f"research.result_registration:{task.pk}",
            title=_("%(code)s: đăng ký kết quả trước ngày %(due)s (công nhận ngày %(day)s)")
            % {"code": task.code, "due": format_date(due), "day": format_date(recognised)},
            due_date=due,
            recipients=_recipients(task.host_id, hosts, staff),
            url=_url(task),
            overdue=due < today,
        )


@register("research.settlement_due")
def settlements_due(today: dt.date) -> Iterator[DueItem]:
    """Each past budget year with money paid out and no settlement on record."""
    rules = selectors.rules_by_regime(today)
    paid = (
        Disbursement.objects.active()
        .filter(budget_year__lt=today.year, source="state_budget")
        .values_list("task_id", "budget_year")
        .distinct()
    )
    settled = set(Settlement.objects.active().values_list("task_id", "year"))
    pending = sorted({(t, y) for t, y in paid if (t, y) not in settled})
    if not pending:
        return
    tasks = Task.objects.in_bulk({t for t, _y in pending})
    finance = tuple(
        sorted(
            User.objects.filter(is_active=True, groups__name=roles.FINANCE_OFFICER)
            .exclude(email="")
            .values_list("email", flat=True)
            .distinct()
        )
    )
    for task_id, year in pending:
        task = tasks[task_id]
        due = dt.date(year, 12, 31) + dt.timedelta(days=rules[task.legal_regime].settlement_due_days)
        if not _window(today, due, lead=LEAD_DAYS * 2):
            continue
        yield DueItem(
            key=f"research.settlement:{task_id}:{year}",
            title=_("%(code)s: quyết toán kinh phí năm %(year)d trước ngày %(due)s")
            % {"code": task.code, "year": year, "due": format_date(due)},
            due_date=due,
            recipients=finance,
            url=_url(task),
            overdue=due < today,
        )
