"""The back office of part 1 of the task lifecycle.

Statuses, codes and plan lines are read-only here: they change only through the services (the
staff pages under /nhiem-vu/ call them), so the workflow table and the event history cannot be
bypassed from a change form. Each list links to the staff pages that do the work.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from unfold.admin import ModelAdmin, TabularInline
from unfold.decorators import action

from khcn.core.admin import RecordAdmin
from khcn.core.admin_tabular import TabularAdminMixin
from khcn.lib.formats import format_vnd
from khcn.research.models import (
    Application,
    ApplicationEvent,
    ApplicationMember,
    Appraisal,
    Call,
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
)


class EventInline(TabularInline):
    extra = 0
    can_delete = False
    fields = ("at", "from_status", "to_status", "by", "reason", "document")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ProposalEventInline(EventInline):
    model = ProposalEvent


class TaskEventInline(EventInline):
    model = TaskEvent


class PlanEventInline(EventInline):
    model = PlanEvent


class ApplicationEventInline(EventInline):
    model = ApplicationEvent


def _money(label: Any, field: str) -> Any:
    # Bound as a method of the admin class, hence (self, obj).
    def display(self: Any, obj: Any) -> str:
        return format_vnd(getattr(obj, field))

    display.short_description = label  # type: ignore[attr-defined]
    display.admin_order_field = field  # type: ignore[attr-defined]
    return display


class StaffPageLink:
    """A "Mở trang xử lý" column and list action pointing at the staff page of the record."""

    page_url_name = ""

    @admin.display(description=_("Trang xử lý"))
    def page_link(self, obj: Any) -> str:
        return format_html('<a href="{}">{}</a>', reverse(self.page_url_name, args=[obj.pk]), _("Mở"))


@admin.register(PlanGroup)
class PlanGroupAdmin(SimpleHistoryAdmin, ModelAdmin):
    list_display = ("order", "code", "name", "is_active")
    list_display_links = ("name",)
    ordering = ("order", "code")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Call)
class CallAdmin(RecordAdmin):
    list_display = ("year", "title", "kind", "province", "opens_on", "deadline")
    # Calls are a few a year per province, so listing the provinces that have one is cheap.
    list_filter = ("kind", "year", ("province", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("province",)
    search_fields = ("title",)
    autocomplete_fields = ("notice", "province")


@admin.register(Proposal)
class ProposalAdmin(StaffPageLink, TabularAdminMixin, RecordAdmin):
    dataset_name = "proposals"
    page_url_name = "research:proposal-detail"
    list_display = ("code", "title", "proposer_org", "field", "estimated_budget_vnd", "status", "page_link")
    list_filter = ("status", "call__year", "channel", "task_form")
    list_select_related = ("proposer_org", "field")
    search_fields = ("code", "title", "proposer_org__name")
    autocomplete_fields = ("proposer_org", "proposer_person", "duplicate_of", "merged_into")
    readonly_fields = (
        *RecordAdmin.readonly_fields,
        "code",
        "status",
        "channel",
        "submitted_by",
        "duplicate_of",
        "merged_into",
    )
    inlines = [ProposalEventInline]
    actions = ["archive_selected", "send_to_council"]
    actions_list = [*TabularAdminMixin.actions_list, "open_council_page"]
    estimated_budget_vnd = _money(_("kinh phí dự kiến"), "estimated_budget")

    def has_add_permission(self, request: HttpRequest) -> bool:
        # A proposal is created by proposal_submit (the front-site form) or by an import.
        return False

    @admin.action(description=_("Đưa ra hội đồng tư vấn xác định nhiệm vụ"))
    def send_to_council(self, request: HttpRequest, queryset: Any) -> HttpResponse:
        years = sorted(set(queryset.values_list("call__year", flat=True)))
        url = reverse("research:proposal-council")
        return HttpResponseRedirect(f"{url}?nam={years[0]}" if len(years) == 1 else url)

    @action(description=_("Hội đồng xác định nhiệm vụ"), url_path="hoi-dong", icon="groups", permissions=["view"])
    def open_council_page(self, request: HttpRequest) -> HttpResponse:
        return HttpResponseRedirect(reverse("research:proposal-council"))

    def has_import_permission(self, request: HttpRequest) -> bool:
        # has_add_permission is off (no hand-made proposals in the back office); importing still
        # needs the model's add and change permissions.
        return request.user.has_perm("research.add_proposal") and self.has_change_permission(request)


class PlanItemInline(TabularInline):
    model = PlanItem
    fk_name = "plan"
    extra = 0
    can_delete = False
    fields = ("order", "group", "task", "title", "carried_over", "allocation", "removed_by")
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("group", "task", "removed_by")


@admin.register(Plan)
class PlanAdmin(StaffPageLink, RecordAdmin):
    page_url_name = "research:plan-detail"
    list_display = ("year", "title", "province", "status", "decision", "page_link")
    list_filter = ("status",)
    list_select_related = ("province", "decision")
    readonly_fields = (*RecordAdmin.readonly_fields, "status", "decision", "year", "province")
    inlines = [PlanItemInline, PlanEventInline]
    actions_list = ["open_dashboard", "open_plans"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # plan_create checks one plan per year and province

    @action(description=_("Bảng tổng hợp theo năm"), url_path="tong-hop", icon="analytics", permissions=["view"])
    def open_dashboard(self, request: HttpRequest) -> HttpResponse:
        return HttpResponseRedirect(reverse("research:dashboard"))

    @action(description=_("Trang kế hoạch"), url_path="trang-ke-hoach", icon="event_note", permissions=["view"])
    def open_plans(self, request: HttpRequest) -> HttpResponse:
        return HttpResponseRedirect(reverse("research:plan-list"))


@admin.register(PlanItem)
class PlanItemAdmin(RecordAdmin):
    list_display = ("plan", "group", "title", "carried_over", "allocation_vnd", "task")
    list_filter = ("plan__year", "group", "carried_over")
    list_select_related = ("plan", "group", "task")
    search_fields = ("title", "task__code")
    allocation_vnd = _money(_("kinh phí năm"), "allocation")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # Lines and their money change through the plan pages (draft) or an adjustment decision.
        return [f.name for f in PlanItem._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


class PlanAdjustmentLineInline(TabularInline):
    model = PlanAdjustmentLine
    extra = 0
    can_delete = False
    fields = ("kind", "item", "allocation_before", "allocation_after")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PlanAdjustment)
class PlanAdjustmentAdmin(RecordAdmin):
    list_display = ("plan", "decision", "reason", "applied_by")
    list_select_related = ("plan", "decision", "applied_by")
    readonly_fields = (*RecordAdmin.readonly_fields, "plan", "decision", "applied_by")
    inlines = [PlanAdjustmentLineInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Task)
class TaskAdmin(StaffPageLink, RecordAdmin):
    page_url_name = "research:task-detail"
    list_display = ("code", "title", "group", "host", "plan_year", "status", "page_link")
    list_filter = ("status", "plan_year", "group", "mode", "legal_regime")
    list_select_related = ("group", "host")
    search_fields = ("code", "title", "host__name")
    # Host, PI, dates and budget are fixed by selection, appraisal and the approval decision;
    # changing them later is an adjustment with its own decision (part 2), not an edit here.
    readonly_fields = (
        *RecordAdmin.readonly_fields,
        "code",
        "status",
        "proposal",
        "selection_call",
        "approval",
        "host",
        "pi",
        "plan_year",
        "mode",
        "start",
        "end",
        "state_budget",
        "state_budget_lump_sum",
        "counterpart_budget",
        "other_budget",
    )
    inlines = [TaskEventInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


class ApplicationMemberInline(TabularInline):
    model = ApplicationMember
    extra = 0
    autocomplete_fields = ("person",)


@admin.register(Application)
class ApplicationAdmin(StaffPageLink, RecordAdmin):
    page_url_name = "research:application-detail"
    list_display = ("task", "host", "pi", "state_budget_vnd", "status", "page_link")
    list_filter = ("status",)
    list_select_related = ("task", "host", "pi")
    search_fields = ("task__code", "task__title", "host__name")
    # The dossier as submitted: only the summary can be corrected here.
    readonly_fields = (
        *RecordAdmin.readonly_fields,
        "status",
        "task",
        "call",
        "submitted_by",
        "host",
        "pi",
        "received_on",
        "state_budget",
        "state_budget_lump_sum",
        "counterpart_budget",
        "other_budget",
    )
    inlines = [ApplicationMemberInline, ApplicationEventInline]
    state_budget_vnd = _money(_("NSNN đề nghị"), "state_budget")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Appraisal)
class AppraisalAdmin(RecordAdmin):
    list_display = ("task", "date", "state_budget_vnd", "lump_sum_vnd", "duration_months")
    list_select_related = ("task",)
    readonly_fields = (
        *RecordAdmin.readonly_fields,
        "task",
        "application",
        "state_budget",
        "state_budget_lump_sum",
        "counterpart_budget",
        "other_budget",
    )
    state_budget_vnd = _money(_("NSNN"), "state_budget")
    lump_sum_vnd = _money(_("khoán"), "state_budget_lump_sum")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


# --- Part 2: contract to results ----------------------------------------------------------------
#
# Money and statuses change only through the services (services/execution.py). An admin form whose
# save changes them calls its service; the form first runs the same call as a dry run inside a
# rolled-back savepoint, so a refusal ("disbursing more than the remaining allocation") shows the
# service's message on the form and nothing is written. Contract signing, report reviews,
# adjustments and acceptance change task statuses with their events: they are done on the staff
# task page, and are read-only here.

from django.core.exceptions import PermissionDenied  # noqa: E402
from django.core.exceptions import ValidationError as _ValidationError  # noqa: E402
from django.db import transaction  # noqa: E402
from django.db.models import Model  # noqa: E402

from khcn.core.admin import AttachmentInline, VersionedForm  # noqa: E402
from khcn.core.services import record_save  # noqa: E402
from khcn.research import services as research_services  # noqa: E402
from khcn.research.models import (  # noqa: E402
    Acceptance,
    Adjustment,
    AdjustmentEvent,
    Asset,
    Contract,
    ContractAmendment,
    Disbursement,
    ExecutionRule,
    MonitoringVisit,
    Output,
    ProgressReport,
    ProgressReportEvent,
    Recovery,
    ResultApplication,
    ResultRegistration,
    Settlement,
    TaskMember,
    Tranche,
)


class _DryRun(Exception):
    """Raised inside the savepoint to roll the dry run back."""


def _put_errors(form: Any, exc: _ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class ServiceForm(VersionedForm):
    """Validates by calling the admin's service in a savepoint that is always rolled back."""

    service_admin: Any = None
    service_request: Any = None

    def _post_clean(self) -> None:
        super()._post_clean()  # type: ignore[misc]
        if self.errors or self.service_admin is None:
            return
        change = self.instance.pk is not None
        if not self.service_admin.uses_service(self, change):
            return
        try:
            with transaction.atomic():
                self.service_admin.run_service(self.service_request, self, change)
                raise _DryRun
        except _DryRun:
            pass
        except _ValidationError as exc:
            _put_errors(self, exc)
        except PermissionDenied as exc:
            self.add_error(None, str(exc) or str(_("Bạn không có quyền thực hiện việc này.")))


