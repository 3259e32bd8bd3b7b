"""Staff pages of part 2 of the task lifecycle (contract to results).

Each action is one row of ACTIONS: its form, the roles that may take it (the same roles the
service allows, so a button is never shown to someone the service would refuse), the task
statuses where the task page offers it, and the service call. One view serves them all: it
fetches the task through the access-checked getter, refuses other roles with 403, and puts a
service's ValidationError on the form, inside a transaction, so a refused action writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from khcn.accounts import roles
from khcn.accounts.models import User
from khcn.accounts.permissions import has_role
from khcn.core.models import Attachment
from khcn.directory.models import OfficialDocument
from khcn.research import forms_execution as F
from khcn.research import selectors, services, workflow
from khcn.research.documents.contract import contract_docx
from khcn.research.models import (
    Acceptance,
    Adjustment,
    Asset,
    Contract,
    Disbursement,
    MonitoringVisit,
    Output,
    Plan,
    ProgressReport,
    Recovery,
    ResultApplication,
    ResultRegistration,
    Settlement,
    Task,
    TaskMember,
)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TS = Task.Status

SCIENCE = (roles.SCIENCE_OFFICER,)
MONEY = (roles.FINANCE_OFFICER, roles.SCIENCE_OFFICER)
LEADERS = (roles.SCIENCE_OFFICER, roles.DEPARTMENT_LEADER)
LEADER = (roles.DEPARTMENT_LEADER,)

# The statuses of part 2: the task page shows the execution sections from approval on.
EXECUTION = (
    TS.APPROVED,
    TS.IN_PROGRESS,
    TS.SUSPENDED,
    TS.TERMINATED,
    TS.AWAITING_ACCEPTANCE,
    TS.ACCEPTED,
    TS.FAILED,
    TS.COMPLETED,
)
RUNNING = (TS.IN_PROGRESS, TS.SUSPENDED)
PAYABLE = (TS.IN_PROGRESS, TS.AWAITING_ACCEPTANCE, TS.ACCEPTED)
SIGNED = (TS.IN_PROGRESS, TS.SUSPENDED, TS.AWAITING_ACCEPTANCE, TS.ACCEPTED, TS.FAILED, TS.TERMINATED, TS.COMPLETED)


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _form_errors(form: Any, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its fields when it names them."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _document(form: Any, by: User, subject: str) -> OfficialDocument | None:
    """The decision or minutes typed on the form, recorded in the action's transaction."""
    if not form.has_document():
        return None
    data = form.cleaned_data
    return services.document_record(
        issuer=data["doc_issuer"],
        number=data["doc_number"],
        date=data["doc_date"],
        signer=data.get("doc_signer") or "",
        signer_position=data.get("doc_signer_position") or "",
        subject=subject,
        kind=form.doc_kind,
        by=by,
    )


def _contract(task: Task) -> Contract:
    contract = Contract.objects.filter(task=task).first()
    if contract is None:
        raise ValidationError(_("Nhiệm vụ chưa có hợp đồng."), code="no_contract")
    return contract


# --- The actions ---------------------------------------------------------------------------------


Run = Callable[[HttpRequest, Task, Any, Any], Any]


@dataclass(frozen=True)
class Action:
    name: str  # URL name, research:<name>
    segment: str  # URL path under danh-muc/<pk>/thuc-hien/
    title: Any
    form: type
    roles: tuple[str, ...]
    statuses: tuple[str, ...]  # where the task page offers it
    run: Run
    success: Any
    group: str = "task"  # the section of the task page that shows its button
    form_kwargs: Callable[[Task, Any, HttpRequest], dict[str, Any]] = lambda task, obj, request: {}
    lookup: Callable[[Task, int], Any] | None = None  # for actions on one row (a report, a request)
    offered: Callable[[Task, dict[str, Any]], bool] = lambda task, state: True
    initial: Callable[[Task], dict[str, Any]] = lambda task: {}
    extra: dict[str, Any] = field(default_factory=dict)


