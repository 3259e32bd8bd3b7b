"""The deadlines of the quality registry as data, loaded from data/deadline_rules.json.

Idempotent: a rule is identified by its kind and the date from which it applies; a changed value
is updated, an unchanged one left alone (history records only real changes), and rules not in
the file (added by staff) are kept. A new legal text is a new row with a later date.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.db import transaction

from khcn.registries.quality.models import DeadlineRule

RULES_FILE = Path(__file__).parent / "data" / "deadline_rules.json"
CHANGE_REASON = "Nạp thời hạn theo quy định (load_quality_rules)"


@transaction.atomic
def load_deadline_rules(path: Path = RULES_FILE) -> tuple[int, int]:
    """(created, updated)."""
    items: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["rules"]
    existing = {(r.kind, r.valid_from): r for r in DeadlineRule.objects.all()}
    created = updated = 0
    for item in items:
        valid_from = dt.date.fromisoformat(item["valid_from"])
        values = {k: item.get(k, "") for k in ("amount", "unit", "legal_basis", "note")}
        rule = existing.get((item["kind"], valid_from))
        if rule is None:
            rule = DeadlineRule(kind=item["kind"], valid_from=valid_from)
            created += 1
        elif all(getattr(rule, k) == v for k, v in values.items()):
            continue
        else:
            updated += 1
        for name, value in values.items():
            setattr(rule, name, value)
        rule._change_reason = CHANGE_REASON  # type: ignore[attr-defined]
        rule.full_clean()
        rule.save()
    return created, updated
