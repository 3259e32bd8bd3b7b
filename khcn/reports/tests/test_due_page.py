"""The page of what falls due: the same checks `manage.py remind` runs, for staff only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from khcn.accounts import roles
from khcn.core import due
from khcn.testing import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_checks():
    """One research check with an overdue and a coming item, one metrology check with none."""

    def research(today: dt.date):
        yield due.DueItem(
            key="r:1", title="NV-2024-001: báo cáo tiến độ quá hạn", due_date=today - dt.timedelta(days=3), overdue=True
        )
        yield due.DueItem(key="r:2", title="NV-2024-002: hợp đồng kết thúc", due_date=today + dt.timedelta(days=20))

    def metrology(today: dt.date):
        return iter(())

    from django.utils.module_loading import autodiscover_modules

    # Import every app's checks first, so none registers itself over ours mid-test.
    autodiscover_modules("due")
    saved = due.checks()
    for name in list(saved):
        due.unregister(name)
    due.register("research.contract_ending")(research)
    due.register("metrology.verification_due")(metrology)
    yield
    due.unregister("research.contract_ending")
    due.unregister("metrology.verification_due")
    for name, check in saved.items():
        due.register(name)(check)


def test_staff_see_what_falls_due_overdue_first(client, two_checks, monkeypatch):
    # The page discovers every app's due.py; keep only this test's checks.
    monkeypatch.setattr("django.utils.module_loading.autodiscover_modules", lambda *a, **k: None)
    officer = make_user("qlkh_due", roles.SCIENCE_OFFICER)
    client.force_login(officer)
    response = client.get(reverse("reports:due"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nhiệm vụ KH&amp;CN: hợp đồng sắp kết thúc" in html
    assert html.index("báo cáo tiến độ quá hạn") < html.index("NV-2024-002")
    assert "1 quá hạn" in html
    # A check with nothing due is not listed.
    assert "Đo lường: phương tiện đo" not in html


def test_host_users_and_anonymous_are_refused(client, two_checks):
    response = client.get(reverse("reports:due"))
    assert response.status_code == 302
    client.force_login(make_user("host_due", roles.HOST_USER))
    assert client.get(reverse("reports:due")).status_code == 403
