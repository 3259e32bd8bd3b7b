"""The public task list's facets come from a cache (views._facet_block) keyed by the filters, the
language and a stamp of the data: any change a reader could see in them shows on the very next
request, and a cached block reads exactly as a freshly counted one."""

from __future__ import annotations

import re

import pytest
from django.test import override_settings
from django.urls import reverse

from khcn.core.services import record_save
from khcn.directory.models import Organisation
from khcn.public import services
from khcn.research.models import Task
from khcn.research.tests.builders import Builder

pytestmark = pytest.mark.django_db

URL = reverse("public:task-list")


def _facets(client, **params) -> str:
    body = client.get(URL, params).content.decode()
    return body[body.index("<aside") : body.index("</aside>")]


def _host_count(aside: str, org: Organisation) -> int | None:
    found = re.search(rf"chu-tri={org.pk}\"[^>]*>[^<]*</a> \((\d+)\)", aside)
    return int(found.group(1)) if found else None


@pytest.fixture
def admin(django_user_model):
    return django_user_model.objects.get(username="quan_tri_csdl")


def test_a_cached_block_reads_as_a_fresh_one(client, world):
    params = {"nam": "2024", "x": "a&b<c>", "so-dong": "10"}
    cold = _facets(client, **params)  # the whole page differs only by its CSP nonce
    assert _facets(client, **params) == cold
    with override_settings(FACET_CACHE_SECONDS=0):
        assert _facets(client, **params) == cold
    # the links carry the request's own query string, escaped, before the facet's parameter
    assert 'href="?nam=2024&amp;x=a%26b%3Cc%3E&amp;so-dong=10&amp;linh-vuc=' in cold
    assert "<querystring>" not in cold
    # another query string, same filters: served from the cache with its own links
    other = _facets(client, nam="2024")
    assert 'href="?nam=2024&amp;linh-vuc=' in other and "x=a" not in other
    assert 'href="?linh-vuc=' in _facets(client)


def test_publishing_and_withdrawing_show_at_once(client, world, admin):
    host = Organisation.objects.create(name="Viện Nhãn Lồng Mới")
    assert host.name not in _facets(client)  # cached now
    task = Builder(admin).task(host=host)
    assert host.name not in _facets(client)  # not published: never in the facets
    services.publication_create(record=task, by=admin)
    aside = _facets(client)
    assert _host_count(aside, host) == 1 and host.name in aside
    services.publication_withdraw(record=task, by=admin)
    aside = _facets(client)
    assert host.name not in aside and _host_count(aside, host) is None


def test_a_status_out_of_the_public_set_shows_at_once(client, world, admin):
    before = _facets(client)
    assert _host_count(before, world.org) == 1
    world.task.status = Task.Status.ORDERED  # published, but a status the public never sees
    record_save(record=world.task, by=admin)
    after = _facets(client)
    assert _host_count(after, world.org) is None
    assert world.org.name not in after


def test_a_renamed_host_shows_at_once(client, world, admin):
    assert world.org.name in _facets(client)
    world.org.name = "Hợp tác xã Nhãn lồng Phố Hiến"
    record_save(record=world.org, by=admin)
    aside = _facets(client)
    assert "Hợp tác xã Nhãn lồng Phố Hiến" in aside and "Hợp tác xã Long nhãn Hưng Yên" not in aside


def test_a_new_status_count_shows_at_once(client, world, admin):
    tasks = [services.publication_create(record=Builder(admin).task(), by=admin) for _ in range(2)]
    assert "(3)" in _facets(client)  # three in progress
    task = Task.objects.get(pk=tasks[0].object_id)
    task.status = Task.Status.COMPLETED
    record_save(record=task, by=admin)
    aside = _facets(client)
    assert re.search(r"trang-thai=completed\"[^>]*>[^<]*</a> \(1\)", aside)
    assert re.search(r"trang-thai=in_progress\"[^>]*>[^<]*</a> \(2\)", aside)


def test_each_language_has_its_own_block(client, world):
    assert "Lĩnh vực" in _facets(client)  # the Vietnamese block, cached
    client.cookies["django_language"] = "en"
    english = _facets(client)
    assert "Lĩnh vực" not in english and "Đang thực hiện" not in english


def test_the_pager_counts_what_the_list_holds_cold_and_warm(client, world, admin):
    """The list's length comes with the cached facets (no COUNT of its own on a warm page), and it is
    the filtered list's own length, before and after a task is published."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from khcn.public import selectors

    def shown(**params) -> tuple[int, list[str]]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(URL, params)
        return response.context["page"].paginator.count, [q["sql"] for q in captured]

    def expected(**params) -> int:
        return Task.objects.filter(pk__in=selectors.task_list_public()).filter(**params).count()

    assert shown()[0] == expected() >= 1
    count, warm_sql = shown()
    assert count == expected()
    assert not any("__count" in sql for sql in warm_sql)  # the stamp counts tables, not the list
    assert shown(nam=str(world.task.plan_year))[0] == expected(plan_year=world.task.plan_year)
    assert shown(nam="1900")[0] == 0
    task = Builder(admin).task(host=world.org)
    services.publication_create(record=task, by=admin)
    assert shown()[0] == expected() == count + 1
