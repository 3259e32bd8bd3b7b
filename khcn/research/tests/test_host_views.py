"""The host organisation's pages of part 2 (views_host.py): who sees what, bad input writes
nothing, the list's query count does not grow with the number of tasks."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from khcn.core.models import Attachment
from khcn.lib.dates import add_months
from khcn.research import services
from khcn.research.models import (
    Acceptance,
    Adjustment,
    Grade,
    Plan,
    ProgressReport,
    ResultApplication,
    Task,
    Tranche,
)
from khcn.testing import PASSWORD, make_organisation

pytestmark = pytest.mark.django_db

TS = Task.Status
TODAY = dt.date.today()
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def pdf(name: str = "bao-cao.pdf", size: int = 0) -> SimpleUploadedFile:
    body = PDF + b"0" * max(size - len(PDF), 0)
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def running_task(build: Any, host: Any, *, start: dt.date | None = None, months: int = 18, code: str = "") -> Task:
    """A task of `host` under a signed contract, started `start`, running `months` months."""
    start = start or TODAY - dt.timedelta(days=200)
    end = add_months(start, months) - dt.timedelta(days=1)
    pi = build.person(org=host)
    task = build.task(
        plan_year=start.year, status=TS.APPROVED, host=host, pi=pi, start=start, end=end, state_budget=900_000_000
    )
    # One plan per year: a second task of the same year runs without an allocation (no money test needs it).
    if not Plan.objects.filter(year=start.year).exists():
        plan = build.plan(start.year)
        services.plan_item_add(plan=plan, by=build.officer, task=task, allocation=600_000_000)
        services.plan_transition(plan=plan, to="submitted", by=build.officer)
        services.plan_approve(plan=plan, decision=build.decision(date=start), by=build.officer)
    services.contract_sign(
        task=task,
        number=f"{task.pk}/HĐ-KHCN",
        signed_on=start,
        department=make_organisation("Sở KH&CN thử nghiệm"),
        by=build.officer,
        tranches=[
            {"amount": 400_000_000, "kind": Tranche.Kind.ADVANCE},
            {"amount": 300_000_000, "kind": Tranche.Kind.PAYMENT, "condition": Tranche.Condition.PROGRESS_REPORT},
        ],
    )
    return Task.objects.get(pk=task.pk)


@pytest.fixture
def task(build: Any, org_a: Any) -> Task:
    return running_task(build, org_a)


def login(client: Any, user: Any) -> Any:
    assert client.login(username=user.username, password=PASSWORD)
    return client


def report_data(task: Task, **overrides: Any) -> dict[str, Any]:
    start = task.start
    assert start is not None
    data = {
        "period_start": start.strftime("%d/%m/%Y"),
        "period_end": (add_months(start, 6) - dt.timedelta(days=1)).strftime("%d/%m/%Y"),
        "work_done": "Hoàn thành khảo sát và thí nghiệm vụ 1.",
        "next_steps": "Xây dựng mô hình.",
        "spent_amount": "150.000.000",
    }
    data.update(overrides)
    return data


def submitted_report(task: Task, by: Any) -> ProgressReport:
    start = task.start
    assert start is not None
    return services.progress_report_submit(
        task=task,
        period_start=start,
        period_end=add_months(start, 6) - dt.timedelta(days=1),
        work_done="Đã làm.",
        by=by,
    )


def counts() -> tuple[int, ...]:
    return (
        ProgressReport.objects.count(),
        Attachment.objects.count(),
        Adjustment.objects.count(),
        Acceptance.objects.count(),
        ResultApplication.objects.count(),
    )


# --- Who sees what ---------------------------------------------------------------------------------


def _read_urls(task: Task, report: ProgressReport, attachment: Attachment) -> list[str]:
    return [
        reverse("research:host-task-detail", args=[task.pk]),
        reverse("research:host-report-submit", args=[task.pk]),
        reverse("research:host-report-resubmit", args=[report.pk]),
        reverse("research:host-adjustment-request", args=[task.pk]),
        reverse("research:host-acceptance-submit", args=[task.pk]),
        reverse("research:host-application-record", args=[task.pk]),
        reverse("research:host-file", args=[task.pk, attachment.pk]),
    ]


@pytest.fixture
def report_with_file(task: Task, host_user: Any) -> tuple[ProgressReport, Attachment]:
    from khcn.core.services import attachment_add

    report = submitted_report(task, host_user)
    attachment = attachment_add(record=report, upload=pdf(), by=host_user)
    return report, attachment


def test_host_sees_every_page_of_its_own_task(client, task, host_user, report_with_file):
    login(client, host_user)
    for url in _read_urls(task, *report_with_file):
        response = client.get(url)
        assert response.status_code == 200, url
    listing = client.get(reverse("research:host-task-list"))
    assert task.code in listing.content.decode()
    download = client.get(reverse("research:host-file", args=[task.pk, report_with_file[1].pk]))
    assert b"".join(download.streaming_content).startswith(b"%PDF-")  # type: ignore[attr-defined]


def test_host_cannot_see_other_hosts_tasks(client, task, host_user_b, report_with_file):
    login(client, host_user_b)
    for url in _read_urls(task, *report_with_file):
        assert client.get(url).status_code == 404, url
    assert task.code not in client.get(reverse("research:host-task-list")).content.decode()


@pytest.mark.parametrize("persona", ["council_member", "outsider"])
def test_users_without_a_host_see_nothing(client, task, report_with_file, persona, request):
    login(client, request.getfixturevalue(persona))
    for url in _read_urls(task, *report_with_file):
        assert client.get(url).status_code == 404, url
    assert task.code not in client.get(reverse("research:host-task-list")).content.decode()


def test_staff_may_read_the_host_pages(client, task, science_officer, report_with_file):
    login(client, science_officer)
    for url in _read_urls(task, *report_with_file):
        assert client.get(url).status_code == 200, url
    assert task.code in client.get(reverse("research:host-task-list")).content.decode()


def test_anonymous_is_sent_to_the_login_page(client, task, report_with_file):
    for url in [reverse("research:host-task-list"), *_read_urls(task, *report_with_file)]:
        response = client.get(url)
        assert response.status_code == 302 and "/dang-nhap/" in response["Location"], url


def test_another_host_cannot_write_to_the_task(client, task, host_user, host_user_b, report_with_file):
    adjustment = services.adjustment_request(
        task=task, kind=Adjustment.Kind.CONTENT, description="Đổi nội dung 2.", by=host_user
    )
    login(client, host_user_b)
    before = counts()
    posts = [
        (reverse("research:host-report-submit", args=[task.pk]), report_data(task)),
        (reverse("research:host-adjustment-request", args=[task.pk]), {"kind": "content", "description": "x"}),
        (reverse("research:host-acceptance-submit", args=[task.pk]), {"self_evaluation": "x", "self_grade": "passed"}),
        (reverse("research:host-adjustment-withdraw", args=[task.pk, adjustment.pk]), {}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url
    assert counts() == before
    adjustment.refresh_from_db()
    assert adjustment.status == Adjustment.Status.REQUESTED


def test_withdraw_is_post_only(client, task, host_user):
    adjustment = services.adjustment_request(
        task=task, kind=Adjustment.Kind.CONTENT, description="Đổi nội dung 2.", by=host_user
    )
    login(client, host_user)
    url = reverse("research:host-adjustment-withdraw", args=[task.pk, adjustment.pk])
    assert client.get(url).status_code == 405
    client.post(url)
    adjustment.refresh_from_db()
    assert adjustment.status == Adjustment.Status.WITHDRAWN


# --- The host's writes -----------------------------------------------------------------------------


def test_host_submits_a_report_with_several_files(client, task, host_user):
    login(client, host_user)
    data = report_data(task, attachments=[pdf("bao-cao.pdf"), pdf("phu-luc.pdf")])
    response = client.post(reverse("research:host-report-submit", args=[task.pk]), data)
    assert response.status_code == 302
    report = ProgressReport.objects.get(task=task)
    assert report.submitted_by == host_user and report.spent_amount == 150_000_000
    names = sorted(Attachment.objects.values_list("original_name", flat=True))
    assert names == ["bao-cao.pdf", "phu-luc.pdf"]
    page = client.get(reverse("research:host-task-detail", args=[task.pk])).content.decode()
    assert "phu-luc.pdf" in page and "Đã nộp, chờ xem xét" in page


def test_a_bad_file_saves_nothing(client, task, host_user):
    login(client, host_user)
    before = counts()
    fake = SimpleUploadedFile("bao-cao.pdf", b"just text, not a PDF", content_type="application/pdf")
    response = client.post(
        reverse("research:host-report-submit", args=[task.pk]), report_data(task, attachments=[pdf(), fake])
    )
    assert response.status_code == 200
    assert "Kiểu tệp không được chấp nhận" in response.content.decode()
    assert counts() == before


def test_a_file_too_large_saves_nothing(client, task, host_user, settings):
    settings.ATTACHMENT_MAX_BYTES = 2_000
    login(client, host_user)
    before = counts()
    response = client.post(
        reverse("research:host-report-submit", args=[task.pk]), report_data(task, attachments=[pdf(size=5_000)])
    )
    assert response.status_code == 200
    assert "Tệp quá lớn" in response.content.decode()
    assert counts() == before


def test_a_period_ending_before_it_starts_is_refused(client, task, host_user):
    login(client, host_user)
    before = counts()
    start = task.start
    assert start is not None
    data = report_data(
        task,
        period_start=(start + dt.timedelta(days=30)).strftime("%d/%m/%Y"),
        period_end=start.strftime("%d/%m/%Y"),
    )
    response = client.post(reverse("research:host-report-submit", args=[task.pk]), data)
    assert response.status_code == 200
    assert "“Đến ngày” phải sau “Từ ngày”" in response.content.decode()
    assert counts() == before


def test_a_period_before_the_task_started_shows_the_service_message(client, task, host_user):
    login(client, host_user)
    before = counts()
    start = task.start
    assert start is not None
    data = report_data(task, period_start=(start - dt.timedelta(days=10)).strftime("%d/%m/%Y"))
    response = client.post(reverse("research:host-report-submit", args=[task.pk]), data)
    assert response.status_code == 200
    assert "trước khi nhiệm vụ bắt đầu" in response.content.decode()
    assert counts() == before


def test_host_resubmits_a_returned_report(client, task, host_user, science_officer):
    report = submitted_report(task, host_user)
    services.progress_report_transition(
        report=report, to=ProgressReport.Status.RETURNED, by=science_officer, note="Thiếu số liệu thí nghiệm."
    )
    login(client, host_user)
    page = client.get(reverse("research:host-task-detail", args=[task.pk])).content.decode()
    assert "Thiếu số liệu thí nghiệm." in page and "Bổ sung và nộp lại" in page
    url = reverse("research:host-report-resubmit", args=[report.pk])
    response = client.post(url, {"note": "Đã bổ sung số liệu.", "attachments": [pdf("so-lieu.pdf")]})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.SUBMITTED
    assert Attachment.objects.filter(object_id=str(report.pk), original_name="so-lieu.pdf").exists()
    # Only a returned report can be handed in again.
    response = client.post(url, {"note": "Lần nữa."})
    assert response.status_code == 200
    assert report.events.count() == 3  # type: ignore[attr-defined]


def test_host_requests_an_extension_within_the_rule(client, task, host_user):
    login(client, host_user)
    end = task.effective_end
    assert end is not None
    data = {
        "kind": "extension",
        "description": "Thời tiết bất lợi làm chậm vụ thí nghiệm.",
        "new_end": add_months(end, 3).strftime("%d/%m/%Y"),
        "attachments": [pdf("don-de-nghi.pdf")],
    }
    response = client.post(reverse("research:host-adjustment-request", args=[task.pk]), data)
    assert response.status_code == 302
    adjustment = Adjustment.objects.get(task=task)
    assert adjustment.new_end == add_months(end, 3) and adjustment.requested_by == host_user
    assert Attachment.objects.filter(object_id=str(adjustment.pk)).count() == 1


def test_an_extension_too_long_is_refused(client, task, host_user):
    login(client, host_user)
    before = counts()
    end = task.effective_end
    assert end is not None
    data = {"kind": "extension", "description": "Lý do.", "new_end": add_months(end, 13).strftime("%d/%m/%Y")}
    response = client.post(reverse("research:host-adjustment-request", args=[task.pk]), data)
    assert response.status_code == 200
    assert "chỉ được gia hạn tối đa 6 tháng" in response.content.decode()
    assert counts() == before


def test_an_extension_too_late_is_refused(client, build, org_a, host_user):
    # Ends in ten days: the rule wants the request 30 days before the end.
    late = running_task(build, org_a, start=add_months(TODAY + dt.timedelta(days=10), -12), months=12)
    login(client, host_user)
    before = counts()
    end = late.effective_end
    assert end is not None
    data = {"kind": "extension", "description": "Lý do.", "new_end": add_months(end, 2).strftime("%d/%m/%Y")}
    response = client.post(reverse("research:host-adjustment-request", args=[late.pk]), data)
    assert response.status_code == 200
    assert "ít nhất 30 ngày" in response.content.decode()
    assert counts() == before


def test_an_extension_needs_the_new_end(client, task, host_user):
    login(client, host_user)
    before = counts()
    response = client.post(
        reverse("research:host-adjustment-request", args=[task.pk]), {"kind": "extension", "description": "Lý do."}
    )
    assert "Hãy nhập thời hạn mới" in response.content.decode()
    assert counts() == before


def test_a_dossier_missing_parts_is_refused(client, task, host_user):
    login(client, host_user)
    before = counts()
    data = {
        "self_evaluation": "Đạt đủ sản phẩm.",
        "self_grade": Grade.PASSED,
        "has_final_report": "on",
        "has_products": "on",
        "attachments": [pdf("bao-cao-tong-hop.pdf")],
    }
    response = client.post(reverse("research:host-acceptance-submit", args=[task.pk]), data)
    assert response.status_code == 200
    text = response.content.decode()
    assert "còn thiếu" in text and "biên bản tự đánh giá" in text and "báo cáo sử dụng kinh phí" in text
    assert counts() == before
    task.refresh_from_db()
    assert task.status == TS.IN_PROGRESS


def test_host_submits_a_complete_dossier(client, task, host_user):
    login(client, host_user)
    data = {
        "self_evaluation": "Đạt đủ sản phẩm.",
        "self_grade": Grade.PASSED,
        "has_final_report": "on",
        "has_products": "on",
        "has_self_evaluation_minutes": "on",
        "has_spending_report": "on",
        "attachments": [pdf("bao-cao-tong-hop.pdf")],
    }
    response = client.post(reverse("research:host-acceptance-submit", args=[task.pk]), data)
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == TS.AWAITING_ACCEPTANCE
    acceptance = Acceptance.objects.get(task=task)
    assert Attachment.objects.filter(object_id=str(acceptance.pk), original_name="bao-cao-tong-hop.pdf").exists()


def test_an_application_needs_an_accepted_task(client, task, host_user):
    login(client, host_user)
    before = counts()
    data = {"year": TODAY.year, "place": "HTX Tân Châu", "scale": "5 ha", "effect": "Năng suất tăng 15%"}
    response = client.post(reverse("research:host-application-record", args=[task.pk]), data)
    assert response.status_code == 200
    assert "Không thể ghi nhận ứng dụng kết quả" in response.content.decode()
    assert counts() == before


def test_host_records_an_application_of_an_accepted_task(client, build, org_a, host_user):
    accepted = build.task(plan_year=2023, status=TS.ACCEPTED, host=org_a, start=dt.date(2023, 1, 1))
    login(client, host_user)
    data = {"year": TODAY.year, "place": "HTX Tân Châu", "scale": "5 ha", "effect": "Năng suất tăng 15%"}
    response = client.post(reverse("research:host-application-record", args=[accepted.pk]), data)
    assert response.status_code == 302
    application = ResultApplication.objects.get(task=accepted)
    assert application.entered_by == host_user and application.scale == "5 ha"
    assert "HTX Tân Châu" in client.get(reverse("research:host-task-detail", args=[accepted.pk])).content.decode()


# --- What is due and the money received ----------------------------------------------------------------


def test_task_page_shows_what_is_due_and_money_received(client, task, host_user, science_officer):
    from khcn.accounts import roles
    from khcn.testing import make_user

    finance = make_user("ke_toan", roles.FINANCE_OFFICER)
    tranche = task.contract.tranches.get(number=1)  # type: ignore[attr-defined]
    services.disbursement_record(task=task, tranche=tranche, amount=400_000_000, paid_on=task.start, by=finance)
    login(client, host_user)
    page = client.get(reverse("research:host-task-detail", args=[task.pk])).content.decode()
    assert "400.000.000" in page  # received
    # Started 200 days ago with six-month periods: the first report is overdue.
    assert "quá hạn" in page
    listing = client.get(reverse("research:host-task-list")).content.decode()
    assert "Báo cáo tiến độ kỳ" in listing and "400.000.000" in listing


def test_list_query_count_does_not_grow_with_tasks(client, build, org_a, host_user, django_assert_max_num_queries):
    start = TODAY - dt.timedelta(days=400)

    def add_tasks(n: int) -> None:
        for _ in range(n):
            t = build.task(
                plan_year=start.year,
                status=TS.IN_PROGRESS,
                host=org_a,
                start=start,
                end=add_months(start, 24) - dt.timedelta(days=1),
            )
            submitted_report(t, build.officer)

    login(client, host_user)
    url = reverse("research:host-task-list")
    add_tasks(2)
    with django_assert_max_num_queries(20) as small:
        assert client.get(url).status_code == 200
    add_tasks(8)
    with django_assert_max_num_queries(len(small.captured_queries)) as large:
        response = client.get(url)
    assert response.content.decode().count('id="task-') == 10
    assert len(large.captured_queries) == len(small.captured_queries)


def test_what_is_due_names_reports_contract_end_dossier_and_registration(build, org_a, science_officer):
    from khcn.research.views_host import due_for

    # A six-month task ending in 19 days: no progress report (the dossier covers it), the contract ends soon.
    ending = running_task(build, org_a, start=add_months(TODAY + dt.timedelta(days=20), -6), months=6)
    # Accepted 40 days ago, not registered: registration (30 days) is overdue.
    accepted = build.task(plan_year=2023, status=TS.ACCEPTED, host=org_a, start=dt.date(2023, 1, 1))
    Acceptance.objects.create(
        task=accepted,
        submitted_on=TODAY - dt.timedelta(days=60),
        self_evaluation="Đạt.",
        self_grade=Grade.PASSED,
        grade=Grade.PASSED,
        graded_on=TODAY - dt.timedelta(days=40),
    )
    # Started two months ago: the first report is still ahead.
    fresh = running_task(build, org_a, start=add_months(TODAY, -2), months=18)
    lines = due_for([ending, accepted, fresh], TODAY)
    due = {pk: [line.text for line in task_lines] for pk, task_lines in lines.items()}

    assert any("Hợp đồng kết thúc ngày" in t and "còn 19 ngày" in t for t in due[ending.pk])
    assert any("Hồ sơ đánh giá, nghiệm thu phải nộp trước ngày" in t for t in due[ending.pk])
    registration = [line for line in lines[accepted.pk] if "Đăng ký kết quả trước ngày" in line.text]
    assert len(registration) == 1 and registration[0].overdue
    period_end = add_months(fresh.start, 6) - dt.timedelta(days=1)  # type: ignore[arg-type]
    expected = f"Báo cáo tiến độ kỳ tới {fresh.start:%d/%m/%Y}–{period_end:%d/%m/%Y}"
    assert any(t.startswith(expected) for t in due[fresh.pk])
    assert not any("quá hạn" in t for t in due[fresh.pk])
