"""The plan's annex as DOCX (Decree 30/2020 layout) and XLSX: groups, subtotals, the total."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from khcn.lib.documents import docx_text
from khcn.research import documents, services
from khcn.research.models import Plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(build, science_officer):
    plan = build.plan(2024)
    for group, title, amount in [
        ("agriculture", "Nghiên cứu thụ tinh nhân tạo trên gà Đông Tảo", 700_000_000),
        ("agriculture", "Xây dựng mô hình sản xuất nấm linh chi", 500_000_000),
        ("engineering", "Chế tạo robot hàn tự động", 1_073_000_000),
    ]:
        services.plan_item_add(
            plan=plan, by=science_officer, task=build.task(plan_year=2023, title=title, group=group), allocation=amount
        )
    services.plan_item_add(
        plan=plan,
        by=science_officer,
        title="Đối ứng nhiệm vụ cấp quốc gia",
        group=build.group("national_counterpart"),
        form=build.form(),
        field_of_science=build.field("402"),
        allocation=1_000_000_000,
    )
    services.plan_transition(plan=plan, to=Plan.Status.SUBMITTED, by=science_officer)
    return services.plan_approve(
        plan=plan, decision=build.decision("105/QĐ-UBND", dt.date(2024, 1, 15)), by=science_officer
    )


def test_the_docx_annex_lists_tasks_by_group_with_totals(plan):
    text = docx_text(documents.plan_annex_docx(plan))
    assert "PHỤ LỤC" in text
    assert "DANH MỤC NHIỆM VỤ KHOA HỌC VÀ CÔNG NGHỆ NĂM 2024" in text
    assert "(Kèm theo Quyết định số 105/QĐ-UBND ngày 15/01/2024 của Ủy ban nhân dân tỉnh Hưng Yên)" in text
    assert "ỦY BAN NHÂN DÂN TỈNH HƯNG YÊN" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Nông nghiệp và phát triển nông thôn (2 nhiệm vụ)" in text
    assert "1.200.000.000" in text  # the agriculture subtotal
    assert "Đối ứng kinh phí thực hiện nhiệm vụ KH&CN cấp quốc gia (1 nhiệm vụ)" in text
    assert "NV-2024-001 – Đối ứng nhiệm vụ cấp quốc gia" in text
    assert "Tổng cộng (4 nhiệm vụ)" in text
    assert "3.273.000.000" in text
    assert "[[DANH_MUC]]" not in text
    assert text.index("Nông nghiệp") < text.index("Kỹ thuật và công nghệ") < text.index("Đối ứng kinh phí")


def test_the_xlsx_annex_has_one_row_per_task_and_the_total(plan):
    sheet = load_workbook(io.BytesIO(documents.plan_annex_xlsx(plan))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "STT" and rows[0][-1] == "Kinh phí năm (đồng)"
    assert len(rows) == 1 + 4 + 1
    amounts = [r[-1] for r in rows[1:-1]]
    assert all(isinstance(a, int) for a in amounts)
    assert rows[-1][3] == "Tổng cộng (4 nhiệm vụ)" and rows[-1][-1] == sum(amounts) == 3_273_000_000
    assert [r[8] for r in rows[1:-1]] == ["Có", "Có", "Có", "Không"]


def test_a_title_that_looks_like_a_formula_is_escaped_in_the_xlsx(build, science_officer):
    plan = build.plan(2025)
    services.plan_item_add(
        plan=plan,
        by=science_officer,
        title='=HYPERLINK("http://x")',
        group=build.group(),
        form=build.form(),
        field_of_science=build.field(),
        allocation=1,
    )
    sheet = load_workbook(io.BytesIO(documents.plan_annex_xlsx(plan))).active
    assert sheet.cell(row=2, column=4).value.startswith("'=")
    assert "(Dự thảo, chưa phê duyệt)" in docx_text(documents.plan_annex_docx(plan))
