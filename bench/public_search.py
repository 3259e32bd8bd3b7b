"""Benchmark: the public search (khcn.public.search) over synthetic entries.

Not a test. Creates a throwaway database (SQLite in a temporary directory unless DATABASE_URL is
set), migrates it, writes N synthetic SearchEntry rows (titles from the Vietnamese vocabulary of
perf-notes §3.1, all with diacritics) into the index the app uses, then times `search.search()`
— the very function the site and the API call — for the two query pools of perf-notes §3.1
(without and with diacritics), reporting p50/p95 and each query's match count.

In the same run, the same queries as plain statements straight against the index, as
perf-notes §3 measured them: (a) ranked — every match scored, top 20 (`ORDER BY ts_rank`, or FTS5
`ORDER BY rank`), and (b) unranked — the first 20 matches. `search.search()` counts matches (up to
KHCN_SEARCH_COUNT_CAP) and ranks at most KHCN_SEARCH_RANK_CANDIDATES of them, so the run also
reports how many of its top 20 are the fully ranked top 20 (overlap@20) for each query.

    .venv/bin/python bench/public_search.py --rows 100000
    DATABASE_URL=postgres://postgres@127.0.0.1:PORT/bench .venv/bin/python bench/public_search.py --rows 1000000
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "khcn.settings")

# A vocabulary close to perf-notes §3.1 (its queries matched 0.13–10 % of 1M rows): lists of the
# sizes it describes, picked with a power-law skew towards the head of each list. With `--vocabulary
# small` the first version of this benchmark's lists (7 places, 8 products, uniform picks), where
# queries match up to 27 % of the rows: harsher than any real corpus.
LEADS = ["Nghiên cứu", "Xây dựng", "Ứng dụng", "Hoàn thiện", "Thử nghiệm", "Nâng cao", "Phát triển", "Đánh giá",
         "Khảo sát", "Chuyển giao", "Tổ chức", "Đề xuất"]  # fmt: skip
ACTIONS = ["ứng dụng", "chọn tạo", "bảo quản", "chế biến", "sản xuất", "thiết kế", "đánh giá", "nhân giống",
           "phục tráng", "tuyển chọn", "khai thác", "quản lý", "giám sát", "xử lý"]  # fmt: skip
TECH = ["công nghệ sinh học", "trí tuệ nhân tạo", "truy xuất nguồn gốc", "nhà màng công nghệ", "dữ liệu lớn", "IoT",
        "vi sinh vật", "nuôi cấy mô", "chuyển đổi số", "năng lượng mặt trời", "tưới nhỏ giọt", "viễn thám",
        "hệ thống thông tin địa lý", "chỉ thị phân tử", "chế phẩm sinh học", "thiết bị bay không người lái",
        "công nghệ nano", "mã QR", "cảm biến", "điện toán đám mây"]  # fmt: skip
PRODUCTS = ["vải thiều", "lúa", "cà chua", "giống lúa", "nhãn lồng", "đông trùng hạ thảo", "sâm Ngọc Linh", "long nhãn",
            "bưởi Diễn", "cam Canh", "chuối tiêu hồng", "gà Đông Tảo", "hoa cây cảnh", "mật ong", "nấm rơm",
            "rau an toàn", "cá rô đồng", "tôm càng xanh", "chè", "cà phê", "hồ tiêu", "thanh long", "xoài", "ngô",
            "đậu tương", "khoai tây", "dược liệu", "hoa lan", "bò sữa", "lợn"]  # fmt: skip
MODIFIERS = ["chất lượng cao", "chịu mặn", "hữu cơ", "an toàn", "theo chuỗi giá trị", "xuất khẩu", "", "", ""]
SECTORS = ["", "", "", "y tế", "môi trường", "nông nghiệp", "công nghiệp", "giáo dục", "nông nghiệp công nghệ cao"]
PLACES = ["Hưng Yên", "Thái Bình", "Bắc Giang", "Hải Dương", "Văn Giang", "Khoái Châu", "Lục Ngạn", "Hà Nội",
          "Hải Phòng", "Quảng Ninh", "Bắc Ninh", "Nam Định", "Ninh Bình", "Thanh Hóa", "Nghệ An", "Hà Tĩnh",
          "Quảng Bình", "Quảng Trị", "Huế", "Đà Nẵng", "Quảng Nam", "Quảng Ngãi", "Bình Định", "Phú Yên",
          "Khánh Hòa", "Lâm Đồng", "Đắk Lắk", "Gia Lai", "Kon Tum", "Đồng Nai", "Bình Dương", "Tây Ninh",
          "Long An", "Tiền Giang", "Bến Tre", "Vĩnh Long", "Cần Thơ", "An Giang", "Kiên Giang", "Cà Mau",
          "Sơn La", "Lào Cai", "Yên Bái"]  # fmt: skip
ORGS = ["Trường Đại học Bách khoa Hà Nội", "Sở Khoa học và Công nghệ tỉnh Hưng Yên", "Bệnh viện Đa khoa tỉnh",
        "Viện Cây ăn quả miền Bắc", "Hợp tác xã nhãn lồng Hưng Yên", "Trường Đại học Nông nghiệp", "Công ty Cổ phần Giống cây trồng",
        "Trung tâm Ứng dụng tiến bộ khoa học và công nghệ", "Viện Khoa học Nông nghiệp Việt Nam",
        "Học viện Nông nghiệp Việt Nam"]  # fmt: skip
SMALL = {
    "LEADS": LEADS[:7], "ACTIONS": ACTIONS[:7], "TECH": TECH[:6],
    "MODIFIERS": ["chất lượng cao", "chịu mặn", "hữu cơ", ""], "SECTORS": ["nông nghiệp", "nông nghiệp công nghệ cao", "y tế", ""],
    "PLACES": PLACES[:7],
    "PRODUCTS": ["nhãn lồng", "long nhãn", "vải thiều", "lúa", "đông trùng hạ thảo", "sâm Ngọc Linh", "cà chua", "giống lúa"],
    "ORGS": ["Viện Cây ăn quả miền Bắc", "Trường Đại học Nông nghiệp", "Sở Khoa học và Công nghệ tỉnh Hưng Yên",
             "Hợp tác xã nhãn lồng Hưng Yên", "Công ty Cổ phần Giống cây trồng"],
}  # fmt: skip
NO_DIACRITICS = ["long nhan", "nong nghiep cong nghe", "nhan long hung yen", "giong lua chiu man",
                 "vai thieu bac giang", "tri tue nhan tao", "truy xuat nguon goc", "dong trung ha thao",
                 "sam ngoc linh", "vien cay an qua"]  # fmt: skip
WITH_DIACRITICS = ["long nhãn", "nông nghiệp công nghệ", "nhãn lồng Hưng Yên", "giống lúa chịu mặn",
                   "vải thiều Bắc Giang", "trí tuệ nhân tạo", "truy xuất nguồn gốc", "đông trùng hạ thảo",
                   "sâm Ngọc Linh", "Viện Cây ăn quả"]  # fmt: skip


_CUMULATIVE = {n: list(itertools.accumulate(1 / (i + 1) for i in range(n))) for n in range(1, 64)}


def title(rng: random.Random, small: bool) -> tuple[str, str]:
    def pick(name: str) -> str:
        items = SMALL[name] if small else globals()[name]
        if small:
            return rng.choice(items)
        return rng.choices(items, cum_weights=_CUMULATIVE[len(items)])[0]

    parts = [pick("LEADS"), pick("ACTIONS"), pick("TECH"), rng.choice(["trong", "cho", "phục vụ"]), pick("PRODUCTS"),
             pick("MODIFIERS"), pick("SECTORS"), pick("PLACES")]  # fmt: skip
    return " ".join(p for p in parts if p), pick("ORGS")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=100, help="timed searches per pool")
    parser.add_argument("--vocabulary", choices=["perf-notes", "small"], default="perf-notes")
    parser.add_argument(
        "--tradeoff", default="1000,5000,20000,100000",
        help="rank-candidate settings to compare at the end (latency against overlap@20), comma-separated",
    )
    parser.add_argument("--reuse", action="store_true", help="keep the entries already in DATABASE_URL")
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
    kinds = ["task"] * 5 + ["organisation", "person", "initiative", "certificate", "legal_document", "article"]
    if args.reuse and SearchEntry.objects.exists():
        args.rows = SearchEntry.objects.count()
    else:
        with transaction.atomic():
            SearchEntry.objects.all().delete()
            batch: list[SearchEntry] = []
            for n in range(args.rows):
                t, org = title(rng, args.vocabulary == "small")
                batch.append(SearchEntry(kind=rng.choice(kinds), content_type=content_type, object_id=n + 1, title=t,
                                     summary=org, url=f"/csdl/nhiem-vu/{n + 1}/", folded=fold(f"{t} {org}")))  # fmt: skip
                if len(batch) == 5000:
                    search._write_entries(batch)
                    batch = []
            search._write_entries(batch)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE public_searchentry")
    load = time.perf_counter() - started
    # The benchmark times the index only: hits are not re-checked against tasks that do not exist.
    search._still_public = lambda entries: {e.pk for e in entries}  # type: ignore[assignment]
    print(f"database: {connection.vendor}; rows: {args.rows:,}; load + index: {load:.1f} s")
    pg = connection.vendor == "postgresql"

    def plain(q: str, ranked: bool) -> list[int]:
        words = search.query_words(q)
        with connection.cursor() as cursor:
            if pg:
                order = "ORDER BY ts_rank(tsv, q) DESC, id " if ranked else ""
                cursor.execute(
                    f"SELECT id FROM public_searchentry, to_tsquery('simple', %s) q WHERE tsv @@ q {order}LIMIT 20",  # noqa: S608
                    [" & ".join(words)],
                )
            else:
                order = "ORDER BY rank, rowid " if ranked else ""
                cursor.execute(
                    f"SELECT rowid FROM public_search_fts WHERE public_search_fts MATCH %s {order}LIMIT 20",  # noqa: S608
                    [" ".join(f'"{w}"' for w in words)],
                )
            return [row[0] for row in cursor.fetchall()]

    variants = {
        "search.search() (count + capped rank + entries)": lambda q: search.search(q),
        "plain ranked top 20 (every match scored)": lambda q: plain(q, True),
        "plain unranked first 20": lambda q: plain(q, False),
    }
    summary: dict[str, dict[str, tuple[float, float]]] = {}
    for name, pool in (("no diacritics", NO_DIACRITICS), ("with diacritics", WITH_DIACRITICS)):
        order = [pool[i % len(pool)] for i in range(args.runs)]
        rng.shuffle(order)
        times: dict[str, list[float]] = {v: [] for v in variants}
        for q in pool:  # warm-up
            for run in variants.values():
                run(q)
        # Variants interleave query by query, so the machine's load falls on all of them alike.
        for q in order:
            for v, run in variants.items():
                t0 = time.perf_counter()
                run(q)
                times[v].append((time.perf_counter() - t0) * 1000)
        for v, ts in times.items():
            ts.sort()
            p95 = ts[int(len(ts) * 0.95) - 1]
            summary.setdefault(v, {})[name] = (statistics.median(ts), p95)
    print("| variant | pool | n | p50 ms | p95 ms |")
    print("| --- | --- | --- | --- | --- |")
    for v, pools in summary.items():
        for name, (p50, p95) in pools.items():
            print(f"| {v} | {name} | {args.runs} | {p50:.1f} | {p95:.1f} |")
    print()
    print("| query | matches (search.search) | capped | search p50 ms | plain ranked p50 ms | overlap@20 |")
    print("| --- | --- | --- | --- | --- | --- |")
    for q in NO_DIACRITICS:
        runs, ranked_runs = [], []
        for _ in range(5):
            t0 = time.perf_counter()
            results = search.search(q)
            runs.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            exact = plain(q, True)
            ranked_runs.append((time.perf_counter() - t0) * 1000)
        mine = [h.entry.pk for h in results.hits]
        overlap = len(set(mine) & set(exact))
        shown = f"> {search.count_cap():,}" if results.capped else f"{results.total:,}"
        print(f"| {q} | {shown} | {results.capped} | {statistics.median(runs):.1f} | "
              f"{statistics.median(ranked_runs):.1f} | {overlap}/20 |")  # fmt: skip
    # The trade-off the two settings make: more candidates, closer to the full ranking, slower.
    from django.conf import settings

    print()
    print("| rank candidates | count cap | p50 ms | p95 ms | mean overlap@20 | queries at 20/20 |")
    print("| --- | --- | --- | --- | --- | --- |")
    exact_top = {q: plain(q, True) for q in NO_DIACRITICS}
    for candidates in [int(c) for c in args.tradeoff.split(",") if c.strip()]:
        settings.KHCN_SEARCH_RANK_CANDIDATES = candidates
        settings.KHCN_SEARCH_COUNT_CAP = max(search.count_cap(), candidates)
        times, overlaps = [], []
        for q in NO_DIACRITICS:
            search.search(q)  # warm-up
            for _ in range(5):
                t0 = time.perf_counter()
                results = search.search(q)
                times.append((time.perf_counter() - t0) * 1000)
            overlaps.append(len({h.entry.pk for h in results.hits} & set(exact_top[q])))
        times.sort()
        p95 = times[int(len(times) * 0.95) - 1]
        print(f"| {candidates:,} | {search.count_cap():,} | {statistics.median(times):.1f} | {p95:.1f} | "
              f"{statistics.mean(overlaps):.1f}/20 | {sum(o == 20 for o in overlaps)}/{len(overlaps)} |")  # fmt: skip


if __name__ == "__main__":
    main()
