"""Foundation journey in a real browser: a science officer logs in on the front site, lands in the
back office, switches it to English, edits an organisation and finds the change in its history."""

from __future__ import annotations

import re

import pytest

from khcn import testing
from khcn.accounts import roles
from khcn.directory.models import Organisation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ORGANISATION = "Trung tâm Ứng dụng tiến bộ KH&CN Hưng Yên"
NEW_PHONE = "0221 3862 000"


def test_science_officer_logs_in_switches_to_english_and_edits_an_organisation(live_server, page, settings):
    # Two-factor login has its own tests; this journey starts after it (a production-like
    # environment would otherwise send staff to the authenticator set-up page).
    settings.OTP_REQUIRED_FOR_STAFF = False
    testing.make_user("science_officer", roles.SCIENCE_OFFICER)
    organisation = Organisation.objects.create(name=ORGANISATION)
    admin_url = f"{live_server.url}/quan-tri/directory/organisation/{organisation.pk}"

    # The one login page is on the front site; department staff land in the back office, in Vietnamese.
    page.goto(f"{live_server.url}/dang-nhap/")
    page.fill("input[name=username]", "science_officer")
    page.fill("input[name=password]", testing.PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_url(re.compile(r"/quan-tri/$"))
    assert page.get_attribute("html", "lang") == "vi"
    assert "Site administration" not in page.inner_text("body")

    # The back office's own language switcher sits in the user menu (UNFOLD["SHOW_LANGUAGES"]).
    page.locator("div[x-on\\:click='openUserLinks = !openUserLinks']").click()
    page.locator("form:has(input[name=language][value=en]) button[type=submit]").click()
    page.wait_for_function("document.documentElement.lang === 'en'")
    # Our own strings have no English translation yet (locale/en is empty), so check Django's.
    assert "Site administration" in page.inner_text("body")

    # Edit the organisation once and save: the record now has two history rows.
    page.goto(f"{admin_url}/change/")
    page.fill("input[name=phone]", NEW_PHONE)
    page.click("button[name=_save]")
    page.wait_for_url(re.compile(r"/quan-tri/directory/organisation/$"))
    assert "was changed successfully" in page.inner_text("body")
    organisation.refresh_from_db()
    assert organisation.phone == NEW_PHONE
    assert organisation.history.count() == 2

    # Its history page lists the change: who made it and what changed.
    page.goto(f"{admin_url}/history/")
    history = page.inner_text("body")
    assert "Changed" in history
    assert "Created" in history
    assert "science_officer" in history
    assert NEW_PHONE in history
