"""What falls due in communications; `manage.py remind` runs these checks.

- A draft nobody has touched for 14 days: its author is reminded once (a draft about an event
  loses its value quickly, and the leadership asked for up-to-date information).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from khcn.core.due import DueItem, register
from khcn.core.models import ReminderLog
from khcn.registries.news.models import Article

STALE_DRAFT_DAYS = 14


@register("news.stale_drafts")
def stale_drafts(today: dt.date) -> Iterator[DueItem]:
    limit = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=STALE_DRAFT_DAYS), dt.time.min))
    drafts = list(
        Article.objects.active()
        .filter(status=Article.Status.DRAFT, updated_at__lt=limit)
        .select_related("author")
        .order_by("updated_at", "pk")
    )
    keys = [f"news.draft:{a.pk}:{a.version}" for a in drafts]
    sent = set(ReminderLog.objects.filter(key__in=keys, sent_on__lt=today).values_list("key", flat=True))
    for article, key in zip(drafts, keys, strict=True):
        if key in sent:
            continue
        last = timezone.localtime(article.updated_at).date()
        yield DueItem(
            key=key,
            title=_("Bản nháp “%(t)s” chưa được sửa hay đăng từ ngày %(d)s")
            % {"t": article.title[:150], "d": last.strftime("%d/%m/%Y")},
            due_date=last + dt.timedelta(days=STALE_DRAFT_DAYS),
            recipients=(article.author.email,) if article.author and article.author.email else (),
            url=reverse("admin:news_article_change", args=[article.pk]),
            overdue=True,
        )
