"""Pages: who sees what, what bad input says, and a fixed number of queries on every list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from khcn.directory.models import OfficialDocument
from khcn.research import services
from khcn.research.models import Call, Plan, PlanItem, Proposal, Task

pytestmark = pytest.mark.django_db
PS = Proposal.Status


def _form_post(build, call, **overrides):
    data = build.proposal_data()
    post = {
        "call": call.pk,
        "title": data["title"],
        "urgency": data["urgency"],
        "objectives": data["objectives"],
        "expected_results": data["expected_results"],
        "estimated_budget": "850.000.000",
        "estimated_duration_months": "24",
        "application_place": data["application_place"],
        "field": data["field"].pk,
        "task_form": data["task_form"].pk,
    }
    post.update(overrides)
    return post


# --- Host users -------------------------------------------------------------------------------------


def test_a_host_submits_a_proposal_on_the_front_site(client, build, host_user, org_a):
    call = build.call()
    client.force_login(host_user)
    response = client.post(reverse("research:proposal-create"), _form_post(build, call))
    proposal = Proposal.objects.get()
    assert response.status_code == 302 and response.url == reverse("research:proposal-detail", args=[proposal.pk])
    assert proposal.proposer_org == org_a and proposal.estimated_budget == 850_000_000


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("estimated_budget", "-850000000", "Số tiền không được âm."),
        ("estimated_budget", "tám trăm triệu", "Hãy nhập số tiền bằng số"),
        ("estimated_budget", "850.000.000.000.000", "Số tiền lớn bất thường"),
        ("title", "", "This field is required."),
        ("estimated_duration_months", "0", "Ít nhất 1 tháng."),
    ],
)
def test_bad_input_on_the_proposal_form_says_why_and_writes_nothing(client, build, host_user, field, value, message):
    client.force_login(host_user)
    response = client.post(reverse("research:proposal-create"), _form_post(build, build.call(), **{field: value}))
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body or (message == "This field is required." and "Trường này là bắt buộc." in body)
    assert not Proposal.objects.exists()


def test_a_closed_call_is_not_offered_and_a_forged_post_is_refused(client, build, host_user):
    closed = build.call(opens_on=dt.date(2023, 3, 1), deadline=dt.date(2023, 4, 28))
    client.force_login(host_user)
    page = client.get(reverse("research:proposal-create")).content.decode()
    assert "Hiện không có đợt đề xuất nào đang mở" in page
    response = client.post(reverse("research:proposal-create"), _form_post(build, closed))
    assert response.status_code == 200
    assert not Proposal.objects.exists()


def test_a_host_sees_only_its_own_proposals(client, build, host_user, host_user_b):
    call = build.call()
    own = services.proposal_submit(call=call, by=host_user, **build.proposal_data(title="Đề xuất của A"))
    other = services.proposal_submit(call=call, by=host_user_b, **build.proposal_data(title="Đề xuất của B"))
    client.force_login(host_user)
    listing = client.get(reverse("research:proposal-list")).content.decode()
    assert "Đề xuất của A" in listing and "Đề xuất của B" not in listing
    assert client.get(reverse("research:proposal-detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("research:proposal-detail", args=[other.pk])).status_code == 404
    # Nor can it act on the other's proposal.
    response = client.post(reverse("research:proposal-transition", args=[other.pk]), {"to": "withdrawn", "reason": "x"})
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.status == PS.SUBMITTED


def test_a_host_withdraws_its_proposal_from_its_page(client, build, host_user):
    own = services.proposal_submit(call=build.call(), by=host_user, **build.proposal_data())
    client.force_login(host_user)
    page = client.get(reverse("research:proposal-detail", args=[own.pk])).content.decode()
    assert "Rút phiếu" in page
    client.post(reverse("research:proposal-transition", args=[own.pk]), {"to": "withdrawn", "reason": "Xin rút"})
    own.refresh_from_db()
    assert own.status == PS.WITHDRAWN


@pytest.mark.parametrize(
    "name", ["research:plan-list", "research:dashboard", "research:call-list", "research:proposal-council"]
)
def test_staff_pages_are_closed_to_hosts_and_members(client, host_user, council_member, name):
    for user in (host_user, council_member):
        client.force_login(user)
        assert client.get(reverse(name)).status_code == 403


def test_the_provincial_leader_reads_but_cannot_act(client, build, provincial_leader):
    plan = build.plan()
    client.force_login(provincial_leader)
    page = client.get(reverse("research:plan-detail", args=[plan.pk])).content.decode()
    assert plan.title in page and "Thêm nhiệm vụ" not in page
    assert client.get(reverse("research:plan-item-add", args=[plan.pk])).status_code == 403
    assert client.get(reverse("research:plan-create")).status_code == 403
    proposal = build.proposal()
    client.post(reverse("research:proposal-transition", args=[proposal.pk]), {"to": "valid"})
    proposal.refresh_from_db()
    assert proposal.status == PS.SUBMITTED


def test_anonymous_users_are_sent_to_login(client, build):
    proposal = build.proposal()
    response = client.get(reverse("research:proposal-detail", args=[proposal.pk]))
    assert response.status_code == 302 and "/dang-nhap/" in response.url


# --- Staff ------------------------------------------------------------------------------------------


def test_staff_screen_a_proposal_as_duplicate_of_another(client, build, science_officer):
    call = build.call()
    original, copy = build.proposal(call), build.proposal(call)
    client.force_login(science_officer)
    client.post(
        reverse("research:proposal-transition", args=[copy.pk]),
        {"to": "duplicate", "reason": "Trùng nội dung", "other": original.pk},
    )
    copy.refresh_from_db()
    assert copy.status == PS.DUPLICATE and copy.duplicate_of == original


def test_staff_send_proposals_to_the_council_and_apply_its_conclusion(client, build, science_officer):
    council, members = build.identification_council(3)
    proposal = build.proposal(status=PS.VALID)
    client.force_login(science_officer)
    response = client.post(reverse("research:proposal-council"), {"council": council.pk, "proposals": [proposal.pk]})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == PS.IN_COUNCIL
    build.votes(council, members, proposal, ["recommend"] * 3)
    client.post(reverse("research:proposal-council"), {"apply": council.pk})
    proposal.refresh_from_db()
    assert proposal.status == PS.RECOMMENDED


def test_staff_create_a_plan_and_a_second_one_for_the_year_is_a_message(client, build, science_officer):
    client.force_login(science_officer)
    response = client.post(reverse("research:plan-create"), {"year": 2026})
    assert response.status_code == 302
    response = client.post(reverse("research:plan-create"), {"year": 2026})
    assert response.status_code == 200
    assert "đã có kế hoạch KH&amp;CN năm 2026" in response.content.decode()
    assert Plan.objects.count() == 1


def test_staff_approve_a_plan_and_a_reused_number_is_refused(client, build, science_officer):
    plan = build.plan()
    services.plan_item_add(plan=plan, by=science_officer, task=build.task(plan_year=2023), allocation=500_000_000)
    services.plan_transition(plan=plan, to=Plan.Status.SUBMITTED, by=science_officer)
    build.decision("105/QĐ-UBND")
    client.force_login(science_officer)
    post = {"issuer": build.committee.pk, "number": "105/QĐ-UBND", "date": "15/01/2024", "signer": "Chủ tịch"}
    response = client.post(reverse("research:plan-approve", args=[plan.pk]), post)
    assert response.status_code == 200
    assert "đã được dùng cho văn bản khác" in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == Plan.Status.SUBMITTED
    assert OfficialDocument.objects.count() == 1
    post["number"] = "106/QĐ-UBND"
    response = client.post(reverse("research:plan-approve", args=[plan.pk]), post)
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == Plan.Status.APPROVED and plan.decision.number == "106/QĐ-UBND"


def test_a_plan_item_with_a_negative_allocation_is_refused(client, build, science_officer):
    plan = build.plan()
    task = build.task(plan_year=2023)
    client.force_login(science_officer)
    response = client.post(
        reverse("research:plan-item-add", args=[plan.pk]),
        {"task": task.pk, "allocation": "-1.000", "mode": "selection", "level": "provincial"},
    )
    assert "Số tiền không được âm." in response.content.decode()
    assert not PlanItem.objects.exists()


def test_documents_download(client, build, science_officer):
    plan = build.plan()
    client.force_login(science_officer)
    docx = client.get(reverse("research:plan-annex-docx", args=[plan.pk]))
    xlsx = client.get(reverse("research:plan-annex-xlsx", args=[plan.pk]))
    assert docx.status_code == 200 and docx.content.startswith(b"PK")
    assert xlsx.status_code == 200 and "danh-muc-nhiem-vu-2024.xlsx" in xlsx["Content-Disposition"]


# --- Query counts -----------------------------------------------------------------------------------


def _fill(build, n, org=None):
    call = build.call()
    for _ in range(n):
        build.proposal(call, org=org)


def _queries(client, url, django_assert_max_num_queries, limit):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with django_assert_max_num_queries(limit), CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "name",
    [
        "research:proposal-list",
        "research:task-list",
        "research:plan-list",
        "research:call-list",
        "research:application-list",
        "research:index",
        "research:proposal-council",
    ],
)
def test_staff_lists_cost_the_same_whatever_their_length(
    client, build, science_officer, name, django_assert_max_num_queries
):
    client.force_login(science_officer)
    _fill(build, 2)
    build.task(plan_year=2023)
    few = _queries(client, reverse(name), django_assert_max_num_queries, 25)
    _fill(build, 12)
    for _ in range(8):
        build.task(plan_year=2023)
    many = _queries(client, reverse(name), django_assert_max_num_queries, 25)
    assert many == few


@pytest.mark.parametrize(
    "name", ["research:proposal-list", "research:task-list", "research:application-list", "research:index"]
)
def test_host_lists_cost_the_same_whatever_their_length(
    client, build, host_user, org_a, name, django_assert_max_num_queries
):
    client.force_login(host_user)
    _fill(build, 2, org=org_a)
    build.task(plan_year=2023, host=org_a)
    few = _queries(client, reverse(name), django_assert_max_num_queries, 15)
    _fill(build, 10, org=org_a)
    for _ in range(5):
        build.task(plan_year=2023, host=org_a)
    many = _queries(client, reverse(name), django_assert_max_num_queries, 15)
    assert many == few


def test_plan_page_and_dashboard_cost_the_same_whatever_the_plan_size(
    client, build, science_officer, django_assert_max_num_queries
):
    plan = build.plan()
    client.force_login(science_officer)

    def add(n):
        for _ in range(n):
            services.plan_item_add(
                plan=plan, by=science_officer, task=build.task(plan_year=2023), allocation=100_000_000
            )

    add(2)
    detail = reverse("research:plan-detail", args=[plan.pk])
    dashboard = reverse("research:dashboard-year", args=[2024])
    few = (
        _queries(client, detail, django_assert_max_num_queries, 30),
        _queries(client, dashboard, django_assert_max_num_queries, 20),
    )
    add(10)
    many = (
        _queries(client, detail, django_assert_max_num_queries, 30),
        _queries(client, dashboard, django_assert_max_num_queries, 20),
    )
    assert many == few


def test_task_page_shows_selection_controls_to_staff(client, build, science_officer):
    plan = build.plan(2025)
    services.plan_item_add(
        plan=plan,
        by=science_officer,
        title="Nhiệm vụ mới",
        group=build.group(),
        form=build.form(),
        field_of_science=build.field(),
        allocation=1_000_000,
    )
    services.plan_transition(plan=plan, to=Plan.Status.SUBMITTED, by=science_officer)
    services.plan_approve(plan=plan, decision=build.decision(date=dt.date(2025, 1, 2)), by=science_officer)
    task = Task.objects.get(plan_year=2025)
    call = build.call(kind=Call.Kind.APPLICATIONS, year=2025)
    client.force_login(science_officer)
    page = client.get(reverse("research:task-detail", args=[task.pk])).content.decode()
    assert "Thông báo nhận hồ sơ" in page
    client.post(reverse("research:task-open-call", args=[task.pk]), {"call": call.pk, "mode": "selection"})
    task.refresh_from_db()
    assert task.status == Task.Status.CALLING