def _sign(request: HttpRequest, task: Task, form: Any, obj: Any) -> Any:
    data = form.cleaned_data
    return services.contract_sign(
        task=task,
        number=data["number"],
        signed_on=data["signed_on"],
        department=data["department"],
        department_signer=data["department_signer"],
        start=data["start"],
        end=data["end"],
        note=data["note"],
        tranches=form.tranches(),
        by=_user(request),
    )


def _tranche_add(request: HttpRequest, task: Task, form: Any, obj: Any) -> Any:
    return services.tranche_add(contract=_contract(task), by=_user(request), **form.cleaned_data)


def _amend(request: HttpRequest, task: Task, form: Any, obj: Any) -> Any:
    return services.contract_amend(contract=_contract(task), by=_user(request), **form.cleaned_data)


def _liquidate(request: HttpRequest, task: Task, form: Any, obj: Any) -> Any:
    contract = _contract(task)
    document = _document(form, _user(request), _("Biên bản thanh lý hợp đồng số %(n)s") % {"n": contract.number})
    return services.contract_liquidate(
        contract=contract, liquidated_on=form.cleaned_data["liquidated_on"], document=document, by=_user(request)
    )


def _member_add(request: HttpRequest, task: Task, form: Any, obj: Any) -> Any:
    return services.task_member_add(task=task, by=_user(request), **form.cleaned_data)


def _output_add(request: HttpRequest, task: Task, form: Any, obj: Any) -> Any:
    return services.output_add(task=task, by=_user(request), **form.cleaned_data)


def _output_assess(request: HttpRequest, task: Task, form: Any, obj: Any) -> Any:
    return services.output_assess(by=_user(request), **form.cleaned_data)


def _disburse(request: HttpRequest, task: Task, form: Any, obj: Any) -> Any:
    data = form.cleaned_data
    return services.disbursement_record(
        task=task,
        tranche=data["tranche"],
        kind=data["kind"] or None,
        source=data["source"],
        amount=data["amount"],
        paid_on=data["paid_on"],
        budget_year=data["budget_year"],
        voucher=data["voucher"],
        note=data["note"],
        by=_user(request),
    )


def _settle(request: HttpRequest, task: Task, form: Any, obj: Any) -> Any:
    data = dict(form.cleaned_data)
    data["carried_over"] = data["carried_over"] or 0
    return services.settlement_record(task=task, by=_user(request), **data)


def _recover(request: HttpRequest, task: Task, form: Any, obj: Any) -> Any:
    return services.recovery_record(task=task, by=_user(request), **form.cleaned_data)


def _report_record(request: HttpRequest, task: Task, form: Any, obj: Any) -> Any:
    return services.progress_report_submit(task=task, by=_user(request), **form.cleaned_data)


def _report_review(request: HttpRequest, task: Task, form: Any, obj: Any) -> Any:
    return services.progress_report_transition(
        report=obj, to=form.cleaned_data["to"], note=form.cleaned_data["note"], by=_user(request)
    )


def _visit(request: HttpRequest, task: Task, form: Any, obj: Any) -> Any:
    data = form.cleaned_data
    minutes = _document(form, _user(request), _("Biên bản kiểm tra nhiệm vụ %(c)s") % {"c": task.code})
    return services.monitoring_visit_record(
        task=task,
        visited_on=data["visited_on"],
        inspectors=data["inspectors"],
        findings=data["findings"],
        conclusion=data["conclusion"],
        recommendations=data["recommendations"],
        minutes=minutes,
        by=_user(request),
    )


def _adjust_request(request: HttpRequest, task: Task, form: Any, obj: Any) -> Any:
    return services.adjustment_request(task=task, by=_user(request), **form.cleaned_data)


def _adjust_decide(request: HttpRequest, task: Task, form: Any, obj: Any) -> Any:
    data = form.cleaned_data
    decision = _document(
        form, _user(request), _("%(k)s nhiệm vụ %(c)s") % {"k": obj.get_kind_display(), "c": task.code}
    )
    return services.adjustment_transition(
        adjustment=obj, to=data["to"], reason=data["reason"], decision=decision, by=_user(request)
    )


def _suspend(request: HttpRequest, task: Task, form: Any, obj: Any) -> Any:
    document = _document(form, _user(request), _("Tạm dừng nhiệm vụ %(c)s") % {"c": task.code})
    return services.task_suspend(task=task, reason=form.cleaned_data["reason"], document=document, by=_user(request))


