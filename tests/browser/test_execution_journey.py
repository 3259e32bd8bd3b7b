"""S&T tasks, part 2, in a real browser (issue 4, "Browser journey"): the host organisation submits
a progress report with a PDF on the front site; the science officer accepts it and the finance
officer records the disbursement of the tranche that waited on it; the host hands in the
acceptance dossier; the acceptance council's members grade the task on the councils' pages;
staff conclude the acceptance and register the result, which shows on the task's timeline.

The starting point (an approved task in an approved plan, its contract signed, the first
tranche paid, an acceptance council that has met) is set up through the services."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from khcn import testing
from khcn.accounts import roles
from khcn.core.models import Attachment
from khcn.councils import selectors as council_selectors
from khcn.directory.models import Organisation
from khcn.lib.dates import add_months
from khcn.research import selectors, services
from khcn.research.models import Acceptance, ProgressReport, Task, Tranche
from khcn.research.tests.builders import Builder

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TS = Task.Status
TITLE = "Ứng dụng công nghệ tưới nhỏ giọt cho nhãn lồng Hưng Yên"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
REGISTRATION = "45/2026/ĐKKQ"


def login(page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/dang-nhap/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", testing.PASSWORD)
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")


def _dmy(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def test_a_report_money_acceptance_and_result_on_the_timeline(live_server, page, settings, tmp_path):
    settings.OTP_REQUIRED_FOR_STAFF = False
    settings.MEDIA_ROOT = tmp_path / "media"
    base = live_server.url
    today = dt.date.today()
    officer = testing.make_user("qlkh", roles.SCIENCE_OFFICER)
    finance = testing.make_user("khtc", roles.FINANCE_OFFICER)
    build = Builder(officer)
    host = Organisation.objects.create(name="Trung tâm Ứng dụng tiến bộ KH&CN Hưng Yên")
    testing.make_user("chutri", roles.HOST_USER, organisation=host)
    Organisation.objects.get_or_create(
        name="Sở Khoa học và Công nghệ tỉnh Hưng Yên", defaults={"kind": Organisation.Kind.STATE_AGENCY}
    )

    # An approved task (started 200 days ago, 18 months) in its year's approved plan, contract signed.
    start = today - dt.timedelta(days=200)
    task = build.task(
        title=TITLE,
        plan_year=start.year,
        status=TS.APPROVED,
        host=host,
        pi=build.person("Trần Thị Chủ Nhiệm", org=host),
        start=start,
        end=add_months(start, 18) - dt.timedelta(days=1),
        state_budget=900_000_000,
    )
    plan = build.plan(start.year)
    services.plan_item_add(plan=plan, by=officer, task=task, allocation=600_000_000)
    services.plan_transition(plan=plan, to="submitted", by=officer)
    services.plan_approve(plan=plan, decision=build.decision(date=start), by=officer)
    services.contract_sign(
        task=task,
        number="12/2026/HĐ-KHCN",
        signed_on=start,
        department=Organisation.objects.get(name="Sở Khoa học và Công nghệ tỉnh Hưng Yên"),
        by=officer,
        tranches=[
            {"amount": 400_000_000, "kind": Tranche.Kind.ADVANCE},
            {"amount": 300_000_000, "kind": Tranche.Kind.PAYMENT, "condition": Tranche.Condition.PROGRESS_REPORT},
            {"amount": 200_000_000, "kind": Tranche.Kind.PAYMENT, "condition": Tranche.Condition.ACCEPTANCE},
        ],
    )
    task.refresh_from_db()
    tranche_1 = task.contract.tranches.get(number=1)  # type: ignore[attr-defined]
    services.disbursement_record(task=task, tranche=tranche_1, amount=400_000_000, paid_on=start, by=finance)
    council, members = build.council("acceptance", 3, with_users=True, year=today.year)

    # 1. The host logs in, finds the task from the home page and sees the overdue report.
    login(page, base, "chutri")
    page.goto(f"{base}/")
    page.get_by_role("link", name=re.compile("Nhiệm vụ của đơn vị")).first.click()
    page.wait_for_url(re.compile(r"/nhiem-vu/don-vi/$"))
    row = page.locator(f"#task-{task.pk}")
    assert "quá hạn" in row.inner_text()
    assert "400.000.000" in row.inner_text()
    row.get_by_role("link", name=task.code).click()
    page.wait_for_url(re.compile(rf"/nhiem-vu/don-vi/{task.pk}/$"))

    # 2. ... and submits the progress report for the first period, with a PDF.
    page.get_by_role("link", name="Nộp báo cáo tiến độ").click()
    period_end = add_months(start, 6) - dt.timedelta(days=1)
    assert page.input_value("input[name=period_start]") == _dmy(start)
    assert page.input_value("input[name=period_end]") == _dmy(period_end)
    page.fill("textarea[name=work_done]", "Khảo sát 20 vườn nhãn; lắp đặt hệ thống tưới thử nghiệm 1 ha.")
    page.fill("textarea[name=next_steps]", "Mở rộng mô hình lên 5 ha.")
    page.fill("input[name=spent_amount]", "350.000.000")
    page.set_input_files(
        "input[name=attachments]",
        files=[{"name": "bao-cao-tien-do-ky-1.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    page.get_by_role("button", name="Nộp báo cáo").click()
    page.wait_for_url(re.compile(rf"/nhiem-vu/don-vi/{task.pk}/$"))
    assert "Đã nộp báo cáo tiến độ" in page.inner_text("main")
    assert "bao-cao-tien-do-ky-1.pdf" in page.inner_text("#reports")
    report = ProgressReport.objects.get(task=task)
    assert report.status == ProgressReport.Status.SUBMITTED and report.spent_amount == 350_000_000
    assert Attachment.objects.get(object_id=str(report.pk)).mime_type == "application/pdf"

    # 3. The science officer accepts the report on the task page.
    login(page, base, "qlkh")
    page.goto(f"{base}/nhiem-vu/danh-muc/{task.pk}/")
    review = page.locator(f"#report-{report.pk}")
    review.locator("select[name=to]").select_option("accepted")
    review.locator("textarea[name=note]").fill("Đạt yêu cầu, đúng tiến độ.")
    review.get_by_role("button", name="Ghi nhận").click()
    page.wait_for_selector("text=Đã ghi nhận kết quả xem xét báo cáo")
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.ACCEPTED

    # 4. The finance officer records the second tranche, whose condition was that report.
    login(page, base, "khtc")
    page.goto(f"{base}/nhiem-vu/danh-muc/{task.pk}/")
    page.get_by_role("link", name="Ghi nhận cấp phát kinh phí").click()
    tranche_2 = task.contract.tranches.get(number=2)  # type: ignore[attr-defined]
    page.select_option("select[name=tranche]", str(tranche_2.pk))
    # 600 million allocated this year, 400 paid: 200 are left of the year.
    page.fill("input[name=amount]", "200.000.000")
    page.fill("input[name=paid_on]", _dmy(today))
    page.fill("input[name=voucher]", "UNC 118")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_selector("text=Đã ghi nhận cấp phát kinh phí")
    assert selectors.task_money(task).disbursed_total == 600_000_000

    # 5. The host sees the money received and hands in the acceptance dossier.
    login(page, base, "chutri")
    page.goto(f"{base}/nhiem-vu/don-vi/{task.pk}/")
    assert page.inner_text("#received-total").startswith("600.000.000")
    assert "Đã chấp nhận" in page.inner_text("#reports")
    page.get_by_role("link", name="Nộp hồ sơ nghiệm thu").click()
    page.fill("textarea[name=self_evaluation]", "Hoàn thành đủ sản phẩm đăng ký; mô hình 5 ha đạt năng suất tăng 15%.")
    page.check("input[name=self_grade][value=passed]")
    for part in Acceptance.DOSSIER_PARTS:
        page.check(f"input[name={part}]")
    page.set_input_files(
        "input[name=attachments]",
        files=[{"name": "bao-cao-tong-hop.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    page.get_by_role("button", name="Nộp hồ sơ").click()
    page.wait_for_selector("text=Đã nộp hồ sơ đánh giá, nghiệm thu")
    assert page.inner_text("#task-status") == str(TS.AWAITING_ACCEPTANCE.label)

    # 6. Staff put the task before the acceptance council.
    login(page, base, "qlkh")
    page.goto(f"{base}/nhiem-vu/danh-muc/{task.pk}/")
    page.get_by_role("link", name="Đưa ra hội đồng đánh giá, nghiệm thu").click()
    page.select_option("select[name=council]", str(council.pk))
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_selector("text=Đã đưa nhiệm vụ ra hội đồng nghiệm thu")
    council_object = council_selectors.council_objects_for(task).filter(council=council).get()

    # 7. Each member grades the task on the councils' front-site scoring page.
    for member in members:
        login(page, base, member.person.user.username)
        page.goto(f"{base}/hoi-dong/{council.pk}/doi-tuong/{council_object.pk}/cham-diem/")
        page.check("input[name=grade][value=passed]")
        page.get_by_role("button", name="Gửi phiếu").click()
        page.wait_for_selector("text=Đã gửi phiếu")

    # 8. Staff conclude the acceptance with the recognising decision, then register the result.
    login(page, base, "qlkh")
    page.goto(f"{base}/nhiem-vu/danh-muc/{task.pk}/")
    page.get_by_role("link", name="Kết luận nghiệm thu").click()
    page.fill("input[name=graded_on]", _dmy(today))
    page.select_option("select[name=doc_issuer]", str(build.committee.pk))
    page.fill("input[name=doc_number]", "215/QĐ-UBND")
    page.fill("input[name=doc_date]", _dmy(today))
    page.fill("input[name=doc_signer]", "Chủ tịch UBND tỉnh")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_selector("text=Đã ghi nhận kết quả nghiệm thu")
    task.refresh_from_db()
    assert task.status == TS.ACCEPTED

    page.get_by_role("link", name="Đăng ký kết quả").click()
    page.fill("input[name=number]", REGISTRATION)
    page.fill("input[name=registered_on]", _dmy(today))
    page.fill("input[name=deposit_place]", "Sở Khoa học và Công nghệ tỉnh Hưng Yên")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_selector("text=Đã đăng ký kết quả")

    # 9. The registration shows on the task's timeline, for staff and for the host.
    page.goto(f"{base}/nhiem-vu/danh-muc/{task.pk}/")
    timeline = page.inner_text("#timeline")
    assert f"Đăng ký kết quả, giấy chứng nhận số {REGISTRATION}" in timeline
    assert "Hội đồng nghiệm thu xếp loại: Đạt" in timeline

    login(page, base, "chutri")
    page.goto(f"{base}/nhiem-vu/don-vi/{task.pk}/")
    timeline = page.inner_text("#timeline")
    assert f"Đăng ký kết quả, giấy chứng nhận số {REGISTRATION}" in timeline
    assert "Báo cáo tiến độ" in timeline and "Tạm ứng 400.000.000" in timeline
    assert REGISTRATION in page.inner_text("#registration-number")
    assert page.inner_text("#task-status") == str(TS.ACCEPTED.label)
