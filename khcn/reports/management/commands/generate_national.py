"""Benchmark data at national scale (issue 7): `manage.py generate_national --scale 1.0`.

A thin wrapper: the generator lives in bench/national_data.py (benchmark code, not the app's).
It writes with COPY straight into the tables, bypassing services and history on purpose; use it
only on a throwaway PostgreSQL database (see docs/benchmarks.md, "Annual report at national scale").
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Sinh dữ liệu tổng hợp quy mô toàn quốc cho benchmark báo cáo năm (chỉ dùng trên CSDL thử)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", type=float, default=1.0, help="1.0 = national (≥ 10M verifications)")
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--json", help="write row counts and timings to this file")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        sys.path.insert(0, str(Path(__file__).resolve().parents[4]))
        from bench.national_data import generate

        result = generate(options["scale"], options["seed"], log=lambda s: self.stdout.write(s))
        if options["json"]:
            Path(options["json"]).write_text(json.dumps(result, indent=1, ensure_ascii=False))
