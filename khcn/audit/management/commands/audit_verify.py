from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from khcn.audit import selectors


class Command(BaseCommand):
    help = "Kiểm tra chuỗi băm của nhật ký an ninh; thoát với mã khác 0 nếu có dòng bị sửa hoặc xoá."

    def handle(self, *args: Any, **options: Any) -> None:
        report = selectors.chain_verify()
        if not report.ok:
            for row_id, what in report.breaks[:100]:
                self.stderr.write(f"Dòng {row_id}: {what} không khớp")
            raise CommandError(
                f"Chuỗi băm bị đứt ở {len(report.breaks)} chỗ trong {report.checked} dòng (dòng đầu: {report.breaks[0][0]})."
            )
        note = " (bắt đầu sau phần đã xoá do hết hạn lưu)" if report.starts_after_pruning else ""
        self.stdout.write(f"Chuỗi băm toàn vẹn: {report.checked} dòng{note}.")
