from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command

from khcn.public import search, services
from khcn.public.search import highlight, query_words

pytestmark = pytest.mark.django_db


def _titles(results: search.Results) -> list[str]:
    return [h.entry.title for h in results.hits]


def _kinds(results: search.Results) -> set[tuple[str, int]]:
    return {(h.entry.kind, h.entry.object_id) for h in results.hits}


def test_query_is_folded_including_d():
    assert query_words("Long nhãn ĐÔNG") == ["long", "nhan", "dong"]
    assert query_words('"x" OR * NEAR(') == ["x", "or", "near"]


@pytest.mark.parametrize("query", ["long nhan", "Long nhãn", "LONG NHÃN", "  long   nhãn "])
def test_with_and_without_diacritics_find_the_same_public_records(world, query):
    results = search.search(query, limit=50)
    found = _kinds(results)
    assert ("task", world.task.pk) in found
    assert ("certificate", world.certificate.pk) in found
    assert ("organisation", world.org.pk) in found
    assert ("initiative", world.initiative.pk) in found
    assert ("legal_document", world.document.pk) in found
    assert ("article", world.article.pk) in found
    assert results.total == len(results.hits)


def test_nong_nghiep_finds_nong_nghiep(world):
    results = search.search("nong nghiep")
    assert ("task", world.task.pk) in _kinds(results)


def test_d_folds_to_d(world):
    # "Đông" has no Unicode decomposition: only the app's folding finds it from "dong".
    results = search.search("nguyen van dong")
    assert ("person", world.person.pk) in _kinds(results)


def test_unpublished_records_never_found(world):
    results = search.search("long nhan", limit=100)
    found = _kinds(results)
    for kind, record in [
        ("task", world.task_hidden),
        ("task", world.task_early),
        ("organisation", world.org_hidden),
        ("person", world.person_hidden),
        ("certificate", world.certificate_hidden),
        ("initiative", world.initiative_hidden),
        ("legal_document", world.document_hidden),
        ("article", world.article_hidden),
    ]:
        assert (kind, record.pk) not in found, kind
    assert "Trần Thị Long Nhãn" not in str(_titles(results))


def test_withdrawn_publication_leaves_search_at_once(world, django_user_model):
    admin = django_user_model.objects.get(username="quan_tri_csdl")
    services.publication_withdraw(record=world.task, by=admin)
    assert ("task", world.task.pk) not in _kinds(search.search("long nhan"))


def test_record_unpublished_without_reindex_is_still_hidden(world):
    # An article withdrawn through the news app (which does not know about the index).
    world.article.status = "withdrawn"
    world.article.save()
    assert ("article", world.article.pk) not in _kinds(search.search("long nhan"))


def test_kind_filter_and_counts(world):
    results = search.search("long nhan", kind="task")
    assert {h.entry.kind for h in results.hits} == {"task"}
    assert results.by_kind["task"] == 1
    assert results.by_kind["certificate"] == 1


def test_results_are_ranked(world):
    results = search.search("long nhan")
    scores = [h.score for h in results.hits]
    assert scores == sorted(scores, reverse=True)


def test_highlight_marks_original_accented_text():
    assert highlight("Long nhãn Hưng Yên", ["long", "nhan"]) == "<mark>Long nhãn</mark> Hưng Yên"
    assert highlight("Đông <b>", ["dong"]) == "<mark>Đông</mark> &lt;b&gt;"
    # whole words only: "nhan" does not mark inside "nhanh"
    assert highlight("nhanh", ["nhan"]) == "nhanh"


def test_hits_carry_highlights(world):
    hit = next(h for h in search.search("long nhan").hits if h.entry.kind == "task")
    assert "<mark>long nhãn</mark>" in hit.title_html


def test_empty_query_finds_nothing(world):
    assert search.search("   ").total == 0
    assert search.search("!!!").hits == []


def test_reindex_command(world, capsys: Any):
    call_command("reindex_search")
    out = capsys.readouterr().out
    assert "task: 1" in out
    assert "certificate: 1" in out
    assert ("task", world.task.pk) in _kinds(search.search("long nhan"))


def test_search_query_count_is_fixed(world, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        search.search("long nhan", limit=50)


@pytest.mark.postgres_only
def test_postgres_full_text_and_trigram(world):
    results = search.search("Long nhãn")
    assert ("task", world.task.pk) in _kinds(results)
    # a typo: full text finds nothing, trigram similarity on the title still does
    fuzzy = search.search("long nhann hung yen")
    assert fuzzy.fuzzy
    assert fuzzy.hits


def test_many_matches_are_counted_up_to_the_cap_and_ranked_among_candidates(world, settings):
    """Past the cap the page says "more than N" and the facet counts are lower bounds; with the
    caps above the match count, the same query is counted and ranked exactly."""
    exact = search.search("long nhan", limit=50)
    assert not exact.capped
    assert exact.total >= 6
    settings.KHCN_SEARCH_COUNT_CAP = 2
    settings.KHCN_SEARCH_RANK_CANDIDATES = 3
    capped = search.search("long nhan", limit=2)
    assert capped.capped
    assert capped.total == 3  # cap + 1: "more than 2"
    assert sum(capped.by_kind.values()) == 3
    assert len(capped.hits) == 2
    # a kind facet past the cap is counted on its own, exactly while under the cap
    one_kind = search.search("long nhan", kind="task", limit=2)
    assert one_kind.total == exact.by_kind["task"]
    assert one_kind.by_kind["task"] == exact.by_kind["task"]
    assert {h.entry.kind for h in one_kind.hits} == {"task"}
    # paging past the candidates still returns the page asked for
    assert len(search.search("long nhan", limit=2, offset=2).hits) == 2


def test_search_page_says_more_than_the_cap(client, world, settings):
    settings.KHCN_SEARCH_COUNT_CAP = 2
    response = client.get("/csdl/tim-kiem/", {"q": "long nhan"})
    assert response.status_code == 200
    assert "Hơn 2 kết quả" in response.content.decode()
