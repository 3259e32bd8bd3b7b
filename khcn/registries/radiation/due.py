"""What falls due in the radiation registry; `manage.py remind` runs these checks.

- Licence expiry: a reminder when a licence enters the last 90 days, another at 30 days, and one
  when it has expired without a renewal (for 30 days after). Licences replaced by a later
  licence, suspended, revoked or terminated are not reminded.
- Device verification: when the next verification is 30 days away, and when it is overdue.

Each reminder's key is stable per record and threshold (e.g. "radiation.licence:12:30"), and a key
already sent on an earlier day is not sent again: `remind` itself only guarantees once a day, and
a licence should not produce ninety identical e-mails between its 90- and 30-day marks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.urls import reverse
from django.utils.translation import gettext as _

from khcn.accounts import roles
from khcn.accounts.models import User
from khcn.core.due import DueItem, register
from khcn.core.models import ReminderLog
from khcn.registries.radiation import selectors

# Days before expiry at which the radiation division is told (registries.md §7 (c); the circulars
# name no cadence, so this is the department's choice [U]).
LICENCE_THRESHOLDS = (90, 30)
# After expiry, the licence stays on the list this long (then it is for an inspection, not a reminder).
EXPIRED_GRACE_DAYS = 30
VERIFICATION_NOTICE_DAYS = 30


def officer_emails() -> tuple[str, ...]:
    """E-mail addresses of the radiation division's active accounts."""
    emails = (
        User.objects.filter(is_active=True, groups__name=roles.RADIATION_OFFICER)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )
    return tuple(sorted(emails))


def _already_sent(keys: list[str], today: dt.date) -> set[str]:
    return set(ReminderLog.objects.filter(key__in=keys, sent_on__lt=today).values_list("key", flat=True))


def _band(days_left: int) -> str | None:
    if days_left < -EXPIRED_GRACE_DAYS:
        return None
    if days_left < 0:
        return "expired"
    for threshold in sorted(LICENCE_THRESHOLDS):
        if days_left <= threshold:
            return str(threshold)
    return None


@register("radiation.licence_expiry")
def licences_expiring(today: dt.date) -> Iterator[DueItem]:
    staff = officer_emails()
    licences = list(
        selectors.licences_expiring(
            today - dt.timedelta(days=EXPIRED_GRACE_DAYS), EXPIRED_GRACE_DAYS + max(LICENCE_THRESHOLDS)
        )
    )
    candidates = []
    for licence in licences:
        band = _band((licence.expiry_date - today).days)
        if band is not None:
            candidates.append((f"radiation.licence:{licence.pk}:{band}", band, licence))
    sent = _already_sent([key for key, _band_, _licence in candidates], today)
    for key, band, licence in candidates:
        if key in sent:
            continue
        facility = licence.facility
        if band == "expired":
            title = _("Giấy phép %(n)s của %(f)s đã hết hạn ngày %(d)s mà chưa được gia hạn")
        else:
            title = _("Giấy phép %(n)s của %(f)s hết hạn ngày %(d)s (còn %(days)d ngày)")
        yield DueItem(
            key=key,
            title=title
            % {
                "n": licence.number,
                "f": facility.name,
                "d": licence.expiry_date.strftime("%d/%m/%Y"),
                "days": (licence.expiry_date - today).days,
            },
            due_date=licence.expiry_date,
            recipients=staff + ((facility.email,) if facility.email else ()),
            url=reverse("admin:radiation_radiationlicence_change", args=[licence.pk]),
            overdue=band == "expired",
        )


@register("radiation.device_verification")
def devices_due(today: dt.date) -> Iterator[DueItem]:
    staff = officer_emails()
    candidates = []
    for device in selectors.devices_verification_due(today, VERIFICATION_NOTICE_DAYS):
        due = device.next_verification_due
        assert due is not None
        band = "overdue" if due < today else str(VERIFICATION_NOTICE_DAYS)
        # The due date is part of the key: after the next verification a new date gives a new key.
        candidates.append((f"radiation.device:{device.pk}:{due.isoformat()}:{band}", band, device))
    sent = _already_sent([key for key, _band_, _device in candidates], today)
    for key, band, device in candidates:
        if key in sent:
            continue
        due = device.next_verification_due
        assert due is not None
        if band == "overdue":
            title = _("Thiết bị %(d)s của %(f)s quá hạn kiểm định từ %(date)s")
        else:
            title = _("Thiết bị %(d)s của %(f)s đến hạn kiểm định ngày %(date)s")
        yield DueItem(
            key=key,
            title=title % {"d": device, "f": device.facility.name, "date": due.strftime("%d/%m/%Y")},
            due_date=due,
            recipients=staff + ((device.facility.email,) if device.facility.email else ()),
            url=reverse("admin:radiation_device_change", args=[device.pk]),
            overdue=band == "overdue",
        )
