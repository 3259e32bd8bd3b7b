"""Real-browser fixtures: Debian's Chromium driven through Playwright's sync API.

We use the Python API directly (no pytest-playwright): one headless browser per session, a fresh
context and page per test, pytest-django's `live_server` for the site. Without Chromium the tests
skip with a reason; under CI (CI=true) they fail instead, because CI must not skip anything.
A failing test leaves a full-page screenshot in test-artifacts/.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

# The Playwright sync API keeps an asyncio loop in this thread; Django's ORM refuses to run while a
# loop is running unless told that this is intended (the test process is single-threaded here).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

import pytest  # noqa: E402

CHROMIUM = os.environ.get("KHCN_CHROMIUM", "/usr/bin/chromium")
IN_CI = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Generous for a noisy 2-core CI machine, still short enough that a broken page fails quickly.
TIMEOUT_MS = 10_000


def _unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(
            f"{reason} — CI=true: kiểm thử trình duyệt không được bỏ qua (browser tests may not skip)", pytrace=False
        )
    pytest.skip(reason)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Any:
    # Keep each phase's report on the item so the page fixture knows whether the test failed.
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not os.access(CHROMIUM, os.X_OK):
        _unavailable(f"Chromium không có trên máy này ({CHROMIUM}) / Chromium not found: apt-get install chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Gói Python playwright chưa được cài / the playwright package is not installed")

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
    except Exception:
        playwright.stop()
        raise
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    # A Vietnamese browser, like the department's users: Accept-Language decides the first page's language.
    context = browser.new_context(
        locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def page(context: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    page = context.new_page()
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)
        try:
            page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
            (ARTIFACTS / f"{name}.html").write_text(page.content(), encoding="utf-8")
        except Exception as exc:  # a screenshot must never hide the real failure
            print(f"screenshot failed: {exc}")
    page.close()


# Browser tests run in transactions that Django ends by emptying every table. Reference data that
# migrations seed (rule sets, plan groups, authority rules...) would be gone for the next test, so
# every browser test is marked serialized_rollback=True: Django restores the seeded rows afterwards.
