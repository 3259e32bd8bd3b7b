"""What the tables must be like for a year's import to stay fast (docs/benchmarks.md)."""

from __future__ import annotations

import pytest
from django.db import connection

from khcn.registries.metrology.models import Instrument, Verification

pytestmark = pytest.mark.django_db

# What an import rewrites on every instrument it names (imports.VerificationDataset.write_part).
REWRITTEN = {"status", "last_verified_on", "next_due_on"}


def test_an_import_can_rewrite_instruments_in_place():
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Instrument._meta.db_table)
        # An index on a rewritten column would take an entry per rewrite, and on PostgreSQL
        # would rule out rewriting the row in place (a HOT update).
        indexed = {column for constraint in constraints.values() for column in constraint["columns"] or ()}
        assert not indexed & REWRITTEN, indexed & REWRITTEN
        if connection.vendor == "postgresql":
            # Room in each page for the new version of every row (migration 0003).
            cursor.execute("SELECT reloptions FROM pg_class WHERE relname = %s", [Instrument._meta.db_table])
            assert "fillfactor=50" in (cursor.fetchone()[0] or [])


@pytest.mark.parametrize("model", [Instrument, Verification])
def test_history_written_by_imports_has_no_index_on_date_or_user(model):
    history = model.history.model  # type: ignore[attr-defined]
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, history._meta.db_table)
    indexed = {tuple(c["columns"]) for c in constraints.values() if c["index"] or c["unique"] or c["primary_key"]}
    # Read per record: its id is indexed; nothing selects an import's history by date or user.
    assert ("id",) in indexed
    assert not {column for columns in indexed for column in columns} & {"history_date", "history_user_id"}
