"""Importing supports and trainings: a good file is written whole; a file with bad rows writes
nothing and names every bad row."""

from __future__ import annotations

import pytest

from khcn.core import datasets
from khcn.registries.innovation.models import StartupSupport, Training

from .conftest import xlsx

pytestmark = pytest.mark.django_db
TRAINING = ["Chủ đề", "Lĩnh vực", "Đối tượng", "Ngày", "Đến ngày", "Số học viên"]
SUPPORT = ["Doanh nghiệp", "Năm hỗ trợ", "Hình thức hỗ trợ", "Dự án, sản phẩm", "Kinh phí hỗ trợ (đồng)"]


def test_trainings_import_and_reimport_without_duplicates(technology_officer):
    data = xlsx(
        TRAINING,
        [
            ["Sở hữu trí tuệ cho doanh nghiệp", "Sở hữu trí tuệ", "Doanh nghiệp", "23/03/2023", "", 120],
            ["Khởi nghiệp cho đoàn viên", "Khởi nghiệp đổi mới sáng tạo", "Đoàn viên", "17/04/2023", "18/04/2023", 250],
        ],
    )
    assert datasets.run_import("innovation_trainings", "tap-huan.xlsx", data, user=technology_officer).ok
    again = datasets.run_import("innovation_trainings", "tap-huan.xlsx", data, user=technology_officer)
    assert again.ok and again.updated == 2
    assert sum(Training.objects.values_list("trainee_count", flat=True)) == 370


def test_bad_training_rows_are_all_named(technology_officer):
    data = xlsx(
        TRAINING,
        [
            ["Tốt", "Sở hữu trí tuệ", "", "23/03/2023", "", 120],
            ["Kết thúc trước bắt đầu", "Sở hữu trí tuệ", "", "23/03/2023", "22/03/2023", 10],
            ["Không học viên", "Sở hữu trí tuệ", "", "23/03/2023", "", 0],
            ["Ngày sai", "Sở hữu trí tuệ", "", "31/02/2023", "", 10],
        ],
    )
    result = datasets.run_import("innovation_trainings", "tap-huan.xlsx", data, user=technology_officer)
    assert sorted({e.row for e in result.errors}) == [3, 4, 5]
    assert not Training.objects.exists()


def test_supports_import_by_enterprise_name_and_refuse_unknown_ones(technology_officer, startup):
    good = xlsx(SUPPORT, [[startup.name, 2023, "Xác lập, bảo hộ quyền sở hữu trí tuệ", "Trà cúc chi", "45.000.000"]])
    result = datasets.run_import("innovation_startups", "ho-tro.xlsx", good, user=technology_officer)
    assert result.ok, result.errors
    assert StartupSupport.objects.get().amount == 45_000_000
    bad = xlsx(
        SUPPORT,
        [
            ["Công ty không có trong danh bạ", 2023, "Xác lập, bảo hộ quyền sở hữu trí tuệ", "", ""],
            [startup.name, 2023, "Hỗ trợ kinh phí", "", "-5.000.000"],
        ],
    )
    result = datasets.run_import("innovation_startups", "ho-tro.xlsx", bad, user=technology_officer)
    assert sorted({e.row for e in result.errors}) == [2, 3]
    assert StartupSupport.objects.count() == 1
