"""Benchmark: the public search (khcn.public.search) over synthetic entries.

Not a test. Creates a throwaway database (SQLite in a temporary directory unless DATABASE_URL is
set), migrates it, writes N synthetic SearchEntry rows (titles from the Vietnamese vocabulary of
perf-notes §3.1, all with diacritics) into the index the app uses, then times `search.search()`
— the very function the site and the API call — for the two query pools of perf-notes §3.1
(without and with diacritics), reporting p50/p95 and each query's match count.

    .venv/bin/python bench/public_search.py --rows 100000
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "khcn.settings")

LEADS = ["Nghiên cứu", "Xây dựng", "Ứng dụng", "Hoàn thiện", "Thử nghiệm", "Nâng cao", "Phát triển"]
ACTIONS = ["ứng dụng", "chọn tạo", "bảo quản", "chế biến", "sản xuất", "thiết kế", "đánh giá"]
TECH = ["công nghệ sinh học", "trí tuệ nhân tạo", "truy xuất nguồn gốc", "nhà màng công nghệ", "dữ liệu lớn", "IoT"]
PRODUCTS = ["nhãn lồng", "long nhãn", "vải thiều", "lúa", "đông trùng hạ thảo", "sâm Ngọc Linh", "cà chua", "giống lúa"]
MODIFIERS = ["chất lượng cao", "chịu mặn", "hữu cơ", ""]
SECTORS = ["nông nghiệp", "nông nghiệp công nghệ cao", "y tế", ""]
PLACES = ["Hưng Yên", "Thái Bình", "Bắc Giang", "Hải Dương", "Văn Giang", "Khoái Châu", "Lục Ngạn"]
ORGS = ["Viện Cây ăn quả miền Bắc", "Trường Đại học Nông nghiệp", "Sở Khoa học và Công nghệ tỉnh Hưng Yên",
        "Hợp tác xã nhãn lồng Hưng Yên", "Công ty Cổ phần Giống cây trồng"]  # fmt: skip
NO_DIACRITICS = ["long nhan", "nong nghiep cong nghe", "nhan long hung yen", "giong lua chiu man",
                 "vai thieu bac giang", "tri tue nhan tao", "truy xuat nguon goc", "dong trung ha thao",
                 "sam ngoc linh", "vien cay an qua"]  # fmt: skip
WITH_DIACRITICS = ["long nhãn", "nông nghiệp công nghệ", "nhãn lồng Hưng Yên", "giống lúa chịu mặn",
                   "vải thiều Bắc Giang", "trí tuệ nhân tạo", "truy xuất nguồn gốc", "đông trùng hạ thảo",
                   "sâm Ngọc Linh", "Viện Cây ăn quả"]  # fmt: skip


def title(rng: random.Random) -> str:
    parts = [rng.choice(LEADS), rng.choice(ACTIONS), rng.choice(TECH), rng.choice(["trong", "cho", "phục vụ"]),
             rng.choice(PRODUCTS), rng.choice(MODIFIERS), rng.choice(SECTORS), rng.choice(PLACES)]  # fmt: skip
    return " ".join(p for p in parts if p)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=100, help="timed searches per pool")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="khcn-bench-search-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    os.environ.setdefault("KHCN_VAR_DIR", tmp)

    import django

    django.setup()
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.db import connection, transaction

    from khcn.lib.text import fold
    from khcn.public import search
    from khcn.public.models import SearchEntry
    from khcn.research.models import Task

    call_command("migrate", verbosity=0)
    rng = random.Random(20261126)  # noqa: S311 - synthetic data
    content_type = ContentType.objects.get_for_model(Task)
    started = time.perf_counter()
    with transaction.atomic():
        batch: list[SearchEntry] = []
        for n in range(args.rows):
            t, org = title(rng), rng.choice(ORGS)
            batch.append(SearchEntry(kind="task", content_type=content_type, object_id=n + 1, title=t, summary=org,
                                     url=f"/csdl/nhiem-vu/{n + 1}/", folded=fold(f"{t} {org}")))  # fmt: skip
            if len(batch) == 5000:
                search._write_entries(batch)
                batch = []
        search._write_entries(batch)
    load = time.perf_counter() - started
    # The benchmark times the index only: hits are not re-checked against tasks that do not exist.
    search._still_public = lambda entries: {e.pk for e in entries}  # type: ignore[assignment]
    print(f"database: {connection.vendor}; rows: {args.rows:,}; load + index: {load:.1f} s")
    for name, pool in (("no diacritics", NO_DIACRITICS), ("with diacritics", WITH_DIACRITICS)):
        for q in pool:
            search.search(q)  # warm-up
        times = []
        order = [pool[i % len(pool)] for i in range(args.runs)]
        rng.shuffle(order)
        for q in order:
            t0 = time.perf_counter()
            search.search(q)
            times.append((time.perf_counter() - t0) * 1000)
        times.sort()
        p95 = times[int(len(times) * 0.95) - 1]
        print(f"{name}: n={len(times)} p50={statistics.median(times):.1f} ms p95={p95:.1f} ms")
    print("| query | matches | p50 ms |")
    print("| --- | --- | --- |")
    for q in NO_DIACRITICS:
        runs = []
        for _ in range(5):
            t0 = time.perf_counter()
            results = search.search(q)
            runs.append((time.perf_counter() - t0) * 1000)
        print(f"| {q} | {results.total:,} | {statistics.median(runs):.1f} |")


if __name__ == "__main__":
    main()
