from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from khcn.audit import services


class Command(BaseCommand):
    help = "Xoá các dòng nhật ký an ninh cũ hơn thời hạn lưu (AUDIT_RETENTION_DAYS, ít nhất 365 ngày)."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            deleted = services.audit_prune()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Đã xoá {deleted} dòng quá hạn lưu ({services.retention_days()} ngày).")
