"""Part 2 end to end through the services: contract, money, reports, acceptance, results, close."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from khcn.accounts import roles
from khcn.research import selectors, services
from khcn.research.models import Adjustment, Grade, ProgressReport, Task, Tranche
from khcn.testing import make_organisation, make_user

pytestmark = pytest.mark.django_db

TS = Task.Status


@pytest.fixture
def finance(db):
    return make_user("ke_toan", roles.FINANCE_OFFICER)


@pytest.fixture
def leader(db):
    return make_user("giam_doc", roles.DEPARTMENT_LEADER)


def approved_task(build, *, budget: int = 900_000_000, allocation: int = 600_000_000, year: int = 2024) -> Task:
    """A task approved in `year`, in that year's approved plan with `allocation`."""
    host = make_organisation(f"Viện thử nghiệm {budget}-{allocation}-{year}")
    pi = build.person("Nguyễn Văn Chủ Nhiệm", org=host)
    task = build.task(
        plan_year=year,
        status=TS.APPROVED,
        host=host,
        pi=pi,
        start=dt.date(year, 3, 1),
        end=dt.date(year + 1, 8, 31),
        state_budget=budget,
    )
    plan = build.plan(year)
    services.plan_item_add(plan=plan, by=build.officer, task=task, allocation=allocation)
    services.plan_transition(plan=plan, to="submitted", by=build.officer)
    services.plan_approve(plan=plan, decision=build.decision(date=dt.date(year, 1, 10)), by=build.officer)
    return Task.objects.get(pk=task.pk)


def sign(build, task: Task) -> Task:
    department = make_organisation("Sở Khoa học và Công nghệ thử nghiệm")
    services.contract_sign(
        task=task,
        number=f"{task.pk}/2024/HĐ-KHCN",
        signed_on=dt.date(2024, 3, 1),
        department=department,
        by=build.officer,
        tranches=[
            {"amount": 400_000_000, "kind": Tranche.Kind.ADVANCE},
            {"amount": 300_000_000, "kind": Tranche.Kind.PAYMENT, "condition": Tranche.Condition.PROGRESS_REPORT},
            {"amount": 200_000_000, "kind": Tranche.Kind.PAYMENT, "condition": Tranche.Condition.ACCEPTANCE},
        ],
    )
    return Task.objects.get(pk=task.pk)


def test_a_task_goes_from_contract_to_results(build, finance, leader):
    task = sign(build, approved_task(build))
    assert task.status == TS.IN_PROGRESS
    tranche_1, tranche_2, tranche_3 = task.contract.tranches.order_by("number")

    services.disbursement_record(
        task=task, tranche=tranche_1, amount=400_000_000, paid_on=dt.date(2024, 3, 20), by=finance
    )
    # The second tranche waits for an accepted progress report.
    with pytest.raises(ValidationError, match="báo cáo tiến độ được chấp nhận"):
        services.disbursement_record(
            task=task, tranche=tranche_2, amount=100_000_000, paid_on=dt.date(2024, 9, 20), by=finance
        )

    report = services.progress_report_submit(
        task=task,
        period_start=dt.date(2024, 3, 1),
        period_end=dt.date(2024, 8, 31),
        work_done="Hoàn thành khảo sát và thí nghiệm vụ 1.",
        submitted_on=dt.date(2024, 9, 5),
        by=build.officer,
    )
    services.progress_report_transition(report=report, to=ProgressReport.Status.ACCEPTED, by=build.officer)
    # 600 million allocated for 2024, 400 paid: 200 left this year.
    with pytest.raises(ValidationError, match="Kinh phí năm 2024"):
        services.disbursement_record(
            task=task, tranche=tranche_2, amount=300_000_000, paid_on=dt.date(2024, 9, 20), by=finance
        )
    services.disbursement_record(
        task=task, tranche=tranche_2, amount=200_000_000, paid_on=dt.date(2024, 9, 20), by=finance
    )

    money = selectors.task_money(task)
    assert (money.year(2024).allocated, money.year(2024).disbursed, money.year(2024).remaining) == (
        600_000_000,
        600_000_000,
        0,
    )
    services.settlement_record(
        task=task, year=2024, settled_on=dt.date(2025, 2, 15), amount_settled=550_000_000, by=finance
    )

    services.acceptance_submit(
        task=task,
        self_evaluation="Đạt đủ sản phẩm đăng ký.",
        self_grade=Grade.PASSED,
        submitted_on=dt.date(2025, 9, 10),
        has_final_report=True,
        has_products=True,
        has_self_evaluation_minutes=True,
        has_spending_report=True,
        by=build.officer,
    )
    council, members = build.council("acceptance", 5)
    services.acceptance_send_to_council(task=task, council=council, by=build.officer)
    from khcn.councils import selectors as council_selectors
    from khcn.councils import services as council_services

    council_object = council_selectors.council_objects_for(task).filter(council=council).get()
    for member in members:
        council_services.score_sheet_submit(
            council_object=council_object, member=member, by=build.officer, grade="passed", source="paper"
        )
    acceptance = services.acceptance_conclude(
        task=task,
        graded_on=dt.date(2025, 10, 1),
        decision=build.decision(date=dt.date(2025, 10, 10)),
        by=build.officer,
    )
    assert acceptance.grade == Grade.PASSED
    task.refresh_from_db()
    assert task.status == TS.ACCEPTED

    registration = services.result_register(
        task=task,
        number="25/2025/ĐKKQ",
        registered_on=dt.date(2025, 10, 20),
        deposit_place="Sở Khoa học và Công nghệ",
        by=build.officer,
    )
    services.settlement_record(
        task=task, year=2025, settled_on=dt.date(2025, 11, 1), amount_settled=50_000_000, is_final=True, by=finance
    )
    services.contract_liquidate(contract=task.contract, liquidated_on=dt.date(2025, 11, 5), by=build.officer)
    task = services.task_close(task=task, by=build.officer)
    assert task.status == TS.COMPLETED
    services.result_application_record(
        task=task,
        year=2025,
        place="HTX nhãn lồng Tân Châu",
        scale="5 ha",
        effect="Năng suất tăng 15%",
        by=build.officer,
    )
    titles = [entry.title for entry in selectors.task_timeline(task)]
    assert any(registration.number in t for t in titles)
    assert any("Hội đồng nghiệm thu xếp loại" in t for t in titles)


def test_an_extension_past_the_rule_is_refused(build):
    task = sign(build, approved_task(build))
    # The task runs 18 months: an extension of more than 6 months is refused.
    with pytest.raises(ValidationError, match="tối đa 6 tháng"):
        services.adjustment_request(
            task=task,
            kind=Adjustment.Kind.EXTENSION,
            description="Thời tiết bất lợi",
            new_end=dt.date(2026, 6, 30),
            requested_on=dt.date(2025, 6, 1),
            by=build.officer,
        )
    # Too late: less than 30 days before the end.
    with pytest.raises(ValidationError, match="ít nhất 30 ngày"):
        services.adjustment_request(
            task=task,
            kind=Adjustment.Kind.EXTENSION,
            description="Thời tiết bất lợi",
            new_end=dt.date(2025, 12, 31),
            requested_on=dt.date(2025, 8, 15),
            by=build.officer,
        )
    assert not Adjustment.objects.filter(task=task).exists()
