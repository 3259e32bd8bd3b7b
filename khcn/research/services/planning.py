"""Every write of part 1 of the task lifecycle: calls, proposals, plans, tasks, selection, appraisal.

Each service is keyword-only, takes the acting user as `by`, runs in one transaction and leaves an
event row for every status change. Statuses change only through `<entity>_transition`, which
checks the tables in workflow.py; the other services call it rather than setting a status.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from khcn.accounts import roles
from khcn.accounts.models import User
from khcn.accounts.permissions import has_role
from khcn.core import faults
from khcn.core.services import record_save
from khcn.councils import selectors as council_selectors
from khcn.councils import services as council_services
from khcn.councils.models import Council
from khcn.directory.models import (
    AdministrativeUnit,
    FieldOfScience,
    OfficialDocument,
    Organisation,
    Person,
    TaskForm,
)
from khcn.directory.selectors import organisation_of_user
from khcn.lib.dates import add_months
from khcn.lib.formats import format_date, format_vnd, group_thousands
from khcn.research import workflow
from khcn.research.models import (
    MAX_BUDGET,
    MAX_DURATION_MONTHS,
    Application,
    ApplicationEvent,
    ApplicationMember,
    Appraisal,
    Call,
    Level,
    Mode,
    Plan,
    PlanAdjustment,
    PlanAdjustmentLine,
    PlanEvent,
    PlanGroup,
    PlanItem,
    Proposal,
    ProposalEvent,
    Task,
    TaskEvent,
    legal_regime_on,
)

PS = Proposal.Status
TS = Task.Status
LS = Plan.Status
AS = Application.Status

MANAGERS = (roles.SCIENCE_OFFICER,)
APPROVERS = (roles.SCIENCE_OFFICER, roles.DEPARTMENT_LEADER)


def _require(user: User, *codes: str) -> None:
    if not has_role(user, *codes):
        raise PermissionDenied(_("Bạn không có quyền thực hiện việc này."))


def _today() -> dt.date:
    return timezone.localdate()


# --- Checking values -----------------------------------------------------------------------------


def clean_money(value: Any, label: str, *, required: bool = True) -> int:
    """An amount in whole đồng: an int, never negative, never absurd; a Vietnamese message otherwise."""
    if value is None or value == "":
        if required:
            raise ValidationError(_("%(label)s: chưa nhập số tiền.") % {"label": label}, code="required")
        return 0
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        if isinstance(value, str) and value.strip().lstrip("-").replace(".", "").isdigit():
            value = int(value.strip().replace(".", ""))
        else:
            raise ValidationError(
                _("%(label)s: phải là số tiền bằng số (đồng), ví dụ 850.000.000.") % {"label": label}, code="invalid"
            )
    if isinstance(value, Decimal):
        if value != value.to_integral_value():
            raise ValidationError(_("%(label)s: phải là số đồng nguyên.") % {"label": label}, code="invalid")
        value = int(value)
    if value < 0:
        raise ValidationError(_("%(label)s: số tiền không được âm.") % {"label": label}, code="negative")
    if value > MAX_BUDGET:
        raise ValidationError(
            _("%(label)s: số tiền lớn bất thường (quá %(max)s); hãy kiểm tra lại số chữ số 0.")
            % {"label": label, "max": format_vnd(MAX_BUDGET)},
            code="too_large",
        )
    return int(value)


def clean_months(value: Any, label: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(_("%(label)s: phải là số tháng (số nguyên).") % {"label": label}, code="invalid")
    if not 1 <= value <= MAX_DURATION_MONTHS:
        raise ValidationError(
            _("%(label)s: phải từ 1 đến %(max)d tháng.") % {"label": label, "max": MAX_DURATION_MONTHS},
            code="out_of_range",
        )
    return value


def _collect(checks: Mapping[str, Any]) -> dict[str, Any]:
    """Run several field checks; raise one ValidationError naming every bad field."""
    errors: dict[str, list[ValidationError]] = {}
    values: dict[str, Any] = {}
    for name, check in checks.items():
        try:
            values[name] = check()
        except ValidationError as exc:
            errors[name] = [exc]
    if errors:
        raise ValidationError(errors)
    return values


def _required_text(value: Any, label: str, max_length: int | None = None) -> str:
    text = (value or "").strip() if isinstance(value, str) else ""
    if not text:
        raise ValidationError(_("%(label)s: không được để trống.") % {"label": label}, code="required")
    if max_length and len(text) > max_length:
        raise ValidationError(
            _("%(label)s: dài quá %(max)d ký tự.") % {"label": label, "max": max_length}, code="too_long"
        )
    return text


def _required_object(value: Any, label: str) -> Any:
    if value is None:
        raise ValidationError(_("%(label)s: chưa chọn.") % {"label": label}, code="required")
    return value


def _next_code(model: type[Model], prefix: str) -> str:
    codes = model._default_manager.filter(code__startswith=prefix).values_list("code", flat=True)  # type: ignore[attr-defined]
    numbers = [int(code[len(prefix) :]) for code in codes if code[len(prefix) :].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:03d}"


# --- Official documents --------------------------------------------------------------------------


@transaction.atomic
def document_record(
    *,
    issuer: Organisation,
    number: str,
    date: dt.date,
    subject: str,
    by: User,
    signer: str = "",
    signer_position: str = "",
    kind: str = OfficialDocument.Kind.DECISION,
) -> OfficialDocument:
    """Record a decision or minutes; a number the issuer already used is refused with a clear message."""
    _require(by, *APPROVERS)
    # Decree 30/2020 writes the symbol in capitals; typing "105/qđ-ubnd" or stray spaces must not
    # make a second decision with the same number (SQLite compares non-ASCII letters case-sensitively).
    number = " ".join(_required_text(number, _("Số, ký hiệu văn bản"), 100).split()).upper()
    if date is None:
        raise ValidationError(_("Ngày ban hành: chưa nhập."), code="required")
    existing = OfficialDocument.objects.filter(issuer=issuer, number__iexact=number).first()
    if existing is not None:
        raise ValidationError(
            _("Số văn bản %(number)s của %(issuer)s đã được dùng cho văn bản khác (%(doc)s). Hãy kiểm tra lại số hiệu.")
            % {"number": number, "issuer": issuer, "doc": existing},
            code="document_number_taken",
        )
    document = OfficialDocument(
        issuer=issuer,
        number=number,
        date=date,
        kind=kind,
        signer=signer,
        signer_position=signer_position,
        subject=subject,
    )
    try:
        with transaction.atomic():
            return record_save(record=document, by=by)
    except IntegrityError:
        # Two people typing the same number at the same moment: the constraint is the last word.
        raise ValidationError(
            _("Số văn bản %(number)s của %(issuer)s đã được dùng cho văn bản khác.")
            % {"number": number, "issuer": issuer},
            code="document_number_taken",
        ) from None


# --- Calls -----------------------------------------------------------------------------------------


@transaction.atomic
def call_create(
    *,
    kind: str,
    year: int,
    title: str,
    opens_on: dt.date,
    deadline: dt.date,
    by: User,
    notice: OfficialDocument | None = None,
    description: str = "",
    province: AdministrativeUnit | None = None,
) -> Call:
    """Open a call for proposals (for a plan year) or for host organisations' applications, in
    `province` (by default the department's own: `current_province()`)."""
    _require(by, *MANAGERS)
    title = _required_text(title, _("Tên đợt"), 300)
    if opens_on is None or deadline is None:
        raise ValidationError(_("Hãy nhập ngày mở và hạn nộp."), code="required")
    if deadline < opens_on:
        raise ValidationError({"deadline": _("Hạn nộp phải sau ngày mở đợt.")})
    if province is None:
        province = current_province()
    elif province.level != AdministrativeUnit.Level.PROVINCE:
        raise ValidationError(
            {"province": _("Đợt phải thuộc một tỉnh, không phải %(unit)s.") % {"unit": province.name}}
        )
    call = Call(
        kind=kind,
        year=year,
        title=title,
        opens_on=opens_on,
        deadline=deadline,
        notice=notice,
        description=description,
        province=province,
    )
    return record_save(record=call, by=by)


# --- Proposals -------------------------------------------------------------------------------------


@transaction.atomic
def proposal_submit(
    *,
    call: Call,
    by: User,
    title: str,
    urgency: str,
    objectives: str,
    expected_results: str,
    estimated_budget: Any,
    estimated_duration_months: Any,
    application_place: str,
    field: FieldOfScience | None,
    task_form: TaskForm | None,
    proposer_org: Organisation | None = None,
    proposer_person: Person | None = None,
    source: str = Proposal.Source.ORGANISATION,
    received_on: dt.date | None = None,
) -> Proposal:
    """Submit a proposal to an open call.

    A host user proposes for its own organisation, on the day it submits; department staff enter
    proposals received on paper, naming the proposer and the day received. Either way the day must
    fall within the call.
    """
    is_host = has_role(by, roles.HOST_USER) and not has_role(by, *MANAGERS)
    if is_host:
        proposer_org = organisation_of_user(by)
        if proposer_org is None:
            raise PermissionDenied(_("Tài khoản của bạn chưa gắn với tổ chức nào; hãy liên hệ Sở."))
        proposer_person = getattr(by, "person", None)
        received_on = _today()
        channel = Proposal.Channel.ONLINE
    else:
        _require(by, *MANAGERS)
        received_on = received_on or _today()
        channel = Proposal.Channel.STAFF
    values = _collect(
        {
            "title": lambda: _required_text(title, _("Tên nhiệm vụ"), 500),
            "urgency": lambda: _required_text(urgency, _("Tính cấp thiết")),
            "objectives": lambda: _required_text(objectives, _("Mục tiêu")),
            "expected_results": lambda: _required_text(expected_results, _("Kết quả dự kiến")),
            "application_place": lambda: _required_text(application_place, _("Địa chỉ ứng dụng")),
            "estimated_budget": lambda: clean_money(estimated_budget, _("Kinh phí dự kiến")),
            "estimated_duration_months": lambda: clean_months(estimated_duration_months, _("Thời gian thực hiện")),
            "field": lambda: _required_object(field, _("Lĩnh vực")),
            "task_form": lambda: _required_object(task_form, _("Hình thức")),
            "proposer_org": lambda: _required_object(proposer_org, _("Tổ chức đề xuất")),
        }
    )
    _check_call_accepts(call, Call.Kind.PROPOSALS, received_on)
    proposal = Proposal(
        call=call,
        code=_next_code(Proposal, f"ĐX-{call.year}-"),
        proposer_person=proposer_person,
        source=source,
        received_on=received_on,
        channel=channel,
        submitted_by=by,
        status=PS.SUBMITTED,
        **values,
    )
    record_save(record=proposal, by=by, reason=_("Gửi phiếu đề xuất"))
    ProposalEvent.objects.create(proposal=proposal, from_status="", to_status=PS.SUBMITTED, by=by)
    return proposal


def _check_call_accepts(call: Call, kind: str, day: dt.date) -> None:
    if call.kind != kind:
        raise ValidationError(_("Đợt “%(call)s” không nhận loại hồ sơ này.") % {"call": call}, code="wrong_call")
    if call.is_archived:
        raise ValidationError(_("Đợt “%(call)s” đã đóng.") % {"call": call}, code="call_closed")
    if day > call.deadline:
        raise ValidationError(
            _("Đã hết hạn nộp của đợt “%(call)s” (hạn cuối %(deadline)s); không nhận hồ sơ ngày %(day)s.")
            % {"call": call, "deadline": format_date(call.deadline), "day": format_date(day)},
            code="deadline_passed",
        )
    if day < call.opens_on:
        raise ValidationError(
            _("Đợt “%(call)s” chưa mở (mở từ %(opens)s).") % {"call": call, "opens": format_date(call.opens_on)},
            code="call_not_open",
        )


@transaction.atomic
def proposal_transition(
    *,
    proposal: Proposal,
    to: str,
    by: User,
    reason: str = "",
    document: OfficialDocument | None = None,
    duplicate_of: Proposal | None = None,
    merged_into: Proposal | None = None,
) -> Proposal:
    """Move a proposal to `to`; only the roles the table allows, with the step's own guards."""
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    current = proposal.status
    workflow.check(workflow.PROPOSAL_TRANSITIONS, current, to, by, labels=dict(PS.choices))
    if has_role(by, roles.HOST_USER) and not has_role(by, *MANAGERS):
        # A host user's roles allow a withdrawal; only its own organisation's proposal, though.
        own = organisation_of_user(by)
        if own is None or own.pk != proposal.proposer_org_id:
            raise PermissionDenied(_("Bạn chỉ rút được phiếu đề xuất của tổ chức mình."))
    if to == PS.DUPLICATE:
        _check_other_proposal(proposal, duplicate_of, _("Hãy chọn phiếu đề xuất gốc mà phiếu này trùng lặp."))
        proposal.duplicate_of = duplicate_of
    if to == PS.MERGED:
        _check_other_proposal(proposal, merged_into, _("Hãy chọn phiếu đề xuất được gộp vào."))
        proposal.merged_into = merged_into
    if to == PS.IN_COUNCIL and _latest_identification(proposal) is None:
        raise ValidationError(_("Hãy đưa phiếu ra hội đồng từ trang hội đồng xác định nhiệm vụ."), code="no_council")
    if current == PS.IN_COUNCIL:
        # The council decides, not the officer: the move must match its computed conclusion.
        expected, explanation, _council = _council_verdict(proposal)
        if to != expected:
            raise ValidationError(
                _("Kết luận của hội đồng không cho phép bước này: %(why)s") % {"why": explanation},
                code="council_verdict",
            )
    if to in (PS.INVALID, PS.REJECTED, PS.WITHDRAWN) and not reason.strip():
        raise ValidationError(_("Hãy ghi lý do."), code="reason_required")
    proposal.status = to
    record_save(record=proposal, by=by, reason=reason or str(PS(to).label))
    ProposalEvent.objects.create(
        proposal=proposal, from_status=current, to_status=to, by=by, reason=reason, document=document
    )
    return proposal


def _check_other_proposal(proposal: Proposal, other: Proposal | None, missing: str) -> None:
    if other is None:
        raise ValidationError(missing, code="required")
    if other.pk == proposal.pk:
        raise ValidationError(_("Không thể chọn chính phiếu này."), code="self_reference")
    if other.status in (PS.DUPLICATE, PS.MERGED, PS.WITHDRAWN, PS.INVALID):
        raise ValidationError(
            _("Phiếu %(code)s đang ở trạng thái “%(status)s”; hãy chọn phiếu gốc còn hiệu lực.")
            % {"code": other.code, "status": other.get_status_display()},
            code="bad_original",
        )


@transaction.atomic
def proposal_send_to_council(*, proposals: Sequence[Proposal], council: Any, by: User) -> list[Any]:
    """Put valid proposals before an identification council (step 3), through the councils API."""
    if council.kind != Council.Kind.IDENTIFICATION:
        raise ValidationError(_("Hãy chọn hội đồng tư vấn xác định nhiệm vụ."), code="wrong_council")
    if not proposals:
        raise ValidationError(_("Chưa chọn phiếu đề xuất nào."), code="required")
    objects = []
    for proposal in Proposal.objects.filter(pk__in=[p.pk for p in proposals]).order_by("code"):
        if proposal.status != PS.VALID:
            raise ValidationError(
                _("Phiếu %(code)s chưa được xác nhận hợp lệ (đang “%(status)s”).")
                % {"code": proposal.code, "status": proposal.get_status_display()},
                code="not_valid",
            )
        objects.append(
            council_services.council_object_add(council=council, target=proposal, by=by, title=proposal.title)
        )
        proposal_transition(proposal=proposal, to=PS.IN_COUNCIL, by=by, reason=str(council))
    return objects


def _latest_council_object(target: Model, kinds: Iterable[str]) -> Any:
    return (
        council_selectors.council_objects_for(target)
        .filter(council__kind__in=list(kinds))
        .select_related("council")
        .order_by("-pk")
        .first()
    )


def _latest_identification(proposal: Proposal) -> Any:
    return _latest_council_object(proposal, [Council.Kind.IDENTIFICATION])


def _council_verdict(proposal: Proposal) -> tuple[str, str, Any]:
    """(status the council's result calls for, its explanation, the council); a council without a
    conclusion yet (sheets missing, no quorum) is a ValidationError that says why."""
    council_object = _latest_identification(proposal)
    if council_object is None:
        raise ValidationError(
            _("Phiếu %(code)s chưa được đưa ra hội đồng.") % {"code": proposal.code}, code="no_council"
        )
    result = council_selectors.council_result(council_object)
    explanation = "; ".join(str(line) for line in result.explanation)
    if result.status == "passed":
        return PS.RECOMMENDED, explanation, council_object.council
    if result.status == "failed":
        return PS.REJECTED, explanation, council_object.council
    raise ValidationError(
        _("Hội đồng chưa có kết luận cho phiếu %(code)s: %(why)s")
        % {"code": proposal.code, "why": explanation or result.status},
        code="no_conclusion",
    )


@transaction.atomic
def proposal_apply_council_result(*, proposal: Proposal, by: User) -> Proposal:
    """Apply the identification council's conclusion: passed → recommended, failed → rejected."""
    to, explanation, council = _council_verdict(proposal)
    reason = _("Kết luận của %(council)s: %(why)s") % {"council": council, "why": explanation}
    return proposal_transition(proposal=proposal, to=to, by=by, reason=reason, document=council.decision)


@dataclass
class CouncilApplied:
    recommended: list[Proposal] = field(default_factory=list)
    rejected: list[Proposal] = field(default_factory=list)
    pending: list[tuple[Proposal, str]] = field(default_factory=list)


def proposals_apply_council(*, council: Any, by: User) -> CouncilApplied:
    """Apply a council's conclusions to every proposal still before it; report those still pending."""
    _require(by, *MANAGERS)
    outcome = CouncilApplied()
    for proposal in Proposal.objects.filter(status=PS.IN_COUNCIL).order_by("code"):
        council_object = _latest_council_object(proposal, [Council.Kind.IDENTIFICATION])
        if council_object is None or council_object.council_id != council.pk:
            continue
        try:
            updated = proposal_apply_council_result(proposal=proposal, by=by)
        except ValidationError as exc:
            outcome.pending.append((proposal, " ".join(exc.messages)))
            continue
        (outcome.recommended if updated.status == PS.RECOMMENDED else outcome.rejected).append(updated)
    return outcome


# --- Plans -----------------------------------------------------------------------------------------


def current_province(code: str = "33") -> AdministrativeUnit:
    """Today's province with this GSO code (Hưng Yên is 33)."""
    unit = (
        AdministrativeUnit.objects.filter(level=AdministrativeUnit.Level.PROVINCE, code=code, valid_to__isnull=True)
        .order_by("-valid_from")
        .first()
    )
    if unit is None:
        raise ValidationError(
            _("Chưa có đơn vị hành chính tỉnh mã %(code)s; hãy nạp danh mục đơn vị hành chính.") % {"code": code}
        )
    return unit


@transaction.atomic
def plan_create(*, year: int, province: AdministrativeUnit, by: User, title: str = "", note: str = "") -> Plan:
    """Start the draft of a year's plan; one plan per year and province."""
    _require(by, *MANAGERS)
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Năm kế hoạch không hợp lệ.")})
    if Plan.objects.filter(year=year, province=province).exists():
        raise ValidationError(
            _(
                "Tỉnh %(province)s đã có kế hoạch KH&CN năm %(year)d; hãy sửa kế hoạch đó hoặc điều chỉnh theo quyết định mới."
            )
            % {"province": province.name, "year": year},
            code="plan_exists",
        )
    plan = Plan(
        year=year,
        province=province,
        title=title
        or _("Kế hoạch khoa học và công nghệ năm %(year)d tỉnh %(province)s")
        % {"year": year, "province": province.name},
        note=note,
    )
    try:
        with transaction.atomic():
            record_save(record=plan, by=by)
    except IntegrityError:
        raise ValidationError(_("Tỉnh này đã có kế hoạch KH&CN cho năm này."), code="plan_exists") from None
    PlanEvent.objects.create(plan=plan, from_status="", to_status=LS.DRAFT, by=by)
    return plan


def _item_fields(
    *,
    task: Task | None,
    proposal: Proposal | None,
    title: str | None,
    group: PlanGroup | None,
    form: TaskForm | None,
    field_of_science: FieldOfScience | None,
) -> dict[str, Any]:
    if task is not None:
        return {
            "title": task.title,
            "group": group or task.group,
            "form": task.form,
            "field": task.field,
            "mode": task.mode,
            "level": task.level,
            "host": task.host,
        }
    if proposal is not None:
        return {
            "title": proposal.title,
            "group": _required_object(group, _("Nhóm nhiệm vụ")),
            "form": form or proposal.task_form,
            "field": field_of_science or proposal.field,
            "duration_months": proposal.estimated_duration_months,
        }
    return _collect(
        {
            "title": lambda: _required_text(title, _("Tên nhiệm vụ"), 500),
            "group": lambda: _required_object(group, _("Nhóm nhiệm vụ")),
            "form": lambda: _required_object(form, _("Hình thức")),
            "field": lambda: _required_object(field_of_science, _("Lĩnh vực")),
        }
    )


def _check_item_source(plan: Plan, task: Task | None, proposal: Proposal | None) -> None:
    items = PlanItem.objects.active().filter(plan=plan, removed_by__isnull=True)
    if task is not None:
        if task.status in (TS.COMPLETED, TS.CANCELLED):
            raise ValidationError(
                _("Nhiệm vụ %(code)s đã “%(status)s”, không thể chuyển tiếp.")
                % {"code": task.code, "status": task.get_status_display()},
                code="task_closed",
            )
        if task.plan_year > plan.year:
            raise ValidationError(
                _("Nhiệm vụ %(code)s bắt đầu năm %(year)d, sau năm kế hoạch %(plan)d.")
                % {"code": task.code, "year": task.plan_year, "plan": plan.year},
                code="task_later",
            )
        if items.filter(task=task).exists():
            raise ValidationError(
                _("Nhiệm vụ %(code)s đã có trong kế hoạch này.") % {"code": task.code}, code="duplicate_item"
            )
    if proposal is not None:
        if proposal.status != PS.RECOMMENDED:
            raise ValidationError(
                _("Phiếu %(code)s chưa được hội đồng đề nghị thực hiện (đang “%(status)s”).")
                % {"code": proposal.code, "status": proposal.get_status_display()},
                code="proposal_not_recommended",
            )
        if PlanItem.objects.active().filter(proposal=proposal, removed_by__isnull=True).exists():
            raise ValidationError(
                _("Phiếu %(code)s đã có trong một kế hoạch.") % {"code": proposal.code}, code="duplicate_item"
            )


def _new_item(
    *,
    plan: Plan,
    by: User,
    allocation: Any,
    task: Task | None = None,
    proposal: Proposal | None = None,
    title: str | None = None,
    group: PlanGroup | None = None,
    form: TaskForm | None = None,
    field_of_science: FieldOfScience | None = None,
    mode: str = Mode.SELECTION,
    level: str = Level.PROVINCIAL,
    host: Organisation | None = None,
    duration_months: int | None = None,
    order: int | None = None,
    added_by: PlanAdjustment | None = None,
) -> PlanItem:
    if task is not None and proposal is not None:
        raise ValidationError(_("Một dòng kế hoạch là nhiệm vụ chuyển tiếp hoặc nhiệm vụ mới, không phải cả hai."))
    allocation = clean_money(allocation, _("Kinh phí năm kế hoạch"))
    # Statuses are checked as stored, not as the caller's copy last saw them.
    task = Task.objects.get(pk=task.pk) if task is not None else None
    proposal = Proposal.objects.get(pk=proposal.pk) if proposal is not None else None
    _check_item_source(plan, task, proposal)
    values = {"mode": mode, "level": level, "host": host, "duration_months": duration_months}
    values.update(
        _item_fields(
            task=task, proposal=proposal, title=title, group=group, form=form, field_of_science=field_of_science
        )
    )
    if order is None:
        order = PlanItem.objects.filter(plan=plan).count() + 1
    item = PlanItem(
        plan=plan,
        task=task,
        proposal=proposal,
        # A task that began in an earlier year is carried over; one of this year that already has
        # a record (entered from the paper file before the plan) is a new item linked to it.
        carried_over=task is not None and task.plan_year < plan.year,
        allocation=allocation,
        order=order,
        added_by=added_by,
        **values,
    )
    return record_save(record=item, by=by)


@transaction.atomic
def plan_item_add(
    *,
    plan: Plan,
    by: User,
    allocation: Any,
    task: Task | None = None,
    proposal: Proposal | None = None,
    title: str | None = None,
    group: PlanGroup | None = None,
    form: TaskForm | None = None,
    field_of_science: FieldOfScience | None = None,
    mode: str = Mode.SELECTION,
    level: str = Level.PROVINCIAL,
    host: Organisation | None = None,
    duration_months: int | None = None,
    order: int | None = None,
) -> PlanItem:
    """Add a line to a draft plan: an existing task (carried over when it began in an earlier
    year), a recommended proposal, or a new task named by staff (e.g. counterpart funding for a
    national task)."""
    _require(by, *MANAGERS)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != LS.DRAFT:
        raise ValidationError(
            _("Kế hoạch đã trình hoặc đã phê duyệt; mọi thay đổi phải theo một quyết định điều chỉnh."),
            code="plan_not_draft",
        )
    return _new_item(
        plan=plan,
        by=by,
        allocation=allocation,
        task=task,
        proposal=proposal,
        title=title,
        group=group,
        form=form,
        field_of_science=field_of_science,
        mode=mode,
        level=level,
        host=host,
        duration_months=duration_months,
        order=order,
    )


@transaction.atomic
def plan_transition(
    *, plan: Plan, to: str, by: User, reason: str = "", document: OfficialDocument | None = None
) -> Plan:
    """Move a plan to `to` (the table decides who may); approval goes through plan_approve."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    current = plan.status
    workflow.check(workflow.PLAN_TRANSITIONS, current, to, by, labels=dict(LS.choices))
    if to == LS.SUBMITTED and not PlanItem.objects.active().filter(plan=plan).exists():
        raise ValidationError(_("Kế hoạch chưa có nhiệm vụ nào."), code="empty_plan")
    if to == LS.APPROVED:
        if document is None:
            raise ValidationError(_("Hãy nhập quyết định phê duyệt kế hoạch."), code="decision_required")
        plan.decision = document
    plan.status = to
    record_save(record=plan, by=by, reason=reason or str(LS(to).label))
    PlanEvent.objects.create(plan=plan, from_status=current, to_status=to, by=by, reason=reason, document=document)
    return plan


def _task_for_item(item: PlanItem, *, by: User, decision: OfficialDocument) -> Task:
    """The task a new plan item becomes once the plan (or an adjustment) is approved."""
    proposal = item.proposal
    task = Task(
        code=_next_code(Task, f"NV-{item.plan.year}-"),
        title=item.title,
        level=item.level,
        form=item.form,
        field=item.field,
        group=item.group,
        mode=item.mode,
        host=item.host,
        plan_year=item.plan.year,
        status=TS.ORDERED,
        legal_regime=legal_regime_on(decision.date),
        proposal=proposal,
        objectives=proposal.objectives if proposal else "",
    )
    record_save(record=task, by=by, reason=_("Tạo theo %(doc)s") % {"doc": decision})
    TaskEvent.objects.create(task=task, from_status="", to_status=TS.ORDERED, by=by, document=decision)
    item.task = task
    record_save(record=item, by=by, reason=_("Tạo nhiệm vụ %(code)s") % {"code": task.code})
    if proposal is not None:
        proposal_transition(proposal=proposal, to=PS.IN_PLAN, by=by, document=decision, reason=str(decision))
    return task


@transaction.atomic
def plan_approve(*, plan: Plan, decision: OfficialDocument, by: User, reason: str = "") -> Plan:
    """Record the People's Committee's approval: the plan is fixed, and each new item becomes a task."""
    if decision is None:
        raise ValidationError(_("Hãy nhập quyết định phê duyệt kế hoạch."), code="decision_required")
    if decision.date.year > plan.year:
        raise ValidationError(
            _("Quyết định ngày %(date)s ban hành sau năm kế hoạch %(year)d.")
            % {"date": format_date(decision.date), "year": plan.year},
            code="decision_date",
        )
    items = list(
        PlanItem.objects.active()
        .filter(plan=plan, removed_by__isnull=True)
        .select_related("plan", "proposal", "task")
        .order_by("order", "pk")
    )
    if not items:
        raise ValidationError(_("Kế hoạch chưa có nhiệm vụ nào."), code="empty_plan")
    plan = plan_transition(plan=plan, to=LS.APPROVED, by=by, reason=reason, document=decision)
    for item in items:
        if item.task_id is None:
            if item.proposal is not None and item.proposal.status != PS.RECOMMENDED:
                raise ValidationError(
                    _("Phiếu %(code)s không còn ở trạng thái được đề nghị (đang “%(status)s”).")
                    % {"code": item.proposal.code, "status": item.proposal.get_status_display()}
                )
            _task_for_item(item, by=by, decision=decision)
    return plan


@dataclass
class NewPlanLine:
    """A line an adjustment adds: a carried-over task, a recommended proposal, or a named new task."""

    allocation: int
    task: Task | None = None
    proposal: Proposal | None = None
    title: str | None = None
    group: PlanGroup | None = None
    form: TaskForm | None = None
    field_of_science: FieldOfScience | None = None
    mode: str = Mode.SELECTION
    level: str = Level.PROVINCIAL
    host: Organisation | None = None


@transaction.atomic
def plan_adjust(
    *,
    plan: Plan,
    decision: OfficialDocument,
    reason: str,
    by: User,
    allocations: Mapping[PlanItem, Any] | None = None,
    remove: Iterable[PlanItem] = (),
    add: Iterable[NewPlanLine] = (),
) -> PlanAdjustment:
    """Apply a later decision to an approved plan: change allocations, add or remove items.
    Every change is kept as a line with its value before and after."""
    _require(by, *APPROVERS)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != LS.APPROVED:
        raise ValidationError(_("Chỉ điều chỉnh được kế hoạch đã phê duyệt."), code="plan_not_approved")
    reason = _required_text(reason, _("Lý do điều chỉnh"))
    if decision is None:
        raise ValidationError(_("Hãy nhập quyết định điều chỉnh."), code="decision_required")
    if decision.pk == plan.decision_id or PlanAdjustment.objects.filter(decision=decision).exists():
        raise ValidationError(_("Quyết định này đã được dùng cho kế hoạch hoặc một lần điều chỉnh khác."))
    allocations = dict(allocations or {})
    remove = list(remove)
    add = list(add)
    if not (allocations or remove or add):
        raise ValidationError(_("Quyết định điều chỉnh chưa thay đổi gì."), code="empty_adjustment")
    adjustment = record_save(
        record=PlanAdjustment(plan=plan, decision=decision, reason=reason, applied_by=by), by=by, reason=reason
    )
    for item, amount in allocations.items():
        if item.plan_id != plan.pk or item.removed_by_id is not None:
            raise ValidationError(_("Dòng “%(item)s” không thuộc kế hoạch này.") % {"item": item})
        amount = clean_money(amount, str(item.title)[:60])
        PlanAdjustmentLine.objects.create(
            adjustment=adjustment,
            item=item,
            kind=PlanAdjustmentLine.Kind.ALLOCATION,
            allocation_before=item.allocation,
            allocation_after=amount,
        )
        item.allocation = amount
        record_save(record=item, by=by, reason=str(decision))
    for item in remove:
        if item.plan_id != plan.pk or item.removed_by_id is not None:
            raise ValidationError(_("Dòng “%(item)s” không thuộc kế hoạch này.") % {"item": item})
        PlanAdjustmentLine.objects.create(
            adjustment=adjustment,
            item=item,
            kind=PlanAdjustmentLine.Kind.REMOVE,
            allocation_before=item.allocation,
            allocation_after=0,
        )
        item.removed_by = adjustment
        record_save(record=item, by=by, reason=str(decision))
    for line in add:
        item = _new_item(
            plan=plan,
            by=by,
            allocation=line.allocation,
            task=line.task,
            proposal=line.proposal,
            title=line.title,
            group=line.group,
            form=line.form,
            field_of_science=line.field_of_science,
            mode=line.mode,
            level=line.level,
            host=line.host,
            added_by=adjustment,
        )
        PlanAdjustmentLine.objects.create(
            adjustment=adjustment,
            item=item,
            kind=PlanAdjustmentLine.Kind.ADD,
            allocation_before=0,
            allocation_after=item.allocation,
        )
        if item.task_id is None:
            _task_for_item(item, by=by, decision=decision)
    PlanEvent.objects.create(
        plan=plan, from_status=plan.status, to_status=plan.status, by=by, reason=reason, document=decision
    )
    return adjustment


# --- Tasks -----------------------------------------------------------------------------------------


@transaction.atomic
def task_register_existing(
    *,
    title: str,
    form: TaskForm,
    field_of_science: FieldOfScience,
    group: PlanGroup,
    plan_year: int,
    status: str,
    by: User,
    code: str = "",
    mode: str = Mode.SELECTION,
    level: str = Level.PROVINCIAL,
    host: Organisation | None = None,
    pi: Person | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    state_budget: Any = 0,
    state_budget_lump_sum: Any = 0,
    counterpart_budget: Any = 0,
    other_budget: Any = 0,
    approval: OfficialDocument | None = None,
    reason: str = "",
) -> Task:
    """Enter a task that began before this system (a 2022 task carried into 2023): it starts in the
    status it has on paper, and its first event says so."""
    _require(by, *MANAGERS)
    budgets = _collect(
        {
            "state_budget": lambda: clean_money(state_budget, _("Ngân sách nhà nước")),
            "state_budget_lump_sum": lambda: clean_money(state_budget_lump_sum, _("Kinh phí khoán"), required=False),
            "counterpart_budget": lambda: clean_money(counterpart_budget, _("Vốn đối ứng"), required=False),
            "other_budget": lambda: clean_money(other_budget, _("Nguồn khác"), required=False),
        }
    )
    if budgets["state_budget_lump_sum"] > budgets["state_budget"]:
        raise ValidationError({"state_budget_lump_sum": _("Kinh phí khoán không được lớn hơn ngân sách nhà nước.")})
    task = Task(
        code=code or _next_code(Task, f"NV-{plan_year}-"),
        title=_required_text(title, _("Tên nhiệm vụ"), 500),
        form=form,
        field=field_of_science,
        group=group,
        plan_year=plan_year,
        status=status,
        mode=mode,
        level=level,
        host=host,
        pi=pi,
        start=start,
        end=end,
        approval=approval,
        legal_regime=legal_regime_on(start or dt.date(plan_year, 1, 1)),
        **budgets,
    )
    record_save(record=task, by=by, reason=reason or _("Nhập nhiệm vụ đã có trước khi dùng hệ thống"))
    TaskEvent.objects.create(
        task=task, from_status="", to_status=status, by=by, reason=reason or _("Nhập nhiệm vụ đã có"), document=approval
    )
    return task


@transaction.atomic
def task_transition(
    *, task: Task, to: str, by: User, reason: str = "", document: OfficialDocument | None = None
) -> Task:
    """Move a task to `to`; only the roles the table allows."""
    task = Task.objects.select_for_update().get(pk=task.pk)
    current = task.status
    workflow.check(workflow.TASK_TRANSITIONS, current, to, by, labels=dict(TS.choices))
    if to == TS.CANCELLED and not reason.strip():
        raise ValidationError(_("Hãy ghi lý do dừng nhiệm vụ."), code="reason_required")
    if to == TS.APPROVED and document is None:
        raise ValidationError(_("Hãy nhập quyết định phê duyệt tổ chức chủ trì và kinh phí."), code="decision_required")
    _check_task_step(task, to, reason=reason, document=document)
    task.status = to
    if to == TS.APPROVED:
        task.approval = document
    record_save(record=task, by=by, reason=reason or str(TS(to).label))
    faults.point("research.task_saved")
    TaskEvent.objects.create(task=task, from_status=current, to_status=to, by=by, reason=reason, document=document)
    return task


def _check_task_step(task: Task, to: str, *, reason: str = "", document: OfficialDocument | None = None) -> None:
    """What each step needs on record before it can be taken (the services that take it write
    that record first, so only a bare transition trips these)."""
    _check_execution_step(task, to, reason=reason, document=document)
    applications = Application.objects.active().filter(task=task)
    if to == TS.CALLING and task.selection_call_id is None:
        raise ValidationError(_("Hãy chọn đợt tuyển chọn, giao trực tiếp."), code="call_required")
    if to == TS.SELECTING and not applications.filter(status=AS.IN_COUNCIL).exists():
        raise ValidationError(_("Chưa có hồ sơ nào được đưa ra hội đồng."), code="no_applications")
    if to == TS.SELECTED and not applications.filter(status=AS.SELECTED).exists():
        raise ValidationError(_("Chưa có hồ sơ được chọn."), code="no_winner")
    if to == TS.APPRAISED and not task.appraisals.active().exists():  # type: ignore[attr-defined]
        raise ValidationError(_("Chưa có kết quả thẩm định nội dung, kinh phí."), code="no_appraisal")


def _check_execution_step(task: Task, to: str, *, reason: str, document: OfficialDocument | None) -> None:
    """Part 2's steps (tasks.md 9–15): the record each one needs."""
    from khcn.research.models import Acceptance, Contract, ResultRegistration

    current = task.status
    if to == TS.IN_PROGRESS and current == TS.APPROVED and not Contract.objects.filter(task=task).exists():
        raise ValidationError(_("Chưa ký hợp đồng thực hiện nhiệm vụ."), code="no_contract")
    if to in (TS.SUSPENDED, TS.TERMINATED) and not reason.strip():
        raise ValidationError(_("Hãy ghi lý do."), code="reason_required")
    if to == TS.TERMINATED and document is None:
        raise ValidationError(_("Hãy nhập quyết định chấm dứt hợp đồng."), code="decision_required")
    acceptance = Acceptance.objects.active().filter(task=task).order_by("-submitted_on", "-pk").first()
    if to == TS.AWAITING_ACCEPTANCE and (acceptance is None or acceptance.grade or acceptance.missing_parts):
        raise ValidationError(_("Chưa có hồ sơ đánh giá, nghiệm thu đầy đủ."), code="no_dossier")
    if to == TS.ACCEPTED and (acceptance is None or acceptance.grade not in ("excellent", "passed")):
        raise ValidationError(_("Hội đồng nghiệm thu chưa xếp loại Đạt trở lên."), code="not_passed")
    if to == TS.ACCEPTED and document is None:
        raise ValidationError(_("Hãy nhập quyết định công nhận kết quả."), code="decision_required")
    if to == TS.FAILED and (acceptance is None or acceptance.grade != "failed"):
        raise ValidationError(_("Hội đồng nghiệm thu chưa xếp loại Không đạt."), code="not_failed")
    if to == TS.COMPLETED and current == TS.ACCEPTED:
        if not ResultRegistration.objects.filter(task=task).exists():
            raise ValidationError(_("Chưa đăng ký kết quả."), code="not_registered")
        contract = Contract.objects.filter(task=task).first()
        if contract is not None and contract.liquidated_on is None:
            raise ValidationError(_("Hợp đồng chưa được thanh lý."), code="not_liquidated")
    recovered = to == TS.COMPLETED and task.recoveries.active().exists()  # type: ignore[attr-defined]
    if to == TS.COMPLETED and current == TS.FAILED and not recovered and not reason.strip():
        raise ValidationError(
            _("Chưa có quyết định thu hồi kinh phí; nếu không thu hồi (rủi ro được chấp nhận), hãy ghi lý do."),
            code="no_recovery",
        )


@transaction.atomic
def task_open_call(
    *, task: Task, call: Call, by: User, mode: str | None = None, host: Organisation | None = None
) -> Task:
    """Announce the task for host applications (selection), or name the host (direct assignment)."""
    if call.kind != Call.Kind.APPLICATIONS:
        raise ValidationError(_("Hãy chọn đợt tuyển chọn, giao trực tiếp."), code="wrong_call")
    task = Task.objects.select_for_update().get(pk=task.pk)
    if mode is not None:
        task.mode = mode
    if task.mode == Mode.DIRECT_ASSIGNMENT:
        task.host = host or task.host
        if task.host is None:
            raise ValidationError(_("Giao trực tiếp: hãy chọn tổ chức được giao chủ trì."), code="host_required")
    task.selection_call = call
    record_save(record=task, by=by)
    return task_transition(task=task, to=TS.CALLING, by=by, reason=str(call), document=call.notice)


# --- Applications, selection, appraisal ------------------------------------------------------------


@transaction.atomic
def application_submit(
    *,
    task: Task,
    by: User,
    pi: Person | None,
    duration_months: Any,
    state_budget: Any,
    state_budget_lump_sum: Any = 0,
    counterpart_budget: Any = 0,
    other_budget: Any = 0,
    members: Iterable[tuple[Person, str]] = (),
    summary: str = "",
    host: Organisation | None = None,
    received_on: dt.date | None = None,
) -> Application:
    """A host organisation applies to carry out a task that is open for applications."""
    is_host = has_role(by, roles.HOST_USER) and not has_role(by, *MANAGERS)
    if is_host:
        host = organisation_of_user(by)
        if host is None:
            raise PermissionDenied(_("Tài khoản của bạn chưa gắn với tổ chức nào; hãy liên hệ Sở."))
        received_on = _today()
    else:
        _require(by, *MANAGERS)
        received_on = received_on or _today()
    task = Task.objects.select_related("selection_call", "host").get(pk=task.pk)
    if task.status != TS.CALLING or task.selection_call is None:
        raise ValidationError(_("Nhiệm vụ %(code)s không đang nhận hồ sơ đăng ký chủ trì.") % {"code": task.code})
    _check_call_accepts(task.selection_call, Call.Kind.APPLICATIONS, received_on)
    values = _collect(
        {
            "host": lambda: _required_object(host, _("Tổ chức đăng ký chủ trì")),
            "pi": lambda: _required_object(pi, _("Chủ nhiệm")),
            "duration_months": lambda: clean_months(duration_months, _("Thời gian thực hiện")),
            "state_budget": lambda: clean_money(state_budget, _("Ngân sách nhà nước")),
            "state_budget_lump_sum": lambda: clean_money(state_budget_lump_sum, _("Kinh phí khoán"), required=False),
            "counterpart_budget": lambda: clean_money(counterpart_budget, _("Vốn đối ứng"), required=False),
            "other_budget": lambda: clean_money(other_budget, _("Nguồn khác"), required=False),
        }
    )
    if values["state_budget_lump_sum"] > values["state_budget"]:
        raise ValidationError({"state_budget_lump_sum": _("Kinh phí khoán không được lớn hơn ngân sách nhà nước.")})
    if task.mode == Mode.DIRECT_ASSIGNMENT and task.host_id and values["host"].pk != task.host_id:
        raise ValidationError(_("Nhiệm vụ này giao trực tiếp cho %(host)s.") % {"host": task.host}, code="not_assigned")
    if Application.objects.active().filter(task=task, host=values["host"]).exclude(status=AS.WITHDRAWN).exists():
        raise ValidationError(_("Tổ chức này đã nộp hồ sơ cho nhiệm vụ này."), code="duplicate_application")
    application = Application(
        task=task,
        call=task.selection_call,
        summary=summary,
        received_on=received_on,
        submitted_by=by,
        status=AS.SUBMITTED,
        **values,
    )
    record_save(record=application, by=by, reason=_("Nộp hồ sơ đăng ký chủ trì"))
    seen = {values["pi"].pk}
    for person, role in members:
        if person.pk in seen:
            continue
        seen.add(person.pk)
        ApplicationMember.objects.create(application=application, person=person, role=role)
    ApplicationEvent.objects.create(application=application, from_status="", to_status=AS.SUBMITTED, by=by)
    return application


@transaction.atomic
def application_transition(
    *, application: Application, to: str, by: User, reason: str = "", document: OfficialDocument | None = None
) -> Application:
    """Move an application to `to`; a host user only withdraws its own organisation's."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    current = application.status
    workflow.check(workflow.APPLICATION_TRANSITIONS, current, to, by, labels=dict(AS.choices))
    if has_role(by, roles.HOST_USER) and not has_role(by, *MANAGERS):
        own = organisation_of_user(by)
        if own is None or own.pk != application.host_id:
            raise PermissionDenied(_("Bạn chỉ rút được hồ sơ của tổ chức mình."))
    if to == AS.INVALID and not reason.strip():
        raise ValidationError(_("Hãy ghi lý do hồ sơ không hợp lệ."), code="reason_required")
    if to in (AS.SELECTED, AS.NOT_SELECTED) and application.task.status != TS.SELECTING:
        # The winner is picked by selection_conclude from the council's results, nowhere else.
        raise ValidationError(_("Nhiệm vụ chưa ở bước xét chọn."), code="not_selecting")
    application.status = to
    record_save(record=application, by=by, reason=reason or str(AS(to).label))
    ApplicationEvent.objects.create(
        application=application, from_status=current, to_status=to, by=by, reason=reason, document=document
    )
    return application


@transaction.atomic
def selection_send_to_council(*, task: Task, council: Any, by: User) -> list[Any]:
    """Put every valid application for a task before the selection (or direct-assignment) council."""
    task = Task.objects.get(pk=task.pk)
    expected = Council.Kind.DIRECT_ASSIGNMENT if task.mode == Mode.DIRECT_ASSIGNMENT else Council.Kind.SELECTION
    if council.kind != expected:
        raise ValidationError(
            _("Nhiệm vụ %(mode)s cần hội đồng loại “%(kind)s”.")
            % {"mode": task.get_mode_display().lower(), "kind": Council.Kind(expected).label},
            code="wrong_council",
        )
    applications = list(Application.objects.active().filter(task=task, status=AS.VALID).select_related("host"))
    if not applications:
        raise ValidationError(
            _("Nhiệm vụ %(code)s chưa có hồ sơ hợp lệ nào.") % {"code": task.code}, code="no_applications"
        )
    objects = []
    for application in applications:
        application_transition(application=application, to=AS.IN_COUNCIL, by=by, reason=str(council))
        objects.append(
            council_services.council_object_add(
                council=council, target=application, by=by, title=f"{task.title} – {application.host}", group=task.code
            )
        )
    task_transition(task=task, to=TS.SELECTING, by=by, reason=str(council))
    return objects


@dataclass
class Ranked:
    application: Application
    status: str  # the council's: pending, no_quorum, passed, failed
    mean_score: Decimal | None
    explanation: list[str]


@dataclass
class Ranking:
    rows: list[Ranked]
    leaders: list[Ranked]  # the passing applications with the highest mean (more than one: a tie)
    pending: list[Ranked]

    @property
    def tie(self) -> bool:
        return len(self.leaders) > 1


def selection_ranking(task: Task) -> Ranking:
    """The council's result for each application before it, best mean first."""
    kinds = [Council.Kind.SELECTION, Council.Kind.DIRECT_ASSIGNMENT]
    rows: list[Ranked] = []
    for application in (
        Application.objects.active().filter(task=task, status=AS.IN_COUNCIL).select_related("host", "pi")
    ):
        council_object = _latest_council_object(application, kinds)
        if council_object is None:
            rows.append(Ranked(application, "pending", None, [_("Chưa đưa ra hội đồng")]))
            continue
        result = council_selectors.council_result(council_object)
        rows.append(Ranked(application, result.status, result.mean_score, [str(x) for x in result.explanation]))
    rows.sort(key=lambda r: (r.status != "passed", -(r.mean_score or Decimal(0)), r.application.pk))
    passing = [r for r in rows if r.status == "passed"]
    best = passing[0].mean_score if passing else None
    leaders = [r for r in passing if r.mean_score == best]
    pending = [r for r in rows if r.status in ("pending", "no_quorum")]
    return Ranking(rows=rows, leaders=leaders, pending=pending)


@transaction.atomic
def selection_conclude(*, task: Task, by: User, winner: Application | None = None, reason: str = "") -> Task:
    """Pick the host: the passing application with the highest mean score. A tie is reported and
    staff name the winner with a reason (the key criterion, then the chair's vote); no passing
    application means no winner."""
    ranking = selection_ranking(task)
    if not ranking.rows:
        raise ValidationError(_("Chưa có hồ sơ nào trước hội đồng."), code="no_applications")
    if ranking.pending:
        names = ", ".join(str(r.application.host) for r in ranking.pending)
        raise ValidationError(
            _("Hội đồng chưa có kết luận cho hồ sơ của: %(names)s.") % {"names": names}, code="pending"
        )
    if not ranking.leaders:
        for row in ranking.rows:
            application_transition(application=row.application, to=AS.NOT_SELECTED, by=by, reason=_("Không đạt"))
        return task_transition(task=task, to=TS.NO_WINNER, by=by, reason=reason or _("Không có hồ sơ đạt yêu cầu."))
    if ranking.tie:
        tied = [r.application for r in ranking.leaders]
        if winner is None or winner not in tied:
            names = "; ".join(f"{a.host} ({ranking.leaders[0].mean_score})" for a in tied)
            raise ValidationError(
                _("Có %(n)d hồ sơ cùng điểm trung bình cao nhất: %(names)s. Hãy chọn một hồ sơ và ghi lý do.")
                % {"n": len(tied), "names": names},
                code="tie",
            )
        if not reason.strip():
            raise ValidationError(_("Điểm bằng nhau: hãy ghi lý do chọn hồ sơ này."), code="reason_required")
    else:
        chosen = ranking.leaders[0].application
        if winner is not None and winner != chosen:
            raise ValidationError(
                _("Hồ sơ có điểm trung bình cao nhất là của %(host)s.") % {"host": chosen.host}, code="not_best"
            )
        winner = chosen
    assert winner is not None
    for row in ranking.rows:
        if row.application == winner:
            application_transition(
                application=row.application,
                to=AS.SELECTED,
                by=by,
                reason=reason or _("Điểm trung bình %(mean)s") % {"mean": row.mean_score},
            )
        else:
            application_transition(application=row.application, to=AS.NOT_SELECTED, by=by, reason=_("Không được chọn"))
    task = Task.objects.get(pk=task.pk)
    task.host = winner.host
    task.pi = winner.pi
    record_save(record=task, by=by, reason=_("Chọn tổ chức chủ trì"))
    return task_transition(task=task, to=TS.SELECTED, by=by, reason=reason or str(winner.host))


@transaction.atomic
def appraisal_record(
    *,
    task: Task,
    by: User,
    date: dt.date,
    state_budget: Any,
    state_budget_lump_sum: Any,
    duration_months: Any,
    counterpart_budget: Any = 0,
    other_budget: Any = 0,
    conclusion: str = "",
    minutes: OfficialDocument | None = None,
) -> Appraisal:
    """Record the content and budget appraisal; its figures become the task's budget by source."""
    _require(by, *MANAGERS)
    task = Task.objects.get(pk=task.pk)
    if task.status != TS.SELECTED:
        raise ValidationError(
            _("Nhiệm vụ %(code)s chưa chọn xong tổ chức chủ trì (đang “%(status)s”).")
            % {"code": task.code, "status": task.get_status_display()}
        )
    values = _collect(
        {
            "date": lambda: _required_object(date, _("Ngày thẩm định")),
            "state_budget": lambda: clean_money(state_budget, _("Ngân sách nhà nước")),
            "state_budget_lump_sum": lambda: clean_money(state_budget_lump_sum, _("Kinh phí khoán")),
            "counterpart_budget": lambda: clean_money(counterpart_budget, _("Vốn đối ứng"), required=False),
            "other_budget": lambda: clean_money(other_budget, _("Nguồn khác"), required=False),
            "duration_months": lambda: clean_months(duration_months, _("Thời gian thực hiện")),
        }
    )
    if values["state_budget_lump_sum"] > values["state_budget"]:
        raise ValidationError({"state_budget_lump_sum": _("Kinh phí khoán không được lớn hơn ngân sách nhà nước.")})
    application = Application.objects.filter(task=task, status=AS.SELECTED).first()
    appraisal = record_save(
        record=Appraisal(task=task, application=application, minutes=minutes, conclusion=conclusion, **values), by=by
    )
    task = Task.objects.get(pk=task.pk)
    for name in ("state_budget", "state_budget_lump_sum", "counterpart_budget", "other_budget"):
        setattr(task, name, values[name])
    record_save(
        record=task, by=by, reason=_("Kinh phí theo thẩm định ngày %(date)s") % {"date": format_date(values["date"])}
    )
    task_transition(
        task=task,
        to=TS.APPRAISED,
        by=by,
        reason=_("NSNN %(state)s, trong đó khoán %(lump)s")
        % {
            "state": group_thousands(values["state_budget"]),
            "lump": group_thousands(values["state_budget_lump_sum"]),
        },
        document=minutes,
    )
    return appraisal


@transaction.atomic
def task_approve(
    *, task: Task, decision: OfficialDocument, by: User, start: dt.date, end: dt.date | None = None
) -> Task:
    """Record the decision approving host, PI, budget and duration (step 8)."""
    if start is None:
        raise ValidationError({"start": _("Hãy nhập ngày bắt đầu.")})
    task = Task.objects.get(pk=task.pk)
    appraisal = task.appraisals.active().order_by("-date", "-pk").first()  # type: ignore[attr-defined]
    if end is None and appraisal is not None:
        end = add_months(start, appraisal.duration_months) - dt.timedelta(days=1)
    if end is not None and end < start:
        raise ValidationError({"end": _("Ngày kết thúc phải sau ngày bắt đầu.")})
    task = Task.objects.get(pk=task.pk)
    task.start, task.end = start, end
    record_save(record=task, by=by, reason=str(decision))
    return task_transition(task=task, to=TS.APPROVED, by=by, document=decision, reason=str(decision))
