"""The registry of tabular datasets and the Django-side runner that imports and exports them.

Apps declare their datasets in `imports.py` with `@datasets.register`; CoreConfig.ready()
autodiscovers those modules. `run_import` validates the whole file with khcn.lib.tabular, matches
rows to existing records by natural key, and only then writes everything in one transaction, in
batches, with history; every run, including refused ones and dry runs, leaves an ImportBatch.

A `BulkDataset` is for files whose rows need checks against stored records in bulk, or that write
several tables, at the scale of a year file (100,000 rows): the same runner reads the file in
chunks, cleaning a column at a time with the engine's own columns, hands each checked chunk to the
dataset's `plan()` (checks against stored records, nothing written) and, if no row anywhere has
failed, calls its `write()` in one transaction (see khcn.core.bulk for fast writes with history).
"""

from __future__ import annotations

import builtins
import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, models, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from khcn.audit import services as audit
from khcn.core import bulk, faults
from khcn.core.filetypes import safe_display_name
from khcn.core.models import ImportBatch
from khcn.lib import tabular
from khcn.lib.formats import ParseError
from khcn.lib.tabular import Ambiguous, Column, Dataset, ParsedRow, RowError, TabularError

BATCH_SIZE = 500
# Keys per matching query: keeps each IN (...) or OR list well under SQLite's variable limit.
MATCH_CHUNK = 400
# The batch keeps the first errors for the downloadable report; the count is always exact.
MAX_STORED_ERRORS = 10_000

_registry: dict[str, type[Dataset]] = {}


class UnknownDataset(LookupError):
    def __init__(self, name: str) -> None:
        known = ", ".join(sorted(_registry)) or "—"
        self.message = _("Không có bộ dữ liệu “%(name)s”. Các bộ dữ liệu có: %(known)s.") % {
            "name": name,
            "known": known,
        }
        super().__init__(self.message)


def register(dataset_class: type[Dataset]) -> type[Dataset]:
    """Class decorator: make a dataset available to the commands, the back office and the API."""
    name = dataset_class.name
    if not name:
        raise ImproperlyConfigured(f"{dataset_class.__qualname__} has no name")
    existing = _registry.get(name)
    if existing is not None and existing.__qualname__ != dataset_class.__qualname__:
        raise ImproperlyConfigured(f"dataset {name!r} is registered twice ({existing!r}, {dataset_class!r})")
    _registry[name] = dataset_class
    return dataset_class


def get(name: str) -> Dataset:
    try:
        return _registry[name]()
    except KeyError:
        raise UnknownDataset(name) from None


def all() -> list[Dataset]:  # the registry's public name; builtins.all is used below
    return [_registry[name]() for name in sorted(_registry)]


def lookup_resolver(*stages: tuple[Callable[[], Any], str]) -> tabular.Resolver:
    """A resolver for a Lookup column: try each (queryset, field) stage in turn for the keys left.

    Each stage is one query per few hundred distinct keys, whatever the file's length. A key that
    matches several records in a stage is reported as ambiguous rather than guessed.
    """

    def resolve(keys: set[str]) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for queryset, field_name in stages:
            remaining = sorted(k for k in keys if k not in found)
            if not remaining:
                break
            hits: dict[str, list[Any]] = defaultdict(list)
            for chunk in _chunks(remaining, MATCH_CHUNK):
                for obj in queryset().filter(**{f"{field_name}__in": chunk}):
                    hits[str(getattr(obj, field_name))].append(obj)
            for key, objs in hits.items():
                found[key] = objs[0] if len(objs) == 1 else Ambiguous(len(objs))
        return found

    return resolve


@dataclass
class ImportResult:
    dataset: str
    file_name: str
    batch: ImportBatch
    dry_run: bool
    row_count: int = 0
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def status(self) -> str:
        return self.batch.status


def run_import(dataset_name: str, file_name: str, data: bytes, user: Any = None, dry_run: bool = False) -> ImportResult:
    """Import a whole file or nothing; record the run as an ImportBatch whatever the outcome."""
    result = _run_import(dataset_name, file_name, data, user=user, dry_run=dry_run)
    # Audited once the import's transaction is over: the audit log's lock is then never held
    # through a long write, which would make every login wait for the import.
    audit.import_recorded(result.batch)
    return result


