from __future__ import annotations

from django.core.management.base import BaseCommand

from khcn.directory import units


class Command(BaseCommand):
    help = (
        "Nạp đơn vị hành chính: 34 tỉnh và các xã, phường hiện hành (gói vietnam-provinces) cùng các đơn vị "
        "trước 01/07/2025 của Hưng Yên và Thái Bình (data/units_pre2025.json). Chạy lại không tạo bản ghi trùng."
    )

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        summary = units.load_all()
        self.stdout.write(str(summary))