def _resume(request: HttpRequest, task: Task, form: Any, obj: Any) -> Any:
    document = _document(form, _user(request), _("Tiếp tục thực hiện nhiệm vụ %(c)s") % {"c": task.code})
    return services.task_resume(task=task, reason=form.cleaned_data["reason"], document=document, by=_user(request))


def _terminate(request: HttpRequest, task: Task, form: Any, obj: Any) -> Any:
    data = form.cleaned_data
    decision = _document(form, _user(request), _("Chấm dứt hợp đồng nhiệm vụ %(c)s") % {"c": task.code})
    return services.task_terminate(
        task=task,
        reason=data["reason"],
        decision=cast(OfficialDocument, decision),
        recovery_amount=data["recovery_amount"] or 0,
        by=_user(request),
    )


def _acceptance_submit(request: HttpRequest, task: Task, form: Any, obj: Any) -> Any:
    return services.acceptance_submit(task=task, by=_user(request), **form.cleaned_data)


def _acceptance_return(request: HttpRequest, task: Task, form: Any, obj: Any) -> Any:
    return services.acceptance_return(task=task, reason=form.cleaned_data["reason"], by=_user(request))


def _acceptance_council(request: HttpRequest, task: Task, form: Any, obj: Any) -> Any:
    return services.acceptance_send_to_council(task=task, council=form.cleaned_data["council"], by=_user(request))


def _acceptance_conclude(request: HttpRequest, task: Task, form: Any, obj: Any) -> Any:
    decision = _document(form, _user(request), _("Công nhận kết quả nhiệm vụ %(c)s") % {"c": task.code})
    return services.acceptance_conclude(
        task=task, graded_on=form.cleaned_data["graded_on"], decision=decision, by=_user(request)
    )


def _register(request: HttpRequest, task: Task, form: Any, obj: Any) -> Any:
    return services.result_register(task=task, by=_user(request), **form.cleaned_data)


def _hand_over(request: HttpRequest, task: Task, form: Any, obj: Any) -> Any:
    registration = ResultRegistration.objects.filter(task=task).first()
    if registration is None:
        raise ValidationError(_("Kết quả chưa được đăng ký."), code="not_registered")
    return services.result_hand_over(
        registration=registration,
        handed_over_on=form.cleaned_data["handed_over_on"],
        to=form.cleaned_data["to"],
        by=_user(request),
    )


def _asset_record(request: HttpRequest, task: Task, form: Any, obj: Any) -> Any:
    return services.asset_record(task=task, by=_user(request), **form.cleaned_data)


def _asset_handle(request: HttpRequest, task: Task, form: Any, obj: Any) -> Any:
    return services.asset_handle(by=_user(request), **form.cleaned_data)


def _application(request: HttpRequest, task: Task, form: Any, obj: Any) -> Any:
    return services.result_application_record(task=task, by=_user(request), **form.cleaned_data)


def _close(request: HttpRequest, task: Task, form: Any, obj: Any) -> Any:
    return services.task_close(task=task, reason=form.cleaned_data["reason"], by=_user(request))


def _report_of(task: Task, pk: int) -> ProgressReport:
    report = ProgressReport.objects.active().filter(task=task, pk=pk).first()
    if report is None:
        raise Http404(_("Không tìm thấy báo cáo."))
    return report


def _adjustment_of(task: Task, pk: int) -> Adjustment:
    adjustment = Adjustment.objects.active().filter(task=task, pk=pk).first()
    if adjustment is None:
        raise Http404(_("Không tìm thấy đề nghị điều chỉnh."))
    return adjustment


def _review_choices(report: Any, user: Any) -> list[tuple[str, Any]]:
    labels = dict(ProgressReport.Status.choices)
    return [
        (to, labels[to])
        for to in workflow.next_statuses(workflow.PROGRESS_REPORT_TRANSITIONS, report.status, user)
        if to in (ProgressReport.Status.ACCEPTED, ProgressReport.Status.RETURNED)
    ]


