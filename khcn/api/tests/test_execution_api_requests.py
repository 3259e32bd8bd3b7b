"""/api/v1/my-tasks/: the host's and staff's remaining part-2 actions over the API, through the same
services as the web pages: re-submitting a returned report, withdrawing and deciding an adjustment
request, the acceptance dossier, and the result registration. For each: success changes the state
through the service and leaves its history; bad input is a 400 with the service's message and writes
nothing; a role without the right gets 403; a host of another organisation gets 404."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from khcn.accounts import roles
from khcn.directory.models import OfficialDocument, Organisation
from khcn.research import services
from khcn.research.models import (
    Acceptance,
    Adjustment,
    AdjustmentEvent,
    Grade,
    ProgressReport,
    ResultRegistration,
    Task,
)
from khcn.research.tests.builders import Builder
from khcn.research.tests.test_execution_flow import approved_task, sign
from khcn.testing import make_organisation, make_user

from .test_execution_api import submitted_report, token_client, url

pytestmark = pytest.mark.django_db

TS = Task.Status
JS = Adjustment.Status


@pytest.fixture
def build(science_officer: Any) -> Builder:
    return Builder(science_officer)


@pytest.fixture
def task(build: Builder) -> Task:
    """Signed on 01/03/2024, running until 31/08/2025."""
    return sign(build, approved_task(build))


@pytest.fixture
def host(task: Task) -> Any:
    return make_user("chu_tri_nhiem_vu", roles.HOST_USER, organisation=task.host)


@pytest.fixture
def finance(db: Any) -> Any:
    return make_user("ke_toan", roles.FINANCE_OFFICER)


@pytest.fixture
def department(db: Any) -> Organisation:
    return make_organisation("Sở Khoa học và Công nghệ tỉnh Hưng Yên", kind=Organisation.Kind.STATE_AGENCY)


def history_reasons(record: Any) -> list[str]:
    return [h.history_change_reason for h in record.history.order_by("history_id")]


# --- Re-submitting a returned progress report ------------------------------------------------------


@pytest.fixture
def returned(task: Task, host: Any, science_officer: Any) -> ProgressReport:
    report = submitted_report(task, host)
    return services.progress_report_transition(
        report=report, to=ProgressReport.Status.RETURNED, note="Thiếu số liệu chi", by=science_officer
    )


def resubmit(report: ProgressReport) -> str:
    return url(report.task, f"progress-reports/{report.pk}/resubmit/")


def test_host_resubmits_a_returned_report(returned, host):
    response = token_client(host).post(resubmit(returned), {"note": "Đã bổ sung bảng chi."}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == ProgressReport.Status.SUBMITTED
    returned.refresh_from_db()
    assert returned.status == ProgressReport.Status.SUBMITTED
    last = returned.events.order_by("pk").last()  # type: ignore[attr-defined]
    assert (last.from_status, last.to_status, last.by, last.reason) == (
        "returned",
        "submitted",
        host,
        "Đã bổ sung bảng chi.",
    )


def test_resubmitting_needs_the_note_and_only_a_returned_report(task, returned, host, science_officer):
    client = token_client(host)
    response = client.post(resubmit(returned), {"note": ""}, format="json")
    assert response.status_code == 400
    assert "note" in response.json()
    returned.refresh_from_db()
    assert returned.status == ProgressReport.Status.RETURNED

    services.progress_report_transition(report=returned, to=ProgressReport.Status.SUBMITTED, by=host, note="x")
    services.progress_report_transition(report=returned, to=ProgressReport.Status.ACCEPTED, by=science_officer)
    events = returned.events.count()  # type: ignore[attr-defined]
    response = client.post(resubmit(returned), {"note": "Lần nữa"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Không thể chuyển từ “Đã chấp nhận” sang “Đã nộp, chờ xem xét”."]}
    returned.refresh_from_db()
    assert returned.status == ProgressReport.Status.ACCEPTED
    assert returned.events.count() == events  # type: ignore[attr-defined]


def test_only_the_host_or_a_science_officer_resubmits(returned, finance, provincial_leader, host_user_b):
    for user in (finance, provincial_leader):
        response = token_client(user).post(resubmit(returned), {"note": "Bổ sung"}, format="json")
        assert response.status_code == 403, user
    assert token_client(host_user_b).post(resubmit(returned), {"note": "Bổ sung"}, format="json").status_code == 404
    returned.refresh_from_db()
    assert returned.status == ProgressReport.Status.RETURNED


def test_a_report_of_another_task_is_404(build, returned, science_officer):
    from .test_execution_api import another_task

    other = another_task(build, 2023)
    response = token_client(science_officer).post(
        url(other, f"progress-reports/{returned.pk}/resubmit/"), {"note": "Bổ sung"}, format="json"
    )
    assert response.status_code == 404


# --- Adjustment requests: withdrawn by the host, decided by staff ------------------------------------


@pytest.fixture
def requested(task: Task, host: Any) -> Adjustment:
    return services.adjustment_request(
        task=task, kind=Adjustment.Kind.CONTENT, description="Đổi địa điểm thí nghiệm.", by=host
    )


@pytest.fixture
def extension(task: Task, science_officer: Any) -> Adjustment:
    return services.adjustment_request(
        task=task,
        kind=Adjustment.Kind.EXTENSION,
        description="Thời tiết bất lợi",
        new_end=dt.date(2025, 12, 31),
        requested_on=dt.date(2025, 6, 1),
        by=science_officer,
    )


def withdraw(adjustment: Adjustment) -> str:
    return url(adjustment.task, f"adjustments/{adjustment.pk}/withdraw/")


def decide(adjustment: Adjustment) -> str:
    return url(adjustment.task, f"adjustments/{adjustment.pk}/decide/")


def test_host_withdraws_its_request(requested, host):
    response = token_client(host).post(withdraw(requested))
    assert response.status_code == 200, response.content
    assert response.json()["status"] == JS.WITHDRAWN
    requested.refresh_from_db()
    assert requested.status == JS.WITHDRAWN
    event = AdjustmentEvent.objects.filter(adjustment=requested).order_by("pk").last()
    assert (event.from_status, event.to_status, event.by, event.reason) == (
        "requested",
        "withdrawn",
        host,
        "Rút đề nghị",
    )


def test_a_decided_request_cannot_be_withdrawn(requested, host, science_officer):
    services.adjustment_transition(adjustment=requested, to=JS.REJECTED, reason="Không phù hợp", by=science_officer)
    response = token_client(host).post(withdraw(requested))
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Không thể chuyển từ “Không chấp thuận” sang “Đã rút đề nghị”."]}
    requested.refresh_from_db()
    assert requested.status == JS.REJECTED


def test_only_the_host_or_a_science_officer_withdraws(requested, finance, department_leader, host_user_b):
    for user in (finance, department_leader):
        assert token_client(user).post(withdraw(requested)).status_code == 403, user
    assert token_client(host_user_b).post(withdraw(requested)).status_code == 404
    requested.refresh_from_db()
    assert requested.status == JS.REQUESTED


def test_an_unknown_request_is_404(task, host):
    assert token_client(host).post(url(task, "adjustments/999999/withdraw/")).status_code == 404
    assert token_client(host).post(url(task, "adjustments/abc/withdraw/")).status_code == 404


def test_leader_approves_an_extension_with_the_decision(task, extension, department_leader, department):
    payload = {
        "to": "approved",
        "doc_issuer": department.pk,
        "doc_number": "99/qđ-skhcn",
        "doc_date": "2025-06-10",
        "doc_signer": "Trần Văn Giám Đốc",
    }
    response = token_client(department_leader).post(decide(extension), payload, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == JS.APPROVED
    extension.refresh_from_db()
    task.refresh_from_db()
    assert extension.status == JS.APPROVED
    assert extension.decision.number == "99/QĐ-SKHCN"  # recorded through document_record
    assert task.extended_end == dt.date(2025, 12, 31)
    event = AdjustmentEvent.objects.filter(adjustment=extension).order_by("pk").last()
    assert (event.to_status, event.by, event.document) == ("approved", department_leader, extension.decision)
    assert "Gia hạn đến 31/12/2025" in history_reasons(task)[-1]


def test_approval_without_the_decision_is_400_and_nothing_changes(task, extension, science_officer):
    response = token_client(science_officer).post(decide(extension), {"to": "approved"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Hãy nhập quyết định chấp thuận điều chỉnh."]}
    extension.refresh_from_db()
    task.refresh_from_db()
    assert (extension.status, task.extended_end) == (JS.REQUESTED, None)


def test_a_decision_number_without_its_date_and_issuer_is_400(extension, science_officer):
    response = token_client(science_officer).post(
        decide(extension), {"to": "approved", "doc_number": "99/QĐ-SKHCN"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "doc_date": ["Hãy nhập ngày ban hành văn bản."],
        "doc_issuer": ["Hãy chọn cơ quan ban hành."],
    }
    assert not OfficialDocument.objects.filter(number="99/QĐ-SKHCN").exists()


def test_a_refused_decision_writes_no_document(extension, science_officer, department):
    # The service refuses a rejection without its reason after the document was recorded: the
    # document is rolled back with it.
    payload = {"to": "rejected", "doc_issuer": department.pk, "doc_number": "77/QĐ-SKHCN", "doc_date": "2025-06-10"}
    response = token_client(science_officer).post(decide(extension), payload, format="json")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Hãy ghi lý do không chấp thuận."]}
    assert not OfficialDocument.objects.filter(number="77/QĐ-SKHCN").exists()
    extension.refresh_from_db()
    assert extension.status == JS.REQUESTED


def test_science_officer_refuses_with_the_reason(requested, science_officer):
    response = token_client(science_officer).post(
        decide(requested), {"to": "rejected", "reason": "Không phù hợp mục tiêu"}, format="json"
    )
    assert response.status_code == 200, response.content
    requested.refresh_from_db()
    assert requested.status == JS.REJECTED
    event = AdjustmentEvent.objects.filter(adjustment=requested).order_by("pk").last()
    assert (event.to_status, event.reason) == ("rejected", "Không phù hợp mục tiêu")


def test_only_leaders_decide(requested, host, finance, provincial_leader, host_user_b):
    payload = {"to": "rejected", "reason": "Không"}
    for user in (host, finance, provincial_leader):
        assert token_client(user).post(decide(requested), payload, format="json").status_code == 403, user
    assert token_client(host_user_b).post(decide(requested), payload, format="json").status_code == 404
    requested.refresh_from_db()
    assert requested.status == JS.REQUESTED


# --- The acceptance dossier -----------------------------------------------------------------------


def dossier(**extra: Any) -> dict[str, Any]:
    return {
        "self_evaluation": "Đạt đủ sản phẩm đăng ký.",
        "self_grade": Grade.PASSED,
        "has_final_report": True,
        "has_products": True,
        "has_self_evaluation_minutes": True,
        "has_spending_report": True,
        **extra,
    }


def test_host_submits_the_dossier_and_the_task_awaits_acceptance(task, host):
    response = token_client(host).post(url(task, "acceptance/"), dossier(), format="json")
    assert response.status_code == 201, response.content
    acceptance = Acceptance.objects.get(pk=response.json()["id"])
    assert (acceptance.task, acceptance.submitted_by, acceptance.self_grade) == (task, host, Grade.PASSED)
    task.refresh_from_db()
    assert task.status == TS.AWAITING_ACCEPTANCE
    event = task.events.order_by("pk").last()  # type: ignore[attr-defined]
    assert (event.to_status, event.by) == (TS.AWAITING_ACCEPTANCE, host)


def test_an_incomplete_dossier_is_400_naming_what_is_missing(task, host):
    response = token_client(host).post(
        url(task, "acceptance/"), dossier(has_products=False, has_spending_report=False), format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": [
            "Hồ sơ đánh giá, nghiệm thu chưa đủ, còn thiếu: sản phẩm và tài liệu kèm theo; báo cáo sử dụng kinh phí."
        ]
    }
    assert not Acceptance.objects.exists()
    task.refresh_from_db()
    assert task.status == TS.IN_PROGRESS


def test_a_host_cannot_backdate_the_dossier_but_staff_record_a_paper_one(task, host, science_officer):
    response = token_client(host).post(url(task, "acceptance/"), dossier(submitted_on="2025-09-10"), format="json")
    assert response.status_code == 400
    assert "submitted_on" in response.json()
    assert not Acceptance.objects.exists()

    response = token_client(science_officer).post(
        url(task, "acceptance/"), dossier(submitted_on="2025-09-10"), format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["submitted_on"] == "2025-09-10"


def test_a_dossier_only_while_in_progress(task, host):
    Task.objects.filter(pk=task.pk).update(status=TS.SUSPENDED)
    response = token_client(host).post(url(task, "acceptance/"), dossier(), format="json")
    assert response.status_code == 400
    assert "nộp hồ sơ nghiệm thu" in response.json()["non_field_errors"][0]
    assert not Acceptance.objects.exists()


def test_only_the_host_or_a_science_officer_submits_the_dossier(task, finance, department_leader, host_user_b):
    for user in (finance, department_leader):
        assert token_client(user).post(url(task, "acceptance/"), dossier(), format="json").status_code == 403, user
    assert token_client(host_user_b).post(url(task, "acceptance/"), dossier(), format="json").status_code == 404
    assert not Acceptance.objects.exists()


# --- The result registration ----------------------------------------------------------------------


def registration(**extra: Any) -> dict[str, Any]:
    return {"number": "15/2025/ĐKKQ", "registered_on": "2025-11-05", "deposit_place": "Thư viện tỉnh", **extra}


@pytest.fixture
def accepted(task: Task) -> Task:
    # The council and the decision are part 2's own tests (test_execution_flow); here only the status.
    Task.objects.filter(pk=task.pk).update(status=TS.ACCEPTED)
    return Task.objects.get(pk=task.pk)


def test_host_registers_the_results(accepted, host):
    response = token_client(host).post(url(accepted, "result-registration/"), registration(), format="json")
    assert response.status_code == 201, response.content
    registered = ResultRegistration.objects.get(task=accepted)
    assert (registered.number, registered.registered_on) == ("15/2025/ĐKKQ", dt.date(2025, 11, 5))
    assert registered.history.get().history_user == host  # saved through record_save


def test_results_are_registered_only_after_recognition_and_once(task, host, science_officer):
    client = token_client(host)
    response = client.post(url(task, "result-registration/"), registration(), format="json")
    assert response.status_code == 400
    assert "đăng ký kết quả" in response.json()["non_field_errors"][0]
    assert not ResultRegistration.objects.exists()

    Task.objects.filter(pk=task.pk).update(status=TS.ACCEPTED)
    assert client.post(url(task, "result-registration/"), registration(), format="json").status_code == 201
    response = token_client(science_officer).post(
        url(task, "result-registration/"), registration(number="16/2025/ĐKKQ"), format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Kết quả của nhiệm vụ đã được đăng ký."]}
    assert ResultRegistration.objects.count() == 1


def test_a_registration_in_the_future_is_400(accepted, science_officer):
    response = token_client(science_officer).post(
        url(accepted, "result-registration/"), registration(registered_on="2100-01-01"), format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Ngày đăng ký (01/01/2100) không được sau hôm nay."]}
    assert not ResultRegistration.objects.exists()


def test_only_the_host_or_a_science_officer_registers(accepted, finance, department_leader, host_user_b):
    for user in (finance, department_leader):
        response = token_client(user).post(url(accepted, "result-registration/"), registration(), format="json")
        assert response.status_code == 403, user
    response = token_client(host_user_b).post(url(accepted, "result-registration/"), registration(), format="json")
    assert response.status_code == 404
    assert not ResultRegistration.objects.exists()


def test_anonymous_is_refused_everywhere(task, requested):
    from rest_framework.test import APIClient

    client = APIClient()
    for path in (
        withdraw(requested),
        decide(requested),
        url(task, "acceptance/"),
        url(task, "result-registration/"),
        url(task, "progress-reports/1/resubmit/"),
    ):
        assert client.post(path, {}, format="json").status_code in (401, 403), path
    requested.refresh_from_db()
    assert requested.status == JS.REQUESTED


def test_the_format_suffix_twins_of_the_actions_answer(task, host, requested):
    # The router also serves every action with a format suffix (timeline.json); the actions took
    # no `format` argument and answered 500.
    client = token_client(host)
    response = client.get(f"/api/v1/my-tasks/{task.pk}/timeline.json")
    assert response.status_code == 200, response.content
    response = client.post(f"/api/v1/my-tasks/{task.pk}/adjustments/{requested.pk}/withdraw.json")
    assert response.status_code == 200, response.content
    response = client.post(f"/api/v1/my-tasks/{task.pk}/acceptance.json", dossier(), format="json")
    assert response.status_code == 201, response.content
