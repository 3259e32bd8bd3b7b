"""Background jobs (django-tasks; run by `manage.py db_worker`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django_tasks import task

from khcn.core import faults


@task()
def send_email(*, to: list[str], subject: str, body: str) -> int:
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to, fail_silently=False)


@task()
def run_export(*, job_id: int) -> str:
    """Run one ExportJob: progress is written as it goes (a plain UPDATE, so the page polling it
    sees it at once); a failure leaves the job failed with a message and no file."""
    import logging

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from khcn.core import exports
    from khcn.core.models import ExportJob

    job = ExportJob.objects.get(pk=job_id)
    if job.finished:
        return job.status
    ExportJob.objects.filter(pk=job_id).update(status=ExportJob.Status.RUNNING, progress=1)
    faults.point("export.running")

    def progress(percent: int, message: str = "") -> None:
        ExportJob.objects.filter(pk=job_id).update(progress=max(1, min(99, int(percent))), message=message[:300])

    try:
        file_name, content_type, content = exports.get(job.name).run(job.params, progress)
    except Exception:
        logging.getLogger("khcn.exports").exception("export %s (job %s) failed", job.name, job_id)
        ExportJob.objects.filter(pk=job_id).update(
            status=ExportJob.Status.FAILED,
            message="Không tạo được tệp; lỗi đã được ghi lại để cán bộ kỹ thuật xem xét.",
            finished_at=timezone.now(),
        )
        return ExportJob.Status.FAILED
    job.refresh_from_db()
    job.file.save(file_name, ContentFile(content), save=False)
    faults.point("export.file_written")
    job.file_name = file_name
    job.content_type = content_type
    job.status = ExportJob.Status.DONE
    job.progress = 100
    job.message = ""
    job.finished_at = timezone.now()
    job.save()
    from khcn.audit import services as audit

    # Recorded when the file exists, for the user who asked (the worker has no request).
    audit.export_recorded(
        dataset=job.name, rows=None, fmt=content_type, actor=job.requested_by, obj=job, size=len(content)
    )
    return job.status


# An export still queued or running this long after it was asked for has lost its worker (killed,
# restarted, out of memory): the longest one, a province's report as PDF, takes minutes.
STALE_AFTER_HOURS = 2


def exports_sweep(*, stale_after: dt.timedelta = dt.timedelta(hours=STALE_AFTER_HOURS)) -> tuple[int, int]:
    """After a crash: exports whose worker died are marked failed (the user asks again), and
    files that no job points at (written just before the worker died) are removed. Files younger
    than `stale_after` are left alone: their job may be about to record them.
    Returns (jobs marked failed, files removed)."""
    from django.utils import timezone

    from khcn.core.models import ExportJob

    now = timezone.now()
    cutoff = now - stale_after
    unfinished = (ExportJob.Status.QUEUED, ExportJob.Status.RUNNING)
    failed = 0
    for job in ExportJob.objects.filter(status__in=unfinished, created_at__lt=cutoff).iterator():
        # Conditional, so a job that finishes at this very moment keeps its result.
        failed += ExportJob.objects.filter(pk=job.pk, status__in=unfinished).update(
            status=ExportJob.Status.FAILED,
            message="Việc tạo tệp bị gián đoạn (máy chủ đã khởi động lại hoặc bị dừng); hãy yêu cầu lại.",
            finished_at=now,
        )
    storage = ExportJob._meta.get_field("file").storage  # type: ignore[union-attr]
    referenced = set(ExportJob.objects.exclude(file="").values_list("file", flat=True))
    removed = 0
    for name in _files_under(storage, "exports"):
        if name not in referenced and storage.get_modified_time(name) < cutoff:
            storage.delete(name)
            removed += 1
    return failed, removed


def _files_under(storage: Any, folder: str) -> Iterator[str]:
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{folder}/{name}"
    for sub in folders:
        yield from _files_under(storage, f"{folder}/{sub}")