def _run_import(dataset_name: str, file_name: str, data: bytes, *, user: Any, dry_run: bool) -> ImportResult:
    dataset = get(dataset_name)
    file_name = safe_display_name(file_name or "tep")
    user = user if getattr(user, "is_authenticated", False) else None
    if isinstance(dataset, BulkDataset):
        return _run_bulk_import(dataset, file_name, data, user=user, dry_run=dry_run)
    validation = tabular.validate(dataset, data, file_name, max_bytes=settings.IMPORT_MAX_BYTES)
    matches: dict[int, Any] = {}
    if validation.rows and dataset.natural_keys:
        matches, match_errors = _match_existing(dataset, validation.rows, validation.fields)
        validation.errors.extend(match_errors)
    errors = sorted(validation.errors, key=lambda e: e.row or 0)
    base = {"dataset": dataset.name, "file_name": file_name, "data": data, "user": user}
    if errors:
        return _record(**base, status=ImportBatch.Status.FAILED, row_count=validation.row_count, errors=errors)
    created = len(validation.rows) - len(matches)
    updated = len(matches)
    if dry_run:
        return _record(
            **base,
            status=ImportBatch.Status.DRY_RUN,
            row_count=validation.row_count,
            created=created,
            updated=updated,
        )
    try:
        with transaction.atomic():
            result = _record(
                **base,
                status=ImportBatch.Status.SUCCEEDED,
                row_count=validation.row_count,
                created=created,
                updated=updated,
            )
            reason = _("Nhập từ tệp %(file)s (lần nhập số %(id)d)") % {"file": file_name, "id": result.batch.pk}
            _write(dataset, validation.rows, validation.fields, matches, user=user, reason=reason[:100])
            faults.point("import.written")
    except DatabaseError as exc:
        # Validation should catch everything; this is the race with a concurrent edit, or a
        # database rule the dataset does not know. The transaction has rolled back every row.
        message = _("Không ghi được dữ liệu, chưa có dòng nào được ghi. Chi tiết: %(error)s") % {"error": exc}
        return _record(
            **base,
            status=ImportBatch.Status.FAILED,
            row_count=validation.row_count,
            errors=[RowError(None, "", "", message[:500])],
        )
    faults.point("import.committed")
    return result


def record_rejected(
    dataset_name: str, file_name: str, *, sha256: str, size: int, user: Any, message: str
) -> ImportResult:
    """Keep provenance of an upload refused before it was read (e.g. larger than the limit)."""
    dataset = get(dataset_name)
    user = user if getattr(user, "is_authenticated", False) else None
    error = RowError(None, "", "", message)
    batch = ImportBatch.objects.create(
        dataset=dataset.name,
        file_name=safe_display_name(file_name or "tep"),
        sha256=sha256,
        size=size,
        status=ImportBatch.Status.FAILED,
        error_count=1,
        errors=[error.as_dict()],
        created_by=user,
    )
    audit.import_recorded(batch)
    return ImportResult(dataset.name, batch.file_name, batch, dry_run=False, errors=[error])


def _record(
    *,
    dataset: str,
    file_name: str,
    data: bytes,
    user: Any,
    status: str,
    row_count: int,
    created: int = 0,
    updated: int = 0,
    errors: Sequence[RowError] = (),
) -> ImportResult:
    batch = ImportBatch.objects.create(
        dataset=dataset,
        file_name=file_name,
        sha256=ImportBatch.checksum(data),
        size=len(data),
        row_count=row_count,
        created_count=created,
        updated_count=updated,
        error_count=len(errors),
        errors=[e.as_dict() for e in errors[:MAX_STORED_ERRORS]],
        status=status,
        created_by=user,
    )
    return ImportResult(
        dataset=dataset,
        file_name=file_name,
        batch=batch,
        dry_run=status == ImportBatch.Status.DRY_RUN,
        row_count=row_count,
        created=created,
        updated=updated,
        errors=list(errors),
    )


def _attname(model: type[models.Model], name: str) -> str:
    return model._meta.get_field(name).attname  # type: ignore[union-attr]


def _empty_q(model: type[models.Model], name: str) -> Q:
    model_field = model._meta.get_field(name)
    if model_field.is_relation or not isinstance(model_field, models.CharField | models.TextField):
        return Q(**{f"{name}__isnull": True})
    empty = Q(**{name: ""})
    return empty | Q(**{f"{name}__isnull": True}) if model_field.null else empty


