"""Administrative units as data: today's from the `vietnam-provinces` package, the pre-2025 ones
(old provinces, districts, communes of Hưng Yên and Thái Bình) from our own file
`data/units_pre2025.json`, with validity dates and successor links.

Every loader is idempotent: it compares with what is stored and writes only the difference, in
bulk (the ~3,400 current units are reference data, loaded without per-row history).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Q

from khcn.directory.models import AdministrativeUnit
from khcn.lib.text import fold

Level = AdministrativeUnit.Level

# The day the two-tier local government took effect (Law 72/2025/QH15, NQ 202/2025/QH15).
REFORM_DATE = dt.date(2025, 7, 1)
PRE2025_FILE = Path(__file__).parent / "data" / "units_pre2025.json"

_LEVEL_RANK = {Level.PROVINCE: 0, Level.DISTRICT: 1, Level.COMMUNE: 2}
_BATCH = 500


@dataclass
class LoadResult:
    """What one loader did; `links_*` count successor links."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    links_added: int = 0
    links_removed: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.links_added or self.links_removed)

    def __str__(self) -> str:
        text = f"{self.created} mới, {self.updated} cập nhật, {self.unchanged} không đổi"
        if self.links_added or self.links_removed:
            text += f"; liên kết kế thừa: +{self.links_added} −{self.links_removed}"
        return text


def _clean(name: str) -> str:
    # The package carries stray double spaces ("Xã  Bắc Đông Quan"); searches and exports should not.
    return " ".join(name.split())


def province_code(value: Any) -> str:
    """GSO province codes are two digits ("01" Hà Nội, "33" Hưng Yên)."""
    return f"{int(value):02d}"


def commune_code(value: Any) -> str:
    """GSO commune codes are five digits ("00004", "11953")."""
    return f"{int(value):05d}"


def _package_rows() -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    # Imported here: the package builds its lookup tables (~3,300 objects) on import, which only
    # the loader needs.
    from vietnam_provinces import Province, Ward

    provinces = [
        {"code": province_code(p.code), "name": _clean(p.name), "division_type": str(p.division_type.value)}
        for p in Province.iter_all()
    ]
    communes = [
        {
            "code": commune_code(w.code),
            "name": _clean(w.name),
            "division_type": str(w.division_type.value),
            "parent_code": province_code(w.province_code),
        }
        for w in Ward.iter_all()
    ]
    return provinces, communes


def _sync_current_level(
    level: str, rows: list[dict[str, str]], parent_ids: dict[str, int] | None, result: LoadResult
) -> dict[str, int]:
    """Create or update the current units of one level; return code -> id for that level."""
    existing = {
        code: (pk, name, division_type, parent_id)
        for pk, code, name, division_type, parent_id in AdministrativeUnit.objects.filter(
            level=level, valid_from=REFORM_DATE
        ).values_list("id", "code", "name", "division_type", "parent_id")
    }
    to_create: list[AdministrativeUnit] = []
    to_update: list[AdministrativeUnit] = []
    for row in rows:
        parent_id = parent_ids[row["parent_code"]] if parent_ids is not None else None
        fields = {
            "name": row["name"],
            "name_folded": fold(row["name"]),
            "division_type": row["division_type"],
            "parent_id": parent_id,
        }
        found = existing.get(row["code"])
        if found is None:
            to_create.append(AdministrativeUnit(code=row["code"], level=level, valid_from=REFORM_DATE, **fields))
        elif found[1:] != (row["name"], row["division_type"], parent_id):
            to_update.append(AdministrativeUnit(pk=found[0], **fields))
        else:
            result.unchanged += 1
    # bulk_create skips save(), so name_folded is filled above rather than by the model.
    AdministrativeUnit.objects.bulk_create(to_create, batch_size=_BATCH)
    AdministrativeUnit.objects.bulk_update(
        to_update, ["name", "name_folded", "division_type", "parent_id"], batch_size=_BATCH
    )
    result.created += len(to_create)
    result.updated += len(to_update)
    return dict(AdministrativeUnit.objects.filter(level=level, valid_from=REFORM_DATE).values_list("code", "id"))


