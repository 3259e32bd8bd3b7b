"""Writes shared by every app: archiving, optimistic locking, attachments."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from khcn.accounts.models import User
from khcn.core import filetypes
from khcn.core.models import Attachment, ImportBatch, Record

R = TypeVar("R", bound=Record)


class StaleRecordError(ValidationError):
    """Raised when a record changed since the editor loaded it."""


def record_save(*, record: R, by: User | None, expected_version: int | None = None, reason: str = "") -> R:
    """Save a record, refusing if someone else saved it since `expected_version` was read.

    The check and the increment are one UPDATE ... WHERE version = expected, so two concurrent
    saves cannot both pass it.
    """
    model = type(record)
    with transaction.atomic():
        if record.pk is None:
            record.version = 1
            _set_history_meta(record, by, reason)
            record.save()
            return record
        if expected_version is not None:
            bumped = model._default_manager.filter(pk=record.pk, version=expected_version).update(
                version=F("version") + 1
            )
            if not bumped:
                raise StaleRecordError(
                    _(
                        "Hồ sơ này vừa được người khác sửa sau khi bạn mở. "
                        "Hãy tải lại trang để xem bản mới nhất rồi sửa lại; thay đổi của bạn chưa được lưu."
                    ),
                    code="stale",
                )
            record.version = expected_version + 1
        else:
            record.version = (record.version or 0) + 1
        _set_history_meta(record, by, reason)
        record.save()
    return record


def _set_history_meta(record: Record, by: User | None, reason: str) -> None:
    # simple-history reads these attributes when it writes the historical row.
    if by is not None and by.is_authenticated:
        record._history_user = by  # type: ignore[attr-defined]
    if reason:
        # simple-history keeps the reason in a 100-character column; PostgreSQL refuses longer
        # text (SQLite would silently keep it), so the full reason belongs in the record's event.
        record._change_reason = reason if len(reason) <= 100 else reason[:99] + "…"  # type: ignore[attr-defined]


def record_archive(*, record: R, by: User, reason: str) -> R:
    """Archive an official record instead of deleting it; the reason is required."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Hãy nêu lý do lưu trữ."), code="reason_required")
    if record.archived_at is not None:
        raise ValidationError(_("Hồ sơ này đã được lưu trữ."), code="already_archived")
    record.archived_at = timezone.now()
    record.archive_reason = reason[:500]
    return record_save(record=record, by=by, reason=_("Lưu trữ: %(reason)s") % {"reason": reason})


def record_restore(*, record: R, by: User, reason: str = "") -> R:
    """Bring an archived record back into use."""
    if record.archived_at is None:
        raise ValidationError(_("Hồ sơ này không ở trạng thái lưu trữ."), code="not_archived")
    record.archived_at = None
    record.archive_reason = ""
    return record_save(record=record, by=by, reason=reason or _("Khôi phục từ lưu trữ"))


def attachment_add(*, record: models.Model, upload: UploadedFile, by: User, description: str = "") -> Attachment:
    """Attach a file after checking its real type (by content) and its size."""
    kind = filetypes.check_upload(upload)
    upload.seek(0)
    digest = filetypes.sha256_of(upload)
    upload.seek(0)
    attachment = Attachment(
        content_type=ContentType.objects.get_for_model(type(record)),
        object_id=str(record.pk),
        original_name=filetypes.name_for_kind(filetypes.safe_display_name(upload.name or "tep"), kind),
        mime_type=kind.mime,
        size=upload.size or 0,
        sha256=digest,
        description=description[:500],
        uploaded_by=by,
    )
    attachment.file.save(upload.name or "tep", upload, save=False)
    attachment._history_user = by  # type: ignore[attr-defined]
    attachment.save()
    return attachment


def attachments_add(*, record: models.Model, uploads: Iterable[UploadedFile], by: User) -> list[Attachment]:
    """Attach every file or none: called inside the record's transaction, so a refused file rolls
    the record back too; the files already written to storage are removed with it."""
    saved: list[Attachment] = []
    try:
        for upload in uploads:
            saved.append(attachment_add(record=record, upload=upload, by=by))
    except Exception:
        for attachment in saved:
            attachment.file.delete(save=False)
        raise
    return saved


def import_batch_record(**fields: object) -> ImportBatch:
    return ImportBatch.objects.create(**fields)