def _task_kw(task: Task, obj: Any, request: HttpRequest) -> dict[str, Any]:
    return {"task": task}


ACTIONS: tuple[Action, ...] = (
    Action(
        "contract-sign",
        "ky-hop-dong",
        gettext_lazy("Ký hợp đồng thực hiện nhiệm vụ"),
        F.ContractSignForm,
        SCIENCE,
        (TS.APPROVED,),
        _sign,
        gettext_lazy("Đã ký hợp đồng; nhiệm vụ bắt đầu thực hiện."),
        group="contract",
        form_kwargs=_task_kw,
    ),
    Action(
        "tranche-add",
        "them-dot-cap",
        gettext_lazy("Thêm đợt cấp kinh phí"),
        F.TrancheAddForm,
        SCIENCE,
        RUNNING + (TS.AWAITING_ACCEPTANCE,),
        _tranche_add,
        gettext_lazy("Đã thêm đợt cấp kinh phí."),
        group="contract",
    ),
    Action(
        "contract-amend",
        "phu-luc",
        gettext_lazy("Ghi nhận phụ lục hợp đồng"),
        F.ContractAmendForm,
        SCIENCE,
        RUNNING + (TS.AWAITING_ACCEPTANCE,),
        _amend,
        gettext_lazy("Đã ghi nhận phụ lục hợp đồng."),
        group="contract",
        form_kwargs=_task_kw,
    ),
    Action(
        "contract-liquidate",
        "thanh-ly",
        gettext_lazy("Thanh lý hợp đồng"),
        F.ContractLiquidateForm,
        SCIENCE,
        (TS.ACCEPTED, TS.FAILED, TS.TERMINATED),
        _liquidate,
        gettext_lazy("Đã thanh lý hợp đồng."),
        group="contract",
        offered=lambda task, state: state["contract"] is not None and state["contract"].liquidated_on is None,
    ),
    Action(
        "member-add",
        "thanh-vien",
        gettext_lazy("Thêm thành viên thực hiện"),
        F.MemberAddForm,
        SCIENCE,
        RUNNING + (TS.APPROVED,),
        _member_add,
        gettext_lazy("Đã thêm thành viên."),
        group="members",
        form_kwargs=_task_kw,
    ),
    Action(
        "output-add",
        "san-pham",
        gettext_lazy("Thêm sản phẩm đăng ký"),
        F.OutputAddForm,
        SCIENCE,
        RUNNING + (TS.APPROVED,),
        _output_add,
        gettext_lazy("Đã thêm sản phẩm."),
        group="members",
    ),
    Action(
        "output-assess",
        "danh-gia-san-pham",
        gettext_lazy("Đánh giá sản phẩm"),
        F.OutputAssessForm,
        SCIENCE,
        (TS.AWAITING_ACCEPTANCE, TS.ACCEPTED, TS.FAILED),
        _output_assess,
        gettext_lazy("Đã ghi nhận đánh giá sản phẩm."),
        group="members",
        form_kwargs=_task_kw,
    ),
    Action(
        "disbursement-record",
        "cap-phat",
        gettext_lazy("Ghi nhận cấp phát kinh phí"),
        F.DisbursementForm,
        MONEY,
        PAYABLE,
        _disburse,
        gettext_lazy("Đã ghi nhận cấp phát kinh phí."),
        group="money",
        form_kwargs=_task_kw,
    ),
    Action(
        "settlement-record",
        "quyet-toan",
        gettext_lazy("Ghi nhận quyết toán năm"),
        F.SettlementForm,
        MONEY,
        SIGNED,
        _settle,
        gettext_lazy("Đã ghi nhận quyết toán."),
        group="money",
        offered=lambda task, state: not state["money"].final_settled,
    ),
    Action(
        "recovery-record",
        "thu-hoi",
        gettext_lazy("Quyết định thu hồi kinh phí"),
        F.RecoveryForm,
        MONEY,
        SIGNED,
        _recover,
        gettext_lazy("Đã ghi nhận thu hồi kinh phí."),
        group="money",
    ),
    Action(
        "progress-report-record",
        "bao-cao",
        gettext_lazy("Ghi nhận báo cáo tiến độ (bản giấy)"),
        F.ProgressReportForm,
        SCIENCE,
        RUNNING,
        _report_record,
        gettext_lazy("Đã ghi nhận báo cáo tiến độ."),
        group="reports",
    ),
    Action(
        "progress-report-review",
        "bao-cao/<int:obj_pk>/xem-xet",
        gettext_lazy("Xem xét báo cáo tiến độ"),
        F.ProgressReportReviewForm,
        SCIENCE,
        (),  # offered per report on the task page
        _report_review,
        gettext_lazy("Đã ghi nhận kết quả xem xét báo cáo."),
        group="reports",
        form_kwargs=lambda task, obj, request: {"choices": _review_choices(obj, request.user)},
        lookup=_report_of,
    ),
    Action(
        "monitoring-visit-record",
        "kiem-tra",
        gettext_lazy("Ghi nhận kiểm tra tiến độ"),
        F.MonitoringVisitForm,
        SCIENCE,
        RUNNING + (TS.AWAITING_ACCEPTANCE,),
        _visit,
        gettext_lazy("Đã ghi nhận kết quả kiểm tra."),
        group="visits",
    ),
    Action(
        "adjustment-request",
        "dieu-chinh",
        gettext_lazy("Ghi nhận đề nghị điều chỉnh, gia hạn"),
        F.AdjustmentRequestForm,
        SCIENCE,
        RUNNING,
        _adjust_request,
        gettext_lazy("Đã ghi nhận đề nghị điều chỉnh."),
        group="adjustments",
    ),
    Action(
        "adjustment-decide",
        "dieu-chinh/<int:obj_pk>/quyet-dinh",
        gettext_lazy("Quyết định về đề nghị điều chỉnh"),
        F.AdjustmentDecideForm,
        LEADERS,
        (),  # offered per request on the task page
        _adjust_decide,
        gettext_lazy("Đã ghi nhận quyết định về đề nghị điều chỉnh."),
        group="adjustments",
        lookup=_adjustment_of,
    ),
    Action(
        "task-suspend",
        "tam-dung",
        gettext_lazy("Tạm dừng nhiệm vụ"),
        F.SuspendForm,
        LEADERS,
        (TS.IN_PROGRESS,),
        _suspend,
        gettext_lazy("Đã tạm dừng nhiệm vụ."),
    ),
    Action(
        "task-resume",
        "tiep-tuc",
        gettext_lazy("Cho tiếp tục thực hiện"),
        F.ResumeForm,
        LEADERS,
        (TS.SUSPENDED,),
        _resume,
        gettext_lazy("Nhiệm vụ tiếp tục thực hiện."),
    ),
    Action(
        "task-terminate",
        "cham-dut",
        gettext_lazy("Chấm dứt hợp đồng"),
        F.TerminateForm,
        LEADER,
        RUNNING,
        _terminate,
        gettext_lazy("Đã chấm dứt hợp đồng."),
    ),
    Action(
        "acceptance-submit",
        "nghiem-thu/ho-so",
        gettext_lazy("Ghi nhận hồ sơ đánh giá, nghiệm thu (bản giấy)"),
        F.AcceptanceSubmitForm,
        SCIENCE,
        (TS.IN_PROGRESS,),
        _acceptance_submit,
        gettext_lazy("Đã ghi nhận hồ sơ đánh giá, nghiệm thu."),
        group="acceptance",
    ),
    Action(
        "acceptance-return",
        "nghiem-thu/tra-lai",
        gettext_lazy("Trả lại hồ sơ nghiệm thu"),
        F.ReasonForm,
        SCIENCE,
        (TS.AWAITING_ACCEPTANCE,),
        _acceptance_return,
        gettext_lazy("Đã trả lại hồ sơ nghiệm thu."),
        group="acceptance",
        offered=lambda task, state: state["acceptance"] is not None and state["acceptance"].council_id is None,
    ),
    Action(
        "acceptance-council",
        "nghiem-thu/hoi-dong",
        gettext_lazy("Đưa ra hội đồng đánh giá, nghiệm thu"),
        F.AcceptanceCouncilForm,
        SCIENCE,
        (TS.AWAITING_ACCEPTANCE,),
        _acceptance_council,
        gettext_lazy("Đã đưa nhiệm vụ ra hội đồng nghiệm thu."),
        group="acceptance",
        offered=lambda task, state: state["acceptance"] is not None and state["acceptance"].council_id is None,
    ),
    Action(
        "acceptance-conclude",
        "nghiem-thu/ket-luan",
        gettext_lazy("Kết luận nghiệm thu"),
        F.AcceptanceConcludeForm,
        LEADERS,
        (TS.AWAITING_ACCEPTANCE,),
        _acceptance_conclude,
        gettext_lazy("Đã ghi nhận kết quả nghiệm thu."),
        group="acceptance",
        offered=lambda task, state: state["acceptance"] is not None and state["acceptance"].council_id is not None,
    ),
    Action(
        "result-register",
        "dang-ky-ket-qua",
        gettext_lazy("Đăng ký kết quả"),
        F.ResultRegisterForm,
        SCIENCE,
        (TS.ACCEPTED, TS.COMPLETED),
        _register,
        gettext_lazy("Đã đăng ký kết quả."),
        group="results",
        offered=lambda task, state: state["registration"] is None,
    ),
    Action(
        "result-hand-over",
        "ban-giao-ket-qua",
        gettext_lazy("Bàn giao kết quả"),
        F.ResultHandOverForm,
        SCIENCE,
        (TS.ACCEPTED, TS.COMPLETED),
        _hand_over,
        gettext_lazy("Đã ghi nhận bàn giao kết quả."),
        group="results",
        offered=lambda task, state: state["registration"] is not None and state["registration"].handed_over_on is None,
    ),
    Action(
        "asset-record",
        "tai-san",
        gettext_lazy("Ghi nhận tài sản hình thành"),
        F.AssetRecordForm,
        MONEY,
        SIGNED,
        _asset_record,
        gettext_lazy("Đã ghi nhận tài sản."),
        group="results",
    ),
    Action(
        "asset-handle",
        "xu-ly-tai-san",
        gettext_lazy("Xử lý tài sản"),
        F.AssetHandleForm,
        MONEY,
        SIGNED,
        _asset_handle,
        gettext_lazy("Đã ghi nhận xử lý tài sản."),
        group="results",
        form_kwargs=_task_kw,
        offered=lambda task, state: any(a.handling == Asset.Handling.PENDING for a in state["assets"]),
    ),
    Action(
        "result-application-record",
        "ung-dung",
        gettext_lazy("Ghi nhận ứng dụng kết quả"),
        F.ResultApplicationForm,
        SCIENCE,
        (TS.ACCEPTED, TS.COMPLETED),
        _application,
        gettext_lazy("Đã ghi nhận ứng dụng kết quả."),
        group="results",
    ),
    Action(
        "task-close",
        "ket-thuc",
        gettext_lazy("Kết thúc nhiệm vụ"),
        F.OptionalReasonForm,
        SCIENCE,
        (TS.ACCEPTED, TS.FAILED),
        _close,
        gettext_lazy("Nhiệm vụ đã kết thúc."),
    ),
)
ACTION_BY_NAME = {action.name: action for action in ACTIONS}


