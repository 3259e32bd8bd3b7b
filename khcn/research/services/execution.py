"""Every write of part 2 of the task lifecycle (tasks.md steps 9–15): contract, members and
outputs, money, progress reports and monitoring, adjustments, suspension and termination,
acceptance, results, assets and the application of results, carry-over.

The same rules as part 1: keyword-only, the acting user as `by`, one transaction, history through
record_save, statuses only through the transitions (task_transition and the tables in
workflow.py). Limits the rules set come from the task's ExecutionRule (selectors.rule_for);
money checks read the sums from selectors.task_money, so the check and the page agree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from khcn.accounts import roles
from khcn.accounts.models import User
from khcn.accounts.permissions import has_role
from khcn.core import faults
from khcn.core.services import record_save
from khcn.councils import selectors as council_selectors
from khcn.councils import services as council_services
from khcn.councils.models import Council, CouncilObject
from khcn.directory.models import AdministrativeUnit, OfficialDocument, Organisation, Person
from khcn.directory.selectors import organisation_of_user
from khcn.lib.dates import add_months
from khcn.lib.formats import format_date, format_vnd
from khcn.research import selectors, workflow
from khcn.research.models import (
    Acceptance,
    Adjustment,
    AdjustmentEvent,
    Asset,
    Contract,
    ContractAmendment,
    Disbursement,
    Grade,
    MonitoringVisit,
    Output,
    Plan,
    PlanItem,
    ProgressReport,
    ProgressReportEvent,
    Recovery,
    ResultApplication,
    ResultRegistration,
    Settlement,
    Source,
    Task,
    TaskMember,
    Tranche,
)
from khcn.research.services.planning import (
    _required_text,
    _today,
    clean_money,
    plan_item_add,
    task_transition,
)

TS = Task.Status
RS = ProgressReport.Status
JS = Adjustment.Status

SCIENCE = (roles.SCIENCE_OFFICER,)
MONEY = (roles.FINANCE_OFFICER, roles.SCIENCE_OFFICER)
LEADERS = (roles.SCIENCE_OFFICER, roles.DEPARTMENT_LEADER)

RUNNING = (TS.IN_PROGRESS, TS.SUSPENDED)
# After the contract is signed and before the task is closed, money may move.
PAYABLE = (TS.IN_PROGRESS, TS.AWAITING_ACCEPTANCE, TS.ACCEPTED)


def _require(user: User, *codes: str) -> None:
    if not has_role(user, *codes):
        raise PermissionDenied(_("Bạn không có quyền thực hiện việc này."))


def _require_staff_or_host(user: User, task: Task, *codes: str) -> None:
    """Staff with one of `codes`, or a host user of the task's own host organisation."""
    if has_role(user, *codes):
        return
    if has_role(user, roles.HOST_USER) and task.host_id is not None:
        own = organisation_of_user(user)
        if own is not None and own.pk == task.host_id:
            return
    raise PermissionDenied(_("Bạn không có quyền thực hiện việc này cho nhiệm vụ này."))


def _locked(task: Task) -> Task:
    return Task.objects.select_for_update().get(pk=task.pk)


def _status_in(task: Task, allowed: Sequence[str], action: str) -> None:
    if task.status not in allowed:
        raise ValidationError(
            _("Không thể %(action)s khi nhiệm vụ %(code)s đang “%(status)s”.")
            % {"action": action, "code": task.code, "status": task.get_status_display()},
            code="wrong_status",
        )


def _date(value: Any, label: str) -> dt.date:
    if value is None or value == "":
        raise ValidationError(_("%(label)s: chưa nhập.") % {"label": label}, code="required")
    if not isinstance(value, dt.date):
        raise ValidationError(_("%(label)s: không phải ngày hợp lệ.") % {"label": label}, code="invalid")
    return value


def _not_future(day: dt.date, label: str) -> None:
    if day > _today():
        raise ValidationError(
            _("%(label)s (%(date)s) không được sau hôm nay.") % {"label": label, "date": format_date(day)},
            code="future_date",
        )


def _positive(value: Any, label: str) -> int:
    amount = clean_money(value, label)
    if amount <= 0:
        raise ValidationError(_("%(label)s phải lớn hơn 0.") % {"label": label}, code="not_positive")
    return amount


# --- Contract ------------------------------------------------------------------------------------


@transaction.atomic
def contract_sign(
    *,
    task: Task,
    number: str,
    signed_on: dt.date,
    department: Organisation,
    by: User,
    department_signer: str = "",
    start: dt.date | None = None,
    end: dt.date | None = None,
    tranches: Sequence[Mapping[str, Any]] = (),
    note: str = "",
) -> Contract:
    """Sign the contract of an approved task (step 9): its budget is the task's approved budget;
    the tranches of the state budget must not add up to more than it. The task starts."""
    _require(by, *SCIENCE)
    task = _locked(task)
    _status_in(task, (TS.APPROVED,), _("ký hợp đồng"))
    if Contract.objects.filter(task=task).exists():
        raise ValidationError(_("Nhiệm vụ %(code)s đã có hợp đồng.") % {"code": task.code}, code="contract_exists")
    if task.host_id is None or task.pi_id is None:
        raise ValidationError(_("Nhiệm vụ chưa có tổ chức chủ trì hoặc chủ nhiệm."), code="no_host")
    number = " ".join(_required_text(number, _("Số hợp đồng"), 60).split())
    signed_on = _date(signed_on, _("Ngày ký"))
    _not_future(signed_on, _("Ngày ký hợp đồng"))
    start = start or task.start or signed_on
    end = end or task.end
    if end is None:
        raise ValidationError({"end": _("Hãy nhập ngày kết thúc hợp đồng.")})
    if end < start:
        raise ValidationError(
            {
                "end": _("Ngày kết thúc (%(end)s) phải sau ngày bắt đầu (%(start)s).")
                % {"end": format_date(end), "start": format_date(start)}
            }
        )
    if Contract.objects.filter(number__iexact=number).exists():
        raise ValidationError(
            {"number": _("Số hợp đồng %(number)s đã được dùng.") % {"number": number}}, code="number_taken"
        )
    contract = Contract(
        task=task,
        number=number,
        signed_on=signed_on,
        department=department,
        department_signer=department_signer,
        host_id=task.host_id,
        pi_id=task.pi_id,
        start=start,
        end=end,
        state_budget=task.state_budget,
        state_budget_lump_sum=task.state_budget_lump_sum,
        counterpart_budget=task.counterpart_budget,
        other_budget=task.other_budget,
        note=note,
    )
    try:
        with transaction.atomic():
            record_save(record=contract, by=by)
    except IntegrityError:
        raise ValidationError({"number": _("Số hợp đồng %(number)s đã được dùng.") % {"number": number}}) from None
    for index, row in enumerate(tranches, start=1):
        tranche_add(
            contract=contract,
            by=by,
            number=row.get("number") or index,
            **{k: v for k, v in row.items() if k != "number"},
        )
    if task.pi is not None and not TaskMember.objects.filter(task=task, person=task.pi).exists():
        record_save(record=TaskMember(task=task, person=task.pi, role=TaskMember.Role.PI), by=by)
    faults.point("research.contract_written")
    task.start, task.end = start, end
    record_save(record=task, by=by, reason=_("Ký hợp đồng số %(number)s") % {"number": number})
    task_transition(
        task=task,
        to=TS.IN_PROGRESS,
        by=by,
        reason=_("Ký hợp đồng số %(number)s ngày %(date)s") % {"number": number, "date": format_date(signed_on)},
    )
    return contract


