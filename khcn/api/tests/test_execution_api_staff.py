"""/api/v1/my-tasks/{id}/...: the staff task page's actions (research.views_execution.ACTIONS) and the
back office's "returned" mark on a recovery, over the API, through the same services.

For each: success changes the state through the service and leaves its history; bad input is a 400
with the service's (Vietnamese) message and writes nothing; a role the web page refuses gets 403; a
host of another organisation gets 404, anonymous 401/403. Then the files sent with the host's
writes (multipart), checked by content as on the web pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from khcn.accounts import roles
from khcn.core.models import Attachment
from khcn.core.selectors import attachments_for
from khcn.councils import selectors as council_selectors
from khcn.councils import services as council_services
from khcn.directory.models import OfficialDocument, Organisation
from khcn.research import services
from khcn.research.models import (
    Acceptance,
    Adjustment,
    Asset,
    Contract,
    ContractAmendment,
    Grade,
    MonitoringVisit,
    Output,
    ProgressReport,
    Recovery,
    ResultRegistration,
    Settlement,
    Task,
    TaskMember,
    Tranche,
)
from khcn.research.tests.builders import Builder
from khcn.research.tests.test_execution_flow import approved_task
from khcn.testing import make_organisation, make_user

from .test_execution_api import token_client, url

pytestmark = pytest.mark.django_db

TS = Task.Status


@pytest.fixture
def build(science_officer: Any) -> Builder:
    return Builder(science_officer)


@pytest.fixture
def finance(db: Any) -> Any:
    return make_user("ke_toan", roles.FINANCE_OFFICER)


@pytest.fixture
def department(db: Any) -> Organisation:
    return make_organisation("Sở Khoa học và Công nghệ tỉnh Hưng Yên", kind=Organisation.Kind.STATE_AGENCY)


@pytest.fixture
def approved(build: Builder) -> Task:
    """Approved in 2024 with 900 M of state budget (600 M allocated for 2024), no contract yet."""
    return approved_task(build)


@pytest.fixture
def task(approved: Task, department: Organisation, science_officer: Any) -> Task:
    """Signed on 01/03/2024 with one 400 M advance (500 M of the budget left to schedule)."""
    services.contract_sign(
        task=approved,
        number="7/2024/HĐ-KHCN",
        signed_on=dt.date(2024, 3, 1),
        department=department,
        tranches=[{"amount": 400_000_000, "kind": Tranche.Kind.ADVANCE}],
        by=science_officer,
    )
    return Task.objects.get(pk=approved.pk)


@pytest.fixture
def host(task: Task) -> Any:
    return make_user("chu_tri_nhiem_vu", roles.HOST_USER, organisation=task.host)


def post(user: Any, task: Task, rest: str, payload: dict[str, Any] | None = None) -> Any:
    return token_client(user).post(url(task, rest), payload or {}, format="json")


def paid(task: Task, finance: Any, amount: int = 400_000_000) -> None:
    services.disbursement_record(
        task=task,
        tranche=task.contract.tranches.get(number=1),  # type: ignore[attr-defined]
        amount=amount,
        paid_on=dt.date(2024, 3, 20),
        by=finance,
    )


def last_event(task: Task) -> Any:
    return task.events.order_by("pk").last()  # type: ignore[attr-defined]


def history_user(record: Any) -> Any:
    return record.history.order_by("history_id").last().history_user


# --- Who may call what: the web page's rules --------------------------------------------------------

SCIENCE = "science"
MONEY = "money"
LEADERS = "leaders"
LEADER = "leader"
# path under my-tasks/{id}/, and who may take the action (research.views_execution.ACTIONS' roles)
STAFF_ACTIONS = [
    ("contract/sign/", SCIENCE),
    ("contract/tranches/", SCIENCE),
    ("contract/amendments/", SCIENCE),
    ("contract/liquidate/", SCIENCE),
    ("members/", SCIENCE),
    ("outputs/", SCIENCE),
    ("outputs/assess/", SCIENCE),
    ("settlements/", MONEY),
    ("recoveries/", MONEY),
    ("recoveries/{recovery}/returned/", MONEY),
    ("visits/", SCIENCE),
    ("suspend/", LEADERS),
    ("resume/", LEADERS),
    ("terminate/", LEADER),
    ("acceptance/return/", SCIENCE),
    ("acceptance/council/", SCIENCE),
    ("acceptance/conclude/", LEADERS),
    ("result-registration/hand-over/", SCIENCE),
    ("assets/", MONEY),
    ("assets/handle/", MONEY),
    ("close/", SCIENCE),
]
# A staff user whose role the action does not name (the "wrong division").
WRONG_STAFF = {SCIENCE: roles.FINANCE_OFFICER, MONEY: roles.DEPARTMENT_LEADER, LEADERS: roles.FINANCE_OFFICER}
WRONG_STAFF[LEADER] = roles.SCIENCE_OFFICER


@pytest.fixture
def recovery(task: Task, finance: Any) -> Recovery:
    paid(task, finance)
    return services.recovery_record(
        task=task, reason=Recovery.Reason.UNSPENT, amount=50_000_000, decided_on=dt.date(2024, 12, 1), by=finance
    )


def _snapshot(task: Task) -> tuple[Any, ...]:
    """Everything the staff actions write, to show a refused call wrote nothing."""
    task.refresh_from_db()
    return (
        task.status,
        task.version,
        Contract.objects.count(),
        Tranche.objects.count(),
        ContractAmendment.objects.count(),
        TaskMember.objects.count(),
        Output.objects.count(),
        Settlement.objects.count(),
        list(Recovery.objects.values_list("pk", "returned_on")),
        MonitoringVisit.objects.count(),
        Asset.objects.count(),
        OfficialDocument.objects.count(),
    )


@pytest.mark.parametrize(("path", "who"), STAFF_ACTIONS)
def test_staff_actions_are_refused_as_the_web_page_refuses(
    path, who, task, recovery, host, host_user_b, quality_officer
):
    where = url(task, path.format(recovery=recovery.pk))
    before = _snapshot(task)
    wrong = make_user(f"sai_phong_{who}", WRONG_STAFF[who])
    for user, expected in ((wrong, 403), (quality_officer, 403), (host, 403), (host_user_b, 404)):
        response = token_client(user).post(where, {}, format="json")
        assert response.status_code == expected, (user, response.content)
    response = APIClient().post(where, {}, format="json")
    assert response.status_code in (401, 403)
    assert _snapshot(task) == before


def test_the_contract_docx_is_for_research_staff(task, host, host_user_b, science_officer, approved):
    response = token_client(science_officer).get(url(task, "contract/docx/"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert b"".join(response.streaming_content if response.streaming else [response.content])[:2] == b"PK"
    assert token_client(host).get(url(task, "contract/docx/")).status_code == 403
    assert token_client(host_user_b).get(url(task, "contract/docx/")).status_code == 404
    assert APIClient().get(url(task, "contract/docx/")).status_code in (401, 403)


def test_no_contract_no_docx(build, science_officer):
    unsigned = approved_task(build, year=2023)
    assert token_client(science_officer).get(url(unsigned, "contract/docx/")).status_code == 404


# --- Contract --------------------------------------------------------------------------------------


def contract(department: Organisation, **extra: Any) -> dict[str, Any]:
    return {"number": "9/2024/HĐ-KHCN", "signed_on": "2024-03-01", "department": department.pk, **extra}


def test_science_officer_signs_the_contract_and_the_task_starts(approved, department, science_officer):
    tranches = [{"amount": 500_000_000}, {"amount": 300_000_000, "kind": "payment", "condition": "progress_report"}]
    response = post(science_officer, approved, "contract/sign/", contract(department, tranches=tranches))
    assert response.status_code == 201, response.content
    signed = Contract.objects.get(task=approved)
    assert (response.json()["id"], response.json()["number"]) == (signed.pk, "9/2024/HĐ-KHCN")
    assert [(t.number, t.amount, t.condition) for t in signed.tranches.order_by("number")] == [
        (1, 500_000_000, "none"),
        (2, 300_000_000, "progress_report"),
    ]
    approved.refresh_from_db()
    assert approved.status == TS.IN_PROGRESS
    assert (last_event(approved).to_status, last_event(approved).by) == (TS.IN_PROGRESS, science_officer)
    assert history_user(signed) == science_officer


def test_a_contract_ending_before_it_starts_is_400_and_nothing_is_written(approved, department, science_officer):
    response = post(science_officer, approved, "contract/sign/", contract(department, end="2024-01-31"))
    assert response.status_code == 400
    assert response.json() == {"end": ["Ngày kết thúc (31/01/2024) phải sau ngày bắt đầu (01/03/2024)."]}
    assert not Contract.objects.exists()
    approved.refresh_from_db()
    assert approved.status == TS.APPROVED


def test_a_tranche_without_amount_is_a_400_in_the_documented_format(approved, department, science_officer):
    # Found by schemathesis: nested rows' errors came as {"0": {"amount": [...]}}, not {field: [messages]}.
    tranches = [{"amount": 500_000_000}, {"kind": "payment"}]
    response = post(science_officer, approved, "contract/sign/", contract(department, tranches=tranches))
    assert response.status_code == 400
    errors = response.json()
    assert list(errors) == ["tranches"]
    assert len(errors["tranches"]) == 1
    assert errors["tranches"][0].startswith("[2] amount: ")
    assert not Contract.objects.exists()


def test_tranches_within_the_budget(task, science_officer):
    response = post(science_officer, task, "contract/tranches/", {"amount": 500_000_000, "kind": "payment"})
    assert response.status_code == 201, response.content
    tranche = Tranche.objects.get(pk=response.json()["id"])
    assert (tranche.number, tranche.amount, history_user(tranche)) == (2, 500_000_000, science_officer)

    response = post(science_officer, task, "contract/tranches/", {"amount": 1})
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["Tổng các đợt (900.000.001 đ) vượt kinh phí NSNN của hợp đồng (900.000.000 đ)."]
    }
    assert Tranche.objects.count() == 2


def test_an_amendment_is_recorded_but_not_before_the_contract(task, science_officer):
    payload = {"number": "01/PL", "signed_on": "2024-06-01", "content": "Đổi địa điểm thí nghiệm."}
    response = post(science_officer, task, "contract/amendments/", payload)
    assert response.status_code == 201, response.content
    amendment = ContractAmendment.objects.get()
    assert (amendment.contract, history_user(amendment)) == (task.contract, science_officer)

    response = post(
        science_officer, task, "contract/amendments/", {**payload, "number": "02/PL", "signed_on": "2024-01-01"}
    )
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Phụ lục không thể ký trước hợp đồng."]}
    assert ContractAmendment.objects.count() == 1


def test_liquidation_after_the_final_settlement_with_its_minutes(task, finance, science_officer, department):
    minutes = {"doc_number": "5/bb-tl", "doc_date": "2025-11-05", "doc_issuer": department.pk}
    response = post(science_officer, task, "contract/liquidate/", {"liquidated_on": "2025-11-05", **minutes})
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": [f"Không thể thanh lý hợp đồng khi nhiệm vụ {task.code} đang “Đang thực hiện”."]
    }
    assert not OfficialDocument.objects.filter(number="5/BB-TL").exists()  # rolled back with the refusal

    paid(task, finance)
    services.settlement_record(
        task=task, year=2024, settled_on=dt.date(2025, 2, 1), amount_settled=400_000_000, is_final=True, by=finance
    )
    Task.objects.filter(pk=task.pk).update(status=TS.ACCEPTED)
    response = post(science_officer, task, "contract/liquidate/", {"liquidated_on": "2025-11-05", **minutes})
    assert response.status_code == 200, response.content
    assert response.json()["liquidated_on"] == "2025-11-05"
    signed = Contract.objects.get(task=task)
    assert (signed.liquidation.number, signed.liquidation.kind) == ("5/BB-TL", OfficialDocument.Kind.MINUTES)
    assert history_user(signed) == science_officer


# --- Members and outputs ---------------------------------------------------------------------------


def test_a_member_of_the_host_organisation_is_added(build, task, science_officer, org_b):
    person = build.person("Trần Thị Thành Viên", org=task.host)
    response = post(science_officer, task, "members/", {"person": person.pk, "role": "main", "workdays": 120})
    assert response.status_code == 201, response.content
    member = TaskMember.objects.get(task=task, person=person)
    assert (member.role, member.workdays, history_user(member)) == ("main", 120, science_officer)

    outsider = build.person("Người ngoài", org=org_b)
    other = build.person("Lê Văn Khác", org=task.host)
    count = TaskMember.objects.count()
    assert post(science_officer, task, "members/", {"person": outsider.pk}).status_code == 400
    response = post(science_officer, task, "members/", {"person": other.pk, "role": "pi"})
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": [f"Chủ nhiệm nhiệm vụ là {task.pi}; thay chủ nhiệm phải qua điều chỉnh."]
    }
    assert TaskMember.objects.count() == count


@pytest.fixture
def output(task: Task, science_officer: Any) -> Output:
    return services.output_add(
        task=task, form=Output.Form.TYPE_I, name="Giống nhãn", quantity_planned=3, by=science_officer
    )


def test_outputs_are_added_and_assessed(task, output, science_officer):
    response = post(science_officer, task, "outputs/", {"form": "type_iii", "name": "Bài báo", "quantity_planned": 2})
    assert response.status_code == 201, response.content
    assert history_user(Output.objects.get(pk=response.json()["id"])) == science_officer

    assess = {"output": output.pk, "quantity_achieved": 1, "achieved": True, "assessed_on": "2025-09-20"}
    response = post(science_officer, task, "outputs/assess/", assess)
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["“Giống nhãn”: đạt 1 trên 3 đăng ký, không thể đánh giá là đạt."]}
    output.refresh_from_db()
    assert output.achieved is None

    response = post(science_officer, task, "outputs/assess/", {**assess, "quantity_achieved": 3})
    assert response.status_code == 200, response.content
    output.refresh_from_db()
    assert (output.achieved, output.quantity_achieved, history_user(output)) == (True, 3, science_officer)


def test_an_output_of_another_task_cannot_be_assessed(build, task, science_officer):
    from .test_execution_api import another_task

    other = another_task(build, 2023)
    foreign = services.output_add(task=other, form=Output.Form.TYPE_I, name="Khác", by=science_officer)
    payload = {"output": foreign.pk, "quantity_achieved": 1, "achieved": True, "assessed_on": "2025-09-20"}
    response = post(science_officer, task, "outputs/assess/", payload)
    assert response.status_code == 400
    assert "output" in response.json()
    foreign.refresh_from_db()
    assert foreign.achieved is None


# --- Money -----------------------------------------------------------------------------------------


def test_finance_settles_a_year_no_more_than_was_paid(task, finance):
    paid(task, finance)
    payload = {"year": 2024, "settled_on": "2025-02-15", "amount_settled": 500_000_000}
    response = post(finance, task, "settlements/", payload)
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": [
            "Chỉ có thể quyết toán tối đa 400.000.000 đ (đã cấp đến năm 2024, trừ phần đã quyết toán và thu hồi)."
        ]
    }
    assert not Settlement.objects.exists()

    response = post(finance, task, "settlements/", {**payload, "amount_settled": 350_000_000})
    assert response.status_code == 201, response.content
    settlement = Settlement.objects.get()
    assert (settlement.amount_settled, settlement.carried_over, history_user(settlement)) == (350_000_000, 0, finance)


def test_finance_decides_a_recovery_and_marks_it_returned(task, finance):
    paid(task, finance)
    payload = {"reason": "unspent", "amount": 500_000_000, "decided_on": "2024-12-01"}
    response = post(finance, task, "recoveries/", payload)
    assert response.status_code == 400
    assert "chỉ có thể thu hồi tối đa 400.000.000 đ" in response.json()["non_field_errors"][0]
    assert not Recovery.objects.exists()

    response = post(finance, task, "recoveries/", {**payload, "amount": 60_000_000})
    assert response.status_code == 201, response.content
    recovery = Recovery.objects.get()
    assert (recovery.amount, history_user(recovery)) == (60_000_000, finance)

    returned = f"recoveries/{recovery.pk}/returned/"
    response = post(finance, task, returned, {"returned_on": "2024-11-01"})
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Ngày nộp trả không thể trước ngày quyết định thu hồi."]}
    recovery.refresh_from_db()
    assert recovery.returned_on is None

    response = post(finance, task, returned, {"returned_on": "2024-12-20"})
    assert response.status_code == 200, response.content
    recovery.refresh_from_db()
    assert recovery.returned_on == dt.date(2024, 12, 20)
    latest = recovery.history.order_by("history_id").last()
    assert (latest.history_user, latest.history_change_reason) == (finance, "Đã nộp trả")


def test_a_recovery_of_another_task_is_404(build, task, recovery, finance):
    from .test_execution_api import another_task

    other = another_task(build, 2023)
    assert post(finance, other, f"recoveries/{recovery.pk}/returned/", {"returned_on": "2024-12-20"}).status_code == 404
    assert post(finance, task, "recoveries/999999/returned/", {"returned_on": "2024-12-20"}).status_code == 404
    recovery.refresh_from_db()
    assert recovery.returned_on is None


# --- Monitoring, suspension, termination -------------------------------------------------------------


def test_a_monitoring_visit_with_its_minutes(task, science_officer, department):
    payload = {"visited_on": "2024-02-01", "findings": "Đúng tiến độ.", "conclusion": "on_track"}
    response = post(science_officer, task, "visits/", payload)
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Ngày kiểm tra trước khi nhiệm vụ bắt đầu."]}
    assert not MonitoringVisit.objects.exists()

    minutes = {"doc_number": "3/bb-kt", "doc_date": "2024-09-10", "doc_issuer": department.pk}
    response = post(science_officer, task, "visits/", {**payload, "visited_on": "2024-09-10", **minutes})
    assert response.status_code == 201, response.content
    visit = MonitoringVisit.objects.get()
    assert (visit.minutes.number, visit.minutes.kind) == ("3/BB-KT", OfficialDocument.Kind.MINUTES)
    assert history_user(visit) == science_officer


def test_leaders_suspend_and_resume_the_task(task, department_leader, science_officer):
    response = post(department_leader, task, "suspend/", {"reason": "   "})
    assert response.status_code == 400
    assert response.json() == {"reason": ["Trường này không được bỏ trống."]}
    task.refresh_from_db()
    assert task.status == TS.IN_PROGRESS

    response = post(department_leader, task, "suspend/", {"reason": "Chờ kết quả thanh tra."})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == TS.SUSPENDED
    assert (last_event(task).to_status, last_event(task).by) == (TS.SUSPENDED, department_leader)

    response = post(science_officer, task, "resume/", {"reason": "Đã khắc phục."})
    assert response.status_code == 200, response.content
    task.refresh_from_db()
    assert (task.status, last_event(task).by) == (TS.IN_PROGRESS, science_officer)


def test_termination_needs_the_decision(task, department_leader, department, finance):
    response = post(department_leader, task, "terminate/", {"reason": "Vi phạm hợp đồng"})
    assert response.status_code == 400
    assert response.json() == {"doc_number": ["Hãy nhập số, ký hiệu của văn bản."]}
    task.refresh_from_db()
    assert task.status == TS.IN_PROGRESS

    paid(task, finance)
    decision = {"doc_number": "12/qđ-skhcn", "doc_date": "2024-10-01", "doc_issuer": department.pk}
    payload = {"reason": "Vi phạm hợp đồng", "recovery_amount": 100_000_000, **decision}
    response = post(department_leader, task, "terminate/", payload)
    assert response.status_code == 200, response.content
    task.refresh_from_db()
    event = last_event(task)
    assert (task.status, event.by, event.document.number) == (TS.TERMINATED, department_leader, "12/QĐ-SKHCN")
    recovery = Recovery.objects.get(task=task)
    assert (recovery.amount, recovery.reason, recovery.decision) == (100_000_000, "termination", event.document)


# --- Acceptance ------------------------------------------------------------------------------------


@pytest.fixture
def dossier(task: Task, science_officer: Any) -> Acceptance:
    """A paper dossier handed in on 10/09/2025."""
    return services.acceptance_submit(
        task=task,
        submitted_on=dt.date(2025, 9, 10),
        self_evaluation="Đạt đủ sản phẩm đăng ký.",
        self_grade=Grade.PASSED,
        has_final_report=True,
        has_products=True,
        has_self_evaluation_minutes=True,
        has_spending_report=True,
        by=science_officer,
    )


def test_the_dossier_is_returned_with_the_reason(task, dossier, science_officer):
    response = post(science_officer, task, "acceptance/return/", {"reason": ""})
    assert response.status_code == 400
    assert "reason" in response.json()
    task.refresh_from_db()
    assert task.status == TS.AWAITING_ACCEPTANCE

    response = post(science_officer, task, "acceptance/return/", {"reason": "Thiếu biên bản tự đánh giá."})
    assert response.status_code == 200, response.content
    task.refresh_from_db()
    dossier.refresh_from_db()
    assert (task.status, last_event(task).reason) == (TS.IN_PROGRESS, "Thiếu biên bản tự đánh giá.")
    assert dossier.archived_at is not None


def test_the_council_then_the_conclusion(build, task, dossier, science_officer, department_leader):
    response = post(department_leader, task, "acceptance/conclude/", {"graded_on": "2025-10-01"})
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Nhiệm vụ chưa được đưa ra hội đồng nghiệm thu."]}

    selection, _ = build.council("selection", 3)
    assert post(science_officer, task, "acceptance/council/", {"council": selection.pk}).status_code == 400
    council, members = build.council("acceptance", 5)
    response = post(science_officer, task, "acceptance/council/", {"council": council.pk})
    assert response.status_code == 200, response.content
    assert response.json()["council"] == council.name
    dossier.refresh_from_db()
    assert dossier.council == council

    council_object = council_selectors.council_objects_for(task).filter(council=council).get()
    for member in members:
        council_services.score_sheet_submit(
            council_object=council_object, member=member, by=science_officer, grade="passed", source="paper"
        )
    decision = {"doc_number": "40/qđ-ubnd", "doc_date": "2025-10-10", "doc_issuer": build.committee.pk}
    response = post(department_leader, task, "acceptance/conclude/", {"graded_on": "2025-10-01", **decision})
    assert response.status_code == 200, response.content
    assert response.json()["grade"] == Grade.PASSED
    task.refresh_from_db()
    assert (task.status, last_event(task).by) == (TS.ACCEPTED, department_leader)


# --- Results, assets, closing ----------------------------------------------------------------------


def test_the_results_are_handed_over_after_registration(task, science_officer, org_b):
    Task.objects.filter(pk=task.pk).update(status=TS.ACCEPTED)
    payload = {"handed_over_on": "2025-11-10", "to": org_b.pk}
    response = post(science_officer, task, "result-registration/hand-over/", payload)
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Kết quả chưa được đăng ký."]}

    registration = services.result_register(
        task=task,
        number="15/2025/ĐKKQ",
        registered_on=dt.date(2025, 11, 5),
        deposit_place="Thư viện",
        by=science_officer,
    )
    response = post(
        science_officer, task, "result-registration/hand-over/", {**payload, "handed_over_on": "2025-11-01"}
    )
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Ngày bàn giao không thể trước ngày đăng ký kết quả."]}

    response = post(science_officer, task, "result-registration/hand-over/", payload)
    assert response.status_code == 200, response.content
    registration = ResultRegistration.objects.get(pk=registration.pk)
    assert (registration.handed_over_to, registration.handed_over_on) == (org_b, dt.date(2025, 11, 10))
    assert history_user(registration) == science_officer


def test_assets_are_recorded_and_handled(task, finance, org_b):
    response = post(finance, task, "assets/", {"name": "Máy đo pH", "origin": "bought", "original_value": 45_000_000})
    assert response.status_code == 201, response.content
    asset = Asset.objects.get()
    assert (asset.handling, history_user(asset)) == (Asset.Handling.PENDING, finance)

    payload = {"asset": asset.pk, "handling": "transferred", "handled_on": "2025-11-01"}
    response = post(finance, task, "assets/handle/", payload)
    assert response.status_code == 400
    assert response.json() == {"recipient": ["Hãy chọn đơn vị nhận tài sản."]}
    asset.refresh_from_db()
    assert asset.handling == Asset.Handling.PENDING

    response = post(finance, task, "assets/handle/", {**payload, "recipient": org_b.pk})
    assert response.status_code == 200, response.content
    asset.refresh_from_db()
    assert (asset.handling, asset.recipient, history_user(asset)) == ("transferred", org_b, finance)
    # Handled: no longer a pending asset of the task.
    assert post(finance, task, "assets/handle/", {**payload, "recipient": org_b.pk}).status_code == 400


def test_closing_needs_the_steps_done(task, science_officer):
    Task.objects.filter(pk=task.pk).update(status=TS.ACCEPTED)
    response = post(science_officer, task, "close/", {})
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Chưa đăng ký kết quả."]}
    task.refresh_from_db()
    assert task.status == TS.ACCEPTED

    Task.objects.filter(pk=task.pk).update(status=TS.FAILED)
    response = post(science_officer, task, "close/", {"reason": "Chấp nhận rủi ro, không thu hồi."})
    assert response.status_code == 200, response.content
    task.refresh_from_db()
    assert (task.status, last_event(task).by) == (TS.COMPLETED, science_officer)


def test_a_staff_action_answers_on_its_format_suffix_twin(task, department_leader):
    response = token_client(department_leader).post(
        f"/api/v1/my-tasks/{task.pk}/suspend.json", {"reason": "Tạm dừng"}, format="json"
    )
    assert response.status_code == 200, response.content


# --- Files with the host's writes (multipart) ---------------------------------------------------------

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name: str = "bao-cao.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, "application/pdf")


def report(**extra: Any) -> dict[str, Any]:
    return {"period_start": "2024-03-01", "period_end": "2024-08-31", "work_done": "Khảo sát xong.", **extra}


def test_a_progress_report_with_its_files(task, host):
    response = token_client(host).post(
        url(task, "progress-reports/"), report(attachments=[pdf(), pdf("phu-luc")]), format="multipart"
    )
    assert response.status_code == 201, response.content
    saved = ProgressReport.objects.get(pk=response.json()["id"])
    files = attachments_for(saved).order_by("pk")
    # The stored name takes the suffix of the type read from the content.
    assert [(f.original_name, f.mime_type, f.uploaded_by) for f in files] == [
        ("bao-cao.pdf", "application/pdf", host),
        ("phu-luc.pdf", "application/pdf", host),
    ]


def test_a_file_of_another_type_than_its_name_is_refused_and_nothing_is_written(task, host):
    fake = SimpleUploadedFile("bao-cao.pdf", b"MZ\x90\x00 not a pdf at all", "application/pdf")
    response = token_client(host).post(url(task, "progress-reports/"), report(attachments=[fake]), format="multipart")
    assert response.status_code == 400
    [message] = response.json()["attachments"]
    assert message.startswith("bao-cao.pdf: ")
    assert "PDF" in message  # names the types accepted
    assert not ProgressReport.objects.exists()
    assert not Attachment.objects.exists()


def test_too_many_files_are_refused_with_the_web_pages_message(task, dossier, host):
    Task.objects.filter(pk=task.pk).update(status=TS.IN_PROGRESS)
    Acceptance.objects.all().delete()
    payload = {
        "self_evaluation": "Đạt.",
        "self_grade": Grade.PASSED,
        "has_final_report": True,
        "has_products": True,
        "has_self_evaluation_minutes": True,
        "has_spending_report": True,
        "attachments": [pdf(f"tep-{n}.pdf") for n in range(11)],
    }
    response = token_client(host).post(url(task, "acceptance/"), payload, format="multipart")
    assert response.status_code == 400
    assert response.json() == {"attachments": ["Mỗi lần chỉ đính kèm tối đa 10 tệp."]}
    assert not Acceptance.objects.exists()

    payload["attachments"] = [pdf("ho-so.pdf")]
    response = token_client(host).post(url(task, "acceptance/"), payload, format="multipart")
    assert response.status_code == 201, response.content
    acceptance = Acceptance.objects.get()
    assert attachments_for(acceptance).get().original_name == "ho-so.pdf"


def test_a_refused_request_keeps_no_file(task, host):
    # The service refuses the period (end before start) after the files passed their check: the
    # report and its files go together.
    payload = report(period_end="2024-01-31", attachments=[pdf()])
    response = token_client(host).post(url(task, "progress-reports/"), payload, format="multipart")
    assert response.status_code == 400
    assert not ProgressReport.objects.exists()
    assert not Attachment.objects.exists()


def test_adjustment_and_resubmission_take_files(task, host, science_officer):
    payload = {"kind": "content", "description": "Đổi địa điểm.", "attachments": [pdf("to-trinh.pdf")]}
    response = token_client(host).post(url(task, "adjustments/"), payload, format="multipart")
    assert response.status_code == 201, response.content
    assert attachments_for(Adjustment.objects.get(pk=response.json()["id"])).count() == 1

    submitted = services.progress_report_submit(
        task=task, period_start=dt.date(2024, 3, 1), period_end=dt.date(2024, 8, 31), work_done="x", by=host
    )
    services.progress_report_transition(
        report=submitted, to=ProgressReport.Status.RETURNED, note="Thiếu", by=science_officer
    )
    response = token_client(host).post(
        url(task, f"progress-reports/{submitted.pk}/resubmit/"),
        {"note": "Đã bổ sung.", "attachments": [pdf("bo-sung.pdf")]},
        format="multipart",
    )
    assert response.status_code == 200, response.content
    assert attachments_for(submitted).get().original_name == "bo-sung.pdf"


def test_a_quantity_past_what_the_column_holds_is_refused_with_a_message(task, output, science_officer):
    # Found by schemathesis on PostgreSQL: 7,298,458,787,059,505 planned units failed in the
    # database (integer out of range) with a 500.
    before = Output.objects.count()
    response = post(
        science_officer, task, "outputs/", {"form": "type_iii", "name": "Bài báo", "quantity_planned": 2**31}
    )
    assert response.status_code == 400 and "quantity_planned" in response.json(), response.content
    assess = {"output": output.pk, "quantity_achieved": 2**31, "achieved": True, "assessed_on": "2025-09-20"}
    response = post(science_officer, task, "outputs/assess/", assess)
    assert response.status_code == 400 and "quantity_achieved" in response.json(), response.content
    assert Output.objects.count() == before
