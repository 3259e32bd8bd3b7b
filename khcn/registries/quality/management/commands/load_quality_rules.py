from __future__ import annotations

from django.core.management.base import BaseCommand

from khcn.registries.quality import rules


class Command(BaseCommand):
    help = "Nạp các thời hạn theo quy định của lĩnh vực tiêu chuẩn, chất lượng từ khcn/registries/quality/data."

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        created, updated = rules.load_deadline_rules()
        self.stdout.write(f"Thời hạn theo quy định: {created} mới, {updated} cập nhật.")
