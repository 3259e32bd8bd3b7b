"""The group-2 instrument list and its verification cycles, loaded from data/instrument_types.json.

Idempotent, in the way of khcn.directory.classifications: a new type or cycle is created, a
changed one updated, an unchanged one left alone (so history records only real changes), and
rows not in the file (added by staff, or superseded) are kept. A cycle is identified by its type
and the date from which it applies; a changed cycle is a new row with a later date.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

from khcn.registries.metrology.models import InstrumentType, VerificationCycle

TYPES_FILE = Path(__file__).parent / "data" / "instrument_types.json"
CHANGE_REASON = "Nạp danh mục phương tiện đo (load_instrument_types)"


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return f"{self.created} mới, {self.updated} cập nhật, {self.unchanged} không đổi"


def _upsert(obj: Any, values: dict[str, Any], result: LoadResult) -> Any:
    if obj.pk is not None and all(getattr(obj, name) == value for name, value in values.items()):
        result.unchanged += 1
        return obj
    if obj.pk is None:
        result.created += 1
    else:
        result.updated += 1
    for name, value in values.items():
        setattr(obj, name, value)
    obj._change_reason = CHANGE_REASON  # read by simple-history
    obj.save()
    return obj


@transaction.atomic
def load_instrument_types(path: Path = TYPES_FILE) -> LoadResult:
    items: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["instrument_types"]
    result = LoadResult()
    types = {t.code: t for t in InstrumentType.objects.all()}
    cycles = {(c.instrument_type_id, c.valid_from): c for c in VerificationCycle.objects.all()}
    for item in items:
        instrument_type = _upsert(
            types.get(item["code"]) or InstrumentType(code=item["code"]),
            {"name": item["name"], "order": item.get("order", 0)},
            result,
        )
        for cycle in item["cycles"]:
            valid_from = dt.date.fromisoformat(cycle["valid_from"])
            _upsert(
                cycles.get((instrument_type.pk, valid_from))
                or VerificationCycle(instrument_type=instrument_type, valid_from=valid_from),
                {
                    "cycle_months": cycle["cycle_months"],
                    "legal_basis": cycle.get("legal_basis", ""),
                    "note": cycle.get("note", ""),
                },
                result,
            )
    return result
