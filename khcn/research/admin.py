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
    list_display = ("year", "title", "kind", "opens_on", "deadline")
    list_filter = ("kind", "year")
    search_fields = ("title",)
    autocomplete_fields = ("notice",)


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