@transaction.atomic
def load_current_units() -> LoadResult:
    """Load the 34 provinces and their communes in force from 01/07/2025 (vietnam-provinces)."""
    provinces, communes = _package_rows()
    result = LoadResult()
    province_ids = _sync_current_level(Level.PROVINCE, provinces, None, result)
    _sync_current_level(Level.COMMUNE, communes, province_ids, result)
    return result


def _parse_date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def read_pre2025(path: Path = PRE2025_FILE) -> list[dict[str, Any]]:
    """The units of the data file, checked for the mistakes a hand edit makes; parents come first."""
    units: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["units"]
    by_key: dict[str, dict[str, Any]] = {}
    for unit in units:
        key = unit["key"]
        if key in by_key:
            raise ValueError(f"{path.name}: khoá trùng {key!r}")
        if unit["level"] not in _LEVEL_RANK:
            raise ValueError(f"{path.name}: {key}: cấp không hợp lệ {unit['level']!r}")
        if not unit.get("valid_to"):
            raise ValueError(f"{path.name}: {key}: đơn vị cũ phải có valid_to")
        valid_from, valid_to = _parse_date(unit.get("valid_from")), _parse_date(unit["valid_to"])
        if valid_from and valid_to and valid_from >= valid_to:
            raise ValueError(f"{path.name}: {key}: valid_from phải trước valid_to")
        by_key[key] = unit
    for unit in units:
        parent = unit.get("parent")
        if parent is not None:
            if parent not in by_key:
                raise ValueError(f"{path.name}: {unit['key']}: không thấy đơn vị cha {parent!r}")
            if _LEVEL_RANK[by_key[parent]["level"]] >= _LEVEL_RANK[unit["level"]]:
                raise ValueError(f"{path.name}: {unit['key']}: đơn vị cha phải ở cấp trên")
        for ref in unit.get("successors", []):
            if "key" in ref and ref["key"] not in by_key:
                raise ValueError(f"{path.name}: {unit['key']}: không thấy đơn vị kế thừa {ref['key']!r}")
    return sorted(units, key=lambda u: _LEVEL_RANK[u["level"]])


def _old_identity(level: str, code: str, valid_to: dt.date | None) -> tuple[str, str, dt.date | None]:
    # valid_from may be unknown (null), and NULLs never clash in a unique constraint, so an old
    # unit is recognised by its level, code and end date instead.
    return (level, code, valid_to)


