"""The contract DOCX (model of Circular 05/2014) is built from the records: read back, its text
carries the parties, the task, the duration, the value by source and the tranche schedule."""

from __future__ import annotations

import datetime as dt

import pytest

from khcn.directory.models import Organisation
from khcn.lib.documents import docx_text
from khcn.research import services
from khcn.research.documents.contract import contract_docx
from khcn.research.models import Task, Tranche
from khcn.testing import make_organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def contract(build):
    host = make_organisation(
        "Viện Cây ăn quả miền Bắc", address="Xã Tân Châu, tỉnh Hưng Yên", representative="Lê Thị Viện Trưởng"
    )
    department = make_organisation(
        "Sở Khoa học và Công nghệ tỉnh Hưng Yên",
        kind=Organisation.Kind.STATE_AGENCY,
        address="Số 1 đường Chùa Chuông",
        representative="Trần Văn Giám Đốc",
    )
    pi = build.person("Nguyễn Văn Chủ Nhiệm", org=host)
    task = build.task(
        plan_year=2024,
        status=Task.Status.APPROVED,
        host=host,
        pi=pi,
        title="Nghiên cứu quy trình thâm canh nhãn lồng <Hưng Yên> {{ an toàn }}",
        start=dt.date(2024, 3, 1),
        end=dt.date(2025, 8, 31),
        state_budget=900_000_000,
        state_budget_lump_sum=350_000_000,
        counterpart_budget=120_000_000,
        other_budget=30_000_000,
    )
    return services.contract_sign(
        task=task,
        number="15/2024/HĐ-KHCN",
        signed_on=dt.date(2024, 3, 1),
        department=department,
        department_signer="Trần Văn Giám Đốc",
        by=build.officer,
        tranches=[
            {"amount": 400_000_000, "kind": Tranche.Kind.ADVANCE, "planned_on": dt.date(2024, 3, 15)},
            {"amount": 300_000_000, "kind": Tranche.Kind.PAYMENT, "condition": Tranche.Condition.PROGRESS_REPORT},
            {"amount": 200_000_000, "kind": Tranche.Kind.PAYMENT, "condition": Tranche.Condition.ACCEPTANCE},
        ],
    )


def test_the_contract_names_the_parties_and_the_task(contract):
    text = docx_text(contract_docx(contract))
    assert "HỢP ĐỒNG" in text and "THỰC HIỆN NHIỆM VỤ KHOA HỌC VÀ CÔNG NGHỆ" in text
    assert "Số: 15/2024/HĐ-KHCN" in text
    assert "ngày 1 tháng 3 năm 2024" in text
    assert "Bên đặt hàng (Bên A): Sở Khoa học và Công nghệ tỉnh Hưng Yên" in text
    assert "Đại diện: Trần Văn Giám Đốc" in text
    assert "Bên nhận đặt hàng (Bên B): Viện Cây ăn quả miền Bắc" in text
    assert "Địa chỉ: Xã Tân Châu, tỉnh Hưng Yên" in text
    assert "Chủ nhiệm nhiệm vụ: Nguyễn Văn Chủ Nhiệm" in text
    # Record text goes through the context, escaped: braces and angle brackets come out as typed.
    assert "“Nghiên cứu quy trình thâm canh nhãn lồng <Hưng Yên> {{ an toàn }}”" in text
    assert contract.task.code in text
    assert "18 tháng, từ ngày 01/03/2024 đến ngày 31/08/2025" in text


def test_the_contract_value_by_source_and_the_schedule_are_the_records_figures(contract):
    text = docx_text(contract_docx(contract))
    assert "Tổng kinh phí thực hiện nhiệm vụ: 1.050.000.000 đồng" in text
    assert "ngân sách nhà nước: 900.000.000 đồng" in text
    assert "kinh phí khoán 350.000.000 đồng" in text
    assert "kinh phí không giao khoán 550.000.000 đồng" in text
    assert "Vốn đối ứng: 120.000.000 đồng" in text
    assert "Nguồn khác: 30.000.000 đồng" in text
    cells = text.splitlines()
    for amount in ("400.000.000", "300.000.000", "200.000.000"):
        assert amount in cells
    assert "15/03/2024" in cells
    assert str(Tranche.Condition.PROGRESS_REPORT.label) in cells
    assert str(Tranche.Condition.ACCEPTANCE.label) in cells
    assert "Cộng" in cells and "900.000.000" in cells  # the schedule's total, summed from the rows


def test_the_usual_articles_and_the_rule_figures_are_there(contract):
    text = docx_text(contract_docx(contract))
    for article in (
        "Điều 3. Quyền và nghĩa vụ của Bên A",
        "Điều 4. Quyền và nghĩa vụ của Bên B",
        "Điều 5. Báo cáo và kiểm tra",
        "Điều 6. Đánh giá, nghiệm thu",
        "Điều 7. Thanh lý hợp đồng",
    ):
        assert article in text
    # The report period and deadlines come from the rule record (defaults: 6 months, 15 and 30 days).
    assert "định kỳ 6 tháng một lần, chậm nhất 15 ngày" in text
    assert "ít nhất 30 ngày" in text
    assert "ĐẠI DIỆN BÊN A" in text and "ĐẠI DIỆN BÊN B" in text
    assert "[[LICH_CAP_KINH_PHI]]" not in text
