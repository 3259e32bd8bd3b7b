"""What falls due in the legal document library; `manage.py remind` runs these checks.

- A document the department drafted that takes effect within the next 7 days: the staff who draft
  and publish (legaldocs.* in roles.py) are reminded once, so the communication about it is ready
  on the day it applies (the leadership asked for the documents as "the basis for communication").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.contrib.auth.models import Permission
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from khcn.accounts.models import User
from khcn.core.due import DueItem, register
from khcn.core.models import ReminderLog
from khcn.registries.legaldocs.models import LegalDocument

NOTICE_DAYS = 7


def editor_emails() -> tuple[str, ...]:
    """Active accounts that may edit the library (by group or directly), with an e-mail."""
    perm = Permission.objects.filter(content_type__app_label="legaldocs", codename="change_legaldocument").first()
    if perm is None:
        return ()
    emails = (
        User.objects.filter(is_active=True)
        .filter(Q(groups__permissions=perm) | Q(user_permissions=perm))
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )
    return tuple(sorted(emails))


@register("legaldocs.coming_into_force")
def coming_into_force(today: dt.date) -> Iterator[DueItem]:
    documents = list(
        LegalDocument.objects.active()
        .filter(
            drafted_by_department=True,
            expired=False,
            effective_date__gte=today,
            effective_date__lte=today + dt.timedelta(days=NOTICE_DAYS),
        )
        .select_related("issuer")
        .order_by("effective_date", "pk")
    )
    keys = [f"legaldocs.effective:{d.pk}:{d.effective_date.isoformat()}" for d in documents if d.effective_date]
    sent = set(ReminderLog.objects.filter(key__in=keys, sent_on__lt=today).values_list("key", flat=True))
    recipients = editor_emails() if documents else ()
    for document, key in zip(documents, keys, strict=True):
        if key in sent:
            continue
        assert document.effective_date is not None
        yield DueItem(
            key=key,
            title=_("Văn bản %(n)s (%(s)s) có hiệu lực từ ngày %(d)s: chuẩn bị tin bài giới thiệu")
            % {"n": document.number, "s": document.subject[:120], "d": document.effective_date.strftime("%d/%m/%Y")},
            due_date=document.effective_date,
            recipients=recipients,
            url=reverse("admin:legaldocs_legaldocument_change", args=[document.pk]),
        )
