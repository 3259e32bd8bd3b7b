"""Communications figures for the annual report.

"News items and reports on innovation" (facts.md: 15 in 2023) is declared here under the
innovation section (key innovation.news_items): the innovation registry does not depend on the
news app, and the figure is the list of published articles with topic "innovation", which the
report can open as it stands. An article counts in the period of its publication.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from khcn.core.metrics import Metric, Period, Units, register
from khcn.registries.news.models import Article


def published(period: Period, units: Units) -> QuerySet[Article]:
    # Articles have no place: an area's report counts the department's articles as they are.
    # The day of publication is taken in the site's time zone (Asia/Ho_Chi_Minh).
    return Article.objects.active().filter(
        status=Article.Status.PUBLISHED,
        published_at__date__gte=period.start,
        published_at__date__lt=period.end,
    )


register(
    Metric(
        key="news.published",
        label=_("Tin bài đã đăng"),
        section="news",
        queryset=published,
        unit=_("tin bài"),
        order=10,
    )
)
register(
    Metric(
        key="innovation.news_items",
        label=_("Tin bài, phóng sự về đổi mới sáng tạo, khởi nghiệp"),
        section="innovation",
        queryset=lambda period, units: published(period, units).filter(topic=Article.Topic.INNOVATION),
        unit=_("tin bài"),
        order=50,
    )
)
