"""Host organisations' pages of part 2 on the front site: the tasks the organisation hosts (under
contract or later), what is due on each, the money received, and the host's own writes: progress
reports (and re-submitting a returned one), adjustment and extension requests, the acceptance
dossier, the application of results.

Every view fetches the task (or report) through the access-checked getters of selectors first, so
another organisation's records are a 404, never a 403 that confirms they exist. Writes are POST
only and go through the services; a record and its files are saved in one transaction, so a
refused request leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models, transaction
from django.db.models import Q, QuerySet, Sum
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from khcn.accounts import roles
from khcn.accounts.models import User
from khcn.accounts.permissions import has_role
from khcn.core.models import Attachment
from khcn.core.services import attachments_add
from khcn.directory.selectors import organisation_list_visible_to
from khcn.lib.formats import format_date
from khcn.research import forms_host, selectors, services
from khcn.research.due import LEAD_DAYS
from khcn.research.models import (
    Acceptance,
    Adjustment,
    Contract,
    Disbursement,
    ExecutionRule,
    ProgressReport,
    ResultRegistration,
    Source,
    Task,
)

TS = Task.Status
RS = ProgressReport.Status
PAGE_SIZE = 50
# Under contract or later: what the host organisation carries out and reports on.
EXECUTION = (
    TS.IN_PROGRESS,
    TS.SUSPENDED,
    TS.AWAITING_ACCEPTANCE,
    TS.ACCEPTED,
    TS.FAILED,
    TS.TERMINATED,
    TS.COMPLETED,
)
RUNNING = tuple(selectors.RUNNING)
RESULTS = (TS.ACCEPTED, TS.COMPLETED)


def _user(request: HttpRequest) -> User:
    # Every view is behind login_required: the user is a real account here.
    return cast(User, request.user)


def _can_write(user: Any) -> bool:
    """Who acts on the host's pages: the host's users (the getter already limited them to their
    own organisation's tasks) and science officers recording a paper submission for a host.
    The services check again; this only decides which buttons to show."""
    return selectors.is_host(user) or has_role(user, roles.SCIENCE_OFFICER)


def _form_errors(form: Any, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its fields when it names them."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


# --- What is due -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DueLine:
    text: str
    due_on: dt.date | None = None
    overdue: bool = False
    returned_report: int | None = None  # a returned report to hand in again


def _due_lines(
    task: Task,
    today: dt.date,
    rule: ExecutionRule,
    reports: list[ProgressReport],
    recognised: dt.date | None,
    registered: bool,
) -> list[DueLine]:
    """The host's to-do for one task, from the same rule fields and selectors as due.py."""
    lines: list[DueLine] = []
    end = task.effective_end
    if task.status in RUNNING:
        missing = selectors.reports_missing(task, rule, reports)
        for period in missing:
            if period.due_on < today:
                lines.append(
                    DueLine(
                        _("Báo cáo tiến độ kỳ %(a)s–%(b)s quá hạn từ %(due)s")
                        % {
                            "a": format_date(period.start),
                            "b": format_date(period.end),
                            "due": format_date(period.due_on),
                        },
                        period.due_on,
                        overdue=True,
                    )
                )
        upcoming = [p for p in missing if p.due_on >= today]
        if upcoming:
            period = upcoming[0]
            lines.append(
                DueLine(
                    _("Báo cáo tiến độ kỳ tới %(a)s–%(b)s, hạn nộp %(due)s")
                    % {"a": format_date(period.start), "b": format_date(period.end), "due": format_date(period.due_on)},
                    period.due_on,
                )
            )
        for report in reports:
            if report.status == RS.RETURNED:
                lines.append(
                    DueLine(
                        _("Báo cáo kỳ %(a)s–%(b)s bị trả lại: bổ sung và nộp lại")
                        % {"a": format_date(report.period_start), "b": format_date(report.period_end)},
                        overdue=True,
                        returned_report=report.pk,
                    )
                )
        if end is not None and today <= end <= today + dt.timedelta(days=rule.contract_ending_warning_days):
            lines.append(
                DueLine(
                    _("Hợp đồng kết thúc ngày %(end)s (còn %(days)d ngày)")
                    % {"end": format_date(end), "days": (end - today).days},
                    end,
                )
            )
    if task.status == TS.IN_PROGRESS and end is not None:
        due = end + dt.timedelta(days=rule.acceptance_dossier_days)
        # Shown from the time the contract-ending warning starts, like the reminders.
        if today >= end - dt.timedelta(days=max(rule.contract_ending_warning_days, LEAD_DAYS)):
            lines.append(
                DueLine(
                    _("Hồ sơ đánh giá, nghiệm thu phải nộp trước ngày %(due)s") % {"due": format_date(due)},
                    due,
                    overdue=due < today,
                )
            )
    if task.status in RESULTS and not registered and recognised is not None:
        due = recognised + dt.timedelta(days=rule.result_registration_days)
        lines.append(
            DueLine(
                _("Đăng ký kết quả trước ngày %(due)s (công nhận ngày %(day)s)")
                % {"due": format_date(due), "day": format_date(recognised)},
                due,
                overdue=due < today,
            )
        )
    return lines


def due_for(tasks: list[Task], today: dt.date) -> dict[int, list[DueLine]]:
    """What is due on each task, computed (never stored) in a fixed number of queries."""
    if not tasks:
        return {}
    ids = [t.pk for t in tasks]
    rules = selectors.rules_by_regime(today)
    reports: dict[int, list[ProgressReport]] = defaultdict(list)
    for report in ProgressReport.objects.active().filter(task_id__in=ids).order_by("period_start"):
        reports[report.task_id].append(report)
    recognised = selectors.recognition_dates(t.pk for t in tasks if t.status in RESULTS)
    registered = set(ResultRegistration.objects.filter(task_id__in=ids).values_list("task_id", flat=True))
    return {
        t.pk: _due_lines(t, today, rules[t.legal_regime], reports[t.pk], recognised.get(t.pk), t.pk in registered)
        for t in tasks
    }


# --- Files ---------------------------------------------------------------------------------------


def _task_attachments(task: Task) -> QuerySet[Attachment]:
    """The files the host handed in with the task's reports, requests and dossiers (one query)."""
    owners: dict[type[models.Model], QuerySet[Any]] = {
        ProgressReport: ProgressReport.objects.filter(task=task),
        Adjustment: Adjustment.objects.filter(task=task),
        Acceptance: Acceptance.objects.filter(task=task),
    }
    types = ContentType.objects.get_for_models(*owners)
    condition = Q(pk__in=[])
    for model, records in owners.items():
        ids = [str(pk) for pk in records.values_list("pk", flat=True)]
        condition |= Q(content_type=types[model], object_id__in=ids)
    return (
        Attachment.objects.filter(condition, archived_at__isnull=True)
        .select_related("content_type")
        .order_by("uploaded_at", "pk")
    )


def _files_by_record(attachments: Iterable[Attachment]) -> dict[tuple[str, str], list[Attachment]]:
    found: dict[tuple[str, str], list[Attachment]] = defaultdict(list)
    for attachment in attachments:
        found[(attachment.content_type.model, attachment.object_id)].append(attachment)
    return found


def _with_files(records: Iterable[Any], files: dict[tuple[str, str], list[Attachment]]) -> list[Any]:
    rows = list(records)
    for record in rows:
        record.files = files.get((record._meta.model_name, str(record.pk)), [])
    return rows


@login_required
def host_file(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    """A file of the task's reports, requests or dossier, for whoever may see the task."""
    task = selectors.get_hosted_task_for(request.user, pk)
    attachment = _task_attachments(task).filter(pk=attachment_pk).first()
    if attachment is None:
        raise Http404(_("Không tìm thấy tệp."))
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.mime_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- Pages ---------------------------------------------------------------------------------------


@login_required
def host_task_list(request: HttpRequest) -> HttpResponse:
    """Nhiệm vụ của đơn vị: the organisation's tasks under contract or later, and what is due."""
    today = timezone.localdate()
    tasks = (
        selectors.hosted_tasks_for(request.user)
        .filter(status__in=EXECUTION)
        .select_related("contract")
        .order_by("-plan_year", "code")
    )
    page = Paginator(tasks, PAGE_SIZE).get_page(request.GET.get("trang"))
    rows = list(page.object_list)
    due = due_for(rows, today)
    received = {
        r["task_id"]: r["v"] or 0
        for r in Disbursement.objects.active()
        .filter(task_id__in=[t.pk for t in rows], source=Source.STATE_BUDGET)
        .values("task_id")
        .annotate(v=Sum("amount"))
    }
    for task in rows:
        task.due_lines = due.get(task.pk, [])  # type: ignore[attr-defined]
        task.received = received.get(task.pk, 0)  # type: ignore[attr-defined]
    return render(
        request,
        "research/host/task_list.html",
        {"page": page, "tasks": rows, "today": today, "staff": selectors.is_research_staff(request.user)},
    )


@login_required
def host_task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.get_hosted_task_for(request.user, pk)
    today = timezone.localdate()
    contract = Contract.objects.filter(task=task).select_related("department", "pi").first()
    files = _files_by_record(_task_attachments(task))
    reports = _with_files(task.progress_reports.active().order_by("period_start", "pk"), files)  # type: ignore[attr-defined]
    can_write = _can_write(request.user)
    context: dict[str, Any] = {
        "task": task,
        "contract": contract,
        "amendments": contract.amendments.active() if contract else [],  # type: ignore[attr-defined]
        "tranches": selectors.tranche_rows(contract) if contract else [],
        "money": selectors.task_money(task),
        "disbursements": Disbursement.objects.active().filter(task=task).select_related("tranche").order_by("paid_on"),
        "reports": reports,
        "adjustments": _with_files(
            task.adjustments.active().select_related("decision").order_by("requested_on", "pk"),  # type: ignore[attr-defined]
            files,
        ),
        "acceptances": _with_files(
            task.acceptances.active().select_related("decision", "council").order_by("submitted_on", "pk"),  # type: ignore[attr-defined]
            files,
        ),
        "registration": ResultRegistration.objects.filter(task=task).select_related("handed_over_to").first(),
        "applications": task.result_applications.active().select_related("organisation"),  # type: ignore[attr-defined]
        "timeline": selectors.task_timeline(task),
        "due_lines": due_for([task], today)[task.pk],
        "can_write": can_write,
        "can_report": can_write and task.status in RUNNING,
        "can_adjust": can_write and task.status in RUNNING,
        "can_accept": can_write and task.status == TS.IN_PROGRESS,
        "can_apply": can_write and task.status in RESULTS,
        "adjustment_pending": Adjustment.Status.REQUESTED,
        "report_returned": RS.RETURNED,
    }
    return render(request, "research/host/task_detail.html", context)


def _render_form(request: HttpRequest, task: Task, form: Any, **extra: Any) -> HttpResponse:
    context = {"task": task, "form": form, **extra}
    return render(request, "research/host/form.html", context)


def _blocked(task: Task, allowed: Iterable[str], action: str) -> str:
    """Why the form cannot be sent now (shown instead of it); the service refuses anyway."""
    if task.status in allowed:
        return ""
    return _("Không thể %(action)s khi nhiệm vụ đang “%(status)s”.") % {
        "action": action,
        "status": task.get_status_display(),
    }


@login_required
@require_http_methods(["GET", "POST"])
def host_report_submit(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.get_hosted_task_for(request.user, pk)
    initial: dict[str, Any] = {}
    if task.status in RUNNING:
        reports = list(task.progress_reports.active())  # type: ignore[attr-defined]
        missing = selectors.reports_missing(task, selectors.rule_for(task), reports)
        if missing:
            initial = {"period_start": missing[0].start, "period_end": missing[0].end}
    form = forms_host.ProgressReportForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        uploads = data.pop("attachments")
        try:
            with transaction.atomic():
                report = services.progress_report_submit(task=task, by=_user(request), **data)
                attachments_add(record=report, uploads=uploads, by=_user(request))
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(
                request,
                _("Đã nộp báo cáo tiến độ kỳ %(a)s–%(b)s.")
                % {"a": format_date(report.period_start), "b": format_date(report.period_end)},
            )
            return redirect("research:host-task-detail", pk=task.pk)
    return _render_form(
        request,
        task,
        form,
        title=_("Nộp báo cáo tiến độ"),
        submit=_("Nộp báo cáo"),
        blocked=_blocked(task, RUNNING, _("nộp báo cáo tiến độ")),
    )


@login_required
@require_http_methods(["GET", "POST"])
def host_report_resubmit(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.get_progress_report_for(request.user, pk)
    task = report.task
    form = forms_host.ProgressReportResubmitForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                services.progress_report_transition(
                    report=report, to=RS.SUBMITTED, by=_user(request), note=form.cleaned_data["note"]
                )
                attachments_add(record=report, uploads=form.cleaned_data["attachments"], by=_user(request))
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Đã nộp lại báo cáo %(r)s.") % {"r": report})
            return redirect("research:host-task-detail", pk=task.pk)
    blocked = "" if report.status == RS.RETURNED else _("Chỉ nộp lại được báo cáo đã bị trả lại để bổ sung.")
    return _render_form(
        request,
        task,
        form,
        title=_("Nộp lại báo cáo tiến độ kỳ %(a)s–%(b)s")
        % {"a": format_date(report.period_start), "b": format_date(report.period_end)},
        submit=_("Nộp lại"),
        blocked=blocked,
        report=report,
    )


@login_required
@require_http_methods(["GET", "POST"])
def host_adjustment_request(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.get_hosted_task_for(request.user, pk)
    form = forms_host.AdjustmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        uploads = data.pop("attachments")
        if data["kind"] != Adjustment.Kind.EXTENSION:
            data["new_end"] = None
        try:
            with transaction.atomic():
                adjustment = services.adjustment_request(task=task, by=_user(request), **data)
                attachments_add(record=adjustment, uploads=uploads, by=_user(request))
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Đã gửi đề nghị %(kind)s.") % {"kind": adjustment.get_kind_display().lower()})
            return redirect("research:host-task-detail", pk=task.pk)
    rule = selectors.rule_for(task)
    return _render_form(
        request,
        task,
        form,
        title=_("Đề nghị điều chỉnh, gia hạn"),
        submit=_("Gửi đề nghị"),
        blocked=_blocked(task, RUNNING, _("đề nghị điều chỉnh")),
        intro=_(
            "Gia hạn: tối đa %(count)d lần, gửi trước khi kết thúc ít nhất %(days)d ngày; nhiệm vụ đến %(short)d "
            "tháng được gia hạn tối đa %(m1)d tháng, dài hơn tối đa %(m2)d tháng (%(rule)s)."
        )
        % {
            "count": rule.extension_max_count,
            "days": rule.extension_min_days_before_end,
            "short": rule.short_task_max_months,
            "m1": rule.extension_max_months_short,
            "m2": rule.extension_max_months_long,
            "rule": rule.name,
        },
    )


@login_required
@require_POST
def host_adjustment_withdraw(request: HttpRequest, pk: int, adjustment_pk: int) -> HttpResponse:
    task = selectors.get_hosted_task_for(request.user, pk)
    adjustment = task.adjustments.active().filter(pk=adjustment_pk).first()  # type: ignore[attr-defined]
    if adjustment is None:
        raise Http404(_("Không tìm thấy đề nghị."))
    try:
        services.adjustment_transition(
            adjustment=adjustment, to=Adjustment.Status.WITHDRAWN, by=_user(request), reason=_("Rút đề nghị")
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Đã rút đề nghị."))
    return redirect("research:host-task-detail", pk=task.pk)


@login_required
@require_http_methods(["GET", "POST"])
def host_acceptance_submit(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.get_hosted_task_for(request.user, pk)
    form = forms_host.AcceptanceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        uploads = data.pop("attachments")
        try:
            with transaction.atomic():
                acceptance = services.acceptance_submit(task=task, by=_user(request), **data)
                attachments_add(record=acceptance, uploads=uploads, by=_user(request))
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Đã nộp hồ sơ đánh giá, nghiệm thu."))
            return redirect("research:host-task-detail", pk=task.pk)
    return _render_form(
        request,
        task,
        form,
        title=_("Nộp hồ sơ đánh giá, nghiệm thu"),
        submit=_("Nộp hồ sơ"),
        blocked=_blocked(task, (TS.IN_PROGRESS,), _("nộp hồ sơ nghiệm thu")),
        intro=_("Hồ sơ phải có đủ các thành phần trong danh mục dưới đây; hãy đánh dấu từng thành phần đã có."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def host_application_record(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.get_hosted_task_for(request.user, pk)
    form = forms_host.ResultApplicationForm(
        request.POST or None, organisations=organisation_list_visible_to(request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.result_application_record(task=task, by=_user(request), **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Đã ghi nhận ứng dụng kết quả."))
            return redirect("research:host-task-detail", pk=task.pk)
    return _render_form(
        request,
        task,
        form,
        title=_("Ghi nhận ứng dụng kết quả"),
        submit=_("Lưu"),
        blocked=_blocked(task, RESULTS, _("ghi nhận ứng dụng kết quả")),
    )


urlpatterns: list[URLPattern] = [
    path("don-vi/", host_task_list, name="host-task-list"),
    path("don-vi/<int:pk>/", host_task_detail, name="host-task-detail"),
    path("don-vi/<int:pk>/bao-cao/", host_report_submit, name="host-report-submit"),
    path("don-vi/bao-cao/<int:pk>/nop-lai/", host_report_resubmit, name="host-report-resubmit"),
    path("don-vi/<int:pk>/dieu-chinh/", host_adjustment_request, name="host-adjustment-request"),
    path(
        "don-vi/<int:pk>/dieu-chinh/<int:adjustment_pk>/rut/",
        host_adjustment_withdraw,
        name="host-adjustment-withdraw",
    ),
    path("don-vi/<int:pk>/nghiem-thu/", host_acceptance_submit, name="host-acceptance-submit"),
    path("don-vi/<int:pk>/ung-dung/", host_application_record, name="host-application-record"),
    path("don-vi/<int:pk>/tep/<int:attachment_pk>/", host_file, name="host-file"),
]
