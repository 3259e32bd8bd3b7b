"""Benchmark: the radiation survey map page with the demo's 3,500 measurement points.

Not a test. Builds a throwaway database (SQLite in a temporary directory, or the database of
DATABASE_URL, e.g. under scripts/pg-temp.sh), loads the directory and radiation demo data (the
2023 survey: 3,500 points, 5 flagged), then requests /so-dang-ky/buc-xa/quan-trac/<id>/ban-do/
as the radiation officer through Django's test client, with production-like settings (DEBUG=0).

Measured per request: server time (the whole request through the middleware, no network), the
HTML payload and its gzip size (what a compressing proxy would send), the SVG's share of it and
the number of SQL queries. The first requests warm the caches and are not counted.

    .venv/bin/python bench/radiation_map.py                      # SQLite, 30 requests
    scripts/pg-temp.sh .venv/bin/python bench/radiation_map.py   # PostgreSQL
    .venv/bin/python bench/radiation_map.py --write              # also update docs/benchmarks.md

--write replaces the "Radiation survey map" section of docs/benchmarks.md (or appends it), leaving
every other section as it is.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DOC = ROOT / "docs" / "benchmarks.md"
HEADING = "## Radiation survey map"


def _settings(tmp: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "khcn.settings")
    os.environ["KHCN_VAR_DIR"] = tmp
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    # Production-like: no debug (no query log, no debug toolbar of errors); plain static storage
    # (KHCN_TESTING) so the page renders without collectstatic; no HTTPS redirect on the client.
    os.environ["DEBUG"] = "0"
    os.environ["KHCN_TESTING"] = "1"
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["KHCN_INSECURE_COOKIES_FOR_LOCAL_DEMO"] = "1"
    os.environ["OTP_REQUIRED_FOR_STAFF"] = "0"
    os.environ["AXES_ENABLED"] = "0"


def run(requests: int) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from khcn.accounts.models import User
    from khcn.directory import demo as directory_demo
    from khcn.registries.radiation import demo as radiation_demo
    from khcn.registries.radiation import maps, selectors
    from khcn.registries.radiation.models import Survey

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    with transaction.atomic():
        directory_demo.load()
    with transaction.atomic():
        radiation_demo.load()
    load_seconds = time.perf_counter() - started

    survey = Survey.objects.get(code=radiation_demo.SURVEY_CODE)
    client = Client()
    client.force_login(User.objects.get(username="atbx"))
    url = f"/so-dang-ky/buc-xa/quan-trac/{survey.pk}/ban-do/"
    for _ in range(3):
        assert client.get(url).status_code == 200

    times, queries = [], []
    body = b""
    for _ in range(requests):
        with CaptureQueriesContext(connection) as captured:
            begin = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - begin) * 1000)
        assert response.status_code == 200
        queries.append(len(captured))
        body = response.content

    # Where the time goes: the points query, flags and statistics, and drawing the SVG.
    parts: dict[str, list[float]] = {"points": [], "flags+stats": [], "svg": []}
    for _ in range(requests):
        t0 = time.perf_counter()
        points = selectors.survey_points(survey)
        t1 = time.perf_counter()
        flags = selectors.flag_points(points, selectors.survey_rule_in_force())
        selectors.area_statistics(points, "current_unit_id")
        selectors.area_statistics(points, "district_then_id")
        t2 = time.perf_counter()
        maps.render(points, flags)
        t3 = time.perf_counter()
        parts["points"].append((t1 - t0) * 1000)
        parts["flags+stats"].append((t2 - t1) * 1000)
        parts["svg"].append((t3 - t2) * 1000)

    text = body.decode()
    svg = re.search(r"<svg .*?</svg>", text, re.S)
    return {
        "database": connection.vendor,
        "points": len(points),
        "flagged": len(flags),
        "requests": requests,
        "median_ms": statistics.median(times),
        "p95_ms": sorted(times)[max(0, round(0.95 * len(times)) - 1)],
        "min_ms": min(times),
        "queries": max(queries),
        "html_bytes": len(body),
        "gzip_bytes": len(gzip.compress(body, 6)),
        "svg_bytes": len(svg.group(0).encode()) if svg else 0,
        "circles": text.count("<circle "),
        "parts": {name: statistics.median(values) for name, values in parts.items()},
        "load_seconds": load_seconds,
    }


ROWS = [
    ("server time, median", lambda r: f"{r['median_ms']:.0f} ms"),
    ("server time, p95 / min", lambda r: f"{r['p95_ms']:.0f} ms / {r['min_ms']:.0f} ms"),
    ("of which: points query (values only)", lambda r: f"{r['parts']['points']:.0f} ms"),
    ("of which: flags and statistics by commune and district", lambda r: f"{r['parts']['flags+stats']:.0f} ms"),
    ("of which: drawing the SVG", lambda r: f"{r['parts']['svg']:.0f} ms"),
    ("SQL queries per page", lambda r: str(r["queries"])),
    ("HTML payload", lambda r: f"{r['html_bytes'] / 1024:.0f} KiB ({r['html_bytes']:,} bytes)"),
    ("HTML payload, gzip -6", lambda r: f"{r['gzip_bytes'] / 1024:.0f} KiB"),
    ("of which the SVG map", lambda r: f"{r['svg_bytes'] / 1024:.0f} KiB, {r['circles']:,} `<circle>` elements"),
    ("demo load (directory + radiation, with history)", lambda r: f"{r['load_seconds']:.1f} s"),
]
MARKER = "<!-- radiation-map-results "


def markdown(results: dict[str, dict]) -> str:
    """The section, one column per database measured (kept between runs in a comment)."""
    any_result = next(iter(results.values()))
    machine = f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPU, Python {platform.python_version()}"
    names = sorted(results)
    header = "| measure | " + " | ".join(names) + " |\n| --- |" + " --- |" * len(names)
    lines = [f"| {label} | " + " | ".join(render(results[n]) for n in names) + " |" for label, render in ROWS]
    table = "\n".join([header, *lines])
    return f"""{HEADING}

