"""Reads with rules for the directory: who may see which organisation, person or unit."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

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
