"""Writes of the public database: publishing and withdrawing a record, which also (re)indexes it."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from khcn.accounts.permissions import is_department_staff
from khcn.public import search
from khcn.public.models import Publication


def _require_staff(by: Any, record: Model) -> None:
    """Who may change a record may publish it (or anyone granted public.add_publication)."""
    meta = record._meta
    allowed = by.has_perm("public.add_publication") or by.has_perm(f"{meta.app_label}.change_{meta.model_name}")
    if not (is_department_staff(by) and allowed):
        raise PermissionDenied(_("Chỉ cán bộ Sở được giao quản lý hồ sơ này mới công bố được."))


@transaction.atomic
def publication_create(*, record: Model, by: Any, consent_note: str = "") -> Publication:
    """Publish one record on the public site; publishing twice keeps the first decision."""
    _require_staff(by, record)
    publication, _created = Publication.objects.get_or_create(
        content_type=ContentType.objects.get_for_model(type(record)),
        object_id=record.pk,
        defaults={"published_by": by, "consent_note": consent_note},
    )
    search.record_reindex(record)
    return publication


@transaction.atomic
def publication_withdraw(*, record: Model, by: Any) -> None:
    """Take a record off the public site and out of the search at once."""
    _require_staff(by, record)
    Publication.objects.filter(
        content_type=ContentType.objects.get_for_model(type(record)), object_id=record.pk
    ).delete()
    search.record_reindex(record)