@transaction.atomic
def tranche_add(
    *,
    contract: Contract,
    by: User,
    amount: Any,
    number: int | None = None,
    kind: str = Tranche.Kind.ADVANCE,
    condition: str = Tranche.Condition.NONE,
    planned_on: dt.date | None = None,
) -> Tranche:
    """Add an instalment to the schedule; the schedule never exceeds the contract's state budget."""
    _require(by, *SCIENCE)
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    amount = _positive(amount, _("Số tiền của đợt"))
    if kind not in Tranche.Kind.values:
        raise ValidationError(_("Loại đợt cấp không hợp lệ."), code="invalid")
    if condition not in Tranche.Condition.values:
        raise ValidationError(_("Điều kiện cấp không hợp lệ."), code="invalid")
    existing = list(contract.tranches.active())  # type: ignore[attr-defined]
    number = number or (max((t.number for t in existing), default=0) + 1)
    if any(t.number == number for t in existing):
        raise ValidationError(_("Đợt %(n)d đã có trong lịch cấp.") % {"n": number}, code="duplicate")
    scheduled = sum(t.amount for t in existing)
    if scheduled + amount > contract.state_budget:
        raise ValidationError(
            _("Tổng các đợt (%(total)s) vượt kinh phí NSNN của hợp đồng (%(budget)s).")
            % {"total": format_vnd(scheduled + amount), "budget": format_vnd(contract.state_budget)},
            code="over_budget",
        )
    return record_save(
        record=Tranche(
            contract=contract, number=number, kind=kind, amount=amount, condition=condition, planned_on=planned_on
        ),
        by=by,
    )


@transaction.atomic
def contract_amend(
    *, contract: Contract, number: str, signed_on: dt.date, content: str, by: User, adjustment: Adjustment | None = None
) -> ContractAmendment:
    """Record an amendment (phụ lục); an extension's amendment follows its approved adjustment."""
    _require(by, *SCIENCE)
    number = _required_text(number, _("Số phụ lục"), 60)
    signed_on = _date(signed_on, _("Ngày ký phụ lục"))
    if signed_on < contract.signed_on:
        raise ValidationError(_("Phụ lục không thể ký trước hợp đồng."), code="date_order")
    if contract.amendments.active().filter(number__iexact=number).exists():  # type: ignore[attr-defined]
        raise ValidationError(_("Số phụ lục %(n)s đã có.") % {"n": number}, code="duplicate")
    if adjustment is not None and (adjustment.task_id != contract.task_id or adjustment.status != JS.APPROVED):
        raise ValidationError(_("Phụ lục chỉ ghi nhận điều chỉnh đã được chấp thuận của chính nhiệm vụ này."))
    return record_save(
        record=ContractAmendment(
            contract=contract,
            number=number,
            signed_on=signed_on,
            content=_required_text(content, _("Nội dung phụ lục")),
            adjustment=adjustment,
        ),
        by=by,
    )


@transaction.atomic
def contract_liquidate(
    *, contract: Contract, liquidated_on: dt.date, by: User, document: OfficialDocument | None = None
) -> Contract:
    """Liquidate the contract (thanh lý) after the final settlement; funds to recover must be decided."""
    _require(by, *SCIENCE)
    contract = Contract.objects.select_for_update().select_related("task").get(pk=contract.pk)
    task = contract.task
    _status_in(task, (TS.ACCEPTED, TS.FAILED, TS.TERMINATED), _("thanh lý hợp đồng"))
    if contract.liquidated_on is not None:
        raise ValidationError(_("Hợp đồng đã được thanh lý."), code="already")
    liquidated_on = _date(liquidated_on, _("Ngày thanh lý"))
    _not_future(liquidated_on, _("Ngày thanh lý"))
    if liquidated_on < contract.signed_on:
        raise ValidationError(_("Ngày thanh lý không thể trước ngày ký hợp đồng."), code="date_order")
    if not task.settlements.active().filter(is_final=True).exists():  # type: ignore[attr-defined]
        raise ValidationError(_("Chưa có quyết toán cuối cùng: hãy quyết toán trước khi thanh lý."), code="no_final")
    unhandled = task.assets.active().filter(handling=Asset.Handling.PENDING).count()  # type: ignore[attr-defined]
    if unhandled:
        raise ValidationError(_("Còn %(n)d tài sản hình thành chưa xử lý.") % {"n": unhandled}, code="assets_pending")
    contract.liquidated_on = liquidated_on
    contract.liquidation = document
    return record_save(record=contract, by=by, reason=_("Thanh lý hợp đồng"))


# --- Members and outputs -------------------------------------------------------------------------


