from __future__ import annotations

import pytest

from khcn.audit.models import AuditEvent


@pytest.fixture
def events(db):
    """The audit rows written so far, oldest first, as (event, actor_username) pairs and rows."""

    def read(event: str | None = None) -> list[AuditEvent]:
        rows = AuditEvent.objects.order_by("id")
        return list(rows.filter(event=event) if event else rows)

    return read


@pytest.fixture(autouse=True)
def _postgres_only(request: pytest.FixtureRequest) -> None:
    # scripts/test.sh deselects these on SQLite; a plain `pytest khcn/audit` skips them instead.
    from django.db import connection

    if request.node.get_closest_marker("postgres_only") and connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
