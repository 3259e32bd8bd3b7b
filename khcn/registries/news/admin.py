"""The communications back office: articles are drafted here, published and withdrawn by detail
actions that call services.article_publish / article_withdraw (the status is never a form field).
Linked records are an inline of the generic relation table, saved through the services.

Who may do what: news.* in roles.py (the department leaders and the science division, for the
department office); every other staff role reads.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from unfold.admin import TabularInline
from unfold.decorators import action, display

from khcn.core import services as core_services
from khcn.core.admin import RecordAdmin
from khcn.core.admin_tabular import TabularAdminMixin
from khcn.registries.news import services
from khcn.registries.news.models import Article, ArticleLink


class LinkForm(forms.ModelForm):
    class Meta:
        model = ArticleLink
        fields = ("content_type", "object_id", "note")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["content_type"].queryset = services.linkable_content_types()  # type: ignore[attr-defined]


class LinkFormSet(BaseInlineFormSet):
    """Checks each link (the type is allowed, the record exists, not twice) before anything is saved."""

    def clean(self) -> None:
        super().clean()
        for form in self.forms:
            cleaned = getattr(form, "cleaned_data", None)
            if not cleaned or cleaned.get("DELETE") or form.errors or form.instance.content_type_id is None:
                continue
            form.instance.object_id = str(form.instance.object_id).strip()
            try:
                services.link_check(form.instance)
            except ValidationError as exc:
                form.add_error(None, exc)


class LinkInline(TabularInline):
    model = ArticleLink
    form = LinkForm
    formset = LinkFormSet
    extra = 0
    fields = ("content_type", "object_id", "record_display", "note")
    readonly_fields = ("record_display",)
    verbose_name = gettext_lazy("hồ sơ liên quan")
    verbose_name_plural = gettext_lazy("hồ sơ liên quan (nhiệm vụ, kết quả, sáng kiến, khởi nghiệp, văn bản...)")

    @display(description=gettext_lazy("hồ sơ"))
    def record_display(self, obj: ArticleLink) -> str:
        if not obj.pk or obj.record is None:
            return "—"
        return str(obj.record)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Lý do gỡ"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


@admin.register(Article)
class ArticleAdmin(TabularAdminMixin, RecordAdmin):
    dataset_name = "news_articles"
    list_display = ("title", "topic", "kind", "status", "published_at", "author", "public_link")
    list_filter = ("status", "topic", "kind")
    list_select_related = ("author",)
    search_fields = ("title", "summary")
    date_hierarchy = "published_at"
    readonly_fields = (*RecordAdmin.readonly_fields, "status", "published_at", "author", "public_link")
    fieldsets = (
        (None, {"fields": ("title", "summary", "body", "topic", "kind", "byline", "source_url")}),
        (gettext_lazy("Đăng"), {"fields": ("status", "published_at", "author", "public_link")}),
        (gettext_lazy("Hồ sơ"), {"fields": ("created_at", "updated_at", "archived_at", "archive_reason")}),
    )
    inlines = [LinkInline, *RecordAdmin.inlines]
    actions = ["archive_selected", "publish_selected"]
    actions_detail = ["publish", "withdraw"]

    @display(description=gettext_lazy("trang công khai"))
    def public_link(self, obj: Article) -> str:
        if not obj.pk or obj.status != Article.Status.PUBLISHED or obj.archived_at:
            return "—"
        return format_html('<a href="{}">{}</a>', obj.get_public_url(), _("Xem trên trang tin"))

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        loaded = form.cleaned_data.get("loaded_version") if change else None
        try:
            services.article_save(article=obj, by=request.user, expected_version=loaded)  # type: ignore[arg-type]
        except core_services.StaleRecordError as exc:
            raise ValidationError(exc.messages) from exc

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is ArticleLink:
            links = formset.save(commit=False)
            for link in formset.deleted_objects:
                services.article_link_remove(link=link, by=request.user)  # type: ignore[arg-type]
            for link in links:
                link.article = form.instance
                services.article_link_save(link=link, by=request.user)  # type: ignore[arg-type]
            return
        super().save_formset(request, form, formset, change)

    def has_publish_permission(self, request: HttpRequest, object_id: Any = None) -> bool:
        return request.user.has_perm("news.publish_article")

    def _change_url(self, pk: Any) -> str:
        return reverse("admin:news_article_change", args=[pk])

    @action(description=gettext_lazy("Đăng tin bài"), url_path="dang", permissions=["publish"], icon="publish")
    def publish(self, request: HttpRequest, object_id: str) -> HttpResponse:
        article = get_object_or_404(Article, pk=object_id)
        try:
            services.article_publish(article=article, by=request.user)  # type: ignore[arg-type]
        except (ValidationError, PermissionDenied) as exc:
            self.message_user(request, " ".join(getattr(exc, "messages", [str(exc)])), messages.ERROR)
        else:
            self.message_user(request, _("Đã đăng “%(t)s”.") % {"t": article.title}, messages.SUCCESS)
        return HttpResponseRedirect(self._change_url(article.pk))

    @action(description=gettext_lazy("Gỡ tin bài"), url_path="go", permissions=["publish"], icon="unpublished")
    def withdraw(self, request: HttpRequest, object_id: str) -> HttpResponse:
        article = get_object_or_404(Article, pk=object_id)
        form = WithdrawForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.article_withdraw(article=article, by=request.user, reason=form.cleaned_data["reason"])  # type: ignore[arg-type]
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                self.message_user(request, _("Đã gỡ “%(t)s”.") % {"t": article.title}, messages.SUCCESS)
                return HttpResponseRedirect(self._change_url(article.pk))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Gỡ tin bài “%(t)s”") % {"t": article.title},
            "form": form,
            "change_url": self._change_url(article.pk),
        }
        return TemplateResponse(request, "news/admin/withdraw.html", context)

    @admin.action(description=gettext_lazy("Đăng các tin bài đã chọn"))
    def publish_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        if not request.user.has_perm("news.publish_article"):
            self.message_user(request, _("Bạn không có quyền đăng tin bài."), messages.ERROR)
            return
        done, refused = 0, []
        for article in queryset:
            try:
                services.article_publish(article=article, by=request.user)  # type: ignore[arg-type]
                done += 1
            except ValidationError as exc:
                refused.append(" ".join(exc.messages))
        if done:
            self.message_user(request, _("Đã đăng %(n)d tin bài.") % {"n": done}, messages.SUCCESS)
        for message in refused:
            self.message_user(request, message, messages.WARNING)
