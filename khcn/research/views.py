"""Pages of part 1 of the task lifecycle, on the front site.

Host organisations submit proposals and applications here; department staff screen proposals,
send them to councils, build and approve the plan, and run selection and appraisal. Every page
fetches its record through an access-checked getter first; every write goes through a service.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from khcn.accounts import roles
from khcn.accounts.models import User
from khcn.accounts.permissions import has_role
from khcn.councils import selectors as council_selectors
from khcn.councils.models import Council
from khcn.directory.selectors import organisation_of_user
from khcn.lib.paging import IdsFirstPaginator
from khcn.research import documents, forms, selectors, services, views_execution, workflow
from khcn.research.models import Application, Call, Plan, PlanItem, Proposal, Task

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PAGE_SIZE = 50


def _user(request: HttpRequest) -> User:
    # Every view is behind login_required: the user is a real account here.
    return cast(User, request.user)


def _require_staff(request: HttpRequest) -> None:
    if not selectors.is_research_staff(request.user):
        raise PermissionDenied(_("Trang này dành cho cán bộ Sở."))


def _require_manager(request: HttpRequest) -> None:
    if not selectors.can_manage(request.user):
        raise PermissionDenied(_("Bạn chỉ có quyền xem."))


def _form_errors(form: Any, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its fields when it names them."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _message_errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _councils(kind: str | list[str]) -> Any:
    kinds = [kind] if isinstance(kind, str) else kind
    return Council.objects.active().filter(kind__in=kinds).order_by("-year", "name")


def _choices(table: workflow.Table, current: str, user: Any, labels: dict[str, Any]) -> list[tuple[str, Any]]:
    return [(to, labels[to]) for to in workflow.next_statuses(table, current, user)]


# --- Home -------------------------------------------------------------------------------------------


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """Where a user starts: open calls and own records for a host; the year's work for staff."""
    today = timezone.localdate()
    context: dict[str, Any] = {
        "staff": selectors.is_research_staff(request.user),
        "open_calls": list(selectors.call_list_open(Call.Kind.PROPOSALS, today)),
        "open_tasks": list(selectors.task_list_open_for_applications(request.user)[:50]),
        "organisation": organisation_of_user(request.user),
        "year": today.year,
    }
    if not context["staff"]:
        context["proposals"] = list(
            selectors.proposal_list_visible_to(request.user).order_by("-received_on", "-pk")[:20]
        )
        context["applications"] = list(
            selectors.application_list_visible_to(request.user).order_by("-received_on")[:20]
        )
    else:
        context["plans"] = list(selectors.plan_list_visible_to(request.user)[:10])
    return render(request, "research/index.html", context)


# --- Calls --------------------------------------------------------------------------------------------