def _chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _match_existing(
    dataset: Dataset, rows: Sequence[ParsedRow], present: Sequence[str]
) -> tuple[dict[int, Any], list[RowError]]:
    """Find the record each row updates: {row number: record}, plus rows that match ambiguously."""
    model = dataset.model
    manager = model._default_manager
    by_alternative: dict[int, list[ParsedRow]] = defaultdict(list)
    for row in rows:
        if row.key is not None:
            by_alternative[row.key[0]].append(row)
    matches: dict[int, Any] = {}
    claimed: dict[Any, int] = {}
    errors: list[RowError] = []
    for alternative, group in sorted(by_alternative.items()):
        fields = dataset.natural_keys[alternative]
        attnames = [_attname(model, f) for f in fields]
        folded = [dataset.column(f).case_insensitive_key for f in fields]
        # A record identified by an earlier key (a tax code) is not the same record as a row
        # identified by a later one (a name) — but only if the file carries that earlier key.
        others = Q()
        for earlier in dataset.natural_keys[:alternative]:
            for name in earlier:
                if name in present and name not in fields:
                    others &= _empty_q(model, name)
        keys = list(dict.fromkeys(row.key[1] for row in group if row.key is not None))
        index: dict[tuple[Any, ...], list[Any]] = defaultdict(list)
        queryset = manager.filter(others)
        if folded[0] and len(attnames) == 1:
            # Keys are lower-cased by the dataset; compare the stored value lower-cased too.
            queryset = queryset.annotate(_natural_key=Lower(attnames[0]))
        for chunk in _chunks(keys, MATCH_CHUNK):
            if len(attnames) == 1 and builtins.all(k[0] is not None for k in chunk):
                lookup = "_natural_key" if folded[0] else attnames[0]
                condition = Q(**{f"{lookup}__in": [k[0] for k in chunk]})
            else:
                condition = Q()
                for key in chunk:
                    condition |= Q(
                        **{
                            (f"{a}__iexact" if fold and v is not None else a): v
                            for a, fold, v in zip(attnames, folded, key, strict=True)
                        }
                    )
            for obj in queryset.filter(condition):
                stored = (getattr(obj, a) for a in attnames)
                index[
                    tuple(
                        v.lower() if fold and isinstance(v, str) else v for v, fold in zip(stored, folded, strict=True)
                    )
                ].append(obj)
        header = dataset.column(fields[0]).header
        for row in group:
            assert row.key is not None
            found = index.get(row.key[1], [])
            if len(found) > 1:
                errors.append(
                    RowError(
                        row.number,
                        header,
                        tabular.cell_text(row.raw.get(fields[0])),
                        _("Có %(n)d bản ghi đã lưu cùng khớp dòng này; hãy sửa trong hệ thống trước khi nhập")
                        % {"n": len(found)},
                    )
                )
            elif found:
                obj = found[0]
                if obj.pk in claimed:
                    errors.append(
                        RowError(
                            row.number,
                            header,
                            tabular.cell_text(row.raw.get(fields[0])),
                            _("Dòng này và dòng %(first)d cùng trỏ tới một bản ghi đã lưu")
                            % {"first": claimed[obj.pk]},
                        )
                    )
                else:
                    claimed[obj.pk] = row.number
                    matches[row.number] = obj
    return matches, errors


def _write(
    dataset: Dataset,
    rows: Sequence[ParsedRow],
    present: Sequence[str],
    matches: dict[int, Any],
    *,
    user: Any,
    reason: str,
) -> None:
    model = dataset.model
    field_names = {f.name for f in model._meta.concrete_fields}
    now = timezone.now()
    new: list[Any] = []
    changed: list[Any] = []
    for row in rows:
        obj = matches.get(row.number)
        if obj is None:
            obj = model(**row.values)
            dataset.prepare(obj)
            new.append(obj)
            continue
        for name in present:
            setattr(obj, name, row.values[name])
        dataset.prepare(obj)
        # Bulk updates skip save(): do by hand what Record's save path does.
        if "updated_at" in field_names:
            obj.updated_at = now
        if "version" in field_names:
            obj.version = (obj.version or 0) + 1
        changed.append(obj)
    update_fields = [*present, *dataset.derived_fields, *(f for f in ("updated_at", "version") if f in field_names)]
    update_fields = list(dict.fromkeys(update_fields))
    historical = hasattr(model._meta, "simple_history_manager_attribute")
    if new:
        if historical:
            bulk_create_with_history(new, model, batch_size=BATCH_SIZE, default_user=user, default_change_reason=reason)
        else:
            model._default_manager.bulk_create(new, batch_size=BATCH_SIZE)
    if changed:
        if historical:
            bulk_update_with_history(
                changed,
                model,
                update_fields,
                batch_size=BATCH_SIZE,
                default_user=user,
                default_change_reason=reason,
            )
        else:
            model._default_manager.bulk_update(changed, update_fields, batch_size=BATCH_SIZE)


# --- Bulk datasets ------------------------------------------------------------------------------

# A column remembers the value of at most this many distinct cells (a year file repeats its types,
# owners, dates and results on every row); a column whose first chunk is nearly all distinct cells
# (serials, certificate numbers) is cleaned without remembering.
MEMO_LIMIT = 20_000
# Cells remembered by their value: types whose equality never crosses another's. Numbers are
# remembered with their type: 1 == 1.0 == True, and an Integer column takes 1 but refuses True.
_BY_VALUE = frozenset({str, dt.date, dt.datetime, type(None)})
_BY_TYPE_AND_VALUE = frozenset({int, float, bool})
_MISSING = object()
_NOT_FOUND = object()


