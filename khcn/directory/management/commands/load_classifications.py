from __future__ import annotations

from django.core.management.base import BaseCommand

from khcn.directory import classifications


class Command(BaseCommand):
    help = (
        "Nạp các danh mục phân loại (lĩnh vực KH&CN, hình thức nhiệm vụ, nguồn kinh phí) từ khcn/directory/data. "
        "Chạy lại chỉ cập nhật tên và thuộc tính đã đổi."
    )

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        for name, result in classifications.load_all().items():
            self.stdout.write(f"{name}: {result}")
