"""Reads with rules for shared records: who may open an attachment."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from khcn.accounts.permissions import is_department_staff
from khcn.core.models import Attachment


def record_visible_to(user: Any, record: Any) -> bool:
    """A record is visible to staff with the model's view permission, or to whoever the model's
    own `visible_to(user)` queryset admits (host users, council members)."""
    model = type(record)
    opts = model._meta
    if is_department_staff(user) and user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
        return True
    visible_to = getattr(model, "visible_to", None)
    if callable(visible_to):
        return bool(visible_to(user).filter(pk=record.pk).exists())
    return False


def attachments_for(record: Any) -> QuerySet[Attachment]:
    from django.contrib.contenttypes.models import ContentType

    return Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(type(record)),
        object_id=str(record.pk),
        archived_at__isnull=True,
    ).select_related("uploaded_by")


def get_attachment_for(user: Any, pk: int) -> Attachment:
    """The attachment, if the user may see the record it belongs to; 404 otherwise (no leak)."""
    attachment = Attachment.objects.select_related("content_type").filter(pk=pk, archived_at__isnull=True).first()
    if attachment is None:
        raise Http404
    record = attachment.record
    if record is None or not record_visible_to(user, record):
        raise Http404
    return attachment