@dataclass
class BulkPlan:
    """What a bulk dataset's plan() found: how many records write() will create and update.
    Datasets subclass it to carry what they will write."""

    created: int = 0
    updated: int = 0


class Chunk:
    """Checked rows of one stretch of a file, one list per column (a year file would not fit in
    memory as one dict per row).

    `values[field]` has every column of the dataset, cleaned, lookups resolved to records (a column
    the file leaves out holds its empty value); `numbers` has the rows' Excel numbers. A dataset
    refuses a row with `error(index, field, message)`: the report names the row, the column and
    the cell as the user typed it.
    """

    def __init__(
        self,
        numbers: list[int],
        values: dict[str, list[Any]],
        raw: dict[str, Sequence[Any]] | None,
        sink: Callable[[Chunk, int, str, str], None],
    ) -> None:
        self.numbers = numbers
        self.values = values
        self.raw = raw  # the cells as read, while the engine checks the chunk; then None
        self._sink = sink
        self.refused: set[int] = set()

    def __len__(self) -> int:
        return len(self.numbers)

    def error(self, index: int, field_name: str, message: str) -> None:
        self._sink(self, index, field_name, message)

    def without_refused(self) -> Chunk:
        """The same chunk without the rows refused so far."""
        if not self.refused:
            return self
        keep = [index not in self.refused for index in range(len(self.numbers))]

        def kept(items: Sequence[Any]) -> list[Any]:
            return list(itertools.compress(items, keep))

        raw: dict[str, Sequence[Any]] | None = None
        if self.raw is not None:
            raw = {name: kept(cells) for name, cells in self.raw.items()}
        values = {name: kept(items) for name, items in self.values.items()}
        return Chunk(kept(self.numbers), values, raw, self._sink)


class BulkDataset(Dataset):
    """A dataset imported by `plan()` and `write()` instead of one record per row.

    For files whose rows need checks against stored records in bulk (a number already used, an
    instrument's year made) or write several tables, at the scale of a year file. The runner reads
    the file in chunks of `chunk_rows`, cleans each column with the dataset's own columns (the
    same values and messages as the plain runner), runs `check_rows` (by default `clean_row` on
    each row), resolves lookups, and hands the chunks that are left to `plan()`. If any row of the
    file was refused, by the engine or by `plan()`, nothing is written and every bad row is named;
    otherwise `write()` runs in one transaction, after the ImportBatch is recorded. `natural_keys`
    are not used: `plan()` finds the stored records a row refers to.
    """

    chunk_rows: ClassVar[int] = 2000
    # A dataset that sets this writes its plan a part at a time (write_part, then write_end): the
    # runner then writes each stretch of checked rows in a second thread, inside the import's
    # transaction, while the next chunk is read and checked. plan() reports its progress through
    # the `ready` callback it is given.
    writes_in_parts: ClassVar[bool] = False

    def check_rows(self, chunk: Chunk) -> None:
        """Rules across the columns of each row, on cleaned values (lookup columns still hold the
        key as typed); refuse a row with chunk.error(). Datasets may check a column at a time."""
        fields = list(chunk.values)
        for index, row in enumerate(zip(*chunk.values.values(), strict=True)):
            for field_name, message in self.clean_row(dict(zip(fields, row, strict=True))):
                chunk.error(index, field_name, message)

    def plan(self, chunks: Iterable[Chunk], ready: Callable[[BulkPlan, int], None] | None = None) -> BulkPlan:
        """Check each chunk against stored records (refusing rows with chunk.error()) and keep
        what write() needs. Nothing may be written here. A dataset that writes in parts calls
        `ready(plan, n)` (when given) once the plan's first n rows are checked."""
        raise NotImplementedError

    def write(self, plan: BulkPlan, *, user: Any, reason: str) -> None:
        """Write a plan whose every row passed; runs inside the import's transaction."""
        raise NotImplementedError

    def write_part(self, plan: BulkPlan, start: int, end: int, *, user: Any, reason: str) -> None:
        """Write the plan's rows start..end-1, all checked and passed, while later rows are still
        being checked (datasets with `writes_in_parts`). Runs in the writer thread, in the import's
        transaction, with raw statements only (khcn.core.bulk); stored records this import wrote
        are visible to plan()'s later reads, which must not take them for earlier ones."""
        raise NotImplementedError

    def write_end(self, plan: BulkPlan, *, user: Any, reason: str) -> None:
        """After the last part: what follows from the whole file (datasets with `writes_in_parts`)."""
        raise NotImplementedError


def _blank(cells: Sequence[Any]) -> bool:
    # tabular.is_blank over a row, cheap for the usual row whose first cell is filled.
    for cell in cells:
        if cell is None:
            continue
        if isinstance(cell, str):
            if cell.strip():
                return False
            continue
        return False
    return True