@transaction.atomic
def task_member_add(
    *, task: Task, person: Person, by: User, role: str = TaskMember.Role.MEMBER, workdays: int = 0
) -> TaskMember:
    _require(by, *SCIENCE)
    if role not in TaskMember.Role.values:
        raise ValidationError(_("Vai trò không hợp lệ."), code="invalid")
    if role == TaskMember.Role.PI and task.pi_id != person.pk:
        raise ValidationError(_("Chủ nhiệm nhiệm vụ là %(pi)s; thay chủ nhiệm phải qua điều chỉnh.") % {"pi": task.pi})
    if TaskMember.objects.active().filter(task=task, person=person).exists():
        raise ValidationError(_("%(person)s đã là thành viên nhiệm vụ.") % {"person": person}, code="duplicate")
    if workdays is None or int(workdays) < 0 or int(workdays) > 5000:
        raise ValidationError(_("Số ngày công phải từ 0 đến 5.000."), code="invalid")
    return record_save(record=TaskMember(task=task, person=person, role=role, workdays=int(workdays)), by=by)


@transaction.atomic
def output_add(
    *, task: Task, form: str, name: str, by: User, quantity_planned: int = 1, quality_target: str = ""
) -> Output:
    _require(by, *SCIENCE)
    if form not in Output.Form.values:
        raise ValidationError(_("Dạng sản phẩm không hợp lệ."), code="invalid")
    if not isinstance(quantity_planned, int) or quantity_planned < 1:
        raise ValidationError(_("Số lượng đăng ký phải từ 1 trở lên."), code="invalid")
    return record_save(
        record=Output(
            task=task,
            form=form,
            name=_required_text(name, _("Tên sản phẩm"), 500),
            quantity_planned=quantity_planned,
            quality_target=quality_target,
        ),
        by=by,
    )


@transaction.atomic
def output_assess(
    *, output: Output, quantity_achieved: int, achieved: bool, assessed_on: dt.date, by: User, note: str = ""
) -> Output:
    """Mark a promised product achieved or not, at acceptance."""
    _require(by, *SCIENCE)
    if not isinstance(quantity_achieved, int) or quantity_achieved < 0:
        raise ValidationError(_("Số lượng đạt không hợp lệ."), code="invalid")
    if achieved and quantity_achieved < output.quantity_planned:
        raise ValidationError(
            _("“%(name)s”: đạt %(got)d trên %(planned)d đăng ký, không thể đánh giá là đạt.")
            % {"name": output.name, "got": quantity_achieved, "planned": output.quantity_planned},
            code="not_enough",
        )
    output.quantity_achieved = quantity_achieved
    output.achieved = achieved
    output.assessed_on = _date(assessed_on, _("Ngày đánh giá"))
    output.note = note
    return record_save(record=output, by=by, reason=_("Đánh giá sản phẩm"))


# --- Money ---------------------------------------------------------------------------------------


@transaction.atomic
def disbursement_record(
    *,
    task: Task,
    amount: Any,
    paid_on: dt.date,
    by: User,
    tranche: Tranche | None = None,
    kind: str | None = None,
    source: str = Source.STATE_BUDGET,
    budget_year: int | None = None,
    voucher: str = "",
    note: str = "",
) -> Disbursement:
    """Record money paid out. Refused when it would exceed what remains of the year's allocation
    (with what was carried in), of the contract's budget for the source, or of the tranche; and
    before the tranche's condition is met."""
    _require(by, *MONEY)
    task = _locked(task)
    _status_in(task, PAYABLE, _("cấp kinh phí"))
    contract = Contract.objects.filter(task=task).first()
    if contract is None:
        raise ValidationError(_("Nhiệm vụ chưa có hợp đồng."), code="no_contract")
    amount = _positive(amount, _("Số tiền"))
    paid_on = _date(paid_on, _("Ngày cấp"))
    _not_future(paid_on, _("Ngày cấp"))
    if paid_on < contract.signed_on:
        raise ValidationError(
            _("Ngày cấp (%(paid)s) trước ngày ký hợp đồng (%(signed)s).")
            % {"paid": format_date(paid_on), "signed": format_date(contract.signed_on)},
            code="date_order",
        )
    if source not in Source.values:
        raise ValidationError(_("Nguồn kinh phí không hợp lệ."), code="invalid")
    budget_year = budget_year or paid_on.year
    if tranche is not None:
        if tranche.contract_id != contract.pk or tranche.archived_at is not None:
            raise ValidationError(_("Đợt cấp không thuộc hợp đồng của nhiệm vụ này."), code="wrong_tranche")
        if source != Source.STATE_BUDGET:
            raise ValidationError(_("Lịch cấp theo đợt chỉ áp dụng cho ngân sách nhà nước."), code="wrong_source")
        met, why = selectors.tranche_condition(tranche)
        if not met:
            raise ValidationError(why, code="condition_not_met")
        already = selectors.tranche_disbursed(tranche)
        if already + amount > tranche.amount:
            raise ValidationError(
                _("Đợt %(n)d còn %(left)s, không thể cấp %(amount)s.")
                % {"n": tranche.number, "left": format_vnd(tranche.amount - already), "amount": format_vnd(amount)},
                code="over_tranche",
            )
        kind = kind or tranche.kind
    kind = kind or Tranche.Kind.ADVANCE
    if kind not in Tranche.Kind.values:
        raise ValidationError(_("Loại cấp phát không hợp lệ."), code="invalid")
    money = selectors.task_money(task)
    if money.final_settled:
        # The final settlement closed the accounts (and comes before the liquidation).
        raise ValidationError(_("Nhiệm vụ đã quyết toán cuối cùng; không thể cấp thêm kinh phí."), code="final_done")
    source_row = money.source(source)
    if amount > source_row.remaining:
        raise ValidationError(
            _("%(source)s của hợp đồng còn %(left)s, không thể cấp %(amount)s.")
            % {"source": source_row.label, "left": format_vnd(source_row.remaining), "amount": format_vnd(amount)},
            code="over_budget",
        )
    if source == Source.STATE_BUDGET:
        year = money.year(budget_year)
        if amount > year.remaining:
            raise ValidationError(
                _(
                    "Kinh phí năm %(year)d của nhiệm vụ còn %(left)s (bố trí %(allocated)s, chuyển sang %(carried)s, "
                    "đã cấp %(disbursed)s), không thể cấp %(amount)s."
                )
                % {
                    "year": budget_year,
                    "left": format_vnd(year.remaining),
                    "allocated": format_vnd(year.allocated),
                    "carried": format_vnd(year.carried_in),
                    "disbursed": format_vnd(year.disbursed),
                    "amount": format_vnd(amount),
                },
                code="over_allocation",
            )
        if money.year_settled(budget_year):
            raise ValidationError(
                _("Năm %(year)d đã quyết toán; không thể ghi thêm cấp phát cho năm này.") % {"year": budget_year},
                code="year_settled",
            )
    return record_save(
        record=Disbursement(
            task=task,
            tranche=tranche,
            kind=kind,
            source=source,
            budget_year=budget_year,
            amount=amount,
            paid_on=paid_on,
            voucher=voucher,
            note=note,
        ),
        by=by,
    )