def may_take(action: Action, user: Any) -> bool:
    """Research staff holding one of the action's roles (the roles its service allows)."""
    return selectors.is_research_staff(user) and has_role(user, *action.roles)


def _action_url(action: Action, task: Task, obj: Any = None) -> str:
    args = [task.pk, obj.pk] if action.lookup is not None else [task.pk]
    return reverse(f"research:{action.name}", args=args)


@login_required
@require_http_methods(["GET", "POST"])
def action_view(request: HttpRequest, pk: int, action: str, obj_pk: int | None = None) -> HttpResponse:
    spec = ACTION_BY_NAME[action]
    task = selectors.get_task_for(request.user, pk)  # 404 for a task the user may not see
    if not may_take(spec, request.user):
        raise PermissionDenied(_("Bạn không có quyền thực hiện việc này."))
    obj = spec.lookup(task, obj_pk) if spec.lookup is not None and obj_pk is not None else None
    kwargs = spec.form_kwargs(task, obj, request)
    form = spec.form(request.POST if request.method == "POST" else None, initial=spec.initial(task), **kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                spec.run(request, task, form, obj)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, str(spec.success))
            return redirect(reverse("research:task-detail", args=[task.pk]) + f"#{spec.group}")
    title = f"{spec.title}: {task.code}"
    intro = str(obj) if obj is not None else task.title
    return render(request, "research/form.html", {"form": form, "title": title, "intro": intro}, status=200)