def _unusable(target: Any) -> bool:
    return target is _NOT_FOUND or isinstance(target, Ambiguous)


class _Cleaner:
    """One column's Column.clean over a chunk of cells, remembering the value of repeated cells."""

    def __init__(self, column: Column) -> None:
        self.clean = column.clean
        self.memo: dict[Any, Any] | None = {}
        self.first = True
        # Every cell so far remembered by its value alone: try one lookup per cell, in C, first.
        self.by_value = True
        # A plain text column (not a subclass that checks more, such as Email) returns a text
        # cell as it is when there is nothing to strip or unescape: checked a chunk at a time.
        self.text = type(column) is tabular.Text
        self.max_length = getattr(column, "max_length", None)
        self.required = column.required

    def _as_typed(self, cells: Sequence[Any]) -> list[Any] | None:
        """The cells themselves, if every one is a text that Text.clean would return unchanged
        (no surrounding space, no leading apostrophe, not too long, not missing); else None."""
        texts = list(cells)
        if set(map(type, texts)) != {str}:
            return None
        if any(map(str.startswith, texts, itertools.repeat("'"))):
            return None
        if list(map(str.strip, texts)) != texts:  # strip() returns the very same text if unchanged
            return None
        lengths = set(map(len, texts))
        if (self.max_length is not None and max(lengths) > self.max_length) or (self.required and 0 in lengths):
            return None
        return texts

    def run(self, cells: Sequence[Any]) -> tuple[list[Any], list[tuple[int, str]]]:
        memo = self.memo
        if memo is not None and self.by_value:
            try:
                return [memo[cell] for cell in cells], []
            except (KeyError, TypeError):
                pass
        if self.text and memo is None:
            as_typed = self._as_typed(cells)
            if as_typed is not None:
                return as_typed, []
        clean = self.clean
        values: list[Any] = []
        problems: list[tuple[int, str]] = []
        append = values.append
        for index, cell in enumerate(cells):
            key: Any = _MISSING
            if memo is not None:
                kind = cell.__class__
                if kind in _BY_VALUE:
                    key = cell
                elif kind in _BY_TYPE_AND_VALUE:
                    key = (kind, cell)
                    self.by_value = False
                if key is not _MISSING:
                    value = memo.get(key, _MISSING)
                    if value is not _MISSING:
                        append(value)
                        continue
            try:
                value = clean(cell)
            except ParseError as exc:
                problems.append((index, str(exc)))
                append(None)
                continue
            if key is not _MISSING and len(memo) < MEMO_LIMIT:  # type: ignore[arg-type]
                memo[key] = value  # type: ignore[index]
            append(value)
        if self.first:
            self.first = False
            if memo is not None and len(memo) > 0.9 * len(cells):
                self.memo = None  # distinct cells (serials, numbers): remembering them costs more than it saves
        return values, problems