@transaction.atomic
def settlement_record(
    *,
    task: Task,
    year: int,
    settled_on: dt.date,
    amount_settled: Any,
    by: User,
    carried_over: Any = 0,
    is_final: bool = False,
    document: OfficialDocument | None = None,
    note: str = "",
) -> Settlement:
    """Settle a year (quyết toán): no more than was disbursed and not yet settled; the carry-over to
    the next year no more than the year's unspent allocation. A final settlement carries nothing."""
    _require(by, *MONEY)
    task = _locked(task)
    if task.status in (TS.ORDERED, TS.CALLING, TS.SELECTING, TS.SELECTED, TS.APPRAISED, TS.APPROVED, TS.CANCELLED):
        raise ValidationError(_("Nhiệm vụ chưa thực hiện nên chưa có gì để quyết toán."), code="wrong_status")
    settled_on = _date(settled_on, _("Ngày quyết toán"))
    _not_future(settled_on, _("Ngày quyết toán"))
    if settled_on < dt.date(year, 1, 1):
        raise ValidationError(
            _("Ngày quyết toán phải trong hoặc sau năm %(year)d.") % {"year": year}, code="date_order"
        )
    amount_settled = clean_money(amount_settled, _("Kinh phí được quyết toán"))
    carried_over = clean_money(carried_over, _("Kinh phí chuyển sang năm sau"), required=False)
    money = selectors.task_money(task)
    if money.year_settled(year):
        raise ValidationError(_("Năm %(year)d đã quyết toán.") % {"year": year}, code="duplicate")
    later = [s for s in money.settled_years if s > year]
    if later:
        raise ValidationError(_("Đã quyết toán năm %(y)d; không thể quyết toán năm trước đó.") % {"y": later[0]})
    if money.final_settled:
        raise ValidationError(_("Nhiệm vụ đã quyết toán cuối cùng."), code="final_done")
    unsettled = money.disbursed_through(year) - money.settled_total - money.recovered_total
    if amount_settled > unsettled:
        raise ValidationError(
            _("Chỉ có thể quyết toán tối đa %(max)s (đã cấp đến năm %(year)d, trừ phần đã quyết toán và thu hồi).")
            % {"max": format_vnd(max(unsettled, 0)), "year": year},
            code="over_settled",
        )
    row = money.year(year)
    if is_final and carried_over:
        raise ValidationError(_("Quyết toán cuối cùng không chuyển kinh phí sang năm sau."), code="final_carry")
    if carried_over > row.remaining:
        raise ValidationError(
            _("Năm %(year)d còn %(left)s chưa cấp; không thể chuyển %(carried)s sang năm sau.")
            % {"year": year, "left": format_vnd(row.remaining), "carried": format_vnd(carried_over)},
            code="over_carry",
        )
    return record_save(
        record=Settlement(
            task=task,
            year=year,
            settled_on=settled_on,
            amount_settled=amount_settled,
            carried_over=carried_over,
            is_final=is_final,
            document=document,
            note=note,
        ),
        by=by,
    )


@transaction.atomic
def recovery_record(
    *,
    task: Task,
    reason: str,
    amount: Any,
    decided_on: dt.date,
    by: User,
    decision: OfficialDocument | None = None,
    note: str = "",
) -> Recovery:
    """Decide funds to recover; never more than was disbursed and not yet settled nor recovered
    (settled money is accounted for as spent: recovering it too would count it twice)."""
    # The department leader signs a recovery decision, and terminates a contract with one
    # (task_terminate records the recovery as the leader).
    _require(by, *MONEY, roles.DEPARTMENT_LEADER)
    task = _locked(task)
    if reason not in Recovery.Reason.values:
        raise ValidationError(_("Lý do thu hồi không hợp lệ."), code="invalid")
    amount = _positive(amount, _("Số tiền thu hồi"))
    decided_on = _date(decided_on, _("Ngày quyết định"))
    _not_future(decided_on, _("Ngày quyết định thu hồi"))
    money = selectors.task_money(task)
    left = money.unsettled
    if amount > left:
        raise ValidationError(
            _(
                "Đã cấp %(disbursed)s, đã quyết toán %(settled)s, đã thu hồi %(recovered)s: "
                "chỉ có thể thu hồi tối đa %(left)s."
            )
            % {
                "disbursed": format_vnd(money.disbursed_total),
                "settled": format_vnd(money.settled_total),
                "recovered": format_vnd(money.recovered_total),
                "left": format_vnd(max(left, 0)),
            },
            code="over_recovery",
        )
    return record_save(
        record=Recovery(task=task, reason=reason, amount=amount, decided_on=decided_on, decision=decision, note=note),
        by=by,
    )


@transaction.atomic
def recovery_mark_returned(*, recovery: Recovery, returned_on: dt.date, by: User) -> Recovery:
    _require(by, *MONEY)
    returned_on = _date(returned_on, _("Ngày nộp trả"))
    _not_future(returned_on, _("Ngày nộp trả"))
    if returned_on < recovery.decided_on:
        raise ValidationError(_("Ngày nộp trả không thể trước ngày quyết định thu hồi."), code="date_order")
    recovery.returned_on = returned_on
    return record_save(record=recovery, by=by, reason=_("Đã nộp trả"))


# --- Progress reports and monitoring -------------------------------------------------------------


