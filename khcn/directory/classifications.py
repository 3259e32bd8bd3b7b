"""Classification lists as data: fields of science, task forms and funding sources, each loaded
from a JSON file in `data/`.

Loading is idempotent and keeps the lists in step with the files: a new code is created, a changed
name or attribute is updated, an unchanged row is not touched (so simple-history records only real
changes). Rows that are in the database but not in a file are left alone: staff may have added
them, and records may point to them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.db import models, transaction

from khcn.directory.models import FieldOfScience, FundingSource, TaskForm
from khcn.directory.units import LoadResult

DATA_DIR = Path(__file__).parent / "data"
FIELDS_FILE = DATA_DIR / "fields_of_science.json"
TASK_FORMS_FILE = DATA_DIR / "task_forms.json"
FUNDING_SOURCES_FILE = DATA_DIR / "funding_sources.json"

_CHANGE_REASON = "Nạp danh mục (load_classifications)"


def _read(path: Path, list_name: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))[list_name]
    codes = [item["code"] for item in items]
    duplicates = sorted({code for code in codes if codes.count(code) > 1})
    if duplicates:
        raise ValueError(f"{path.name}: mã trùng {', '.join(duplicates)}")
    return items


def _upsert(
    model: type[models.Model], code: str, values: dict[str, Any], existing: dict[str, Any], result: LoadResult
) -> Any:
    """Create or update one row by code; save() only when something changed."""
    obj: Any = existing.get(code)
    if obj is None:
        obj = model(code=code, **values)
        result.created += 1
    elif any(getattr(obj, name) != value for name, value in values.items()):
        for name, value in values.items():
            setattr(obj, name, value)
        result.updated += 1
    else:
        result.unchanged += 1
        return obj
    obj._change_reason = _CHANGE_REASON  # read by simple-history for the history row
    obj.save()
    existing[code] = obj
    return obj


@transaction.atomic
def load_fields_of_science(path: Path = FIELDS_FILE) -> LoadResult:
    """Fields of science (Circular 24/2025/TT-BKHCN codes): level 1, then level 2 under them."""
    items = _read(path, "fields")
    known = {item["code"] for item in items}
    for item in items:
        if item.get("parent") and item["parent"] not in known:
            raise ValueError(f"{path.name}: {item['code']}: không thấy lĩnh vực cha {item['parent']!r}")
    existing = {f.code: f for f in FieldOfScience.objects.all()}
    result = LoadResult()
    # Parents before children, whatever order the file lists them in.
    for item in sorted(items, key=lambda i: (i["level"], i["code"])):
        parent = existing[item["parent"]] if item.get("parent") else None
        values = {"name": item["name"], "level": item["level"], "parent_id": parent.pk if parent else None}
        _upsert(FieldOfScience, item["code"], values, existing, result)
    return result


@transaction.atomic
def load_task_forms(path: Path = TASK_FORMS_FILE) -> LoadResult:
    existing = {f.code: f for f in TaskForm.objects.all()}
    result = LoadResult()
    for item in _read(path, "task_forms"):
        _upsert(TaskForm, item["code"], {"name": item["name"], "order": item["order"]}, existing, result)
    return result


@transaction.atomic
def load_funding_sources(path: Path = FUNDING_SOURCES_FILE) -> LoadResult:
    existing = {s.code: s for s in FundingSource.objects.all()}
    result = LoadResult()
    for item in _read(path, "funding_sources"):
        values = {"name": item["name"], "order": item["order"], "is_state_budget": item["is_state_budget"]}
        _upsert(FundingSource, item["code"], values, existing, result)
    return result


@transaction.atomic
def load_all() -> dict[str, LoadResult]:
    return {
        "Lĩnh vực KH&CN": load_fields_of_science(),
        "Hình thức nhiệm vụ": load_task_forms(),
        "Nguồn kinh phí": load_funding_sources(),
    }
