"""Restore drills: back up a database with data and files, restore it into a fresh database, and prove
that every row and every file came back (security.md §5: only a restored backup counts).

The same tests run on SQLite and, in the second pass of scripts/test.sh, on PostgreSQL; the
connection's vendor picks the fresh target (a new SQLite file, or a new database in the same
PostgreSQL cluster). The restore runs as `manage.py restore` in a separate process pointed at the
target, as an operator would run it on a new server.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import time
import uuid
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.utils.module_loading import autodiscover_modules

from khcn import testing
from khcn.accounts import roles
from khcn.core import backup, demo, services
from khcn.core.models import Attachment
from khcn.directory.models import Organisation, Person

# Transactional: pg_dump and the restore process only see committed rows. serialized_rollback puts
# back the rows migrations seed (rules, plan groups), which the flush after each test empties.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# The cheap part of `load_demo` (a few seconds instead of ~104 s): reference lists and accounts,
# organisations and people, a council, and records in five registries. Research and metrology,
# the slow loaders, are left out.
DEMO_SUBSET = (
    "khcn.directory.demo",
    "khcn.councils.demo",
    "khcn.registries.quality.demo",
    "khcn.registries.ip.demo",
    "khcn.registries.innovation.demo",
    "khcn.registries.legaldocs.demo",
    "khcn.registries.news.demo",
)

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def _docx_bytes(text: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", f"<w:document>{text}</w:document>")
    return buffer.getvalue()


@pytest.fixture
def media_root(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _load_demo_like_data() -> None:
    autodiscover_modules("demo")
    for name, loader in demo.loaders():
        if name in DEMO_SUBSET:
            with transaction.atomic():
                loader()
    officer = testing.make_user("drill_officer", roles.SCIENCE_OFFICER)
    organisations = list(Organisation.objects.order_by("pk")[:3])
    person = Person.objects.order_by("pk").first()
    assert organisations and person is not None, "the demo subset should create organisations and people"
    uploads = [
        (organisations[0], SimpleUploadedFile("Quyết định số 12/QĐ-SKHCN.pdf", PDF_BYTES)),
        (organisations[0], SimpleUploadedFile("Biên bản nghiệm thu.docx", _docx_bytes("Nghiệm thu đạt"))),
        (organisations[1], SimpleUploadedFile("bản đồ.png", PNG_BYTES)),
        (person, SimpleUploadedFile("lý lịch khoa học.docx", _docx_bytes("Lý lịch"))),
    ]
    for record, upload in uploads:
        services.attachment_add(record=record, upload=upload, by=officer, description="Hồ sơ diễn tập khôi phục")
    # A file no record names (an export waiting to be collected): the whole MEDIA_ROOT is backed up.
    export = Path(settings.MEDIA_ROOT) / "exports" / "2024" / "bao-cao.csv"
    export.parent.mkdir(parents=True)
    export.write_text("Mã;Tên\n1;Sở KH&CN\n", encoding="utf-8")


def _backup(tmp_path: Path) -> Path:
    call_command("backup", output=tmp_path / "backups", stdout=io.StringIO())
    (archive,) = (tmp_path / "backups").glob("*.tar.gz")
    return archive


def _file_digests(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(settings.BASE_DIR / "manage.py"), *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


# --- Canonical content of a whole database -----------------------------------------------------------


def _sqlite_content(path: str) -> dict[str, str]:
    """One SHA-256 per table over its rows in a canonical order, plus the schema itself."""
    db = sqlite3.connect(path)
    try:
        content = {}
        schema = sorted(db.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall(), key=repr)
        content["<schema>"] = hashlib.sha256(repr(schema).encode()).hexdigest()
        for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
            rows = sorted(repr(row) for row in db.execute(f'SELECT * FROM "{table}"'))
            content[table] = f"{len(rows)}:" + hashlib.sha256("\n".join(rows).encode()).hexdigest()
        return content
    finally:
        db.close()


def _pg_connect(dbname: str):  # type: ignore[no-untyped-def]
    import psycopg

    s = connection.settings_dict
    params = {"host": s["HOST"], "port": s["PORT"], "user": s["USER"], "password": s["PASSWORD"], "dbname": dbname}
    return psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True)


def _pg_content(dbname: str) -> dict[str, str]:
    """Rows hashed by the server (each row as text, ordered), sequences' positions, indexes, constraints."""
    with _pg_connect(dbname) as db:
        content = {}
        tables = [r[0] for r in db.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()]
        for table in tables:
            count, digest = db.execute(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) FROM public.\"{table}\" t"
            ).fetchone()
            content[table] = f"{count}:{digest}"
        catalogue = {
            "<sequences>": "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'",
            # Not pg_indexes.indexdef: PostgreSQL re-parses a partial index's predicate on restore and
            # prints it back with the casts moved (same meaning, different text).
            # Nor column numbers and operator-class oids: a restored table has no gaps left by dropped
            # columns, and a re-created extension has new oids. Column by column, by name, instead.
            "<indexes>": "SELECT t.relname, c.relname, am.amname, i.indisunique, i.indpred IS NOT NULL, "
            "array(SELECT pg_get_indexdef(i.indexrelid, k, true) FROM generate_series(1, i.indnatts) k) "
            "FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid "
            "JOIN pg_am am ON am.oid = c.relam WHERE c.relnamespace = 'public'::regnamespace",
            "<constraints>": "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE connamespace = 'public'::regnamespace",
            "<triggers>": "SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE NOT tgisinternal",
            "<functions>": "SELECT proname FROM pg_proc WHERE pronamespace = 'public'::regnamespace",
            "<extensions>": "SELECT extname FROM pg_extension",
        }
        for key, query in catalogue.items():
            content[key] = "\n".join(sorted(repr(row) for row in db.execute(query).fetchall()))
        return content


