"""Year-sized reads and writes at the speed of the database, for imports that outgrow the ORM.

`bulk_create_with_history` spends most of a 100,000-row import preparing values field by field
through the ORM (about 0.1 ms per row and per table, in batches of 55 rows on SQLite, where Django
assumes the old 999-parameter limit), then sends every history row back over the wire; an `__in`
filter of thousands of keys costs more to prepare than to run. Here the rows arrive as plain
values that the importer has already checked, one sequence per column, and go to the database in
few, large statements:

- SQLite: `INSERT ... SELECT column1, ..., <defaults> FROM (VALUES (...), ...) RETURNING id`, a
  thousand rows each (the defaults, the same for every row, are bound once per statement);
  `UPDATE ... FROM (VALUES ...)` for updates; `IN (?, ...)` for lookups.
- PostgreSQL: COPY into a temporary table whose `id` defaults to the table's own sequence, then one
  statement that inserts the records and, in the same statement, their history rows; updates join
  to `unnest()` of arrays bound in binary; lookups `= ANY(%b)`, one array bound on the server
  (psycopg parses the placeholders of a client-side bound statement, and quotes each array element,
  in Python).

History rows are copied by the database from the records just written (`INSERT INTO history
SELECT ... FROM table WHERE id ...`): the same values, user, reason, date and "+" as
`bulk_create_with_history` writes, without sending every row twice. Columns come from the models'
field lists, so a field added to a model is written here too (with its default when the caller
leaves it out). Names come from the models and are quoted; every value is a bound parameter.
"""

from __future__ import annotations

import datetime as dt
import gc
import queue
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connection, models, transaction

from khcn.core import faults

# Rows per INSERT or UPDATE statement on SQLite (bounded by its parameter limit too). Larger
# statements gained nothing measurable once the import's writer had its own connection, and each
# prepared statement SQLite keeps in its cache grows with them (3,000 rows: +12 MiB peak RSS).
SQLITE_ROWS = 1000
# Keys per lookup statement (PostgreSQL takes four times as many in one array).
KEYS_PER_QUERY = 5000
# The columns simple-history adds to every history row (besides its own key, history_id).
HISTORY_COLUMNS = ("history_date", "history_user_id", "history_change_reason", "history_type")

Columns = Sequence[Sequence[Any]]


def _postgres() -> bool:
    return connection.vendor == "postgresql"


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a file is imported: the import allocates a few million
    objects that live until it ends, and every collection would walk them again for nothing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


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
        cursor: Any = psycopg.Cursor(connection.connection)
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


def quoted(model: type[models.Model], field_name: str) -> str:
    """A field's column, quoted for raw SQL."""
    return connection.ops.quote_name(_column(model._meta.get_field(field_name)))


def _db_type(field: Any) -> str:
    """A column's PostgreSQL type, as a value of it travels (`date`, `varchar(60)`, `bigint`)."""
    if field.is_relation:
        return str(field.target_field.rel_db_type(connection))
    if field.primary_key:
        return str(field.rel_db_type(connection))
    return str(field.db_type(connection))


def adapter(field: Any) -> Callable[[Any], Any] | None:
    """How a Python value of this field becomes a query parameter, or None when the driver takes
    it as it is. Only dates and datetimes on SQLite need it (as Django writes them: ISO text);
    an import has few distinct ones, so each is adapted once."""
    if _postgres():
        return None  # psycopg takes dates and datetimes as they are (Django's adapters pass them through)
    internal = field.get_internal_type()
    if internal not in ("DateField", "DateTimeField"):
        return None
    adapt = (
        connection.ops.adapt_datefield_value if internal == "DateField" else connection.ops.adapt_datetimefield_value
    )
    cache: dict[Any, Any] = {None: None}

    def cached(value: Any) -> Any:
        try:
            return cache[value]
        except KeyError:
            cache[value] = adapted = adapt(value)
            return adapted

    return cached


