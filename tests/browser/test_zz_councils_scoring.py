"""The council member's journey in a real browser: log in, open "Hội đồng của tôi", open the
council, fill in the score sheet (the running total updates as they type), send it, read the result.

The browser runs in its own thread with its own Playwright: the shared session-wide `browser`
fixture lives in tests/browser/conftest.py, out of reach of this app's tests, and a second sync
Playwright in the same thread refuses to start. Constants and the skip/fail rule are shared.
"""

from __future__ import annotations

import os
import re
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from khcn import testing
from khcn.councils.models import Council, ScoreSheet
from khcn.councils.tests.conftest import NINE, Builder
from tests.browser.conftest import ARTIFACTS, CHROMIUM, LAUNCH_ARGS, TIMEOUT_MS, _unavailable

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SCORES = {"can_thiet": "9", "muc_tieu": "8", "noi_dung": "26", "san_pham": "17", "nang_luc": "12", "kinh_phi": "11"}
COUNCIL = "Hội đồng tuyển chọn 2025"


def _journey(base_url: str, username: str) -> str:
    """Drive Chromium through the journey; return the result page's text. No database access here."""
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        page: Any = None
        try:
            context = browser.new_context(
                locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", viewport={"width": 1280, "height": 900}
            )
            context.set_default_timeout(TIMEOUT_MS)
            page = context.new_page()
            page.goto(f"{base_url}/dang-nhap/?next=/hoi-dong/")
            page.fill("input[name=username]", username)
            page.fill("input[name=password]", testing.PASSWORD)
            page.press("input[name=password]", "Enter")
            page.wait_for_url(re.compile(r"/hoi-dong/$"))
            assert "Hội đồng của tôi" in page.inner_text("h1")

            page.get_by_role("link", name=COUNCIL).click()
            page.get_by_role("link", name="Chấm điểm").click()
            page.wait_for_url(re.compile(r"/cham-diem/$"))
            for code, value in SCORES.items():
                page.fill(f"input[name=score_{code}]", value)
            # htmx recomputes the total on the server as the member types. (A locator wait, not
            # wait_for_function: that evaluates a string in the page, which the CSP forbids.)
            expect(page.locator("#score-total")).to_have_text(re.compile(r"^\s*83/100"), timeout=10_000)
            page.fill("textarea[name=comments]", "Phương pháp phù hợp; cần làm rõ sản phẩm dạng II.")
            page.get_by_role("button", name="Gửi phiếu").click()
            page.wait_for_url(re.compile(r"/ket-qua/$"))
            return str(page.inner_text("body"))
        except Exception:
            if page is not None:
                ARTIFACTS.mkdir(exist_ok=True)
                page.screenshot(path=str(ARTIFACTS / "councils_scoring_journey.png"), full_page=True)
            raise
        finally:
            browser.close()


def test_council_member_scores_an_application_and_reads_the_result(live_server, science_officer):
    if not os.access(CHROMIUM, os.X_OK):
        _unavailable(f"Chromium không có trên máy này ({CHROMIUM}) / Chromium not found: apt-get install chromium")
    try:
        import playwright  # noqa: F401
    except ImportError:
        _unavailable("Gói Python playwright chưa được cài / the playwright package is not installed")
    build = Builder(science_officer)
    council, members = build.council(Council.Kind.SELECTION, NINE[:4], with_users=True, name=COUNCIL)
    build.object(council, "Hồ sơ của Trung tâm Nấm Văn Giang")
    member = members[0]

    with ThreadPoolExecutor(max_workers=1) as pool:
        body = pool.submit(_journey, live_server.url, member.person.user.username).result(timeout=180)

    assert "Đã gửi phiếu" in body and "Cách tính" in body
    assert "còn chờ phiếu của" in body
    sheet = ScoreSheet.objects.get()
    assert sheet.member == member and sheet.total == 83 and sheet.source == "online"
