"""The search index proper, per database (see khcn/public/search.py).

SQLite: an FTS5 table over the folded text (rowid = SearchEntry id), with the kind stored but not
indexed so a search can be narrowed to one kind inside FTS.
PostgreSQL: unaccent and pg_trgm, a stored generated tsvector over the (already folded) text with
a GIN index, and a trigram index on the start of the text for near matches.
"""

from __future__ import annotations

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS public_search_fts USING fts5("
    "text, kind UNINDEXED, tokenize='unicode61 remove_diacritics 2')",
]
SQLITE_BACKWARD = ["DROP TABLE IF EXISTS public_search_fts"]

PG_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # The text is folded in Python (đ→d included); unaccent is applied again so that rows written
    # by other tools still match.
    "CREATE OR REPLACE FUNCTION public_f_unaccent(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT "
    "AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$",
    "ALTER TABLE public_searchentry ADD COLUMN tsv tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple', public_f_unaccent(lower(folded)))) STORED",
    "CREATE INDEX public_searchentry_tsv ON public_searchentry USING gin (tsv)",
    "CREATE INDEX public_searchentry_trgm ON public_searchentry USING gin (left(folded, 200) gin_trgm_ops)",
]
PG_BACKWARD = [
    "DROP INDEX IF EXISTS public_searchentry_trgm",
    "DROP INDEX IF EXISTS public_searchentry_tsv",
    "ALTER TABLE public_searchentry DROP COLUMN IF EXISTS tsv",
    "DROP FUNCTION IF EXISTS public_f_unaccent(text)",
]


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    statements = SQLITE_FORWARD if vendor == "sqlite" else PG_FORWARD if vendor == "postgresql" else []
    for sql in statements:
        schema_editor.execute(sql)


def backward(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    statements = SQLITE_BACKWARD if vendor == "sqlite" else PG_BACKWARD if vendor == "postgresql" else []
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("public", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
