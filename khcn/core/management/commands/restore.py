"""manage.py restore FILE [--force]"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from khcn.core import backup


class Command(BaseCommand):
    help = _(
        "Khôi phục một bản sao lưu (manage.py backup) vào một cài đặt trống: kiểm tra mã SHA-256 trước, "
        "khôi phục cơ sở dữ liệu và tệp, rồi đối chiếu số dòng với manifest. Chỉ khôi phục vào cùng loại "
        "cơ sở dữ liệu (SQLite vào SQLite, PostgreSQL vào PostgreSQL)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help=_("Tệp sao lưu .tar.gz hoặc .tar"))
        parser.add_argument(
            "--force",
            action="store_true",
            help=_("Ghi đè cả khi nơi nhận đã có dữ liệu (dữ liệu đó sẽ mất) hoặc bản sao lưu mới hơn mã nguồn"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = backup.restore(options["file"], force=options["force"], log=self.stdout.write)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
        for note in report.notes:
            self.stdout.write(note)
        if report.problems:
            lines = [_("Khôi phục xong nhưng kết quả KHÔNG khớp với bản sao lưu:")]
            lines += [f"  - {problem}" for problem in report.problems]
            raise CommandError("\n".join(lines))
        self.stdout.write(
            self.style.SUCCESS(
                _("Khôi phục xong sau %(seconds).1f giây; mọi kiểm tra đều đạt.") % {"seconds": report.seconds}
            )
        )
