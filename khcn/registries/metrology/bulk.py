"""Year-sized reads and writes at the speed of the database, for the verification importer.

`bulk_create_with_history` spends most of a 100,000-row import preparing values field by field
through the ORM (about 0.1 ms per row and per table on the reference machine, and in batches of
55 rows on SQLite, where Django assumes the old 999-parameter limit); an `__in` filter of
thousands of keys costs more to prepare than to run. Here the rows arrive as plain values that
the importer has already checked, and go to the database in few, large statements:

- SQLite: multi-row `INSERT ... VALUES (?, ...), (...) RETURNING id`, a thousand rows each;
  `executemany` for updates; `IN (?, ...)` for lookups.
- PostgreSQL: COPY, with new keys drawn from the table's sequence beforehand; updates COPY into
  a temporary table and join to it; lookups `= ANY(%b)`, one array bound on the server in binary
  (psycopg parses the placeholders of a client-side bound statement, and quotes each array
  element, in Python).

SQLite returns rows in VALUES order (Django's bulk_create relies on the same). The statements
use the driver's cursor and its own placeholder style; names come from the models and are
quoted; every value is a bound parameter. Columns come from the models' field lists, so a field
added to a model is written here too (with its default when the caller leaves it out), and the
history rows carry the same values, user, reason and date as bulk_create_with_history's.

A candidate for khcn/core once another registry imports at this scale (radiation survey points).
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connection, models

# Rows per INSERT statement on SQLite (bounded by its parameter limit too).
SQLITE_ROWS = 1000
# Keys per lookup statement.
KEYS_PER_QUERY = 5000


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def parameter_limit() -> int:
    """How many bound parameters one statement may carry on this database."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        try:
            import sqlite3

            return int(connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))
        except (AttributeError, TypeError):  # Python without Connection.getlimit
            return 999
    return 65_535  # PostgreSQL's protocol limit


@contextmanager
def _driver_cursor() -> Iterator[Any]:
    # The driver's own cursor, in the current transaction: Django's SQLite wrapper rewrites every
    # "%s" of a statement with a regular expression, which for a thousand-row INSERT costs more
    # than SQLite takes to run it.
    connection.ensure_connection()
    if _postgres():
        import psycopg

        # Server-side binding, and "%b" (binary) for the arrays: Django's connections bind on
        # the client, where psycopg quotes every element of an array in Python.
        cursor = psycopg.Cursor(connection.connection)
    else:
        cursor = connection.connection.cursor()
    try:
        yield cursor
    finally:
        cursor.close()


def _column(field: Any) -> str:
    column = field.column
    assert isinstance(column, str), field
    return column


def _db_type(field: Any) -> str:
    """A column's PostgreSQL type, as a value of it travels (`date`, `varchar(60)`, `bigint`)."""
    if field.is_relation:
        return str(field.target_field.rel_db_type(connection))
    if field.primary_key:
        return str(field.rel_db_type(connection))
    return str(field.db_type(connection))


def _array_type(field: Any) -> str:
    return f"{_db_type(field)}[]"


def _converter(field: Any) -> Callable[[Any], Any] | None:
    """How a Python value of this field becomes a query parameter (dates are few: cached), or
    None when the driver takes it as it is."""
    internal = field.get_internal_type()
    if _postgres():
        return None  # psycopg takes dates and datetimes as they are (Django's adapters pass them through)
    if internal in ("DateField", "DateTimeField"):
        adapt = (
            connection.ops.adapt_datefield_value
            if internal == "DateField"
            else connection.ops.adapt_datetimefield_value
        )
        cache: dict[Any, Any] = {None: None}

        def cached(value: Any) -> Any:
            try:
                return cache[value]
            except KeyError:
                cache[value] = adapted = adapt(value)
                return adapted

        return cached
    return None


