"""/api/v1/my-tasks/: part 2 of the task lifecycle over the API, per role, through the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from khcn.accounts import roles
from khcn.research import services
from khcn.research.models import Adjustment, Disbursement, ProgressReport, ResultApplication, Task, Tranche
from khcn.research.tests.builders import Builder
from khcn.research.tests.test_execution_flow import approved_task, sign
from khcn.testing import make_organisation, make_user

pytestmark = pytest.mark.django_db

TS = Task.Status


def token_client(user: Any) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def build(science_officer: Any) -> Builder:
    return Builder(science_officer)


@pytest.fixture
def task(build: Builder) -> Task:
    """Signed on 01/03/2024 with three tranches (400 M advance; 300 M after an accepted progress
    report; 200 M after acceptance), 600 M allocated for 2024, running 01/03/2024–31/08/2025."""
    return sign(build, approved_task(build))


@pytest.fixture
def host(task: Task) -> Any:
    """A user of the task's host organisation."""
    return make_user("chu_tri_nhiem_vu", roles.HOST_USER, organisation=task.host)


@pytest.fixture
def finance(db: Any) -> Any:
    return make_user("ke_toan", roles.FINANCE_OFFICER)


def another_task(build: Builder, year: int) -> Task:
    """A second (third...) task under contract: approved_task makes one plan per year, so each
    further task gets a year of its own."""
    task = approved_task(build, budget=500_000_000, allocation=300_000_000, year=year)
    services.contract_sign(
        task=task,
        number=f"{task.pk}/{year}/HĐ-KHCN",
        signed_on=dt.date(year, 3, 1),
        department=make_organisation(f"Sở Khoa học và Công nghệ ({year})"),
        by=build.officer,
        tranches=[{"amount": 500_000_000, "kind": Tranche.Kind.ADVANCE}],
    )
    return Task.objects.get(pk=task.pk)


def url(task: Task, rest: str = "") -> str:
    return f"/api/v1/my-tasks/{task.pk}/{rest}"


def report_payload(**extra: Any) -> dict[str, Any]:
    return {"period_start": "2024-03-01", "period_end": "2024-08-31", "work_done": "Khảo sát xong 3 xã.", **extra}


def submitted_report(task: Task, by: Any) -> ProgressReport:
    return services.progress_report_submit(
        task=task,
        period_start=dt.date(2024, 3, 1),
        period_end=dt.date(2024, 8, 31),
        work_done="Khảo sát xong 3 xã.",
        submitted_on=dt.date(2024, 9, 5),
        by=by,
    )


# --- Reading ---------------------------------------------------------------------------------------


def test_anonymous_is_refused(task):
    client = APIClient()
    assert client.get("/api/v1/my-tasks/").status_code in (401, 403)
    assert client.get(url(task)).status_code in (401, 403)
    assert client.post(url(task, "progress-reports/"), report_payload(), format="json").status_code in (401, 403)
    assert not ProgressReport.objects.exists()


def test_outsider_is_refused(task, outsider):
    assert token_client(outsider).get("/api/v1/my-tasks/").status_code == 403


def test_host_lists_only_its_organisations_tasks_under_contract(build, task, host, host_user):
    other = another_task(build, 2023)
    approved_only = approved_task(build, budget=700_000_000, allocation=400_000_000, year=2025)
    approved_only.host = task.host
    approved_only.save(update_fields=["host"])

    rows = token_client(host).get("/api/v1/my-tasks/").json()["results"]
    assert [r["id"] for r in rows] == [task.pk]  # not another host's, not one still awaiting its contract
    assert rows[0]["contract_number"] == task.contract.number
    assert rows[0]["disbursed"] == 0
    assert token_client(host_user).get("/api/v1/my-tasks/").json()["results"] == []
    assert other.pk not in [r["id"] for r in token_client(host).get("/api/v1/my-tasks/").json()["results"]]


def test_host_reads_its_task_with_contract_money_and_timeline(task, host, finance):
    tranche_1 = task.contract.tranches.get(number=1)
    services.disbursement_record(
        task=task, tranche=tranche_1, amount=400_000_000, paid_on=dt.date(2024, 3, 20), by=finance
    )
    submitted_report(task, host)

    response = token_client(host).get(url(task))
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["task"]["id"] == task.pk
    assert data["task"]["disbursed"] == 400_000_000
    assert data["contract"]["number"] == task.contract.number
    assert [(t["number"], t["disbursed"], t["condition_met"]) for t in data["tranches"]] == [
        (1, 400_000_000, True),
        (2, 0, False),
        (3, 0, False),
    ]
    assert "báo cáo tiến độ được chấp nhận" in data["tranches"][1]["why"]
    year = next(y for y in data["money"]["years"] if y["year"] == 2024)
    assert (year["allocated"], year["disbursed"], year["remaining"]) == (600_000_000, 400_000_000, 200_000_000)
    state = next(s for s in data["money"]["sources"] if s["source"] == "state_budget")
    assert (state["budget"], state["disbursed"]) == (900_000_000, 400_000_000)
    assert [d["amount"] for d in data["disbursements"]] == [400_000_000]
    assert [r["status"] for r in data["progress_reports"]] == [ProgressReport.Status.SUBMITTED]
    assert data["result_registration"] is None

    timeline = token_client(host).get(url(task, "timeline/"))
    assert timeline.status_code == 200
    kinds = [entry["kind"] for entry in timeline.json()]
    assert {"contract", "money", "report"} <= set(kinds)


