"""Services: proposals, screening, the identification council, plans, selection and appraisal."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from khcn.accounts import roles
from khcn.directory.models import OfficialDocument, Organisation
from khcn.research import selectors, services
from khcn.research.models import (
    Application,
    Call,
    Mode,
    Plan,
    PlanAdjustmentLine,
    PlanEvent,
    PlanItem,
    Proposal,
    ProposalEvent,
    Task,
    TaskEvent,
)
from khcn.testing import make_user

pytestmark = pytest.mark.django_db
PS = Proposal.Status
TS = Task.Status


# --- Proposals ------------------------------------------------------------------------------------


def test_host_user_submits_for_its_own_organisation(build, host_user, org_a, org_b):
    call = build.call()
    proposal = services.proposal_submit(call=call, by=host_user, proposer_org=org_b, **build.proposal_data())
    # The organisation is the user's own, whatever the caller passed.
    assert proposal.proposer_org == org_a
    assert proposal.proposer_person == host_user.person
    assert proposal.channel == Proposal.Channel.ONLINE
    assert proposal.status == PS.SUBMITTED
    assert proposal.code == "ĐX-2027-001"
    event = ProposalEvent.objects.get(proposal=proposal)
    assert (event.from_status, event.to_status, event.by) == ("", PS.SUBMITTED, host_user)


def test_staff_enter_a_paper_proposal_with_the_day_received(build, org_b):
    call = build.call(opens_on=dt.date(2023, 3, 1), deadline=dt.date(2023, 4, 28), year=2024)
    proposal = services.proposal_submit(
        call=call, by=build.officer, proposer_org=org_b, received_on=dt.date(2023, 4, 28), **build.proposal_data()
    )
    assert proposal.channel == Proposal.Channel.STAFF
    assert proposal.received_on == dt.date(2023, 4, 28)


@pytest.mark.parametrize("who", ["council_member", "outsider", "provincial_leader"])
def test_only_hosts_and_science_officers_submit(build, who, request, org_a):
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.proposal_submit(call=build.call(), by=user, proposer_org=org_a, **build.proposal_data())
    assert Proposal.objects.count() == 0


def test_a_proposal_after_the_deadline_is_refused(build, host_user):
    call = build.call(opens_on=dt.date(2023, 3, 1), deadline=dt.date(2023, 4, 28))
    with pytest.raises(ValidationError) as caught:
        services.proposal_submit(call=call, by=host_user, **build.proposal_data())
    assert "Đã hết hạn nộp" in caught.value.messages[0]
    assert "28/04/2023" in caught.value.messages[0]
    assert Proposal.objects.count() == 0


def test_staff_cannot_backdate_past_the_deadline_either(build, org_a):
    call = build.call(opens_on=dt.date(2023, 3, 1), deadline=dt.date(2023, 4, 28))
    with pytest.raises(ValidationError, match="hết hạn"):
        services.proposal_submit(
            call=call, by=build.officer, proposer_org=org_a, received_on=dt.date(2023, 4, 29), **build.proposal_data()
        )


def test_missing_fields_are_named_and_nothing_is_written(build, host_user):
    data = build.proposal_data(title="  ", urgency="", field=None, estimated_budget=None)
    with pytest.raises(ValidationError) as caught:
        services.proposal_submit(call=build.call(), by=host_user, **data)
    errors = caught.value.message_dict
    assert {"title", "urgency", "field", "estimated_budget"} <= set(errors)
    assert "không được để trống" in errors["title"][0]
    assert Proposal.objects.count() == 0


@pytest.mark.parametrize(
    ("budget", "message"),
    [
        (-5_000_000, "không được âm"),
        ("tám trăm triệu", "phải là số tiền bằng số"),
        (10**13, "lớn bất thường"),
        (1.5, "phải là số tiền bằng số"),
    ],
)
def test_bad_budgets_are_refused_with_a_clear_message(build, host_user, budget, message):
    with pytest.raises(ValidationError) as caught:
        services.proposal_submit(call=build.call(), by=host_user, **build.proposal_data(estimated_budget=budget))
    assert message in caught.value.message_dict["estimated_budget"][0]
    assert Proposal.objects.count() == 0


def test_screening_marks_a_duplicate_with_its_original(build):
    call = build.call()
    original = build.proposal(call)
    copy = build.proposal(call)
    with pytest.raises(ValidationError, match="phiếu đề xuất gốc"):
        services.proposal_transition(proposal=copy, to=PS.DUPLICATE, by=build.officer, reason="Trùng")
    services.proposal_transition(
        proposal=copy, to=PS.DUPLICATE, by=build.officer, reason="Trùng", duplicate_of=original
    )
    copy.refresh_from_db()
    assert copy.status == PS.DUPLICATE and copy.duplicate_of == original
    # A duplicate is no one's original.
    third = build.proposal(call)
    with pytest.raises(ValidationError, match="Trùng lặp"):
        services.proposal_transition(proposal=third, to=PS.MERGED, by=build.officer, reason="Gộp", merged_into=copy)


def test_invalid_needs_a_reason_and_can_be_rescreened(build):
    proposal = build.proposal()
    with pytest.raises(ValidationError, match="lý do"):
        services.proposal_transition(proposal=proposal, to=PS.INVALID, by=build.officer)
    services.proposal_transition(proposal=proposal, to=PS.INVALID, by=build.officer, reason="Thiếu chữ ký")
    services.proposal_transition(proposal=proposal, to=PS.VALID, by=build.officer)
    statuses = list(ProposalEvent.objects.filter(proposal=proposal).values_list("to_status", flat=True))
    assert statuses == [PS.SUBMITTED, PS.INVALID, PS.VALID]


def test_a_host_withdraws_its_own_proposal_but_not_another_hosts(build, host_user, host_user_b):
    call = build.call()
    own = services.proposal_submit(call=call, by=host_user, **build.proposal_data())
    with pytest.raises(PermissionDenied):
        services.proposal_transition(proposal=own, to=PS.WITHDRAWN, by=host_user_b, reason="Rút")
    services.proposal_transition(proposal=own, to=PS.WITHDRAWN, by=host_user, reason="Đơn vị xin rút")
    own.refresh_from_db()
    assert own.status == PS.WITHDRAWN


def test_a_host_cannot_screen(build, host_user):
    own = services.proposal_submit(call=build.call(), by=host_user, **build.proposal_data())
    with pytest.raises(PermissionDenied):
        services.proposal_transition(proposal=own, to=PS.VALID, by=host_user)


# --- The identification council -------------------------------------------------------------------


def test_the_council_recommends_and_rejects(build):
    call = build.call()
    good = build.proposal(call, status=PS.VALID)
    weak = build.proposal(call, status=PS.VALID)
    council, members = build.identification_council(3)
    services.proposal_send_to_council(proposals=[good, weak], council=council, by=build.officer)
    assert set(Proposal.objects.values_list("status", flat=True)) == {PS.IN_COUNCIL}
    build.votes(council, members, good, ["recommend", "recommend", "recommend"])
    build.votes(council, members, weak, ["recommend", "not_recommend", "not_recommend"])
    outcome = services.proposals_apply_council(council=council, by=build.officer)
    assert [p.pk for p in outcome.recommended] == [good.pk]
    assert [p.pk for p in outcome.rejected] == [weak.pk]
    good.refresh_from_db()
    assert good.status == PS.RECOMMENDED
    event = good.events.last()
    assert "Kết luận của" in event.reason


def test_a_council_without_its_sheets_has_no_conclusion_yet(build):
    proposal = build.proposal(status=PS.IN_COUNCIL)
    with pytest.raises(ValidationError, match="chưa có kết luận"):
        services.proposal_apply_council_result(proposal=proposal, by=build.officer)
    proposal.refresh_from_db()
    assert proposal.status == PS.IN_COUNCIL


def test_staff_cannot_overrule_the_council(build):
    council, members = build.identification_council(3)
    proposal = build.proposal(status=PS.VALID)
    services.proposal_send_to_council(proposals=[proposal], council=council, by=build.officer)
    build.votes(council, members, proposal, ["not_recommend"] * 3)
    with pytest.raises(ValidationError, match="Kết luận của hội đồng không cho phép"):
        services.proposal_transition(proposal=proposal, to=PS.RECOMMENDED, by=build.officer)


def test_only_valid_proposals_go_before_an_identification_council(build):
    council, _members = build.identification_council(3)
    submitted = build.proposal()
    with pytest.raises(ValidationError, match="chưa được xác nhận hợp lệ"):
        services.proposal_send_to_council(proposals=[submitted], council=council, by=build.officer)
    selection, _ = build.council("selection", 3)
    valid = build.proposal(status=PS.VALID)
    with pytest.raises(ValidationError, match="xác định nhiệm vụ"):
        services.proposal_send_to_council(proposals=[valid], council=selection, by=build.officer)
    # A bare transition to "in council" without a council object is refused too.
    with pytest.raises(ValidationError):
        services.proposal_transition(proposal=valid, to=PS.IN_COUNCIL, by=build.officer)


# --- Plans ------------------------------------------------------------------------------------------


def _plan_with_items(build, year=2024):
    plan = build.plan(year)
    carried = build.task(plan_year=year - 1, title="Nhiệm vụ chuyển tiếp A")
    recommended = build.proposal(build.call(year=year), status=PS.RECOMMENDED)
    services.plan_item_add(plan=plan, by=build.officer, task=carried, allocation=400_000_000)
    services.plan_item_add(
        plan=plan, by=build.officer, proposal=recommended, group=build.group("engineering"), allocation=600_000_000
    )
    services.plan_item_add(
        plan=plan,
        by=build.officer,
        title="Đối ứng nhiệm vụ cấp quốc gia về gà Đông Tảo",
        group=build.group("national_counterpart"),
        form=build.form(),
        field_of_science=build.field("402"),
        allocation=273_000_000,
    )
    return plan, carried, recommended


def test_a_second_plan_for_the_same_year_and_province_is_refused(build):
    build.plan(2024)
    with pytest.raises(ValidationError) as caught:
        build.plan(2024)
    assert "đã có kế hoạch KH&CN năm 2024" in caught.value.messages[0]
    assert Plan.objects.count() == 1


def test_approving_the_plan_creates_the_new_tasks(build):
    plan, carried, recommended = _plan_with_items(build)
    services.plan_transition(plan=plan, to=Plan.Status.SUBMITTED, by=build.officer)
    decision = build.decision("105/QĐ-UBND")
    services.plan_approve(plan=plan, decision=decision, by=build.officer)
    plan.refresh_from_db()
    assert plan.status == Plan.Status.APPROVED and plan.decision == decision
    new_tasks = Task.objects.filter(plan_year=2024).order_by("code")
    assert [t.code for t in new_tasks] == ["NV-2024-001", "NV-2024-002"]
    from_proposal = Task.objects.get(proposal=recommended)
    assert from_proposal.status == TS.ORDERED and from_proposal.group.code == "engineering"
    assert TaskEvent.objects.get(task=from_proposal).document == decision
    recommended.refresh_from_db()
    assert recommended.status == PS.IN_PLAN
    # The carried-over item still points at the same task row.
    assert PlanItem.objects.get(plan=plan, carried_over=True).task == carried
    assert PlanEvent.objects.filter(plan=plan, to_status=Plan.Status.APPROVED, document=decision).exists()


def test_plan_totals_come_from_the_records(build):
    plan, _carried, _recommended = _plan_with_items(build)
    summary = selectors.plan_summary(plan)
    assert (summary.count, summary.carried_over, summary.new, summary.allocation) == (3, 1, 2, 1_273_000_000)
    assert [(row.group.code, row.count, row.allocation) for row in summary.by_group] == [
        ("agriculture", 1, 400_000_000),
        ("engineering", 1, 600_000_000),
        ("national_counterpart", 1, 273_000_000),
    ]


def test_an_approved_plan_changes_only_by_an_adjustment_decision(build):
    plan, _carried, _recommended = _plan_with_items(build)
    services.plan_transition(plan=plan, to=Plan.Status.SUBMITTED, by=build.officer)
    services.plan_approve(plan=plan, decision=build.decision(), by=build.officer)
    task = build.task(plan_year=2023)
    with pytest.raises(ValidationError, match="quyết định điều chỉnh"):
        services.plan_item_add(plan=plan, by=build.officer, task=task, allocation=1)
    items = list(selectors.plan_items(plan).order_by("order"))
    adjustment = services.plan_adjust(
        plan=plan,
        decision=build.decision(date=dt.date(2024, 7, 1)),
        reason="Điều chỉnh kinh phí giữa năm",
        by=build.officer,
        allocations={items[0]: 350_000_000},
        remove=[items[2]],
        add=[services.NewPlanLine(allocation=150_000_000, task=task)],
    )
    kinds = sorted(
        PlanAdjustmentLine.objects.filter(adjustment=adjustment).values_list(
            "kind", "allocation_before", "allocation_after"
        )
    )
    assert kinds == [("add", 0, 150_000_000), ("allocation", 400_000_000, 350_000_000), ("remove", 273_000_000, 0)]
    summary = selectors.plan_summary(plan)
    assert (summary.count, summary.allocation) == (3, 350_000_000 + 600_000_000 + 150_000_000)


def test_a_reused_decision_number_is_a_clean_message(build):
    build.decision("105/QĐ-UBND")
    with pytest.raises(ValidationError) as caught:
        build.decision("105/qđ-ubnd")
    assert "đã được dùng cho văn bản khác" in caught.value.messages[0]
    assert OfficialDocument.objects.count() == 1


def test_an_empty_plan_cannot_be_submitted(build):
    plan = build.plan()
    with pytest.raises(ValidationError, match="chưa có nhiệm vụ"):
        services.plan_transition(plan=plan, to=Plan.Status.SUBMITTED, by=build.officer)


def test_allocations_are_whole_dong_and_sane(build):
    plan = build.plan()
    task = build.task(plan_year=2023)
    for bad in (-1, "abc", 10**13):
        with pytest.raises(ValidationError):
            services.plan_item_add(plan=plan, by=build.officer, task=task, allocation=bad)
    assert not PlanItem.objects.exists()


def test_a_completed_task_is_not_carried_over(build):
    plan = build.plan()
    task = build.task(plan_year=2022, status=TS.COMPLETED)
    with pytest.raises(ValidationError, match="không thể chuyển tiếp"):
        services.plan_item_add(plan=plan, by=build.officer, task=task, allocation=100)


def test_the_provincial_leader_cannot_approve(build, provincial_leader):
    plan, *_ = _plan_with_items(build)
    services.plan_transition(plan=plan, to=Plan.Status.SUBMITTED, by=build.officer)
    with pytest.raises(PermissionDenied):
        services.plan_approve(plan=plan, decision=build.decision(), by=provincial_leader)


# --- Selection, appraisal, approval -----------------------------------------------------------------


def _ordered_task(build, mode=Mode.SELECTION, host=None):
    plan = build.plan(2025)
    services.plan_item_add(
        plan=plan,
        by=build.officer,
        title="Nghiên cứu chế tạo robot hàn",
        group=build.group("engineering"),
        form=build.form(),
        field_of_science=build.field("203"),
        allocation=500_000_000,
        mode=mode,
        host=host,
    )
    services.plan_transition(plan=plan, to=Plan.Status.SUBMITTED, by=build.officer)
    services.plan_approve(plan=plan, decision=build.decision(date=dt.date(2025, 1, 10)), by=build.officer)
    return Task.objects.get(plan_year=2025)


def _apply(build, task, user, **budget):
    pi = build.person(org=user.person.organisation)
    return services.application_submit(
        task=task,
        by=user,
        pi=pi,
        duration_months=24,
        state_budget=budget.get("state", 900_000_000),
        state_budget_lump_sum=budget.get("lump", 300_000_000),
        counterpart_budget=budget.get("counterpart", 0),
        members=[(build.person(), "main")],
    )


def _to_council(build, task, applications):
    for application in applications:
        services.application_transition(application=application, to=Application.Status.VALID, by=build.officer)
    council, members = build.council("selection", 4)
    services.selection_send_to_council(task=task, council=council, by=build.officer)
    return council, members


def test_selection_picks_the_highest_passing_mean(build, host_user, host_user_b):
    task = _ordered_task(build)
    call = build.call(kind=Call.Kind.APPLICATIONS, year=2025)
    services.task_open_call(task=task, call=call, by=build.officer)
    first = _apply(build, task, host_user)
    second = _apply(build, task, host_user_b, state=800_000_000)
    council, members = _to_council(build, task, [first, second])
    build.scores(council, members, first, [80, 82, 78, 84])
    build.scores(council, members, second, [90, 88, 86, 92])
    task = services.selection_conclude(task=task, by=build.officer)
    assert task.status == TS.SELECTED
    assert task.host == second.host and task.pi == second.pi
    assert Application.objects.get(pk=second.pk).status == Application.Status.SELECTED
    assert Application.objects.get(pk=first.pk).status == Application.Status.NOT_SELECTED


def test_a_tie_is_reported_and_staff_must_choose_with_a_reason(build, host_user, host_user_b):
    task = _ordered_task(build)
    services.task_open_call(task=task, call=build.call(kind=Call.Kind.APPLICATIONS, year=2025), by=build.officer)
    first = _apply(build, task, host_user)
    second = _apply(build, task, host_user_b)
    council, members = _to_council(build, task, [first, second])
    build.scores(council, members, first, [80, 80, 80, 80])
    build.scores(council, members, second, [80, 80, 80, 80])
    with pytest.raises(ValidationError, match="cùng điểm trung bình cao nhất"):
        services.selection_conclude(task=task, by=build.officer)
    with pytest.raises(ValidationError, match="ghi lý do"):
        services.selection_conclude(task=task, by=build.officer, winner=first)
    task = services.selection_conclude(
        task=task, by=build.officer, winner=first, reason="Điểm tiêu chí nội dung cao hơn"
    )
    assert task.host == first.host


def test_no_passing_application_means_no_winner(build, host_user):
    task = _ordered_task(build)
    services.task_open_call(task=task, call=build.call(kind=Call.Kind.APPLICATIONS, year=2025), by=build.officer)
    only = _apply(build, task, host_user)
    council, members = _to_council(build, task, [only])
    build.scores(council, members, only, [50, 60, 55, 65])
    task = services.selection_conclude(task=task, by=build.officer)
    assert task.status == TS.NO_WINNER
    # A second call is allowed from there.
    task = services.task_open_call(task=task, call=build.call(kind=Call.Kind.APPLICATIONS, year=2025), by=build.officer)
    assert task.status == TS.CALLING


def test_direct_assignment_accepts_only_the_named_host(build, host_user, host_user_b, org_a):
    task = _ordered_task(build, mode=Mode.DIRECT_ASSIGNMENT, host=org_a)
    services.task_open_call(task=task, call=build.call(kind=Call.Kind.APPLICATIONS, year=2025), by=build.officer)
    with pytest.raises(ValidationError, match="giao trực tiếp"):
        _apply(build, task, host_user_b)
    application = _apply(build, task, host_user)
    services.application_transition(application=application, to=Application.Status.VALID, by=build.officer)
    selection, _ = build.council("selection", 4)
    with pytest.raises(ValidationError, match="Giao trực tiếp"):
        services.selection_send_to_council(task=task, council=selection, by=build.officer)


def test_appraisal_fixes_the_budget_and_approval_sets_the_dates(build, host_user):
    task = _ordered_task(build)
    services.task_open_call(task=task, call=build.call(kind=Call.Kind.APPLICATIONS, year=2025), by=build.officer)
    only = _apply(build, task, host_user)
    council, members = _to_council(build, task, [only])
    build.scores(council, members, only, [85, 85, 85, 85])
    task = services.selection_conclude(task=task, by=build.officer)
    with pytest.raises(ValidationError) as caught:
        services.appraisal_record(
            task=task,
            by=build.officer,
            date=dt.date(2025, 3, 1),
            state_budget=500_000_000,
            state_budget_lump_sum=600_000_000,
            duration_months=24,
        )
    assert "khoán không được lớn hơn" in str(caught.value)
    services.appraisal_record(
        task=task,
        by=build.officer,
        date=dt.date(2025, 3, 1),
        state_budget=850_000_000,
        state_budget_lump_sum=340_000_000,
        counterpart_budget=150_000_000,
        duration_months=24,
    )
    task.refresh_from_db()
    assert (task.status, task.state_budget, task.state_budget_lump_sum, task.counterpart_budget) == (
        TS.APPRAISED,
        850_000_000,
        340_000_000,
        150_000_000,
    )
    assert task.total_budget == 1_000_000_000 and isinstance(task.state_budget, int)
    decision = build.decision(date=dt.date(2025, 3, 20))
    task = services.task_approve(task=task, decision=decision, by=build.officer, start=dt.date(2025, 4, 1))
    assert task.status == TS.APPROVED and task.approval == decision
    assert task.end == dt.date(2027, 3, 31)


def test_an_application_after_the_call_closed_is_refused(build, host_user):
    task = _ordered_task(build)
    call = build.call(
        kind=Call.Kind.APPLICATIONS, year=2025, opens_on=dt.date(2024, 1, 1), deadline=dt.date(2024, 2, 1)
    )
    services.task_open_call(task=task, call=call, by=build.officer)
    with pytest.raises(ValidationError, match="hết hạn"):
        _apply(build, task, host_user)
    assert not Application.objects.exists()


def test_bare_task_steps_need_their_records(build):
    task = _ordered_task(build)
    with pytest.raises(ValidationError, match="đợt tuyển chọn"):
        services.task_transition(task=task, to=TS.CALLING, by=build.officer)
    with pytest.raises(ValidationError, match="lý do"):
        services.task_transition(task=task, to=TS.CANCELLED, by=build.officer)
    services.task_transition(task=task, to=TS.CANCELLED, by=build.officer, reason="Không còn phù hợp")


def test_council_members_and_hosts_cannot_run_selection(build, host_user):
    task = _ordered_task(build)
    member = make_user("cm", roles.COUNCIL_MEMBER)
    with pytest.raises(PermissionDenied):
        services.task_open_call(task=task, call=build.call(kind=Call.Kind.APPLICATIONS, year=2025), by=member)
    with pytest.raises(PermissionDenied):
        services.plan_create(year=2030, province=build.province, by=host_user)
    assert Organisation.objects.filter(name="x").count() == 0