# --- The task page -------------------------------------------------------------------------------


def _files(records: Iterable[Model | None]) -> dict[tuple[int, str], list[Attachment]]:
    """The attachments of many records of several models, in one query."""
    wanted: dict[type[Model], set[str]] = {}
    for record in records:
        if record is not None and record.pk is not None:
            wanted.setdefault(type(record), set()).add(str(record.pk))
    if not wanted:
        return {}
    types = ContentType.objects.get_for_models(*wanted)
    condition = Q()
    for model, ids in wanted.items():
        condition |= Q(content_type=types[model], object_id__in=ids)
    found: dict[tuple[int, str], list[Attachment]] = {}
    for attachment in Attachment.objects.filter(condition, archived_at__isnull=True).order_by("uploaded_at"):
        found.setdefault((attachment.content_type_id, attachment.object_id), []).append(attachment)
    return found


def _attach(records: Iterable[Any], files: dict[tuple[int, str], list[Attachment]]) -> None:
    for record in records:
        if record is None:
            continue
        content_type = ContentType.objects.get_for_model(type(record))
        record.files = files.get((content_type.pk, str(record.pk)), [])


def task_context(request: HttpRequest, task: Task) -> dict[str, Any]:
    """Everything part 2 shows on the staff task page, in a fixed number of queries."""
    if task.status not in EXECUTION:
        return {}
    user = request.user
    contract = Contract.objects.filter(task=task).select_related("department", "host", "pi", "liquidation").first()
    money = selectors.task_money(task)
    reports = list(ProgressReport.objects.active().filter(task=task).select_related("submitted_by"))
    visits = list(MonitoringVisit.objects.active().filter(task=task).select_related("minutes"))
    adjustments = list(Adjustment.objects.active().filter(task=task).select_related("decision", "requested_by"))
    acceptances = list(
        Acceptance.objects.active().filter(task=task).select_related("council", "decision").order_by("submitted_on")
    )
    registration = ResultRegistration.objects.filter(task=task).select_related("handed_over_to").first()
    assets = list(Asset.objects.active().filter(task=task).select_related("recipient", "decision"))
    timeline = selectors.task_timeline(task)
    documents = [entry.document for entry in timeline if entry.document is not None]
    files = _files([task, contract, *reports, *visits, *adjustments, *acceptances, registration, *documents])
    _attach([task, contract, *reports, *visits, *adjustments, *acceptances, registration], files)
    document_type = ContentType.objects.get_for_model(OfficialDocument)
    for entry in timeline:
        entry.files = files.get((document_type.pk, str(entry.document.pk)), []) if entry.document else []  # type: ignore[attr-defined]
    state = {
        "contract": contract,
        "money": money,
        "acceptance": acceptances[-1] if acceptances else None,
        "registration": registration,
        "assets": assets,
    }
    offered: dict[str, list[tuple[Action, str]]] = {}
    for action in ACTIONS:
        if task.status in action.statuses and may_take(action, user) and action.offered(task, state):
            offered.setdefault(action.group, []).append((action, _action_url(action, task)))
    review = ACTION_BY_NAME["progress-report-review"]
    for report in reports:
        choices = _review_choices(report, user) if may_take(review, user) else []
        report.review_form = F.ProgressReportReviewForm(choices=choices) if choices else None  # type: ignore[attr-defined]
        report.review_url = _action_url(review, task, report)  # type: ignore[attr-defined]
    decide = ACTION_BY_NAME["adjustment-decide"]
    for adjustment in adjustments:
        allowed = adjustment.status == Adjustment.Status.REQUESTED and may_take(decide, user)
        adjustment.decide_url = _action_url(decide, task, adjustment) if allowed else ""  # type: ignore[attr-defined]
    return {
        "execution": True,
        "contract": contract,
        "tranches": selectors.tranche_rows(contract) if contract is not None else [],
        "amendments": list(contract.amendments.active().select_related("adjustment")) if contract else [],  # type: ignore[attr-defined]
        "money": money,
        "disbursements": list(Disbursement.objects.active().filter(task=task).select_related("tranche")),
        "settlements": list(Settlement.objects.active().filter(task=task).select_related("document")),
        "recoveries": list(Recovery.objects.active().filter(task=task).select_related("decision")),
        "members": list(TaskMember.objects.active().filter(task=task).select_related("person")),
        "outputs": list(Output.objects.active().filter(task=task)),
        "reports": reports,
        "visits": visits,
        "adjustments": adjustments,
        "acceptances": acceptances,
        "registration": registration,
        "assets": assets,
        "result_applications": list(
            ResultApplication.objects.active().filter(task=task).select_related("organisation", "unit")
        ),
        "timeline": timeline,
        "offered": offered,
        "can_download_contract": contract is not None,
    }


