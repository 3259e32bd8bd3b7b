"""Every operation of /api/schema/ run with generated data (schemathesis), in process over WSGI.

Issue 8: "CI runs schemathesis against the schema and fails on server errors or responses that break
the schema". Each operation is one pytest test, run twice: anonymous, and with a science officer's
token. The checks: no 5xx, every status code is documented, every body matches its schema, every
content type is the documented one. Examples are few and derandomized so that the run is bounded
(well under two minutes on two CPUs) and repeatable; a failure prints a curl line to reproduce it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
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

from khcn.research import services

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
def records(world: Any, host_user: Any, science_officer: Any) -> Iterator[None]:
    """The public world, a proposal, and a task under contract with a tranche paid and a report."""
    from khcn.research.tests.builders import Builder
    from khcn.research.tests.test_execution_flow import approved_task, sign

    build = Builder(science_officer)
    proposal = build.proposal(build.call(), by=host_user)
    task = sign(build, approved_task(build))
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
        }
    )
    for path in schema.raw_schema["paths"]:
        if path.startswith("/api/v1/my-tasks/{id}/"):
            KNOWN_IDS[f"{path}:id"] = task.pk
    yield
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
def test_anonymous(case: Any, records: None) -> None:
    _call(case)


@schema.parametrize()
@FUZZ
def test_science_officer(case: Any, records: None, science_officer: Any) -> None:
    token, _ = Token.objects.get_or_create(user=science_officer)
    _call(case, {"Authorization": f"Token {token.key}"})