class ServiceAdmin(RecordAdmin):
    """A RecordAdmin whose add (and, for `service_fields`, change) goes through a service.

    `add_fields` are the fields of the add form; on change, only `change_editable` may be edited
    (plain record_save, history kept) and `service_fields` through `change_service`."""

    form = ServiceForm
    add_fields: tuple[str, ...] = ()
    change_editable: tuple[str, ...] = ()
    service_fields: tuple[str, ...] = ()
    optional_on_add: tuple[str, ...] = ()  # filled in by the service when left blank

    def add_service(self, request: HttpRequest, data: dict[str, Any]) -> Model:
        raise NotImplementedError

    def change_service(self, request: HttpRequest, obj: Any, data: dict[str, Any]) -> Model:
        raise NotImplementedError

    def uses_service(self, form: Any, change: bool) -> bool:
        return not change or bool(set(form.changed_data) & set(self.service_fields))

    def run_service(self, request: HttpRequest, form: Any, change: bool) -> Model:
        data = {name: value for name, value in form.cleaned_data.items() if name != "loaded_version"}
        if not change:
            return self.add_service(request, data)
        # A fresh copy: the service must see the row as stored, not the form's edited instance.
        fresh = type(form.instance)._default_manager.get(pk=form.instance.pk)
        result = self.change_service(request, fresh, data)
        rest = [name for name in form.changed_data if name in self.change_editable and name not in self.service_fields]
        if rest:
            for name in rest:
                setattr(result, name, data[name])
            record_save(record=result, by=request.user)  # type: ignore[arg-type, type-var]
        return result

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        base = super().get_form(request, obj, change=change, **kwargs)
        admin_ = self

        class Bound(base):  # type: ignore[misc, valid-type]
            service_admin = admin_
            service_request = request

        if obj is None:
            for name in self.optional_on_add:
                if name in Bound.base_fields:
                    Bound.base_fields[name].required = False
        return Bound

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        if obj is None and self.add_fields:
            return [*self.add_fields, "loaded_version"]
        return super().get_fields(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return super().get_readonly_fields(request, obj)
        editable = set(self.change_editable) | set(self.service_fields)
        return [f.name for f in self.model._meta.fields if f.name not in editable]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not self.uses_service(form, change):
            super().save_model(request, obj, form, change)
            return
        result = self.run_service(request, form, change)
        # The admin goes on with `obj` (history message, inlines, redirect): make it the saved row.
        for model_field in obj._meta.concrete_fields:
            setattr(obj, model_field.attname, getattr(result, model_field.attname))
        obj._state.adding = False
        obj._state.db = result._state.db


class ReadOnlyInline(TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyRecordAdmin(StaffPageLink, RecordAdmin):
    """Records written by the staff pages' services (statuses with their events): read here."""

    page_url_name = "research:task-detail"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [f.name for f in self.model._meta.fields]

    @admin.display(description=_("Trang xử lý"))
    def page_link(self, obj: Any) -> str:
        return format_html('<a href="{}">{}</a>', reverse(self.page_url_name, args=[obj.task_id]), _("Mở"))


@admin.register(ExecutionRule)
class ExecutionRuleAdmin(RecordAdmin):
    """Rule data: science officers edit it (research.change_executionrule); history is kept."""

    list_display = (
        "name",
        "legal_regime",
        "valid_from",
        "valid_to",
        "report_period_months",
        "extension_max_count",
        "extension_min_days_before_end",
    )
    list_filter = ("legal_regime",)
    search_fields = ("name", "legal_basis")
    date_hierarchy = "valid_from"


class TrancheInline(ReadOnlyInline):
    model = Tranche
    fields = ("number", "kind", "amount", "planned_on", "condition")
    readonly_fields = fields


class AmendmentInline(ReadOnlyInline):
    model = ContractAmendment
    fields = ("number", "signed_on", "content", "adjustment")
    readonly_fields = fields


@admin.register(Contract)
class ContractAdmin(ServiceAdmin):
    list_display = ("number", "task", "host", "signed_on", "start", "end", "state_budget_vnd", "liquidated_on")
    list_filter = ("signed_on", "liquidated_on")
    list_select_related = ("task", "host")
    search_fields = ("number", "task__code", "task__title", "host__name")
    date_hierarchy = "signed_on"
    change_editable = ("department_signer", "note")
    inlines = [TrancheInline, AmendmentInline, AttachmentInline]
    state_budget_vnd = _money(_("NSNN"), "state_budget")

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Signing moves the task into progress with its tranche schedule: research:contract-sign.
        return False


@admin.register(Tranche)
class TrancheAdmin(ServiceAdmin):
    list_display = ("contract", "number", "kind", "amount_vnd", "planned_on", "condition")
    list_filter = ("kind", "condition")
    list_select_related = ("contract",)
    search_fields = ("contract__number", "contract__task__code")
    autocomplete_fields = ("contract",)
    add_fields = ("contract", "number", "kind", "amount", "planned_on", "condition")
    optional_on_add = ("number",)
    change_editable = ("planned_on",)
    amount_vnd = _money(_("số tiền"), "amount")

    def add_service(self, request: HttpRequest, data: dict[str, Any]) -> Model:
        return research_services.tranche_add(
            contract=data["contract"],
            number=data.get("number"),
            kind=data["kind"],
            amount=data["amount"],
            planned_on=data.get("planned_on"),
            condition=data["condition"],
            by=request.user,  # type: ignore[arg-type]
        )


@admin.register(ContractAmendment)
class ContractAmendmentAdmin(ServiceAdmin):
    list_display = ("contract", "number", "signed_on", "adjustment")
    list_select_related = ("contract", "adjustment", "adjustment__task")
    search_fields = ("number", "contract__number", "content")
    date_hierarchy = "signed_on"
    autocomplete_fields = ("contract",)
    raw_id_fields = ("adjustment",)
    add_fields = ("contract", "number", "signed_on", "content", "adjustment")
    change_editable = ("content",)

    def add_service(self, request: HttpRequest, data: dict[str, Any]) -> Model:
        return research_services.contract_amend(by=request.user, **data)  # type: ignore[arg-type]


@admin.register(TaskMember)
class TaskMemberAdmin(ServiceAdmin):
    list_display = ("task", "person", "role", "workdays")
    list_filter = ("role",)
    list_select_related = ("task", "person")
    search_fields = ("task__code", "person__full_name", "person__name_folded")
    autocomplete_fields = ("task", "person")
    add_fields = ("task", "person", "role", "workdays")
    change_editable = ("workdays",)

    def add_service(self, request: HttpRequest, data: dict[str, Any]) -> Model:
        return research_services.task_member_add(by=request.user, **data)  # type: ignore[arg-type]


@admin.register(Output)
class OutputAdmin(ServiceAdmin):
    list_display = ("task", "name", "form", "quantity_planned", "quantity_achieved", "achieved")
    list_filter = ("form", "achieved")
    list_select_related = ("task",)
    search_fields = ("name", "task__code")
    autocomplete_fields = ("task",)
    add_fields = ("task", "form", "name", "quantity_planned", "quality_target")
    change_editable = ("name", "quality_target")
    service_fields = ("quantity_achieved", "achieved", "assessed_on", "note")

    def add_service(self, request: HttpRequest, data: dict[str, Any]) -> Model:
        return research_services.output_add(by=request.user, **data)  # type: ignore[arg-type]

    def change_service(self, request: HttpRequest, obj: Any, data: dict[str, Any]) -> Model:
        return research_services.output_assess(
            output=obj,
            quantity_achieved=data.get("quantity_achieved"),  # type: ignore[arg-type]
            achieved=bool(data.get("achieved")),
            assessed_on=data.get("assessed_on"),  # type: ignore[arg-type]
            note=data.get("note") or "",
            by=request.user,  # type: ignore[arg-type]
        )


@admin.register(Disbursement)
class DisbursementAdmin(ServiceAdmin):
    list_display = ("task", "paid_on", "kind", "source", "tranche", "budget_year", "amount_vnd", "voucher")
    list_filter = ("budget_year", "source", "kind")
    list_select_related = ("task", "tranche")
    search_fields = ("task__code", "task__title", "voucher")
    date_hierarchy = "paid_on"
    autocomplete_fields = ("task", "tranche")
    add_fields = ("task", "tranche", "kind", "source", "budget_year", "amount", "paid_on", "voucher", "note")
    optional_on_add = ("budget_year",)
    change_editable = ("voucher", "note")
    amount_vnd = _money(_("số tiền"), "amount")

    def add_service(self, request: HttpRequest, data: dict[str, Any]) -> Model:
        return research_services.disbursement_record(by=request.user, **data)  # type: ignore[arg-type]


@admin.register(Settlement)
class SettlementAdmin(ServiceAdmin):
    list_display = ("task", "year", "settled_on", "amount_settled_vnd", "carried_over_vnd", "is_final")
    list_filter = ("year", "is_final")
    list_select_related = ("task",)
    search_fields = ("task__code", "task__title")
    date_hierarchy = "settled_on"
    autocomplete_fields = ("task", "document")
    add_fields = ("task", "year", "settled_on", "amount_settled", "carried_over", "is_final", "document", "note")
    change_editable = ("document", "note")
    amount_settled_vnd = _money(_("được quyết toán"), "amount_settled")
    carried_over_vnd = _money(_("chuyển năm sau"), "carried_over")

    def add_service(self, request: HttpRequest, data: dict[str, Any]) -> Model:
        return research_services.settlement_record(by=request.user, **data)  # type: ignore[arg-type]


@admin.register(Recovery)
class RecoveryAdmin(ServiceAdmin):
    list_display = ("task", "reason", "amount_vnd", "decided_on", "decision", "returned_on")
    list_filter = ("reason", "returned_on")
    list_select_related = ("task", "decision")
    search_fields = ("task__code", "task__title")
    date_hierarchy = "decided_on"
    autocomplete_fields = ("task", "decision")
    add_fields = ("task", "reason", "amount", "decided_on", "decision", "note")
    change_editable = ("note",)
    service_fields = ("returned_on",)
    amount_vnd = _money(_("số tiền thu hồi"), "amount")

    def add_service(self, request: HttpRequest, data: dict[str, Any]) -> Model:
        return research_services.recovery_record(by=request.user, **data)  # type: ignore[arg-type]

    def change_service(self, request: HttpRequest, obj: Any, data: dict[str, Any]) -> Model:
        return research_services.recovery_mark_returned(
            recovery=obj,
            returned_on=data.get("returned_on"),  # type: ignore[arg-type]
            by=request.user,  # type: ignore[arg-type]
        )


class ProgressReportEventInline(EventInline):
    model = ProgressReportEvent


@admin.register(ProgressReport)
class ProgressReportAdmin(ReadOnlyRecordAdmin):
    list_display = ("task", "period_start", "period_end", "due_on", "submitted_on", "status", "page_link")
    list_filter = ("status",)
    list_select_related = ("task",)
    search_fields = ("task__code", "task__title")
    date_hierarchy = "submitted_on"
    inlines = [ProgressReportEventInline, AttachmentInline]


@admin.register(MonitoringVisit)
class MonitoringVisitAdmin(ServiceAdmin):
    list_display = ("task", "visited_on", "conclusion", "inspectors", "minutes")
    list_filter = ("conclusion",)
    list_select_related = ("task", "minutes")
    search_fields = ("task__code", "task__title", "inspectors")
    date_hierarchy = "visited_on"
    autocomplete_fields = ("task", "minutes")
    add_fields = ("task", "visited_on", "inspectors", "findings", "conclusion", "recommendations", "minutes")
    # The conclusion counts towards tranche conditions: fixed once recorded.
    change_editable = ("inspectors", "findings", "recommendations", "minutes")

    def add_service(self, request: HttpRequest, data: dict[str, Any]) -> Model:
        return research_services.monitoring_visit_record(by=request.user, **data)  # type: ignore[arg-type]


class AdjustmentEventInline(EventInline):
    model = AdjustmentEvent


@admin.register(Adjustment)
class AdjustmentAdmin(ReadOnlyRecordAdmin):
    list_display = ("task", "kind", "requested_on", "new_end", "status", "decision", "page_link")
    list_filter = ("kind", "status")
    list_select_related = ("task", "decision")
    search_fields = ("task__code", "task__title", "description")
    date_hierarchy = "requested_on"
    inlines = [AdjustmentEventInline, AttachmentInline]


@admin.register(Acceptance)
class AcceptanceAdmin(ReadOnlyRecordAdmin):
    list_display = ("task", "submitted_on", "self_grade", "council", "grade", "graded_on", "decision", "page_link")
    list_filter = ("grade", "self_grade")
    list_select_related = ("task", "council", "decision")
    search_fields = ("task__code", "task__title")
    date_hierarchy = "submitted_on"


@admin.register(ResultRegistration)
class ResultRegistrationAdmin(ServiceAdmin):
    list_display = ("number", "task", "registered_on", "deposit_place", "handed_over_on", "handed_over_to")
    list_select_related = ("task", "handed_over_to")
    search_fields = ("number", "task__code", "task__title", "national_system_id")
    date_hierarchy = "registered_on"
    autocomplete_fields = ("task", "handed_over_to")
    add_fields = ("task", "number", "registered_on", "deposit_place", "national_system_id", "summary")
    change_editable = ("deposit_place", "national_system_id", "summary")
    service_fields = ("handed_over_on", "handed_over_to")

    def add_service(self, request: HttpRequest, data: dict[str, Any]) -> Model:
        return research_services.result_register(by=request.user, **data)  # type: ignore[arg-type]

    def change_service(self, request: HttpRequest, obj: Any, data: dict[str, Any]) -> Model:
        if data.get("handed_over_to") is None:
            raise _ValidationError({"handed_over_to": _("Hãy chọn đơn vị nhận bàn giao.")})
        return research_services.result_hand_over(
            registration=obj,
            handed_over_on=data.get("handed_over_on"),  # type: ignore[arg-type]
            to=data["handed_over_to"],
            by=request.user,  # type: ignore[arg-type]
        )


@admin.register(Asset)
class AssetAdmin(ServiceAdmin):
    list_display = ("task", "name", "origin", "original_value_vnd", "handling", "handled_on", "recipient")
    list_filter = ("origin", "handling")
    list_select_related = ("task", "recipient")
    search_fields = ("name", "task__code")
    autocomplete_fields = ("task", "recipient", "decision")
    add_fields = ("task", "name", "origin", "original_value")
    change_editable = ("name",)
    service_fields = ("handling", "handled_on", "recipient", "decision")
    original_value_vnd = _money(_("nguyên giá"), "original_value")

    def add_service(self, request: HttpRequest, data: dict[str, Any]) -> Model:
        return research_services.asset_record(by=request.user, **data)  # type: ignore[arg-type]

    def change_service(self, request: HttpRequest, obj: Any, data: dict[str, Any]) -> Model:
        return research_services.asset_handle(
            asset=obj,
            handling=data.get("handling") or "",
            handled_on=data.get("handled_on"),  # type: ignore[arg-type]
            recipient=data.get("recipient"),
            decision=data.get("decision"),
            by=request.user,  # type: ignore[arg-type]
        )


@admin.register(ResultApplication)
class ResultApplicationAdmin(ServiceAdmin):
    list_display = ("task", "year", "place", "organisation", "scale")
    list_filter = ("year",)
    list_select_related = ("task", "organisation")
    search_fields = ("task__code", "place", "organisation__name")
    autocomplete_fields = ("task", "organisation", "unit")
    add_fields = ("task", "year", "place", "organisation", "unit", "scale", "effect")
    change_editable = ("place", "organisation", "unit", "scale", "effect")

    def add_service(self, request: HttpRequest, data: dict[str, Any]) -> Model:
        return research_services.result_application_record(by=request.user, **data)  # type: ignore[arg-type]


class TaskMemberInline(ReadOnlyInline):
    model = TaskMember
    fields = ("person", "role", "workdays")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("person")


class OutputInline(ReadOnlyInline):
    model = Output
    fields = ("form", "name", "quantity_planned", "quantity_achieved", "achieved")
    readonly_fields = fields


class DisbursementInline(ReadOnlyInline):
    model = Disbursement
    fields = ("paid_on", "kind", "source", "tranche", "budget_year", "amount", "voucher")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> Any:
        # __str__ names the task (the change link shows it): joined, not one query per row.
        return super().get_queryset(request).select_related("tranche", "task")


class ProgressReportInline(ReadOnlyInline):
    model = ProgressReport
    fields = ("period_start", "period_end", "submitted_on", "status")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("task")


# The task's part 2 records, read-only on its admin page (the staff task page does the work).
TaskAdmin.inlines = [*TaskAdmin.inlines, TaskMemberInline, OutputInline, DisbursementInline, ProgressReportInline]
