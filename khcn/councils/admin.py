"""The staff back office for councils: councils with members, meetings and objects; objects with
their sheets, conflicts, computed result and paper-sheet entry; sheets; rule sets.

Lists annotate their counts with subqueries, so each costs a fixed number of queries.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from unfold import widgets as uw
from unfold.admin import StackedInline, TabularInline
from unfold.decorators import action, display

from khcn.core.admin import RecordAdmin
from khcn.core.models import Record
from khcn.core.selectors import attachments_for
from khcn.core.services import record_save
from khcn.councils import documents, selectors, services
from khcn.councils.forms import PaperSheetForm
from khcn.councils.models import (
    ConflictDeclaration,
    Council,
    CouncilMember,
    CouncilObject,
    Meeting,
    RuleCriterion,
    RuleSet,
    Score,
    ScoreSheet,
)
from khcn.councils.views import DOCX


def _count(model: Any, field: str, **filters: Any) -> Subquery:
    """COUNT(*) of related rows as a subquery: several counts on one list without join blow-up."""
    qs = (
        model.objects.filter(**{field: OuterRef("pk")}, **filters)
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Subquery(qs, output_field=IntegerField())


def _save_inline_records(request: HttpRequest, formset: Any) -> None:
    # Inline rows are official records too: save them through record_save so they get a
    # version and a history entry with the editor's name.
    instances = formset.save(commit=False)
    for instance in instances:
        if isinstance(instance, ConflictDeclaration) and instance.pk is None:
            instance.declared_by = request.user
        if isinstance(instance, Record):
            record_save(record=instance, by=request.user)  # type: ignore[arg-type]
        else:
            instance._history_user = request.user
            instance.save()
    formset.save_m2m()


# --- Rule sets ---------------------------------------------------------------------------------------


def _rule_set_in_use(rule_set: RuleSet | None) -> bool:
    return (
        rule_set is not None and rule_set.pk is not None and Score.objects.filter(criterion__rule_set=rule_set).exists()
    )


class RuleCriterionInline(TabularInline):
    model = RuleCriterion
    fields = ("order", "code", "label", "max_points", "is_key", "description")
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_add_permission(request, obj) and not _rule_set_in_use(obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and not _rule_set_in_use(obj)


@admin.register(RuleSet)
class RuleSetAdmin(RecordAdmin):
    list_display = ("name", "kind", "method", "quorum", "valid_from", "valid_to", "criteria_count")
    list_filter = ("kind", "method")
    search_fields = ("name", "legal_basis")
    inlines = [RuleCriterionInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(criteria_n=_count(RuleCriterion, "rule_set"))

    @display(description=gettext_lazy("Số thành viên có mặt tối thiểu"))
    def quorum(self, obj: RuleSet) -> str:
        return str(obj.quorum_fraction)

    @display(description=gettext_lazy("Số tiêu chí"))
    def criteria_count(self, obj: RuleSet) -> int:
        return getattr(obj, "criteria_n", None) or 0

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # Sheets were scored against these numbers; changing them would rewrite past results.
        # A new regime gets a new rule set (close this one with "áp dụng đến hết ngày").
        base = tuple(super().get_readonly_fields(request, obj))
        if _rule_set_in_use(obj):
            frozen = [f.name for f in RuleSet._meta.fields if f.name not in ("valid_to", "id", *base)]
            return base + tuple(frozen)
        return base

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        _save_inline_records(request, formset)


# --- Councils -------------------------------------------------------------------------------------


class SingleRoleFormSet(BaseInlineFormSet):
    """Two new rows naming the same chair or reviewer in one save would pass each row's check."""

    def clean(self) -> None:
        super().clean()
        seen: dict[str, int] = {}
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            role = form.cleaned_data.get("role")
            if role in CouncilMember.SINGLE_ROLES:
                seen[role] = seen.get(role, 0) + 1
                if seen[role] > 1:
                    raise ValidationError(
                        _("Mỗi hội đồng chỉ có một %(role)s.") % {"role": CouncilMember.Role(role).label}
                    )


class CouncilMemberInline(TabularInline):
    model = CouncilMember
    formset = SingleRoleFormSet
    fields = ("person", "role")
    autocomplete_fields = ("person",)
    extra = 0
    can_delete = False
    show_change_link = True

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).filter(archived_at__isnull=True).select_related("person")


