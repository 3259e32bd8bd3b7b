"""Benchmark: the annual report (every figure of the 2023 report and the 2024 plan section).

Not a test. Runs against the database of the current settings (DATABASE_URL), which must hold
data: the demo (`manage.py load_demo`) or a larger synthetic set. Measures building the report
for the whole system and for one province (area filter across the 2025 reform), with the SQL
query count, and rendering the DOCX and XLSX.

    DATABASE_URL=sqlite:///var/demo.sqlite3 .venv/bin/python bench/annual_report.py --year 2023 --province 33
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "khcn.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--year", type=int, default=2023)
    parser.add_argument("--province", default="33")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from khcn.core.metrics import Period
    from khcn.reports import documents
    from khcn.reports.management.commands.annual_report import find_province
    from khcn.reports.services import build_report

    province = find_province(args.province)
    print(f"database: {connection.vendor}")
    report = None
    for label, area in (("whole system", None), (f"province {province.name}", province)):
        times = []
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                report = build_report(Period.year(args.year), area)
                times.append((time.perf_counter() - start) * 1000)
        print(f"report, {label}: median {statistics.median(times):.0f} ms, {len(queries)} queries")
    assert report is not None
    for name, render in (("docx", documents.report_docx), ("xlsx", documents.report_xlsx)):
        start = time.perf_counter()
        size = len(render(report))
        print(f"{name}: {(time.perf_counter() - start) * 1000:.0f} ms, {size:,} bytes")


if __name__ == "__main__":
    main()
