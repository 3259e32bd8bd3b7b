"""manage.py export_data <dataset> FILE (.xlsx or .csv)"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from khcn.core import datasets


class Command(BaseCommand):
    help = _("Xuất một bộ dữ liệu ra tệp Excel (.xlsx) hoặc CSV; tệp xuất nhập lại được nguyên vẹn.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dataset", help=_("Tên bộ dữ liệu, ví dụ organisations, people"))
        parser.add_argument("file", help=_("Đường dẫn tệp ra; đuôi .xlsx hoặc .csv quyết định định dạng"))

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            dataset = datasets.get(options["dataset"])
        except datasets.UnknownDataset as exc:
            raise CommandError(exc.message) from None
        path = Path(options["file"])
        try:
            fmt = datasets.format_for(path.name)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        data = datasets.run_export(dataset.name, None, fmt)
        path.write_bytes(data)
        self.stdout.write(_("Đã xuất %(title)s ra %(path)s.") % {"title": dataset.title, "path": path})
