"""Import from Excel and export to Excel/CSV on any back-office list whose model has a dataset.

Mix `TabularAdminMixin` in front of the model admin and name the dataset:

    class OrganisationAdmin(TabularAdminMixin, RecordAdmin):
        dataset_name = "organisations"

The changelist then shows "Nhập từ Excel" (needs add and change permission on the model) and
"Xuất Excel" / "Xuất CSV" of the list as currently filtered (needs view permission).
"""

from __future__ import annotations

import hashlib
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from unfold.decorators import action
from unfold.widgets import UnfoldAdminFileFieldWidget, UnfoldBooleanWidget

from khcn.core import datasets
from khcn.core.models import ImportBatch
from khcn.lib import tabular

CONTENT_TYPES = {
    tabular.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    tabular.CSV: "text/csv; charset=utf-8",
}
# The error page lists this many rows; the downloadable report has them all.
ERRORS_SHOWN = 200


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp Excel (.xlsx) hoặc CSV (UTF-8)"),
        widget=UnfoldAdminFileFieldWidget(attrs={"accept": ".xlsx,.csv"}),
    )
    dry_run = forms.BooleanField(
        label=gettext_lazy("Chạy thử (chỉ kiểm tra, không ghi gì)"),
        required=False,
        widget=UnfoldBooleanWidget,
    )


def file_response(data: bytes, file_name: str, fmt: str) -> HttpResponse:
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(True, file_name)
    return response


