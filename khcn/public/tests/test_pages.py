from __future__ import annotations

import json

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_home_figures_count_only_public_records(client, world):
    response = client.get(reverse("public:home"))
    assert response.status_code == 200
    summary = response.context["summary"]
    assert summary.tasks == 1  # not the unpublished one, not the one only ordered
    assert summary.organisations == 1
    assert summary.people == 1
    assert summary.certificates == 1
    assert summary.initiatives == 1
    assert summary.legal_documents == 1
    assert summary.articles == 1


def test_task_list_shows_only_published_tasks(client, world):
    body = client.get(reverse("public:task-list")).content.decode()
    assert world.task.title in body
    assert world.task_hidden.title not in body
    assert world.task_early.title not in body


def test_task_detail_404_for_unpublished(client, world):
    assert client.get(reverse("public:task-detail", args=[world.task.pk])).status_code == 200
    assert client.get(reverse("public:task-detail", args=[world.task_hidden.pk])).status_code == 404
    assert client.get(reverse("public:task-detail", args=[world.task_early.pk])).status_code == 404


def test_task_detail_names_pi_only_with_consent(client, world):
    body = client.get(reverse("public:task-detail", args=[world.task.pk])).content.decode()
    assert "Nguyễn Văn Đông" in body
    assert "dong@example.com" not in body


def test_task_facets_and_filters(client, world):
    response = client.get(reverse("public:task-list"), {"nam": 2024})
    assert list(response.context["page"].object_list) == [world.task]
    assert 'nam=2024" aria-current="true">2024</a> (1)' in response.content.decode()
    assert client.get(reverse("public:task-list"), {"nam": 2020}).context["page"].paginator.count == 0
    assert client.get(reverse("public:task-list"), {"q": "long nhan"}).context["page"].paginator.count == 1


def test_organisations_and_people(client, world):
    body = client.get(reverse("public:organisation-list")).content.decode()
    assert world.org.name in body and world.org_hidden.name not in body
    assert client.get(reverse("public:organisation-detail", args=[world.org_hidden.pk])).status_code == 404
    body = client.get(reverse("public:person-list")).content.decode()
    assert "Nguyễn Văn Đông" in body
    assert "Trần Thị Long Nhãn" not in body
    assert "0912345678" not in body
    assert client.get(reverse("public:person-detail", args=[world.person_hidden.pk])).status_code == 404
    body = client.get(reverse("public:organisation-detail", args=[world.org.pk])).content.decode()
    assert "Trần Thị Long Nhãn" not in body


def test_certificates_and_initiatives(client, world):
    body = client.get(reverse("public:certificate-list")).content.decode()
    assert "GCN-01" in body and "GCN-02" not in body
    body = client.get(reverse("public:initiative-list")).content.decode()
    assert "Sáng kiến sấy long nhãn" in body and "đang xét" not in body


def test_search_page(client, world):
    response = client.get(reverse("public:search"), {"q": "long nhan"})
    body = response.content.decode()
    assert "<mark>" in body
    assert world.task.code in body
    assert "Bản nháp" not in body


def test_search_csv(client, world):
    response = client.get(reverse("public:search"), {"q": "long nhan", "dinh-dang": "csv"})
    text = response.content.decode("utf-8-sig")
    assert world.task.code in text
    assert "chưa công bố" not in text


@pytest.mark.parametrize(
    ("name", "shown", "hidden"),
    [
        ("nhiem-vu", "bảo quản long nhãn", "chưa công bố"),
        ("to-chuc", "Hợp tác xã Long nhãn", "Bí mật"),
        ("nha-khoa-hoc", "Nguyễn Văn Đông", "Trần Thị"),
        ("chi-dan-dia-ly", "GCN-01", "GCN-02"),
        ("sang-kien", "sấy long nhãn", "đang xét"),
    ],
)
def test_exports_hold_only_public_records(client, world, name, shown, hidden):
    csv_text = client.get(reverse("public:export", args=[name, "csv"])).content.decode("utf-8-sig")
    assert shown in csv_text and hidden not in csv_text
    response = client.get(reverse("public:export", args=[name, "json"]))
    data = json.loads(b"".join(response.streaming_content))
    dumped = json.dumps(data, ensure_ascii=False)
    assert shown in dumped and hidden not in dumped
    assert "example.com" not in dumped


