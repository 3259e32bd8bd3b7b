from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand
from django.utils import timezone

from khcn.core import jobs
from khcn.core.models import ExportJob


class Command(BaseCommand):
    help = (
        "Xóa các tệp xuất chạy nền cũ hơn số ngày cho trước (mặc định 7 ngày); đánh dấu không thành công "
        "các việc xuất bị gián đoạn và xóa các tệp không thuộc việc xuất nào."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--days", type=int, default=7)
        parser.add_argument("--stale-hours", type=float, default=jobs.STALE_AFTER_HOURS)

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        # Export files are copies computed from the records, not records: removing them loses nothing.
        cutoff = timezone.now() - dt.timedelta(days=options["days"])
        removed = 0
        for job in ExportJob.objects.filter(created_at__lt=cutoff).iterator():
            if job.file:
                job.file.delete(save=False)
            job.delete()
            removed += 1
        self.stdout.write(f"Đã xóa {removed} tệp xuất cũ.")
        # A worker killed mid-export leaves its job "running" and perhaps a file no job points at.
        failed, orphans = jobs.exports_sweep(stale_after=dt.timedelta(hours=options["stale_hours"]))
        self.stdout.write(
            f"Đã đánh dấu {failed} việc xuất bị gián đoạn; đã xóa {orphans} tệp không thuộc việc xuất nào."
        )
