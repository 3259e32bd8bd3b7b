from __future__ import annotations

from django.core.management.base import BaseCommand

from khcn.registries.metrology import classifications


class Command(BaseCommand):
    help = (
        "Nạp danh mục phương tiện đo nhóm 2 và chu kỳ kiểm định từ khcn/registries/metrology/data. "
        "Chạy lại chỉ cập nhật những gì đã đổi."
    )

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        self.stdout.write(f"Loại phương tiện đo và chu kỳ: {classifications.load_instrument_types()}")
