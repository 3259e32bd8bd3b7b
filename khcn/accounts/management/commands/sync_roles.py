from django.core.management.base import BaseCommand

from khcn.accounts.roles import sync_roles


class Command(BaseCommand):
    help = "Tạo các nhóm vai trò và gán quyền theo khcn/accounts/roles.py"

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        sync_roles()
        self.stdout.write(self.style.SUCCESS("Đã đồng bộ vai trò."))
