"""Part 2's services refuse bad input (issue 4, "Bad input"): each refusal says what is wrong in
Vietnamese, and nothing is written (row counts and the task's fields are the same after).

The helpers at the top (a funded task, its contract, the acceptance) are used by the other
part 2 test modules too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from itertools import count
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from khcn.accounts import roles
from khcn.councils import selectors as council_selectors
from khcn.councils import services as council_services
from khcn.directory.models import Organisation
from khcn.research import services
from khcn.research.models import (
    Acceptance,
    Adjustment,
    AdjustmentEvent,
    Asset,
    Contract,
    Disbursement,
    Grade,
    ProgressReport,
    ProgressReportEvent,
    Recovery,
    ResultRegistration,
    Settlement,
    Source,
    Task,
    TaskEvent,
    Tranche,
)
from khcn.testing import make_organisation, make_user

pytestmark = pytest.mark.django_db

TS = Task.Status
M = 1_000_000  # one million đồng, to keep the figures readable
_n = count(1)

START = dt.date(2024, 3, 1)
END_18 = dt.date(2025, 8, 31)  # 18 months
END_36 = dt.date(2027, 2, 28)  # 36 months
SIGNED = dt.date(2024, 3, 1)
TRANCHES = (
    {"amount": 400 * M, "kind": Tranche.Kind.ADVANCE},
    {"amount": 300 * M, "kind": Tranche.Kind.PAYMENT, "condition": Tranche.Condition.PROGRESS_REPORT},
    {"amount": 200 * M, "kind": Tranche.Kind.PAYMENT, "condition": Tranche.Condition.ACCEPTANCE},
)


# --- Helpers (shared with the other part 2 test modules) -----------------------------------------


def new_task(
    build: Any,
    *,
    status: str = TS.APPROVED,
    start: dt.date = START,
    end: dt.date = END_18,
    budget: int = 900 * M,
    counterpart: int = 0,
    host: Organisation | None = None,
    year: int = 2024,
) -> Task:
    host = host or make_organisation(f"Viện thử nghiệm {next(_n)}")
    return build.task(
        plan_year=year,
        status=status,
        host=host,
        pi=build.person(org=host),
        start=start,
        end=end,
        state_budget=budget,
        counterpart_budget=counterpart,
    )


def fund(build: Any, year: int, lines: Iterable[tuple[Task, int]]) -> None:
    """One approved plan for `year` with these tasks' allocations (one plan per year)."""
    plan = build.plan(year)
    for task, allocation in lines:
        services.plan_item_add(plan=plan, by=build.officer, task=task, allocation=allocation)
    services.plan_transition(plan=plan, to="submitted", by=build.officer)
    services.plan_approve(plan=plan, decision=build.decision(date=dt.date(year, 1, 10)), by=build.officer)


def department() -> Organisation:
    org, _created = Organisation.objects.get_or_create(name="Sở Khoa học và Công nghệ (thử nghiệm)")
    return org


