"""Background jobs (django-tasks; run by `manage.py db_worker`)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django_tasks import task


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
    job.file_name = file_name
    job.content_type = content_type
    job.status = ExportJob.Status.DONE
    job.progress = 100
    job.message = ""
    job.finished_at = timezone.now()
    job.save()
    return job.status
