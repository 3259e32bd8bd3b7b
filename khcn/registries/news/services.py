"""Every write of the communications registry. Keyword-only, typed, the acting user as `by`; each
runs in one transaction and saves through core.services (history, optimistic locking). The status
of an article changes only here: drafted, published (article_publish), withdrawn."""

from __future__ import annotations

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from khcn.accounts.models import User
from khcn.core import services as core_services
from khcn.registries.news.models import Article, ArticleLink

# What an article may point at: records the public may read about. Inspections, sanctions and
# personal records are left out on purpose (an article page is public).
LINKABLE_APPS = frozenset({"research", "initiatives", "technology", "ip", "innovation", "legaldocs", "councils"})
LINKABLE_MODELS = frozenset({("directory", "organisation")})


def _require(by: User | None, perm: str) -> None:
    if by is None or not getattr(by, "is_authenticated", False) or not by.has_perm(perm):
        raise PermissionDenied(_("Bạn không có quyền soạn hoặc đăng tin bài."))


def is_linkable(content_type: ContentType) -> bool:
    return content_type.app_label in LINKABLE_APPS or (content_type.app_label, content_type.model) in LINKABLE_MODELS


def linkable_content_types() -> models.QuerySet[ContentType]:
    condition = models.Q(app_label__in=LINKABLE_APPS)
    for app_label, model in LINKABLE_MODELS:
        condition |= models.Q(app_label=app_label, model=model)
    # Historical tables share the apps' labels; they are never what an article is about.
    return ContentType.objects.filter(condition).exclude(model__startswith="historical").order_by("app_label", "model")


# --- Articles -------------------------------------------------------------------------------------


@transaction.atomic
def article_save(*, article: Article, by: User, expected_version: int | None = None, reason: str = "") -> Article:
    """Create or update an article (a new one is a draft by `by`). A published article may be
    corrected; the history keeps what the public saw before."""
    _require(by, "news.change_article" if article.pk else "news.add_article")
    article.title = (article.title or "").strip()
    if not article.title:
        raise ValidationError({"title": _("Tin bài phải có tiêu đề.")})
    if article.pk is None and article.author_id is None:
        article.author = by
    article.slug = article.make_slug()
    article.full_clean()
    return core_services.record_save(record=article, by=by, expected_version=expected_version, reason=reason)


def article_publish_check(article: Article) -> None:
    if article.archived_at is not None:
        raise ValidationError(_("Tin bài đã lưu trữ, không thể đăng."))
    if article.status == Article.Status.PUBLISHED:
        raise ValidationError(_("Tin bài “%(t)s” đã được đăng.") % {"t": article.title})
    if not (article.summary or "").strip() and not (article.body or "").strip():
        raise ValidationError(_("Tin bài chưa có tóm tắt hay nội dung: chưa thể đăng."))


@transaction.atomic
def article_publish(*, article: Article, by: User, at: dt.datetime | None = None) -> Article:
    """Publish a draft (or a withdrawn article again). `at` in the future schedules it: the public
    page shows it from that moment. A withdrawn article keeps its first publication time unless
    `at` is given."""
    _require(by, "news.publish_article")
    article_publish_check(article)
    article.status = Article.Status.PUBLISHED
    article.published_at = at or article.published_at or timezone.now()
    return core_services.record_save(record=article, by=by, expected_version=article.version, reason=_("Đăng tin bài"))


@transaction.atomic
def article_withdraw(*, article: Article, by: User, reason: str) -> Article:
    """Take a published article off the public page; the reason is required and kept."""
    _require(by, "news.publish_article")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Hãy nêu lý do gỡ tin bài."))
    if article.status != Article.Status.PUBLISHED:
        raise ValidationError(_("Chỉ gỡ được tin bài đang đăng."))
    article.status = Article.Status.WITHDRAWN
    return core_services.record_save(
        record=article, by=by, expected_version=article.version, reason=_("Gỡ tin bài: %(r)s") % {"r": reason}
    )


def article_archive(*, article: Article, by: User, reason: str) -> Article:
    _require(by, "news.change_article")
    return core_services.record_archive(record=article, by=by, reason=reason)


# --- Links to records -----------------------------------------------------------------------------


def link_check(link: ArticleLink) -> None:
    content_type = link.content_type
    if not is_linkable(content_type):
        raise ValidationError({"content_type": _("Không gắn tin bài với loại hồ sơ này.")})
    model = content_type.model_class()
    if model is None or not model._default_manager.filter(pk=link.object_id).exists():
        raise ValidationError(
            {"object_id": _("Không có %(m)s mã %(id)s.") % {"m": content_type.name, "id": link.object_id}}
        )
    duplicate = (
        ArticleLink.objects.filter(article_id=link.article_id, content_type=content_type, object_id=link.object_id)
        .exclude(pk=link.pk)
        .exists()
    )
    if duplicate:
        raise ValidationError({"object_id": _("Tin bài đã gắn với hồ sơ này.")})


@transaction.atomic
def article_link_save(*, link: ArticleLink, by: User) -> ArticleLink:
    _require(by, "news.change_article")
    link.object_id = str(link.object_id).strip()
    link_check(link)
    link._history_user = by  # type: ignore[attr-defined]
    link.save()
    return link


def article_link_add(*, article: Article, record: models.Model, by: User, note: str = "") -> ArticleLink:
    """Say that `article` is about `record` (a task, a result, an initiative, a start-up...)."""
    link = ArticleLink(
        article=article,
        content_type=ContentType.objects.get_for_model(type(record)),
        object_id=str(record.pk),
        note=note,
    )
    return article_link_save(link=link, by=by)


@transaction.atomic
def article_link_remove(*, link: ArticleLink, by: User) -> None:
    _require(by, "news.change_article")
    link._history_user = by  # type: ignore[attr-defined]
    link.delete()