def test_list_download_keeps_filters(client, world):
    response = client.get(reverse("public:task-list"), {"nam": 2024, "dinh-dang": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert world.task.code in response.content.decode("utf-8-sig")


def test_form1_xlsx(client, world):
    import io

    from openpyxl import load_workbook

    response = client.get(reverse("public:form1"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Tên nhiệm vụ"
    assert [r[1] for r in rows[1:]] == [world.task.code]


def test_data_dictionary(client, world):
    body = client.get(reverse("public:data-dictionary")).content.decode()
    assert "state_budget" in body and "Mẫu 1" in body


def test_sitemap_lists_only_public_records(client, world):
    body = client.get(reverse("public:sitemap")).content.decode()
    assert reverse("public:task-detail", args=[world.task.pk]) in body
    assert reverse("public:task-detail", args=[world.task_hidden.pk]) not in body
    assert reverse("public:person-detail", args=[world.person_hidden.pk]) not in body


def test_english(client, world):
    response = client.get(reverse("public:home"), HTTP_ACCEPT_LANGUAGE="en")
    assert "Science and technology database" in response.content.decode()
    response = client.get(reverse("public:search"), {"q": "long nhan"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "results for" in response.content.decode()


@pytest.mark.parametrize(
    "name", ["public:home", "public:task-list", "public:organisation-list", "public:person-list",
             "public:certificate-list", "public:initiative-list", "public:data-dictionary"],
)  # fmt: skip
def test_list_pages_cost_a_fixed_number_of_queries(client, world, name, django_assert_max_num_queries):
    client.get(reverse(name))  # warm the content-type cache
    with django_assert_max_num_queries(14):
        assert client.get(reverse(name)).status_code == 200


def test_task_list_queries_do_not_grow_with_rows(client, world, django_user_model, django_assert_num_queries):
    from khcn.public import services
    from khcn.research.tests.builders import Builder

    admin = django_user_model.objects.get(username="quan_tri_csdl")
    client.get(reverse("public:task-list"))
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def measure() -> tuple[int, int]:
        cache.clear()  # cold: the facets counted
        with CaptureQueriesContext(connection) as cold:
            client.get(reverse("public:task-list"))
        with CaptureQueriesContext(connection) as warm:  # the facets from the cache
            client.get(reverse("public:task-list"))
        return len(cold), len(warm)

    before = measure()
    build = Builder(admin)
    for _ in range(5):
        services.publication_create(record=build.task(title="Thêm nhiệm vụ"), by=admin)
    assert measure() == before


def _publish_tasks(django_user_model, n: int, **extra):
    from khcn.public import services
    from khcn.research.tests.builders import Builder

    admin = django_user_model.objects.get(username="quan_tri_csdl")
    build = Builder(admin)
    return [services.publication_create(record=build.task(**extra), by=admin) for _ in range(n)]


def test_task_list_page_size_is_chosen_within_a_cap(client, world, django_user_model):
    _publish_tasks(django_user_model, 11)
    url = reverse("public:task-list")
    assert client.get(url).context["page"].paginator.per_page == 25
    assert len(client.get(url, {"so-dong": 10}).context["page"].object_list) == 10
    assert client.get(url, {"so-dong": 100000}).context["page"].paginator.per_page == 100
    for bad in ("0", "-5", "abc"):
        assert client.get(url, {"so-dong": bad}).context["page"].paginator.per_page == 25
    # the page keeps its order and the next page carries the size
    body = client.get(url, {"so-dong": 10}).content.decode()
    assert "so-dong=10&amp;trang=2" in body


def test_task_list_costs_the_same_queries_for_10_and_50_rows(client, world, django_user_model):
    """Cold (facets counted) and warm (facets from the cache): each a fixed number of queries, the
    warm one fewer."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _publish_tasks(django_user_model, 50)
    url = reverse("public:task-list")
    client.get(url)  # warm the content-type cache
    counts = {}
    for warm in (False, True):
        for rows in (10, 50):
            cache.clear()
            if warm:
                client.get(url, {"so-dong": rows})
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url, {"so-dong": rows})
            assert len(response.context["page"].object_list) == rows
            counts[warm, rows] = len(captured)
    assert counts[False, 10] == counts[False, 50]
    assert counts[True, 10] == counts[True, 50]
    assert counts[True, 50] < counts[False, 50]


def test_task_facets_match_grouped_counts(client, world, django_user_model):
    """The facets counted in Python give what GROUP BY gives, for every facet."""
    from django.db.models import Count

    from khcn.directory.models import AdministrativeUnit, Organisation
    from khcn.public import selectors
    from khcn.research.models import Task

    unit = AdministrativeUnit.objects.filter(code__isnull=False).exclude(code="").first()
    other = Organisation.objects.create(name="Viện thử nghiệm", administrative_unit=unit)
    _publish_tasks(django_user_model, 3, host=other, plan_year=2022)
    _publish_tasks(django_user_model, 2, status=Task.Status.COMPLETED)
    qs = selectors.task_list_public()
    facets = selectors.task_facets(qs)

    def grouped(*fields):
        return {
            row[:-1]: row[-1]
            for row in qs.order_by().values_list(*fields).annotate(n=Count("pk")).values_list(*fields, "n")
        }

    assert {(c, n) for c, _label, n in facets["field"]} == {
        (c, n) for (c, _name), n in grouped("field__code", "field__name").items()
    }
    assert {(y, n) for y, _label, n in facets["year"]} == {(y, n) for (y,), n in grouped("plan_year").items()}
    assert {(s, n) for s, _label, n in facets["status"]} == {(s, n) for (s,), n in grouped("status").items()}
    assert {(h, n) for h, _label, n in facets["host"]} == {(h, n) for (h,), n in grouped("host_id").items() if h}
    assert {(c, n) for c, _label, n in facets["area"]} == {
        (c, n) for (c,), n in grouped("host__administrative_unit__code").items() if c
    }
    assert {(f, n) for f, _label, n in facets["form"]} == {(f, n) for (f,), n in grouped("form__code").items()}
    assert (other.pk, "Viện thử nghiệm", 3) in facets["host"]
    counts = [n for _v, _l, n in facets["host"]]
    assert counts == sorted(counts, reverse=True)  # most tasks first
