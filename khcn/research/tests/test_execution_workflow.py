"""Part 2's transitions walked through the services: for every task status and every part 2
target, a pair the table lacks is refused whatever is on record; a pair it has is refused
without the record its guard needs (planning._check_execution_step) and taken with it.

Which roles may take each pair is walked in test_workflow.py; here the actor is a superuser,
who may take any step the table has, so only the guards decide.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import count
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from khcn.research import services, workflow
from khcn.research.models import (
    Acceptance,
    Adjustment,
    Contract,
    Grade,
    ProgressReport,
    Recovery,
    ResultRegistration,
    Task,
    TaskEvent,
)
from khcn.research.tests.test_execution_services import department
from khcn.testing import make_organisation, make_user

pytestmark = pytest.mark.django_db

TS = Task.Status
PART2_TARGETS = (
    TS.IN_PROGRESS,
    TS.SUSPENDED,
    TS.TERMINATED,
    TS.AWAITING_ACCEPTANCE,
    TS.ACCEPTED,
    TS.FAILED,
    TS.COMPLETED,
)
PART2_PAIRS = {pair for pair in workflow.TASK_TRANSITIONS if pair[1] in PART2_TARGETS}
FORBIDDEN = sorted((s, t) for s in TS.values for t in PART2_TARGETS if s != t and (s, t) not in PART2_PAIRS)
_n = count(1)


@pytest.fixture
def root(db: Any) -> Any:
    return make_user("quan_tri", is_superuser=True)


def a_task(build: Any, status: str) -> Task:
    host = make_organisation(f"Viện quy trình {next(_n)}")
    return build.task(
        plan_year=2024,
        status=status,
        host=host,
        pi=build.person(org=host),
        start=dt.date(2024, 3, 1),
        end=dt.date(2025, 8, 31),
    )


# The records a guard may look for, written straight to the tables (the services that normally
# write them are tested in test_execution_services.py).


def contract(task: Task, *, liquidated: bool = False) -> None:
    Contract.objects.create(
        task=task,
        number=f"{task.pk}/{next(_n)}/HĐ",
        signed_on=dt.date(2024, 3, 1),
        department=department(),
        host=task.host,
        pi=task.pi,
        start=dt.date(2024, 3, 1),
        end=dt.date(2025, 8, 31),
        state_budget=task.state_budget,
        liquidated_on=dt.date(2025, 11, 5) if liquidated else None,
    )


def dossier(task: Task, *, complete: bool = True, grade: str = "") -> None:
    Acceptance.objects.create(
        task=task,
        submitted_on=dt.date(2025, 9, 10),
        self_evaluation="Đạt.",
        self_grade=Grade.PASSED,
        has_final_report=True,
        has_products=complete,
        has_self_evaluation_minutes=True,
        has_spending_report=True,
        grade=grade,
        graded_on=dt.date(2025, 10, 1) if grade else None,
    )


def registration(task: Task) -> None:
    ResultRegistration.objects.create(
        task=task, number=f"{next(_n)}/ĐKKQ", registered_on=dt.date(2025, 10, 20), deposit_place="Sở KH&CN"
    )


def recovery(task: Task) -> None:
    Recovery.objects.create(
        task=task, reason=Recovery.Reason.FAILURE, amount=10_000_000, decided_on=dt.date(2025, 11, 1)
    )


RECORDS: dict[str, Callable[[Task], None]] = {
    "contract": contract,
    "liquidated contract": lambda t: contract(t, liquidated=True),
    "complete dossier": dossier,
    "incomplete dossier": lambda t: dossier(t, complete=False),
    "graded dossier": lambda t: dossier(t, grade=Grade.PASSED),
    "grade excellent": lambda t: dossier(t, grade=Grade.EXCELLENT),
    "grade passed": lambda t: dossier(t, grade=Grade.PASSED),
    "grade failed": lambda t: dossier(t, grade=Grade.FAILED),
    "registration": registration,
    "recovery": recovery,
}


@dataclass(frozen=True)
class Case:
    frm: str
    to: str
    records: tuple[str, ...] = ()
    reason: str = ""
    decision: bool = False
    refused: str = ""  # the guard's error code; "" = the step is taken
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        records = "+".join(self.records) or "nothing"
        given = ",".join(x for x in ("reason" if self.reason else "", "decision" if self.decision else "") if x)
        outcome = f"refused:{self.refused}" if self.refused else "taken"
        return f"{self.frm}->{self.to} with {records}{' ' + given if given else ''}: {outcome}"


R = "Theo đề nghị của tổ chức chủ trì"
CASES = [
    # Signing the contract starts the work.
    Case(TS.APPROVED, TS.IN_PROGRESS, refused="no_contract"),
    Case(TS.APPROVED, TS.IN_PROGRESS, ("contract",)),
    # Suspension needs a reason; resuming needs nothing more than the table.
    Case(TS.IN_PROGRESS, TS.SUSPENDED, refused="reason_required"),
    Case(TS.IN_PROGRESS, TS.SUSPENDED, reason=R),
    Case(TS.SUSPENDED, TS.IN_PROGRESS),
    # Termination needs a reason and the decision, from running or suspended.
    Case(TS.IN_PROGRESS, TS.TERMINATED, decision=True, refused="reason_required"),
    Case(TS.IN_PROGRESS, TS.TERMINATED, reason=R, refused="decision_required"),
    Case(TS.IN_PROGRESS, TS.TERMINATED, reason=R, decision=True),
    Case(TS.SUSPENDED, TS.TERMINATED, decision=True, refused="reason_required"),
    Case(TS.SUSPENDED, TS.TERMINATED, reason=R, refused="decision_required"),
    Case(TS.SUSPENDED, TS.TERMINATED, reason=R, decision=True),
    # The acceptance dossier: complete, not yet graded.
    Case(TS.IN_PROGRESS, TS.AWAITING_ACCEPTANCE, refused="no_dossier"),
    Case(TS.IN_PROGRESS, TS.AWAITING_ACCEPTANCE, ("incomplete dossier",), refused="no_dossier"),
    Case(TS.IN_PROGRESS, TS.AWAITING_ACCEPTANCE, ("graded dossier",), refused="no_dossier"),
    Case(TS.IN_PROGRESS, TS.AWAITING_ACCEPTANCE, ("complete dossier",)),
    # A returned dossier: the task goes on.
    Case(TS.AWAITING_ACCEPTANCE, TS.IN_PROGRESS, reason=R),
    # Accepted: a grade of Passed or better and the decision recognising it.
    Case(TS.AWAITING_ACCEPTANCE, TS.ACCEPTED, decision=True, refused="not_passed"),
    Case(TS.AWAITING_ACCEPTANCE, TS.ACCEPTED, ("complete dossier",), decision=True, refused="not_passed"),
    Case(TS.AWAITING_ACCEPTANCE, TS.ACCEPTED, ("grade failed",), decision=True, refused="not_passed"),
    Case(TS.AWAITING_ACCEPTANCE, TS.ACCEPTED, ("grade passed",), refused="decision_required"),
    Case(TS.AWAITING_ACCEPTANCE, TS.ACCEPTED, ("grade passed",), decision=True),
    Case(TS.AWAITING_ACCEPTANCE, TS.ACCEPTED, ("grade excellent",), decision=True),
    # Failed: the grade Failed.
    Case(TS.AWAITING_ACCEPTANCE, TS.FAILED, refused="not_failed"),
    Case(TS.AWAITING_ACCEPTANCE, TS.FAILED, ("grade passed",), refused="not_failed"),
    Case(TS.AWAITING_ACCEPTANCE, TS.FAILED, ("grade failed",)),
    # Closing an accepted task: results registered and the contract liquidated.
    Case(TS.ACCEPTED, TS.COMPLETED, ("contract",), refused="not_registered"),
    Case(TS.ACCEPTED, TS.COMPLETED, ("liquidated contract",), refused="not_registered"),
    Case(TS.ACCEPTED, TS.COMPLETED, ("contract", "registration"), refused="not_liquidated"),
    Case(TS.ACCEPTED, TS.COMPLETED, ("liquidated contract", "registration")),
    # Closing a failed task: the recovery decided, or the risk accepted with a reason.
    Case(TS.FAILED, TS.COMPLETED, refused="no_recovery"),
    Case(TS.FAILED, TS.COMPLETED, ("recovery",)),
    Case(TS.FAILED, TS.COMPLETED, reason="Rủi ro khách quan, Hội đồng đề nghị không thu hồi"),
]


def test_every_part2_pair_of_the_table_has_its_cases():
    """A pair added to the table must be added here, with its guard."""
    assert {(c.frm, c.to) for c in CASES} == PART2_PAIRS
    for pair in PART2_PAIRS:
        assert any(c.refused == "" for c in CASES if (c.frm, c.to) == pair), f"{pair} is never taken"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_a_part2_step_needs_its_record(build, root, case):
    task = a_task(build, case.frm)
    for name in case.records:
        RECORDS[name](task)
    events = TaskEvent.objects.filter(task=task).count()
    document = build.decision(date=dt.date(2025, 10, 10)) if case.decision else None

    def step() -> Task:
        return services.task_transition(task=task, to=case.to, by=root, reason=case.reason, document=document)

    if case.refused:
        with pytest.raises(ValidationError) as info:
            step()
        assert info.value.code == case.refused
        assert Task.objects.get(pk=task.pk).status == case.frm
        assert TaskEvent.objects.filter(task=task).count() == events
    else:
        assert step().status == case.to
        event = TaskEvent.objects.filter(task=task).latest("pk")
        assert (event.from_status, event.to_status, event.document) == (case.frm, case.to, document)


def test_every_pair_the_table_lacks_is_refused_whatever_is_on_record(build, root):
    """One task per status (with every record a guard could want), tried against every part 2
    target the table does not offer from that status. (One test, not one per pair: the pairs
    are about a hundred and each would set the reference data up again.)"""
    assert len(FORBIDDEN) == len(TS.values) * len(PART2_TARGETS) - len(PART2_TARGETS) - len(PART2_PAIRS)
    decision = build.decision(date=dt.date(2025, 10, 10))
    taken = []
    for frm in TS.values:
        task = a_task(build, frm)
        for name in ("liquidated contract", "grade passed", "registration", "recovery"):
            RECORDS[name](task)
        for to in [t for s, t in FORBIDDEN if s == frm]:
            try:
                services.task_transition(task=task, to=to, by=root, reason=R, document=decision)
            except ValidationError as error:
                assert error.code == "transition_not_allowed", (frm, to, error)
            else:
                taken.append((frm, to))
            assert Task.objects.get(pk=task.pk).status == frm
    assert taken == []


# --- Progress reports and adjustments: the guards their services add -----------------------------

RS = ProgressReport.Status
JS = Adjustment.Status


def a_report(task: Task, status: str) -> ProgressReport:
    return ProgressReport.objects.create(
        task=task,
        period_start=dt.date(2024, 3, 1),
        period_end=dt.date(2024, 8, 31),
        due_on=dt.date(2024, 9, 15),
        submitted_on=dt.date(2024, 9, 5),
        work_done="Khảo sát.",
        status=status,
    )


def test_progress_report_pairs(build, root):
    """Every (from, to) pair of report statuses: refused off the table; returning needs the
    reason; the rest are taken."""
    task = a_task(build, TS.IN_PROGRESS)
    for frm in RS.values:
        for to in RS.values:
            report = a_report(task, frm)

            def move(note: str = "", report: ProgressReport = report, to: str = to) -> ProgressReport:
                return services.progress_report_transition(report=report, to=to, by=root, note=note)

            if (frm, to) not in workflow.PROGRESS_REPORT_TRANSITIONS:
                with pytest.raises(ValidationError, match="Không thể chuyển"):
                    move("Ghi chú")
            elif to == RS.RETURNED:
                with pytest.raises(ValidationError, match="Hãy ghi lý do trả lại báo cáo"):
                    move()
                assert ProgressReport.objects.get(pk=report.pk).status == frm
                assert move("Thiếu số liệu thí nghiệm").status == to
            else:
                assert move().status == to


def test_a_host_hands_in_again_only_its_own_returned_report(build, host_user, host_user_b, org_a):
    task = build.task(plan_year=2024, status=TS.IN_PROGRESS, host=org_a, start=dt.date(2024, 3, 1))
    report = a_report(task, RS.RETURNED)
    with pytest.raises(PermissionDenied):
        services.progress_report_transition(report=report, to=RS.SUBMITTED, by=host_user_b)
    assert services.progress_report_transition(report=report, to=RS.SUBMITTED, by=host_user).status == RS.SUBMITTED


def an_adjustment(task: Task, status: str, kind: str = Adjustment.Kind.CONTENT) -> Adjustment:
    return Adjustment.objects.create(
        task=task, kind=kind, requested_on=dt.date(2025, 5, 1), description="Đổi địa điểm thử nghiệm", status=status
    )


def test_adjustment_pairs(build, root):
    """Every (from, to) pair of adjustment statuses: refused off the table; approval needs the
    decision, rejection the reason; withdrawal is taken."""
    task = a_task(build, TS.IN_PROGRESS)
    decision = build.decision(date=dt.date(2025, 5, 20))
    for frm in JS.values:
        for to in JS.values:
            adjustment = an_adjustment(task, frm)
            if (frm, to) not in workflow.ADJUSTMENT_TRANSITIONS:
                with pytest.raises(ValidationError, match="Không thể chuyển"):
                    services.adjustment_transition(adjustment=adjustment, to=to, by=root, reason="x", decision=decision)
                continue
            if to == JS.APPROVED:
                with pytest.raises(ValidationError, match="Hãy nhập quyết định chấp thuận"):
                    services.adjustment_transition(adjustment=adjustment, to=to, by=root)
            if to == JS.REJECTED:
                with pytest.raises(ValidationError, match="Hãy ghi lý do không chấp thuận"):
                    services.adjustment_transition(adjustment=adjustment, to=to, by=root)
            assert Adjustment.objects.get(pk=adjustment.pk).status == frm
            done = services.adjustment_transition(
                adjustment=adjustment, to=to, by=root, reason="Đã xem xét", decision=decision
            )
            assert done.status == to


def test_an_extension_is_checked_again_when_approved(build, root):
    """Approved after a first extension was approved in between: the rule's one extension is used."""
    task = a_task(build, TS.IN_PROGRESS)
    first = an_adjustment(task, JS.REQUESTED, Adjustment.Kind.EXTENSION)
    first.new_end = dt.date(2025, 10, 31)
    first.save()
    second = an_adjustment(task, JS.REQUESTED, Adjustment.Kind.EXTENSION)
    second.new_end = dt.date(2025, 11, 30)
    second.save()
    services.adjustment_transition(
        adjustment=first, to=JS.APPROVED, by=root, decision=build.decision(date=dt.date(2025, 5, 20))
    )
    with pytest.raises(ValidationError, match="cho phép tối đa 1 lần"):
        services.adjustment_transition(
            adjustment=second, to=JS.APPROVED, by=root, decision=build.decision(date=dt.date(2025, 5, 21))
        )
    assert Task.objects.get(pk=task.pk).extended_end == dt.date(2025, 10, 31)
