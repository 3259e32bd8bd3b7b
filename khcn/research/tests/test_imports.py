"""Proposals through the shared import engine: a good file, a file with one bad row, round trip."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import Workbook, load_workbook

from khcn.core import datasets
from khcn.core.models import ImportBatch
from khcn.directory.models import Organisation
from khcn.research.models import Proposal

pytestmark = pytest.mark.django_db

HEADERS = [
    "Số phiếu",
    "Đợt đề xuất",
    "Tên nhiệm vụ",
    "Tính cấp thiết",
    "Mục tiêu",
    "Kết quả dự kiến",
    "Kinh phí dự kiến (đồng)",
    "Thời gian thực hiện (tháng)",
    "Địa chỉ ứng dụng",
    "Tổ chức đề xuất",
    "Nguồn đề xuất",
    "Lĩnh vực",
    "Hình thức",
    "Ngày nhận",
]


def xlsx(rows: list[list[object]], headers: list[str] = HEADERS) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def call(build):
    return build.call(year=2024, opens_on=dt.date(2023, 3, 1), deadline=dt.date(2023, 4, 28))


def row(call, title, *, budget=850_000_000, received=dt.date(2023, 4, 2), org="Trung tâm Nấm Văn Giang", field="401"):
    return [
        "",
        call.title,
        title,
        "Cấp thiết",
        "Mục tiêu",
        "Kết quả",
        budget,
        24,
        "Các HTX",
        org,
        "Tổ chức",
        field,
        "Đề tài khoa học và công nghệ",
        received,
    ]


def test_a_good_file_creates_submitted_proposals_with_numbers(build, call, science_officer):
    Organisation.objects.create(name="Trung tâm Nấm Văn Giang")
    build.proposal(call, received_on=dt.date(2023, 3, 5))  # takes ĐX-2024-001
    data = xlsx([row(call, "Nấm linh chi"), row(call, "Nấm rơm", budget="1.200.000.000")])
    result = datasets.run_import("proposals", "de-xuat.xlsx", data, user=science_officer)
    assert result.ok, result.errors
    imported = Proposal.objects.filter(channel=Proposal.Channel.IMPORT).order_by("code")
    assert [(p.code, p.status, p.estimated_budget) for p in imported] == [
        ("ĐX-2024-002", Proposal.Status.SUBMITTED, 850_000_000),
        ("ĐX-2024-003", Proposal.Status.SUBMITTED, 1_200_000_000),
    ]
    assert imported[0].history.first().history_user == science_officer


def test_one_bad_row_refuses_the_whole_file_with_the_reason(build, call, science_officer):
    Organisation.objects.create(name="Trung tâm Nấm Văn Giang")
    data = xlsx(
        [
            row(call, "Nấm linh chi"),
            row(call, "Nấm rơm", budget=-5),
            row(call, "Nấm mỡ", received=dt.date(2023, 5, 2)),
            row(call, "Nấm kim châm", org="Tổ chức không có"),
        ]
    )
    result = datasets.run_import("proposals", "de-xuat.xlsx", data, user=science_officer)
    assert not result.ok
    assert result.batch.status == ImportBatch.Status.FAILED
    messages = {(e.row, e.column): e.message for e in result.errors}
    assert messages[(3, "Kinh phí dự kiến (đồng)")] == "Số tiền không được âm"
    assert messages[(4, "Ngày nhận")] == "Nhận sau hạn nộp của đợt (hạn cuối 28/04/2023)"
    assert "Không tìm thấy" in messages[(5, "Tổ chức đề xuất")]
    assert not Proposal.objects.exists()


def test_export_reimports_unchanged(build, call, science_officer):
    Organisation.objects.create(name="Trung tâm Nấm Văn Giang")
    build.proposal(call, received_on=dt.date(2023, 3, 5), title="Nấm đông trùng hạ thảo")
    exported = datasets.run_export("proposals")
    sheet = load_workbook(io.BytesIO(exported)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    assert rows[1][0] == "ĐX-2024-001" and rows[1][2] == "Nấm đông trùng hạ thảo"
    result = datasets.run_import("proposals", "lai.xlsx", exported, user=science_officer)
    assert result.ok, result.errors
    assert (result.created, result.updated) == (0, 1)
    assert Proposal.objects.count() == 1
