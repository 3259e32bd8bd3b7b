"""Reminders of part 2 fire on the right day (tasks.md §3, the task's ExecutionRule): each check
of khcn/research/due.py is called with a `today`, with the clock frozen on that day; and
`manage.py remind` sends each person one e-mail a day. Also the selectors the reminders rest
on: duration_months and report_periods.

The task of these tests runs 18 months, 01/03/2024–31/08/2025; the seeded rule: six-monthly
reports due 15 days after the period, contracts flagged 60 days before the end, the dossier
due 30 days after the end, results registered within 30 days, settlements 90 days after the year.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from khcn.core.models import ReminderLog
from khcn.research import due, selectors, services
from khcn.research.models import Adjustment, ExecutionRule, Grade, ProgressReport, Task
from khcn.research.tests.test_execution_services import (
    END_18,
    END_36,
    START,
    M,
    conclude,
    fund,
    new_task,
    running_task,
    sign,
    submit_dossier,
)
from khcn.testing import make_user

pytestmark = pytest.mark.django_db

TS = Task.Status
D = dt.date


def on(day: dt.date, check: Any) -> list[Any]:
    """The items `check` gives on `day`, with the clock frozen on that day."""
    with time_machine.travel(dt.datetime(day.year, day.month, day.day, 8, 0), tick=False):
        return list(check(day))


def keys(day: dt.date, check: Any, task: Task | None = None) -> list[str]:
    items = on(day, check)
    if task is not None:
        items = [i for i in items if i.key.split(":")[1] == str(task.pk)]
    return [i.key for i in items]


@pytest.fixture
def task(build: Any, org_a: Any) -> Task:
    return running_task(build, host=org_a)


# --- Progress reports ----------------------------------------------------------------------------


def test_a_report_is_reminded_from_15_days_before_it_is_due_and_then_as_overdue(task):
    first = f"research.report:{task.pk}:20240831"  # period 01/03–31/08/2024, due 15/09/2024
    assert first not in keys(D(2024, 8, 30), due.progress_reports_due)
    items = {i.key: i for i in on(D(2024, 8, 31), due.progress_reports_due)}
    assert items[first].due_date == D(2024, 9, 15) and not items[first].overdue
    assert "đến hạn ngày 15/09/2024" in items[first].title and "01/03/2024–31/08/2024" in items[first].title
    assert not {i.key: i for i in on(D(2024, 9, 15), due.progress_reports_due)}[first].overdue
    late = {i.key: i for i in on(D(2024, 9, 16), due.progress_reports_due)}[first]
    assert late.overdue and "quá hạn từ 15/09/2024" in late.title


def test_a_report_handed_in_stops_the_reminder_and_a_returned_one_brings_it_back(task, build):
    first = f"research.report:{task.pk}:20240831"
    report = services.progress_report_submit(
        task=task,
        period_start=START,
        period_end=D(2024, 8, 31),
        work_done="Khảo sát xong.",
        submitted_on=D(2024, 9, 10),
        by=build.officer,
    )
    assert first not in keys(D(2024, 9, 20), due.progress_reports_due)
    services.progress_report_transition(
        report=report, to=ProgressReport.Status.RETURNED, by=build.officer, note="Thiếu số liệu"
    )
    assert first in keys(D(2024, 9, 20), due.progress_reports_due)


def test_the_last_stretch_is_not_a_progress_report(task):
    """The second period (to 28/02/2025) is due 15/03/2025; the third ends with the task and is
    covered by the acceptance dossier."""
    later = keys(D(2025, 8, 20), due.progress_reports_due, task)
    assert later == [f"research.report:{task.pk}:20240831", f"research.report:{task.pk}:20250228"]


def test_a_suspended_task_is_still_reminded_but_not_a_closed_one(task, build, leader_user):
    first = f"research.report:{task.pk}:20240831"
    services.task_suspend(task=task, by=build.officer, reason="Chờ kết quả thanh tra")
    assert first in keys(D(2024, 9, 20), due.progress_reports_due)
    services.task_terminate(task=task, by=leader_user, reason="Vi phạm", decision=build.decision(date=D(2024, 10, 1)))
    assert first not in keys(D(2024, 9, 20), due.progress_reports_due)


@pytest.fixture
def leader_user(db: Any) -> Any:
    from khcn.accounts import roles

    return make_user("giam_doc_due", roles.DEPARTMENT_LEADER)


# --- Contracts ending, extensions ----------------------------------------------------------------


def test_a_contract_ending_is_reminded_60_days_before_not_61(task):
    key = f"research.contract_end:{task.pk}:20250831"
    assert keys(D(2025, 7, 1), due.contracts_ending, task) == []  # 61 days before
    items = on(D(2025, 7, 2), due.contracts_ending)  # 60 days before
    assert [i.key for i in items] == [key]
    assert "kết thúc ngày 31/08/2025 (còn 60 ngày)" in items[0].title
    assert keys(D(2025, 8, 31), due.contracts_ending, task) == [key]
    assert keys(D(2025, 9, 1), due.contracts_ending, task) == []


def test_an_extension_moves_the_contract_end_reminder(task, build):
    request = services.adjustment_request(
        task=task,
        kind=Adjustment.Kind.EXTENSION,
        description="Mùa vụ chậm",
        new_end=D(2025, 11, 30),
        requested_on=D(2025, 6, 1),
        by=build.officer,
    )
    services.adjustment_transition(
        adjustment=request,
        to=Adjustment.Status.APPROVED,
        by=build.officer,
        decision=build.decision(date=D(2025, 6, 20)),
    )
    assert keys(D(2025, 7, 2), due.contracts_ending, task) == []
    assert keys(D(2025, 10, 1), due.contracts_ending, task) == [f"research.contract_end:{task.pk}:20251130"]


def test_the_warning_days_come_from_the_rule(task):
    ExecutionRule.objects.filter(legal_regime=task.legal_regime).update(contract_ending_warning_days=90)
    assert keys(D(2025, 6, 2), due.contracts_ending, task) == [f"research.contract_end:{task.pk}:20250831"]
    assert keys(D(2025, 6, 1), due.contracts_ending, task) == []


def test_an_extension_request_is_pending_until_decided(task, build):
    request = services.adjustment_request(
        task=task,
        kind=Adjustment.Kind.EXTENSION,
        description="Mùa vụ chậm",
        new_end=D(2025, 11, 30),
        requested_on=D(2025, 6, 1),
        by=build.officer,
    )
    items = on(D(2025, 6, 2), due.adjustments_pending)
    assert [i.key for i in items] == [f"research.adjustment:{request.pk}"]
    assert "đề nghị gia hạn thời gian ngày 01/06/2025 chờ quyết định" in items[0].title
    assert items[0].due_date == END_18 and not items[0].overdue
    assert on(D(2025, 9, 1), due.adjustments_pending)[0].overdue
    services.adjustment_transition(
        adjustment=request, to=Adjustment.Status.REJECTED, by=build.officer, reason="Không đủ căn cứ"
    )
    assert on(D(2025, 6, 3), due.adjustments_pending) == []


# --- Acceptance dossier, results -----------------------------------------------------------------


def test_the_acceptance_dossier_is_due_30_days_after_the_end(task, build):
    key = f"research.acceptance_dossier:{task.pk}:20250930"
    assert keys(D(2025, 8, 15), due.acceptance_dossiers_due, task) == []
    items = on(D(2025, 8, 16), due.acceptance_dossiers_due)  # 15 days before the end
    assert [i.key for i in items] == [key]
    assert "phải nộp trước ngày 30/09/2025 (kết thúc ngày 31/08/2025)" in items[0].title
    assert not on(D(2025, 9, 30), due.acceptance_dossiers_due)[0].overdue
    assert on(D(2025, 10, 1), due.acceptance_dossiers_due)[0].overdue
    submit_dossier(build, task, on=D(2025, 9, 10))
    assert keys(D(2025, 10, 1), due.acceptance_dossiers_due, task) == []


def test_results_not_registered_are_reminded_and_overdue_after_30_days(task, build):
    task = conclude(build, task)  # recognised by the decision of 10/10/2025
    key = f"research.result_registration:{task.pk}"
    assert keys(D(2025, 10, 9), due.results_not_registered, task) == []
    items = on(D(2025, 10, 10), due.results_not_registered)
    assert [i.key for i in items] == [key]
    assert items[0].due_date == D(2025, 11, 9) and not items[0].overdue
    assert "đăng ký kết quả trước ngày 09/11/2025 (công nhận ngày 10/10/2025)" in items[0].title
    assert not on(D(2025, 11, 9), due.results_not_registered)[0].overdue
    assert on(D(2025, 11, 10), due.results_not_registered)[0].overdue
    services.result_register(
        task=task, number="31/2025/ĐKKQ", registered_on=D(2025, 11, 12), deposit_place="Sở", by=build.officer
    )
    assert keys(D(2025, 11, 13), due.results_not_registered, task) == []


def test_a_failed_task_has_no_results_to_register(task, build):
    conclude(build, task, Grade.FAILED)
    assert on(D(2025, 10, 10), due.results_not_registered) == []


# --- Settlements ---------------------------------------------------------------------------------


def test_a_past_year_with_disbursements_and_no_settlement_is_due(task, build):
    from khcn.accounts import roles

    finance = make_user("ke_toan_due", roles.FINANCE_OFFICER, email="ketoan@khcn.local")
    services.disbursement_record(task=task, amount=300 * M, paid_on=D(2024, 4, 1), by=finance)
    key = f"research.settlement:{task.pk}:2024"
    assert keys(D(2024, 12, 31), due.settlements_due) == []  # the year is not over
    assert keys(D(2025, 2, 28), due.settlements_due) == []  # 31 days before 31/03/2025
    items = on(D(2025, 3, 1), due.settlements_due)
    assert [i.key for i in items] == [key]
    assert items[0].due_date == D(2025, 3, 31) and items[0].recipients == ("ketoan@khcn.local",)
    assert on(D(2025, 4, 1), due.settlements_due)[0].overdue
    services.settlement_record(task=task, year=2024, settled_on=D(2025, 4, 5), amount_settled=300 * M, by=finance)
    assert keys(D(2025, 4, 6), due.settlements_due) == []


def test_a_year_without_disbursements_needs_no_settlement(task):
    assert keys(D(2025, 3, 15), due.settlements_due) == []


# --- manage.py remind ----------------------------------------------------------------------------


@pytest.fixture
def only_research_checks(monkeypatch: Any) -> None:
    """`remind` runs every app's checks; keep research's only (other apps are built in parallel)."""
    from django.utils.module_loading import autodiscover_modules

    from khcn.core import due as core_due

    autodiscover_modules("due")
    ours = {name: check for name, check in core_due.checks().items() if name.startswith("research.")}
    assert len(ours) == 6
    monkeypatch.setattr(core_due, "_CHECKS", ours)


def test_remind_sends_each_person_one_email_a_day(task, build, host_user, only_research_checks):
    build.officer.email = "phongql@khcn.local"
    build.officer.save()
    host_user.email = "vien@example.vn"
    host_user.save()
    with time_machine.travel(dt.datetime(2024, 9, 1, 8, 0), tick=False):
        call_command("remind", date="01/09/2024", stdout=_Null())
        call_command("remind", date="01/09/2024", stdout=_Null())
    assert sorted(tuple(m.to) for m in mail.outbox) == [("phongql@khcn.local",), ("vien@example.vn",)]
    assert all("báo cáo tiến độ kỳ 01/03/2024–31/08/2024" in m.body for m in mail.outbox)
    with time_machine.travel(dt.datetime(2024, 9, 2, 8, 0), tick=False):
        call_command("remind", date="02/09/2024", stdout=_Null())
    assert len(mail.outbox) == 4, "the next day, one more e-mail each"
    assert ReminderLog.objects.filter(key=f"research.report:{task.pk}:20240831").count() == 4


class _Null:
    def write(self, *args: Any, **kwargs: Any) -> None:
        pass

    def flush(self) -> None:
        pass


# --- The selectors the reminders rest on ---------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (D(2023, 3, 1), D(2024, 2, 29), 12),
        (D(2024, 3, 1), D(2025, 8, 31), 18),
        (D(2024, 3, 1), D(2027, 2, 28), 36),
        (D(2024, 1, 15), D(2024, 2, 14), 1),
        (D(2024, 1, 15), D(2024, 2, 13), 0),
        (D(2024, 1, 31), D(2024, 2, 29), 1),  # to the end of a shorter month
        (D(2024, 1, 31), D(2024, 4, 30), 3),
        (D(2024, 8, 31), D(2025, 2, 27), 5),
        (D(2024, 8, 31), D(2025, 2, 28), 6),
        (D(2024, 2, 29), D(2025, 2, 28), 12),  # leap day to the last day of February
        (D(2024, 2, 29), D(2025, 2, 27), 11),
        (D(2024, 12, 1), D(2025, 11, 30), 12),  # across the year
        (D(2024, 5, 5), D(2024, 5, 5), 0),
        (D(2024, 5, 5), D(2024, 5, 1), 0),  # end before start
        (None, D(2024, 5, 1), 0),
        (D(2024, 5, 5), None, 0),
    ],
)
def test_duration_months(start, end, months):
    assert selectors.duration_months(start, end) == months


def periods(task: Task) -> list[tuple[dt.date, dt.date, dt.date]]:
    return [(p.start, p.end, p.due_on) for p in selectors.report_periods(task, selectors.rule_for(task))]


def test_report_periods_of_an_18_month_task(build):
    task = new_task(build, status=TS.IN_PROGRESS, end=END_18)
    assert periods(task) == [
        (D(2024, 3, 1), D(2024, 8, 31), D(2024, 9, 15)),
        (D(2024, 9, 1), D(2025, 2, 28), D(2025, 3, 15)),
    ]
    assert [p.number for p in selectors.report_periods(task, selectors.rule_for(task))] == [1, 2]


def test_report_periods_of_a_36_month_task(build):
    task = new_task(build, status=TS.IN_PROGRESS, end=END_36)
    assert periods(task) == [
        (D(2024, 3, 1), D(2024, 8, 31), D(2024, 9, 15)),
        (D(2024, 9, 1), D(2025, 2, 28), D(2025, 3, 15)),
        (D(2025, 3, 1), D(2025, 8, 31), D(2025, 9, 15)),
        (D(2025, 9, 1), D(2026, 2, 28), D(2026, 3, 15)),
        (D(2026, 3, 1), D(2026, 8, 31), D(2026, 9, 15)),
    ]


def test_report_periods_after_an_extension(build):
    task = new_task(build)
    fund(build, 2024, [(task, 600 * M)])
    task = sign(build, task)
    request = services.adjustment_request(
        task=task,
        kind=Adjustment.Kind.EXTENSION,
        description="Mùa vụ chậm",
        new_end=D(2026, 2, 28),
        requested_on=D(2025, 6, 1),
        by=build.officer,
    )
    services.adjustment_transition(
        adjustment=request,
        to=Adjustment.Status.APPROVED,
        by=build.officer,
        decision=build.decision(date=D(2025, 6, 20)),
    )
    task.refresh_from_db()
    # The third period (to 31/08/2025) now falls due; the last stretch ends with the new end.
    assert [p[1] for p in periods(task)] == [D(2024, 8, 31), D(2025, 2, 28), D(2025, 8, 31)]


def test_the_report_period_comes_from_the_rule(build):
    task = new_task(build, status=TS.IN_PROGRESS, end=END_18)
    ExecutionRule.objects.filter(legal_regime=task.legal_regime).update(report_period_months=3, report_due_days=10)
    assert [(p[1], p[2]) for p in periods(task)] == [
        (D(2024, 5, 31), D(2024, 6, 10)),
        (D(2024, 8, 31), D(2024, 9, 10)),
        (D(2024, 11, 30), D(2024, 12, 10)),
        (D(2025, 2, 28), D(2025, 3, 10)),
        (D(2025, 5, 31), D(2025, 6, 10)),
    ]


def test_a_pending_request_on_a_task_no_longer_running_is_not_reminded(build):
    """Once the task has left work (accepted, terminated...), its pending request is moot."""
    from khcn.research import due as research_due
    from khcn.research.models import Adjustment, Task

    task = build.task(status=Task.Status.IN_PROGRESS, start=dt.date(2024, 1, 1), end=dt.date(2026, 12, 31))
    Adjustment.objects.create(
        task=task, kind=Adjustment.Kind.CONTENT, requested_on=dt.date(2026, 1, 5), description="Đổi nội dung"
    )
    today = dt.date(2026, 2, 1)
    assert [i.key for i in research_due.adjustments_pending(today)] == [
        f"research.adjustment:{Adjustment.objects.get().pk}"
    ]
    Task.objects.filter(pk=task.pk).update(status=Task.Status.TERMINATED)
    assert list(research_due.adjustments_pending(today)) == []