def _insert(table: str, fields: Sequence[Any], rows: Sequence[Sequence[Any]], *, returning: Any | None) -> list[Any]:
    """Insert `rows` (values in the order of `fields`); with `returning` (the primary key
    field), return the new keys in the order of `rows`."""
    quote = connection.ops.quote_name
    if _postgres():
        return _copy(table, fields, rows, returning=returning)
    columns = ", ".join(quote(_column(f)) for f in fields)
    tail = f" RETURNING {quote(_column(returning))}" if returning is not None else ""
    returned: list[Any] = []
    per_statement = max(1, min(SQLITE_ROWS, parameter_limit() // max(1, len(fields))))
    one = "(" + ", ".join(["?"] * len(fields)) + ")"
    head = f"INSERT INTO {quote(table)} ({columns}) VALUES "  # noqa: S608
    statements: dict[int, str] = {}
    with _driver_cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            sql = statements.get(len(chunk))
            if sql is None:
                sql = statements[len(chunk)] = head + ", ".join([one] * len(chunk)) + tail
            cursor.execute(sql, [value for row in chunk for value in row])
            if returning is not None:
                returned.extend(r[0] for r in cursor.fetchall())
    return returned


def _copy(table: str, fields: Sequence[Any], rows: Sequence[Sequence[Any]], *, returning: Any | None) -> list[Any]:
    """PostgreSQL: COPY, the database's own bulk load. New keys are drawn from the table's
    sequence first (COPY returns nothing), then written with the rows."""
    quote = connection.ops.quote_name
    ids: list[Any] = []
    with _driver_cursor() as cursor:
        if returning is not None:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [quote(table), _column(returning), len(rows)],
            )
            ids = [r[0] for r in cursor.fetchall()]
            fields = [returning, *fields]
        columns = ", ".join(quote(_column(f)) for f in fields)
        with cursor.copy(f"COPY {quote(table)} ({columns}) FROM STDIN") as copy:
            if returning is not None:
                for key, row in zip(ids, rows, strict=True):
                    copy.write_row((key, *row))
            else:
                for row in rows:
                    copy.write_row(row)
    return ids


def insert_with_history(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    now: dt.datetime,
    user_id: int | None,
    reason: str,
) -> list[int]:
    """Insert `rows` (values for `columns`, attnames without the primary key) into `model`'s
    table and one "+" history row each; return the new primary keys in the order of `rows`.

    Fields not in `columns` get their default (`created_at`/`updated_at`: `now`). Values are
    written as given: the caller has validated them (this skips Field.clean and save()).
    """
    if not rows:
        return []
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    given = {name: index for index, name in enumerate(columns)}
    unknown = set(given) - {f.attname for f in fields}
    assert not unknown, f"not columns of {model.__name__}: {unknown}"
    defaults = [
        # get_default() is what the ORM writes too: the declared default, else "" or None.
        _converter_or_identity(f)(now if f.attname in ("created_at", "updated_at") else f.get_default())
        for f in fields
        if f.attname not in given
    ]
    converting = [(i, c) for i, c in enumerate(_converter(model._meta.get_field(name)) for name in columns) if c]
    if converting:
        # Only the few columns that need it (dates, on SQLite), not every value.
        converted = []
        for row in rows:
            values = list(row)
            for index, convert in converting:
                values[index] = convert(values[index])
            converted.append(values)
        rows = converted
    # Written in this order: the given columns, then the defaulted ones (the same for every row).
    ordered: list[Any] = [model._meta.get_field(name) for name in columns]
    ordered += [f for f in fields if f.attname not in given]
    records = [[*row, *defaults] for row in rows] if defaults else rows
    pk = model._meta.pk
    assert pk is not None
    ids = _insert(model._meta.db_table, ordered, records, returning=pk)

    # The history row: the record's id, the tracked columns (in the record's order, so a row is
    # a slice, not a lookup per field), then who, when, why and "+".
    history_model = model.history.model  # type: ignore[attr-defined]
    by_attname = {f.attname: f for f in history_model._meta.concrete_fields}
    positions = [index for index, field in enumerate(ordered) if field.attname in by_attname]
    extra_names = ("history_date", "history_user_id", "history_change_reason", "history_type")
    history_fields = [
        by_attname[pk.attname],
        *(by_attname[ordered[i].attname] for i in positions),
        *(by_attname[name] for name in extra_names),
    ]
    extra = [connection.ops.adapt_datetimefield_value(now), user_id, reason, "+"]
    if len(positions) == len(ordered):
        history_rows = [[new_id, *record, *extra] for new_id, record in zip(ids, records, strict=True)]
    else:
        take = operator.itemgetter(*positions)
        history_rows = [[new_id, *take(record), *extra] for new_id, record in zip(ids, records, strict=True)]
    _insert(history_model._meta.db_table, history_fields, history_rows, returning=None)
    return ids


def _converter_or_identity(field: Any) -> Callable[[Any], Any]:
    return _converter(field) or (lambda value: value)


def select_in(
    model: type[models.Model],
    columns: Sequence[str],
    key: str,
    keys: Sequence[Any],
    *,
    where: str = "",
    params: Sequence[Any] = (),
) -> Iterator[tuple[Any, ...]]:
    """SELECT `columns` (field names) of `model` WHERE `key` IN `keys` [AND `where`], in chunks.

    `where` is SQL with %s placeholders for `params` (values already adapted, see adapt_date).
    """
    quote = connection.ops.quote_name
    opts = model._meta
    names = ", ".join(quote(_column(opts.get_field(c))) for c in columns)
    key_field = opts.get_field(key)
    key_column = quote(_column(key_field))
    base = f"SELECT {names} FROM {quote(opts.db_table)} WHERE "  # noqa: S608
    with _driver_cursor() as cursor:
        if _postgres():
            condition = f"{key_column} = ANY(%b::{_array_type(key_field)})" + (f" AND {where}" if where else "")
            for start in range(0, len(keys), KEYS_PER_QUERY * 4):
                cursor.execute(base + condition, [list(keys[start : start + KEYS_PER_QUERY * 4]), *params])
                yield from cursor.fetchall()
            return
        per_query = max(1, min(KEYS_PER_QUERY, parameter_limit() - len(params) - 1))
        extra = f" AND {where.replace('%s', '?')}" if where else ""
        for start in range(0, len(keys), per_query):
            chunk = list(keys[start : start + per_query])
            cursor.execute(base + f"{key_column} IN ({', '.join(['?'] * len(chunk))})" + extra, [*chunk, *params])
            # Chunk by chunk: the caller keeps what it needs, not every row at once.
            yield from cursor.fetchall()


def quoted(model: type[models.Model], field_name: str) -> str:
    """A field's column, quoted for raw SQL."""
    return connection.ops.quote_name(_column(model._meta.get_field(field_name)))


def adapt_date(value: dt.date) -> Any:
    return connection.ops.adapt_datefield_value(value)


def update_rows(model: type[models.Model], fields: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """UPDATE `fields` of many records, each to its own values: rows are (value, ..., pk)."""
    if not rows:
        return
    quote = connection.ops.quote_name
    model_fields = [model._meta.get_field(name) for name in fields]
    converters = [_converter(f) for f in model_fields]
    pk = model._meta.pk
    assert pk is not None
    params = [
        [convert(value) if convert else value for convert, value in zip(converters, row[:-1], strict=True)] + [row[-1]]
        for row in rows
    ]
    table = quote(model._meta.db_table)
    with _driver_cursor() as cursor:
        if _postgres():
            # COPY into a temporary table, then one UPDATE joined to it.
            columns = [*model_fields, pk]
            names = [f"c{i}" for i in range(len(columns))]
            definition = ", ".join(f"{name} {_db_type(f)}" for name, f in zip(names, columns, strict=True))
            cursor.execute(f"CREATE TEMPORARY TABLE bulk_update_rows ({definition}) ON COMMIT DROP")
            with cursor.copy(f"COPY bulk_update_rows ({', '.join(names)}) FROM STDIN") as copy:
                for row in params:
                    copy.write_row(row)
            assignments = ", ".join(
                f"{quote(_column(f))} = v.{name}" for f, name in zip(model_fields, names[:-1], strict=True)
            )
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM bulk_update_rows AS v "  # noqa: S608
                f"WHERE {table}.{quote(_column(pk))} = v.{names[-1]}"
            )
            cursor.execute("DROP TABLE bulk_update_rows")
            return
        # SQLite runs one prepared statement for every row in C.
        assignments = ", ".join(f"{quote(_column(f))} = ?" for f in model_fields)
        cursor.executemany(f"UPDATE {table} SET {assignments} WHERE {quote(_column(pk))} = ?", params)  # noqa: S608
