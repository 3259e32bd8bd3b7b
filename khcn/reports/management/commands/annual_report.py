"""manage.py annual_report --year 2023 [--province 33] [--format json|docx|xlsx|pdf] [--output FILE]"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from khcn.core.metrics import Period
from khcn.directory.models import AdministrativeUnit
from khcn.reports import documents
from khcn.reports.services import build_report


def find_province(value: str) -> AdministrativeUnit:
    """A province by code (e.g. 33, Hưng Yên) — today's unit first — or by primary key."""
    units = AdministrativeUnit.objects.filter(level=AdministrativeUnit.Level.PROVINCE)
    by_code = list(units.filter(code=value).order_by("valid_to"))
    if not by_code and value.isdigit():
        by_code = list(units.filter(code=value.zfill(2)).order_by("valid_to"))
    # The current unit (no end date) covers its predecessors; an abolished one covers only itself.
    current = [unit for unit in by_code if unit.valid_to is None]
    if current or by_code:
        return (current or by_code)[0]
    if value.isdigit():
        unit = units.filter(pk=int(value)).first()
        if unit is not None:
            return unit
    raise CommandError(f"Không tìm thấy tỉnh có mã {value}.")


class Command(BaseCommand):
    help = "Báo cáo kết quả KH&CN năm và kế hoạch năm sau: số liệu (JSON) hoặc văn bản DOCX/XLSX/PDF."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--province", help="mã tỉnh (vd. 33) hoặc id đơn vị hành chính; bỏ trống: toàn hệ thống")
        parser.add_argument("--format", choices=["json", "docx", "xlsx", "pdf"], default="json")
        parser.add_argument("--output", help="tệp ghi ra (bắt buộc với docx, xlsx, pdf)")
        parser.add_argument("--no-compare", action="store_true", help="không tính kỳ trước")

    def handle(self, *args: Any, **options: Any) -> None:
        area = find_province(options["province"]) if options["province"] else None
        report = build_report(Period.year(options["year"]), area, compare=not options["no_compare"])
        fmt = options["format"]
        if fmt == "json":
            text = json.dumps(report.as_dict(), ensure_ascii=False, indent=2)
            if options["output"]:
                with open(options["output"], "w", encoding="utf-8") as handle:
                    handle.write(text)
            else:
                self.stdout.write(text)
            return
        if not options["output"]:
            raise CommandError("--output là bắt buộc với định dạng docx, xlsx, pdf.")
        if fmt == "docx":
            content: bytes | None = documents.report_docx(report)
        elif fmt == "xlsx":
            content = documents.report_xlsx(report)
        else:
            content = documents.report_pdf(report)
            if content is None:
                raise CommandError("Chưa cài LibreOffice: không xuất được PDF.")
        assert content is not None
        with open(options["output"], "wb") as handle:
            handle.write(content)
        self.stdout.write(f"Đã ghi {options['output']} ({len(content)} byte).")
