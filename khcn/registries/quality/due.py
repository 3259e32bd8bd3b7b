"""What falls due in standards and quality.

- An imported lot must hand in its conformity certificate within the deadline the rule sets
  (DeadlineRule): reminded from a few days before, and while overdue.
- An announcement stops being valid when its certificate (or self-assessment) expires: reminded
  in the two months before, so the enterprise can announce again in time.

Keys name the record and its date, so an item is the same every day until the date changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.urls import reverse
from django.utils.translation import gettext as _

from khcn.core.due import DueItem, register
from khcn.registries.quality import selectors

IMPORT_REMIND_DAYS_BEFORE = 5
# Past this, a lot that never handed in its certificate is a matter for inspection, not reminders.
IMPORT_REMIND_DAYS_AFTER = 90
ANNOUNCEMENT_REMIND_DAYS_BEFORE = 60


def _recipients(email: str, staff: tuple[str, ...]) -> tuple[str, ...]:
    email = (email or "").strip()
    return tuple(dict.fromkeys((email, *staff))) if email else staff


@register("quality.import_certificate_due")
def import_certificates_due(today: dt.date) -> Iterator[DueItem]:
    staff = selectors.division_emails()
    for inspection in selectors.imports_awaiting_certificate(
        today, within_days=IMPORT_REMIND_DAYS_BEFORE, overdue_for_days=IMPORT_REMIND_DAYS_AFTER
    ):
        due = inspection.certificate_due_on
        assert due is not None
        overdue = due < today
        template = (
            _("Hồ sơ %(number)s (%(enterprise)s): quá hạn nộp giấy chứng nhận hợp quy từ %(date)s")
            if overdue
            else _("Hồ sơ %(number)s (%(enterprise)s): hạn nộp giấy chứng nhận hợp quy ngày %(date)s")
        )
        yield DueItem(
            key=f"quality.import:{inspection.pk}:{due:%Y%m%d}",
            title=template
            % {
                "number": inspection.registration_no,
                "enterprise": inspection.enterprise.name,
                "date": due.strftime("%d/%m/%Y"),
            },
            due_date=due,
            recipients=_recipients(inspection.enterprise.email, staff),
            url=reverse("admin:quality_importinspection_change", args=[inspection.pk]),
            overdue=overdue,
        )


@register("quality.announcement_expiry")
def announcements_expiring(today: dt.date) -> Iterator[DueItem]:
    staff = selectors.division_emails()
    for announcement in selectors.announcements_expiring(today, within_days=ANNOUNCEMENT_REMIND_DAYS_BEFORE):
        until = announcement.valid_until
        assert until is not None
        yield DueItem(
            key=f"quality.announcement:{announcement.pk}:{until:%Y%m%d}",
            title=_("Công bố %(number)s (%(enterprise)s, %(product)s) hết hiệu lực ngày %(date)s")
            % {
                "number": announcement.receipt_no,
                "enterprise": announcement.enterprise.name,
                "product": announcement.product,
                "date": until.strftime("%d/%m/%Y"),
            },
            due_date=until,
            recipients=_recipients(announcement.enterprise.email, staff),
            url=reverse("admin:quality_conformityannouncement_change", args=[announcement.pk]),
        )
