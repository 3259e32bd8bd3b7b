"""Tabular dataset of communications (one engine: khcn.lib.tabular + core.datasets).

- news_articles: articles by title, topic, kind, summary, body. Imported articles are always
  drafts: publishing goes through services.article_publish, never through a file, so a
  spreadsheet cannot put anything on the public page. Rows are matched by exact title.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khcn.core import datasets
from khcn.lib import tabular
from khcn.registries.news.models import Article


@datasets.register
class ArticleDataset(tabular.Dataset):
    name = "news_articles"
    title = gettext_lazy("Tin bài")
    model = Article
    natural_keys = (("title",),)
    derived_fields = ("slug",)
    columns = (
        tabular.Text("Tiêu đề", "title", max_length=300, required=True),
        tabular.Choice("Chủ đề", "topic", choices=Article.Topic.choices, default=Article.Topic.SCIENCE),
        tabular.Choice("Thể loại", "kind", choices=Article.Kind.choices, default=Article.Kind.NEWS),
        tabular.Text("Tóm tắt", "summary"),
        tabular.Text("Nội dung", "body"),
        tabular.Text("Tác giả", "byline", max_length=200),
        tabular.Text("Nguồn", "source_url", max_length=200),
    )

    def clean_row(self, values: dict[str, Any]) -> list[tuple[str, str]]:
        url = values.get("source_url")
        if url:
            try:
                URLValidator(schemes=["http", "https"])(url)
            except ValidationError:
                return [("source_url", _("Địa chỉ nguồn không hợp lệ (phải bắt đầu bằng http:// hoặc https://)"))]
        return []

    def prepare(self, instance: Any) -> None:
        instance.title = instance.title.strip()
        instance.slug = instance.make_slug()
        # New rows are drafts (the model's default); a matched row keeps its status: the status is
        # not a column, so the engine never writes it.

    def export_queryset(self) -> Any:
        return Article.objects.active().order_by("-published_at", "-created_at")