@transaction.atomic
def progress_report_submit(
    *,
    task: Task,
    period_start: dt.date,
    period_end: dt.date,
    work_done: str,
    by: User,
    next_steps: str = "",
    spent_amount: Any = None,
    submitted_on: dt.date | None = None,
) -> ProgressReport:
    """The host hands in a periodic report (staff may record a paper one)."""
    _require_staff_or_host(by, task, *SCIENCE)
    task = _locked(task)
    _status_in(task, RUNNING, _("nộp báo cáo tiến độ"))
    period_start = _date(period_start, _("Từ ngày"))
    period_end = _date(period_end, _("Đến ngày"))
    if period_end < period_start:
        raise ValidationError({"period_end": _("“Đến ngày” phải sau “Từ ngày”.")}, code="date_order")
    if task.start and period_start < task.start:
        raise ValidationError(
            {
                "period_start": _("Kỳ báo cáo bắt đầu trước khi nhiệm vụ bắt đầu (%(d)s).")
                % {"d": format_date(task.start)}
            }
        )
    submitted_on = submitted_on or _today()
    _not_future(submitted_on, _("Ngày nộp"))
    overlapping = (
        ProgressReport.objects.active()
        .filter(task=task, period_start__lte=period_end, period_end__gte=period_start)
        .exclude(status=RS.RETURNED)
    )
    if overlapping.exists():
        raise ValidationError(
            _("Đã có báo cáo cho kỳ này (%(report)s).") % {"report": overlapping.first()}, code="duplicate"
        )
    rule = selectors.rule_for(task)
    spent = None if spent_amount in (None, "") else clean_money(spent_amount, _("Kinh phí đã sử dụng"))
    report = record_save(
        record=ProgressReport(
            task=task,
            period_start=period_start,
            period_end=period_end,
            due_on=period_end + dt.timedelta(days=rule.report_due_days),
            submitted_on=submitted_on,
            submitted_by=by,
            work_done=_required_text(work_done, _("Nội dung đã thực hiện")),
            next_steps=next_steps,
            spent_amount=spent,
        ),
        by=by,
    )
    ProgressReportEvent.objects.create(report=report, from_status="", to_status=RS.SUBMITTED, by=by)
    return report


@transaction.atomic
def progress_report_transition(*, report: ProgressReport, to: str, by: User, note: str = "") -> ProgressReport:
    """Accept a report, return it for completion (with the reason), or hand it in again."""
    report = ProgressReport.objects.select_for_update().select_related("task").get(pk=report.pk)
    current = report.status
    workflow.check(workflow.PROGRESS_REPORT_TRANSITIONS, current, to, by, labels=dict(RS.choices))
    if to == RS.SUBMITTED:
        _require_staff_or_host(by, report.task, *SCIENCE)
    if to == RS.RETURNED and not note.strip():
        raise ValidationError(_("Hãy ghi lý do trả lại báo cáo."), code="reason_required")
    report.status = to
    if to in (RS.ACCEPTED, RS.RETURNED):
        report.review_note = note
    record_save(record=report, by=by, reason=note or str(RS(to).label))
    ProgressReportEvent.objects.create(report=report, from_status=current, to_status=to, by=by, reason=note)
    return report


@transaction.atomic
def monitoring_visit_record(
    *,
    task: Task,
    visited_on: dt.date,
    findings: str,
    conclusion: str,
    by: User,
    inspectors: str = "",
    recommendations: str = "",
    minutes: OfficialDocument | None = None,
) -> MonitoringVisit:
    _require(by, *SCIENCE)
    task = _locked(task)  # the status as stored, not as the caller's copy last saw it
    _status_in(task, RUNNING + (TS.AWAITING_ACCEPTANCE,), _("ghi kết quả kiểm tra"))
    visited_on = _date(visited_on, _("Ngày kiểm tra"))
    _not_future(visited_on, _("Ngày kiểm tra"))
    if task.start and visited_on < task.start:
        raise ValidationError(_("Ngày kiểm tra trước khi nhiệm vụ bắt đầu."), code="date_order")
    if conclusion not in MonitoringVisit.Conclusion.values:
        raise ValidationError(_("Hãy chọn kết luận kiểm tra."), code="invalid")
    return record_save(
        record=MonitoringVisit(
            task=task,
            visited_on=visited_on,
            findings=_required_text(findings, _("Kết quả kiểm tra")),
            conclusion=conclusion,
            inspectors=inspectors,
            recommendations=recommendations,
            minutes=minutes,
        ),
        by=by,
    )


# --- Adjustments and extensions ------------------------------------------------------------------


def _check_extension(task: Task, new_end: dt.date | None, requested_on: dt.date, *, exclude: int | None = None) -> None:
    """The rule's limits: how many extensions, how early the request, how long (tasks.md §3)."""
    rule = selectors.rule_for(task)
    end = task.effective_end
    if new_end is None:
        raise ValidationError({"new_end": _("Hãy nhập thời hạn mới.")}, code="required")
    if end is None:
        raise ValidationError(_("Nhiệm vụ chưa có ngày kết thúc."), code="no_end")
    if new_end <= end:
        raise ValidationError(
            {"new_end": _("Thời hạn mới phải sau thời hạn hiện tại (%(end)s).") % {"end": format_date(end)}},
            code="date_order",
        )
    approved = task.adjustments.active().filter(  # type: ignore[attr-defined]
        kind=Adjustment.Kind.EXTENSION, status=JS.APPROVED
    )
    if exclude:
        approved = approved.exclude(pk=exclude)
    if approved.count() >= rule.extension_max_count:
        raise ValidationError(
            _("Nhiệm vụ đã được gia hạn %(n)d lần; quy định (%(rule)s) cho phép tối đa %(max)d lần.")
            % {"n": approved.count(), "rule": rule.name, "max": rule.extension_max_count},
            code="too_many_extensions",
        )
    latest = end - dt.timedelta(days=rule.extension_min_days_before_end)
    if requested_on > latest:
        raise ValidationError(
            _(
                "Đề nghị gia hạn phải gửi trước khi kết thúc ít nhất %(days)d ngày, tức chậm nhất ngày %(latest)s "
                "(nhiệm vụ kết thúc ngày %(end)s)."
            )
            % {"days": rule.extension_min_days_before_end, "latest": format_date(latest), "end": format_date(end)},
            code="too_late",
        )
    duration = selectors.duration_months(task.start, task.end)
    limit = (
        rule.extension_max_months_short if duration <= rule.short_task_max_months else rule.extension_max_months_long
    )
    furthest = add_months(end, limit)
    if new_end > furthest:
        raise ValidationError(
            {
                "new_end": _(
                    "Nhiệm vụ %(months)d tháng chỉ được gia hạn tối đa %(limit)d tháng, tức đến ngày %(furthest)s."
                )
                % {"months": duration, "limit": limit, "furthest": format_date(furthest)}
            },
            code="too_long",
        )