class _BulkReader:
    """Reads a file for a BulkDataset chunk by chunk, with the engine's checks and messages."""

    def __init__(self, dataset: BulkDataset, data: bytes, file_name: str, *, max_bytes: int | None) -> None:
        self.dataset = dataset
        self.data = data
        self.file_name = file_name
        self.max_bytes = max_bytes
        self.errors: list[RowError] = []
        # (row, field, message) from plan(): the cell is looked up in the file only if there are any.
        self.pending: list[tuple[int, str, str]] = []
        self.row_count = 0
        self.failed = False  # the file could not be read to its end
        self.positions: dict[str, int] = {}
        self._known: dict[str, dict[str, Any]] = defaultdict(dict)

    def _fail(self, message: str) -> None:
        self.errors.append(RowError(row=None, column="", value="", message=message))

    def chunks(self) -> Iterator[Chunk]:
        data = self.data
        if not data:
            self._fail(_("Tệp rỗng."))
            return
        if self.max_bytes is not None and len(data) > self.max_bytes:
            self._fail(
                _("Tệp quá lớn: %(size)s MB, tối đa %(limit)s MB.")
                % {"size": round(len(data) / 1_048_576, 1), "limit": round(self.max_bytes / 1_048_576, 1)}
            )
            return
        try:
            rows = tabular.read_rows(data, self.file_name)
            # The engine's own header matching, so both runners accept and refuse the same headers.
            header = tabular.Validation()
            header_number, layout = tabular._read_header(self.dataset, rows, header)
            self.errors.extend(header.errors)
            if layout is None:
                return
            self.positions = {column.field: position for position, column in layout.items()}
            cleaners = {column.field: _Cleaner(column) for column in layout.values()}
            size = self.dataset.chunk_rows
            numbers: list[int] = []
            batch: list[list[Any]] = []
            for number, cells in rows:
                first = cells[0] if cells else None
                # A filled first cell is the usual row; anything else gets the full blank test.
                if not (first.__class__ is str and first.strip()) and _blank(cells):  # type: ignore[union-attr]
                    continue
                numbers.append(number)
                batch.append(cells)
                if len(batch) >= size:
                    self.row_count += len(batch)
                    chunk = self._check(numbers, batch, layout, cleaners)
                    numbers, batch = [], []
                    if chunk is not None:
                        yield chunk
            if batch:
                self.row_count += len(batch)
                chunk = self._check(numbers, batch, layout, cleaners)
                numbers, batch = [], []
                if chunk is not None:
                    yield chunk
        except TabularError as exc:
            self.failed = True
            self._fail(exc.message)
            return
        if header_number is not None and self.row_count == 0:
            self._fail(_("Tệp không có dòng dữ liệu nào dưới dòng tiêu đề."))

    def _check(
        self, numbers: list[int], rows: list[list[Any]], layout: dict[int, Column], cleaners: dict[str, _Cleaner]
    ) -> Chunk | None:
        """Clean, check and resolve one chunk; None if no row of it is left."""
        count = len(rows)
        width = len(rows[0])
        if builtins.all(len(cells) == width for cells in rows):
            columns = list(zip(*rows, strict=True))
        else:  # CSV rows may be ragged
            columns = list(itertools.zip_longest(*rows))
        blank = (None,) * count
        raw: dict[str, Sequence[Any]] = {}
        values: dict[str, list[Any]] = {}
        refused: set[int] = set()
        # Cell by cell, in the file's column order (the engine's order of messages within a row).
        for position, column in layout.items():
            cells = columns[position] if position < len(columns) else blank
            raw[column.field] = cells
            values[column.field], problems = cleaners[column.field].run(cells)
            for index, message in problems:
                refused.add(index)
                self.errors.append(RowError(numbers[index], column.header, tabular._short(cells[index]), message))
        for column in self.dataset.columns:
            if column.field not in values:
                raw[column.field] = blank
                values[column.field] = [column.empty_value()] * count
        chunk = Chunk(numbers, values, raw, self._refuse)
        chunk.refused = refused
        chunk = chunk.without_refused()
        if chunk.numbers:
            self.dataset.check_rows(chunk)
            chunk = chunk.without_refused()
        if chunk.numbers:
            self._resolve(chunk, [c for c in layout.values() if isinstance(c, tabular.Lookup)])
            chunk = chunk.without_refused()
        if not chunk.numbers:
            return None
        chunk.raw = None  # plan() errors look their cells up in the file, if there are any
        chunk._sink = self._pending
        return chunk

    def _refuse(self, chunk: Chunk, index: int, field_name: str, message: str) -> None:
        assert chunk.raw is not None
        column = self.dataset.column(field_name)
        chunk.refused.add(index)
        self.errors.append(
            RowError(chunk.numbers[index], column.header, tabular._short(chunk.raw[field_name][index]), message)
        )

    def _pending(self, chunk: Chunk, index: int, field_name: str, message: str) -> None:
        chunk.refused.add(index)
        self.pending.append((chunk.numbers[index], field_name, message))

    def _resolve(self, chunk: Chunk, lookups: list[tabular.Lookup]) -> None:
        """Lookup keys to records, each distinct key resolved once per file (as the engine does,
        a few queries per few hundred keys)."""
        for column in lookups:
            keys = chunk.values[column.field]
            known = self._known[column.field]
            distinct = set(keys)
            new = {key for key in distinct - known.keys() if key}
            if new:
                found = column.resolve(new)
                for key in new:
                    known[key] = found.get(key, _NOT_FOUND)
            failing = {key for key in distinct if key and _unusable(known[key])}
            if not failing:
                chunk.values[column.field] = [known[key] if key else None for key in keys]
                continue
            resolved: list[Any] = []
            for index, key in enumerate(keys):
                target = known[key] if key else None
                if key in failing:
                    if target is _NOT_FOUND:
                        message = _("Không tìm thấy %(noun)s “%(key)s”") % {"noun": column.noun, "key": key}
                    else:
                        assert isinstance(target, Ambiguous)
                        message = _("Có %(n)d %(noun)s cùng khớp “%(key)s”; hãy ghi mã để phân biệt") % {
                            "n": target.count,
                            "noun": column.noun,
                            "key": key,
                        }
                    chunk.error(index, column.field, message)
                    target = None
                resolved.append(target)
            chunk.values[column.field] = resolved

    def all_errors(self) -> list[RowError]:
        """Every error, by row; plan() errors with the cell as typed (the file is read again)."""
        errors = list(self.errors)
        if self.pending and not self.failed:
            errors += self._pending_errors()
        errors.sort(key=lambda e: e.row or 0)
        return errors

    def _pending_errors(self) -> list[RowError]:
        wanted: dict[int, set[int]] = defaultdict(set)
        for number, field_name, _message in self.pending:
            position = self.positions.get(field_name)
            if position is not None:
                wanted[number].add(position)
        texts: dict[tuple[int, int], str] = {}
        left = len(wanted)
        if left:
            for number, cells in tabular.read_rows(self.data, self.file_name):
                positions = wanted.get(number)
                if positions is None:
                    continue
                for position in positions:
                    texts[(number, position)] = tabular._short(cells[position] if position < len(cells) else None)
                left -= 1
                if not left:
                    break
        return [
            RowError(
                number,
                self.dataset.column(field_name).header,
                texts.get((number, self.positions.get(field_name, -1)), ""),
                message,
            )
            for number, field_name, message in self.pending
        ]


