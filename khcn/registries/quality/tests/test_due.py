"""Reminders: import certificates near or past their deadline, announcements about to expire."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from khcn.registries.quality import due, services
from khcn.registries.quality.models import ImportInspection
from khcn.registries.quality.tests.conftest import announcement, registration

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("rules")]


@pytest.fixture
def lots(importer, enterprise):
    with time_machine.travel(dt.datetime(2024, 5, 20, tzinfo=dt.UTC), tick=False):
        return {
            # due 24/05/2024 (15 working days after 03/05)
            "late": registration(importer, "001/2024/ĐKNK", dt.date(2024, 5, 2), clearance_date=dt.date(2024, 5, 3)),
            # due 07/06/2024
            "soon": registration(
                enterprise, "002/2024/ĐKNK", dt.date(2024, 5, 15), clearance_date=dt.date(2024, 5, 17)
            ),
            # due 14/06/2024: too far to remind on 03/06
            "later": registration(importer, "003/2024/ĐKNK", dt.date(2024, 5, 20), clearance_date=dt.date(2024, 5, 24)),
        }


def keys(check, today: dt.date) -> dict:
    return {item.key: item for item in check(today)}


def test_lots_owing_their_certificate_are_reminded_near_and_after_the_deadline(lots, quality_officer):
    quality_officer.email = "tdc@khcn.local"
    quality_officer.save()
    found = keys(due.import_certificates_due, dt.date(2024, 6, 3))
    late, soon = f"quality.import:{lots['late'].pk}:20240524", f"quality.import:{lots['soon'].pk}:20240607"
    assert set(found) == {late, soon}
    assert found[late].overdue and not found[soon].overdue
    assert "quá hạn nộp giấy chứng nhận hợp quy từ 24/05/2024" in found[late].title
    assert found[soon].recipients == ("pn@example.vn", "tdc@khcn.local")
    assert found[late].recipients == ("tdc@khcn.local",)


def test_a_lot_is_no_longer_reminded_once_its_certificate_is_in(lots):
    with time_machine.travel(dt.datetime(2024, 6, 3, tzinfo=dt.UTC), tick=False):
        services.import_inspection_submit_certificate(
            inspection=lots["late"], submitted_on=dt.date(2024, 6, 3), certificate_no="1/GCN", by=None
        )
    assert f"quality.import:{lots['late'].pk}:20240524" not in keys(due.import_certificates_due, dt.date(2024, 6, 4))
    # Three months on, an unanswered lot is for inspection, no longer a daily reminder.
    assert keys(due.import_certificates_due, dt.date(2024, 12, 1)) == {}
    assert ImportInspection.objects.get(pk=lots["late"].pk).certificate_submitted_on == dt.date(2024, 6, 3)


def test_announcements_are_reminded_in_the_two_months_before_they_expire(enterprise):
    with time_machine.travel(dt.datetime(2024, 6, 3, tzinfo=dt.UTC), tick=False):
        made = announcement(enterprise, "05/2021/TB-HQ", dt.date(2021, 7, 1), self_assessment_date=dt.date(2021, 6, 20))
    assert made.valid_until == dt.date(2024, 6, 20)
    key = f"quality.announcement:{made.pk}:20240620"
    assert key not in keys(due.announcements_expiring, dt.date(2024, 4, 20))
    assert keys(due.announcements_expiring, dt.date(2024, 4, 21))[key].title == (
        "Công bố 05/2021/TB-HQ (Công ty TNHH Thiết bị điện Phố Nối (giả định), Nồi cơm điện) hết hiệu lực ngày 20/06/2024"
    )
    assert key not in keys(due.announcements_expiring, dt.date(2024, 6, 21))
