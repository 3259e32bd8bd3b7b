"""Benchmark (issue 8): the task list pages under load, against their floors, in the same run.

Not a test. Needs a PostgreSQL database (DATABASE_URL) holding the demo data topped up to 10,000
published tasks by bench/list_data.py. It then

1. counts the SQL queries (and their time) of each list for page sizes 10, 50 and 100, in
   process with Django's CaptureQueriesContext (the staff list's and the API's page sizes are fixed
   in the product, so the count patches them here; the public list takes `?so-dong=`);
2. starts gunicorn on 127.0.0.1 with bench.settings_list (the product's settings plus two bare
   views that exist only in bench/list_urls.py) and production-like settings (DEBUG=0, HTTPS
   settings off for plain HTTP on loopback, OTP off so a staff session needs no token, the
   anonymous API rate limit raised so the bench measures the server, not the throttle);
3. logs a staff user in (requests session) and passes the session cookie to wrk;
4. runs wrk (-t2 -c8 -d20s --latency by default) once per endpoint per round, the endpoints
   alternating, for --rounds rounds, and reports the medians, each list as a share of (b):
     (a) /bench/constant/           bare view returning a constant
     (b) /bench/floor/?n=50         bare view, the same 50 rows through a plain template
     (b') /bench/floor/?n=50&ids=1 the same, rows read ids first (the stricter floor)
     public /csdl/nhiem-vu/?so-dong=50, staff /nhiem-vu/danh-muc/ (50 a page), API /api/v1/tasks/ (50).

    source scripts/pg-temp.sh; pg_temp_start          # or any PostgreSQL DATABASE_URL
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py load_demo
    .venv/bin/python bench/list_data.py --tasks 10000
    .venv/bin/python bench/list_load.py --json /tmp/list-load.json
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BENCH_ENV = {
    "DJANGO_SETTINGS_MODULE": "bench.settings_list",
    "DEBUG": "0",
    "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789abcdef",
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "0",
    "KHCN_INSECURE_COOKIES_FOR_LOCAL_DEMO": "1",
    "OTP_REQUIRED_FOR_STAFF": "0",
    "API_ANON_RATE": "10000000/minute",
    "LOG_LEVEL": "WARNING",
    # DEBUG=0 serves static files through whitenoise's manifest: collected here, not in the checkout.
    "STATIC_ROOT": os.environ.get("KHCN_BENCH_STATIC_ROOT", str(Path(tempfile.gettempdir()) / "khcn-bench-static")),
}
STAFF_USER = "qlkh"
PASSWORD = "khcn-demo-2024"
ENDPOINTS = {
    "(a) constant": "/bench/constant/",
    "(b) floor, 50 rows": "/bench/floor/?n=50",
    "(b') floor, ids first": "/bench/floor/?n=50&ids=1",
    "public list, 50 rows": "/csdl/nhiem-vu/?so-dong=50",
    "staff list, 50 rows": "/nhiem-vu/danh-muc/",
    "API /api/v1/tasks/, 50": "/api/v1/tasks/",
}


def loadavg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


# --- 1. Query counts, in process -------------------------------------------------------------------


def query_counts(sizes: list[int], only: list[str] | None = None) -> dict:
    os.environ.update(BENCH_ENV)
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from rest_framework.pagination import PageNumberPagination

    import khcn.research.views as research_views

    anonymous, client = Client(HTTP_HOST="127.0.0.1"), Client(HTTP_HOST="127.0.0.1")
    if not only or any(o in "staff" for o in only):
        client.force_login(get_user_model().objects.get(username=STAFF_USER))
    out: dict = {}
    for n in sizes:
        research_views.PAGE_SIZE = n
        PageNumberPagination.page_size = n
        for name, c, url in (
            ("floor", anonymous, f"/bench/floor/?n={n}"),
            ("floor ids", anonymous, f"/bench/floor/?n={n}&ids=1"),
            ("public", anonymous, f"/csdl/nhiem-vu/?so-dong={n}"),
            ("public cold", anonymous, f"/csdl/nhiem-vu/?so-dong={n}"),  # its facet cache emptied first
            ("staff", client, "/nhiem-vu/danh-muc/"),
            ("api", anonymous, "/api/v1/tasks/"),
        ):
            if only and not any(o in name for o in only):
                continue
            c.get(url)  # warm: content types, templates (and the public list's facet cache)
            if name == "public cold":
                cache.clear()
            with CaptureQueriesContext(connection) as ctx:
                response = c.get(url)
            assert response.status_code == 200, (url, response.status_code)
            sql_ms = sum(float(q["time"]) for q in ctx.captured_queries) * 1000
            out.setdefault(name, {})[n] = {
                "queries": len(ctx.captured_queries),
                "sql_ms": round(sql_ms, 1),
                "bytes": len(response.content),
                "slowest": sorted(
                    ((round(float(q["time"]) * 1000, 1), q["sql"][:160]) for q in ctx.captured_queries), reverse=True
                )[:3],
            }
    return out


# --- 2–4. gunicorn + wrk --------------------------------------------------------------------------


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start_gunicorn(port: int, workers: int, worker_class: str, threads: int) -> subprocess.Popen:
    env = {**os.environ, **BENCH_ENV}
    cmd = [
        str(ROOT / ".venv/bin/gunicorn"), "khcn.wsgi:application", "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers), "--worker-class", worker_class, "--threads", str(threads),
        "--timeout", "60", "--log-level", "warning",
    ]  # fmt: skip
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True)
    import requests

    for _ in range(120):
        try:
            requests.get(f"http://127.0.0.1:{port}/bench/constant/", timeout=2)
            return proc
        except requests.RequestException:
            time.sleep(0.5)
    stop(proc)
    raise SystemExit("gunicorn did not answer")


def stop(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(proc.pid, signal.SIGKILL)


def staff_cookie(base: str) -> str:
    import requests

    s = requests.Session()
    s.get(f"{base}/dang-nhap/", timeout=30)
    r = s.post(
        f"{base}/dang-nhap/",
        data={"username": STAFF_USER, "password": PASSWORD, "csrfmiddlewaretoken": s.cookies["csrftoken"]},
        headers={"Referer": f"{base}/dang-nhap/"},
        timeout=30,
    )
    r.raise_for_status()
    if "sessionid" not in s.cookies:
        raise SystemExit(f"staff login failed ({r.status_code} {r.url})")
    return "; ".join(f"{k}={v}" for k, v in s.cookies.items())


def check(base: str, path: str, cookie: str) -> int:
    import requests

    r = requests.get(base + path, headers={"Cookie": cookie} if cookie else {}, allow_redirects=False, timeout=30)
    if r.status_code != 200:
        raise SystemExit(f"{path}: {r.status_code} (expected 200)")
    return len(r.content)


def _ms(text: str) -> float:
    m = re.match(r"([\d.]+)(us|ms|s|m)", text)
    assert m, text
    value, unit = float(m.group(1)), m.group(2)
    return value * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def wrk(url: str, cookie: str, threads: int, conns: int, seconds: int) -> dict:
    cmd = ["wrk", f"-t{threads}", f"-c{conns}", f"-d{seconds}s", "--latency", "--timeout", "30s"]
    if cookie:
        cmd += ["-H", f"Cookie: {cookie}"]
    load = loadavg()
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    lat = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", out, re.M))
    errors = re.search(r"Socket errors: (.*)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "p50_ms": _ms(lat["50"]),
        "p99_ms": _ms(lat["99"]),
        "errors": errors.group(1) if errors else "",
        "non2xx": int(non2xx.group(1)) if non2xx else 0,
        "load": load,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=20, help="seconds per wrk run")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--worker-class", default="sync")
    parser.add_argument("--gunicorn-threads", type=int, default=1)
    parser.add_argument("--sizes", default="10,50,100", help="page sizes for the query counts")
    parser.add_argument("--skip-load", action="store_true", help="query counts only")
    parser.add_argument("--json", help="write all figures to this file")
    parser.add_argument(
        "--only",
        help="comma-separated parts of endpoint names to measure, e.g. 'constant,floor,public' "
        "(no staff login needed without 'staff')",
    )
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("DATABASE_URL must point at PostgreSQL (see the docstring)")

    if not (Path(BENCH_ENV["STATIC_ROOT"]) / "staticfiles.json").exists():
        subprocess.run(
            [str(ROOT / ".venv/bin/python"), "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env={**os.environ, **BENCH_ENV},
            check=True,
        )
    result: dict = {"started": time.strftime("%Y-%m-%d %H:%M:%S"), "load_before": loadavg()}
    only = [o.strip() for o in args.only.split(",")] if args.only else None
    if only:
        for name in list(ENDPOINTS):
            if not any(o in name for o in only):
                del ENDPOINTS[name]
    result["queries"] = query_counts([int(n) for n in args.sizes.split(",")], only)
    for name, by_size in result["queries"].items():
        row = "  ".join(f"{n}: {v['queries']} q, {v['sql_ms']} ms SQL, {v['bytes']:,} B" for n, v in by_size.items())
        print(f"{name:>7}  {row}", flush=True)

    if not args.skip_load:
        if not shutil.which("wrk"):
            raise SystemExit("wrk is missing (apt-get install -y wrk)")
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        proc = start_gunicorn(port, args.workers, args.worker_class, args.gunicorn_threads)
        try:
            cookie = staff_cookie(base) if any("staff" in name for name in ENDPOINTS) else ""
            cookies = {name: (cookie if "staff" in name else "") for name in ENDPOINTS}
            result["bytes"] = {name: check(base, path, cookies[name]) for name, path in ENDPOINTS.items()}
            result["gunicorn"] = (
                f"{args.workers} workers, {args.worker_class}, {args.gunicorn_threads} thread(s), bench.settings_list"
            )
            result["wrk"] = f"-t{args.threads} -c{args.connections} -d{args.duration}s"
            for name, path in ENDPOINTS.items():  # warm-up, not recorded
                wrk(base + path, cookies[name], 1, 2, 2)
            runs: dict[str, list[dict]] = {name: [] for name in ENDPOINTS}
            for r in range(args.rounds):
                for name, path in ENDPOINTS.items():
                    run = wrk(base + path, cookies[name], args.threads, args.connections, args.duration)
                    runs[name].append(run)
                    print(
                        f"round {r + 1} {name:<26} {run['rps']:8.1f} req/s  p50 {run['p50_ms']:7.1f} ms  "
                        f"p99 {run['p99_ms']:7.1f} ms  non-2xx {run['non2xx']}  {run['errors']}  load {run['load']}",
                        flush=True,
                    )
            if cookie:
                check(base, ENDPOINTS["staff list, 50 rows"], cookie)  # the session held for the whole run
        finally:
            stop(proc)
        result["runs"] = runs
        floor = statistics.median(x["rps"] for x in runs["(b) floor, 50 rows"])
        floor_ids = statistics.median(x["rps"] for x in runs["(b') floor, ids first"])
        summary = {}
        for name, rs in runs.items():
            rps = statistics.median(x["rps"] for x in rs)
            summary[name] = {
                "rps": rps,
                "p50_ms": statistics.median(x["p50_ms"] for x in rs),
                "p99_ms": statistics.median(x["p99_ms"] for x in rs),
                "of_floor": rps / floor,
                "of_floor_ids": rps / floor_ids,
                "non2xx": sum(x["non2xx"] for x in rs),
                "errors": [x["errors"] for x in rs if x["errors"]],
                "bytes": result["bytes"][name],
            }
        result["summary"] = summary
        print(
            "\n| endpoint | req/s (median) | p50 | p99 | × (b) | × (b') | bytes | non-2xx |\n"
            "| --- | --- | --- | --- | --- | --- | --- | --- |"
        )
        for name, v in summary.items():
            print(
                f"| {name} | {v['rps']:.1f} | {v['p50_ms']:.1f} ms | {v['p99_ms']:.1f} ms | {v['of_floor']:.2f} "
                f"| {v['of_floor_ids']:.2f} "
                f"| {v['bytes']:,} | {v['non2xx']} |"
            )
    result["load_after"] = loadavg()
    print(f"load average before {result['load_before']}, after {result['load_after']}")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