def _run_bulk_import(dataset: BulkDataset, file_name: str, data: bytes, *, user: Any, dry_run: bool) -> ImportResult:
    reader = _BulkReader(dataset, data, file_name, max_bytes=settings.IMPORT_MAX_BYTES)
    base = {"dataset": dataset.name, "file_name": file_name, "data": data, "user": user}
    if dataset.writes_in_parts and not dry_run:
        return _run_in_parts(dataset, reader, base, user=user)
    with bulk.gc_paused():
        plan = dataset.plan(reader.chunks())
        errors = reader.all_errors()
        if errors:
            return _record(**base, status=ImportBatch.Status.FAILED, row_count=reader.row_count, errors=errors)
        row_count, created, updated = reader.row_count, plan.created, plan.updated
        if dry_run:
            return _record(
                **base,
                status=ImportBatch.Status.DRY_RUN,
                row_count=row_count,
                created=created,
                updated=updated,
            )
        try:
            with transaction.atomic():
                result = _record(
                    **base,
                    status=ImportBatch.Status.SUCCEEDED,
                    row_count=row_count,
                    created=created,
                    updated=updated,
                )
                reason = _("Nhập từ tệp %(file)s (lần nhập số %(id)d)") % {"file": file_name, "id": result.batch.pk}
                dataset.write(plan, user=user, reason=reason[:100])
                faults.point("import.written")
        except DatabaseError as exc:
            return _record(
                **base, status=ImportBatch.Status.FAILED, row_count=reader.row_count, errors=_write_failed(exc)
            )
    faults.point("import.committed")
    return result


class _RollBack(Exception):
    """Leaves the import's transaction with everything written so far undone."""


def _write_failed(exc: BaseException) -> list[RowError]:
    # The checks should catch everything; this is a concurrent edit or a database rule they do
    # not know. The transaction has rolled back every row.
    message = _("Không ghi được dữ liệu, chưa có dòng nào được ghi. Chi tiết: %(error)s") % {"error": exc}
    return [RowError(None, "", "", message[:500])]


def _run_in_parts(dataset: BulkDataset, reader: _BulkReader, base: dict[str, Any], *, user: Any) -> ImportResult:
    """The bulk runner for a dataset that writes in parts: rows are written, in the import's one
    transaction, as soon as they are checked and as long as no row before them was refused. Any
    refused row, or a write the database refuses, rolls the whole transaction back: the file is
    imported whole or not at all, exactly as by plan() then write().

    Where a second connection can hold the transaction (bulk.writes_on_own_connection: always in
    production), a writer thread writes each part while this one reads and checks the next, so
    that the database's work overlaps the reading. Inside a transaction already (a test's, a
    caller's atomic block) this thread writes each part itself, between two chunks."""
    if bulk.writes_on_own_connection():
        return _run_in_parts_on_own_connection(dataset, reader, base, user=user)
    file_name = base["file_name"]
    errors: list[RowError] = []
    with bulk.gc_paused():
        try:
            with transaction.atomic():
                result = _record(**base, status=ImportBatch.Status.SUCCEEDED, row_count=0)
                reason = _("Nhập từ tệp %(file)s (lần nhập số %(id)d)") % {"file": file_name, "id": result.batch.pk}
                reason = reason[:100]
                written = 0
                refused: DatabaseError | None = None

                def ready(checked: BulkPlan, rows: int) -> None:
                    nonlocal written, refused
                    # Nothing more is written once a row is refused: the transaction will roll back.
                    if reader.errors or reader.pending or refused is not None or rows <= written:
                        return
                    try:
                        with transaction.atomic():  # a savepoint: the reads go on after a refusal
                            dataset.write_part(checked, written, rows, user=user, reason=reason)
                    except DatabaseError as exc:
                        refused = exc
                    written = rows

                plan = dataset.plan(reader.chunks(), ready)
                errors = reader.all_errors()
                if errors:
                    raise _RollBack
                if refused is not None:
                    errors = _write_failed(refused)
                    raise _RollBack
                dataset.write_end(plan, user=user, reason=reason)
                batch = result.batch
                batch.row_count, batch.created_count, batch.updated_count = reader.row_count, plan.created, plan.updated
                batch.save(update_fields=["row_count", "created_count", "updated_count"])
                result.row_count, result.created, result.updated = reader.row_count, plan.created, plan.updated
                faults.point("import.written")
        except _RollBack:
            return _record(**base, status=ImportBatch.Status.FAILED, row_count=reader.row_count, errors=errors)
        except DatabaseError as exc:
            return _record(
                **base, status=ImportBatch.Status.FAILED, row_count=reader.row_count, errors=_write_failed(exc)
            )
    faults.point("import.committed")
    return result


