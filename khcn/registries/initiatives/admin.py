"""The initiatives back office, on the shared RecordAdmin (history, archiving instead of deleting,
version check, attachments) and TabularAdminMixin (Excel import and export).

The status never changes in the edit form: it moves through the list actions (put before the
council, apply the council's results, recognise by a decision) and the page's "Chuyển trạng thái"
and "Hỗ trợ nhân rộng" buttons, all of which call services.py. Who may do what is Django's model
permissions as roles.py grants them: the science management division has initiatives.*, every
other staff role initiatives.view_*.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from unfold.admin import TabularInline
from unfold.decorators import action, display
from unfold.widgets import UnfoldAdminDateWidget, UnfoldAdminSelectWidget, UnfoldAdminTextInputWidget

from khcn.core import services as core_services
from khcn.core.admin import RecordAdmin
from khcn.core.admin_tabular import TabularAdminMixin
from khcn.councils.models import Council
from khcn.directory.models import Organisation
from khcn.lib.formats import format_date, format_vnd
from khcn.registries.initiatives import selectors, services, workflow
from khcn.registries.initiatives.models import Initiative, InitiativeAuthor

S = Initiative.Status


class InitiativeAuthorInline(TabularInline):
    model = InitiativeAuthor
    extra = 0
    fields = ("order", "person", "share_percent")
    autocomplete_fields = ("person",)
    verbose_name = _("tác giả")
    verbose_name_plural = _("tác giả (theo thứ tự trong đơn)")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("person")


# --- Forms of the actions ------------------------------------------------------------------------


class CouncilForm(forms.Form):
    council = forms.ModelChoiceField(
        label=gettext_lazy("Hội đồng sáng kiến"), queryset=Council.objects.none(), widget=UnfoldAdminSelectWidget
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["council"]).queryset = selectors.initiative_councils()


class DecisionForm(forms.Form):
    number = forms.CharField(label=gettext_lazy("Số quyết định"), max_length=100, widget=UnfoldAdminTextInputWidget)
    date = forms.DateField(label=gettext_lazy("Ngày quyết định"), widget=UnfoldAdminDateWidget)
    issuer = forms.ModelChoiceField(
        label=gettext_lazy("Cơ quan ban hành"), queryset=Organisation.objects.none(), widget=UnfoldAdminSelectWidget
    )
    signer = forms.CharField(
        label=gettext_lazy("Người ký"), max_length=200, required=False, widget=UnfoldAdminTextInputWidget
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["issuer"]).queryset = Organisation.objects.active().filter(
            kind=Organisation.Kind.STATE_AGENCY
        )


class TransitionForm(forms.Form):
    to = forms.ChoiceField(label=gettext_lazy("Chuyển sang"), widget=UnfoldAdminSelectWidget)
    reason = forms.CharField(
        label=gettext_lazy("Lý do, ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["to"]).choices = choices


class WiderForm(forms.Form):
    where = forms.CharField(
        label=gettext_lazy("Nơi nhân rộng"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Ví dụ: Trường THPT Phù Cừ, Trường THPT Văn Giang"),
    )
    amount = forms.IntegerField(label=gettext_lazy("Kinh phí hỗ trợ (đồng)"), required=False, min_value=0)
    on = forms.DateField(label=gettext_lazy("Ngày hỗ trợ"), widget=UnfoldAdminDateWidget)


def _errors_to_form(form: forms.Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@admin.register(Initiative)
class InitiativeAdmin(TabularAdminMixin, RecordAdmin):
    dataset_name = "initiatives"
    list_display = (
        "code",
        "title",
        "unit",
        "field",
        "year",
        "status",
        "authors_display",
        "recommended_on",
        "decision_display",
        "supported_for_wider_application",
    )
    list_filter = ("status", "field", "year", "scope", "supported_for_wider_application")
    list_select_related = ("unit", "decision")
    search_fields = ("code", "title", "unit__name", "authors__full_name")
    autocomplete_fields = ("unit",)
    readonly_fields = (
        *RecordAdmin.readonly_fields,
        "status",
        "council_link",
        "recommended_on",
        "decision",
        "recognised_on",
        "supported_for_wider_application",
        "wider_application_where",
        "wider_support_amount_display",
        "wider_support_date",
        "events_list",
    )
    inlines = [InitiativeAuthorInline, *RecordAdmin.inlines]
    actions = ["archive_selected", "put_before_council", "apply_council_results", "recognise"]
    actions_detail = ["transition", "support_wider"]
    list_per_page = 50

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return selectors.with_authors(super().get_queryset(request))

    # --- Columns ---------------------------------------------------------------------------------

    @display(description=gettext_lazy("tác giả"))
    def authors_display(self, obj: Initiative) -> str:
        return ", ".join(link.person.full_name for link in obj.author_links.all()) or "—"

    @display(description=gettext_lazy("quyết định công nhận"), ordering="decision__date")
    def decision_display(self, obj: Initiative) -> str:
        return obj.decision.number if obj.decision_id and obj.decision else "—"

    @display(description=gettext_lazy("kinh phí hỗ trợ nhân rộng"))
    def wider_support_amount_display(self, obj: Initiative) -> str:
        return format_vnd(obj.wider_support_amount) or "—"

    @display(description=gettext_lazy("hội đồng sáng kiến"))
    def council_link(self, obj: Initiative) -> str:
        council_object = selectors.council_object_of(obj) if obj.pk else None
        if council_object is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:councils_councilobject_change", args=[council_object.pk]),
            council_object.council,
        )

    @display(description=gettext_lazy("diễn biến"))
    def events_list(self, obj: Initiative) -> str:
        events = obj.events.select_related("by", "document").order_by("at", "pk") if obj.pk else []
        return (
            format_html_join(
                "",
                "<div>{} – {} → {} ({}){}</div>",
                (
                    (
                        format_date(e.effective_date) or timezone.localtime(e.at).strftime("%d/%m/%Y"),
                        e.get_from_status_display(),
                        e.get_to_status_display(),
                        e.by,
                        f" – {e.document}" if e.document_id else (f" – {e.reason}" if e.reason else ""),
                    )
                    for e in events
                ),
            )
            or "—"
        )

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        loaded = form.cleaned_data.get("loaded_version") if change else None
        try:
            services.initiative_save(initiative=obj, by=request.user, expected_version=loaded)  # type: ignore[arg-type]
        except core_services.StaleRecordError as exc:
            raise ValidationError(exc.messages) from exc

    # --- List actions (with a confirmation page) -------------------------------------------------

    def _action_page(
        self, request: HttpRequest, queryset: QuerySet, form: forms.Form, action_name: str, title: str, intro: str
    ) -> TemplateResponse:
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            "intro": intro,
            "form": form,
            "items": list(queryset.order_by("code")),
            "action_name": action_name,
            "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
            "changelist_url": reverse("admin:initiatives_initiative_changelist"),
        }
        return TemplateResponse(request, "initiatives/admin/action_page.html", context)

    @admin.action(description=gettext_lazy("Đưa ra hội đồng sáng kiến"), permissions=["change"])
    def put_before_council(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        form = CouncilForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            try:
                objects = services.initiative_council_add(
                    council=form.cleaned_data["council"],
                    initiatives=list(queryset),
                    by=request.user,  # type: ignore[arg-type]
                )
            except (ValidationError, PermissionDenied) as exc:
                _errors_to_form(form, exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
            else:
                self.message_user(
                    request, _("Đã đưa %(n)d sáng kiến ra hội đồng.") % {"n": len(objects)}, messages.SUCCESS
                )
                return None
        return self._action_page(
            request,
            queryset,
            form,
            "put_before_council",
            _("Đưa sáng kiến ra hội đồng sáng kiến"),
            _("Các thành viên bỏ phiếu trong mục Hội đồng; sau phiên họp, dùng “Áp dụng kết quả hội đồng”."),
        )

    @admin.action(description=gettext_lazy("Áp dụng kết quả hội đồng"), permissions=["change"])
    def apply_council_results(self, request: HttpRequest, queryset: QuerySet) -> None:
        councils = {o.council for i in queryset.filter(status=S.SUBMITTED) if (o := selectors.council_object_of(i))}
        if not councils:
            self.message_user(request, _("Không có hồ sơ nào đang chờ kết quả hội đồng."), messages.WARNING)
            return
        totals = {S.RECOMMENDED: 0, S.NOT_RECOMMENDED: 0, "pending": 0}
        try:
            for council in councils:
                for key, n in services.initiatives_apply_council_results(council=council, by=request.user).items():  # type: ignore[arg-type]
                    totals[key] += n
        except (ValidationError, PermissionDenied) as exc:
            self.message_user(request, " ".join(getattr(exc, "messages", [str(exc)])), messages.ERROR)
            return
        self.message_user(
            request,
            _("Đề nghị công nhận: %(r)d; không đề nghị: %(n)d; chưa đủ phiếu hoặc chưa đủ điều kiện họp: %(p)d.")
            % {"r": totals[S.RECOMMENDED], "n": totals[S.NOT_RECOMMENDED], "p": totals["pending"]},
            messages.SUCCESS,
        )

    @admin.action(description=gettext_lazy("Công nhận theo quyết định"), permissions=["change"])
    def recognise(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        form = DecisionForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            try:
                document = services.recognition_decision_issue(
                    number=form.cleaned_data["number"],
                    date=form.cleaned_data["date"],
                    issuer=form.cleaned_data["issuer"],
                    signer=form.cleaned_data["signer"],
                    initiatives=list(queryset),
                    by=request.user,  # type: ignore[arg-type]
                )
            except (ValidationError, PermissionDenied) as exc:
                _errors_to_form(form, exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
            else:
                self.message_user(
                    request,
                    _("Đã ghi %(doc)s công nhận %(n)d sáng kiến.") % {"doc": document, "n": queryset.count()},
                    messages.SUCCESS,
                )
                return None
        return self._action_page(
            request,
            queryset,
            form,
            "recognise",
            _("Công nhận sáng kiến theo quyết định"),
            _("Chỉ các sáng kiến Hội đồng đã đề nghị công nhận mới được ghi vào quyết định."),
        )

    # --- Page actions ----------------------------------------------------------------------------

    def _page(self, request: HttpRequest, initiative: Initiative, form: forms.Form, title: str) -> TemplateResponse:
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            "initiative": initiative,
            "form": form,
            "change_url": reverse("admin:initiatives_initiative_change", args=[initiative.pk]),
        }
        return TemplateResponse(request, "initiatives/admin/initiative_page.html", context)

    @action(
        description=gettext_lazy("Chuyển trạng thái"),
        url_path="chuyen-trang-thai",
        permissions=["change"],
        icon="swap_horiz",
    )
    def transition(self, request: HttpRequest, object_id: str) -> HttpResponse:
        initiative = get_object_or_404(Initiative.objects.active(), pk=object_id)
        # Recognition needs a decision: it is the list action "Công nhận theo quyết định".
        choices = [(to, str(S(to).label)) for to in workflow.allowed_targets(initiative.status) if to != S.RECOGNISED]
        form = TransitionForm(request.POST or None, choices=choices)
        if request.method == "POST" and form.is_valid():
            try:
                services.initiative_transition(
                    initiative=initiative,
                    to=form.cleaned_data["to"],
                    reason=form.cleaned_data["reason"],
                    by=request.user,  # type: ignore[arg-type]
                )
            except (ValidationError, PermissionDenied) as exc:
                _errors_to_form(form, exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
            else:
                messages.success(
                    request,
                    _("Đã chuyển sáng kiến %(c)s sang “%(s)s”.")
                    % {"c": initiative.code, "s": initiative.get_status_display()},
                )
                return HttpResponseRedirect(reverse("admin:initiatives_initiative_change", args=[initiative.pk]))
        return self._page(request, initiative, form, _("Chuyển trạng thái sáng kiến %(c)s") % {"c": initiative.code})

    @action(description=gettext_lazy("Hỗ trợ nhân rộng"), url_path="nhan-rong", permissions=["change"], icon="hub")
    def support_wider(self, request: HttpRequest, object_id: str) -> HttpResponse:
        initiative = get_object_or_404(Initiative.objects.active(), pk=object_id)
        form = WiderForm(request.POST or None, initial={"on": dt.date.today()})
        if request.method == "POST" and form.is_valid():
            try:
                services.initiative_support_wider(
                    initiative=initiative,
                    where=form.cleaned_data["where"],
                    amount=form.cleaned_data["amount"],
                    on=form.cleaned_data["on"],
                    by=request.user,  # type: ignore[arg-type]
                )
            except (ValidationError, PermissionDenied) as exc:
                _errors_to_form(form, exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
            else:
                messages.success(request, _("Đã ghi hỗ trợ nhân rộng sáng kiến %(c)s.") % {"c": initiative.code})
                return HttpResponseRedirect(reverse("admin:initiatives_initiative_change", args=[initiative.pk]))
        return self._page(request, initiative, form, _("Hỗ trợ nhân rộng sáng kiến %(c)s") % {"c": initiative.code})
