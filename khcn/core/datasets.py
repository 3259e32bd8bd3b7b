"""The registry of tabular datasets and the Django-side runner that imports and exports them.

Apps declare their datasets in `imports.py` with `@datasets.register`; CoreConfig.ready()
autodiscovers those modules. `run_import` validates the whole file with khcn.lib.tabular, matches
rows to existing records by natural key, and only then writes everything in one transaction, in
batches, with history; every run, including refused ones and dry runs, leaves an ImportBatch.
"""

from __future__ import annotations

import builtins
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, models, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from khcn.core.filetypes import safe_display_name
from khcn.core.models import ImportBatch
from khcn.lib import tabular
from khcn.lib.tabular import Ambiguous, Dataset, ParsedRow, RowError

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
    dataset = get(dataset_name)
    file_name = safe_display_name(file_name or "tep")
    user = user if getattr(user, "is_authenticated", False) else None
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


def run_export(dataset_name: str, queryset: Any = None, fmt: str = tabular.XLSX) -> bytes:
    """Export records (the dataset's default list, or the given queryset) as XLSX or CSV bytes."""
    dataset = get(dataset_name)
    if queryset is None:
        queryset = dataset.export_queryset()
    related = [c.field for c in dataset.columns if isinstance(c, tabular.Lookup)]
    if related:
        queryset = queryset.select_related(*related)
    return tabular.export(dataset, queryset.iterator(chunk_size=2000), fmt)


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
