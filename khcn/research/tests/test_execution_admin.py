"""The back office of part 2: every list opens for staff in a fixed number of queries; money and
statuses are written through the services, whose refusals land on the form and change nothing;
the finance officer owns disbursements, settlements, recoveries and assets; rules are editable."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from khcn.accounts import roles
from khcn.research import services
from khcn.research.models import Asset, Disbursement, ExecutionRule, ProgressReport, Recovery, Tranche
from khcn.research.tests.test_execution_views import signed_task, submit_report
from khcn.testing import empty_inline, make_organisation, make_user

pytestmark = pytest.mark.django_db

MODELS = [
    "executionrule",
    "contract",
    "tranche",
    "contractamendment",
    "taskmember",
    "output",
    "disbursement",
    "settlement",
    "recovery",
    "progressreport",
    "monitoringvisit",
    "adjustment",
    "acceptance",
    "resultregistration",
    "asset",
    "resultapplication",
]


@pytest.fixture
def finance(db):
    return make_user("ke_toan", roles.FINANCE_OFFICER)


@pytest.fixture
def task(build):
    department = make_organisation("Sở Khoa học và Công nghệ tỉnh Hưng Yên")
    return signed_task(build, make_organisation("Viện Cây ăn quả"), department)


def _add(client: Any, model: str, data: dict[str, Any]) -> Any:
    return client.post(reverse(f"admin:research_{model}_add"), {**data, **empty_inline()})


def _rows(build: Any, finance: Any, task: Any, rows: range) -> None:
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
        services.disbursement_record(task=task, amount=1_000_000, paid_on=start + dt.timedelta(days=8), by=finance)
        services.monitoring_visit_record(
            task=task, visited_on=start + dt.timedelta(days=7), findings="Đạt", conclusion="on_track", by=build.officer
        )
        services.task_member_add(task=task, person=build.person(), by=build.officer)
        services.output_add(task=task, form="type_iii", name=f"Bài báo {i}", by=build.officer)
        services.asset_record(task=task, name=f"Máy {i}", original_value=1_000_000, by=finance)
        services.recovery_record(
            task=task, reason="other", amount=100_000, decided_on=start + dt.timedelta(days=9), by=finance
        )


@pytest.mark.parametrize("role", [roles.SCIENCE_OFFICER, roles.FINANCE_OFFICER, roles.PROVINCIAL_LEADER])
def test_staff_open_every_list_and_lists_do_not_query_per_row(client, build, finance, task, role):
    client.force_login(make_user(f"u_{role}", role))
    _rows(build, finance, task, range(1))
    counts = {}
    for model in MODELS:
        address = reverse(f"admin:research_{model}_changelist")
        client.get(address)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(address).status_code == 200, model
        counts[model] = len(queries.captured_queries)
    _rows(build, finance, task, range(1, 5))
    grown = {}
    for model in MODELS:
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse(f"admin:research_{model}_changelist"))
        grown[model] = len(queries.captured_queries)
    assert grown == counts


def test_the_task_admin_page_shows_its_records_in_a_fixed_number_of_queries(client, build, finance, task):
    client.force_login(build.officer)
    address = reverse("admin:research_task_change", args=[task.pk])
    _rows(build, finance, task, range(1))
    client.get(address)
    with CaptureQueriesContext(connection) as small:
        assert client.get(address).status_code == 200
    _rows(build, finance, task, range(1, 5))
    with CaptureQueriesContext(connection) as large:
        page = client.get(address).content.decode()
    assert len(large.captured_queries) == len(small.captured_queries)
    assert "Bài báo 4" in page


def test_finance_officer_records_a_disbursement_through_the_service(client, finance, task):
    client.force_login(finance)
    tranche = task.contract.tranches.get(number=1)
    response = _add(
        client,
        "disbursement",
        {
            "task": task.pk,
            "tranche": tranche.pk,
            "kind": "advance",
            "source": "state_budget",
            "amount": "400000000",
            "paid_on": "2024-03-20",
            "budget_year": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    disbursement = Disbursement.objects.get(task=task)
    assert (disbursement.amount, disbursement.budget_year) == (400_000_000, 2024)
    assert disbursement.history.first().history_user == finance


def test_a_disbursement_above_the_allocation_shows_the_service_message_and_writes_nothing(client, finance, task):
    client.force_login(finance)
    response = _add(
        client,
        "disbursement",
        {"task": task.pk, "kind": "advance", "source": "state_budget", "amount": "700000000", "paid_on": "2024-03-20"},
    )
    assert response.status_code == 200
    assert "Kinh phí năm 2024 của nhiệm vụ còn 600.000.000 đ" in response.content.decode()
    assert not Disbursement.objects.filter(task=task).exists()


def test_a_tranche_before_its_condition_is_refused_in_the_admin(client, finance, task):
    client.force_login(finance)
    tranche = task.contract.tranches.get(number=2)
    response = _add(
        client,
        "disbursement",
        {
            "task": task.pk,
            "tranche": tranche.pk,
            "kind": "payment",
            "source": "state_budget",
            "amount": "100000000",
            "paid_on": "2024-09-20",
        },
    )
    assert response.status_code == 200
    assert "báo cáo tiến độ được chấp nhận" in response.content.decode()
    assert not Disbursement.objects.filter(task=task).exists()


def test_a_department_leader_may_not_record_money_even_with_the_model_permission(client, department_leader, task):
    client.force_login(department_leader)
    response = _add(
        client,
        "disbursement",
        {"task": task.pk, "kind": "advance", "source": "state_budget", "amount": "1000000", "paid_on": "2024-03-20"},
    )
    assert response.status_code == 200
    assert "Bạn không có quyền thực hiện việc này." in response.content.decode()
    assert not Disbursement.objects.exists()


def test_money_fields_are_read_only_on_change(client, build, finance, task):
    disbursement = services.disbursement_record(task=task, amount=1_000_000, paid_on=dt.date(2024, 3, 20), by=finance)
    client.force_login(finance)
    address = reverse("admin:research_disbursement_change", args=[disbursement.pk])
    page = client.get(address).content.decode()
    assert 'name="amount"' not in page and 'name="voucher"' in page
    response = client.post(
        address, {"voucher": "UNC 12", "amount": "999999999", "loaded_version": disbursement.version, **empty_inline()}
    )
    assert response.status_code == 302
    disbursement.refresh_from_db()
    assert (disbursement.amount, disbursement.voucher) == (1_000_000, "UNC 12")


def test_marking_a_recovery_returned_goes_through_the_service(client, finance, task):
    services.disbursement_record(task=task, amount=1_000_000, paid_on=dt.date(2024, 3, 20), by=finance)
    recovery = services.recovery_record(
        task=task, reason="other", amount=500_000, decided_on=dt.date(2024, 6, 1), by=finance
    )
    client.force_login(finance)
    address = reverse("admin:research_recovery_change", args=[recovery.pk])
    data = {"loaded_version": recovery.version, "note": "", **empty_inline()}
    # Returned before it was decided: the service refuses, nothing changes.
    response = client.post(address, {**data, "returned_on": "2024-05-01"})
    assert response.status_code == 200
    assert "Ngày nộp trả không thể trước ngày quyết định thu hồi." in response.content.decode()
    recovery.refresh_from_db()
    assert recovery.returned_on is None
    response = client.post(address, {**data, "returned_on": "2024-07-01", "note": "Nộp đủ"})
    assert response.status_code == 302, response.content.decode()[:3000]
    recovery = Recovery.objects.get(pk=recovery.pk)
    assert (recovery.returned_on, recovery.note) == (dt.date(2024, 7, 1), "Nộp đủ")


def test_an_asset_handed_over_needs_its_recipient(client, finance, task):
    asset = services.asset_record(task=task, name="Máy sấy", original_value=50_000_000, by=finance)
    client.force_login(finance)
    address = reverse("admin:research_asset_change", args=[asset.pk])
    data = {"loaded_version": asset.version, "name": "Máy sấy", **empty_inline()}
    response = client.post(address, {**data, "handling": "transferred", "handled_on": "2025-01-10"})
    assert "Hãy chọn đơn vị nhận tài sản." in response.content.decode()
    asset.refresh_from_db()
    assert asset.handling == Asset.Handling.PENDING
    receiver = make_organisation("Trung tâm Ứng dụng")
    response = client.post(
        address, {**data, "handling": "transferred", "handled_on": "2025-01-10", "recipient": receiver.pk}
    )
    assert response.status_code == 302
    asset.refresh_from_db()
    assert (asset.handling, asset.recipient_id) == ("transferred", receiver.pk)


def test_a_tranche_schedule_above_the_contract_is_refused(client, build, task):
    client.force_login(build.officer)
    response = _add(
        client,
        "tranche",
        {"contract": task.contract.pk, "kind": "payment", "amount": "1000", "condition": "none"},
    )
    assert response.status_code == 200
    assert "vượt kinh phí NSNN của hợp đồng" in response.content.decode()
    assert Tranche.objects.filter(contract=task.contract).count() == 3


def test_statuses_cannot_be_changed_in_the_admin(client, build, task):
    report = submit_report(build, task)
    client.force_login(build.officer)
    assert client.get(reverse("admin:research_progressreport_add")).status_code == 403
    assert client.get(reverse("admin:research_contract_add")).status_code == 403
    address = reverse("admin:research_progressreport_change", args=[report.pk])
    assert 'name="status"' not in client.get(address).content.decode()
    client.post(address, {"status": "accepted", "loaded_version": report.version, **empty_inline()})
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.SUBMITTED


def test_science_officers_edit_the_rules_and_finance_officers_do_not(client, science_officer, finance):
    rule = ExecutionRule.objects.create(
        legal_regime="LKHCN2013_HY2017", name="Quy định thử nghiệm", valid_from=dt.date(2020, 1, 1)
    )
    client.force_login(finance)
    address = reverse("admin:research_executionrule_change", args=[rule.pk])
    assert 'name="report_period_months"' not in client.get(address).content.decode()
    client.force_login(science_officer)
    page = client.get(address).content.decode()
    assert 'name="report_period_months"' in page
