"""Bulk imports: khcn.core.bulk (writes with history at database speed) and the BulkDataset runner
in khcn.core.datasets (a file read in chunks, checked whole, written all or nothing)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import sys
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar

import pytest
from django.db import DatabaseError, OperationalError, connection
from django.utils import timezone
from openpyxl import Workbook
from simple_history.utils import bulk_create_with_history

from khcn.core import bulk, datasets
from khcn.core.models import ImportBatch
from khcn.directory.models import Organisation
from khcn.lib import tabular
from khcn.lib.tabular import Ambiguous
from khcn.lib.text import fold

pytestmark = pytest.mark.django_db


def xlsx(headers: list[str], rows: list[list[Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(headers: list[str], rows: list[list[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


# --- khcn.core.bulk --------------------------------------------------------------------------------

RECORD_FIELDS = ["name", "name_folded", "tax_code", "kind", "short_name", "version", "archived_at", "archive_reason"]
HISTORY_FIELDS = [*RECORD_FIELDS, "history_type", "history_user_id", "history_change_reason", "history_date"]


def organisation_columns(names: list[str]) -> list[list[Any]]:
    return [names, [fold(n) for n in names], [f"01{n:08d}" for n in range(len(names))], ["enterprise"] * len(names)]


def test_insert_with_history_writes_what_bulk_create_with_history_writes(science_officer):
    now = timezone.now()
    names = [f"Công ty số {n}" for n in range(7)]
    ids = bulk.insert_with_history(
        Organisation,
        ["name", "name_folded", "tax_code", "kind"],
        organisation_columns(names),
        now=now,
        user_id=science_officer.pk,
        reason="Nhập thử",
    )
    reference = [
        Organisation(name=f"Mẫu {name}", name_folded=fold(f"Mẫu {name}"), tax_code=tax, kind="enterprise")
        for name, tax in zip(names, [f"02{n:08d}" for n in range(len(names))], strict=True)
    ]
    bulk_create_with_history(
        reference, Organisation, default_user=science_officer, default_change_reason="Nhập thử", default_date=now
    )

    # The keys come back in the rows' order; every other column is what the ORM writes.
    assert [Organisation.objects.get(pk=pk).name for pk in ids] == names
    ours = Organisation.objects.filter(pk__in=ids).order_by("pk")
    theirs = Organisation.objects.exclude(pk__in=ids).order_by("pk")
    for mine, other in zip(ours, theirs, strict=True):
        assert (mine.created_at, mine.updated_at) == (now, now)
        assert [getattr(mine, f) for f in RECORD_FIELDS if "name" not in f and f != "tax_code"] == [
            getattr(other, f) for f in RECORD_FIELDS if "name" not in f and f != "tax_code"
        ]
    # One "+" history row per record, with the record's values and the same provenance.
    for mine, other in zip(ours, theirs, strict=True):
        (ours_history,) = Organisation.history.filter(id=mine.pk)
        (their_history,) = Organisation.history.filter(id=other.pk)
        assert ours_history.name == mine.name and ours_history.created_at == now
        assert [getattr(ours_history, f) for f in HISTORY_FIELDS if "name" not in f and f != "tax_code"] == [
            getattr(their_history, f) for f in HISTORY_FIELDS if "name" not in f and f != "tax_code"
        ]
        assert (ours_history.tax_code, ours_history.kind) == (mine.tax_code, mine.kind)


def test_insert_without_returning_and_in_several_statements(monkeypatch):
    monkeypatch.setattr(bulk, "SQLITE_ROWS", 3)
    names = [f"Hộ kinh doanh {n}" for n in range(8)]
    assert (
        bulk.insert_with_history(
            Organisation,
            ["name", "name_folded", "tax_code", "kind"],
            organisation_columns(names),
            now=timezone.now(),
            user_id=None,
            reason="r",
            returning=False,
        )
        == []
    )
    assert sorted(Organisation.objects.values_list("name", flat=True)) == sorted(names)
    assert Organisation.history.filter(history_type="+", history_user=None, history_change_reason="r").count() == 8


def test_update_rows_gives_each_record_its_own_values(org_a, org_b):
    bulk.update_rows(Organisation, ["phone", "short_name"], [["0221 1", "0221 2"], ["A", "B"]], [org_a.pk, org_b.pk])
    org_a.refresh_from_db()
    org_b.refresh_from_db()
    assert (org_a.phone, org_a.short_name, org_b.phone, org_b.short_name) == ("0221 1", "A", "0221 2", "B")


def test_update_rows_can_leave_newer_records_and_match_another_key(org_a, org_b):
    # Any ordered column will do here; imports use it with an instrument's last verification date.
    stored = timezone.now()
    Organisation.objects.filter(pk=org_a.pk).update(archived_at=stored)
    older, newer = stored - dt.timedelta(days=1), stored + dt.timedelta(days=1)
    # Only a record whose stored value is empty or older than its new one takes the new values.
    bulk.update_rows(
        Organisation,
        ["archived_at", "phone"],
        [[older, older], ["1", "2"]],
        [org_a.pk, org_b.pk],
        unless_newer="archived_at",
    )
    org_a.refresh_from_db()
    org_b.refresh_from_db()
    assert (org_a.archived_at, org_a.phone, org_b.archived_at, org_b.phone) == (stored, "", older, "2")
    bulk.update_rows(Organisation, ["archived_at", "phone"], [[newer], ["3"]], [org_a.pk], unless_newer="archived_at")
    org_a.refresh_from_db()
    assert (org_a.archived_at, org_a.phone) == (newer, "3")
    # Rows matched on another field than the primary key: every history row of the record.
    bulk.update_rows(Organisation.history.model, ["phone"], [["4"]], [org_b.pk], key="id")
    assert set(Organisation.history.filter(id=org_b.pk).values_list("phone", flat=True)) == {"4"}
    assert "4" not in set(Organisation.history.filter(id=org_a.pk).values_list("phone", flat=True))


def test_select_in_reads_every_key_chunk_by_chunk(monkeypatch):
    monkeypatch.setattr(bulk, "KEYS_PER_QUERY", 2)
    names = [f"Viện {n}" for n in range(11)]
    bulk.insert_with_history(
        Organisation,
        ["name", "name_folded", "tax_code", "kind"],
        organisation_columns(names),
        now=timezone.now(),
        user_id=None,
        reason="r",
    )
    wanted = [f"01{n:08d}" for n in range(0, 11, 2)] + ["khong-co"]
    rows = list(
        bulk.select_in(Organisation, ("tax_code", "name"), "tax_code", wanted, where="kind = %s", params=["enterprise"])
    )
    assert sorted(rows) == [(f"01{n:08d}", f"Viện {n}") for n in range(0, 11, 2)]


# --- The BulkDataset runner -------------------------------------------------------------------------


def resolve_parent(keys: set[str]) -> dict[str, Any]:
    found: dict[str, Any] = {o.tax_code: o for o in Organisation.objects.filter(tax_code__in=keys)}
    if "TRUNG" in keys:
        found["TRUNG"] = Ambiguous(2)
    return found


@dataclass
class MemberPlan(datasets.BulkPlan):
    columns: list[list[Any]] = field(default_factory=lambda: [[], [], [], [], []])


class MemberDataset(datasets.BulkDataset):
    """A test-only bulk dataset: member organisations, each under a parent named by tax code."""

    name = "test-members"
    title = "Đơn vị thành viên"
    model = Organisation
    chunk_rows = 2  # several chunks even for a short file
    columns = (
        tabular.Text("Tên", "name", max_length=40, required=True),
        tabular.Text("Mã số thuế", "tax_code", max_length=20, required=True),
        tabular.Choice("Loại hình", "kind", choices=Organisation.Kind.choices, default=Organisation.Kind.OTHER),
        tabular.Integer("Năm thành lập", "founded", min_value=1900, max_value=2100),
        tabular.Lookup(
            "Đơn vị chủ quản", "parent", resolve=resolve_parent, display=lambda o: o.tax_code, noun="đơn vị"
        ),
    )

    def clean_row(self, values: dict[str, Any]) -> list[tuple[str, str]]:
        if values["kind"] == "household_business" and values.get("founded") is None:
            return [("founded", "Hộ kinh doanh phải ghi năm thành lập")]
        return []

    def plan(self, chunks: Iterable[datasets.Chunk]) -> MemberPlan:
        plan = MemberPlan()
        for chunk in chunks:
            taxes = chunk.values["tax_code"]
            stored = set(Organisation.objects.filter(tax_code__in=taxes).values_list("tax_code", flat=True))
            for index, tax in enumerate(taxes):
                if tax in stored:
                    chunk.error(index, "tax_code", "Mã số thuế đã có trong danh mục")
                    continue
                name = chunk.values["name"][index]
                parent = chunk.values["parent"][index]
                for column, value in zip(
                    plan.columns,
                    (name, fold(name), tax, chunk.values["kind"][index], parent and parent.pk),
                    strict=True,
                ):
                    column.append(value)
        plan.created = len(plan.columns[0])
        return plan

    def write(self, plan: datasets.BulkPlan, *, user: Any, reason: str) -> None:
        assert isinstance(plan, MemberPlan)
        bulk.insert_with_history(
            Organisation,
            ["name", "name_folded", "tax_code", "kind", "parent_id"],
            plan.columns,
            now=timezone.now(),
            user_id=getattr(user, "pk", None),
            reason=reason,
        )


HEADERS = [c.header for c in MemberDataset.columns]


@pytest.fixture
def members(monkeypatch, org_a):
    org_a.tax_code = "0100000001"
    org_a.save()
    monkeypatch.setitem(datasets._registry, MemberDataset.name, MemberDataset)
    return org_a


def errors(result: datasets.ImportResult) -> list[tuple[int | None, str, str, str]]:
    return [(e.row, e.column, e.value, e.message) for e in result.errors]


def test_a_good_file_is_planned_and_written_with_history_and_an_import_batch(members, science_officer):
    data = xlsx(
        HEADERS,
        [
            ["Chi nhánh Văn Lâm", "0100000002", "Doanh nghiệp", 2001, "0100000001"],
            [],  # blank rows are skipped, row numbers stay Excel's
            ["Hộ ông Nguyễn Văn A", "8000000001", "Hộ kinh doanh", 2015, ""],
            ["Trạm Phố Nối", "0100000003", "", "", "0100000001"],
        ],
    )
    result = datasets.run_import(MemberDataset.name, "don-vi.xlsx", data, user=science_officer)

    assert result.ok, result.errors
    assert (result.row_count, result.created, result.batch.status) == (3, 3, ImportBatch.Status.SUCCEEDED)
    branch = Organisation.objects.get(tax_code="0100000002")
    assert branch.parent == members and branch.kind == "enterprise" and branch.name_folded == fold(branch.name)
    assert Organisation.objects.get(tax_code="0100000003").kind == "other"  # the Choice's default
    history = Organisation.history.get(id=branch.pk)
    assert (history.history_type, history.history_user) == ("+", science_officer)
    assert f"lần nhập số {result.batch.pk}" in history.history_change_reason
    assert result.batch.sha256 == ImportBatch.checksum(data) and result.batch.created_by == science_officer


def test_a_file_mixing_good_and_bad_rows_writes_nothing_and_names_every_bad_row(members, science_officer):
    before = Organisation.objects.count()
    data = xlsx(
        HEADERS,
        [
            ["Chi nhánh 1", "0100000011", "Doanh nghiệp", 2001, "0100000001"],  # 2: good
            ["", "0100000012", "", "", ""],  # 3: no name
            ["Chi nhánh 3", "0100000013", "Lạ", "năm ngoái", ""],  # 4: two bad cells
            ["Hộ 4", "8000000004", "Hộ kinh doanh", "", ""],  # 5: clean_row
            ["Chi nhánh 5", "0100000015", "", "", "0999999999"],  # 6: unknown parent
            ["Chi nhánh 6", "0100000016", "", "", "TRUNG"],  # 7: ambiguous parent
            ["Chi nhánh 7", " 0100000001 ", "", "", ""],  # 8: refused by plan(): the cell as typed
            ["Chi nhánh 8", "0100000018", "", 2020, ""],  # 9: good
        ],
    )
    result = datasets.run_import(MemberDataset.name, "loi.xlsx", data, user=science_officer)

    assert errors(result) == [
        (3, "Tên", "", "Bắt buộc phải có giá trị"),
        (4, "Loại hình", "Lạ", result.errors[1].message),
        (4, "Năm thành lập", "năm ngoái", "Phải là số nguyên"),
        (5, "Năm thành lập", "", "Hộ kinh doanh phải ghi năm thành lập"),
        (6, "Đơn vị chủ quản", "0999999999", "Không tìm thấy đơn vị “0999999999”"),
        (7, "Đơn vị chủ quản", "TRUNG", "Có 2 đơn vị cùng khớp “TRUNG”; hãy ghi mã để phân biệt"),
        (8, "Mã số thuế", " 0100000001 ", "Mã số thuế đã có trong danh mục"),
    ]
    assert result.errors[1].message.startswith("Không có trong danh mục")
    assert Organisation.objects.count() == before
    assert result.batch.status == ImportBatch.Status.FAILED and result.batch.error_count == 7
    assert result.batch.row_count == 8


def test_dry_run_plans_and_writes_nothing(members):
    data = csv_bytes(HEADERS, [["Chi nhánh", "0100000021", "", "", "0100000001"]])
    result = datasets.run_import(MemberDataset.name, "thu.csv", data, dry_run=True)
    assert result.ok and result.dry_run and result.created == 1
    assert not Organisation.objects.filter(tax_code="0100000021").exists()


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "a.xlsx", "Tệp rỗng."),
        (xlsx(["Tên", "Cột lạ"], [["x", "y"]]), "a.xlsx", "Dòng tiêu đề phải gồm các cột"),
        (xlsx(HEADERS, []), "a.xlsx", "Tệp không có dòng dữ liệu nào dưới dòng tiêu đề."),
        (b"PK\x03\x04 broken", "a.xlsx", "Tệp Excel bị hỏng"),
    ],
)
def test_files_that_cannot_be_read_are_refused_like_the_engine_refuses_them(members, data, name, message):
    result = datasets.run_import(MemberDataset.name, name, data)
    assert not result.ok and any(e.message.startswith(message) for e in result.errors)


def test_a_database_refusal_while_writing_rolls_everything_back(members, monkeypatch):
    def refuse(*args: Any, **kwargs: Any) -> None:
        Organisation.objects.create(name="Ghi dở", tax_code="0100000099")
        raise DatabaseError("giả lập")

    monkeypatch.setattr(MemberDataset, "write", refuse)
    result = datasets.run_import(MemberDataset.name, "a.xlsx", xlsx(HEADERS, [["X", "0100000031", "", "", ""]]))
    assert not result.ok and "giả lập" in result.errors[0].message
    assert not Organisation.objects.filter(tax_code__in=["0100000099", "0100000031"]).exists()
    assert list(ImportBatch.objects.values_list("status", flat=True)) == [ImportBatch.Status.FAILED]


# --- Writing in parts while reading ------------------------------------------------------------------


class MemberPartsDataset(MemberDataset):
    """The same members, written a part at a time while later chunks are read."""

    name = "test-members-parts"
    writes_in_parts = True
    parts: ClassVar[list[tuple[int, int, str]]] = []
    ends: ClassVar[int] = 0

    def plan(self, chunks: Iterable[datasets.Chunk], ready: Any = None) -> MemberPlan:
        plan = MemberPlan()
        for chunk in chunks:
            one = MemberDataset.plan(self, [chunk])
            for column, more in zip(plan.columns, one.columns, strict=True):
                column += more
            if ready is not None:
                ready(plan, len(plan.columns[0]))
        plan.created = len(plan.columns[0])
        return plan

    def write_part(self, plan: datasets.BulkPlan, start: int, end: int, *, user: Any, reason: str) -> None:
        assert isinstance(plan, MemberPlan)
        type(self).parts.append((start, end, threading.current_thread().name))
        bulk.insert_with_history(
            Organisation,
            ["name", "name_folded", "tax_code", "kind", "parent_id"],
            [column[start:end] for column in plan.columns],
            now=timezone.now(),
            user_id=getattr(user, "pk", None),
            reason=reason,
        )

    def write_end(self, plan: datasets.BulkPlan, *, user: Any, reason: str) -> None:
        type(self).ends += 1


@pytest.fixture
def in_parts(members, monkeypatch):
    monkeypatch.setitem(datasets._registry, MemberPartsDataset.name, MemberPartsDataset)
    monkeypatch.setattr(MemberPartsDataset, "parts", [])
    monkeypatch.setattr(MemberPartsDataset, "ends", 0)
    return MemberPartsDataset


def member_rows(count: int, first: int = 40) -> list[list[Any]]:
    return [[f"Chi nhánh {n}", f"01000000{n:02d}", "", "", "0100000001"] for n in range(first, first + count)]


def test_inside_a_transaction_each_chunk_is_written_once_checked(in_parts, science_officer):
    result = datasets.run_import(in_parts.name, "a.xlsx", xlsx(HEADERS, member_rows(5)), user=science_officer)

    assert result.ok, result.errors
    assert (result.row_count, result.created, result.batch.row_count, result.batch.created_count) == (5, 5, 5, 5)
    # Chunk by chunk (two rows each), every row once, in this thread; then write_end once.
    here = threading.current_thread().name
    assert in_parts.parts == [(0, 2, here), (2, 4, here), (4, 5, here)]
    assert in_parts.ends == 1
    stored = Organisation.objects.filter(tax_code__startswith="01000000").exclude(tax_code="0100000001")
    assert stored.count() == 5 and set(stored.values_list("parent__tax_code", flat=True)) == {"0100000001"}
    assert Organisation.history.filter(history_type="+", history_user=science_officer).count() == 5


def test_a_bad_row_after_written_parts_undoes_them(in_parts, science_officer):
    rows = [*member_rows(4), ["", "0100000099", "", "", ""]]  # the fifth row has no name
    result = datasets.run_import(in_parts.name, "b.xlsx", xlsx(HEADERS, rows), user=science_officer)

    assert [part[:2] for part in in_parts.parts] == [(0, 2), (2, 4)]  # the first chunks were written...
    assert not result.ok and [e.row for e in result.errors] == [6]
    assert not Organisation.objects.filter(tax_code__startswith="010000004").exists()  # ...and undone
    assert in_parts.ends == 0
    assert list(ImportBatch.objects.values_list("status", flat=True)) == [ImportBatch.Status.FAILED]


@pytest.mark.parametrize("refused", ["first", "last"])
def test_a_part_the_database_refuses_fails_the_import_and_keeps_nothing(in_parts, monkeypatch, refused):
    write_part = MemberPartsDataset.write_part

    def refuse(self: Any, plan: Any, start: int, end: int, **kwargs: Any) -> None:
        write_part(self, plan, start, end, **kwargs)  # written, then refused: all must go
        if (start == 0) if refused == "first" else (end == 5):
            # A statement the database refuses (PostgreSQL would refuse every later statement
            # of the transaction, reads included, without the savepoint around each part).
            with connection.cursor() as cursor:
                cursor.execute("SELECT * FROM bang_khong_co")

    monkeypatch.setattr(MemberPartsDataset, "write_part", refuse)
    result = datasets.run_import(in_parts.name, "c.xlsx", xlsx(HEADERS, member_rows(5)))

    assert not result.ok and "chưa có dòng nào được ghi" in result.errors[0].message
    assert "bang_khong_co" in result.errors[0].message
    assert not Organisation.objects.filter(tax_code__startswith="010000004").exists()
    assert list(ImportBatch.objects.values_list("status", flat=True)) == [ImportBatch.Status.FAILED]


def test_a_failure_in_the_writer_reaches_the_caller_and_keeps_nothing(in_parts, monkeypatch):
    def fail(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("lỗi lập trình")

    monkeypatch.setattr(MemberPartsDataset, "write_part", fail)
    with pytest.raises(RuntimeError, match="lỗi lập trình"):
        datasets.run_import(in_parts.name, "d.xlsx", xlsx(HEADERS, member_rows(5)))
    assert not Organisation.objects.filter(tax_code__startswith="010000004").exists()
    assert not ImportBatch.objects.exists()


# serialized_rollback: the tests after this one find the data migrations wrote (roles, types).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_outside_a_transaction_the_writer_holds_the_import_on_its_own_connection(in_parts, monkeypatch):
    # As in production (a file database, no transaction around the import): the writer thread
    # opens its own connection and transaction, and writes while this thread reads.
    assert bulk.writes_on_own_connection()
    interval = sys.getswitchinterval()
    result = datasets.run_import(in_parts.name, "e.xlsx", xlsx(HEADERS, member_rows(5)))
    assert result.ok, result.errors
    # Every row once, in order (parts waiting are written as one), by the writer thread.
    parts = in_parts.parts
    assert [start for start, _end, _name in parts] == [0, *[end for _start, end, _name in parts[:-1]]]
    assert parts[-1][1] == 5 and {name for *_, name in parts} == {"khcn-import-writer"} and in_parts.ends == 1
    assert Organisation.objects.filter(tax_code__startswith="010000004").count() == 5
    assert result.batch.created_count == 5 and sys.getswitchinterval() == interval

    # A bad row after written parts, then a statement the database refuses: nothing is kept.
    in_parts.parts.clear()
    bad = datasets.run_import(in_parts.name, "f.xlsx", xlsx(HEADERS, [*member_rows(4, 50), ["", "0100000099"]]))
    assert not bad.ok and [e.row for e in bad.errors] == [6] and in_parts.parts

    def refuse(self: Any, plan: Any, start: int, end: int, **kwargs: Any) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM bang_khong_co")

    monkeypatch.setattr(MemberPartsDataset, "write_part", refuse)
    refused = datasets.run_import(in_parts.name, "g.xlsx", xlsx(HEADERS, member_rows(5, 60)))
    assert not refused.ok and "bang_khong_co" in refused.errors[0].message
    assert not Organisation.objects.filter(tax_code__regex=r"^01000000[56]").exists()
    statuses = list(ImportBatch.objects.order_by("pk").values_list("status", flat=True))
    assert statuses == [ImportBatch.Status.SUCCEEDED, ImportBatch.Status.FAILED, ImportBatch.Status.FAILED]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_writer_that_cannot_begin_its_transaction_fails_the_import_without_waiting(in_parts, monkeypatch):
    class Locked:
        # As when another process holds SQLite's write lock past the busy timeout.
        @staticmethod
        def atomic(*args: Any, **kwargs: Any) -> Any:
            raise OperationalError("database is locked")

    monkeypatch.setattr(bulk, "transaction", Locked)
    result = datasets.run_import(in_parts.name, "h.xlsx", xlsx(HEADERS, member_rows(3, 70)))
    assert not result.ok and "database is locked" in result.errors[0].message
    assert not in_parts.parts and not Organisation.objects.filter(tax_code__startswith="010000007").exists()
    assert list(ImportBatch.objects.values_list("status", flat=True)) == [ImportBatch.Status.FAILED]


# --- The bulk reader against the engine ---------------------------------------------------------------

ORGS = {"0101234567": object(), "TRUNG": Ambiguous(2)}


def resolve_org(keys: set[str]) -> dict[str, Any]:
    return {k: ORGS[k] for k in keys if k in ORGS}


COLUMNS = (
    tabular.Text("Mã khoản", "code", max_length=10, required=True),
    tabular.Text("Tên", "title", max_length=50),
    tabular.Money("Số tiền", "amount", required=True),
    tabular.Date("Ngày quyết định", "decided_on"),
    tabular.Choice("Loại", "kind", choices=[("grant", "Tài trợ"), ("loan", "Cho vay")]),
    tabular.Boolean("Đã quyết toán", "settled"),
    tabular.Integer("Năm", "year", min_value=2000, max_value=2100),
    tabular.Lookup("Đơn vị", "org", resolve=resolve_org, display=str, noun="đơn vị"),
)


class Grants(tabular.Dataset):
    name = "grants"
    title = "Khoản hỗ trợ"
    columns = COLUMNS

    def clean_row(self, values: dict[str, Any]) -> list[tuple[str, str]]:
        if values.get("kind") == "loan" and not values.get("decided_on"):
            return [("decided_on", "Khoản vay phải có ngày quyết định")]
        return []


class BulkGrants(datasets.BulkDataset):
    name = "grants"
    title = "Khoản hỗ trợ"
    columns = COLUMNS
    chunk_rows = 3
    clean_row = Grants.clean_row

    def plan(self, chunks: Iterable[datasets.Chunk]) -> datasets.BulkPlan:
        self.rows: list[tuple[int, dict[str, Any]]] = []
        for chunk in chunks:
            for index, number in enumerate(chunk.numbers):
                self.rows.append((number, {name: values[index] for name, values in chunk.values.items()}))
        return datasets.BulkPlan()


MESSY = [
    ["G-1", "Giống lúa", "27.273.000.000", "15/01/2024", "Tài trợ", "Có", 2024, "0101234567"],
    ["G-2", "  Vải  ", 1000000, dt.datetime(2024, 2, 1), "tai tro", "x", 2024.0, ""],
    ["G-3", "", "-5", "31/02/2024", "Cho vay", "có lẽ", 1999, "TRUNG"],
    ["G-4", "x" * 60, "12,5", 45000, "Khác", True, True, "0999"],
    ["", "", "", "", "", "", "", ""],
    ["'=G-5", "=SUM(A1)", "5.000", "", "Cho vay", "Không", "2024", "0101234567"],
    ["G-6", None, 1, "01/03/2024", "Cho vay", 0, 2000, "0101234567"],
    ["G-7", "Nhãn", "7", "01/03/2024", "Tài trợ", "1", 2024, "0101234567"],
    ["G-8", "Nhãn", "7", "01/03/2024", "Tài trợ", "1", 2024, "0101234567"],
    ["G-9", "Nhãn", "8", dt.datetime(2024, 2, 1), "Tài trợ", False, 2024.5, "0101234567"],
]


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_the_bulk_reader_cleans_and_refuses_exactly_as_the_engine(kind):
    headers = [c.header for c in COLUMNS]
    rows = MESSY * 3  # repeated cells exercise the reader's memory of cleaned values
    if kind == "xlsx":
        data, name = xlsx(headers, rows), "a.xlsx"
    else:
        data, name = csv_bytes(headers, [["" if v is None else v for v in row] for row in rows]), "a.csv"

    engine = tabular.validate(Grants(), data, name)
    dataset = BulkGrants()
    reader = datasets._BulkReader(dataset, data, name, max_bytes=None)
    dataset.plan(reader.chunks())

    assert reader.all_errors() == engine.errors
    assert reader.row_count == engine.row_count
    assert [number for number, _values in dataset.rows] == [row.number for row in engine.rows]
    for (_number, values), row in zip(dataset.rows, engine.rows, strict=True):
        assert {name: values[name] for name in row.values} == row.values