def adapt_date(value: dt.date) -> Any:
    return connection.ops.adapt_datefield_value(value)


def _adapted(fields: Sequence[Any], columns: Columns) -> list[Sequence[Any]]:
    out: list[Sequence[Any]] = []
    for field, values in zip(fields, columns, strict=True):
        convert = adapter(field)
        out.append(values if convert is None else list(map(convert, values)))
    return out


# --- Writing -------------------------------------------------------------------------------------


def _defaults(model: type[models.Model], given: set[str], now: dt.datetime) -> list[tuple[Any, Any]]:
    """(field, value) for every column the caller leaves out: `now` for the timestamps, else the
    field's default, as the ORM would write it."""
    out = []
    for field in model._meta.concrete_fields:
        if field.primary_key or field.attname in given:
            continue
        value = now if field.attname in ("created_at", "updated_at") else field.get_default()
        convert = adapter(field)
        out.append((field, convert(value) if convert else value))
    return out


def _history_fields(model: type[models.Model]) -> list[str] | None:
    """The attnames a history row copies from its record, or None when the model keeps no
    history (or history is switched off)."""
    manager = getattr(model._meta, "simple_history_manager_attribute", None)
    if manager is None or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return None
    history_model = getattr(model, manager).model
    if hasattr(history_model, "history_relation"):
        raise ImproperlyConfigured(f"{history_model.__name__}: history_relation is not supported by bulk writes")
    tracked = [f.attname for f in history_model.tracked_fields]
    known = {*tracked, "history_id", *HISTORY_COLUMNS}
    extra = [f.attname for f in history_model._meta.concrete_fields if f.attname not in known]
    if extra:
        # Custom history fields would be left empty here, but filled by simple-history.
        raise ImproperlyConfigured(f"{history_model.__name__} has fields bulk writes do not fill: {extra}")
    return tracked


def _history_insert(model: type[models.Model], tracked: Sequence[str], source: str, where: str) -> str:
    """INSERT INTO <history> SELECT <tracked>, <date>, <user>, <reason>, '+' FROM <source> WHERE ...
    (the three values are the statement's first placeholders, in the driver's style)."""
    quote = connection.ops.quote_name
    history_table = quote(model.history.model._meta.db_table)  # type: ignore[attr-defined]
    names = ", ".join(quote(name) for name in tracked)
    mark = "%s" if _postgres() else "?"
    return (
        f"INSERT INTO {history_table} ({names}, {', '.join(quote(c) for c in HISTORY_COLUMNS)}) "  # noqa: S608
        f"SELECT {names}, {mark}, {mark}, {mark}, '+' FROM {source} WHERE {where}"
    )


