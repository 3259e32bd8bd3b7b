"""What the public S&T database may show, and the search index over it.

Other apps' models carry no "published" flag (tasks, organisations, initiatives, use-right
certificates), and this app may not add one: a `Publication` row, created by staff, is the
decision to publish one record. Legal documents and articles already have their own public flags
(`is_public`, the article workflow) and people their own consent (`public_profile_consent`), so
those are read as they are.

`SearchEntry` is one row per public record, with its text folded in Python (khcn.lib.text.fold,
which maps đ→d where SQLite's FTS5 cannot). On SQLite an FTS5 table `public_search_fts` (rowid =
entry id) indexes the folded text; on PostgreSQL a stored generated tsvector column `tsv` does;
both are created by migration 0002 and never appear in the model state.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Publication(models.Model):
    """Staff's decision to show one record (a task, an organisation...) on the public site."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, verbose_name=_("loại hồ sơ"))
    object_id = models.PositiveBigIntegerField(_("mã hồ sơ"))
    record = GenericForeignKey("content_type", "object_id")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("người công bố")
    )
    published_at = models.DateTimeField(_("công bố lúc"), default=timezone.now)
    consent_note = models.TextField(
        _("căn cứ công bố, ý kiến đồng ý"),
        blank=True,
        help_text=_("Ví dụ: tổ chức chủ trì đồng ý công khai theo công văn số …"),
    )

    class Meta:
        verbose_name = _("hồ sơ được công bố")
        verbose_name_plural = _("hồ sơ được công bố")
        ordering = ["-published_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id"], name="publication_once_per_record"),
        ]

    def __str__(self) -> str:
        return f"{self.content_type.name} #{self.object_id}"


class SearchEntry(models.Model):
    """One public record as the search finds it: what a result shows, and its folded text."""

    kind = models.CharField(_("loại"), max_length=20, db_index=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    title = models.CharField(_("tiêu đề"), max_length=600)
    summary = models.TextField(_("tóm tắt"), blank=True)
    url = models.CharField(_("đường dẫn"), max_length=300)
    year = models.PositiveSmallIntegerField(_("năm"), null=True, blank=True)
    folded = models.TextField(editable=False)
    indexed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("mục tìm kiếm")
        verbose_name_plural = _("mục tìm kiếm")
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id"], name="search_entry_once_per_record"),
        ]

    def __str__(self) -> str:
        return self.title
