"""Staff pages of part 2: each action for the roles its service allows, refused for everyone
else; a refused POST shows the service's message and writes nothing; the task page and the plan
page in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from khcn.accounts import roles
from khcn.councils import selectors as council_selectors
from khcn.councils import services as council_services
from khcn.directory.models import Organisation
from khcn.research import services
from khcn.research.models import (
    Acceptance,
    Adjustment,
    Contract,
    Disbursement,
    Grade,
    PlanItem,
    ProgressReport,
    Task,
    Tranche,
)
from khcn.research.views_execution import ACTIONS
from khcn.testing import make_organisation, make_user

pytestmark = pytest.mark.django_db

TS = Task.Status
TODAY = dt.date.today()


@pytest.fixture
def finance(db):
    return make_user("ke_toan", roles.FINANCE_OFFICER)


@pytest.fixture
def department(db):
    return make_organisation(
        "Sở Khoa học và Công nghệ tỉnh Hưng Yên",
        kind=Organisation.Kind.STATE_AGENCY,
        representative="Trần Văn Giám Đốc",
    )


def approved_task(build: Any, host: Organisation, *, year: int = 2024, allocation: int = 600_000_000) -> Task:
    pi = build.person("Nguyễn Văn Chủ Nhiệm", org=host)
    task = build.task(
        plan_year=year,
        status=TS.APPROVED,
        host=host,
        pi=pi,
        start=dt.date(year, 3, 1),
        end=dt.date(year + 1, 8, 31),
        state_budget=900_000_000,
        state_budget_lump_sum=300_000_000,
    )
    plan = build.plan(year)
    services.plan_item_add(plan=plan, by=build.officer, task=task, allocation=allocation)
    services.plan_transition(plan=plan, to="submitted", by=build.officer)
    services.plan_approve(plan=plan, decision=build.decision(date=dt.date(year, 1, 10)), by=build.officer)
    return Task.objects.get(pk=task.pk)


def signed_task(build: Any, host: Organisation, department: Organisation) -> Task:
    task = approved_task(build, host)
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


def submit_report(build: Any, task: Task, start: dt.date = dt.date(2024, 3, 1)) -> ProgressReport:
    return services.progress_report_submit(
        task=task,
        period_start=start,
        period_end=start + dt.timedelta(days=150),
        work_done="Hoàn thành khảo sát.",
        submitted_on=start + dt.timedelta(days=160),
        by=build.officer,
    )


def url(name: str, task: Task, *extra: int) -> str:
    return reverse(f"research:{name}", args=[task.pk, *extra])


def login(client: Any, user: Any) -> Any:
    client.force_login(user)
    return client


# --- Who may open each action -------------------------------------------------------------------


def test_every_action_is_open_only_to_the_roles_its_service_allows(
    client, build, finance, department_leader, provincial_leader, host_user, host_user_b, org_a, department
):
    task = signed_task(build, org_a, department)
    report = submit_report(build, task)
    adjustment = services.adjustment_request(
        task=task, kind=Adjustment.Kind.CONTENT, description="Đổi địa điểm thí nghiệm", by=build.officer
    )
    personas = {
        roles.SCIENCE_OFFICER: build.officer,
        roles.FINANCE_OFFICER: finance,
        roles.DEPARTMENT_LEADER: department_leader,
        roles.PROVINCIAL_LEADER: provincial_leader,
        "host_of_the_task": host_user,
        "host_of_another": host_user_b,
    }
    objects = {"progress-report-review": [report.pk], "adjustment-decide": [adjustment.pk]}
    wrong = []
    for action in ACTIONS:
        address = url(action.name, task, *objects.get(action.name, []))
        for persona, user in personas.items():
            expected = 200 if persona in action.roles else 404 if persona == "host_of_another" else 403
            got = login(client, user).get(address).status_code
            if got != expected:
                wrong.append((action.name, persona, expected, got))
        client.logout()
        response = client.get(address)
        if (
            response.status_code != 302
            or "/login" not in response["Location"]
            and "dang-nhap" not in response["Location"]
        ):
            wrong.append((action.name, "anonymous", 302, response.status_code))
    assert wrong == []


def test_a_refused_role_changes_nothing(client, build, finance, host_user, host_user_b, org_a, department):
    task = approved_task(build, org_a)
    data = {"number": "1/2024/HĐ", "signed_on": "01/03/2024", "department": department.pk}
    assert login(client, finance).post(url("contract-sign", task), data).status_code == 403
    assert login(client, host_user).post(url("contract-sign", task), data).status_code == 403
    assert not Contract.objects.filter(task=task).exists()
    services.contract_sign(
        task=task, number="2/2024/HĐ", signed_on=dt.date(2024, 3, 1), department=department, by=build.officer
    )
    money = {"amount": "1.000", "paid_on": "01/04/2024", "source": "state_budget"}
    assert login(client, host_user).post(url("disbursement-record", task), money).status_code == 403
    # Another host's task: not even its existence.
    assert login(client, host_user_b).post(url("disbursement-record", task), money).status_code == 404
    assert not Disbursement.objects.filter(task=task).exists()


def test_actions_are_post_or_get_only(client, build, org_a, department):
    task = signed_task(build, org_a, department)
    assert login(client, build.officer).put(url("task-suspend", task)).status_code == 405


# --- Contract -----------------------------------------------------------------------------------


def test_science_officer_signs_the_contract_with_its_tranche_schedule(client, build, org_a, department):
    task = approved_task(build, org_a)
    page = login(client, build.officer).get(reverse("research:task-detail", args=[task.pk]))
    assert url("contract-sign", task) in page.content.decode()
    response = client.post(
        url("contract-sign", task),
        {
            "number": "15/2024/HĐ-KHCN",
            "signed_on": "01/03/2024",
            "department": department.pk,
            "department_signer": "Trần Văn Giám Đốc",
            "t1_amount": "500.000.000",
            "t1_kind": "advance",
            "t1_condition": "none",
            "t2_amount": "400.000.000",
            "t2_kind": "payment",
            "t2_condition": "progress_report",
            "t3_kind": "advance",
            "t3_condition": "none",
            "t4_kind": "advance",
            "t4_condition": "none",
        },
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == TS.IN_PROGRESS
    contract = task.contract
    assert [(t.number, t.amount, t.condition) for t in contract.tranches.order_by("number")] == [
        (1, 500_000_000, "none"),
        (2, 400_000_000, "progress_report"),
    ]
    page = client.get(reverse("research:task-detail", args=[task.pk])).content.decode()
    assert "15/2024/HĐ-KHCN" in page
    assert reverse("research:contract-docx", args=[task.pk]) in page


def test_a_schedule_above_the_budget_is_refused_and_nothing_is_signed(client, build, org_a, department):
    task = approved_task(build, org_a)
    response = login(client, build.officer).post(
        url("contract-sign", task),
        {
            "number": "16/2024/HĐ-KHCN",
            "signed_on": "01/03/2024",
            "department": department.pk,
            "t1_amount": "800.000.000",
            "t1_kind": "advance",
            "t1_condition": "none",
            "t2_amount": "200.000.000",
            "t2_kind": "payment",
            "t2_condition": "acceptance",
            **{f"t{n}_{k}": v for n in (3, 4) for k, v in (("kind", "advance"), ("condition", "none"))},
        },
    )
    assert response.status_code == 200
    assert "vượt kinh phí NSNN của hợp đồng" in response.content.decode()
    task.refresh_from_db()
    assert task.status == TS.APPROVED
    assert not Contract.objects.filter(task=task).exists()
    assert not Tranche.objects.filter(contract__task=task).exists()


def test_contract_docx_is_for_staff(client, build, finance, host_user, host_user_b, org_a, department):
    task = signed_task(build, org_a, department)
    response = login(client, finance).get(reverse("research:contract-docx", args=[task.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert login(client, host_user).get(reverse("research:contract-docx", args=[task.pk])).status_code == 403
    assert login(client, host_user_b).get(reverse("research:contract-docx", args=[task.pk])).status_code == 404


# --- Money --------------------------------------------------------------------------------------


def test_finance_officer_records_a_disbursement(client, build, finance, org_a, department):
    task = signed_task(build, org_a, department)
    tranche = task.contract.tranches.get(number=1)
    response = login(client, finance).post(
        url("disbursement-record", task),
        {"tranche": tranche.pk, "source": "state_budget", "amount": "400.000.000", "paid_on": "20/03/2024"},
    )
    assert response.status_code == 302
    disbursement = Disbursement.objects.get(task=task)
    assert (disbursement.amount, disbursement.kind, disbursement.budget_year) == (400_000_000, "advance", 2024)
    page = client.get(reverse("research:task-detail", args=[task.pk])).content.decode()
    assert "400.000.000 đ" in page


def test_disbursing_above_the_remaining_allocation_shows_the_message_and_writes_nothing(
    client, build, finance, org_a, department
):
    task = signed_task(build, org_a, department)
    # 600 million allocated for 2024; the contract's state budget is 900 million.
    response = login(client, finance).post(
        url("disbursement-record", task), {"source": "state_budget", "amount": "700.000.000", "paid_on": "20/03/2024"}
    )
    assert response.status_code == 200
    assert "Kinh phí năm 2024 của nhiệm vụ còn 600.000.000 đ" in response.content.decode()
    assert not Disbursement.objects.filter(task=task).exists()


def test_a_tranche_before_its_condition_is_refused(client, build, finance, org_a, department):
    task = signed_task(build, org_a, department)
    tranche = task.contract.tranches.get(number=2)
    response = login(client, finance).post(
        url("disbursement-record", task),
        {"tranche": tranche.pk, "source": "state_budget", "amount": "100.000.000", "paid_on": "20/09/2024"},
    )
    assert response.status_code == 200
    assert "báo cáo tiến độ được chấp nhận (hiện có 0)" in response.content.decode()
    assert not Disbursement.objects.filter(task=task).exists()


# --- Reports, visits, adjustments ---------------------------------------------------------------


def test_staff_accept_a_report_and_return_another_with_its_reason(client, build, org_a, department):
    task = signed_task(build, org_a, department)
    first = submit_report(build, task)
    second = submit_report(build, task, dt.date(2024, 9, 1))
    login(client, build.officer)
    page = client.get(reverse("research:task-detail", args=[task.pk])).content.decode()
    assert url("progress-report-review", task, first.pk) in page
    assert client.post(url("progress-report-review", task, first.pk), {"to": "accepted"}).status_code == 302
    # Returning needs the reason: refused without it, nothing changes.
    response = client.post(url("progress-report-review", task, second.pk), {"to": "returned", "note": ""})
    assert "Hãy ghi lý do trả lại báo cáo." in response.content.decode()
    second.refresh_from_db()
    assert second.status == ProgressReport.Status.SUBMITTED
    client.post(url("progress-report-review", task, second.pk), {"to": "returned", "note": "Thiếu số liệu"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status, second.review_note) == ("accepted", "returned", "Thiếu số liệu")


def test_a_report_of_another_task_is_not_found(client, build, org_a, department):
    task = signed_task(build, org_a, department)
    other = build.task(status=TS.IN_PROGRESS, start=dt.date(2023, 1, 1), end=dt.date(2025, 12, 31))
    report = submit_report(build, other, dt.date(2023, 1, 1))
    response = login(client, build.officer).post(url("progress-report-review", task, report.pk), {"to": "accepted"})
    assert response.status_code == 404


def test_monitoring_visit_with_its_minutes(client, build, org_a, department):
    task = signed_task(build, org_a, department)
    response = login(client, build.officer).post(
        url("monitoring-visit-record", task),
        {
            "visited_on": "10/10/2024",
            "findings": "Đúng tiến độ.",
            "conclusion": "on_track",
            "doc_issuer": department.pk,
            "doc_number": "12/BB-SKHCN",
            "doc_date": "10/10/2024",
        },
    )
    assert response.status_code == 302
    visit = task.monitoring_visits.get()
    assert visit.minutes is not None and visit.minutes.number == "12/BB-SKHCN"
    page = client.get(reverse("research:task-detail", args=[task.pk])).content.decode()
    assert "12/BB-SKHCN" in page  # on the timeline with its document


def test_leader_approves_an_extension_with_the_decision(client, build, department_leader, org_a, department):
    task = signed_task(build, org_a, department)
    adjustment = services.adjustment_request(
        task=task,
        kind=Adjustment.Kind.EXTENSION,
        description="Thời tiết bất lợi",
        new_end=dt.date(2025, 12, 31),
        requested_on=dt.date(2025, 6, 1),
        by=build.officer,
    )
    login(client, department_leader)
    # Approval needs the decision: refused without it, nothing changes.
    response = client.post(url("adjustment-decide", task, adjustment.pk), {"to": "approved"})
    assert "Hãy nhập quyết định chấp thuận điều chỉnh." in response.content.decode()
    adjustment.refresh_from_db()
    assert adjustment.status == Adjustment.Status.REQUESTED
    response = client.post(
        url("adjustment-decide", task, adjustment.pk),
        {"to": "approved", "doc_issuer": department.pk, "doc_number": "99/QĐ-SKHCN", "doc_date": "10/06/2025"},
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.extended_end == dt.date(2025, 12, 31)


def test_rejecting_an_adjustment_needs_the_reason(client, build, org_a, department):
    task = signed_task(build, org_a, department)
    adjustment = services.adjustment_request(
        task=task, kind=Adjustment.Kind.CONTENT, description="Đổi địa điểm", by=build.officer
    )
    login(client, build.officer)
    response = client.post(url("adjustment-decide", task, adjustment.pk), {"to": "rejected"})
    assert "Hãy ghi lý do không chấp thuận." in response.content.decode()
    client.post(url("adjustment-decide", task, adjustment.pk), {"to": "rejected", "reason": "Không phù hợp"})
    adjustment.refresh_from_db()
    assert adjustment.status == Adjustment.Status.REJECTED


# --- Suspension, termination --------------------------------------------------------------------


def test_suspend_resume_and_terminate(client, build, department_leader, org_a, department):
    task = signed_task(build, org_a, department)
    login(client, department_leader)
    assert client.post(url("task-suspend", task), {"reason": "Chủ nhiệm ốm dài ngày"}).status_code == 302
    task.refresh_from_db()
    assert task.status == TS.SUSPENDED
    assert client.post(url("task-resume", task), {"reason": ""}).status_code == 302
    task.refresh_from_db()
    assert task.status == TS.IN_PROGRESS
    # Termination needs its decision.
    response = client.post(url("task-terminate", task), {"reason": "Vi phạm hợp đồng"})
    assert response.status_code == 200
    task.refresh_from_db()
    assert task.status == TS.IN_PROGRESS
    response = client.post(
        url("task-terminate", task),
        {
            "reason": "Vi phạm hợp đồng",
            "doc_issuer": department.pk,
            "doc_number": "7/QĐ-SKHCN",
            "doc_date": "01/07/2024",
        },
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == TS.TERMINATED


def test_science_officer_may_not_terminate(client, build, org_a, department):
    task = signed_task(build, org_a, department)
    response = login(client, build.officer).post(url("task-terminate", task), {"reason": "x"})
    assert response.status_code == 403
    task.refresh_from_db()
    assert task.status == TS.IN_PROGRESS


# --- Acceptance to close, through the pages ------------------------------------------------------


def _dossier(client: Any, task: Task) -> None:
    response = client.post(
        url("acceptance-submit", task),
        {
            "submitted_on": "10/09/2025",
            "self_evaluation": "Đạt đủ sản phẩm.",
            "self_grade": "passed",
            "has_final_report": "on",
            "has_products": "on",
            "has_self_evaluation_minutes": "on",
            "has_spending_report": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()


def test_acceptance_without_quorum_is_refused(client, build, org_a, department):
    task = signed_task(build, org_a, department)
    login(client, build.officer)
    _dossier(client, task)
    council, members = build.council("acceptance", 5)
    assert client.post(url("acceptance-council", task), {"council": council.pk}).status_code == 302
    # A later sitting with only 2 of 5 members present: no quorum.
    council_services.meeting_record(
        council=council, date=TODAY, place="Sở KH&CN", present=members[:2], by=build.officer
    )
    response = client.post(
        url("acceptance-conclude", task),
        {
            "graded_on": TODAY.strftime("%d/%m/%Y"),
            "doc_issuer": department.pk,
            "doc_number": "1/QĐ",
            "doc_date": TODAY.strftime("%d/%m/%Y"),
        },
    )
    assert response.status_code == 200
    assert "Hội đồng không đủ điều kiện họp" in response.content.decode()
    task.refresh_from_db()
    assert task.status == TS.AWAITING_ACCEPTANCE
    assert not Acceptance.objects.filter(task=task).exclude(grade="").exists()
    # The decision typed on the refused form was not kept either.
    from khcn.directory.models import OfficialDocument

    assert not OfficialDocument.objects.filter(number="1/QĐ").exists()


def test_from_acceptance_to_closing_through_the_pages(client, build, finance, org_a, department):
    task = signed_task(build, org_a, department)
    services.disbursement_record(
        task=task,
        tranche=task.contract.tranches.get(number=1),
        amount=400_000_000,
        paid_on=dt.date(2024, 3, 20),
        by=finance,
    )
    login(client, build.officer)
    _dossier(client, task)
    council, members = build.council("acceptance", 5)
    client.post(url("acceptance-council", task), {"council": council.pk})
    council_object = council_selectors.council_objects_for(task).filter(council=council).get()
    for member in members:
        council_services.score_sheet_submit(
            council_object=council_object, member=member, by=build.officer, grade="passed", source="paper"
        )
    response = client.post(
        url("acceptance-conclude", task),
        {"graded_on": "01/10/2025", "doc_issuer": department.pk, "doc_number": "50/QĐ-SKHCN", "doc_date": "10/10/2025"},
    )
    assert response.status_code == 302, response.content.decode()
    task.refresh_from_db()
    assert task.status == TS.ACCEPTED
    assert task.acceptances.get().grade == Grade.PASSED
    assert (
        client.post(
            url("result-register", task),
            {"number": "25/2025/ĐKKQ", "registered_on": "20/10/2025", "deposit_place": "Sở KH&CN"},
        ).status_code
        == 302
    )
    # Liquidation before the final settlement is refused.
    response = client.post(url("contract-liquidate", task), {"liquidated_on": "05/11/2025"})
    assert "Chưa có quyết toán cuối cùng" in response.content.decode()
    login(client, finance)
    assert (
        client.post(
            url("settlement-record", task),
            {"year": "2024", "settled_on": "15/02/2025", "amount_settled": "400.000.000", "is_final": "on"},
        ).status_code
        == 302
    )
    login(client, build.officer)
    assert client.post(url("contract-liquidate", task), {"liquidated_on": "05/11/2025"}).status_code == 302
    assert client.post(url("task-close", task), {"reason": ""}).status_code == 302
    task.refresh_from_db()
    assert task.status == TS.COMPLETED
    assert (
        client.post(
            url("result-application-record", task),
            {"year": str(TODAY.year), "place": "HTX Tân Châu", "scale": "5 ha", "effect": "Năng suất tăng 15%"},
        ).status_code
        == 302
    )
    page = client.get(reverse("research:task-detail", args=[task.pk])).content.decode()
    for text in ("25/2025/ĐKKQ", "Hội đồng nghiệm thu xếp loại", "Thanh lý hợp đồng", "HTX Tân Châu", "50/QĐ-SKHCN"):
        assert text in page


# --- Query counts -------------------------------------------------------------------------------


def _grow(build: Any, finance: Any, task: Task, rows: range) -> None:
    """More of each row the page lists: reports, visits with minutes, disbursements, members, outputs."""
    for i in rows:
        start = dt.date(2024, 3, 1) + dt.timedelta(days=10 * i)
        report = services.progress_report_submit(
            task=task,
            period_start=start,
            period_end=start + dt.timedelta(days=5),
            work_done="Báo cáo",
            submitted_on=start + dt.timedelta(days=6),
            by=build.officer,
        )
        services.progress_report_transition(report=report, to="accepted", by=build.officer)
        services.monitoring_visit_record(
            task=task,
            visited_on=start + dt.timedelta(days=7),
            findings="Đạt",
            conclusion="on_track",
            minutes=build.decision(date=start),
            by=build.officer,
        )
        services.disbursement_record(task=task, amount=1_000_000, paid_on=start + dt.timedelta(days=8), by=finance)
        services.task_member_add(task=task, person=build.person(), by=build.officer)
        services.output_add(task=task, form="type_iii", name=f"Bài báo {i}", by=build.officer)


def test_the_task_page_does_not_query_per_row(client, build, finance, org_a, department, django_assert_max_num_queries):
    task = signed_task(build, org_a, department)
    address = reverse("research:task-detail", args=[task.pk])
    login(client, build.officer)
    _grow(build, finance, task, range(1))
    client.get(address)  # warm the content-type cache
    with CaptureQueriesContext(connection) as small:
        assert client.get(address).status_code == 200
    _grow(build, finance, task, range(1, 6))
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get(address)
    assert page.content.decode().count('id="report-') == 6


def test_the_plan_page_shows_its_money_in_a_fixed_number_of_queries(
    client, build, finance, org_a, department, django_assert_max_num_queries
):
    task = signed_task(build, org_a, department)
    plan = PlanItem.objects.get(task=task).plan
    address = reverse("research:plan-detail", args=[plan.pk])
    login(client, build.officer)
    client.get(address)
    with CaptureQueriesContext(connection) as small:
        client.get(address)
    services.disbursement_record(task=task, amount=100_000_000, paid_on=dt.date(2024, 4, 1), by=finance)
    services.disbursement_record(task=task, amount=50_000_000, paid_on=dt.date(2024, 5, 1), by=finance)
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get(address).content.decode()
    assert 'id="plan-money-disbursed">150.000.000 đ' in page
    assert 'id="plan-money-remaining">450.000.000 đ' in page


# --- Carry-over ---------------------------------------------------------------------------------


def test_unfinished_tasks_are_carried_into_next_years_draft_plan(client, build, finance, org_a, department):
    task = signed_task(build, org_a, department)
    plan = build.plan(2025)
    login(client, finance)
    assert client.get(reverse("research:plan-carry-over", args=[plan.pk])).status_code == 403
    login(client, build.officer)
    page = client.get(reverse("research:plan-detail", args=[plan.pk])).content.decode()
    assert reverse("research:plan-carry-over", args=[plan.pk]) in page
    response = client.post(reverse("research:plan-carry-over", args=[plan.pk]), {})
    assert "ít nhất một nhiệm vụ" in response.content.decode()
    response = client.post(reverse("research:plan-carry-over", args=[plan.pk]), {f"task_{task.pk}": "300.000.000"})
    assert response.status_code == 302
    item = PlanItem.objects.get(plan=plan, task=task)
    assert (item.carried_over, item.allocation) == (True, 300_000_000)


def test_anonymous_users_are_sent_to_log_in(client, build, org_a, department):
    task = signed_task(build, org_a, department)
    response = client.get(reverse("research:contract-docx", args=[task.pk]))
    assert response.status_code == 302
