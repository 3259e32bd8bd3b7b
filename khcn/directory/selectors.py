"""Reads with rules for the directory: who may see which organisation, person or unit."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict, deque
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from khcn.accounts.permissions import is_department_staff
from khcn.directory.models import AdministrativeUnit, Organisation, Person


def organisation_of_user(user: Any) -> Organisation | None:
    """The organisation a host user acts for: that of the directory person linked to the account."""
    if not getattr(user, "is_authenticated", False):
        return None
    person = Person.objects.select_related("organisation").filter(user=user).first()
    return person.organisation if person else None


def organisation_list_visible_to(user: Any) -> QuerySet[Organisation]:
    qs = Organisation.objects.active().select_related("administrative_unit")
    if is_department_staff(user):
        return qs
    own = organisation_of_user(user)
    return qs.filter(pk=own.pk) if own else qs.none()


def person_list_visible_to(user: Any) -> QuerySet[Person]:
    qs = Person.objects.active().select_related("organisation")
    if is_department_staff(user):
        return qs
    own = organisation_of_user(user)
    return qs.filter(organisation=own) if own else qs.none()


# --- Administrative units ------------------------------------------------------------------------
# Records point to the unit they named when they were made (a 2023 record names a district that
# no longer exists). A question about a place today is answered by walking the unit table:
# children (parent links) and predecessors (successor links). The table is small (~3,500 rows), so
# it is read whole in a fixed number of queries and walked in Python, never queried unit by unit.


def _unit_pk(unit: AdministrativeUnit | int) -> int:
    return unit if isinstance(unit, int) else unit.pk


def _successor_pairs() -> list[tuple[int, int]]:
    through = AdministrativeUnit.successors.through
    return list(through.objects.values_list("from_administrativeunit_id", "to_administrativeunit_id"))


def unit_ids_within(unit: AdministrativeUnit | int) -> set[int]:
    """Ids of every unit whose records count as "within" `unit`, in two queries.

    That is the unit, its descendants, every unit it or a descendant took over (predecessors,
    recursively) and their descendants: within today's Hưng Yên are old Thái Bình, the old
    districts of both and their communes; within today's phường Phố Hiến is old phường Hiến Nam.
    An old unit split between several successors counts within each of them.

    Use: ``Organisation.objects.filter(administrative_unit_id__in=unit_ids_within(province))``.
    """
    children: defaultdict[int, list[int]] = defaultdict(list)
    for pk, parent_id in AdministrativeUnit.objects.filter(parent__isnull=False).values_list("id", "parent_id"):
        children[parent_id].append(pk)
    predecessors: defaultdict[int, list[int]] = defaultdict(list)
    for from_id, to_id in _successor_pairs():
        predecessors[to_id].append(from_id)

    found: set[int] = set()
    queue = deque([_unit_pk(unit)])
    while queue:
        pk = queue.popleft()
        if pk in found:
            continue
        found.add(pk)
        queue.extend(children[pk])
        queue.extend(predecessors[pk])
    return found


def _in_force(valid_from: dt.date | None, valid_to: dt.date | None, on: dt.date) -> bool:
    # valid_to is exclusive: a unit abolished on 01/07/2025 was last in force on 30/06/2025.
    return (valid_from is None or valid_from <= on) and (valid_to is None or on < valid_to)


def current_unit_for(unit: AdministrativeUnit | int, on: dt.date | None = None) -> list[AdministrativeUnit]:
    """The unit(s) in force on `on` (default today) that carry `unit` on, in three queries.

    A unit in force is its own answer. An ended unit is followed to its successors; one with no
    recorded successor is followed through its parent (an old commune whose new commune is
    unknown still maps to the new province through its old district). A unit that had not yet
    begun on `on` has no answer.
    """
    on = on or timezone.localdate()
    table = {
        pk: (parent_id, valid_from, valid_to)
        for pk, parent_id, valid_from, valid_to in AdministrativeUnit.objects.values_list(
            "id", "parent_id", "valid_from", "valid_to"
        )
    }
    successors: defaultdict[int, list[int]] = defaultdict(list)
    for from_id, to_id in _successor_pairs():
        successors[from_id].append(to_id)

    found: list[int] = []
    seen: set[int] = set()
    queue = deque([_unit_pk(unit)])
    while queue:
        pk = queue.popleft()
        if pk in seen or pk not in table:
            continue
        seen.add(pk)
        parent_id, valid_from, valid_to = table[pk]
        if _in_force(valid_from, valid_to, on):
            found.append(pk)
        elif valid_from is None or valid_from <= on:
            queue.extend(successors[pk] or ([parent_id] if parent_id else []))
    return list(AdministrativeUnit.objects.filter(pk__in=found))


def units_current(level: str | None = None, on: dt.date | None = None) -> QuerySet[AdministrativeUnit]:
    """Units in force on `on` (default today), optionally of one level."""
    on = on or timezone.localdate()
    qs = AdministrativeUnit.objects.filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=on), Q(valid_to__isnull=True) | Q(valid_to__gt=on)
    )
    return qs.filter(level=level) if level else qs