def sign(
    build: Any,
    task: Task,
    *,
    tranches: Iterable[dict[str, Any]] = TRANCHES,
    signed_on: dt.date = SIGNED,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> Task:
    services.contract_sign(
        task=task,
        number=f"{task.pk}/{next(_n)}/HĐ-KHCN",
        signed_on=signed_on,
        department=department(),
        by=build.officer,
        start=start,
        end=end,
        tranches=list(tranches),
    )
    return Task.objects.get(pk=task.pk)


def running_task(build: Any, *, allocation: int = 600 * M, **kwargs: Any) -> Task:
    """An 18-month task (03/2024–08/2025) funded `allocation` in 2024, its contract signed."""
    task = new_task(build, **kwargs)
    fund(build, 2024, [(task, allocation)])
    return sign(build, task)


def submit_dossier(build: Any, task: Task, *, on: dt.date = dt.date(2025, 9, 10), by: Any = None) -> Acceptance:
    return services.acceptance_submit(
        task=task,
        self_evaluation="Đạt đủ sản phẩm đăng ký.",
        self_grade=Grade.PASSED,
        submitted_on=on,
        has_final_report=True,
        has_products=True,
        has_self_evaluation_minutes=True,
        has_spending_report=True,
        by=by or build.officer,
    )


def acceptance_council(build: Any, task: Task, *, present: int | None = None) -> tuple[Any, list[Any], Any]:
    """Put the task before a five-member acceptance council; `present` members at its latest sitting."""
    council, members = build.council("acceptance", 5)
    if present is not None:
        council_services.meeting_record(
            council=council, date=timezone.localdate(), place="Sở KH&CN", present=members[:present], by=build.officer
        )
    services.acceptance_send_to_council(task=task, council=council, by=build.officer)
    council_object = council_selectors.council_objects_for(task).filter(council=council).get()
    return council, members, council_object


def grade_by(build: Any, council_object: Any, members: list[Any], grade: str) -> None:
    for member in members:
        council_services.score_sheet_submit(
            council_object=council_object, member=member, by=build.officer, grade=grade, source="paper"
        )


def conclude(build: Any, task: Task, grade: str = Grade.PASSED) -> Task:
    """Submit the dossier, let the council grade `grade` and record the conclusion."""
    submit_dossier(build, task)
    _council, members, council_object = acceptance_council(build, task)
    grade_by(build, council_object, members, grade)
    services.acceptance_conclude(
        task=task,
        graded_on=dt.date(2025, 10, 1),
        decision=build.decision(date=dt.date(2025, 10, 10)) if grade != Grade.FAILED else None,
        by=build.officer,
    )
    return Task.objects.get(pk=task.pk)


WATCHED = (
    Contract,
    Tranche,
    Disbursement,
    Settlement,
    Recovery,
    ProgressReport,
    ProgressReportEvent,
    Adjustment,
    AdjustmentEvent,
    Acceptance,
    ResultRegistration,
    Asset,
    TaskEvent,
)


def snapshot(task: Task) -> tuple[Any, ...]:
    """What a refused call must leave as it was: every part 2 table's rows and the task's fields."""
    counts = {model.__name__: model.objects.count() for model in WATCHED}
    row = Task.objects.filter(pk=task.pk).values("status", "start", "end", "extended_end", "version").get()
    contract = list(Contract.objects.filter(task_id=task.pk).values_list("liquidated_on", "version"))
    acceptances = list(
        Acceptance.objects.filter(task_id=task.pk).values_list("grade", "graded_on", "council_id", "archived_at")
    )
    adjustments = list(Adjustment.objects.filter(task_id=task.pk).values_list("status", "version"))
    assets = list(Asset.objects.filter(task_id=task.pk).values_list("handling", "version"))
    return counts, row, contract, acceptances, adjustments, assets


def refused(task: Task, call: Callable[[], Any], match: str, exc: type[Exception] = ValidationError) -> Exception:
    """Assert that `call` raises `exc` with a message matching `match` and writes nothing."""
    before = snapshot(task)
    with pytest.raises(exc, match=match) as info:
        call()
    assert snapshot(task) == before, "a refused call changed the records"
    return info.value


@pytest.fixture
def finance(db: Any) -> Any:
    return make_user("ke_toan", roles.FINANCE_OFFICER)


@pytest.fixture
def leader(db: Any) -> Any:
    return make_user("giam_doc", roles.DEPARTMENT_LEADER)


def pay(task: Task, by: Any, amount: int, paid_on: dt.date = dt.date(2024, 4, 1), **kwargs: Any) -> Any:
    return services.disbursement_record(task=task, amount=amount, paid_on=paid_on, by=by, **kwargs)


# --- Money ---------------------------------------------------------------------------------------


def test_disbursing_more_than_the_years_remaining_allocation_is_refused(build, finance):
    task = running_task(build)  # 600 million allocated for 2024
    pay(task, finance, 400 * M)
    refused(
        task,
        lambda: pay(task, finance, 250 * M),
        r"Kinh phí năm 2024 của nhiệm vụ còn 200\.000\.000 đ .*không thể cấp 250\.000\.000 đ",
    )
    pay(task, finance, 200 * M)  # exactly what remains is fine


def test_disbursing_more_than_the_contracts_budget_for_a_source_is_refused(build, finance):
    task = running_task(build, counterpart=100 * M)
    refused(
        task,
        lambda: pay(task, finance, 150 * M, source=Source.COUNTERPART),
        r"Vốn đối ứng của hợp đồng còn 100\.000\.000 đ, không thể cấp 150\.000\.000 đ",
    )


def test_disbursing_more_than_the_contracts_state_budget_is_refused(build, finance):
    # The plan allocated more than the contract's budget: the contract is the limit.
    task = new_task(build, budget=500 * M)
    fund(build, 2024, [(task, 600 * M)])
    task = sign(build, task, tranches=())
    refused(
        task,
        lambda: pay(task, finance, 550 * M),
        r"Ngân sách nhà nước của hợp đồng còn 500\.000\.000 đ, không thể cấp 550\.000\.000 đ",
    )


def test_disbursing_more_than_a_tranche_is_refused(build, finance):
    task = running_task(build)
    first = task.contract.tranches.get(number=1)
    refused(
        task,
        lambda: pay(task, finance, 450 * M, tranche=first),
        r"Đợt 1 còn 400\.000\.000 đ, không thể cấp 450\.000\.000 đ",
    )
    pay(task, finance, 300 * M, tranche=first)
    refused(task, lambda: pay(task, finance, 150 * M, tranche=first), r"Đợt 1 còn 100\.000\.000 đ")


def test_a_tranche_waiting_for_a_report_is_refused_until_the_report_is_accepted(build, finance):
    task = running_task(build)
    second = task.contract.tranches.get(number=2)
    message = r"Đợt 2 chỉ được cấp khi đã có 1 báo cáo tiến độ được chấp nhận \(hiện có 0\)"
    refused(task, lambda: pay(task, finance, 100 * M, tranche=second), message)
    report = services.progress_report_submit(
        task=task,
        period_start=START,
        period_end=dt.date(2024, 8, 31),
        work_done="Khảo sát xong.",
        submitted_on=dt.date(2024, 9, 5),
        by=build.officer,
    )
    # Handed in but not yet accepted is not enough.
    refused(task, lambda: pay(task, finance, 100 * M, tranche=second, paid_on=dt.date(2024, 9, 20)), message)
    services.progress_report_transition(report=report, to=ProgressReport.Status.ACCEPTED, by=build.officer)
    pay(task, finance, 100 * M, tranche=second, paid_on=dt.date(2024, 9, 20))


def test_a_tranche_waiting_for_acceptance_is_refused_before_the_task_passes(build, finance):
    task = running_task(build)
    third = task.contract.tranches.get(number=3)
    refused(
        task,
        lambda: pay(task, finance, 100 * M, tranche=third),
        "Đợt 3 chỉ được cấp sau khi nhiệm vụ được nghiệm thu đạt",
    )
    task = conclude(build, task, Grade.FAILED)
    assert task.status == TS.FAILED
    # A failed task takes no more money at all.
    refused(task, lambda: pay(task, finance, 100 * M, tranche=third), "Không thể cấp kinh phí khi nhiệm vụ")


def test_a_disbursement_dated_before_the_contract_or_in_the_future_is_refused(build, finance):
    task = running_task(build)
    refused(
        task,
        lambda: pay(task, finance, 100 * M, paid_on=dt.date(2024, 2, 28)),
        r"Ngày cấp \(28/02/2024\) trước ngày ký hợp đồng \(01/03/2024\)",
    )
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    refused(
        task,
        lambda: pay(task, finance, 100 * M, paid_on=tomorrow, budget_year=2024),
        "Ngày cấp .* không được sau hôm nay",
    )


def test_a_settlement_over_what_was_disbursed_is_refused(build, finance):
    task = running_task(build)
    pay(task, finance, 300 * M)

    def settle(amount: int, **kwargs: Any) -> Any:
        return services.settlement_record(
            task=task, year=2024, settled_on=dt.date(2025, 2, 1), amount_settled=amount, by=finance, **kwargs
        )

    refused(task, lambda: settle(350 * M), r"Chỉ có thể quyết toán tối đa 300\.000\.000 đ")
    # Carried over: at most what was left of the year (600 allocated − 300 paid).
    refused(
        task,
        lambda: settle(300 * M, carried_over=350 * M),
        r"Năm 2024 còn 300\.000\.000 đ chưa cấp; không thể chuyển 350\.000\.000 đ sang năm sau",
    )
    refused(
        task,
        lambda: settle(300 * M, carried_over=100 * M, is_final=True),
        "Quyết toán cuối cùng không chuyển kinh phí sang năm sau",
    )
    settle(300 * M, carried_over=300 * M)


def test_a_disbursement_after_the_final_settlement_is_refused(build, finance):
    task = running_task(build)
    pay(task, finance, 300 * M)
    services.settlement_record(
        task=task, year=2024, settled_on=dt.date(2025, 2, 1), amount_settled=300 * M, is_final=True, by=finance
    )
    refused(
        task,
        lambda: pay(task, finance, 100 * M, paid_on=dt.date(2025, 3, 1)),
        "Nhiệm vụ đã quyết toán cuối cùng; không thể cấp thêm kinh phí",
    )


def test_a_recovery_over_what_was_disbursed_is_refused(build, finance):
    task = running_task(build)
    pay(task, finance, 300 * M)

    def recover(amount: int) -> Any:
        return services.recovery_record(
            task=task,
            reason=Recovery.Reason.TERMINATION,
            amount=amount,
            decided_on=dt.date(2024, 12, 1),
            by=finance,
        )

    refused(task, lambda: recover(301 * M), r"chỉ có thể thu hồi tối đa 300\.000\.000 đ")
    recover(100 * M)
    refused(task, lambda: recover(201 * M), r"đã thu hồi 100\.000\.000 đ: chỉ có thể thu hồi tối đa 200\.000\.000 đ")


def test_a_recovery_of_money_already_settled_is_refused(build, finance):
    """Settled money was accounted for as spent; recovering it too would count it twice
    (settled + recovered > disbursed)."""
    task = running_task(build)
    pay(task, finance, 300 * M)
    services.settlement_record(task=task, year=2024, settled_on=dt.date(2025, 2, 1), amount_settled=250 * M, by=finance)
    refused(
        task,
        lambda: services.recovery_record(
            task=task, reason=Recovery.Reason.TERMINATION, amount=100 * M, decided_on=dt.date(2025, 3, 1), by=finance
        ),
        r"chỉ có thể thu hồi tối đa 50\.000\.000 đ",
    )


# --- Extensions ----------------------------------------------------------------------------------


def extend(build: Any, task: Task, new_end: dt.date, requested_on: dt.date, by: Any = None) -> Adjustment:
    return services.adjustment_request(
        task=task,
        kind=Adjustment.Kind.EXTENSION,
        description="Thời tiết bất lợi, mùa vụ chậm.",
        new_end=new_end,
        requested_on=requested_on,
        by=by or build.officer,
    )


def test_an_extension_longer_than_the_rule_allows_a_short_task_is_refused(build):
    task = running_task(build)  # 18 months: at most 6 months more
    refused(
        task,
        lambda: extend(build, task, dt.date(2026, 3, 31), dt.date(2025, 6, 1)),
        r"Nhiệm vụ 18 tháng chỉ được gia hạn tối đa 6 tháng, tức đến ngày 28/02/2026",
    )
    extend(build, task, dt.date(2026, 2, 28), dt.date(2025, 6, 1))


def test_a_longer_task_may_be_extended_12_months_but_not_13(build):
    task = new_task(build, end=END_36)
    fund(build, 2024, [(task, 300 * M)])
    task = sign(build, task)
    refused(
        task,
        lambda: extend(build, task, dt.date(2028, 3, 31), dt.date(2026, 6, 1)),
        r"Nhiệm vụ 36 tháng chỉ được gia hạn tối đa 12 tháng, tức đến ngày 28/02/2028",
    )
    extend(build, task, dt.date(2028, 2, 28), dt.date(2026, 6, 1))


def test_an_extension_asked_less_than_30_days_before_the_end_is_refused(build):
    task = running_task(build)  # ends 31/08/2025: the request is due by 01/08/2025
    refused(
        task,
        lambda: extend(build, task, dt.date(2025, 12, 31), dt.date(2025, 8, 2)),
        r"ít nhất 30 ngày, tức chậm nhất ngày 01/08/2025 \(nhiệm vụ kết thúc ngày 31/08/2025\)",
    )
    extend(build, task, dt.date(2025, 12, 31), dt.date(2025, 8, 1))


def test_a_second_extension_is_refused_when_the_rule_allows_one(build, leader):
    task = running_task(build)
    first = extend(build, task, dt.date(2025, 11, 30), dt.date(2025, 6, 1))
    services.adjustment_transition(
        adjustment=first, to=Adjustment.Status.APPROVED, by=leader, decision=build.decision(date=dt.date(2025, 6, 20))
    )
    task.refresh_from_db()
    assert task.extended_end == dt.date(2025, 11, 30) and task.end == END_18
    refused(
        task,
        lambda: extend(build, task, dt.date(2026, 2, 28), dt.date(2025, 9, 1)),
        r"Nhiệm vụ đã được gia hạn 1 lần; quy định .* cho phép tối đa 1 lần",
    )


def test_approving_an_extension_needs_the_decision(build, leader):
    task = running_task(build)
    request = extend(build, task, dt.date(2025, 11, 30), dt.date(2025, 6, 1))
    refused(
        task,
        lambda: services.adjustment_transition(adjustment=request, to=Adjustment.Status.APPROVED, by=leader),
        "Hãy nhập quyết định chấp thuận điều chỉnh",
    )


# --- Acceptance ----------------------------------------------------------------------------------


def test_an_incomplete_acceptance_dossier_is_refused_naming_what_is_missing(build):
    task = running_task(build)
    error = refused(
        task,
        lambda: services.acceptance_submit(
            task=task,
            self_evaluation="Đạt.",
            self_grade=Grade.PASSED,
            submitted_on=dt.date(2025, 9, 10),
            has_final_report=True,
            has_self_evaluation_minutes=True,
            by=build.officer,
        ),
        "Hồ sơ đánh giá, nghiệm thu chưa đủ, còn thiếu: sản phẩm và tài liệu kèm theo; báo cáo sử dụng kinh phí",
    )
    assert "biên bản tự đánh giá" not in str(error)


def test_a_conclusion_with_a_council_without_quorum_is_refused(build):
    task = running_task(build)
    submit_dossier(build, task)
    _council, members, council_object = acceptance_council(build, task, present=2)
    refused(
        task,
        lambda: services.acceptance_conclude(
            task=task,
            graded_on=dt.date(2025, 10, 1),
            decision=build.decision(date=dt.date(2025, 10, 10)),
            by=build.officer,
        ),
        r"Hội đồng không đủ điều kiện họp .*Có 2/5 thành viên có mặt",
    )


def test_a_conclusion_before_the_council_has_graded_is_refused(build):
    task = running_task(build)
    submit_dossier(build, task)
    _council, members, council_object = acceptance_council(build, task)
    grade_by(build, council_object, members[:3], Grade.PASSED)
    refused(
        task,
        lambda: services.acceptance_conclude(
            task=task,
            graded_on=dt.date(2025, 10, 1),
            decision=build.decision(date=dt.date(2025, 10, 10)),
            by=build.officer,
        ),
        r"Hội đồng chưa có kết quả xếp loại: .*Đã có 3/5 phiếu",
    )


def test_a_passed_conclusion_needs_the_decision_recognising_the_result(build):
    task = running_task(build)
    submit_dossier(build, task)
    _council, members, council_object = acceptance_council(build, task)
    grade_by(build, council_object, members, Grade.PASSED)
    refused(
        task,
        lambda: services.acceptance_conclude(task=task, graded_on=dt.date(2025, 10, 1), by=build.officer),
        "Hãy nhập quyết định công nhận kết quả",
    )


# --- Dates in the wrong order --------------------------------------------------------------------


def test_a_report_period_that_ends_before_it_starts_is_refused(build):
    task = running_task(build)
    refused(
        task,
        lambda: services.progress_report_submit(
            task=task,
            period_start=dt.date(2024, 8, 31),
            period_end=dt.date(2024, 3, 1),
            work_done="Khảo sát.",
            submitted_on=dt.date(2024, 9, 5),
            by=build.officer,
        ),
        "“Đến ngày” phải sau “Từ ngày”",
    )


def test_a_contract_ending_before_it_starts_is_refused(build):
    task = new_task(build)
    fund(build, 2024, [(task, 600 * M)])
    refused(
        task,
        lambda: sign(build, task, end=dt.date(2024, 2, 1)),
        r"Ngày kết thúc \(01/02/2024\) phải sau ngày bắt đầu \(01/03/2024\)",
    )
    assert Task.objects.get(pk=task.pk).status == TS.APPROVED


def test_a_liquidation_dated_before_the_signing_is_refused(build, leader):
    task = running_task(build)
    services.task_terminate(
        task=task, by=leader, reason="Vi phạm hợp đồng", decision=build.decision(date=dt.date(2024, 12, 1))
    )
    refused(
        task,
        lambda: services.contract_liquidate(
            contract=task.contract, liquidated_on=dt.date(2024, 2, 1), by=build.officer
        ),
        "Ngày thanh lý không thể trước ngày ký hợp đồng",
    )


def test_a_registration_dated_before_the_grading_is_refused(build):
    task = conclude(build, running_task(build))
    refused(
        task,
        lambda: services.result_register(
            task=task,
            number="99/2025/ĐKKQ",
            registered_on=dt.date(2025, 9, 20),
            deposit_place="Sở KH&CN",
            by=build.officer,
        ),
        "Ngày đăng ký kết quả không thể trước ngày nghiệm thu",
    )


def test_the_status_is_checked_as_stored_not_as_the_callers_copy(build):
    """A page's copy of the task may be stale: the services read the status again."""
    task = running_task(build)
    stale = Task.objects.get(pk=task.pk)
    stale.status = TS.ACCEPTED  # what a stale copy might say; the task is in progress
    refused(
        task,
        lambda: services.result_register(
            task=stale, number="1/2025/ĐKKQ", registered_on=dt.date(2025, 10, 20), deposit_place="Sở", by=build.officer
        ),
        "Không thể đăng ký kết quả khi nhiệm vụ .* đang “Đang thực hiện”",
    )
    refused(
        task,
        lambda: services.result_application_record(
            task=stale, year=2025, place="HTX", scale="5 ha", effect="Tốt", by=build.officer
        ),
        "Không thể ghi nhận ứng dụng kết quả",
    )
    stale.status = TS.IN_PROGRESS
    Task.objects.filter(pk=task.pk).update(status=TS.COMPLETED)
    refused(
        task,
        lambda: services.monitoring_visit_record(
            task=stale,
            visited_on=dt.date(2024, 6, 1),
            findings="Đúng tiến độ",
            conclusion="on_track",
            by=build.officer,
        ),
        "Không thể ghi kết quả kiểm tra",
    )


# --- Liquidation and closing ---------------------------------------------------------------------


def test_liquidation_without_the_final_settlement_is_refused(build):
    task = conclude(build, running_task(build))
    refused(
        task,
        lambda: services.contract_liquidate(
            contract=task.contract, liquidated_on=dt.date(2025, 11, 5), by=build.officer
        ),
        "Chưa có quyết toán cuối cùng",
    )


def test_liquidation_with_an_asset_not_handled_is_refused(build, finance):
    task = conclude(build, running_task(build))
    asset = services.asset_record(task=task, name="Máy đo độ ẩm", original_value=50 * M, by=finance)
    services.settlement_record(
        task=task, year=2025, settled_on=dt.date(2025, 11, 1), amount_settled=0, is_final=True, by=finance
    )
    refused(
        task,
        lambda: services.contract_liquidate(
            contract=task.contract, liquidated_on=dt.date(2025, 11, 5), by=build.officer
        ),
        "Còn 1 tài sản hình thành chưa xử lý",
    )
    services.asset_handle(
        asset=asset,
        handling=Asset.Handling.HANDED_TO_HOST,
        handled_on=dt.date(2025, 11, 2),
        recipient=task.host,
        by=finance,
    )
    services.contract_liquidate(contract=task.contract, liquidated_on=dt.date(2025, 11, 5), by=build.officer)


def test_closing_an_accepted_task_needs_the_registration_and_the_liquidation(build, finance):
    task = conclude(build, running_task(build))
    refused(task, lambda: services.task_close(task=task, by=build.officer), "Chưa đăng ký kết quả")
    services.result_register(
        task=task, number="25/2025/ĐKKQ", registered_on=dt.date(2025, 10, 20), deposit_place="Sở", by=build.officer
    )
    refused(task, lambda: services.task_close(task=task, by=build.officer), "Hợp đồng chưa được thanh lý")
    services.settlement_record(
        task=task, year=2025, settled_on=dt.date(2025, 11, 1), amount_settled=0, is_final=True, by=finance
    )
    services.contract_liquidate(contract=task.contract, liquidated_on=dt.date(2025, 11, 5), by=build.officer)
    assert services.task_close(task=task, by=build.officer).status == TS.COMPLETED


def test_terminating_without_a_decision_is_refused(build, leader):
    task = running_task(build)
    refused(
        task,
        lambda: services.task_terminate(task=task, by=leader, reason="Vi phạm hợp đồng", decision=None),  # type: ignore[arg-type]
        "Hãy nhập quyết định chấm dứt hợp đồng",
    )
    refused(
        task,
        lambda: services.task_transition(task=task, to=TS.TERMINATED, by=leader, reason="Vi phạm hợp đồng"),
        "Hãy nhập quyết định chấm dứt hợp đồng",
    )


def test_a_termination_recovering_more_than_was_paid_is_refused_as_a_whole(build, leader, finance):
    task = running_task(build)
    pay(task, finance, 100 * M)
    refused(
        task,
        lambda: services.task_terminate(
            task=task,
            by=leader,
            reason="Vi phạm hợp đồng",
            decision=build.decision(date=dt.date(2024, 12, 1)),
            recovery_amount=150 * M,
        ),
        r"chỉ có thể thu hồi tối đa 100\.000\.000 đ",
    )
    assert Task.objects.get(pk=task.pk).status == TS.IN_PROGRESS
    # The leader terminates, and the recovery is recorded with the same decision.
    services.task_terminate(
        task=task,
        by=leader,
        reason="Vi phạm hợp đồng",
        decision=build.decision(date=dt.date(2024, 12, 1)),
        recovery_amount=60 * M,
    )
    assert Task.objects.get(pk=task.pk).status == TS.TERMINATED
    assert list(Recovery.objects.filter(task=task).values_list("amount", "decided_on")) == [
        (60 * M, dt.date(2024, 12, 1))
    ]


# --- Who may act ---------------------------------------------------------------------------------


def test_a_host_user_cannot_act_on_another_organisations_task(build, host_user, host_user_b, org_a):
    task = running_task(build, host=org_a)
    reasons = "không có quyền"
    refused(
        task,
        lambda: services.progress_report_submit(
            task=task,
            period_start=START,
            period_end=dt.date(2024, 8, 31),
            work_done="Khảo sát.",
            submitted_on=dt.date(2024, 9, 5),
            by=host_user_b,
        ),
        reasons,
        PermissionDenied,
    )
    refused(
        task,
        lambda: extend(build, task, dt.date(2025, 11, 30), dt.date(2025, 6, 1), by=host_user_b),
        reasons,
        PermissionDenied,
    )
    refused(task, lambda: submit_dossier(build, task, by=host_user_b), reasons, PermissionDenied)
    # The task's own host may.
    submit_dossier(build, task, by=host_user)


def test_a_quality_officer_may_not_disburse(build, quality_officer):
    task = running_task(build)
    refused(task, lambda: pay(task, quality_officer, 100 * M), "không có quyền", PermissionDenied)


def test_a_host_may_not_approve_its_own_adjustment(build, host_user, org_a):
    task = running_task(build, host=org_a)
    request = extend(build, task, dt.date(2025, 11, 30), dt.date(2025, 6, 1), by=host_user)
    refused(
        task,
        lambda: services.adjustment_transition(
            adjustment=request,
            to=Adjustment.Status.APPROVED,
            by=host_user,
            decision=build.decision(date=dt.date(2025, 6, 20)),
        ),
        "không có quyền",
        PermissionDenied,
    )
    # It may withdraw it.
    services.adjustment_transition(adjustment=request, to=Adjustment.Status.WITHDRAWN, by=host_user)


# --- The task's timeline -------------------------------------------------------------------------


def test_the_timeline_tells_the_whole_story_oldest_first(build, finance):
    """Each step is taken on its own day (the clock frozen), so the status changes carry the days
    they happened; within a day the record comes before the status change it causes."""
    import time_machine

    def at(day: dt.date) -> Any:
        return time_machine.travel(dt.datetime(day.year, day.month, day.day, 9, 0), tick=False)

    D = dt.date
    with at(D(2024, 1, 15)):
        task = new_task(build)
        fund(build, 2024, [(task, 600 * M)])
    with at(D(2024, 3, 1)):
        task = sign(build, task)
    with at(D(2024, 3, 20)):
        pay(task, finance, 400 * M, paid_on=D(2024, 3, 20), tranche=task.contract.tranches.get(number=1))
    with at(D(2024, 9, 5)):
        report = services.progress_report_submit(
            task=task, period_start=START, period_end=D(2024, 8, 31), work_done="Khảo sát xong.", by=build.officer
        )
    with at(D(2024, 9, 10)):
        services.progress_report_transition(report=report, to=ProgressReport.Status.ACCEPTED, by=build.officer)
    with at(D(2025, 2, 15)):
        services.settlement_record(task=task, year=2024, settled_on=D(2025, 2, 15), amount_settled=400 * M, by=finance)
    with at(D(2025, 9, 10)):
        submit_dossier(build, task, on=D(2025, 9, 10))
    with at(D(2025, 10, 1)):
        council = council_services.council_create(kind="acceptance", year=2025, name="HĐ nghiệm thu", by=build.officer)
        members = [
            council_services.council_member_add(council=council, person=build.person(), role=role, by=build.officer)
            for role in ("chair", "reviewer_1", "reviewer_2", "vice_chair", "member")
        ]
        council_services.meeting_record(
            council=council, date=D(2025, 10, 1), place="Sở KH&CN", present=members, by=build.officer
        )
        services.acceptance_send_to_council(task=task, council=council, by=build.officer)
        council_object = council_selectors.council_objects_for(task).filter(council=council).get()
        grade_by(build, council_object, members, Grade.PASSED)
    with at(D(2025, 10, 10)):
        services.acceptance_conclude(
            task=task, graded_on=D(2025, 10, 1), decision=build.decision(date=D(2025, 10, 10)), by=build.officer
        )
    with at(D(2025, 10, 20)):
        services.result_register(
            task=task, number="25/2025/ĐKKQ", registered_on=D(2025, 10, 20), deposit_place="Sở", by=build.officer
        )
    with at(D(2025, 11, 5)):
        services.settlement_record(
            task=task, year=2025, settled_on=D(2025, 11, 5), amount_settled=0, is_final=True, by=finance
        )
        services.contract_liquidate(contract=task.contract, liquidated_on=D(2025, 11, 5), by=build.officer)
        services.task_close(task=task, by=build.officer)
    with at(D(2026, 1, 10)):
        services.result_application_record(
            task=task, year=2025, place="HTX Tân Châu", scale="5 ha", effect="Năng suất tăng 15%", by=build.officer
        )

    from khcn.research import selectors

    entries = selectors.task_timeline(task)
    assert [e.day for e in entries] == sorted(e.day for e in entries)
    story = [(e.day, e.kind, e.title) for e in entries]
    expected = [
        (D(2024, 1, 15), "status", "Trạng thái: Đã phê duyệt chủ trì, kinh phí"),
        (D(2024, 3, 1), "contract", "Ký hợp đồng số"),
        (D(2024, 3, 1), "status", "Trạng thái: Đang thực hiện"),
        (D(2024, 3, 20), "money", "Tạm ứng 400.000.000 đ"),
        (D(2024, 9, 5), "report", "Báo cáo tiến độ 01/03/2024–31/08/2024"),
        (D(2025, 2, 15), "money", "Quyết toán năm 2024: 400.000.000 đ"),
        (D(2025, 9, 10), "acceptance", "Nộp hồ sơ đánh giá, nghiệm thu"),
        (D(2025, 9, 10), "status", "Trạng thái: "),
        (D(2025, 10, 1), "acceptance", "Hội đồng nghiệm thu xếp loại: Đạt"),
        (D(2025, 10, 10), "status", "Trạng thái: "),
        (D(2025, 10, 20), "result", "Đăng ký kết quả, giấy chứng nhận số 25/2025/ĐKKQ"),
        (D(2025, 11, 5), "contract", "Thanh lý hợp đồng"),
        (D(2025, 11, 5), "money", "Quyết toán năm 2025: 0 đ"),
        (D(2025, 11, 5), "status", "Trạng thái: Đã kết thúc"),
        (D(2025, 12, 31), "application", "Ứng dụng kết quả năm 2025: HTX Tân Châu"),
    ]
    assert len(story) == len(expected), story
    for got, (day, kind, title) in zip(story, expected, strict=True):
        assert got[0] == day and got[1] == kind and got[2].startswith(title), (got, (day, kind, title))
    report_entry = next(e for e in entries if e.kind == "report")
    assert report_entry.detail == str(ProgressReport.Status.ACCEPTED.label)
