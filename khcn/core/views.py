from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from khcn.core import exports, selectors
from khcn.core.models import ExportJob


@login_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    attachment = selectors.get_attachment_for(request.user, pk)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.mime_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- Background exports ---------------------------------------------------------------------------


@login_required
@require_POST
def export_start(request: HttpRequest, name: str) -> HttpResponse:
    """Queue an export; its parameters are the form's fields (e.g. the report's year and area)."""
    params = {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
    try:
        job = exports.export_start(name=name, params=params, by=request.user)
    except ValidationError as exc:
        raise Http404(" ".join(exc.messages)) from exc
    return redirect("core:export-detail", pk=job.pk)


def _job_for(request: HttpRequest, pk: int) -> ExportJob:
    job = exports.export_jobs_for(request.user).filter(pk=pk).first()
    if job is None:
        raise Http404(_("Không tìm thấy tệp xuất."))
    return job


@login_required
def export_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_for(request, pk)
    template = "core/_export_status.html" if getattr(request, "htmx", False) else "core/export_detail.html"
    return render(request, template, {"job": job})


@login_required
def export_download(request: HttpRequest, pk: int) -> FileResponse:
    job = _job_for(request, pk)
    if job.status != ExportJob.Status.DONE or not job.file:
        raise Http404(_("Tệp chưa sẵn sàng."))
    response = FileResponse(
        job.file.open("rb"), as_attachment=True, filename=job.file_name, content_type=job.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