@login_required
def contract_docx_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The contract as DOCX (model of Circular 05/2014), from the records; staff only."""
    task = selectors.get_task_for(request.user, pk)
    if not selectors.is_research_staff(request.user):
        raise PermissionDenied(_("Trang này dành cho cán bộ Sở."))
    contract = Contract.objects.filter(task=task).select_related("task", "department", "host", "pi").first()
    if contract is None:
        raise Http404(_("Nhiệm vụ chưa có hợp đồng."))
    response = HttpResponse(contract_docx(contract), content_type=DOCX)
    name = f"hop-dong-{task.code}.docx".replace("/", "-")
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


# --- The plan page: carry-over ------------------------------------------------------------------


def plan_context(request: HttpRequest, plan: Plan) -> dict[str, Any]:
    """The plan's money for its year, and whether the carry-over action is offered."""
    return {
        "plan_money": selectors.plan_money(plan),
        "can_carry_over": plan.status == Plan.Status.DRAFT and has_role(request.user, *SCIENCE),
    }


@login_required
@require_http_methods(["GET", "POST"])
def plan_carry_over(request: HttpRequest, pk: int) -> HttpResponse:
    """Put the unfinished tasks of earlier years into this draft plan, each with this year's money."""
    plan = selectors.get_plan_for(request.user, pk)
    if not has_role(request.user, *SCIENCE):
        raise PermissionDenied(_("Bạn không có quyền thực hiện việc này."))
    candidates = list(selectors.carry_over_candidates(plan))
    form = F.CarryOverForm(request.POST if request.method == "POST" else None, plan=plan, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                items = services.plan_carry_over(plan=plan, allocations=form.allocations(), by=_user(request))
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Đã chuyển tiếp %(n)d nhiệm vụ vào kế hoạch.") % {"n": len(items)})
            return redirect("research:plan-detail", pk=plan.pk)
    intro = (
        _("Nhập kinh phí năm %(y)d cho từng nhiệm vụ chuyển tiếp; để trống nhiệm vụ không chuyển tiếp.")
        % {"y": plan.year}
        if candidates
        else _("Không có nhiệm vụ nào đang thực hiện dở cần chuyển tiếp.")
    )
    return render(
        request,
        "research/form.html",
        {
            "form": form,
            "title": _("Chuyển tiếp nhiệm vụ vào %(plan)s") % {"plan": plan},
            "intro": intro,
            "submit": _("Chuyển tiếp"),
        },
    )


def _action_path(action: Action) -> URLPattern:
    route = f"danh-muc/<int:pk>/thuc-hien/{action.segment}/"
    return path(route, action_view, {"action": action.name}, name=action.name)


urlpatterns: list[URLPattern] = [
    *(_action_path(action) for action in ACTIONS),
    path("danh-muc/<int:pk>/hop-dong.docx", contract_docx_view, name="contract-docx"),
    path("ke-hoach/<int:pk>/chuyen-tiep/", plan_carry_over, name="plan-carry-over"),
]