def insert_with_history(
    model: type[models.Model],
    columns: Sequence[str],
    values: Columns,
    *,
    now: dt.datetime,
    user_id: int | None,
    reason: str,
    returning: bool = True,
) -> list[int]:
    """Insert records into `model`'s table, and one "+" history row each when it keeps history.

    `columns` are attnames (without the primary key); `values` holds one sequence per column, all
    as long. Fields not in `columns` get their default (`created_at`/`updated_at`: `now`). Values
    are written as given: the caller has checked them (this skips Field.clean and save()). Returns
    the new primary keys in the order of the rows (an empty list with `returning=False`).
    """
    count = len(values[0]) if values else 0
    if not count:
        return []
    faults.point("bulk.insert")  # between the tables an import writes
    given = {name: index for index, name in enumerate(columns)}
    opts = model._meta
    unknown = set(given) - {f.attname for f in opts.concrete_fields if not f.primary_key}
    assert not unknown, f"not columns of {model.__name__}: {unknown}"
    assert all(len(v) == count for v in values), "columns of different lengths"
    fields = [opts.get_field(name) for name in columns]
    defaults = _defaults(model, set(given), now)
    tracked = _history_fields(model)
    history_values = [connection.ops.adapt_datetimefield_value(now), user_id, reason]
    if _postgres():
        return _copy_with_history(model, fields, values, defaults, tracked, history_values, returning=returning)

    quote = connection.ops.quote_name
    table = quote(opts.db_table)
    pk = quote(_column(opts.pk))
    names = [quote(_column(f)) for f in fields] + [quote(_column(f)) for f, _v in defaults]
    width = len(fields)
    per_statement = max(1, min(SQLITE_ROWS, (parameter_limit() - len(defaults)) // max(1, width)))
    selected = ", ".join([f"column{n + 1}" for n in range(width)] + ["?"] * len(defaults))
    one = "(" + ", ".join(["?"] * width) + ")"
    head = f"INSERT INTO {table} ({', '.join(names)}) SELECT {selected} FROM (VALUES "  # noqa: S608
    constants = [value for _f, value in defaults]
    adapted = _adapted(fields, values)
    ids: list[int] = []
    statements: dict[int, str] = {}
    with _driver_cursor() as cursor:
        for start in range(0, count, per_statement):
            end = min(count, start + per_statement)
            size = end - start
            sql = statements.get(size)
            if sql is None:
                sql = statements[size] = head + ", ".join([one] * size) + f") RETURNING {pk}"
            # Row-major parameters from column-major values, a column at a time (in C).
            flat: list[Any] = [None] * (size * width)
            for position, column in enumerate(adapted):
                flat[position::width] = column[start:end]
            cursor.execute(sql, constants + flat)
            # Keys are handed out in insertion order while this transaction holds SQLite's
            # write lock; sorting them gives the rows' order whatever order RETURNING uses.
            ids.extend(sorted(row[0] for row in cursor.fetchall()))
            faults.point("bulk.statement")  # part of a table written
        if tracked is not None:
            first, last = ids[0], ids[-1]
            if last - first + 1 == len(ids):
                # One range (the usual case: AUTOINCREMENT under the write lock): one statement.
                cursor.execute(
                    _history_insert(model, tracked, table, f"{pk} BETWEEN ? AND ?"), [*history_values, first, last]
                )
            else:
                for start in range(0, len(ids), KEYS_PER_QUERY):
                    chunk = ids[start : start + KEYS_PER_QUERY]
                    marks = ", ".join(["?"] * len(chunk))
                    cursor.execute(
                        _history_insert(model, tracked, table, f"{pk} IN ({marks})"), [*history_values, *chunk]
                    )
    return ids if returning else []


def _copy_with_history(
    model: type[models.Model],
    fields: Sequence[Any],
    values: Columns,
    defaults: Sequence[tuple[Any, Any]],
    tracked: Sequence[str] | None,
    history_values: Sequence[Any],
    *,
    returning: bool,
) -> list[int]:
    """PostgreSQL: COPY the rows into a temporary table whose `id` is drawn from the table's own
    sequence as each row arrives (so in the rows' order), then insert them and their history rows
    in one statement."""
    from psycopg import sql

    opts = model._meta
    quote = connection.ops.quote_name
    table = quote(opts.db_table)
    pk = quote(_column(opts.pk))
    names = [quote(_column(f)) for f in fields]
    default_names = [quote(_column(f)) for f, _v in defaults]
    stage = "khcn_bulk_rows"
    with _driver_cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, _column(opts.pk)])
        sequence = cursor.fetchone()[0]
        # The staging table takes its column types from the real table.
        cursor.execute(
            f"CREATE TEMPORARY TABLE {stage} ON COMMIT DROP AS SELECT {pk}, {', '.join(names)} "  # noqa: S608
            f"FROM {table} WITH NO DATA"
        )
        cursor.execute(
            sql.SQL("ALTER TABLE {} ALTER COLUMN {} SET DEFAULT nextval({}::regclass)").format(
                sql.Identifier(stage), sql.Identifier(_column(opts.pk)), sql.Literal(sequence)
            )
        )
        with cursor.copy(f"COPY {stage} ({', '.join(names)}) FROM STDIN") as copy:
            for row in zip(*values, strict=True):
                copy.write_row(row)
        ids: list[int] = []
        if returning:
            cursor.execute(f"SELECT {pk} FROM {stage} ORDER BY {pk}")  # noqa: S608
            ids = [row[0] for row in cursor.fetchall()]
        all_names = ", ".join([pk, *names, *default_names])
        insert = (
            f"INSERT INTO {table} ({all_names}) "  # noqa: S608
            f"SELECT {', '.join([pk, *names, *(['%s'] * len(defaults))])} FROM {stage} ORDER BY {pk}"
        )
        constants = [value for _f, value in defaults]
        cursor.execute(insert, constants)
        if tracked is not None:
            # The history rows from the staged rows too, with the same constants in place of the
            # columns left to their defaults: cheaper than reading back what the insert wrote.
            by_name = {_column(f): quote(_column(f)) for f in fields}
            by_name[_column(opts.pk)] = pk
            constant_at = {_column(f): n for n, (f, _v) in enumerate(defaults)}
            selected: list[str] = []
            params: list[Any] = []
            for name in tracked:
                column = _column(opts.get_field(name))
                if column in by_name:
                    selected.append(by_name[column])
                else:
                    selected.append("%s")
                    params.append(constants[constant_at[column]])
            history_table = quote(model.history.model._meta.db_table)  # type: ignore[attr-defined]
            history_names = ", ".join(quote(_column(opts.get_field(name))) for name in tracked)
            cursor.execute(
                f"INSERT INTO {history_table} ({history_names}, {', '.join(quote(c) for c in HISTORY_COLUMNS)}) "  # noqa: S608
                f"SELECT {', '.join(selected)}, %s, %s, %s, '+' FROM {stage}",
                [*params, *history_values],
            )
        cursor.execute(f"DROP TABLE {stage}")
    return ids


