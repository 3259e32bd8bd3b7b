"""manage.py import_verifications FILE [--dry-run] [--user USERNAME]"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from khcn.core import datasets


class Command(BaseCommand):
    help = _(
        "Nhập tệp kết quả kiểm định phương tiện đo (.xlsx hoặc .csv) theo mẫu “verifications”; "
        "có một dòng lỗi thì không ghi gì."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help=_("Đường dẫn tệp .xlsx hoặc .csv"))
        parser.add_argument("--dry-run", action="store_true", help=_("Chỉ kiểm tra, không ghi gì"))
        parser.add_argument("--user", help=_("Tên đăng nhập của người nhập (ghi vào lịch sử)"))

    def handle(self, *args: Any, **options: Any) -> None:
        user = None
        if options["user"]:
            try:
                user = get_user_model()._default_manager.get_by_natural_key(options["user"])
            except get_user_model().DoesNotExist:
                raise CommandError(_("Không có người dùng “%(u)s”.") % {"u": options["user"]}) from None
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("Không tìm thấy tệp %(path)s.") % {"path": path})
        if path.stat().st_size > settings.IMPORT_MAX_BYTES:
            raise CommandError(
                _("Tệp quá lớn: tối đa %(limit)s MB.") % {"limit": round(settings.IMPORT_MAX_BYTES / 1_048_576, 1)}
            )
        result = datasets.run_import(
            "verifications", path.name, path.read_bytes(), user=user, dry_run=options["dry_run"]
        )
        summary = _("%(file)s: %(rows)d dòng, %(created)d lần kiểm định mới, %(errors)d lỗi (lần nhập số %(id)d).") % {
            "file": result.file_name,
            "rows": result.row_count,
            "created": result.created,
            "errors": len(result.errors),
            "id": result.batch.pk,
        }
        if result.ok:
            self.stdout.write(summary)
            self.stdout.write(_("Chạy thử: chưa ghi gì.") if result.dry_run else _("Đã nhập xong."))
            return
        self.stderr.write(summary)
        for error in result.errors:
            where = _("Dòng %(row)s") % {"row": error.row} if error.row is not None else _("Tệp")
            column = f" [{error.column}]" if error.column else ""
            value = f" “{error.value}”" if error.value else ""
            self.stderr.write(f"{where}{column}{value}: {error.message}")
        raise CommandError(_("Không nhập: tệp có lỗi, chưa ghi dòng nào."))
