"""The annual report in a real browser: the provincial leader opens the 2023 report, clicks a
figure, sees exactly the records behind it, and downloads the report as DOCX."""

from __future__ import annotations

import re

import pytest

from khcn import testing
from khcn.accounts import roles
from khcn.directory.models import Organisation
from khcn.lib.documents import docx_text
from khcn.reports.tests.helpers import two_years_of_documents

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_leader_opens_the_report_clicks_a_figure_and_downloads_the_docx(live_server, page, settings):
    settings.OTP_REQUIRED_FOR_STAFF = False
    officer = testing.make_user("science_officer", roles.SCIENCE_OFFICER)
    testing.make_user("ubnd", roles.PROVINCIAL_LEADER)
    issuer = Organisation.objects.create(name="UBND tỉnh Hưng Yên", kind=Organisation.Kind.STATE_AGENCY)
    two_years_of_documents(officer, issuer)

    page.goto(f"{live_server.url}/dang-nhap/")
    page.fill("input[name=username]", "ubnd")
    page.fill("input[name=password]", testing.PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_load_state()

    page.goto(f"{live_server.url}/bao-cao/nam/2023/")
    line = page.locator("#section-legaldocs .report-line").inner_text()
    assert "ban hành 02 văn bản quy phạm pháp luật; 03 văn bản chỉ đạo điều hành" in line

    page.locator("#section-legaldocs .report-line a[data-key='legaldocs.directive']").click()
    page.wait_for_url(re.compile(r"/bao-cao/chi-tiet/legaldocs\.directive/"))
    assert page.locator("#figure-value").inner_text() == "03"
    assert page.locator("#record-count").inner_text() == "3"
    assert page.locator("#records tbody tr").count() == 3

    page.go_back()
    with page.expect_download() as download_info:
        page.locator("#download-docx").click()
    path = download_info.value.path()
    assert "02 văn bản quy phạm pháp luật" in docx_text(path.read_bytes())
