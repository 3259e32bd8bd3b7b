"""What falls due in the IP registry; `manage.py remind` runs these checks.

Use-right certificates (GI "Hưng Yên", certification mark "Long nhãn Hưng Yên"): a renewal
reminder when a certificate enters its last 90 days, another at 30 days. Revoked certificates and
those already renewed are not reminded. The key of a reminder is stable per certificate and band,
and a key sent on an earlier day is not sent again, so the holder's file gets two reminders, not
ninety.
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
from khcn.registries.ip import selectors

# Days before expiry at which the division is told (the department's choice).
THRESHOLDS = (90, 30)


def officer_emails() -> tuple[str, ...]:
    emails = (
        User.objects.filter(is_active=True, groups__name=roles.TECHNOLOGY_OFFICER)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )
    return tuple(sorted(emails))


def band(days_left: int) -> str | None:
    """The reminder band: "30" within 30 days, "90" within 90 days, None otherwise or once expired."""
    if days_left < 0:
        return None
    for threshold in sorted(THRESHOLDS):
        if days_left <= threshold:
            return str(threshold)
    return None


@register("ip.use_right_expiry")
def certificates_expiring(today: dt.date) -> Iterator[DueItem]:
    staff = officer_emails()
    candidates = []
    for certificate in selectors.certificates_expiring(today, max(THRESHOLDS)):
        assert certificate.valid_until is not None
        which = band((certificate.valid_until - today).days)
        if which is not None:
            candidates.append((f"ip.use_right:{certificate.pk}:{which}", certificate))
    sent = set(
        ReminderLog.objects.filter(key__in=[k for k, _c in candidates], sent_on__lt=today).values_list("key", flat=True)
    )
    for key, certificate in candidates:
        if key in sent:
            continue
        assert certificate.valid_until is not None
        holder_email = getattr(certificate.holder, "email", "") or ""
        yield DueItem(
            key=key,
            title=_(
                "Giấy chứng nhận quyền sử dụng %(d)s số %(n)s của %(h)s hết hiệu lực ngày %(e)s (còn %(days)d ngày)"
            )
            % {
                "d": certificate.designation,
                "n": certificate.number,
                "h": certificate.holder,
                "e": certificate.valid_until.strftime("%d/%m/%Y"),
                "days": (certificate.valid_until - today).days,
            },
            due_date=certificate.valid_until,
            recipients=staff + ((holder_email,) if holder_email else ()),
            url=reverse("admin:ip_userightcertificate_change", args=[certificate.pk]),
        )
