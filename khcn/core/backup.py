"""Backup and restore of a whole installation: the database and the uploaded files in one archive.

An archive is one tar file (gzip-compressed unless its name ends in plain `.tar`) holding

    database/khcn.sqlite3   a snapshot taken with SQLite's online backup API, or
    database/khcn.pgdump    `pg_dump --format=custom` of the PostgreSQL database
    media/<path>            every file under MEDIA_ROOT
    manifest.json           written last: format, when, migration state, row counts per table,
                            and the SHA-256 of every other member, computed while it was written

The row counts come from the same snapshot as the data (the SQLite copy itself; on PostgreSQL the
transaction whose snapshot pg_dump is told to use), so a restore can check them exactly.
`manage.py backup`, `manage.py backup --verify` and `manage.py restore` are thin wrappers around
`backup_create`, `backup_verify` and `restore`.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import FileField
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

FORMAT = "khcn-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DB_MEMBERS = {"sqlite": "database/khcn.sqlite3", "postgresql": "database/khcn.pgdump"}
MEDIA_PREFIX = "media/"
VENDOR_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
CHUNK = 1024 * 1024
# A manifest lists one line per file; even a million files stay far below this.
MANIFEST_MAX_BYTES = 512 * 1024 * 1024
# Reports list problems up to this many, then say how many more there are.
MAX_LISTED = 20

Log = Callable[[str], None]


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is for the operator, in Vietnamese."""


@dataclass
class BackupResult:
    path: Path
    manifest: dict[str, Any]
    sha256: str
    seconds: float


@dataclass
class RestoreReport:
    manifest: dict[str, Any]
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0


# --- Backup ------------------------------------------------------------------------------------------