def update_rows(
    model: type[models.Model],
    fields: Sequence[str],
    values: Columns,
    keys: Sequence[int],
    *,
    key: str | None = None,
    unless_newer: str | None = None,
) -> None:
    """UPDATE `fields` of many records, each to its own values (one sequence per field, in the
    order of `keys`, the records' primary keys, or the values of the field `key`). No history:
    for columns that follow from other records (an instrument's latest verification), as
    services' set-wise refreshes do.

    `unless_newer` names one of `fields`: a record whose stored value of it is already as new as
    the given one, or newer, is left as it is (an instrument verified later than a file's row)."""
    if not keys:
        return
    quote = connection.ops.quote_name
    model_fields = [model._meta.get_field(name) for name in fields]
    key_field = model._meta.get_field(key) if key else model._meta.pk
    assert key_field is not None
    table = quote(model._meta.db_table)
    match = f"{table}.{quote(_column(key_field))}"
    guard = fields.index(unless_newer) if unless_newer else None
    with _driver_cursor() as cursor:
        if _postgres():
            names = [f"c{i}" for i in range(len(model_fields))]
            arrays = ", ".join(f"%b::{_db_type(f)}[]" for f in [*model_fields, key_field])
            assignments = ", ".join(f"{quote(_column(f))} = v.{n}" for f, n in zip(model_fields, names, strict=True))
            condition = f"{match} = v.k"
            if guard is not None:
                stored = f"{table}.{quote(_column(model_fields[guard]))}"
                condition += f" AND ({stored} IS NULL OR {stored} < v.{names[guard]})"
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM unnest({arrays}) AS v({', '.join(names)}, k) "  # noqa: S608
                f"WHERE {condition}",
                [*(list(v) for v in values), list(keys)],
            )
            return
        import sqlite3

        adapted = _adapted(model_fields, values)
        if sqlite3.sqlite_version_info < (3, 33):  # no UPDATE ... FROM: one prepared statement per row
            assignments = ", ".join(f"{quote(_column(f))} = ?" for f in model_fields)
            condition = f"{quote(_column(key_field))} = ?"
            rows: Any = zip(*adapted, keys, strict=True)
            if guard is not None:
                stored = quote(_column(model_fields[guard]))
                condition += f" AND ({stored} IS NULL OR {stored} < ?)"
                rows = ((*row, row[guard]) for row in rows)
            cursor.executemany(f"UPDATE {table} SET {assignments} WHERE {condition}", rows)  # noqa: S608
            return
        # A thousand rows per statement, joined on the key.
        width = len(model_fields) + 1
        assignments = ", ".join(f"{quote(_column(f))} = v.column{n + 1}" for n, f in enumerate(model_fields))
        head = f"UPDATE {table} SET {assignments} FROM (VALUES "  # noqa: S608
        tail = f") AS v WHERE {match} = v.column{width}"
        if guard is not None:
            stored = f"{table}.{quote(_column(model_fields[guard]))}"
            tail += f" AND ({stored} IS NULL OR {stored} < v.column{guard + 1})"
        one = "(" + ", ".join(["?"] * width) + ")"
        per_statement = max(1, min(SQLITE_ROWS, parameter_limit() // width))
        columns = [*adapted, keys]
        for start in range(0, len(keys), per_statement):
            end = min(len(keys), start + per_statement)
            flat: list[Any] = [None] * ((end - start) * width)
            for position, column in enumerate(columns):
                flat[position::width] = column[start:end]
            cursor.execute(head + ", ".join([one] * (end - start)) + tail, flat)


# --- Reading -------------------------------------------------------------------------------------


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
    Rows come as the driver returns them (dates as date objects on both databases).
    """
    quote = connection.ops.quote_name
    opts = model._meta
    names = ", ".join(quote(_column(opts.get_field(c))) for c in columns)
    key_field = opts.get_field(key)
    key_column = quote(_column(key_field))
    base = f"SELECT {names} FROM {quote(opts.db_table)} WHERE "  # noqa: S608
    with _driver_cursor() as cursor:
        if _postgres():
            condition = f"{key_column} = ANY(%b::{_db_type(key_field)}[])" + (f" AND {where}" if where else "")
            step = KEYS_PER_QUERY * 4
            for start in range(0, len(keys), step):
                cursor.execute(base + condition, [list(keys[start : start + step]), *params])
                yield from cursor.fetchall()
            return
        per_query = max(1, min(KEYS_PER_QUERY, parameter_limit() - len(params) - 1))
        extra = f" AND {where.replace('%s', '?')}" if where else ""
        for start in range(0, len(keys), per_query):
            chunk = list(keys[start : start + per_query])
            cursor.execute(base + f"{key_column} IN ({', '.join(['?'] * len(chunk))})" + extra, [*chunk, *params])
            # Chunk by chunk: the caller keeps what it needs, not every row at once.
            yield from cursor.fetchall()


# --- Writing while reading ------------------------------------------------------------------------


# Python's thread switch interval while an import's writer thread writes. Each statement it
# sends ends with it waiting for Python's lock, which the reading thread, busy in Python, gives up
# only every switch interval (5 ms by default): with a thousand statements, that was the writer's
# main cost (3.79 s at 5 ms, 3.43 s at 0.5 ms for 100,000 verifications).
SWITCH_INTERVAL = 0.0005


def writes_on_own_connection() -> bool:
    """Whether a writer thread may hold the import's transaction on a connection of its own: yes,
    unless the import runs inside a transaction already (a test's, a caller's atomic block), or
    on an in-memory SQLite database. The reading thread then reads, on its own connection, the
    registry as it was before the import (SQLite's write-ahead log, PostgreSQL's snapshots), and
    never waits for the writer's statements. docs/benchmarks.md has the measurements."""
    if connection.in_atomic_block:
        return False
    if connection.vendor == "postgresql":
        return True
    return connection.vendor == "sqlite" and not connection.is_in_memory_db()  # type: ignore[attr-defined]


class _Finish(Exception):
    """Leaves the writer thread's transaction, rolling it back."""


class TransactionWriter:
    """A second thread that holds an import's transaction on its own connection.

    run(fn) runs fn there, in the transaction, and returns its result; submit(plan, n) hands over
    the plan's first n rows for `write(plan, start, end)`, written while this thread goes on
    reading (parts waiting are written as one); close(commit) commits or rolls back and ends the
    thread, which closes its connection. A DatabaseError stops all writing and is kept in `error`
    (the transaction is then rolled back whatever close() is asked); any other exception is
    raised again by run() or close().
    """

    def __init__(self, write: Callable[[Any, int, int], None] | None = None) -> None:
        self.write = write
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._written = 0
        self._failure: BaseException | None = None
        self.error: DatabaseError | None = None
        self._interval = sys.getswitchinterval()
        sys.setswitchinterval(min(self._interval, SWITCH_INTERVAL))
        self._thread = threading.Thread(target=self._run, name="khcn-import-writer", daemon=True)
        self._thread.start()

    def run(self, function: Callable[[], Any]) -> Any:
        done = threading.Event()
        box: list[Any] = []
        self._queue.put(("run", function, box, done))
        # The thread may have ended without serving it (its transaction could not begin).
        while not done.wait(0.2) and self._thread.is_alive():
            pass
        if self._failure is not None:
            raise self._failure
        return box[0] if box else None

    def submit(self, plan: Any, rows: int) -> None:
        self._queue.put(("part", plan, rows))

    def close(self, *, commit: bool) -> None:
        self._queue.put(("close", commit))
        self._thread.join()
        sys.setswitchinterval(self._interval)
        if self._failure is not None:
            raise self._failure

    def _run(self) -> None:
        try:
            with transaction.atomic():
                if _postgres():
                    # Foreign keys checked with each statement, while the reading thread works,
                    # rather than all at once at the commit, when nothing is left to overlap.
                    with connection.cursor() as cursor:
                        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                while not self._serve():
                    pass
        except _Finish:
            pass
        except DatabaseError as exc:  # beginning the transaction (SQLite's lock held elsewhere), or the commit
            self.error = exc
        except BaseException as exc:  # noqa: BLE001 - raised again in the reading thread
            self._failure = exc
        finally:
            connection.close()

    def _serve(self) -> bool:
        """Serve one request; True when the transaction is to end (committed)."""
        item = self._queue.get()
        kind = item[0]
        if kind == "close":
            if not item[1] or self.error is not None or self._failure is not None:
                raise _Finish
            return True
        if kind == "part":
            # Whatever else waits as parts is written with it, as one.
            plan, rows = item[1], item[2]
            while True:
                try:
                    waiting = self._queue.get_nowait()
                except queue.Empty:
                    waiting = None
                if waiting is None or waiting[0] != "part":
                    if waiting is not None:
                        self._queue.put(waiting)  # served next, after this part
                    break
                plan, rows = waiting[1], waiting[2]
            if self.error is None and self._failure is None and rows > self._written:
                assert self.write is not None
                self._guarded(lambda: self.write(plan, self._written, rows))  # type: ignore[misc]
                self._written = rows
            return False
        function, box, done = item[1], item[2], item[3]
        try:
            if self.error is None and self._failure is None:
                self._guarded(lambda: box.append(function()))
        finally:
            done.set()
        return False

    def _guarded(self, step: Callable[[], Any]) -> None:
        try:
            with transaction.atomic():  # a savepoint: a refused statement leaves the rest usable
                step()
        except DatabaseError as exc:
            self.error = exc
        except BaseException as exc:  # noqa: BLE001 - raised again in the reading thread
            self._failure = exc
