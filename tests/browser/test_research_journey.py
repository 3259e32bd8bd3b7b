"""S&T tasks, part 1, in a real browser: a host organisation proposes a task on the front site;
staff screen it and send it to the identification council; two members vote on the councils'
scoring page; staff apply the conclusion, put the proposal in the plan and record the approving
decision; the plan page shows the totals the records add up to."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from khcn import testing
from khcn.accounts import roles
from khcn.councils import selectors as council_selectors
from khcn.councils import services as council_services
from khcn.directory.models import Organisation, Person
from khcn.research import services
from khcn.research.models import Call, Plan, Proposal
from khcn.research.tests.builders import Builder

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TITLE = "Nghiên cứu quy trình sản xuất nấm linh chi đạt tiêu chuẩn dược liệu tại Văn Giang"


def login(page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/dang-nhap/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", testing.PASSWORD)
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")


def test_a_proposal_goes_from_the_host_to_the_approved_plan(live_server, page, settings):
    settings.OTP_REQUIRED_FOR_STAFF = False
    base = live_server.url
    officer = testing.make_user("qlkh", roles.SCIENCE_OFFICER)
    build = Builder(officer)
    host_org = Organisation.objects.create(name="Trung tâm Nấm Văn Giang")
    testing.make_user("chutri", roles.HOST_USER, organisation=host_org)
    call = build.call(year=dt.date.today().year + 1)

    # The identification council: three members, two of them present with accounts.
    council = council_services.council_create(
        kind="identification", year=call.year - 1, name="Hội đồng xác định nhiệm vụ", by=officer
    )
    seats = []
    for username, role in (("hoidong", "chair"), ("hoidong2", "member"), (None, "member")):
        user = testing.make_user(username, roles.COUNCIL_MEMBER) if username else None
        person = Person.objects.create(full_name=f"Thành viên {role} {username}", user=user)
        seats.append(council_services.council_member_add(council=council, person=person, role=role, by=officer))
    council_services.meeting_record(
        council=council, date=dt.date.today(), place="Sở KH&CN", present=seats[:2], by=officer
    )

    # A draft plan with one task carried over from last year.
    plan = build.plan(call.year)
    services.plan_item_add(plan=plan, by=officer, task=build.task(plan_year=call.year - 1), allocation=400_000_000)

    # 1. The host organisation's user proposes a task on the front site.
    login(page, base, "chutri")
    page.goto(f"{base}/nhiem-vu/de-xuat/gui/")
    assert "Trung tâm Nấm Văn Giang" in page.inner_text("main")
    page.select_option("select[name=call]", str(call.pk))
    page.fill("input[name=title]", TITLE)
    page.fill("textarea[name=urgency]", "Nấm linh chi là sản phẩm chủ lực của Văn Giang.")
    page.fill("textarea[name=objectives]", "Làm chủ quy trình sản xuất đạt GACP-WHO.")
    page.fill("textarea[name=expected_results]", "Quy trình; mô hình 2.000 m² nhà trồng.")
    page.fill("input[name=estimated_budget]", "850.000.000")
    page.fill("input[name=estimated_duration_months]", "24")
    page.fill("textarea[name=application_place]", "Các hợp tác xã nấm huyện Văn Giang.")
    page.select_option("select[name=field]", label="406 – Công nghệ sinh học trong nông nghiệp")
    page.select_option("select[name=task_form]", label="Đề tài khoa học và công nghệ")
    page.click("button[type=submit]:has-text('Gửi phiếu đề xuất')")
    page.wait_for_url(re.compile(r"/nhiem-vu/de-xuat/\d+/$"))
    assert "Đã gửi phiếu đề xuất" in page.inner_text("main")
    proposal = Proposal.objects.get(title=TITLE)
    assert proposal.proposer_org == host_org and proposal.estimated_budget == 850_000_000

    # 2. Staff screen it and send it to the identification council.
    login(page, base, "qlkh")
    page.goto(f"{base}/nhiem-vu/de-xuat/{proposal.pk}/")
    page.select_option("select[name=to]", "valid")
    page.click("button:has-text('Cập nhật')")
    page.wait_for_selector("text=Đã chuyển phiếu sang “Hợp lệ”")
    page.goto(f"{base}/nhiem-vu/de-xuat/hoi-dong/")
    page.select_option("select[name=council]", str(council.pk))
    page.check(f"input[name=proposals][value='{proposal.pk}']")
    page.click("button[name=send]")
    page.wait_for_selector("text=Đã đưa 1 phiếu ra hội đồng")
    council_object = council_selectors.council_objects_for(proposal).get()

    # 3. Two members vote on the councils' front-site scoring page.
    for username in ("hoidong", "hoidong2"):
        login(page, base, username)
        page.goto(f"{base}/hoi-dong/{council.pk}/doi-tuong/{council_object.pk}/cham-diem/")
        page.check("input[name=vote][value=recommend]")
        page.click("button:has-text('Gửi phiếu')")
        page.wait_for_selector("text=Đã gửi phiếu")

    # 4. Staff apply the conclusion, put the proposal in the plan, submit it and record the decision.
    login(page, base, "qlkh")
    page.goto(f"{base}/nhiem-vu/de-xuat/hoi-dong/")
    page.click(f"button[name=apply][value='{council.pk}']")
    page.wait_for_selector("text=1 phiếu được đề nghị")
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.RECOMMENDED

    page.goto(f"{base}/nhiem-vu/ke-hoach/{plan.pk}/them-nhiem-vu/")
    page.select_option("select[name=proposal]", str(proposal.pk))
    page.select_option("select[name=group]", label="Nông nghiệp và phát triển nông thôn")
    page.fill("input[name=allocation]", "600.000.000")
    page.click("button:has-text('Lưu')")
    page.wait_for_selector("text=Đã thêm nhiệm vụ vào kế hoạch")
    page.click("button:has-text('Trình phê duyệt')")
    page.wait_for_selector("text=Đã trình phê duyệt")
    page.click("text=Ghi nhận quyết định phê duyệt")
    page.select_option("select[name=issuer]", str(build.committee.pk))
    page.fill("input[name=number]", "105/QĐ-UBND")
    page.fill("input[name=date]", "15/01/" + str(call.year))
    page.fill("input[name=signer]", "Chủ tịch UBND tỉnh")
    page.click("button:has-text('Ghi nhận phê duyệt')")
    page.wait_for_url(re.compile(rf"/nhiem-vu/ke-hoach/{plan.pk}/$"))

    # 5. The plan page shows the totals computed from the records.
    assert page.inner_text("#plan-status") == "Đã phê duyệt"
    assert page.inner_text("#plan-count") == "2"
    assert page.inner_text("#plan-carried") == "1"
    assert page.inner_text("#plan-new") == "1"
    assert page.inner_text("#plan-total").startswith("1.000.000.000 đ")
    assert "105/QĐ-UBND" in page.inner_text("#plan-decision")
    assert "Nông nghiệp và phát triển nông thôn" in page.inner_text("#plan-groups")
    plan.refresh_from_db()
    assert plan.status == Plan.Status.APPROVED
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.IN_PLAN and proposal.task.title == TITLE
    assert Call.objects.count() == 1