@dataclass
class Target:
    """A fresh installation for the restore: its environment and a way to read its whole content."""

    env: dict[str, str]
    media: Path
    content: Callable[[], dict[str, str]]


@pytest.fixture
def fresh_target(tmp_path: Path) -> Iterator[Target]:
    home = tmp_path / "restored"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "khcn.settings",
        "KHCN_VAR_DIR": str(home),
        "MEDIA_ROOT": str(home / "media"),
    }
    if connection.vendor == "sqlite":
        path = home / "khcn.sqlite3"
        env["DATABASE_URL"] = f"sqlite:///{path}"
        yield Target(env=env, media=home / "media", content=lambda: _sqlite_content(str(path)))
        return
    assert connection.vendor == "postgresql"
    name = f"khcn_drill_{uuid.uuid4().hex[:10]}"
    s = connection.settings_dict
    with _pg_connect(s["NAME"]) as admin:
        admin.execute(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'")
    credentials = quote(s["USER"] or "") + (":" + quote(s["PASSWORD"]) if s["PASSWORD"] else "")
    env["DATABASE_URL"] = f"postgres://{credentials}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{name}"
    try:
        yield Target(env=env, media=home / "media", content=lambda: _pg_content(name))
    finally:
        with _pg_connect(s["NAME"]) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _explain(source: dict[str, str], target: dict[str, str], keys: list[str]) -> str:
    """For catalogue entries (one item a line), the lines only one side has."""
    lines = []
    for key in keys:
        before = set(source.get(key, "").splitlines())
        after = set(target.get(key, "").splitlines())
        lines += [f"{key} only in source: {x}" for x in sorted(before - after)]
        lines += [f"{key} only in target: {x}" for x in sorted(after - before)]
    return "\n".join(lines)


def _source_content() -> dict[str, str]:
    if connection.vendor == "sqlite":
        return _sqlite_content(connection.settings_dict["NAME"])
    return _pg_content(connection.settings_dict["NAME"])


# --- The drill ---------------------------------------------------------------------------------------


def test_drill_restore_into_a_fresh_database_gives_back_every_row_and_every_file(
    media_root: Path, tmp_path: Path, fresh_target: Target
) -> None:
    started = time.monotonic()
    _load_demo_like_data()
    loaded = time.monotonic()
    archive = _backup(tmp_path)
    out = io.StringIO()
    call_command("backup", verify=archive, stdout=out)
    assert "Bản sao lưu toàn vẹn" in out.getvalue()
    source = _source_content()
    source_files = _file_digests(media_root)
    assert len(source_files) == 5

    restored = _manage(fresh_target.env, "restore", str(archive))
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "mọi kiểm tra đều đạt" in restored.stdout
    assert "Số dòng khớp với manifest" in restored.stdout
    assert "không còn migration nào chưa áp dụng" in restored.stdout

    target = fresh_target.content()
    differing = sorted(t for t in source.keys() | target.keys() if source.get(t) != target.get(t))
    assert differing == [], _explain(source, target, differing)
    assert _file_digests(fresh_target.media) == source_files
    # Every attachment's recorded checksum names the file that came back under its name.
    for attachment in Attachment.objects.all():
        restored_file = fresh_target.media / attachment.file.name
        assert hashlib.sha256(restored_file.read_bytes()).hexdigest() == attachment.sha256
    assert Attachment.objects.count() == 4

    # The target now holds data (a second restore without --force is refused: see
    # test_restore_refuses_a_target_that_already_has_data). --force replaces every table that exists
    # and keeps files the backup does not have.
    stray = fresh_target.media / "attachments" / "them-sau-khi-khoi-phuc.pdf"
    stray.write_bytes(PDF_BYTES)
    forced = _manage(fresh_target.env, "restore", "--force", str(archive))
    assert forced.returncode == 0, forced.stdout + forced.stderr
    assert "mọi kiểm tra đều đạt" in forced.stdout
    assert fresh_target.content() == target
    assert stray.exists()
    print(
        f"\n[{connection.vendor}] data {loaded - started:.1f} s, backup+verify+restore+checks+forced restore "
        f"{time.monotonic() - loaded:.1f} s, archive {archive.stat().st_size} bytes"
    )


# --- What must be refused before anything is touched -------------------------------------------------


def _rewrite(
    archive: Path,
    target: Path,
    *,
    member: Callable[[str, bytes], tuple[str, bytes]] | None = None,
    manifest: Callable[[dict], None] | None = None,
    keep_checksums: bool = True,
) -> Path:
    """A copy of the archive with one member or the manifest changed (checksums updated if asked)."""
    with tarfile.open(archive, "r:gz") as src:
        entries = [(m.name, src.extractfile(m).read()) for m in src.getmembers()]  # type: ignore[union-attr]
    data = dict(entries)
    meta = json.loads(data.pop(backup.MANIFEST))
    changed: dict[str, bytes] = {}
    for name, content in data.items():
        new_name, new_content = member(name, content) if member else (name, content)
        changed[new_name] = new_content
        if keep_checksums and new_name != name:
            meta["members"][new_name] = meta["members"].pop(name)
    if manifest:
        manifest(meta)
    if keep_checksums:
        for name, content in changed.items():
            if name in meta["members"]:
                meta["members"][name] = {"sha256": hashlib.sha256(content).hexdigest(), "size": len(content)}
    changed[backup.MANIFEST] = json.dumps(meta).encode()
    with tarfile.open(target, "w:gz") as out:
        for name, content in changed.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            out.addfile(info, io.BytesIO(content))
    return target


@pytest.fixture
def small_backup(media_root: Path, tmp_path: Path) -> Path:
    officer = testing.make_user("drill_officer", roles.SCIENCE_OFFICER)
    org = testing.make_organisation("Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng (diễn tập)")
    services.attachment_add(record=org, upload=SimpleUploadedFile("giay-chung-nhan.pdf", PDF_BYTES), by=officer)
    return _backup(tmp_path)


def test_a_damaged_archive_is_found_and_restore_stops_before_touching_anything(
    small_backup: Path, tmp_path: Path
) -> None:
    def flip_one_byte(name: str, content: bytes) -> tuple[str, bytes]:
        if name.startswith(backup.MEDIA_PREFIX):
            return name, content[:-2] + bytes([content[-2] ^ 1]) + content[-1:]
        return name, content

    tampered = _rewrite(small_backup, tmp_path / "tampered.tar.gz", member=flip_one_byte, keep_checksums=False)
    with pytest.raises(CommandError) as verify_error:
        call_command("backup", verify=tampered, stdout=io.StringIO())
    assert "sai mã kiểm tra SHA-256" in str(verify_error.value)
    assert "media/attachments/" in str(verify_error.value)

    before = backup.table_counts(connection)
    # The test database has data too, but the checksums are checked first: that is the reason given.
    with pytest.raises(CommandError) as restore_error:
        call_command("restore", str(tampered), stdout=io.StringIO())
    assert "Không khôi phục: bản sao lưu" in str(restore_error.value)
    assert "không toàn vẹn" in str(restore_error.value)
    assert backup.table_counts(connection) == before

    # A copy cut short, and a whole-file checksum (the .sha256 beside it) that no longer matches.
    truncated = small_backup.with_name("cut.tar.gz")
    truncated.write_bytes(small_backup.read_bytes()[:-300])
    with pytest.raises(CommandError, match="hỏng hoặc không đọc được"):
        call_command("backup", verify=truncated, stdout=io.StringIO())

    sidecar = small_backup.with_name(small_backup.name + ".sha256")
    assert sidecar.read_text().split()[0] == hashlib.sha256(small_backup.read_bytes()).hexdigest()
    sidecar.write_text("0" * 64 + "  " + small_backup.name + "\n")
    with pytest.raises(CommandError, match="khác với"):
        call_command("backup", verify=small_backup, stdout=io.StringIO())


def test_restore_refuses_a_target_with_data_a_backup_of_the_other_vendor_or_of_newer_software(
    small_backup: Path, tmp_path: Path
) -> None:
    before = backup.table_counts(connection)
    with pytest.raises(CommandError) as error:
        call_command("restore", str(small_backup), stdout=io.StringIO())
    message = str(error.value)
    assert "nơi nhận đã có dữ liệu" in message
    assert "1 tài khoản" in message
    assert "--force" in message
    assert backup.table_counts(connection) == before

    here = connection.vendor
    other = "postgresql" if here == "sqlite" else "sqlite"

    def rename_database(name: str, content: bytes) -> tuple[str, bytes]:
        return (backup.DB_MEMBERS[other], content) if name == backup.DB_MEMBERS[here] else (name, content)

    def other_vendor(meta: dict) -> None:
        meta["database"].update(vendor=other, member=backup.DB_MEMBERS[other])

    foreign = _rewrite(small_backup, tmp_path / "foreign.tar.gz", member=rename_database, manifest=other_vendor)
    with pytest.raises(CommandError, match="Khôi phục chéo giữa SQLite và PostgreSQL không được hỗ trợ"):
        call_command("restore", str(foreign), stdout=io.StringIO())

    def future_migration(meta: dict) -> None:
        meta["migrations"]["core"].append("9999_from_the_future")

    newer = _rewrite(small_backup, tmp_path / "newer.tar.gz", manifest=future_migration)
    with pytest.raises(CommandError, match="phiên bản phần mềm mới hơn") as error:
        call_command("restore", str(newer), stdout=io.StringIO())
    assert "core.9999_from_the_future" in str(error.value)
