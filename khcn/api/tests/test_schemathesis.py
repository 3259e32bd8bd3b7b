"""Every operation of /api/schema/ run with generated data (schemathesis), in process over WSGI.

Issue 8: "CI runs schemathesis against the schema and fails on server errors or responses that break
the schema". Each operation is one pytest test, run anonymous and with a science officer's token;
the operations a host organisation uses (its proposals, its tasks under contract and their actions)
run a third time with the token of a user of the task's host organisation. The checks: no 5xx, every status code is documented, every body matches its schema, every
content type is the documented one. Examples are few and derandomized so that the run is bounded
(well under two minutes on two CPUs) and repeatable; a failure prints a curl line to reproduce it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from khcn.accounts import roles
from khcn.research import services
from khcn.research.models import Adjustment, ProgressReport
from khcn.testing import make_user

# Run once, on PostgreSQL when there is one (scripts/test.sh): it refuses values SQLite would store.
pytestmark = pytest.mark.production_database

CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance, content_type_conformance]

# Loading the schema needs no database: drf-spectacular builds it from the views alone.
schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())

# Ids of records that exist in the test's data, by path template (set by the `records` fixture):
# half of the generated ids are replaced by one of them, so that detail endpoints answer 200 with
# a real body to check against the schema, and not only 404.
KNOWN_IDS: dict[str, int] = {}


@schema.hook
def map_path_parameters(context: Any, path_parameters: dict[str, Any] | None) -> dict[str, Any] | None:
    if not path_parameters:
        return path_parameters
    mapped = dict(path_parameters)
    for name, value in path_parameters.items():
        known = KNOWN_IDS.get(f"{context.operation.path}:{name}")
        if known is not None and isinstance(value, int) and value % 2 == 0:
            mapped[name] = known
    return mapped


@pytest.fixture(autouse=True)
def _keep_test_connection() -> Iterator[None]:
    # The WSGI handler closes the database connection when a request ends; in a test that
    # connection holds the test's transaction. Django's test client does the same as this.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def records(world: Any, science_officer: Any) -> Iterator[SimpleNamespace]:
    """The public world; a task under contract with a tranche paid, a report waiting for review, a
    returned one and an adjustment request waiting for the decision; a user of its host organisation
    and a proposal of that organisation."""
    from khcn.research.tests.builders import Builder
    from khcn.research.tests.test_execution_flow import approved_task, sign

    build = Builder(science_officer)
    task = sign(build, approved_task(build))
    host = make_user("chu_tri_schemathesis", roles.HOST_USER, organisation=task.host)
    proposal = build.proposal(build.call(), by=host)
    services.disbursement_record(
        task=task,
        tranche=task.contract.tranches.get(number=1),  # type: ignore[attr-defined]
        amount=400_000_000,
        paid_on=dt.date(2024, 3, 20),
        by=science_officer,
    )
    report = services.progress_report_submit(
        task=task,
        period_start=dt.date(2024, 3, 1),
        period_end=dt.date(2024, 8, 31),
        work_done="Khảo sát xong 3 xã.",
        by=science_officer,
    )
    returned = services.progress_report_submit(
        task=task,
        period_start=dt.date(2024, 9, 1),
        period_end=dt.date(2025, 2, 28),
        work_done="Thí nghiệm vụ 1.",
        by=host,
    )
    services.progress_report_transition(
        report=returned, to=ProgressReport.Status.RETURNED, note="Thiếu số liệu", by=science_officer
    )
    adjustment = services.adjustment_request(
        task=task, kind=Adjustment.Kind.CONTENT, description="Đổi địa điểm thí nghiệm.", by=host
    )
    KNOWN_IDS.update(
        {
            "/api/v1/tasks/{id}/:id": world.task.pk,
            "/api/v1/organisations/{id}/:id": world.org.pk,
            "/api/v1/people/{id}/:id": world.person.pk,
            "/api/v1/certificates/{id}/:id": world.certificate.pk,
            "/api/v1/initiatives/{id}/:id": world.initiative.pk,
            "/api/v1/legal-documents/{id}/:id": world.document.pk,
            "/api/v1/articles/{id}/:id": world.article.pk,
            "/api/v1/proposals/{id}/:id": proposal.pk,
            "/api/v1/my-tasks/{id}/progress-reports/{report_pk}/review/:report_pk": report.pk,
            "/api/v1/my-tasks/{id}/progress-reports/{report_pk}/resubmit/:report_pk": returned.pk,
            "/api/v1/my-tasks/{id}/adjustments/{adjustment_pk}/withdraw/:adjustment_pk": adjustment.pk,
            "/api/v1/my-tasks/{id}/adjustments/{adjustment_pk}/decide/:adjustment_pk": adjustment.pk,
        }
    )
    for path in schema.raw_schema["paths"]:
        if path.startswith("/api/v1/my-tasks/{id}/"):
            KNOWN_IDS[f"{path}:id"] = task.pk
    yield SimpleNamespace(host=host)
    KNOWN_IDS.clear()


FUZZ = settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    database=None,
    # The fixtures hold the data every example reads; examples that write (a proposal) add to it.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def _call(case: Any, headers: dict[str, str] | None = None) -> None:
    # Every request is a new client as far as the rate limit goes: the throttle's 429 is documented,
    # but generated requests should reach the views.
    cache.clear()
    case.call_and_validate(headers=headers, checks=CHECKS)


@schema.parametrize()
@FUZZ
def test_anonymous(case: Any, records: SimpleNamespace) -> None:
    _call(case)


@schema.parametrize()
@FUZZ
def test_science_officer(case: Any, records: SimpleNamespace, science_officer: Any) -> None:
    token, _ = Token.objects.get_or_create(user=science_officer)
    _call(case, {"Authorization": f"Token {token.key}"})


# What a host organisation's user calls: the public reads are the anonymous run's.
HOST_OPERATIONS = schema.include(path_regex=r"^/api/v1/(proposals|my-tasks)/")


@HOST_OPERATIONS.parametrize()
@FUZZ
def test_host_user(case: Any, records: SimpleNamespace) -> None:
    token, _ = Token.objects.get_or_create(user=records.host)
    _call(case, {"Authorization": f"Token {token.key}"})
