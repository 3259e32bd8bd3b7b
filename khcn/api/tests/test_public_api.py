from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from khcn.public import search

pytestmark = pytest.mark.django_db


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.mark.parametrize(
    ("endpoint", "visible", "hidden"),
    [
        ("tasks", "task", "task_hidden"),
        ("organisations", "org", "org_hidden"),
        ("people", "person", "person_hidden"),
        ("certificates", "certificate", "certificate_hidden"),
        ("initiatives", "initiative", "initiative_hidden"),
        ("legal-documents", "document", "document_hidden"),
        ("articles", "article", "article_hidden"),
    ],
)
def test_anonymous_reads_only_public_records(api, world, endpoint, visible, hidden, django_assert_max_num_queries):
    api.get(f"/api/v1/{endpoint}/")  # warm caches
    with django_assert_max_num_queries(6):
        response = api.get(f"/api/v1/{endpoint}/")
    assert response.status_code == 200
    ids = {row["id"] for row in response.json()["results"]}
    assert getattr(world, visible).pk in ids
    assert getattr(world, hidden).pk not in ids
    assert api.get(f"/api/v1/{endpoint}/{getattr(world, hidden).pk}/").status_code == 404
    assert api.get(f"/api/v1/{endpoint}/{getattr(world, visible).pk}/").status_code == 200


def test_task_not_yet_approved_is_hidden(api, world):
    assert api.get(f"/api/v1/tasks/{world.task_early.pk}/").status_code == 404


def test_people_carry_no_personal_data(api, world):
    row = api.get(f"/api/v1/people/{world.person.pk}/").json()
    assert row["full_name"] == "Nguyễn Văn Đông"
    for key in ("email", "phone", "birth_year", "id_number"):
        assert key not in row


def test_pi_named_only_with_consent(api, world):
    assert api.get(f"/api/v1/tasks/{world.task.pk}/").json()["pi"]["name"] == "TS. Nguyễn Văn Đông"


def test_task_filters(api, world):
    assert api.get("/api/v1/tasks/", {"plan_year": 2024}).json()["count"] == 1
    assert api.get("/api/v1/tasks/", {"plan_year": 2020}).json()["count"] == 0
    assert api.get("/api/v1/tasks/", {"host": world.org.pk}).json()["count"] == 1


def test_search_returns_the_sites_ranked_results(api, world, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        data = api.get("/api/v1/search/", {"q": "long nhan"}).json()
    site = search.search("Long nhãn")
    assert [(r["kind"], r["object_id"]) for r in data["results"]] == [
        (h.entry.kind, h.entry.object_id) for h in site.hits
    ]
    assert data["total"] == site.total
    assert data["capped"] is False
    assert any("<mark>" in r["title_highlighted"] for r in data["results"])
    assert ("task", world.task_hidden.pk) not in {(r["kind"], r["object_id"]) for r in data["results"]}


def test_search_says_when_the_count_is_capped(api, world, settings):
    settings.KHCN_SEARCH_COUNT_CAP = 1
    data = api.get("/api/v1/search/", {"q": "long nhan"}).json()
    assert data["capped"] is True
    assert data["total"] > 1  # a lower bound past the cap: "more than 1"


def test_anonymous_rate_limit(api, world, settings):
    from rest_framework.throttling import AnonRateThrottle

    original = AnonRateThrottle.THROTTLE_RATES
    AnonRateThrottle.THROTTLE_RATES = {**original, "anon": "3/minute"}
    try:
        codes = [api.get("/api/v1/tasks/").status_code for _ in range(4)]
    finally:
        AnonRateThrottle.THROTTLE_RATES = original
    assert codes == [200, 200, 200, 429]


def test_schema_and_docs(api, db):
    schema = api.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/proposals/" in schema.content
    docs = api.get("/api/docs/")
    assert docs.status_code == 200
    assert b"cdn" not in docs.content.lower()
