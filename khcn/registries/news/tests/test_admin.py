"""The communications back office: drafting through the form, publishing by the detail action
(the status is never a form field), links entered in the inline, list pages of fixed cost."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from khcn.directory.models import Organisation
from khcn.registries.news.models import Article, ArticleLink
from khcn.testing import empty_inline

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:news_article_changelist")
ADD = reverse("admin:news_article_add")


def form_data(**fields):
    data = {
        "title": "Tập huấn sở hữu trí tuệ",
        "summary": "Hơn 100 học viên",
        "body": "Nội dung",
        "topic": "innovation",
        "kind": "news",
        "byline": "",
        "source_url": "",
        "links-TOTAL_FORMS": "0",
        "links-INITIAL_FORMS": "0",
        "links-MIN_NUM_FORMS": "0",
        "links-MAX_NUM_FORMS": "1000",
        **empty_inline(),
    }
    data.update(fields)
    return data


def test_a_draft_written_in_the_back_office_stays_a_draft_even_if_a_status_is_posted(client, science_officer):
    organisation = Organisation.objects.create(name="Trung tâm Nấm Văn Giang")
    client.force_login(science_officer)
    data = form_data(
        status="published",
        **{
            "links-TOTAL_FORMS": "1",
            "links-0-content_type": str(ContentType.objects.get_for_model(Organisation).pk),
            "links-0-object_id": str(organisation.pk),
            "links-0-note": "",
        },
    )
    response = client.post(ADD, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    article = Article.objects.get()
    assert article.status == Article.Status.DRAFT and article.author == science_officer
    assert ArticleLink.objects.get().record == organisation


def test_a_link_to_a_missing_record_is_refused_on_the_form(client, science_officer):
    client.force_login(science_officer)
    data = form_data(
        **{
            "links-TOTAL_FORMS": "1",
            "links-0-content_type": str(ContentType.objects.get_for_model(Organisation).pk),
            "links-0-object_id": "999999",
            "links-0-note": "",
        }
    )
    response = client.post(ADD, data)
    assert response.status_code == 200
    assert "Không có" in response.content.decode()
    assert not Article.objects.exists()


def test_publishing_is_a_detail_action(client, build, science_officer):
    draft = build.draft("Tin chờ đăng")
    client.force_login(science_officer)
    response = client.get(reverse("admin:news_article_publish", args=[draft.pk]))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Article.Status.PUBLISHED


@pytest.mark.parametrize("persona", ["finance_officer", "provincial_leader"])
def test_readers_cannot_publish_or_add(client, request, build, persona):
    draft = build.draft("Tin chờ đăng")
    client.force_login(request.getfixturevalue(persona))
    assert client.get(CHANGELIST).status_code == 200
    assert client.get(ADD).status_code == 403
    client.get(reverse("admin:news_article_publish", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT


def test_the_changelist_costs_the_same_for_few_or_many(client, build, science_officer, django_assert_num_queries):
    build.draft("Tin 0")
    client.force_login(science_officer)
    client.get(CHANGELIST)
    with CaptureQueriesContext(connection) as few:
        client.get(CHANGELIST)
    for n in range(1, 25):
        build.published(f"Tin {n}")
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(CHANGELIST)