class TabularAdminMixin:
    """Adds the dataset's import page and exports to an unfold ModelAdmin's changelist."""

    dataset_name: str = ""
    actions_list = ["tabular_import", "tabular_export_xlsx", "tabular_export_csv"]
    import_template = "admin/tabular/import.html"

    # These come from ModelAdmin; declared so the mixin type-checks on its own.
    model: Any
    admin_site: Any

    def has_import_permission(self, request: HttpRequest) -> bool:
        return self.has_add_permission(request) and self.has_change_permission(request)  # type: ignore[attr-defined]

    def has_export_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)  # type: ignore[attr-defined]

    def _url_name(self, suffix: str) -> str:
        opts = self.model._meta
        return f"{opts.app_label}_{opts.model_name}_{suffix}"

    def get_urls(self) -> list[Any]:
        urls = [
            path(
                "nhap-du-lieu/<int:batch_id>/bao-cao-loi/",
                self.admin_site.admin_view(self.tabular_error_report),
                name=self._url_name("tabular_error_report"),
            ),
        ]
        return urls + super().get_urls()  # type: ignore[misc]

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        response = super().changelist_view(request, extra_context)  # type: ignore[misc]
        # unfold links list actions to bare URLs; exports must carry the list's filters and search.
        context = getattr(response, "context_data", None)
        if context and request.GET:
            export_paths = {
                reverse(f"{self.admin_site.name}:{self._url_name(name)}")
                for name in ("tabular_export_xlsx", "tabular_export_csv")
            }
            query = request.GET.urlencode()
            for item in context.get("actions_list") or []:
                if isinstance(item, dict) and item.get("path") in export_paths:
                    item["path"] = f"{item['path']}?{query}"
        return response

    # --- Import ---------------------------------------------------------------------------------

    @action(
        description=gettext_lazy("Nhập từ Excel"),
        url_path="nhap-du-lieu",
        permissions=["import"],
        icon="upload_file",
    )
    def tabular_import(self, request: HttpRequest) -> HttpResponse:
        dataset = datasets.get(self.dataset_name)
        form = ImportForm(request.POST or None, request.FILES or None)
        result: datasets.ImportResult | None = None
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > settings.IMPORT_MAX_BYTES:
                # Refuse without reading the whole upload into memory, but keep the provenance.
                digest = hashlib.sha256()
                for chunk in upload.chunks():
                    digest.update(chunk)
                result = datasets.record_rejected(
                    dataset.name,
                    upload.name,
                    sha256=digest.hexdigest(),
                    size=upload.size,
                    user=request.user,
                    message=_("Tệp quá lớn: %(size)s MB, tối đa %(limit)s MB.")
                    % {
                        "size": round(upload.size / 1_048_576, 1),
                        "limit": round(settings.IMPORT_MAX_BYTES / 1_048_576, 1),
                    },
                )
            else:
                result = datasets.run_import(
                    dataset.name, upload.name, upload.read(), user=request.user, dry_run=form.cleaned_data["dry_run"]
                )
            if result.ok and not result.dry_run:
                messages.success(
                    request,
                    _("Đã nhập %(file)s: %(rows)d dòng, %(created)d tạo mới, %(updated)d cập nhật.")
                    % {
                        "file": result.file_name,
                        "rows": result.row_count,
                        "created": result.created,
                        "updated": result.updated,
                    },
                )
                return HttpResponseRedirect(reverse(f"{self.admin_site.name}:{self._url_name('changelist')}"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Nhập %(title)s từ Excel") % {"title": dataset.title},
            "dataset": dataset,
            "columns": dataset.columns,
            "form": form,
            "result": result,
            "errors_shown": result.errors[:ERRORS_SHOWN] if result else [],
            "errors_hidden": max(0, len(result.errors) - ERRORS_SHOWN) if result else 0,
            "error_report_url": (
                reverse(f"{self.admin_site.name}:{self._url_name('tabular_error_report')}", args=[result.batch.pk])
                if result and result.errors
                else ""
            ),
            "template_url": reverse(f"{self.admin_site.name}:{self._url_name('tabular_export_xlsx')}") + "?mau=1",
            "changelist_url": reverse(f"{self.admin_site.name}:{self._url_name('changelist')}"),
            "max_mb": round(settings.IMPORT_MAX_BYTES / 1_048_576),
        }
        return TemplateResponse(request, self.import_template, context)

    def tabular_error_report(self, request: HttpRequest, batch_id: int) -> HttpResponse:
        if not self.has_import_permission(request):
            raise PermissionDenied
        batch = get_object_or_404(ImportBatch, pk=batch_id, dataset=self.dataset_name)
        if not batch.errors:
            raise Http404
        name = f"loi-nhap-{self.dataset_name}-{batch.pk}.xlsx"
        return file_response(datasets.error_report(batch), name, tabular.XLSX)

    # --- Export ---------------------------------------------------------------------------------

    @action(
        description=gettext_lazy("Xuất Excel"),
        url_path="xuat-excel",
        permissions=["export"],
        icon="download",
    )
    def tabular_export_xlsx(self, request: HttpRequest) -> HttpResponse:
        return self._tabular_export(request, tabular.XLSX)

    @action(
        description=gettext_lazy("Xuất CSV"),
        url_path="xuat-csv",
        permissions=["export"],
        icon="csv",
    )
    def tabular_export_csv(self, request: HttpRequest) -> HttpResponse:
        return self._tabular_export(request, tabular.CSV)

    def _tabular_export(self, request: HttpRequest, fmt: str) -> HttpResponse:
        dataset = datasets.get(self.dataset_name)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        if request.GET.get("mau"):
            # An empty file with the headers: the template users fill in.
            queryset = self.model._default_manager.none()
            file_name = f"mau-{self.dataset_name}.{fmt}"
        else:
            try:
                # The changelist's own filtering: what the user sees is what the file holds.
                changelist = self.get_changelist_instance(request)  # type: ignore[attr-defined]
            except IncorrectLookupParameters:
                messages.error(request, _("Bộ lọc không hợp lệ; hãy lọc lại danh sách rồi xuất."))
                return HttpResponseRedirect(reverse(f"{self.admin_site.name}:{self._url_name('changelist')}"))
            queryset = changelist.get_queryset(request)
            file_name = f"{self.dataset_name}-{stamp}.{fmt}"
        return file_response(datasets.run_export(dataset.name, queryset, fmt), file_name, fmt)
