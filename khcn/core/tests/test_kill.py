"""Faults lose nothing (issue 9; security.md §5 "Fault injection", goal G6).

A real write runs in a child process against the test database and is killed with SIGKILL at a
named fault point (khcn.core.faults), or loses its database connection there. Afterwards the
database must equal its snapshot from before the run (every table's row count, the records'
fields) or hold the whole result; no ImportBatch may claim a success that is not there; an export
left "running" is found and marked failed by the sweep, and a file no job points at is removed;
and the same work, run again, succeeds.

The tests are transactional: the child sees what the test wrote only once it is committed.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from openpyxl import Workbook

from khcn.accounts import roles
from khcn.core import datasets, jobs
from khcn.core.models import ExportJob, ImportBatch
from khcn.core.tests.faultchild import Outcome, spawn
from khcn.directory.models import Organisation
from khcn.registries.metrology.models import Instrument, InstrumentType, Verification, VerificationCycle
from khcn.research.models import Contract, Task, TaskEvent, Tranche
from khcn.research.tests.builders import Builder
from khcn.research.tests.test_execution_services import TRANCHES, department, fund, new_task
from khcn.testing import make_user

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ROWS = 2100  # three INSERT statements per table on SQLite (1,000 rows each)
POSTGRES = connection.vendor == "postgresql"


def snapshot() -> dict[str, int]:
    """Rows in every table (history, provenance and audit tables included)."""
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }


def changes(before: dict[str, int]) -> dict[str, int]:
    after = snapshot()
    return {label: after[label] - count for label, count in before.items() if after[label] != count}


def assert_killed(outcome: Outcome, point: str) -> None:
    assert outcome.killed, f"{point}: the child was not killed there (exit {outcome.exitcode}):\n{outcome.log}"


def assert_database_sound() -> None:
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            assert cursor.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


# --- An import of a year file ----------------------------------------------------------------------

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
BODY = "Trung tâm Kiểm định Thử nghiệm (A)"


def verification_file(path: Path, prefix: str, rows: int = ROWS) -> Path:
    """A verifying body's year file: every row a new instrument and its verification."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(HEADERS)
    day = dt.date(2023, 3, 15)
    for n in range(rows):
        tag = f"{prefix}{n:05d}"
        sheet.append(
            [
                "CT-1P",
                tag,
                "EMIC",
                2020,
                "0900000001",
                day,
                "Định kỳ",
                BODY,
                "Nguyễn Văn An",
                "Đạt",
                f"GCN-{tag}",
                f"T-{tag}",
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    path.write_bytes(buffer.getvalue())
    return path


def instruments_file(path: Path, rows: int) -> Path:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(["Mã loại phương tiện đo", "Số sêri", "Hãng sản xuất", "Năm sản xuất", "Chủ sở hữu"])
    for n in range(rows):
        sheet.append(["CT-1P", f"PT{n:05d}", "Gelex", 2021, "0900000001"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    path.write_bytes(buffer.getvalue())
    return path


@pytest.fixture
def metrology_world(quality_officer: Any) -> Any:
    meter = InstrumentType.objects.create(code="CT-1P", name="Công tơ điện 1 pha")
    VerificationCycle.objects.create(instrument_type=meter, valid_from=dt.date(2014, 1, 1), cycle_months=60)
    Organisation.objects.create(name="Cửa hàng xăng dầu số 12", tax_code="0900000001")
    Organisation.objects.create(name=BODY, kind=Organisation.Kind.STATE_AGENCY)
    return quality_officer


def test_a_killed_import_leaves_nothing_and_the_file_imports_again(metrology_world, tmp_path):
    officer = metrology_world
    year_file = verification_file(tmp_path / "kiem-dinh-2023.xlsx", "KS")
    run = {"dataset": "verifications", "path": str(year_file), "user_id": officer.pk}
    before = snapshot()

    # Dying anywhere inside the import's transaction: the batch recorded as a success, the first
    # table partly or wholly written, both tables written but not committed.
    points = ["bulk.insert#1", "bulk.insert#2", "import.written"]
    if not POSTGRES:  # PostgreSQL writes a table in one statement (COPY)
        points[1:1] = ["bulk.statement#2", "bulk.statement#4"]
    for point in points:
        outcome = spawn("import", workdir=tmp_path, point=point, **run)
        assert_killed(outcome, point)
        assert changes(before) == {}, f"killed at {point}"
        assert not ImportBatch.objects.filter(status=ImportBatch.Status.SUCCEEDED).exists()
        assert_database_sound()

    # The connection lost mid-write: the import says it failed, and only that is kept.
    outcome = spawn("import", workdir=tmp_path, point="bulk.insert#2", action="disconnect", **run)
    assert outcome.exitcode == 0, outcome.log
    assert outcome.result is not None and outcome.result["status"] == ImportBatch.Status.FAILED
    assert "chưa có dòng nào được ghi" in outcome.result["errors"][0]
    grew = changes(before)
    assert grew.pop("core.ImportBatch") == 1 and set(grew) <= {"audit.AuditEvent"}, grew
    assert ImportBatch.objects.get().status == ImportBatch.Status.FAILED

    # Run again, whole: every row is there once.
    result = datasets.run_import("verifications", year_file.name, year_file.read_bytes(), user=officer)
    assert result.ok, result.errors[:3]
    assert Verification.objects.count() == Instrument.objects.count() == ROWS
    assert Verification.history.count() == Instrument.history.count() == ROWS

    # Killed just after the commit: the whole second file is there, and its batch says so.
    second = verification_file(tmp_path / "kiem-dinh-2023-b.xlsx", "KB", rows=300)
    outcome = spawn("import", workdir=tmp_path, point="import.committed", **{**run, "path": str(second)})
    assert_killed(outcome, "import.committed")
    assert Verification.objects.count() == ROWS + 300
    batch = ImportBatch.objects.latest("pk")
    assert (batch.status, batch.created_count, batch.file_name) == ("succeeded", 300, second.name)

    # The same file again adds nothing.
    again = datasets.run_import("verifications", second.name, second.read_bytes(), user=officer)
    assert not again.ok and Verification.objects.count() == ROWS + 300

    # The plain runner (one table, the ORM's bulk writes), as every other registry imports.
    plain = instruments_file(tmp_path / "phuong-tien.xlsx", 300)
    before = snapshot()
    outcome = spawn(
        "import", workdir=tmp_path, point="import.written", **{**run, "dataset": "instruments", "path": str(plain)}
    )
    assert_killed(outcome, "import.written (plain)")
    assert changes(before) == {}
    assert datasets.run_import("instruments", plain.name, plain.read_bytes(), user=officer).ok
    assert Instrument.objects.filter(serial__startswith="PT").count() == 300


# --- A workflow step that writes several tables -----------------------------------------------------


def test_a_killed_contract_signing_leaves_the_task_as_it_was(science_officer, tmp_path):
    build = Builder(science_officer)
    task = new_task(build)
    fund(build, 2024, [(task, 600_000_000)])
    task.refresh_from_db()
    run = {
        "task_id": task.pk,
        "user_id": science_officer.pk,
        "department_id": department().pk,
        "number": "15/2024/HĐ-KHCN",
        "tranches": [dict(t) for t in TRANCHES],
    }
    before = snapshot()

    # After the contract, its tranches and the team are written; after the task moved on but
    # before its event; the connection lost at that same moment.
    for point, action in [
        ("research.contract_written", "kill"),
        ("research.task_saved", "kill"),
        ("research.task_saved", "disconnect"),
    ]:
        outcome = spawn("contract_sign", workdir=tmp_path, point=point, action=action, **run)
        if action == "kill":
            assert_killed(outcome, point)
        else:
            assert outcome.exitcode == 1, outcome.log  # the error reached the caller
        assert changes(before) == {}, f"{point} ({action})"
        stored = Task.objects.get(pk=task.pk)
        assert (stored.status, stored.version) == (task.status, task.version)
        assert_database_sound()

    outcome = spawn("contract_sign", workdir=tmp_path, **run)
    assert outcome.exitcode == 0, outcome.log
    stored = Task.objects.get(pk=task.pk)
    assert stored.status == Task.Status.IN_PROGRESS
    assert Contract.objects.get(task=task).number == "15/2024/HĐ-KHCN"
    assert Tranche.objects.filter(contract__task=task).count() == len(TRANCHES)
    assert TaskEvent.objects.filter(task=task, to_status=Task.Status.IN_PROGRESS).count() == 1


# --- A report export run in the background -------------------------------------------------------------


def test_a_killed_export_is_marked_failed_and_leaves_no_file(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    officer = make_user("qlkh_xuat", roles.SCIENCE_OFFICER)

    def new_job() -> ExportJob:
        return ExportJob.objects.create(
            name="reports.annual_xlsx",
            label="Số liệu báo cáo KH&CN (XLSX) 2024",
            params={"year": "2024"},
            requested_by=officer,
        )

    def files() -> list[Path]:
        return sorted(p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file())

    # Killed once it said "running", and once the file is written but before the job points at it.
    stuck = []
    for point, orphans in [("export.running", 0), ("export.file_written", 1)]:
        job = new_job()
        assert_killed(spawn("export", workdir=tmp_path, point=point, job_id=job.pk), point)
        job.refresh_from_db()
        assert job.status == ExportJob.Status.RUNNING and not job.file, point
        assert len(files()) == orphans, point
        stuck.append(job)

    # Within the grace period the sweep leaves them (their worker may still be at work)...
    assert jobs.exports_sweep() == (0, 0)
    # ... after it, the jobs say they failed and the stray file is gone.
    out = io.StringIO()
    call_command("cleanup_exports", "--stale-hours", "0", stdout=out)
    assert "Đã đánh dấu 2 việc xuất bị gián đoạn; đã xóa 1 tệp" in out.getvalue()
    for job in stuck:
        job.refresh_from_db()
        assert job.status == ExportJob.Status.FAILED and "gián đoạn" in job.message and job.finished_at
    assert files() == []

    # Asked again, the export runs to the end; the sweep keeps a finished job's file.
    job = new_job()
    outcome = spawn("export", workdir=tmp_path, job_id=job.pk)
    assert outcome.result == {"status": "done"}, outcome.log
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE and Path(job.file.path).read_bytes()[:2] == b"PK"
    assert jobs.exports_sweep(stale_after=dt.timedelta(0)) == (0, 0)
    assert files() == [Path(job.file.path)]
