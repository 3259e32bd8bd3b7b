"""A small public world: for every record type one published (public) and one not, all with the
word "long nhãn" so a search would find both if the rules leaked."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from khcn.directory.models import Organisation, Person
from khcn.public import search, services
from khcn.research.models import Task
from khcn.research.tests.builders import Builder


@pytest.fixture(autouse=True)
def _postgres_only(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("postgres_only") and connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")


@dataclass
class World:
    org: Organisation
    org_hidden: Organisation
    task: Task
    task_hidden: Task
    task_early: Task
    person: Person
    person_hidden: Person
    certificate: Any
    certificate_hidden: Any
    initiative: Any
    initiative_hidden: Any
    document: Any
    document_hidden: Any
    article: Any
    article_hidden: Any


def make_world(officer: Any) -> World:
    from khcn.registries.initiatives.models import Initiative
    from khcn.registries.ip.models import UseRightCertificate, UseRightKind
    from khcn.registries.legaldocs.models import LegalDocument
    from khcn.registries.news.models import Article

    build = Builder(officer)
    org = Organisation.objects.create(name="Hợp tác xã Long nhãn Hưng Yên", kind=Organisation.Kind.COOPERATIVE)
    org_hidden = Organisation.objects.create(name="Công ty Long nhãn Bí mật")
    person = Person.objects.create(
        full_name="Nguyễn Văn Đông", degree="TS", organisation=org, public_profile_consent=True,
        email="dong@example.com", phone="0912345678",
    )  # fmt: skip
    person_hidden = Person.objects.create(full_name="Trần Thị Long Nhãn", organisation=org, email="an@example.com")
    task = build.task(
        title="Nghiên cứu bảo quản long nhãn Hưng Yên phục vụ nông nghiệp", host=org, pi=person, plan_year=2024
    )
    task_hidden = build.task(title="Nghiên cứu long nhãn chưa công bố", host=org, pi=person_hidden)
    task_early = build.task(title="Long nhãn: nhiệm vụ mới đặt hàng", status=Task.Status.ORDERED)
    certificate = UseRightCertificate.objects.create(
        kind=UseRightKind.CERTIFICATION_MARK, designation="Long nhãn Hưng Yên", number="GCN-01", number_key="gcn-01",
        holder_organisation=org, issue_date=dt.date(2024, 5, 1), product="dried_longan",
    )  # fmt: skip
    certificate_hidden = UseRightCertificate.objects.create(
        kind=UseRightKind.GEOGRAPHICAL_INDICATION, designation="Hưng Yên", number="GCN-02", number_key="gcn-02",
        holder_person=person_hidden, issue_date=dt.date(2024, 6, 1), growing_area="Long nhãn vùng kín",
    )  # fmt: skip
    initiative = Initiative.objects.create(
        code="SK-1", title="Sáng kiến sấy long nhãn", unit=org, year=2024, status=Initiative.Status.RECOGNISED
    )
    initiative_hidden = Initiative.objects.create(
        code="SK-2", title="Sáng kiến long nhãn đang xét", unit=org, year=2024, status=Initiative.Status.SUBMITTED
    )
    document = LegalDocument.objects.create(
        kind="normative", number="1/2024/QĐ-UBND", issue_date=dt.date(2024, 1, 2), issuer=org,
        subject="Quy định quản lý nhãn hiệu chứng nhận Long nhãn Hưng Yên", is_public=True, number_key="1/2024/qd-ubnd",
    )  # fmt: skip
    document_hidden = LegalDocument.objects.create(
        kind="directive", number="2/2024/CV", issue_date=dt.date(2024, 1, 3), issuer=org,
        subject="Công văn nội bộ về long nhãn", is_public=False, number_key="2/2024/cv",
    )  # fmt: skip
    article = Article.objects.create(
        title="Long nhãn Hưng Yên vào mùa", summary="Tin về long nhãn", status=Article.Status.PUBLISHED,
        published_at=timezone.now() - dt.timedelta(days=1), slug="long-nhan-hung-yen-vao-mua",
    )  # fmt: skip
    article_hidden = Article.objects.create(title="Bản nháp long nhãn", status=Article.Status.DRAFT)
    # Everything that needs a Publication gets one, except the hidden ones; the initiative that is
    # not recognised and the task not yet approved are published but must still stay hidden.
    for record in (org, task, task_early, certificate, initiative, initiative_hidden):
        services.publication_create(record=record, by=officer)
    search.reindex_all()
    return World(
        org, org_hidden, task, task_hidden, task_early, person, person_hidden, certificate, certificate_hidden,
        initiative, initiative_hidden, document, document_hidden, article, article_hidden,
    )  # fmt: skip


@pytest.fixture
def world(science_officer: Any, django_user_model: Any) -> World:
    # Publishing needs the right to change each record; a superuser publishes every kind here.
    admin = django_user_model.objects.create_superuser("quan_tri_csdl", password="x-very-long-pass-123")
    return make_world(admin)


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    # The task list caches its facets (views._facet_block) in the per-process cache: a test starts cold.
    from django.core.cache import cache

    cache.clear()
