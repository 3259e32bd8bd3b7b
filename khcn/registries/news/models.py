"""Communications: news items and reports (tin bài) the department drafts and publishes.

The leadership asked for "up-to-date information on concrete works, results, products and
innovations" (facts.md). An article is drafted by staff, then published through
services.article_publish; only published articles whose publication time has come appear on the
public page /tin-tuc/. An article may point at the records it is about (tasks, results,
initiatives, start-ups, legal documents...) through ArticleLink, a generic relation table, so no
domain app has to know about news.

Innovation news is an article with topic "innovation": the annual figure "news items and reports
on innovation" (innovation.news_items, declared in this app's metrics.py) counts them, so the
number in the report is the list of articles the public can read.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from khcn.core.models import Record
from khcn.lib.text import fold


class Article(Record):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Bản nháp")
        PUBLISHED = "published", _("Đã đăng")
        WITHDRAWN = "withdrawn", _("Đã gỡ")

    class Topic(models.TextChoices):
        SCIENCE = "science", _("Khoa học và công nghệ")
        INNOVATION = "innovation", _("Đổi mới sáng tạo, khởi nghiệp")
        TECHNOLOGY = "technology", _("Công nghệ, chuyển giao công nghệ")
        IP = "ip", _("Sở hữu trí tuệ")
        INITIATIVES = "initiatives", _("Sáng kiến")
        STANDARDS = "standards", _("Tiêu chuẩn, đo lường, chất lượng")
        RADIATION = "radiation", _("An toàn bức xạ")
        DIGITAL = "digital", _("Chuyển đổi số")
        LEGAL = "legal", _("Văn bản, chính sách")
        DEPARTMENT = "department", _("Hoạt động của Sở")

    class Kind(models.TextChoices):
        NEWS = "news", _("Tin")
        REPORT = "report", _("Bài viết, phóng sự")

    title = models.CharField(_("tiêu đề"), max_length=300)
    slug = models.SlugField(_("đường dẫn"), max_length=200, blank=True, editable=False, allow_unicode=False)
    summary = models.TextField(_("tóm tắt"), blank=True)
    body = models.TextField(_("nội dung"), blank=True, help_text=_("Văn bản thuần; mỗi đoạn cách nhau một dòng trống."))
    topic = models.CharField(_("chủ đề"), max_length=20, choices=Topic.choices, default=Topic.SCIENCE)
    kind = models.CharField(_("thể loại"), max_length=10, choices=Kind.choices, default=Kind.NEWS)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    published_at = models.DateTimeField(_("đăng lúc"), null=True, blank=True, editable=False, db_index=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người soạn"),
    )
    byline = models.CharField(
        _("tác giả (hiển thị)"),
        max_length=200,
        blank=True,
        help_text=_("Tên tác giả hoặc nguồn tin hiện trên trang công khai."),
    )
    source_url = models.URLField(_("nguồn (nếu đăng lại)"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tin bài")
        verbose_name_plural = _("tin bài")
        ordering = ["-published_at", "-created_at"]
        indexes = [models.Index(fields=["status", "published_at"]), models.Index(fields=["topic", "published_at"])]
        permissions = [("publish_article", _("Đăng và gỡ tin bài"))]

    def __str__(self) -> str:
        return self.title

    def make_slug(self) -> str:
        # slugify drops "đ" (Unicode does not decompose it); fold maps it to "d" first.
        return slugify(fold(self.title))[:200] or "tin-bai"

    def get_public_url(self) -> str:
        return reverse("news:article-detail", args=[self.pk, self.slug or self.make_slug()])


class ArticleLink(models.Model):
    """An article is about a record of any app: a task, a result, an initiative, a start-up..."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="links", verbose_name=_("tin bài"))
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, verbose_name=_("loại hồ sơ"))
    object_id = models.CharField(_("mã hồ sơ"), max_length=64)
    record = GenericForeignKey("content_type", "object_id")
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("hồ sơ liên quan")
        verbose_name_plural = _("hồ sơ liên quan")
        ordering = ["article", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "content_type", "object_id"],
                name="article_link_once",
                violation_error_message=_("Tin bài đã gắn với hồ sơ này."),
            )
        ]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.article} → {self.record or self.object_id}"
