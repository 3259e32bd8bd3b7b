from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import autodiscover_modules

from khcn.core import demo


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu (Hưng Yên). Chạy lại nhiều lần vẫn an toàn: không tạo trùng, không xoá gì."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--logins-only", action="store_true", help="Chỉ in các tài khoản mẫu")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        autodiscover_modules("demo")
        if not options["logins_only"]:
            for name, loader in demo.loaders():
                with transaction.atomic():
                    summary = loader()
                self.stdout.write(f"  {name}: {summary}")
        self.stdout.write("")
        self.stdout.write(f"Tài khoản mẫu (mật khẩu chung: {demo.DEMO_PASSWORD}):")
        for username, label in demo.logins():
            self.stdout.write(f"  {username:<22} {label}")