`bench/radiation_map.py`: the survey map page (server-drawn SVG, no tiles, no JavaScript) for the
demo's 2023 survey of {any_result["points"]:,} points ({any_result["flagged"]} flagged), requested {any_result["requests"]} times
as the radiation officer through Django's test client with DEBUG=0, after 3 warm-up requests.
Machine: {machine} (shared with other work while measured, so times vary by ±50%).
PostgreSQL: a throwaway local cluster (`scripts/pg-temp.sh`).

{table}

One `<circle>` per point with whole-unit coordinates and colour by group costs about 27 bytes a
point; the rest of the HTML is the back office's frame (the sidebar of every module) and the
statistics tables. Compressed by the web server (gzip), the page is about a seventh of its size.
The page's queries do not grow with the number of points: one query reads them all as values.
{MARKER}{json.dumps(results)} -->
"""


def write(result: dict) -> str:
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n"
    pattern = re.compile(rf"^{re.escape(HEADING)}\n.*?(?=^## |\Z)", re.S | re.M)
    found = pattern.search(text)
    results: dict[str, dict] = {}
    if found and MARKER in found.group(0):
        stored = found.group(0).split(MARKER, 1)[1].split(" -->", 1)[0]
        results = json.loads(stored)
    results[result["database"]] = result
    section = markdown(results)
    if found:
        text = pattern.sub(lambda _m: section.rstrip() + "\n\n", text).rstrip() + "\n"
    else:
        text = text.rstrip() + "\n\n" + section
    DOC.write_text(text, encoding="utf-8")
    return section


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="khcn-bench-") as tmp:
        _settings(tmp)
        result = run(args.requests)
    if args.write:
        print(write(result))
        print(f"→ {DOC.relative_to(ROOT)}")
    else:
        print(markdown({result["database"]: result}))


if __name__ == "__main__":
    main()
