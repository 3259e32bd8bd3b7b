"""Long exports run as background jobs with their progress (issue 7).

An app declares an export in its `exports.py`:

    register(Export(name="reports.annual_docx", label=..., allowed=is_department_staff, run=build))

where `run(params, progress)` returns (file name, content type, bytes) and calls
`progress(percent, message)` as it goes. `export_start` checks the user may ask, records an
ExportJob and queues `jobs.run_export`; the job page polls the job (htmx) until the file is ready.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from khcn.core.models import ExportJob

Progress = Callable[[int, str], None]
Runner = Callable[[dict[str, Any], Progress], tuple[str, str, bytes]]


@dataclass(frozen=True)
class Export:
    name: str
    label: Callable[[dict[str, Any]], str]  # the job's title, from its parameters
    allowed: Callable[[Any], bool]
    run: Runner


_EXPORTS: dict[str, Export] = {}


def register(export: Export) -> Export:
    _EXPORTS[export.name] = export
    return export


def get(name: str) -> Export:
    _discover()
    try:
        return _EXPORTS[name]
    except KeyError:
        raise ValidationError(_("Không có loại tệp xuất “%(name)s”.") % {"name": name}, code="unknown") from None


def _discover() -> None:
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("exports")


def export_start(*, name: str, params: dict[str, Any], by: Any) -> ExportJob:
    """Queue an export for `by`; refused when the export's rule says this user may not have it."""
    export = get(name)
    if not getattr(by, "is_authenticated", False) or not export.allowed(by):
        raise PermissionDenied(_("Bạn không có quyền tạo tệp này."))
    job = ExportJob.objects.create(name=name, label=str(export.label(params))[:300], params=params, requested_by=by)
    from khcn.core import jobs

    transaction.on_commit(lambda: jobs.run_export.enqueue(job_id=job.pk))
    return job


def export_jobs_for(user: Any) -> Any:
    return ExportJob.objects.filter(requested_by=user)
