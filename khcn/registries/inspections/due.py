"""What falls due in the inspection registry; `manage.py remind` runs these checks.

- A fine not yet paid: a reminder when its payment deadline is 3 days away, and one when it has
  passed (the inspection staff then decide on enforcement, cưỡng chế).
- A finding whose remedy deadline has passed while it is still followed up.

Keys are stable per record and stage, and a key already sent on an earlier day is not sent again.
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
from khcn.lib.formats import format_vnd
from khcn.registries.inspections import selectors

PAYMENT_NOTICE_DAYS = 3


def inspector_emails() -> tuple[str, ...]:
    emails = (
        User.objects.filter(is_active=True, groups__name=roles.INSPECTOR)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )
    return tuple(sorted(emails))


def _already_sent(keys: list[str], today: dt.date) -> set[str]:
    return set(ReminderLog.objects.filter(key__in=keys, sent_on__lt=today).values_list("key", flat=True))


@register("inspections.sanction_payment")
def sanctions_payment_due(today: dt.date) -> Iterator[DueItem]:
    sanctions = list(selectors.sanctions_unpaid_due(today, PAYMENT_NOTICE_DAYS))
    candidates = []
    for sanction in sanctions:
        stage = "overdue" if sanction.payment_due < today else "soon"
        # The deadline is part of the key: a corrected deadline is a new reminder.
        candidates.append(
            (f"inspections.sanction:{sanction.pk}:{sanction.payment_due.isoformat()}:{stage}", stage, sanction)
        )
    sent = _already_sent([key for key, _stage, _s in candidates], today)
    staff = inspector_emails() if candidates else ()
    for key, stage, sanction in candidates:
        if key in sent:
            continue
        values = {
            "n": sanction.decision_number,
            "o": sanction.organisation.name,
            "a": format_vnd(sanction.amount),
            "d": sanction.payment_due.strftime("%d/%m/%Y"),
        }
        if stage == "overdue":
            title = _("Quyết định xử phạt %(n)s (%(o)s, %(a)s) đã quá hạn nộp phạt từ %(d)s mà chưa nộp") % values
        else:
            title = _("Quyết định xử phạt %(n)s (%(o)s, %(a)s) đến hạn nộp phạt ngày %(d)s") % values
        yield DueItem(
            key=key,
            title=title,
            due_date=sanction.payment_due,
            recipients=staff,
            url=reverse("admin:inspections_sanction_change", args=[sanction.pk]),
            overdue=stage == "overdue",
        )


@register("inspections.follow_up")
def follow_ups_overdue(today: dt.date) -> Iterator[DueItem]:
    findings = list(selectors.findings_follow_up_overdue(today))
    keys = [f"inspections.finding:{f.pk}:{f.follow_up_due.isoformat()}" for f in findings if f.follow_up_due]
    sent = _already_sent(keys, today)
    staff = inspector_emails() if findings else ()
    for finding, key in zip(findings, keys, strict=True):
        if key in sent:
            continue
        assert finding.follow_up_due is not None
        yield DueItem(
            key=key,
            title=_("%(o)s chưa báo cáo khắc phục vi phạm (cuộc %(c)s), hạn %(d)s")
            % {
                "o": finding.organisation.name,
                "c": finding.inspection.code,
                "d": finding.follow_up_due.strftime("%d/%m/%Y"),
            },
            due_date=finding.follow_up_due,
            recipients=staff,
            url=reverse("admin:inspections_finding_change", args=[finding.pk]),
            overdue=True,
        )
