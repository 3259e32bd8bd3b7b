"""Benchmark: importing a year of metrology verifications (100,000 rows, one XLSX file).

Not a test. Three paths over the same file, each in a fresh process, measured in the same run:

  floor  python-calamine alone: open the workbook, read every row of the first sheet, nothing else
  khcn   the real importer (datasets.run_import("verifications"), the shared runner's BulkDataset
         path with metrology's plan() and write()): the engine's checks on every cell, checks
         against stored records, ImportBatch provenance, history rows, the write, and the
         instruments' status refresh, in one transaction
  die    django-import-export 4 (bench/requirements.txt), ModelResource with use_bulk=True,
         into the same Verification table of the same prepared database

Every path runs against its own copy of one prepared database: instrument types and cycles,
2,000 owners, 2 verifying bodies and the 100,000 instruments the file names (so the file is a
year of periodic verifications of registered instruments, the usual case). `--scenario new`
leaves the instruments out, so the importer also creates them (django-import-export cannot, and
is not run in that scenario).

    .venv/bin/pip install -r bench/requirements.txt
    .venv/bin/python bench/metrology_import.py                       # SQLite, 3 rounds
    scripts/pg-temp.sh .venv/bin/python bench/metrology_import.py    # PostgreSQL (DATABASE_URL)
    .venv/bin/python bench/metrology_import.py --rows 10000 --rounds 1 --paths floor,khcn
    .venv/bin/python bench/metrology_import.py --scenario new --paths floor,khcn   # instruments created too

Wall time is measured inside each worker from reading the file to the commit (Django start-up
excluded); peak memory is the worker's maximum resident set size (getrusage), with its size
after start-up shown separately, and the importer's Python-heap peak (tracemalloc) from one
extra run. Results print as a Markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HEADERS = [
    "Mã loại phương tiện đo",
    "Số sêri",
    "Hãng sản xuất",
    "Năm sản xuất",
    "Chủ sở hữu",
    "Ngày kiểm định",
    "Hình thức kiểm định",
    "Đơn vị kiểm định",
    "Kiểm định viên",
    "Kết quả",
    "Số giấy chứng nhận",
    "Số tem",
]
TYPES = [  # (code, share of the file, makers)
    ("CT-DIEN-1P", 55, ["EMIC", "Gelex", "Vinasino"]),
    ("CT-DIEN-3P", 5, ["EMIC", "Elster"]),
    ("DH-NUOC-CO", 14, ["Zenner", "Sensus", "Asahi"]),
    ("DH-NUOC-DT", 4, ["Kamstrup", "Itron"]),
    ("COT-XANG-DAU", 5, ["Tatsuno", "Tokheim"]),
    ("CAN-DONG-HO-LO-XO", 7, [""]),
    ("CAN-BAN", 4, [""]),
    ("CAN-DIA", 3, [""]),
    ("TAXIMET", 2, [""]),
    ("HUYET-AP-KE", 1, [""]),
]
BODIES = [
    "Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng Hưng Yên",
    "Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng 1",
]
OWNERS = 2000
VERIFIERS = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Hoàng Văn Em"]


def owner_tax_code(n: int) -> str:
    return f"0990{n:06d}"


def instrument_specs(rows: int) -> list[tuple[str, str, str, int, int]]:
    """(type code, serial, maker, year made, owner number) for each row, from a fixed seed."""
    rng = random.Random(2023)
    weights = [share for _c, share, _m in TYPES]
    specs = []
    for n in range(rows):
        code, _share, makers = rng.choices(TYPES, weights)[0]
        specs.append((code, f"B{n:08d}", rng.choice(makers), rng.randint(2010, 2022), rng.randrange(OWNERS)))
    return specs


def generate(path: Path, rows: int) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    rng = random.Random(1)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Kiểm định 2023")
    sheet.append(HEADERS)
    workdays = [d for d in (dt.date(2023, 1, 2) + dt.timedelta(n) for n in range(364)) if d.weekday() < 5]
    for n, (code, serial, maker, year, owner) in enumerate(instrument_specs(rows)):
        passed = rng.random() < 0.978
        day = rng.choice(workdays)
        if n % 2 == 0:
            # Half the dates are real Excel dates, half typed as text: files come both ways.
            date_cell: object = WriteOnlyCell(sheet, value=day)
            date_cell.number_format = "DD/MM/YYYY"  # type: ignore[attr-defined]
        else:
            date_cell = day.strftime("%d/%m/%Y")
        sheet.append(
            [
                code,
                serial,
                maker,
                year,
                owner_tax_code(owner),
                date_cell,
                "Định kỳ",
                BODIES[0] if n % 10 else BODIES[1],
                rng.choice(VERIFIERS),
                "Đạt" if passed else "Không đạt",
                f"KĐ-{n:07d}/2023" if passed else "",
                f"T23-{n:07d}" if passed else "",
            ]
        )
    workbook.save(path)


# --- Workers (each runs in its own process) ----------------------------------------------------


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "khcn.settings")
    import django

    django.setup()


def _maxrss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker_prepare(rows: int, scenario: str) -> dict:
    _django()
    from django.core.management import call_command
    from django.db import connection

    from khcn.accounts.models import User
    from khcn.directory.models import Organisation
    from khcn.lib.text import fold
    from khcn.registries.metrology.classifications import load_instrument_types
    from khcn.registries.metrology.models import Instrument, InstrumentType

    call_command("migrate", verbosity=0)
    load_instrument_types()
    User.objects.create_user(username="bench", password="bench-password-123", full_name="Bench")
    owners = [
        Organisation(
            name=f"Cơ sở kinh doanh số {n}",
            name_folded=fold(f"Cơ sở kinh doanh số {n}"),
            tax_code=owner_tax_code(n),
            kind="enterprise",
        )
        for n in range(OWNERS)
    ]
    owners += [Organisation(name=name, name_folded=fold(name), kind="state_agency") for name in BODIES]
    Organisation.objects.bulk_create(owners, batch_size=1000)
    if scenario == "existing":
        types = {t.code: t.pk for t in InstrumentType.objects.all()}
        owner_ids = dict(Organisation.objects.exclude(tax_code="").values_list("tax_code", "pk"))
        Instrument.objects.bulk_create(
            (
                Instrument(
                    instrument_type_id=types[code],
                    serial=serial,
                    manufacturer=maker,
                    manufacture_year=year,
                    owner_id=owner_ids[owner_tax_code(owner)],
                )
                for code, serial, maker, year, owner in instrument_specs(rows)
            ),
            batch_size=2000,
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # planner statistics travel with the template copies
    return {"instruments": Instrument.objects.count()}


def worker_floor(path: str) -> dict:
    from python_calamine import CalamineWorkbook

    start_rss = _maxrss_mib()
    started, cpu_started = time.perf_counter(), time.process_time()
    data = Path(path).read_bytes()
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    count = 0
    for _row in workbook.get_sheet_by_index(0).iter_rows():
        count += 1
    return {
        "seconds": time.perf_counter() - started,
        "cpu": time.process_time() - cpu_started,
        "rows": count - 1,
        "rss": _maxrss_mib(),
        "rss_start": start_rss,
    }


def worker_khcn(path: str, trace: bool = False) -> dict:
    _django()
    from khcn.accounts.models import User
    from khcn.core import datasets
    from khcn.registries.metrology.models import Instrument, Verification

    user = User.objects.get(username="bench")
    if trace:
        # The Python heap's peak (tracemalloc), in a run of its own: tracing slows the import.
        import tracemalloc

        tracemalloc.start()
    start_rss = _maxrss_mib()
    started, cpu_started = time.perf_counter(), time.process_time()
    data = Path(path).read_bytes()
    result = datasets.run_import("verifications", Path(path).name, data, user=user)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    if not result.ok:
        raise SystemExit(f"import failed: {[e.as_dict() for e in result.errors[:5]]}")
    heap = {}
    if trace:
        import tracemalloc

        heap = {"python_heap_peak": tracemalloc.get_traced_memory()[1] / 2**20}
    return {
        **heap,
        "seconds": seconds,
        "cpu": cpu,
        "rows": result.row_count,
        "written": Verification.objects.count(),
        "history": Verification.history.count(),
        "rejected_instruments": Instrument.objects.filter(status="rejected").count(),
        "rss": _maxrss_mib(),
        "rss_start": start_rss,
    }


def worker_die(path: str) -> dict:
    _django()
    from import_export import fields, resources, widgets
    from import_export.formats.base_formats import XLSX

    from khcn.directory.models import Organisation
    from khcn.registries.metrology.models import Instrument, Verification

    class InstrumentWidget(widgets.ForeignKeyWidget):
        # One instrument is named by two cells: its type code narrows the serial.
        def get_queryset(self, value, row, *args, **kwargs):  # type: ignore[no-untyped-def]
            return Instrument.objects.filter(instrument_type__code=row["Mã loại phương tiện đo"])

    class ChoiceWidget(widgets.Widget):
        def __init__(self, mapping: dict[str, str]) -> None:
            super().__init__()
            self.mapping = mapping

        def clean(self, value, row=None, **kwargs):  # type: ignore[no-untyped-def]
            try:
                return self.mapping[str(value).strip()]
            except KeyError:
                raise ValueError(f"không hợp lệ: {value!r}") from None

    class VerificationResource(resources.ModelResource):
        instrument = fields.Field(
            attribute="instrument", column_name="Số sêri", widget=InstrumentWidget(Instrument, "serial")
        )
        date = fields.Field(
            attribute="date", column_name="Ngày kiểm định", widget=widgets.DateWidget(format="%d/%m/%Y")
        )
        kind = fields.Field(
            attribute="kind",
            column_name="Hình thức kiểm định",
            widget=ChoiceWidget({"Định kỳ": "periodic", "Ban đầu": "initial", "Sau sửa chữa": "after_repair"}),
        )
        verifying_body = fields.Field(
            attribute="verifying_body",
            column_name="Đơn vị kiểm định",
            widget=widgets.ForeignKeyWidget(Organisation, "name"),
        )
        verifier = fields.Field(attribute="verifier", column_name="Kiểm định viên")
        result = fields.Field(
            attribute="result", column_name="Kết quả", widget=ChoiceWidget({"Đạt": "passed", "Không đạt": "failed"})
        )
        certificate_no = fields.Field(attribute="certificate_no", column_name="Số giấy chứng nhận")
        stamp_no = fields.Field(attribute="stamp_no", column_name="Số tem")

        class Meta:
            model = Verification
            fields = (
                "instrument",
                "date",
                "kind",
                "verifying_body",
                "verifier",
                "result",
                "certificate_no",
                "stamp_no",
            )
            # The natural key, as in perf-notes §2: one lookup per row to find a row to update.
            import_id_fields = ("instrument", "date")
            use_bulk = True
            batch_size = 1000

        def before_save_instance(self, instance, row, **kwargs):  # type: ignore[no-untyped-def]
            # Empty cells arrive as None; the columns are NOT NULL (blank allowed).
            instance.verifier = instance.verifier or ""
            instance.certificate_no = instance.certificate_no or ""
            instance.stamp_no = instance.stamp_no or ""

    start_rss = _maxrss_mib()
    started, cpu_started = time.perf_counter(), time.process_time()
    data = Path(path).read_bytes()
    dataset = XLSX().create_dataset(data)
    result = VerificationResource().import_data(dataset, dry_run=False, raise_errors=False, use_transactions=True)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    if result.has_errors() or result.has_validation_errors():
        errors = [str(e.error) for _n, row_errors in result.row_errors()[:3] for e in row_errors]
        invalid = [str(r.error_dict)[:200] for r in result.invalid_rows[:3]]
        raise SystemExit(f"import-export failed: {errors} {invalid}")
    return {
        "seconds": seconds,
        "cpu": cpu,
        "rows": len(dataset),
        "written": Verification.objects.count(),
        "history": Verification.history.count(),
        "rss": _maxrss_mib(),
        "rss_start": start_rss,
    }


WORKERS = {"floor": worker_floor, "khcn": worker_khcn, "die": worker_die}


# --- Driver ------------------------------------------------------------------------------------


class Database:
    """One prepared database, copied for every measured run."""

    def __init__(self, workdir: Path) -> None:
        self.url = os.environ.get("DATABASE_URL", "")
        self.workdir = workdir
        self.base = "bench_base"

    @property
    def kind(self) -> str:
        return "PostgreSQL" if self.url.startswith("postgres") else "SQLite"

    def env(self, name: str) -> dict[str, str]:
        env = dict(
            os.environ, DEBUG="0", SECRET_KEY="bench-only-" + "x" * 50, ALLOWED_HOSTS="localhost", AXES_ENABLED="0"
        )
        if self.kind == "SQLite":
            env["KHCN_VAR_DIR"] = str(self.workdir / name)
            env.pop("DATABASE_URL", None)
        else:
            env["DATABASE_URL"] = self.url.rsplit("/", 1)[0] + f"/{name}"
        return env

    def _psql(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as connection:
            connection.execute(sql)

    def create_base(self) -> None:
        if self.kind == "SQLite":
            (self.workdir / self.base).mkdir(parents=True, exist_ok=True)
        else:
            self._psql(f"DROP DATABASE IF EXISTS {self.base}")
            self._psql(f"CREATE DATABASE {self.base}")

    def clone(self, name: str) -> None:
        if self.kind == "SQLite":
            target = self.workdir / name
            shutil.rmtree(target, ignore_errors=True)
            target.mkdir(parents=True)
            shutil.copy(self.workdir / self.base / "khcn.sqlite3", target / "khcn.sqlite3")
        else:
            self._psql(f"DROP DATABASE IF EXISTS {name}")
            self._psql(f"CREATE DATABASE {name} TEMPLATE {self.base}")

    def drop(self, name: str) -> None:
        if self.kind == "SQLite":
            shutil.rmtree(self.workdir / name, ignore_errors=True)
        else:
            self._psql(f"DROP DATABASE IF EXISTS {name}")


def run_worker(path_name: str, args: list[str], env: dict[str, str]) -> dict:
    completed = subprocess.run(  # noqa: S603
        [sys.executable, __file__, "--worker", path_name, *args], env=env, capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        raise SystemExit(f"{path_name} worker failed:\n{completed.stdout}\n{completed.stderr[-4000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--die-rounds",
        type=int,
        default=None,
        help="rounds for django-import-export (default: --rounds); it takes minutes",
    )
    parser.add_argument("--paths", default="floor,khcn,die")
    parser.add_argument("--scenario", choices=["existing", "new"], default="existing")
    parser.add_argument(
        "--no-trace", dest="trace", action="store_false", help="skip the extra run that measures the Python heap"
    )
    parser.add_argument("--workdir", default=str(ROOT / "var" / "bench"))
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("worker_args", nargs="*", help=argparse.SUPPRESS)
    options = parser.parse_args()

    if options.worker:
        if options.worker == "prepare":
            result = worker_prepare(int(options.worker_args[0]), options.worker_args[1])
        elif options.worker == "khcn-trace":
            result = worker_khcn(options.worker_args[0], trace=True)
        else:
            result = WORKERS[options.worker](options.worker_args[0])
        print(json.dumps(result))
        return

    workdir = Path(options.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    xlsx = workdir / f"kiem-dinh-{options.rows}.xlsx"
    if not xlsx.exists():
        started = time.perf_counter()
        generate(xlsx, options.rows)
        print(
            f"generated {xlsx} ({xlsx.stat().st_size:,} bytes) in {time.perf_counter() - started:.1f} s",
            file=sys.stderr,
        )
    load_before = os.getloadavg()[0]
    paths = [p for p in options.paths.split(",") if p]
    if options.scenario == "new" and "die" in paths:
        paths.remove("die")  # it cannot create the instruments a row names
    database = Database(Path(tempfile.mkdtemp(prefix="khcn-bench-", dir=workdir)))
    database.create_base()
    prepared = run_worker("prepare", [str(options.rows), options.scenario], database.env(database.base))
    print(f"{database.kind}: prepared base ({prepared})", file=sys.stderr)

    results: dict[str, list[dict]] = {p: [] for p in paths}
    for round_number in range(1, options.rounds + 1):
        # Round-robin, so that drift on a noisy machine hits every path alike.
        for path_name in paths:
            if path_name == "die" and options.die_rounds is not None and round_number > options.die_rounds:
                continue
            name = f"bench_{path_name}_{round_number}"
            database.clone(name)
            result = run_worker(path_name, [str(xlsx)], database.env(name))
            database.drop(name)
            results[path_name].append(result)
            print(f"round {round_number} {path_name}: {result}", file=sys.stderr)
    heap = None
    if "khcn" in paths and options.trace:
        database.clone("bench_trace")
        heap = run_worker("khcn-trace", [str(xlsx)], database.env("bench_trace"))["python_heap_peak"]
        database.drop("bench_trace")
    database.drop(database.base)
    shutil.rmtree(database.workdir, ignore_errors=True)

    floor = statistics.median(r["seconds"] for r in results["floor"]) if results.get("floor") else None
    die = statistics.median(r["seconds"] for r in results["die"]) if results.get("die") else None
    floor_cpu = statistics.median(r["cpu"] for r in results["floor"]) if results.get("floor") else None
    print(
        f"\n{database.kind}, {options.rows:,} rows, scenario {options.scenario}, {options.rounds} round(s); "
        f"Python {platform.python_version()}, {os.cpu_count()} CPU, load {load_before:.2f} before, "
        f"{os.getloadavg()[0]:.2f} after\n"
    )
    print(
        "| path | median s | runs s | rows/s | × floor | × floor, round by round (median) | vs import-export "
        "| client CPU s (× floor) | peak RSS MiB (after start-up) |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for path_name in paths:
        runs = results[path_name]
        median = statistics.median(r["seconds"] for r in runs)
        rss = max(r["rss"] for r in runs)
        start = min(r["rss_start"] for r in runs)
        rows = runs[0]["rows"]
        versus_floor = f"{median / floor:.2f}×" if floor else "–"
        # The floor of the same round ran next to it, so under the same load: on a shared machine
        # whose load drifts, the median of these ratios moves less than the ratio of medians.
        paired = [r["seconds"] / f["seconds"] for r, f in zip(runs, results.get("floor", []), strict=False)]
        versus_round = (
            f"{statistics.median(paired):.2f}× ({', '.join(f'{p:.2f}' for p in paired)})"
            if paired and path_name != "floor"
            else "–"
        )
        versus_die = f"{die / median:.1f}× faster" if die and path_name != "die" else "–"
        each = ", ".join(f"{r['seconds']:.2f}" for r in runs)
        cpu = statistics.median(r["cpu"] for r in runs)
        cpu_ratio = f" ({cpu / floor_cpu:.2f}×)" if floor_cpu else ""
        print(
            f"| {path_name} | {median:.2f} | {each} | {rows / median:,.0f} | {versus_floor} | {versus_round} | "
            f"{versus_die} | {cpu:.2f}{cpu_ratio} | {rss:.0f} ({start:.0f}) |"
        )
    if heap is not None:
        print(f"\nkhcn, Python heap peak (tracemalloc, separate run): {heap:.0f} MiB")


if __name__ == "__main__":
    main()
