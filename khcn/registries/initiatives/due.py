"""What falls due for initiatives; `manage.py remind` runs these checks.

Initiatives the provincial council recommended that still wait for the recognition decision
RECOGNITION_WAIT_DAYS after the session: the science management division is told once per
session (one reminder lists every initiative of that session), not once per initiative per day.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from khcn.accounts import roles
from khcn.accounts.models import User
from khcn.core.due import DueItem, register
from khcn.core.models import ReminderLog
from khcn.registries.initiatives.models import Initiative

# How long a recommendation may wait for the province's decision before the division is told
# (the department's working rule, not a legal deadline).
RECOGNITION_WAIT_DAYS = 30


def officer_emails() -> tuple[str, ...]:
    emails = (
        User.objects.filter(is_active=True, groups__name=roles.SCIENCE_OFFICER)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )
    return tuple(sorted(emails))


@register("initiatives.awaiting_recognition")
def awaiting_recognition(today: dt.date) -> Iterator[DueItem]:
    waiting = (
        Initiative.objects.active()
        .filter(
            status=Initiative.Status.RECOMMENDED,
            recommended_on__isnull=False,
            recommended_on__lte=today - dt.timedelta(days=RECOGNITION_WAIT_DAYS),
        )
        .order_by("recommended_on", "code")
    )
    by_session: defaultdict[dt.date, list[Initiative]] = defaultdict(list)
    for initiative in waiting:
        assert initiative.recommended_on is not None
        by_session[initiative.recommended_on].append(initiative)
    keys = {day: f"initiatives.recognition:{day.isoformat()}" for day in by_session}
    sent = set(ReminderLog.objects.filter(key__in=keys.values(), sent_on__lt=today).values_list("key", flat=True))
    staff = officer_emails()
    for day, initiatives in sorted(by_session.items()):
        if keys[day] in sent:
            continue
        due = day + dt.timedelta(days=RECOGNITION_WAIT_DAYS)
        yield DueItem(
            key=keys[day],
            title=_("%(n)d sáng kiến được Hội đồng đề nghị ngày %(d)s còn chờ quyết định công nhận")
            % {"n": len(initiatives), "d": day.strftime("%d/%m/%Y")},
            due_date=due,
            recipients=staff,
            url=f"{reverse('admin:initiatives_initiative_changelist')}?{urlencode({'status__exact': Initiative.Status.RECOMMENDED})}",
            overdue=True,
            extra={"codes": ", ".join(i.code for i in initiatives)},
        )