@login_required
def call_list(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    calls = Call.objects.active().annotate(
        n_proposals=Count("proposals", filter=Q(proposals__archived_at__isnull=True))
    )
    return render(
        request, "research/call_list.html", {"calls": calls, "can_manage": selectors.can_manage(request.user)}
    )


@login_required
@require_http_methods(["GET", "POST"])
def call_create(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    form = forms.CallForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.call_create(by=_user(request), **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Đã mở đợt."))
            return redirect("research:call-list")
    return render(request, "research/form.html", {"form": form, "title": _("Mở đợt đề xuất, tuyển chọn")})


# --- Proposals ----------------------------------------------------------------------------------------


@login_required
def proposal_list(request: HttpRequest) -> HttpResponse:
    proposals = (
        selectors.proposal_list_visible_to(request.user)
        .filter(forms.proposal_filter_q(request.GET))
        .order_by("-call__year", "code")
    )
    page = Paginator(proposals, PAGE_SIZE).get_page(request.GET.get("trang"))
    return render(
        request,
        "research/proposal_list.html",
        {
            "page": page,
            "staff": selectors.is_research_staff(request.user),
            "statuses": Proposal.Status.choices,
            "status": request.GET.get("trang_thai", ""),
            "year": request.GET.get("nam", ""),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def proposal_create(request: HttpRequest) -> HttpResponse:
    staff = selectors.can_manage(request.user)
    if not staff:
        if not has_role(request.user, roles.HOST_USER):
            raise PermissionDenied(_("Chỉ tổ chức chủ trì hoặc cán bộ Sở được gửi phiếu đề xuất."))
        if organisation_of_user(request.user) is None:
            messages.error(request, _("Tài khoản của bạn chưa gắn với tổ chức nào. Hãy liên hệ Sở để được gắn."))
            return redirect("research:index")
    form = forms.ProposalForm(request.POST or None, staff=staff)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            proposal = services.proposal_submit(by=_user(request), **data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Đã gửi phiếu đề xuất %(code)s.") % {"code": proposal.code})
            return redirect("research:proposal-detail", pk=proposal.pk)
    no_call = not forms._field(form, "call").queryset.exists()
    return render(
        request,
        "research/proposal_form.html",
        {"form": form, "no_call": no_call, "organisation": organisation_of_user(request.user), "staff": staff},
    )


@login_required
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = selectors.get_proposal_for(request.user, pk)
    choices = _choices(workflow.PROPOSAL_TRANSITIONS, proposal.status, request.user, dict(Proposal.Status.choices))
    # IN_COUNCIL and the council's verdicts have their own pages; the plain form offers the rest.
    choices = [(to, label) for to, label in choices if to not in (Proposal.Status.IN_COUNCIL, Proposal.Status.IN_PLAN)]
    if proposal.status == Proposal.Status.IN_COUNCIL:
        choices = []
    events = proposal.events.select_related("by", "document").all()  # type: ignore[attr-defined]
    council_objects: list[Any] = []
    if selectors.is_research_staff(request.user):
        council_objects = list(council_selectors.council_objects_for(proposal).select_related("council"))
    form = forms.ProposalTransitionForm(proposal=proposal, choices=choices) if choices else None
    return render(
        request,
        "research/proposal_detail.html",
        {
            "proposal": proposal,
            "events": events,
            "form": form,
            "council_objects": council_objects,
            "can_apply_council": proposal.status == Proposal.Status.IN_COUNCIL and selectors.can_manage(request.user),
            "staff": selectors.is_research_staff(request.user),
        },
    )


@login_required
@require_POST
def proposal_transition(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = selectors.get_proposal_for(request.user, pk)
    if request.POST.get("apply_council"):
        try:
            services.proposal_apply_council_result(proposal=proposal, by=_user(request))
        except ValidationError as exc:
            _message_errors(request, exc)
        else:
            messages.success(request, _("Đã áp dụng kết luận của hội đồng."))
        return redirect("research:proposal-detail", pk=proposal.pk)
    choices = _choices(workflow.PROPOSAL_TRANSITIONS, proposal.status, request.user, dict(Proposal.Status.choices))
    form = forms.ProposalTransitionForm(request.POST, proposal=proposal, choices=choices)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("research:proposal-detail", pk=proposal.pk)
    to = form.cleaned_data["to"]
    other = form.cleaned_data.get("other")
    try:
        services.proposal_transition(
            proposal=proposal,
            to=to,
            by=_user(request),
            reason=form.cleaned_data["reason"],
            duplicate_of=other if to == Proposal.Status.DUPLICATE else None,
            merged_into=other if to == Proposal.Status.MERGED else None,
        )
    except ValidationError as exc:
        _message_errors(request, exc)
    else:
        messages.success(request, _("Đã chuyển phiếu sang “%(status)s”.") % {"status": Proposal.Status(to).label})
    return redirect("research:proposal-detail", pk=proposal.pk)


@login_required
@require_http_methods(["GET", "POST"])
def proposal_council(request: HttpRequest) -> HttpResponse:
    """Staff put valid proposals before an identification council, and apply its conclusions."""
    _require_manager(request)
    councils = _councils(Council.Kind.IDENTIFICATION)
    year = request.GET.get("nam", "")
    form = forms.CouncilSendForm(request.POST or None, councils=councils, year=int(year) if year.isdigit() else None)
    if request.method == "POST" and request.POST.get("apply"):
        council = councils.filter(pk=request.POST.get("apply")).first()
        if council is not None:
            outcome = services.proposals_apply_council(council=council, by=_user(request))
            messages.success(
                request,
                _("Đã áp dụng kết luận: %(r)d phiếu được đề nghị, %(x)d không được đề nghị.")
                % {"r": len(outcome.recommended), "x": len(outcome.rejected)},
            )
            for proposal, why in outcome.pending:
                messages.warning(request, f"{proposal.code}: {why}")
        return redirect("research:proposal-council")
    if request.method == "POST" and form.is_valid():
        try:
            added = services.proposal_send_to_council(
                proposals=list(form.cleaned_data["proposals"]),
                council=form.cleaned_data["council"],
                by=_user(request),
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Đã đưa %(n)d phiếu ra hội đồng.") % {"n": len(added)})
            return redirect("research:proposal-council")
    in_council = (
        Proposal.objects.active()
        .filter(status=Proposal.Status.IN_COUNCIL)
        .select_related("proposer_org")
        .order_by("code")
    )
    return render(
        request, "research/proposal_council.html", {"form": form, "councils": councils, "in_council": in_council}
    )


# --- Plans --------------------------------------------------------------------------------------------


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    plans = selectors.plan_list_visible_to(request.user).annotate(
        n_items=Count("items", filter=Q(items__archived_at__isnull=True, items__removed_by__isnull=True))
    )
    return render(
        request, "research/plan_list.html", {"plans": plans, "can_manage": selectors.can_manage(request.user)}
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    form = forms.PlanCreateForm(request.POST or None, initial={"year": timezone.localdate().year + 1})
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(
                year=form.cleaned_data["year"],
                province=services.current_province(),
                title=form.cleaned_data["title"],
                by=_user(request),
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Đã tạo dự thảo kế hoạch."))
            return redirect("research:plan-detail", pk=plan.pk)
    return render(request, "research/form.html", {"form": form, "title": _("Lập kế hoạch KH&CN năm")})


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan_for(request.user, pk)
    summary = selectors.plan_summary(plan)
    items = list(selectors.plan_items_for_page(plan))
    groups: list[tuple[Any, list[PlanItem]]] = []
    for item in items:
        if not groups or groups[-1][0] != item.group:
            groups.append((item.group, []))
        groups[-1][1].append(item)
    manager = selectors.can_manage(request.user)
    execution = views_execution.plan_context(request, plan)
    choices = _choices(workflow.PLAN_TRANSITIONS, plan.status, request.user, dict(Plan.Status.choices))
    return render(
        request,
        "research/plan_detail.html",
        {
            "plan": plan,
            "summary": summary,
            "groups": groups,
            "can_manage": manager,
            "can_submit": (plan.status, Plan.Status.SUBMITTED) in workflow.PLAN_TRANSITIONS
            and Plan.Status.SUBMITTED in dict(choices),
            "can_return": plan.status == Plan.Status.SUBMITTED and Plan.Status.DRAFT in dict(choices),
            "can_approve": Plan.Status.APPROVED in dict(choices),
            "adjustments": plan.adjustments.select_related("decision").prefetch_related("lines"),  # type: ignore[attr-defined]
            "events": plan.events.select_related("by", "document"),  # type: ignore[attr-defined]
            **execution,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_item_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan_for(request.user, pk)
    _require_manager(request)
    form = forms.PlanItemForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.plan_item_add(
                plan=plan,
                by=_user(request),
                allocation=data["allocation"],
                task=data["task"],
                proposal=data["proposal"],
                title=data["title"] or None,
                group=data["group"],
                form=data["form"],
                field_of_science=data["field"],
                mode=data["mode"],
                level=data["level"],
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Đã thêm nhiệm vụ vào kế hoạch."))
            return redirect("research:plan-detail", pk=plan.pk)
    return render(
        request, "research/form.html", {"form": form, "title": _("Thêm nhiệm vụ vào %(plan)s") % {"plan": plan}}
    )


@login_required
@require_POST
def plan_transition(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan_for(request.user, pk)
    to = request.POST.get("to", "")
    if to not in (Plan.Status.SUBMITTED, Plan.Status.DRAFT):
        messages.error(request, _("Thao tác không hợp lệ."))
        return redirect("research:plan-detail", pk=plan.pk)
    try:
        services.plan_transition(plan=plan, to=to, by=_user(request), reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        _message_errors(request, exc)
    else:
        messages.success(request, _("Đã chuyển kế hoạch sang “%(s)s”.") % {"s": Plan.Status(to).label})
    return redirect("research:plan-detail", pk=plan.pk)


def _decision_from(form: Any, by: Any, subject: str) -> Any:
    data = form.cleaned_data
    return services.document_record(
        issuer=data["issuer"],
        number=data["number"],
        date=data["date"],
        signer=data["signer"],
        signer_position=data["signer_position"],
        subject=subject,
        by=by,
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_approve(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the decision approving the plan: its number, date and signer, as on the paper."""
    plan = selectors.get_plan_for(request.user, pk)
    if not workflow.may(workflow.PLAN_TRANSITIONS, plan.status, Plan.Status.APPROVED, request.user):
        raise PermissionDenied(_("Kế hoạch chưa được trình hoặc bạn không có quyền phê duyệt."))
    form = forms.DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with _atomic():
                decision = _decision_from(form, request.user, _("Phê duyệt %(plan)s") % {"plan": plan})
                services.plan_approve(plan=plan, decision=decision, by=_user(request))
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Đã ghi nhận quyết định phê duyệt kế hoạch."))
            return redirect("research:plan-detail", pk=plan.pk)
    return render(
        request,
        "research/form.html",
        {"form": form, "title": _("Quyết định phê duyệt %(plan)s") % {"plan": plan}, "submit": _("Ghi nhận phê duyệt")},
    )


def _atomic() -> Any:
    from django.db import transaction

    return transaction.atomic()


@login_required
@require_http_methods(["GET", "POST"])
def plan_adjust(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan_for(request.user, pk)
    _require_manager(request)
    form = forms.PlanAdjustForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with _atomic():
                decision = _decision_from(form, request.user, _("Điều chỉnh %(plan)s") % {"plan": plan})
                services.plan_adjust(
                    plan=plan,
                    decision=decision,
                    reason=data["reason"],
                    by=_user(request),
                    allocations={data["item"]: data["allocation"]} if not data["remove"] else None,
                    remove=[data["item"]] if data["remove"] else [],
                )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Đã ghi nhận điều chỉnh kế hoạch."))
            return redirect("research:plan-detail", pk=plan.pk)
    return render(request, "research/form.html", {"form": form, "title": _("Điều chỉnh %(plan)s") % {"plan": plan}})


@login_required
def plan_annex_docx(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan_for(request.user, pk)
    response = HttpResponse(documents.plan_annex_docx(plan), content_type=DOCX)
    response["Content-Disposition"] = content_disposition_header(True, f"danh-muc-nhiem-vu-{plan.year}.docx")
    return response


@login_required
def plan_annex_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan_for(request.user, pk)
    response = HttpResponse(documents.plan_annex_xlsx(plan), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, f"danh-muc-nhiem-vu-{plan.year}.xlsx")
    return response


@login_required
def dashboard(request: HttpRequest, year: int | None = None) -> HttpResponse:
    """The staff dashboard of one plan year: proposals, the plan by group and field, budgets."""
    _require_staff(request)
    if year is None:
        latest = Plan.objects.active().order_by("-year").values_list("year", flat=True).first()
        return redirect("research:dashboard-year", year=latest or timezone.localdate().year)
    data = selectors.year_dashboard(year)
    years = sorted(
        set(Plan.objects.active().values_list("year", flat=True))
        | set(Call.objects.active().values_list("year", flat=True)),
        reverse=True,
    )
    return render(request, "research/dashboard.html", {"d": data, "years": years})


# --- Tasks, applications, selection, appraisal ------------------------------------------------------


@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    tasks = selectors.task_list_visible_to(request.user)
    year = request.GET.get("nam", "")
    if year.isdigit():
        tasks = tasks.filter(plan_items__plan__year=int(year), plan_items__removed_by__isnull=True)
    status = request.GET.get("trang_thai", "")
    if status in Task.Status.values:
        tasks = tasks.filter(status=status)
    page = IdsFirstPaginator(tasks.order_by("-plan_year", "code"), PAGE_SIZE).get_page(request.GET.get("trang"))
    return render(
        request,
        "research/task_list.html",
        {
            "page": page,
            "statuses": Task.Status.choices,
            "status": status,
            "year": year,
            "staff": selectors.is_research_staff(request.user),
        },
    )


@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.get_task_for(request.user, pk)
    staff = selectors.is_research_staff(request.user)
    manager = selectors.can_manage(request.user)
    applications = selectors.application_list_visible_to(request.user).filter(task=task)
    context: dict[str, Any] = {
        "task": task,
        "staff": staff,
        "can_manage": manager,
        "applications": applications,
        "plan_items": task.plan_items.active()
        .filter(removed_by__isnull=True)
        .select_related("plan", "group")  # type: ignore[attr-defined]
        .order_by("plan__year"),
        "events": task.events.select_related("by", "document") if staff else [],  # type: ignore[attr-defined]
        "appraisals": task.appraisals.active() if staff else [],  # type: ignore[attr-defined]
        "can_apply": task.status == Task.Status.CALLING
        and selectors.task_list_open_for_applications(request.user).filter(pk=task.pk).exists()
        and not staff,
    }
    if manager:
        S = Task.Status
        context["open_call_form"] = (
            forms.TaskOpenCallForm(task=task) if task.status in (S.ORDERED, S.NO_WINNER) else None
        )
        if task.status == S.CALLING:
            context["council_form"] = forms.CouncilChoiceForm(
                councils=_councils([Council.Kind.SELECTION, Council.Kind.DIRECT_ASSIGNMENT])
            )
        if task.status == S.SELECTING:
            context["ranking"] = services.selection_ranking(task)
            context["conclude_form"] = forms.SelectionConcludeForm(task=task)
        if task.status == S.SELECTED:
            context["appraisal_form"] = forms.AppraisalForm(initial={"date": timezone.localdate()})
        if task.status == S.APPRAISED:
            context["approve_form"] = forms.TaskApproveForm()
        other = [
            (to, label)
            for to, label in _choices(workflow.TASK_TRANSITIONS, task.status, request.user, dict(S.choices))
            if to in (S.CANCELLED, S.IN_PROGRESS, S.COMPLETED)
            # Part 2's steps have their own forms (views_execution), which record what each needs.
            and task.status not in views_execution.EXECUTION
        ]
        context["transition_form"] = forms.TaskTransitionForm(choices=other) if other else None
    if staff:
        context.update(views_execution.task_context(request, task))
    return render(request, "research/task_detail.html", context)


def _task_action(request: HttpRequest, pk: int) -> Task:
    task = selectors.get_task_for(request.user, pk)
    _require_manager(request)
    return task


@login_required
@require_POST
def task_open_call(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task_action(request, pk)
    form = forms.TaskOpenCallForm(request.POST, task=task)
    if form.is_valid():
        try:
            services.task_open_call(
                task=task,
                call=form.cleaned_data["call"],
                mode=form.cleaned_data["mode"],
                host=form.cleaned_data["host"],
                by=_user(request),
            )
        except ValidationError as exc:
            _message_errors(request, exc)
        else:
            messages.success(request, _("Đã thông báo nhận hồ sơ đăng ký chủ trì."))
    else:
        messages.error(request, _("Hãy chọn đợt tuyển chọn."))
    return redirect("research:task-detail", pk=task.pk)


@login_required
@require_POST
def task_send_council(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task_action(request, pk)
    form = forms.CouncilChoiceForm(
        request.POST, councils=_councils([Council.Kind.SELECTION, Council.Kind.DIRECT_ASSIGNMENT])
    )
    if form.is_valid():
        try:
            services.selection_send_to_council(task=task, council=form.cleaned_data["council"], by=_user(request))
        except ValidationError as exc:
            _message_errors(request, exc)
        else:
            messages.success(request, _("Đã đưa các hồ sơ hợp lệ ra hội đồng."))
    else:
        messages.error(request, _("Hãy chọn hội đồng."))
    return redirect("research:task-detail", pk=task.pk)


@login_required
@require_POST
def task_conclude(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task_action(request, pk)
    form = forms.SelectionConcludeForm(request.POST, task=task)
    if form.is_valid():
        try:
            task = services.selection_conclude(
                task=task,
                winner=form.cleaned_data["winner"],
                reason=form.cleaned_data["reason"],
                by=_user(request),
            )
        except ValidationError as exc:
            _message_errors(request, exc)
        else:
            messages.success(request, _("Kết quả: %(s)s.") % {"s": task.get_status_display()})
    return redirect("research:task-detail", pk=task.pk)


@login_required
@require_http_methods(["GET", "POST"])
def task_appraisal(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task_action(request, pk)
    form = forms.AppraisalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.appraisal_record(task=task, by=_user(request), **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Đã ghi nhận kết quả thẩm định."))
            return redirect("research:task-detail", pk=task.pk)
    return render(
        request, "research/form.html", {"form": form, "title": _("Thẩm định nội dung, kinh phí: %(t)s") % {"t": task}}
    )


@login_required
@require_http_methods(["GET", "POST"])
def task_approve(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task_action(request, pk)
    form = forms.TaskApproveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with _atomic():
                decision = _decision_from(
                    form,
                    request.user,
                    _("Phê duyệt tổ chức chủ trì, chủ nhiệm và kinh phí nhiệm vụ %(t)s") % {"t": task},
                )
                services.task_approve(
                    task=task,
                    decision=decision,
                    start=form.cleaned_data["start"],
                    end=form.cleaned_data["end"],
                    by=_user(request),
                )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Đã ghi nhận quyết định phê duyệt."))
            return redirect("research:task-detail", pk=task.pk)
    return render(
        request, "research/form.html", {"form": form, "title": _("Phê duyệt nhiệm vụ %(t)s") % {"t": task.code}}
    )


@login_required
@require_POST
def task_transition(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task_action(request, pk)
    choices = _choices(workflow.TASK_TRANSITIONS, task.status, request.user, dict(Task.Status.choices))
    form = forms.TaskTransitionForm(request.POST, choices=choices)
    if form.is_valid():
        try:
            services.task_transition(
                task=task, to=form.cleaned_data["to"], reason=form.cleaned_data["reason"], by=_user(request)
            )
        except ValidationError as exc:
            _message_errors(request, exc)
        else:
            messages.success(request, _("Đã cập nhật trạng thái nhiệm vụ."))
    return redirect("research:task-detail", pk=task.pk)


@login_required
def application_list(request: HttpRequest) -> HttpResponse:
    applications = selectors.application_list_visible_to(request.user).order_by("-received_on", "-pk")
    page = Paginator(applications, PAGE_SIZE).get_page(request.GET.get("trang"))
    return render(request, "research/application_list.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def application_create(request: HttpRequest, task_pk: int) -> HttpResponse:
    task = selectors.get_task_for(request.user, task_pk)
    if not selectors.task_list_open_for_applications(request.user).filter(pk=task.pk).exists():
        messages.error(request, _("Nhiệm vụ này không đang nhận hồ sơ của tổ chức bạn."))
        return redirect("research:task-detail", pk=task.pk)
    staff = selectors.can_manage(request.user)
    organisation = None if staff else organisation_of_user(request.user)
    if not staff and (organisation is None or not has_role(request.user, roles.HOST_USER)):
        raise PermissionDenied(_("Chỉ tổ chức chủ trì được nộp hồ sơ."))
    form = forms.ApplicationForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            application = services.application_submit(
                task=task,
                by=_user(request),
                pi=data["pi"],
                members=form.members_with_roles(),
                summary=data["summary"],
                duration_months=data["duration_months"],
                state_budget=data["state_budget"],
                state_budget_lump_sum=data["state_budget_lump_sum"] or 0,
                counterpart_budget=data["counterpart_budget"] or 0,
                other_budget=data["other_budget"] or 0,
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Đã nộp hồ sơ đăng ký chủ trì."))
            return redirect("research:application-detail", pk=application.pk)
    return render(
        request,
        "research/form.html",
        {"form": form, "title": _("Đăng ký chủ trì: %(t)s") % {"t": task.title}, "submit": _("Nộp hồ sơ")},
    )


@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.get_application_for(request.user, pk)
    choices = _choices(
        workflow.APPLICATION_TRANSITIONS, application.status, request.user, dict(Application.Status.choices)
    )
    choices = [
        (to, label)
        for to, label in choices
        if to not in (Application.Status.IN_COUNCIL, Application.Status.SELECTED, Application.Status.NOT_SELECTED)
    ]
    return render(
        request,
        "research/application_detail.html",
        {
            "application": application,
            "members": application.members.select_related("person"),  # type: ignore[attr-defined]
            "events": application.events.select_related("by"),  # type: ignore[attr-defined]
            "form": forms.TaskTransitionForm(choices=choices) if choices else None,
        },
    )


@login_required
@require_POST
def application_transition(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.get_application_for(request.user, pk)
    choices = _choices(
        workflow.APPLICATION_TRANSITIONS, application.status, request.user, dict(Application.Status.choices)
    )
    form = forms.TaskTransitionForm(request.POST, choices=choices)
    if form.is_valid():
        try:
            services.application_transition(
                application=application,
                to=form.cleaned_data["to"],
                reason=form.cleaned_data["reason"],
                by=_user(request),
            )
        except ValidationError as exc:
            _message_errors(request, exc)
        else:
            messages.success(request, _("Đã cập nhật hồ sơ."))
    else:
        messages.error(request, _("Thao tác không hợp lệ."))
    return redirect("research:application-detail", pk=application.pk)
