"""What falls due in the innovation registry; `manage.py remind` runs these checks.

- An event the department organised that ended a week ago without its attendance recorded: the
  technology division is reminded once, because the annual report counts what is recorded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from khcn.accounts import roles
from khcn.accounts.models import User
from khcn.core.due import DueItem, register
from khcn.core.models import ReminderLog
from khcn.registries.innovation.models import Event

AFTER_DAYS = 7
# Older events are history, not a reminder.
LOOK_BACK_DAYS = 60


def officer_emails() -> tuple[str, ...]:
    emails = (
        User.objects.filter(is_active=True, groups__name=roles.TECHNOLOGY_OFFICER)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )
    return tuple(sorted(emails))


@register("innovation.event_results")
def events_without_results(today: dt.date) -> Iterator[DueItem]:
    latest = today - dt.timedelta(days=AFTER_DAYS)
    earliest = today - dt.timedelta(days=LOOK_BACK_DAYS)
    ended = Q(end_date__isnull=False, end_date__lte=latest, end_date__gte=earliest) | Q(
        end_date__isnull=True, start_date__lte=latest, start_date__gte=earliest
    )
    events = list(
        Event.objects.active()
        .filter(ended, organised_by_department=True, attendee_count__isnull=True)
        .order_by("start_date", "pk")
    )
    keys = [f"innovation.event:{e.pk}:results" for e in events]
    sent = set(ReminderLog.objects.filter(key__in=keys, sent_on__lt=today).values_list("key", flat=True))
    recipients = officer_emails() if events else ()
    for event, key in zip(events, keys, strict=True):
        if key in sent:
            continue
        ended_on = event.end_date or event.start_date
        yield DueItem(
            key=key,
            title=_("Sự kiện “%(n)s” đã kết thúc ngày %(d)s nhưng chưa ghi số người tham dự")
            % {"n": event.name[:150], "d": ended_on.strftime("%d/%m/%Y")},
            due_date=ended_on + dt.timedelta(days=AFTER_DAYS),
            recipients=recipients,
            url=reverse("admin:innovation_event_change", args=[event.pk]),
            overdue=True,
        )