def test_host_of_another_organisation_gets_404_everywhere(task, host_user_b):
    client = token_client(host_user_b)
    assert client.get(url(task)).status_code == 404
    assert client.get(url(task, "timeline/")).status_code == 404
    assert client.post(url(task, "progress-reports/"), report_payload(), format="json").status_code == 404
    assert (
        client.post(
            url(task, "adjustments/"), {"kind": "content", "description": "Đổi nội dung"}, format="json"
        ).status_code
        == 404
    )
    assert not ProgressReport.objects.exists()
    assert not Adjustment.objects.exists()


def test_staff_see_every_task(task, science_officer, finance, provincial_leader):
    for user in (science_officer, finance, provincial_leader):
        client = token_client(user)
        assert task.pk in [r["id"] for r in client.get("/api/v1/my-tasks/").json()["results"]], user
        assert client.get(url(task)).status_code == 200


def test_unknown_ids_are_404_in_json(task, host):
    client = token_client(host)
    for path in ("/api/v1/my-tasks/999999/", "/api/v1/my-tasks/abc/", "/api/v1/my-tasks/1.5/"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response["Content-Type"].startswith("application/json")


def test_list_query_count_does_not_grow_with_rows(build, science_officer, django_assert_max_num_queries):
    client = token_client(science_officer)
    sign(build, approved_task(build))
    client.get("/api/v1/my-tasks/")  # the token and the session cached
    with django_assert_max_num_queries(6) as few:
        assert client.get("/api/v1/my-tasks/").json()["count"] == 1
    for year in (2021, 2022, 2023):
        another_task(build, year)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/api/v1/my-tasks/").json()["count"] == 4


# --- Writing: the host's actions ---------------------------------------------------------------------


def test_host_submits_a_progress_report_through_the_service(task, host):
    response = token_client(host).post(url(task, "progress-reports/"), report_payload(), format="json")
    assert response.status_code == 201, response.content
    report = ProgressReport.objects.get(pk=response.json()["id"])
    assert (report.task, report.submitted_by, report.status) == (task, host, ProgressReport.Status.SUBMITTED)
    assert report.events.count() == 1  # the service's history, not a bare insert  # type: ignore[attr-defined]


def test_period_end_before_start_is_400_with_the_message_and_nothing_written(task, host):
    response = token_client(host).post(
        url(task, "progress-reports/"),
        report_payload(period_start="2024-08-31", period_end="2024-03-01"),
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"period_end": ["“Đến ngày” phải sau “Từ ngày”."]}
    assert not ProgressReport.objects.exists()


def test_a_host_cannot_backdate_a_report(task, host):
    response = token_client(host).post(
        url(task, "progress-reports/"), report_payload(submitted_on="2024-09-01"), format="json"
    )
    assert response.status_code == 400
    assert "submitted_on" in response.json()
    assert not ProgressReport.objects.exists()


def test_science_officer_records_a_paper_report_with_its_date(task, science_officer):
    response = token_client(science_officer).post(
        url(task, "progress-reports/"), report_payload(submitted_on="2024-09-05"), format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["submitted_on"] == "2024-09-05"


def test_finance_officer_and_provincial_leader_cannot_submit_reports(task, finance, provincial_leader):
    for user in (finance, provincial_leader):
        response = token_client(user).post(url(task, "progress-reports/"), report_payload(), format="json")
        assert response.status_code == 403, user
    assert not ProgressReport.objects.exists()


def test_host_requests_an_adjustment(task, host):
    response = token_client(host).post(
        url(task, "adjustments/"), {"kind": "content", "description": "Đổi địa điểm thí nghiệm."}, format="json"
    )
    assert response.status_code == 201, response.content
    adjustment = Adjustment.objects.get(pk=response.json()["id"])
    assert (adjustment.requested_by, adjustment.status) == (host, Adjustment.Status.REQUESTED)


def test_an_extension_too_long_is_400_with_the_rules_message(task, host):
    # A host asks on the day it sends the request: four months before the task's end (31/08/2025).
    with time_machine.travel(dt.datetime(2025, 5, 1, 9, tzinfo=dt.UTC), tick=False):
        response = token_client(host).post(
            url(task, "adjustments/"),
            {"kind": "extension", "description": "Thời tiết bất lợi", "new_end": "2026-06-30"},
            format="json",
        )
    assert response.status_code == 400
    assert "tối đa 6 tháng" in response.json()["new_end"][0]
    assert not Adjustment.objects.exists()


def test_results_can_be_applied_only_after_acceptance(task, host):
    payload = {"year": 2025, "place": "HTX Tân Châu", "scale": "5 ha", "effect": "Năng suất tăng 15%"}
    response = token_client(host).post(url(task, "applications/"), payload, format="json")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()
    assert not ResultApplication.objects.exists()

    Task.objects.filter(pk=task.pk).update(status=TS.ACCEPTED)
    response = token_client(host).post(url(task, "applications/"), payload, format="json")
    assert response.status_code == 201, response.content
    assert ResultApplication.objects.get().entered_by == host


def test_a_host_cannot_name_another_organisation_as_applying_results(task, host, org_b):
    Task.objects.filter(pk=task.pk).update(status=TS.ACCEPTED)
    payload = {"year": 2025, "place": "Xã A", "scale": "1 ha", "effect": "Tốt", "organisation": org_b.pk}
    response = token_client(host).post(url(task, "applications/"), payload, format="json")
    assert response.status_code == 400
    assert "organisation" in response.json()


# --- Writing: staff only -----------------------------------------------------------------------------


def disbursement(tranche: Any, amount: int, **extra: Any) -> dict[str, Any]:
    return {"tranche": tranche.pk, "amount": amount, "paid_on": "2024-03-20", **extra}


def test_finance_officer_records_a_disbursement(task, finance):
    tranche_1 = task.contract.tranches.get(number=1)
    response = token_client(finance).post(
        url(task, "disbursements/"), disbursement(tranche_1, 400_000_000), format="json"
    )
    assert response.status_code == 201, response.content
    paid = Disbursement.objects.get(pk=response.json()["id"])
    assert (paid.amount, paid.tranche, paid.budget_year, paid.kind) == (400_000_000, tranche_1, 2024, "advance")


def test_only_money_staff_record_disbursements(task, host, provincial_leader, department_leader):
    tranche_1 = task.contract.tranches.get(number=1)
    for user in (host, provincial_leader, department_leader):
        response = token_client(user).post(
            url(task, "disbursements/"), disbursement(tranche_1, 100_000_000), format="json"
        )
        assert response.status_code == 403, user
    assert not Disbursement.objects.exists()


def test_a_disbursement_over_the_remaining_allocation_is_400(task, finance):
    # 600 M allocated for 2024; money outside the tranches, state budget.
    client = token_client(finance)
    response = client.post(url(task, "disbursements/"), {"amount": 700_000_000, "paid_on": "2024-03-20"}, format="json")
    assert response.status_code == 400
    message = response.json()["non_field_errors"][0]
    assert "Kinh phí năm 2024" in message and "không thể cấp" in message
    assert not Disbursement.objects.exists()


def test_a_tranche_before_its_condition_is_400(task, finance):
    tranche_2 = task.contract.tranches.get(number=2)
    response = token_client(finance).post(
        url(task, "disbursements/"), disbursement(tranche_2, 100_000_000, paid_on="2024-09-20"), format="json"
    )
    assert response.status_code == 400
    assert "báo cáo tiến độ được chấp nhận" in response.json()["non_field_errors"][0]
    assert not Disbursement.objects.exists()


def test_a_tranche_of_another_task_is_refused(build, task, finance):
    other = another_task(build, 2023)
    response = token_client(finance).post(
        url(task, "disbursements/"), disbursement(other.contract.tranches.get(number=1), 1_000), format="json"
    )
    assert response.status_code == 400
    assert "tranche" in response.json()
    assert not Disbursement.objects.exists()


def test_science_officer_accepts_a_report_and_the_tranche_opens(task, host, science_officer, finance):
    report = submitted_report(task, host)
    review = f"progress-reports/{report.pk}/review/"
    # The host cannot review its own report; a finance officer is not a science officer.
    assert token_client(host).post(url(task, review), {"to": "accepted"}, format="json").status_code == 403
    assert token_client(finance).post(url(task, review), {"to": "accepted"}, format="json").status_code == 403

    response = token_client(science_officer).post(url(task, review), {"to": "accepted"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == ProgressReport.Status.ACCEPTED

    tranche_2 = task.contract.tranches.get(number=2)
    response = token_client(finance).post(
        url(task, "disbursements/"), disbursement(tranche_2, 100_000_000, paid_on="2024-09-20"), format="json"
    )
    assert response.status_code == 201, response.content


def test_returning_a_report_needs_a_reason(task, host, science_officer):
    report = submitted_report(task, host)
    client = token_client(science_officer)
    review = url(task, f"progress-reports/{report.pk}/review/")
    response = client.post(review, {"to": "returned"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Hãy ghi lý do trả lại báo cáo."]}
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.SUBMITTED

    response = client.post(review, {"to": "returned", "note": "Thiếu số liệu chi"}, format="json")
    assert response.status_code == 200
    assert response.json()["review_note"] == "Thiếu số liệu chi"


def test_a_report_of_another_task_is_404(build, task, host, science_officer):
    other = another_task(build, 2023)
    report = submitted_report(task, host)
    response = token_client(science_officer).post(
        url(other, f"progress-reports/{report.pk}/review/"), {"to": "accepted"}, format="json"
    )
    assert response.status_code == 404