@transaction.atomic
def adjustment_request(
    *,
    task: Task,
    kind: str,
    description: str,
    by: User,
    requested_on: dt.date | None = None,
    before: str = "",
    after: str = "",
    new_end: dt.date | None = None,
) -> Adjustment:
    """The host (or staff for it) asks to change the task; an extension is checked against the rule."""
    _require_staff_or_host(by, task, *SCIENCE)
    task = _locked(task)
    _status_in(task, RUNNING, _("đề nghị điều chỉnh"))
    if kind not in Adjustment.Kind.values:
        raise ValidationError(_("Loại điều chỉnh không hợp lệ."), code="invalid")
    requested_on = requested_on or _today()
    _not_future(requested_on, _("Ngày đề nghị"))
    description = _required_text(description, _("Nội dung, lý do đề nghị"))
    if kind == Adjustment.Kind.EXTENSION:
        _check_extension(task, new_end, requested_on)
        before = before or format_date(task.effective_end)
        after = after or format_date(new_end)
    elif new_end is not None:
        raise ValidationError({"new_end": _("Chỉ đề nghị gia hạn mới có thời hạn mới.")})
    if task.adjustments.active().filter(kind=kind, status=JS.REQUESTED).exists():  # type: ignore[attr-defined]
        raise ValidationError(
            _("Đã có một đề nghị “%(kind)s” đang chờ quyết định.") % {"kind": Adjustment.Kind(kind).label},
            code="pending",
        )
    adjustment = record_save(
        record=Adjustment(
            task=task,
            kind=kind,
            requested_on=requested_on,
            requested_by=by,
            description=description,
            before=before,
            after=after,
            new_end=new_end,
        ),
        by=by,
    )
    AdjustmentEvent.objects.create(adjustment=adjustment, from_status="", to_status=JS.REQUESTED, by=by)
    return adjustment


@transaction.atomic
def adjustment_transition(
    *,
    adjustment: Adjustment,
    to: str,
    by: User,
    reason: str = "",
    decision: OfficialDocument | None = None,
) -> Adjustment:
    """Approve (with the decision), reject (with the reason) or withdraw a request. An approved
    extension moves the task's end."""
    adjustment = Adjustment.objects.select_for_update().select_related("task").get(pk=adjustment.pk)
    current = adjustment.status
    workflow.check(workflow.ADJUSTMENT_TRANSITIONS, current, to, by, labels=dict(JS.choices))
    task = _locked(adjustment.task)
    if to == JS.WITHDRAWN:
        _require_staff_or_host(by, task, *SCIENCE)
    if to == JS.APPROVED:
        if decision is None:
            raise ValidationError(_("Hãy nhập quyết định chấp thuận điều chỉnh."), code="decision_required")
        if adjustment.kind == Adjustment.Kind.EXTENSION:
            _check_extension(task, adjustment.new_end, adjustment.requested_on, exclude=adjustment.pk)
            task.extended_end = adjustment.new_end
            record_save(
                record=task,
                by=by,
                reason=_("Gia hạn đến %(d)s theo %(doc)s") % {"d": format_date(adjustment.new_end), "doc": decision},
            )
    if to == JS.REJECTED and not reason.strip():
        raise ValidationError(_("Hãy ghi lý do không chấp thuận."), code="reason_required")
    adjustment.status = to
    adjustment.decision = decision or adjustment.decision
    record_save(record=adjustment, by=by, reason=reason or str(JS(to).label))
    AdjustmentEvent.objects.create(
        adjustment=adjustment, from_status=current, to_status=to, by=by, reason=reason, document=decision
    )
    return adjustment


# --- Suspension and termination ------------------------------------------------------------------


@transaction.atomic
def task_suspend(*, task: Task, by: User, reason: str, document: OfficialDocument | None = None) -> Task:
    if not (reason or "").strip():
        raise ValidationError(_("Hãy ghi lý do tạm dừng."), code="reason_required")
    return task_transition(task=task, to=TS.SUSPENDED, by=by, reason=reason, document=document)


@transaction.atomic
def task_resume(*, task: Task, by: User, reason: str = "", document: OfficialDocument | None = None) -> Task:
    return task_transition(
        task=task, to=TS.IN_PROGRESS, by=by, reason=reason or _("Tiếp tục thực hiện"), document=document
    )


@transaction.atomic
def task_terminate(
    *,
    task: Task,
    by: User,
    reason: str,
    decision: OfficialDocument,
    recovery_amount: Any = 0,
    decided_on: dt.date | None = None,
) -> Task:
    """Terminate the contract (chấm dứt) with the decision; the funds to recover are decided with it."""
    if decision is None:
        raise ValidationError(_("Hãy nhập quyết định chấm dứt hợp đồng."), code="decision_required")
    if not (reason or "").strip():
        raise ValidationError(_("Hãy ghi lý do chấm dứt."), code="reason_required")
    amount = clean_money(recovery_amount, _("Số tiền thu hồi"), required=False)
    task = task_transition(task=task, to=TS.TERMINATED, by=by, reason=reason, document=decision)
    if amount:
        recovery_record(
            task=task,
            reason=Recovery.Reason.TERMINATION,
            amount=amount,
            decided_on=decided_on or decision.date,
            decision=decision,
            by=by,
        )
    return task


# --- Acceptance ----------------------------------------------------------------------------------


def latest_acceptance(task: Task) -> Acceptance | None:
    return Acceptance.objects.active().filter(task=task).order_by("-submitted_on", "-pk").first()