@transaction.atomic
def load_pre2025_units(path: Path = PRE2025_FILE) -> LoadResult:
    """Load our own history of pre-2025 units and their successor links; needs the current units."""
    units = read_pre2025(path)
    result = LoadResult()
    current = {
        (level, code): (pk, name)
        for pk, level, code, name in AdministrativeUnit.objects.filter(valid_from=REFORM_DATE).values_list(
            "id", "level", "code", "name"
        )
    }
    end_dates = {_parse_date(u["valid_to"]) for u in units}
    stored = {
        _old_identity(level, code, valid_to): (pk, name, division_type, parent_id, valid_from)
        for pk, level, code, name, division_type, parent_id, valid_from, valid_to in AdministrativeUnit.objects.filter(
            valid_to__in=end_dates
        ).values_list("id", "level", "code", "name", "division_type", "parent_id", "valid_from", "valid_to")
    }

    ids: dict[str, int] = {}
    for level in (Level.PROVINCE, Level.DISTRICT, Level.COMMUNE):
        to_create: list[AdministrativeUnit] = []
        to_update: list[AdministrativeUnit] = []
        pending: dict[tuple[str, str, dt.date | None], str] = {}
        for unit in (u for u in units if u["level"] == level):
            identity = _old_identity(level, unit["code"], _parse_date(unit["valid_to"]))
            parent_id = ids[unit["parent"]] if unit.get("parent") else None
            fields = {
                "name": unit["name"],
                "name_folded": fold(unit["name"]),
                "division_type": unit.get("division_type", ""),
                "parent_id": parent_id,
                "valid_from": _parse_date(unit.get("valid_from")),
            }
            found = stored.get(identity)
            if found is None:
                to_create.append(AdministrativeUnit(code=unit["code"], level=level, valid_to=identity[2], **fields))
                pending[identity] = unit["key"]
                continue
            ids[unit["key"]] = found[0]
            if found[1:] != (fields["name"], fields["division_type"], parent_id, fields["valid_from"]):
                to_update.append(AdministrativeUnit(pk=found[0], **fields))
            else:
                result.unchanged += 1
        AdministrativeUnit.objects.bulk_create(to_create)
        AdministrativeUnit.objects.bulk_update(
            to_update, ["name", "name_folded", "division_type", "parent_id", "valid_from"]
        )
        result.created += len(to_create)
        result.updated += len(to_update)
        if pending:
            # Read the new ids back rather than trust bulk_create to set them on every backend.
            for pk, code, valid_to in AdministrativeUnit.objects.filter(
                level=level, code__in={i[1] for i in pending}, valid_to__in={i[2] for i in pending}
            ).values_list("id", "code", "valid_to"):
                key = pending.get(_old_identity(level, code, valid_to))
                if key:
                    ids[key] = pk

    wanted: set[tuple[int, int]] = set()
    for unit in units:
        for ref in unit.get("successors", []):
            wanted.add((ids[unit["key"]], _resolve_successor(ref, ids, current, unit["key"])))
    _sync_successor_links(set(ids.values()), wanted, result)
    return result


def _resolve_successor(
    ref: dict[str, str], ids: dict[str, int], current: dict[tuple[str, str], tuple[int, str]], owner: str
) -> int:
    if "key" in ref:
        return ids[ref["key"]]
    found = current.get((ref["level"], ref["code"]))
    if found is None:
        raise ValueError(
            f"{owner}: không thấy đơn vị hiện hành {ref['level']} {ref['code']} ({ref.get('name')}); "
            "hãy nạp đơn vị hiện hành trước (load_current_units)"
        )
    # The name is in the file for the reader; checking it catches a mistyped code.
    if ref.get("name") and _clean(ref["name"]) != found[1]:
        raise ValueError(f"{owner}: mã {ref['code']} là {found[1]!r}, không phải {ref['name']!r}")
    return found[0]


def _sync_successor_links(owners: set[int], wanted: set[tuple[int, int]], result: LoadResult) -> None:
    """Make the successor links of the file's units exactly those the file names."""
    through = AdministrativeUnit.successors.through
    have = set(
        through.objects.filter(from_administrativeunit_id__in=owners).values_list(
            "from_administrativeunit_id", "to_administrativeunit_id"
        )
    )
    missing = wanted - have
    extra = have - wanted
    through.objects.bulk_create(
        [through(from_administrativeunit_id=a, to_administrativeunit_id=b) for a, b in sorted(missing)]
    )
    if extra:
        condition = Q()
        for a, b in extra:
            condition |= Q(from_administrativeunit_id=a, to_administrativeunit_id=b)
        through.objects.filter(condition).delete()
    result.links_added += len(missing)
    result.links_removed += len(extra)


@dataclass
class UnitsSummary:
    current: LoadResult
    pre2025: LoadResult

    @property
    def changed(self) -> bool:
        return self.current.changed or self.pre2025.changed

    def __str__(self) -> str:
        return f"Đơn vị hiện hành: {self.current}. Đơn vị trước 01/07/2025: {self.pre2025}."


@transaction.atomic
def load_all() -> UnitsSummary:
    """Current units first: the pre-2025 file links to them as successors."""
    return UnitsSummary(current=load_current_units(), pre2025=load_pre2025_units())
