"""manage.py backup [--output DIR_OR_FILE] | manage.py backup --verify FILE"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from khcn.core import backup


class Command(BaseCommand):
    help = _(
        "Sao lưu cơ sở dữ liệu (SQLite hoặc PostgreSQL) và các tệp tải lên vào một tệp .tar.gz có manifest "
        "mã SHA-256; --verify FILE kiểm tra lại một bản sao lưu."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            type=Path,
            help=_(
                "Thư mục (tên tệp tự đặt theo ngày giờ) hoặc tên tệp .tar.gz/.tar; mặc định var/backups/. "
                "Đuôi .tar: không nén."
            ),
        )
        parser.add_argument(
            "--verify", type=Path, metavar="FILE", help=_("Kiểm tra mọi mã SHA-256 của một bản sao lưu")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["verify"]:
                self._verify(options["verify"])
            else:
                self._backup(options["output"])
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None

    def _backup(self, output: Path | None) -> None:
        result = backup.backup_create(output, log=self.stdout.write)
        manifest = result.manifest
        self.stdout.write(
            _(
                "Đã sao lưu vào %(path)s (%(size)s, %(seconds).1f giây): %(rows)d dòng trong %(tables)d bảng, %(files)d tệp."
            )
            % {
                "path": result.path,
                "size": filesizeformat(result.path.stat().st_size),
                "seconds": result.seconds,
                "rows": sum(manifest["tables"].values()),
                "tables": len(manifest["tables"]),
                "files": manifest["media"]["files"],
            }
        )
        self.stdout.write(f"SHA-256: {result.sha256}")

    def _verify(self, path: Path) -> None:
        manifest = backup.backup_verify(path)
        self.stdout.write(
            _(
                "Bản sao lưu toàn vẹn: %(members)d tệp khớp mã SHA-256 (cơ sở dữ liệu %(vendor)s lúc %(created)s, "
                "%(rows)d dòng, %(files)d tệp tải lên)."
            )
            % {
                "members": len(manifest["members"]),
                "vendor": backup.VENDOR_NAMES.get(manifest["database"]["vendor"], manifest["database"]["vendor"]),
                "created": manifest["created_at"],
                "rows": sum(manifest["tables"].values()),
                "files": manifest["media"]["files"],
            }
        )