def backup_create(output: Path | None = None, *, using: str = DEFAULT_DB_ALIAS, log: Log | None = None) -> BackupResult:
    """Write one archive of the database and MEDIA_ROOT; nothing is left behind if it fails."""
    log = log or (lambda _message: None)
    started = time.monotonic()
    connection = connections[using]
    vendor = _supported_vendor(connection)
    if connection.in_atomic_block:
        # Inside a transaction the snapshot could hold this transaction's uncommitted writes (SQLite)
        # or not be exportable at all (PostgreSQL); a backup is run on its own.
        raise BackupError(_("Không sao lưu được từ bên trong một giao dịch (transaction) đang mở."))
    media_root = Path(settings.MEDIA_ROOT).resolve()
    path = _archive_path(output, vendor)
    if _is_within(path.parent.resolve(), media_root):
        raise BackupError(
            _("Không ghi bản sao lưu vào trong thư mục tệp tải lên (%(media)s): hãy chọn thư mục khác.")
            % {"media": media_root}
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    compress = not path.name.endswith(".tar")

    with tempfile.TemporaryDirectory(prefix=".khcn-backup-", dir=path.parent) as staging:
        if vendor == "sqlite":
            db_file, snapshot = _sqlite_snapshot(connection, Path(staging))
        else:
            db_file, snapshot = _pg_snapshot(connection, Path(staging))
        log(_("Đã chụp cơ sở dữ liệu: %(tables)d bảng, %(rows)d dòng.") % _totals(snapshot["tables"]))

        members: dict[str, dict[str, Any]] = {}
        media_bytes = 0
        skipped: list[str] = []
        try:
            # Level 6: uploads (PDF, images, Office files) are compressed already; more effort buys little.
            options: dict[str, Any] = {"compresslevel": 6} if compress else {}
            # Owner-only from the first byte: the archive holds personal data and password hashes.
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with open(fd, "wb") as out, tarfile.open(fileobj=out, mode="w:gz" if compress else "w", **options) as tar:
                members[DB_MEMBERS[vendor]] = _add_file(tar, db_file, DB_MEMBERS[vendor])
                for relative, source in _media_files(media_root, skipped):
                    entry = _add_file(tar, source, MEDIA_PREFIX + relative)
                    members[MEDIA_PREFIX + relative] = entry
                    media_bytes += entry["size"]
                stored = {name[len(MEDIA_PREFIX) :] for name in members if name.startswith(MEDIA_PREFIX)}
                missing = sorted(set(snapshot.pop("file_references")) - stored)
                manifest = {
                    "format": FORMAT,
                    "format_version": FORMAT_VERSION,
                    "created_at": timezone.now().isoformat(timespec="seconds"),
                    "database": {
                        "vendor": vendor,
                        "member": DB_MEMBERS[vendor],
                        "name": str(connection.settings_dict.get("NAME", "")),
                        "server_version": snapshot["server_version"],
                    },
                    "migrations": snapshot["migrations"],
                    "tables": snapshot["tables"],
                    "media": {"files": len(stored), "bytes": media_bytes, "skipped": skipped},
                    # Files the database names but MEDIA_ROOT did not have when the backup ran.
                    "missing_files": missing,
                    "members": members,
                }
                data = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size = len(data)
                info.mtime = int(time.time())
                info.mode = 0o600
                tar.addfile(info, io.BytesIO(data))
            with open(partial, "rb") as written:
                os.fsync(written.fileno())
            os.replace(partial, path)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    digest = _sha256_file(path)
    # Beside the archive so that any copy can be checked with plain `sha256sum -c`, without Python.
    path.with_name(path.name + ".sha256").write_text(f"{digest}  {path.name}\n", encoding="utf-8")
    for name in skipped:
        log(_("Bỏ qua (không phải tệp thường): %(name)s") % {"name": name})
    if missing:
        log(
            _("Cảnh báo: %(count)d tệp được cơ sở dữ liệu nhắc tới nhưng không có trong %(media)s, ví dụ %(first)s.")
            % {"count": len(missing), "media": media_root, "first": missing[0]}
        )
    return BackupResult(path=path, manifest=manifest, sha256=digest, seconds=time.monotonic() - started)


def _archive_path(output: Path | None, vendor: str) -> Path:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    name = f"khcn-{vendor}-{stamp}.tar.gz"
    if output is None:
        return Path(settings.VAR_DIR) / "backups" / name
    if output.name.endswith((".tar", ".tar.gz", ".tgz")):
        return output
    return output / name


def _supported_vendor(connection: BaseDatabaseWrapper) -> str:
    if connection.vendor not in DB_MEMBERS:
        raise BackupError(
            _("Chỉ hỗ trợ SQLite và PostgreSQL; cơ sở dữ liệu này là %(vendor)s.") % {"vendor": connection.vendor}
        )
    return connection.vendor


def _sqlite_snapshot(connection: BaseDatabaseWrapper, staging: Path) -> tuple[Path, dict[str, Any]]:
    target = staging / "khcn.sqlite3"
    connection.ensure_connection()
    dest = sqlite3.connect(target)
    try:
        # All pages in one step: one read transaction, so the copy is consistent while the server keeps
        # writing (WAL lets writers go on). A copy in several steps restarts whenever another
        # connection writes, and might never finish on a busy server.
        connection.connection.backup(dest)
        # The copy must stand alone as one file, with no -wal file beside it.
        dest.execute("PRAGMA journal_mode=DELETE")
        problems = [row[0] for row in dest.execute("PRAGMA quick_check")]
        if problems != ["ok"]:
            raise BackupError(
                _("Bản chụp SQLite không qua được kiểm tra toàn vẹn: %(problems)s") % {"problems": "; ".join(problems)}
            )
        cursor = dest.cursor()
        tables = _sqlite_counts(cursor)
        snapshot = {
            "tables": tables,
            "migrations": _applied_migrations(cursor, tables),
            "file_references": _file_references(cursor, tables, _sqlite_quote),
            "server_version": sqlite3.sqlite_version,
        }
    finally:
        dest.close()
    return target, snapshot


def _pg_snapshot(connection: BaseDatabaseWrapper, staging: Path) -> tuple[Path, dict[str, Any]]:
    target = staging / "khcn.pgdump"
    connection.ensure_connection()
    pg_dump = pg_tool("pg_dump", connection.pg_version)  # type: ignore[attr-defined]
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        # pg_dump reads the snapshot this transaction exports, so the counts below describe exactly
        # the rows in the dump even while the server keeps writing.
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot_id = cursor.fetchone()[0]
        _run(
            [pg_dump, "--format=custom", f"--snapshot={snapshot_id}", f"--file={target}", _pg_dbname(connection)],
            _pg_env(connection),
            _("pg_dump không sao lưu được cơ sở dữ liệu"),
        )
        names = connection.introspection.table_names(cursor)
        tables = {name: _count(cursor, connection.ops.quote_name(name)) for name in sorted(names)}
        snapshot = {
            "tables": tables,
            "migrations": _applied_migrations(cursor, tables),
            "file_references": _file_references(cursor, tables, connection.ops.quote_name),
            "server_version": connection.pg_version,  # type: ignore[attr-defined]
        }
    return target, snapshot


def _sqlite_counts(cursor: Any) -> dict[str, int]:
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    names = [row[0] for row in cursor.fetchall()]
    return {name: _count(cursor, _sqlite_quote(name)) for name in names}


def _sqlite_quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _is_within(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def _count(cursor: Any, quoted: str) -> int:
    cursor.execute(f"SELECT COUNT(*) FROM {quoted}")  # noqa: S608 (a table name from the catalogue, quoted)
    return int(cursor.fetchone()[0])


def _applied_migrations(cursor: Any, tables: dict[str, int]) -> dict[str, list[str]]:
    if "django_migrations" not in tables:
        return {}
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    state: dict[str, list[str]] = {}
    for app, name in cursor.fetchall():
        state.setdefault(app, []).append(name)
    return state


def _file_fields() -> Iterable[tuple[str, str]]:
    """(table, column) of every file field, history tables left out (they name replaced files too)."""
    for model in apps.get_models():
        if hasattr(model, "instance_type") or not model._meta.managed:
            continue
        for model_field in model._meta.concrete_fields:
            if isinstance(model_field, FileField) and model_field.column:
                yield model._meta.db_table, model_field.column


def _file_references(cursor: Any, tables: dict[str, int], quote: Callable[[str], str]) -> list[str]:
    names: set[str] = set()
    for table, column in _file_fields():
        if table not in tables:
            continue
        cursor.execute(
            f"SELECT {quote(column)} FROM {quote(table)} WHERE {quote(column)} <> ''"  # noqa: S608 (names from models)
        )
        names.update(row[0] for row in cursor.fetchall() if row[0])
    return sorted(names)


def _media_files(media_root: Path, skipped: list[str]) -> Iterable[tuple[str, Path]]:
    if not media_root.is_dir():
        return
    for directory, dirnames, filenames in os.walk(media_root):
        dirnames.sort()
        for name in sorted(filenames):
            source = Path(directory) / name
            relative = source.relative_to(media_root).as_posix()
            # Symbolic links and devices could point outside MEDIA_ROOT; uploads are never such files.
            if source.is_symlink() or not source.is_file():
                skipped.append(relative)
                continue
            yield relative, source


class _HashingReader:
    """A file wrapper that hashes what is read through it, so each file is read once."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.sha = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.sha.update(data)
        self.size += len(data)
        return data


def _add_file(tar: tarfile.TarFile, source: Path, arcname: str) -> dict[str, Any]:
    with open(source, "rb") as raw:
        info = tar.gettarinfo(fileobj=raw, arcname=arcname)
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        reader = _HashingReader(raw)
        tar.addfile(info, reader)  # type: ignore[arg-type]
    return {"sha256": reader.sha.hexdigest(), "size": reader.size}


# --- Verify ------------------------------------------------------------------------------------------


def backup_verify(path: Path) -> dict[str, Any]:
    """Read the whole archive and check every member against the manifest; return the manifest."""
    manifest, problems = _scan(path, extract_to=None)
    if problems:
        raise BackupError(_problem_text(_("Bản sao lưu %(path)s không toàn vẹn:") % {"path": path}, problems))
    return manifest


def _scan(path: Path, extract_to: Path | None) -> tuple[dict[str, Any], list[str]]:
    """One pass over the archive: hash every member (and copy it under extract_to); check the manifest."""
    if not path.is_file():
        raise BackupError(_("Không thấy tệp sao lưu %(path)s.") % {"path": path})
    found: dict[str, dict[str, Any]] = {}
    problems: list[str] = []
    manifest_bytes: bytes | None = None
    with open(path, "rb") as raw:
        whole = _HashingReader(raw)
        try:
            with tarfile.open(fileobj=whole, mode="r|*") as tar:  # type: ignore[call-overload]
                for member in tar:
                    name = member.name
                    if name in found or (name == MANIFEST and manifest_bytes is not None):
                        problems.append(_("%(name)s xuất hiện hai lần trong tệp sao lưu.") % {"name": name})
                        continue
                    if not member.isfile() or not _safe_member_name(name):
                        problems.append(_("%(name)s không phải là một tệp hợp lệ trong bản sao lưu.") % {"name": name})
                        continue
                    source = tar.extractfile(member)
                    assert source is not None  # a regular file always has content
                    if name == MANIFEST:
                        if member.size > MANIFEST_MAX_BYTES:
                            raise BackupError(_("manifest.json quá lớn: đây không phải bản sao lưu KHCN."))
                        manifest_bytes = source.read()
                        continue
                    found[name] = _copy_hashing(source, extract_to / name if extract_to else None)
            # The tar end marker and padding: hashed too, so the sidecar checksum covers the whole file.
            while whole.read(CHUNK):
                pass
        except (tarfile.TarError, EOFError, OSError) as exc:
            raise BackupError(
                _("Tệp sao lưu %(path)s hỏng hoặc không đọc được (%(error)s).") % {"path": path, "error": exc}
            ) from exc
    problems.extend(_sidecar_problems(path, whole.sha.hexdigest()))
    if manifest_bytes is None:
        raise BackupError(_("Tệp %(path)s không có manifest.json: đây không phải bản sao lưu KHCN.") % {"path": path})
    try:
        manifest = json.loads(manifest_bytes)
    except ValueError as exc:
        raise BackupError(_("manifest.json của %(path)s hỏng (%(error)s).") % {"path": path, "error": exc}) from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(_("Tệp %(path)s không phải bản sao lưu KHCN.") % {"path": path})
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            _("Bản sao lưu có định dạng phiên bản %(found)s; phần mềm này chỉ đọc phiên bản %(known)s.")
            % {"found": manifest.get("format_version"), "known": FORMAT_VERSION}
        )
    expected: dict[str, dict[str, Any]] = manifest.get("members", {})
    for name, entry in sorted(expected.items()):
        if name not in found:
            problems.append(_("Thiếu %(name)s.") % {"name": name})
        elif found[name]["sha256"] != entry.get("sha256") or found[name]["size"] != entry.get("size"):
            problems.append(_("%(name)s sai mã kiểm tra SHA-256 (tệp đã bị thay đổi hoặc hỏng).") % {"name": name})
    for name in sorted(set(found) - set(expected)):
        problems.append(_("%(name)s có trong tệp nhưng không có trong manifest.") % {"name": name})
    db_member = manifest.get("database", {}).get("member")
    if db_member not in expected:
        problems.append(_("Manifest không nêu tệp cơ sở dữ liệu."))
    return manifest, problems


def _safe_member_name(name: str) -> bool:
    parts = PurePosixPath(name).parts
    if not parts or name.startswith("/") or ".." in parts or "\\" in name or "\x00" in name:
        return False
    return name == MANIFEST or name in DB_MEMBERS.values() or (name.startswith(MEDIA_PREFIX) and len(parts) > 1)


def _copy_hashing(source: IO[bytes], target: Path | None) -> dict[str, Any]:
    sha = hashlib.sha256()
    size = 0
    out = None
    if target is not None:
        target.parent.mkdir(parents=True, exist_ok=True)
        out = open(target, "wb")  # noqa: SIM115 (closed below, after the loop)
    try:
        while chunk := source.read(CHUNK):
            sha.update(chunk)
            size += len(chunk)
            if out is not None:
                out.write(chunk)
    finally:
        if out is not None:
            out.close()
    return {"sha256": sha.hexdigest(), "size": size}


def _sidecar_problems(path: Path, digest: str) -> list[str]:
    sidecar = path.with_name(path.name + ".sha256")
    if not sidecar.is_file():
        return []
    recorded = sidecar.read_text(encoding="utf-8").split()
    if not recorded or recorded[0].lower() != digest:
        return [_("Mã SHA-256 của cả tệp khác với %(sidecar)s.") % {"sidecar": sidecar.name}]
    return []


def _sha256_file(path: Path) -> str:
    sha = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            sha.update(chunk)
    return sha.hexdigest()


def _problem_text(heading: str, problems: list[str]) -> str:
    lines = [heading, *(f"  - {p}" for p in problems[:MAX_LISTED])]
    if len(problems) > MAX_LISTED:
        lines.append(_("  ... và %(count)d lỗi khác.") % {"count": len(problems) - MAX_LISTED})
    return "\n".join(lines)


def _totals(tables: dict[str, int]) -> dict[str, int]:
    return {"tables": len(tables), "rows": sum(tables.values())}


# --- Restore -----------------------------------------------------------------------------------------


def restore(path: Path, *, force: bool = False, using: str = DEFAULT_DB_ALIAS, log: Log | None = None) -> RestoreReport:
    """Bring an archive back onto an empty installation; check everything before changing anything."""
    log = log or (lambda _message: None)
    started = time.monotonic()
    connection = connections[using]
    vendor = _supported_vendor(connection)
    media_root = Path(settings.MEDIA_ROOT)
    # Staged beside MEDIA_ROOT so that placing the files is a rename, not a second copy.
    staging_parent = media_root.parent if media_root.parent.is_dir() else None
    staging = Path(tempfile.mkdtemp(prefix=".khcn-restore-", dir=staging_parent))
    try:
        manifest, problems = _scan(path, extract_to=staging)
        if problems:
            raise BackupError(
                _problem_text(_("Không khôi phục: bản sao lưu %(path)s không toàn vẹn:") % {"path": path}, problems)
            )
        report = RestoreReport(manifest=manifest)
        log(_("Đã kiểm tra mã SHA-256 của %(count)d tệp trong bản sao lưu.") % {"count": len(manifest["members"])})
        _check_vendor(manifest, vendor)
        _check_migrations_known(manifest, force, report)
        _check_target_empty(connection, media_root, force)

        db_file = staging / manifest["database"]["member"]
        if vendor == "sqlite":
            _sqlite_restore(connection, db_file)
        else:
            _pg_restore(connection, db_file)
        log(_("Đã khôi phục cơ sở dữ liệu."))
        placed = _place_media(staging, media_root, manifest, report)
        log(_("Đã khôi phục %(count)d tệp vào %(media)s.") % {"count": placed, "media": media_root})

        _check_counts(connection, manifest, report)
        _check_file_references(connection, media_root, manifest, report)
        _note_pending_migrations(connection, report)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    report.seconds = time.monotonic() - started
    return report


def _check_vendor(manifest: dict[str, Any], vendor: str) -> None:
    source = manifest["database"]["vendor"]
    if source != vendor:
        raise BackupError(
            _(
                "Bản sao lưu này là của %(source)s, còn cơ sở dữ liệu đích là %(target)s. Khôi phục chéo giữa "
                "SQLite và PostgreSQL không được hỗ trợ: hãy khôi phục vào cùng loại cơ sở dữ liệu."
            )
            % {"source": VENDOR_NAMES.get(source, source), "target": VENDOR_NAMES[vendor]}
        )


def _check_migrations_known(manifest: dict[str, Any], force: bool, report: RestoreReport) -> None:
    from django.db.migrations.loader import MigrationLoader

    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    installed = {config.label for config in apps.get_app_configs()}
    unknown = [
        f"{app}.{name}"
        for app, names in sorted(manifest.get("migrations", {}).items())
        if app in installed
        for name in names
        if (app, name) not in known
    ]
    if not unknown:
        return
    message = _(
        "Bản sao lưu được tạo bởi một phiên bản phần mềm mới hơn: mã nguồn này không có các migration %(names)s. "
        "Hãy cài đúng phiên bản phần mềm trước khi khôi phục."
    ) % {"names": ", ".join(unknown[:MAX_LISTED])}
    if not force:
        raise BackupError(message + " " + _("(Thêm --force để vẫn khôi phục.)"))
    report.notes.append(message)


def _target_tables(connection: BaseDatabaseWrapper) -> set[str]:
    # A SQLite file not created yet (perhaps not even its directory): connecting would fail or leave an
    # empty file behind, and there is nothing in it anyway.
    if (
        connection.vendor == "sqlite"
        and not connection.is_in_memory_db()  # type: ignore[attr-defined]
        and not Path(str(connection.settings_dict["NAME"])).exists()
    ):
        return set()
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))


def _check_target_empty(connection: BaseDatabaseWrapper, media_root: Path, force: bool) -> None:
    """Refuse an installation that holds anything of value; `migrate` alone leaves only reference rows."""
    from khcn.core.models import Attachment, ImportBatch
    from khcn.directory.models import Organisation, Person

    found: list[str] = []
    tables = _target_tables(connection)
    # A fresh installation (migrated or not) has no user account and nothing entered: migrations seed
    # only rules and reference lists. A user, a record or a file means someone has worked here.
    evidence: list[tuple[Any, Callable[[int], str]]] = [
        (apps.get_model(settings.AUTH_USER_MODEL), lambda n: ngettext("%(n)d tài khoản", "%(n)d tài khoản", n)),
        (Organisation, lambda n: ngettext("%(n)d tổ chức", "%(n)d tổ chức", n)),
        (Person, lambda n: ngettext("%(n)d cá nhân", "%(n)d cá nhân", n)),
        (Attachment, lambda n: ngettext("%(n)d tệp đính kèm", "%(n)d tệp đính kèm", n)),
        (ImportBatch, lambda n: ngettext("%(n)d lần nhập dữ liệu", "%(n)d lần nhập dữ liệu", n)),
    ]
    present = [(model._meta.db_table, label) for model, label in evidence if model._meta.db_table in tables]
    if present:
        with connection.cursor() as cursor:
            for table, label in present:
                count = _count(cursor, connection.ops.quote_name(table))
                if count:
                    found.append(label(count) % {"n": count})
    if media_root.is_dir() and any(p.is_file() for p in media_root.rglob("*")):
        found.append(_("tệp trong %(media)s") % {"media": media_root})
    if found and not force:
        raise BackupError(
            _(
                "Không khôi phục: nơi nhận đã có dữ liệu (%(found)s). Chỉ khôi phục vào một cài đặt trống "
                "(cơ sở dữ liệu mới, chưa tạo tài khoản nào). Thêm --force để ghi đè: dữ liệu hiện có sẽ mất, "
                "hãy sao lưu nó trước (manage.py backup)."
            )
            % {"found": ", ".join(found)}
        )


def _sqlite_restore(connection: BaseDatabaseWrapper, source: Path) -> None:
    name = str(connection.settings_dict["NAME"])
    if connection.is_in_memory_db():  # type: ignore[attr-defined]
        raise BackupError(_("Không khôi phục vào một cơ sở dữ liệu SQLite trong bộ nhớ."))
    connection.close()
    Path(name).parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(source)
    dest = sqlite3.connect(name, timeout=30)
    try:
        # The backup API replaces the whole database in one write transaction: a failure leaves the
        # target as it was, and other connections see either the old or the new database.
        src.backup(dest)
    finally:
        dest.close()
        src.close()


def _pg_restore(connection: BaseDatabaseWrapper, dump: Path) -> None:
    connection.ensure_connection()
    pg_restore = pg_tool("pg_restore", connection.pg_version)  # type: ignore[attr-defined]
    connection.close()
    # One transaction: a failure leaves the database as it was. --clean --if-exists replaces the tables a
    # bare `migrate` may have created; owners and grants follow the account that restores.
    _run(
        [
            pg_restore,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={_pg_dbname(connection)}",
            str(dump),
        ],
        _pg_env(connection),
        _("pg_restore không khôi phục được cơ sở dữ liệu"),
    )


def _place_media(staging: Path, media_root: Path, manifest: dict[str, Any], report: RestoreReport) -> int:
    placed = 0
    media_root.mkdir(parents=True, exist_ok=True)
    for name, entry in sorted(manifest["members"].items()):
        if not name.startswith(MEDIA_PREFIX):
            continue
        target = media_root / name[len(MEDIA_PREFIX) :]
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(staging / name, target)
        # Checked where it now lies: a move across file systems is a copy, and a copy can fail.
        if _sha256_file(target) != entry["sha256"]:
            report.problems.append(_("Tệp %(name)s khôi phục xong nhưng sai mã SHA-256.") % {"name": target})
        placed += 1
    return placed


def table_counts(connection: BaseDatabaseWrapper) -> dict[str, int]:
    """Rows in every table of the database, counted the way the manifest counts them."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            return _sqlite_counts(cursor)
        names = connection.introspection.table_names(cursor)
        return {name: _count(cursor, connection.ops.quote_name(name)) for name in sorted(names)}


def _check_counts(connection: BaseDatabaseWrapper, manifest: dict[str, Any], report: RestoreReport) -> None:
    expected: dict[str, int] = manifest["tables"]
    actual = table_counts(connection)
    before = len(report.problems)
    for table, count in sorted(expected.items()):
        if table not in actual:
            report.problems.append(_("Bảng %(table)s không có sau khi khôi phục.") % {"table": table})
        elif actual[table] != count:
            report.problems.append(
                _("Bảng %(table)s có %(actual)d dòng, bản sao lưu ghi %(expected)d.")
                % {"table": table, "actual": actual[table], "expected": count}
            )
    extra = sorted(set(actual) - set(expected))
    if extra:
        report.notes.append(
            _("Cơ sở dữ liệu đích có thêm %(count)d bảng không có trong bản sao lưu: %(names)s.")
            % {"count": len(extra), "names": ", ".join(extra[:MAX_LISTED])}
        )
    if len(report.problems) == before:
        report.notes.append(_("Số dòng khớp với manifest: %(tables)d bảng, %(rows)d dòng.") % _totals(expected))


def _check_file_references(
    connection: BaseDatabaseWrapper, media_root: Path, manifest: dict[str, Any], report: RestoreReport
) -> None:
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
        try:
            names = _file_references(cursor, dict.fromkeys(tables, 0), connection.ops.quote_name)
        except DatabaseError:
            # An older backup whose tables lack a column the code now has: `migrate` first, then check.
            report.notes.append(_("Chưa kiểm tra được các tệp mà hồ sơ nhắc tới (cần chạy migrate trước)."))
            return
    already_missing = set(manifest.get("missing_files", []))
    missing = [n for n in names if not (media_root / n).is_file()]
    newly = [n for n in missing if n not in already_missing]
    if newly:
        report.problems.append(
            _("%(count)d tệp được hồ sơ nhắc tới không có sau khi khôi phục, ví dụ %(first)s.")
            % {"count": len(newly), "first": newly[0]}
        )
    if already_missing:
        report.notes.append(
            _("%(count)d tệp đã thiếu từ lúc sao lưu (manifest: missing_files).") % {"count": len(already_missing)}
        )


def _note_pending_migrations(connection: BaseDatabaseWrapper, report: RestoreReport) -> None:
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        report.notes.append(
            _("Bản sao lưu cũ hơn mã nguồn: còn %(count)d migration chưa áp dụng, hãy chạy manage.py migrate.")
            % {"count": len(plan)}
        )
    else:
        report.notes.append(_("Lược đồ cơ sở dữ liệu khớp với mã nguồn (không còn migration nào chưa áp dụng)."))


# --- PostgreSQL tools --------------------------------------------------------------------------------


def pg_tool(name: str, server_version: int | None = None) -> str:
    """The pg_dump/pg_restore to use: $PG_BINDIR, else the server's own version, else the newest one.

    pg_dump refuses a server newer than itself, and Debian's /usr/bin wrapper picks a version by its
    own rules, so the versioned directories under /usr/lib/postgresql come first (as in
    scripts/pg-temp.sh).
    """
    candidates: list[Path] = []
    if os.environ.get("PG_BINDIR"):
        candidates.append(Path(os.environ["PG_BINDIR"]) / name)
    root = Path("/usr/lib/postgresql")
    if server_version:
        candidates.append(root / str(server_version // 10000) / "bin" / name)

    def major(path: Path) -> int:
        version = path.parent.parent.name
        return int(version) if version.isdigit() else 0

    candidates.extend(sorted(root.glob(f"*/bin/{name}"), key=major, reverse=True))
    on_path = shutil.which(name)
    if on_path:
        candidates.append(Path(on_path))
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    raise BackupError(
        _("Không tìm thấy %(tool)s: hãy cài gói postgresql-client cùng phiên bản với máy chủ, hoặc đặt PG_BINDIR.")
        % {"tool": name}
    )


def _pg_dbname(connection: BaseDatabaseWrapper) -> str:
    return str(connection.settings_dict.get("NAME") or "")


def _pg_env(connection: BaseDatabaseWrapper) -> dict[str, str]:
    """Connection settings for libpq tools, through the environment so a password never shows in `ps`."""
    settings_dict = connection.settings_dict
    options = settings_dict.get("OPTIONS", {})
    env = dict(os.environ)
    pairs = {
        "PGHOST": settings_dict.get("HOST"),
        "PGPORT": settings_dict.get("PORT"),
        "PGUSER": settings_dict.get("USER"),
        "PGPASSWORD": settings_dict.get("PASSWORD"),
        "PGSSLMODE": options.get("sslmode"),
        "PGSSLROOTCERT": options.get("sslrootcert"),
        "PGSSLCERT": options.get("sslcert"),
        "PGSSLKEY": options.get("sslkey"),
        "PGPASSFILE": options.get("passfile"),
        "PGSERVICE": options.get("service"),
        "PGAPPNAME": "khcn-backup",
    }
    env.update({key: str(value) for key, value in pairs.items() if value})
    return env


def _run(command: list[str], env: dict[str, str], failure: str) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip()[-2000:]
        raise BackupError(f"{failure} ({command[0]}, mã {result.returncode}):\n{detail}")
