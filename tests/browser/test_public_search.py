"""A visitor searches the public S&T database for "long nhan" (no diacritics), finds the holders
of the certification mark "Long nhãn Hưng Yên" and a related task, with the matches marked, and
downloads the results as CSV; nothing unpublished shows."""

from __future__ import annotations

from pathlib import Path

import pytest

from khcn.accounts.models import User
from khcn.public.tests.conftest import make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_visitor_searches_long_nhan_and_downloads_csv(live_server, page):
    admin = User.objects.create_superuser("quan_tri_csdl", password="x-very-long-pass-123")
    world = make_world(admin)

    page.goto(f"{live_server.url}/csdl/")
    page.get_by_label("Tìm trong cơ sở dữ liệu").fill("long nhan")
    page.keyboard.press("Enter")
    page.wait_for_url("**/csdl/tim-kiem/?q=long+nhan")

    hits = page.locator("#hits")
    # The GI / certification-mark holder and the related task, found without diacritics.
    certificate_hit = hits.locator("li[data-kind=certificate]")
    assert "Hợp tác xã Long nhãn Hưng Yên" in certificate_hit.inner_text()
    task_hit = hits.locator("li[data-kind=task]")
    assert world.task.code in task_hit.inner_text()
    assert task_hit.locator("mark").first.inner_text().lower() == "long nhãn"
    body = page.inner_text("body")
    assert "chưa công bố" not in body
    assert "GCN-02" not in body
    assert "Bản nháp" not in body

    with page.expect_download() as info:
        page.click("#download-csv")
    download = info.value
    assert download.suggested_filename == "tim-kiem.csv"
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    assert world.task.code in text
    assert "Long nhãn Hưng Yên" in text
    assert "chưa công bố" not in text

    # The task's public page opens from the result.
    task_hit.locator("a").click()
    page.wait_for_url(f"**/csdl/nhiem-vu/{world.task.pk}/")
    assert world.task.title in page.inner_text("h1")