class MeetingInline(StackedInline):
    model = Meeting
    fields = ("date", "place", "online", "present", "notes")
    extra = 0
    can_delete = False

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).filter(archived_at__isnull=True).prefetch_related("present")

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "present":
            # Only this council's members can be ticked present.
            council = getattr(request, "_council_being_edited", None)
            kwargs["queryset"] = (
                CouncilMember.objects.active().filter(council=council).select_related("person")
                if council is not None
                else CouncilMember.objects.none()
            )
            kwargs["widget"] = uw.UnfoldAdminCheckboxSelectMultipleWidget
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class CouncilObjectInline(TabularInline):
    model = CouncilObject
    fields = ("order", "title", "content_type", "object_id", "group")
    extra = 0
    can_delete = False
    show_change_link = True

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).filter(archived_at__isnull=True).select_related("content_type")


@admin.register(Council)
class CouncilAdmin(RecordAdmin):
    list_display = ("name", "kind", "year", "decision", "member_count", "object_count", "last_meeting")
    list_filter = ("kind", "year")
    list_select_related = ("decision",)
    search_fields = ("name", "decision__number", "decision__subject")
    autocomplete_fields = ("decision",)
    inlines = [CouncilMemberInline, MeetingInline, CouncilObjectInline]
    actions_detail = ["download_minutes", "open_on_site"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        last = (
            Meeting.objects.filter(council=OuterRef("pk"), archived_at__isnull=True)
            .order_by("-date")
            .values("date")[:1]
        )
        return (
            super()
            .get_queryset(request)
            .annotate(
                member_n=_count(CouncilMember, "council", archived_at__isnull=True),
                object_n=_count(CouncilObject, "council", archived_at__isnull=True),
                last_meeting_date=Subquery(last),
            )
        )

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        request._council_being_edited = obj  # type: ignore[attr-defined]
        return super().get_form(request, obj, change=change, **kwargs)

    @display(description=gettext_lazy("Thành viên"))
    def member_count(self, obj: Council) -> int:
        return getattr(obj, "member_n", None) or 0

    @display(description=gettext_lazy("Đối tượng"))
    def object_count(self, obj: Council) -> int:
        return getattr(obj, "object_n", None) or 0

    @display(description=gettext_lazy("Họp gần nhất"))
    def last_meeting(self, obj: Council) -> str:
        date = getattr(obj, "last_meeting_date", None)
        return date.strftime("%d/%m/%Y") if date else "—"

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        _save_inline_records(request, formset)

    @action(description=gettext_lazy("Tải biên bản họp (DOCX)"), url_path="bien-ban-docx", icon="description")
    def download_minutes(self, request: HttpRequest, object_id: str) -> HttpResponse:
        council = get_object_or_404(Council.objects.select_related("decision", "rule_set"), pk=object_id)
        if not self.has_view_permission(request, council):
            raise PermissionDenied
        response = HttpResponse(documents.minutes_docx(council), content_type=DOCX)
        response["Content-Disposition"] = f'attachment; filename="bien-ban-hoi-dong-{council.pk}.docx"'
        return response

    @action(description=gettext_lazy("Xem trên trang hội đồng"), url_path="trang-hoi-dong", icon="open_in_new")
    def open_on_site(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return HttpResponseRedirect(reverse("councils:council-detail", args=[object_id]))


@admin.register(CouncilMember)
class CouncilMemberAdmin(RecordAdmin):
    list_display = ("person", "role", "council")
    list_filter = ("role", "council__kind", "council__year")
    list_select_related = ("person", "council")
    search_fields = ("person__full_name", "person__name_folded", "council__name")
    autocomplete_fields = ("person", "council")


# --- Objects, conflicts, sheets ------------------------------------------------------------------


class ConflictInline(TabularInline):
    model = ConflictDeclaration
    fields = ("member", "reason", "declared_at", "declared_by")
    readonly_fields = ("declared_at", "declared_by")
    extra = 0
    can_delete = False

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("member__person", "declared_by")

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "member":
            obj = getattr(request, "_council_object_being_edited", None)
            kwargs["queryset"] = (
                CouncilMember.objects.active().filter(council_id=obj.council_id).select_related("person")
                if obj is not None
                else CouncilMember.objects.none()
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ScoreSheetInline(TabularInline):
    model = ScoreSheet
    fields = ("member", "source", "member_conclusion", "sheet_total", "submitted_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super()
            .get_queryset(request)
            .filter(archived_at__isnull=True)
            .select_related("member__person", "council_object__council")
            .prefetch_related("scores")
        )

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # sheets come from the front site or from "Nhập phiếu giấy"

    @display(description=gettext_lazy("Kết luận của thành viên"))
    def member_conclusion(self, obj: ScoreSheet) -> str:
        return obj.conclusion_label() if obj.conclusion else "—"

    @display(description=gettext_lazy("Tổng điểm"))
    def sheet_total(self, obj: ScoreSheet) -> Any:
        return obj.total if obj.total is not None else "—"


def _unfold_widgets(form: forms.Form) -> forms.Form:
    """Give a plain form the back office's widgets (the front-site form is reused as it is)."""
    for field in form.fields.values():
        attrs = dict(field.widget.attrs)
        if isinstance(field, forms.ModelChoiceField):
            field.widget = uw.UnfoldAdminSelectWidget()
            field.widget.choices = field.choices
        elif isinstance(field, forms.ChoiceField):
            field.widget = uw.UnfoldAdminRadioSelectWidget()
            field.choices = field.choices
        elif isinstance(field, forms.IntegerField):
            field.widget = uw.UnfoldAdminIntegerFieldWidget(attrs=attrs)
        elif isinstance(field, forms.FileField):
            field.widget = uw.UnfoldAdminFileFieldWidget()
        elif isinstance(field.widget, forms.Textarea):
            field.widget = uw.UnfoldAdminTextareaWidget(attrs=attrs)
    return form


@admin.register(CouncilObject)
class CouncilObjectAdmin(RecordAdmin):
    list_display = ("title", "council", "content_type", "group", "sheet_count", "conflict_count")
    list_filter = ("council__kind", "council__year")
    list_select_related = ("council", "content_type")
    search_fields = ("title", "council__name", "group")
    autocomplete_fields = ("council",)
    inlines = [ConflictInline, ScoreSheetInline]
    actions_detail = ["paper_sheet", "download_summary"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super()
            .get_queryset(request)
            .annotate(
                sheet_n=_count(ScoreSheet, "council_object", archived_at__isnull=True),
                conflict_n=_count(ConflictDeclaration, "council_object"),
            )
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        base = tuple(super().get_readonly_fields(request, obj))
        return (*base, "result_display") if obj is not None else base

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        request._council_object_being_edited = obj  # type: ignore[attr-defined]
        return super().get_form(request, obj, change=change, **kwargs)

    def has_paper_sheet_permission(self, request: HttpRequest, object_id: Any = None) -> bool:
        # A permission method, not "councils.add_scoresheet": unfold's system check would look the
        # permission up in the database, which fails on a fresh database before `migrate`.
        return request.user.has_perm("councils.add_scoresheet")

    @display(description=gettext_lazy("Số phiếu"))
    def sheet_count(self, obj: CouncilObject) -> int:
        return getattr(obj, "sheet_n", None) or 0

    @display(description=gettext_lazy("Xung đột lợi ích"))
    def conflict_count(self, obj: CouncilObject) -> int:
        return getattr(obj, "conflict_n", None) or 0

    @display(description=gettext_lazy("Kết quả (tính từ các phiếu)"))
    def result_display(self, obj: CouncilObject) -> str:
        result = selectors.council_result(obj)
        return format_html(
            "<strong>{}</strong><ol class='list-decimal ml-5'>{}</ol>",
            result.conclusion,
            format_html_join("", "<li>{}</li>", ((line,) for line in result.explanation)),
        )

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        _save_inline_records(request, formset)

    @action(
        description=gettext_lazy("Nhập phiếu giấy"),
        url_path="nhap-phieu-giay",
        permissions=["paper_sheet"],
        icon="edit_note",
    )
    def paper_sheet(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Type in a signed paper sheet (source "paper"), with its scan attached."""
        obj = get_object_or_404(CouncilObject.objects.select_related("council__rule_set"), pk=object_id)
        council = obj.council
        criteria = list(council.rule_set.criteria.all())
        done = ScoreSheet.objects.active().filter(council_object=obj).values("member_id")
        conflicted = ConflictDeclaration.objects.filter(council_object=obj).values("member_id")
        members = (
            CouncilMember.objects.active()
            .filter(council=council)
            .exclude(role=CouncilMember.Role.ADMIN_SECRETARY)
            .exclude(pk__in=done)
            .exclude(pk__in=conflicted)
            .select_related("person")
        )
        form = PaperSheetForm(
            *((request.POST, request.FILES) if request.method == "POST" else ()),
            council=council,
            criteria=criteria,
            members=members,
        )
        _unfold_widgets(form)
        if request.method == "POST" and form.is_valid():
            try:
                with transaction.atomic():
                    sheet = services.score_sheet_submit(
                        council_object=obj,
                        member=form.cleaned_data["member"],
                        by=request.user,  # type: ignore[arg-type]
                        source=ScoreSheet.Source.PAPER,
                        **form.service_kwargs(),
                    )
                    if form.cleaned_data.get("scan"):
                        services.score_sheet_attach_scan(sheet=sheet, upload=form.cleaned_data["scan"], by=request.user)  # type: ignore[arg-type]
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request, _("Đã nhập phiếu giấy của %(name)s.") % {"name": sheet.member.person.display_name}
                )
                return HttpResponseRedirect(reverse("admin:councils_councilobject_change", args=[obj.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": obj,
            "title": _("Nhập phiếu giấy: %(title)s") % {"title": obj.title},
            "form": form,
            "council": council,
            "change_url": reverse("admin:councils_councilobject_change", args=[obj.pk]),
        }
        return TemplateResponse(request, "councils/admin/paper_sheet.html", context)

    @action(description=gettext_lazy("Tải bảng tổng hợp (DOCX)"), url_path="tong-hop-docx", icon="table_view")
    def download_summary(self, request: HttpRequest, object_id: str) -> HttpResponse:
        obj = get_object_or_404(
            CouncilObject.objects.select_related("council__rule_set", "council__decision"), pk=object_id
        )
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        response = HttpResponse(documents.score_summary_docx(obj), content_type=DOCX)
        response["Content-Disposition"] = f'attachment; filename="tong-hop-ket-qua-{obj.pk}.docx"'
        return response


class ScoreInline(TabularInline):
    model = Score
    fields = ("criterion", "points")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("criterion")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ScoreSheet)
class ScoreSheetAdmin(RecordAdmin):
    list_display = ("council_object", "member_name", "source", "member_conclusion", "sheet_total", "submitted_at")
    list_filter = ("source", "council_object__council__kind", "council_object__council__year")
    list_select_related = ("council_object__council", "member__person")
    search_fields = ("council_object__title", "member__person__full_name", "council_object__council__name")
    inlines = [ScoreInline]
    date_hierarchy = "submitted_at"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("scores", queryset=Score.objects.only("id", "sheet_id", "points")))
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # from the front site, or "Nhập phiếu giấy" on the object

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A submitted sheet is never edited: a wrong one is archived (list action) and entered again.
        return obj is None and super().has_change_permission(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [f.name for f in ScoreSheet._meta.fields] + ["scans"]

    @display(description=gettext_lazy("Kết luận của thành viên"))
    def member_conclusion(self, obj: ScoreSheet) -> str:
        return obj.conclusion_label() if obj.conclusion else "—"

    @display(description=gettext_lazy("Thành viên"))
    def member_name(self, obj: ScoreSheet) -> str:
        return obj.member.person.display_name

    @display(description=gettext_lazy("Tổng điểm"))
    def sheet_total(self, obj: ScoreSheet) -> Any:
        return obj.total if obj.total is not None else "—"

    @display(description=gettext_lazy("Bản quét phiếu"))
    def scans(self, obj: ScoreSheet) -> str:
        items = [(reverse("core:attachment-download", args=[a.pk]), a.original_name) for a in attachments_for(obj)]
        if not items:
            return "—"
        return format_html_join(", ", '<a href="{}">{}</a>', items)