@transaction.atomic
def acceptance_submit(
    *,
    task: Task,
    self_evaluation: str,
    self_grade: str,
    by: User,
    submitted_on: dt.date | None = None,
    has_final_report: bool = False,
    has_products: bool = False,
    has_self_evaluation_minutes: bool = False,
    has_spending_report: bool = False,
) -> Acceptance:
    """The host hands in the acceptance dossier with its self-evaluation (step 11). An
    incomplete dossier is refused, naming what is missing."""
    _require_staff_or_host(by, task, *SCIENCE)
    task = _locked(task)
    _status_in(task, (TS.IN_PROGRESS,), _("nộp hồ sơ nghiệm thu"))
    if self_grade not in Grade.values:
        raise ValidationError({"self_grade": _("Hãy chọn kết quả tự xếp loại.")}, code="required")
    submitted_on = submitted_on or _today()
    _not_future(submitted_on, _("Ngày nộp hồ sơ"))
    acceptance = Acceptance(
        task=task,
        submitted_on=submitted_on,
        submitted_by=by,
        self_evaluation=_required_text(self_evaluation, _("Kết quả tự đánh giá")),
        self_grade=self_grade,
        has_final_report=bool(has_final_report),
        has_products=bool(has_products),
        has_self_evaluation_minutes=bool(has_self_evaluation_minutes),
        has_spending_report=bool(has_spending_report),
    )
    missing = acceptance.missing_parts
    if missing:
        raise ValidationError(
            _("Hồ sơ đánh giá, nghiệm thu chưa đủ, còn thiếu: %(parts)s.") % {"parts": "; ".join(missing)},
            code="dossier_incomplete",
        )
    record_save(record=acceptance, by=by)
    task_transition(task=task, to=TS.AWAITING_ACCEPTANCE, by=by, reason=_("Nộp hồ sơ đánh giá, nghiệm thu"))
    return acceptance


@transaction.atomic
def acceptance_return(*, task: Task, by: User, reason: str) -> Task:
    """Send the dossier back (incomplete or not acceptable as filed); the task goes on."""
    if not (reason or "").strip():
        raise ValidationError(_("Hãy ghi lý do trả hồ sơ."), code="reason_required")
    acceptance = latest_acceptance(task)
    if acceptance is not None and acceptance.council_id is not None:
        raise ValidationError(_("Hồ sơ đã đưa ra hội đồng, không thể trả lại."), code="in_council")
    task = task_transition(task=task, to=TS.IN_PROGRESS, by=by, reason=reason)
    if acceptance is not None:
        from khcn.core.services import record_archive

        record_archive(record=acceptance, by=by, reason=reason)
    return task


@transaction.atomic
def acceptance_send_to_council(*, task: Task, council: Council, by: User) -> CouncilObject:
    """Put the task before the provincial acceptance council (a council of part 1)."""
    _require(by, *SCIENCE)
    task = _locked(task)
    _status_in(task, (TS.AWAITING_ACCEPTANCE,), _("đưa ra hội đồng nghiệm thu"))
    if council.kind != Council.Kind.ACCEPTANCE:
        raise ValidationError(
            _("Cần hội đồng loại “%(kind)s”.") % {"kind": Council.Kind.ACCEPTANCE.label}, code="wrong_council"
        )
    acceptance = latest_acceptance(task)
    if acceptance is None:
        raise ValidationError(_("Chưa có hồ sơ đánh giá, nghiệm thu."), code="no_dossier")
    obj = council_services.council_object_add(council=council, target=task, by=by, title=task.title, group=task.code)
    acceptance.council = council
    record_save(record=acceptance, by=by, reason=str(council))
    return obj


@transaction.atomic
def acceptance_conclude(
    *, task: Task, by: User, graded_on: dt.date, decision: OfficialDocument | None = None
) -> Acceptance:
    """Take the council's grade (by its rule set: quorum, 3/4 for passed and for excellent) and
    move the task to accepted (with the decision recognising the result) or failed."""
    task = _locked(task)
    _status_in(task, (TS.AWAITING_ACCEPTANCE,), _("kết luận nghiệm thu"))
    acceptance = latest_acceptance(task)
    if acceptance is None or acceptance.council_id is None:
        raise ValidationError(_("Nhiệm vụ chưa được đưa ra hội đồng nghiệm thu."), code="no_council")
    council_object = (
        CouncilObject.objects.active()
        .filter(council_id=acceptance.council_id, object_id=str(task.pk), content_type__model="task")
        .order_by("-pk")
        .first()
    )
    if council_object is None:
        raise ValidationError(_("Nhiệm vụ chưa được đưa ra hội đồng nghiệm thu."), code="no_council")
    result = council_selectors.council_result(council_object)
    if result.status == "no_quorum":
        raise ValidationError(
            _("Hội đồng không đủ điều kiện họp (không đủ số thành viên theo quy định): %(why)s")
            % {"why": "; ".join(str(x) for x in result.explanation)},
            code="no_quorum",
        )
    if result.status == "pending" or not result.grade:
        raise ValidationError(
            _("Hội đồng chưa có kết quả xếp loại: %(why)s") % {"why": "; ".join(str(x) for x in result.explanation)},
            code="pending",
        )
    graded_on = _date(graded_on, _("Ngày họp hội đồng"))
    _not_future(graded_on, _("Ngày họp hội đồng"))
    if graded_on < acceptance.submitted_on:
        raise ValidationError(_("Hội đồng không thể họp trước ngày nộp hồ sơ."), code="date_order")
    passed = result.grade in (Grade.EXCELLENT, Grade.PASSED)
    if passed and decision is None:
        raise ValidationError(_("Hãy nhập quyết định công nhận kết quả."), code="decision_required")
    if decision is not None and decision.date < graded_on:
        raise ValidationError(_("Quyết định công nhận không thể trước ngày họp hội đồng."), code="date_order")
    acceptance.grade = result.grade
    acceptance.graded_on = graded_on
    acceptance.decision = decision
    record_save(record=acceptance, by=by, reason=_("Xếp loại: %(g)s") % {"g": Grade(result.grade).label})
    task_transition(
        task=task,
        to=TS.ACCEPTED if passed else TS.FAILED,
        by=by,
        reason=_("Hội đồng xếp loại %(g)s") % {"g": Grade(result.grade).label},
        document=decision,
    )
    return acceptance


# --- Results, assets, application ---------------------------------------------------------------