def _run_in_parts_on_own_connection(
    dataset: BulkDataset, reader: _BulkReader, base: dict[str, Any], *, user: Any
) -> ImportResult:
    # The reads here see the registry as it was before the import: the writer's rows are not
    # committed, and SQLite's write-ahead log lets this connection read while the other writes.
    file_name = base["file_name"]
    errors: list[RowError] = []
    commit = False
    writer = bulk.TransactionWriter()
    try:
        with bulk.gc_paused():
            result: ImportResult | None = writer.run(
                lambda: _record(**base, status=ImportBatch.Status.SUCCEEDED, row_count=0)
            )
            if result is not None:
                batch = result.batch
                reason = _("Nhập từ tệp %(file)s (lần nhập số %(id)d)") % {"file": file_name, "id": batch.pk}
                reason = reason[:100]
                writer.write = lambda p, start, end: dataset.write_part(p, start, end, user=user, reason=reason)

                def ready(checked: BulkPlan, rows: int) -> None:
                    # Nothing more is written once a row is refused: the transaction will roll back.
                    if not (reader.errors or reader.pending):
                        writer.submit(checked, rows)

                plan = dataset.plan(reader.chunks(), ready)
                errors = reader.all_errors()
                if not errors and writer.error is None:

                    def end() -> None:
                        dataset.write_end(plan, user=user, reason=reason)
                        batch.row_count, batch.created_count = reader.row_count, plan.created
                        batch.updated_count = plan.updated
                        batch.save(update_fields=["row_count", "created_count", "updated_count"])
                        faults.point("import.written")

                    writer.run(end)
                    commit = writer.error is None
    finally:
        writer.close(commit=commit)
    if errors:
        return _record(**base, status=ImportBatch.Status.FAILED, row_count=reader.row_count, errors=errors)
    if writer.error is not None or result is None:
        assert writer.error is not None
        failed = _write_failed(writer.error)
        return _record(**base, status=ImportBatch.Status.FAILED, row_count=reader.row_count, errors=failed)
    result.row_count, result.created, result.updated = reader.row_count, plan.created, plan.updated
    faults.point("import.committed")
    return result


def run_export(dataset_name: str, queryset: Any = None, fmt: str = tabular.XLSX) -> bytes:
    """Export records (the dataset's default list, or the given queryset) as XLSX or CSV bytes."""
    dataset = get(dataset_name)
    if queryset is None:
        queryset = dataset.export_queryset()
    related = [c.field for c in dataset.columns if isinstance(c, tabular.Lookup)]
    if related:
        queryset = queryset.select_related(*related)
    rows = 0

    def counted() -> Iterator[Any]:
        nonlocal rows
        for obj in queryset.iterator(chunk_size=2000):
            rows += 1
            yield obj

    data = tabular.export(dataset, counted(), fmt)
    # Who asked comes from the request being served (the back office), or nobody (export_data).
    audit.export_recorded(dataset=dataset.name, rows=rows, fmt=fmt)
    return data


def error_report(batch: ImportBatch) -> bytes:
    """The stored errors of one import run, as the XLSX the user downloads."""
    errors = [RowError.from_dict(e) for e in batch.errors or []]
    return tabular.error_report(errors, title=_("Lỗi nhập dữ liệu"))


def format_for(file_name: str) -> str:
    """xlsx or csv, from the file name's extension."""
    lowered = file_name.lower()
    if lowered.endswith(".xlsx"):
        return tabular.XLSX
    if lowered.endswith(".csv"):
        return tabular.CSV
    raise ValueError(_("Tên tệp phải kết thúc bằng .xlsx hoặc .csv"))


__all__ = [
    "Ambiguous",
    "BulkDataset",
    "BulkPlan",
    "Chunk",
    "ImportResult",
    "UnknownDataset",
    "all",
    "error_report",
    "format_for",
    "get",
    "lookup_resolver",
    "record_rejected",
    "register",
    "run_export",
    "run_import",
]