@transaction.atomic
def result_register(
    *,
    task: Task,
    number: str,
    registered_on: dt.date,
    deposit_place: str,
    by: User,
    national_system_id: str = "",
    summary: str = "",
) -> ResultRegistration:
    """Register and deposit the results (step 13), after the result is recognised."""
    _require_staff_or_host(by, task, *SCIENCE)
    task = _locked(task)  # the status as stored, not as the caller's copy last saw it
    _status_in(task, (TS.ACCEPTED, TS.COMPLETED), _("đăng ký kết quả"))
    if ResultRegistration.objects.filter(task=task).exists():
        raise ValidationError(_("Kết quả của nhiệm vụ đã được đăng ký."), code="duplicate")
    registered_on = _date(registered_on, _("Ngày đăng ký"))
    _not_future(registered_on, _("Ngày đăng ký"))
    acceptance = latest_acceptance(task)
    if acceptance is not None and acceptance.graded_on and registered_on < acceptance.graded_on:
        raise ValidationError(_("Ngày đăng ký kết quả không thể trước ngày nghiệm thu."), code="date_order")
    number = _required_text(number, _("Số giấy chứng nhận đăng ký"), 60)
    if ResultRegistration.objects.filter(number__iexact=number).exists():
        raise ValidationError({"number": _("Số %(n)s đã được dùng.") % {"n": number}}, code="number_taken")
    return record_save(
        record=ResultRegistration(
            task=task,
            number=number,
            registered_on=registered_on,
            deposit_place=_required_text(deposit_place, _("Nơi lưu giữ"), 300),
            national_system_id=national_system_id,
            summary=summary,
        ),
        by=by,
    )


@transaction.atomic
def result_hand_over(
    *, registration: ResultRegistration, handed_over_on: dt.date, to: Organisation, by: User
) -> ResultRegistration:
    _require(by, *SCIENCE)
    handed_over_on = _date(handed_over_on, _("Ngày bàn giao"))
    if handed_over_on < registration.registered_on:
        raise ValidationError(_("Ngày bàn giao không thể trước ngày đăng ký kết quả."), code="date_order")
    registration.handed_over_on = handed_over_on
    registration.handed_over_to = to
    return record_save(record=registration, by=by, reason=_("Bàn giao kết quả"))


@transaction.atomic
def asset_record(*, task: Task, name: str, original_value: Any, by: User, origin: str = Asset.Origin.BOUGHT) -> Asset:
    _require(by, *MONEY)
    if origin not in Asset.Origin.values:
        raise ValidationError(_("Nguồn gốc tài sản không hợp lệ."), code="invalid")
    return record_save(
        record=Asset(
            task=task,
            name=_required_text(name, _("Tên tài sản"), 300),
            origin=origin,
            original_value=clean_money(original_value, _("Nguyên giá")),
        ),
        by=by,
    )


@transaction.atomic
def asset_handle(
    *,
    asset: Asset,
    handling: str,
    handled_on: dt.date,
    by: User,
    recipient: Organisation | None = None,
    decision: OfficialDocument | None = None,
) -> Asset:
    _require(by, *MONEY)
    if handling not in Asset.Handling.values or handling == Asset.Handling.PENDING:
        raise ValidationError(_("Hãy chọn hình thức xử lý tài sản."), code="invalid")
    if handling in (Asset.Handling.HANDED_TO_HOST, Asset.Handling.TRANSFERRED) and recipient is None:
        raise ValidationError({"recipient": _("Hãy chọn đơn vị nhận tài sản.")}, code="required")
    asset.handling = handling
    asset.handled_on = _date(handled_on, _("Ngày xử lý"))
    asset.recipient = recipient
    asset.decision = decision
    return record_save(record=asset, by=by, reason=str(Asset.Handling(handling).label))


@transaction.atomic
def result_application_record(
    *,
    task: Task,
    year: int,
    place: str,
    scale: str,
    effect: str,
    by: User,
    organisation: Organisation | None = None,
    unit: AdministrativeUnit | None = None,
) -> ResultApplication:
    """Where the results are applied (Mẫu 12), entered by the host or staff, year after year."""
    _require_staff_or_host(by, task, *SCIENCE)
    task = _locked(task)  # the status as stored, not as the caller's copy last saw it
    _status_in(task, (TS.ACCEPTED, TS.COMPLETED), _("ghi nhận ứng dụng kết quả"))
    if not isinstance(year, int) or year < 1990 or year > _today().year:
        raise ValidationError({"year": _("Năm ứng dụng không hợp lệ.")}, code="invalid")
    acceptance = latest_acceptance(task)
    if acceptance is not None and acceptance.graded_on and year < acceptance.graded_on.year:
        raise ValidationError({"year": _("Năm ứng dụng trước năm nghiệm thu.")}, code="date_order")
    return record_save(
        record=ResultApplication(
            task=task,
            year=year,
            place=_required_text(place, _("Địa điểm"), 300),
            scale=_required_text(scale, _("Quy mô"), 300),
            effect=_required_text(effect, _("Hiệu quả")),
            organisation=organisation,
            unit=unit,
            entered_by=by,
        ),
        by=by,
    )


@transaction.atomic
def task_close(*, task: Task, by: User, reason: str = "") -> Task:
    """Close the task (step 14/15): an accepted task once its results are registered and its
    contract liquidated; a failed one once the funds to recover are decided (or the risk is
    accepted, with the reason). The checks are the transition's (planning._check_execution_step)."""
    return task_transition(task=task, to=TS.COMPLETED, by=by, reason=reason)


# --- Carry-over ----------------------------------------------------------------------------------


@transaction.atomic
def plan_carry_over(*, plan: Plan, allocations: Mapping[int, Any], by: User) -> list[PlanItem]:
    """Put unfinished tasks into next year's draft plan as carried over, each with that year's
    allocation; the task keeps its code and whole history (it is the same row)."""
    candidates = {t.pk: t for t in selectors.carry_over_candidates(plan)}
    unknown = [pk for pk in allocations if pk not in candidates]
    if unknown:
        raise ValidationError(
            _("Các nhiệm vụ sau không thể chuyển tiếp vào kế hoạch này: %(ids)s.")
            % {"ids": ", ".join(str(pk) for pk in unknown)},
            code="not_candidate",
        )
    return [
        plan_item_add(plan=plan, by=by, task=candidates[pk], allocation=allocation)
        for pk, allocation in allocations.items()
    ]
