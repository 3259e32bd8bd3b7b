"""Models that every domain app stands on: archiving, attachments, import provenance."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class ArchivableQuerySet(models.QuerySet):
    def active(self) -> ArchivableQuerySet:
        return self.filter(archived_at__isnull=True)

    def archived(self) -> ArchivableQuerySet:
        return self.filter(archived_at__isnull=False)


class Record(models.Model):
    """An official record: timestamped, versioned for optimistic locking, archived not deleted."""

    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    archived_at = models.DateTimeField(_("lưu trữ lúc"), null=True, blank=True, editable=False)
    archive_reason = models.CharField(_("lý do lưu trữ"), max_length=500, blank=True, editable=False)
    # Incremented on every save through a service; a form that carries an older value is refused
    # (see core.services.check_version) so two editors never silently overwrite each other.
    version = models.PositiveIntegerField(_("phiên bản"), default=1, editable=False)

    objects = ArchivableQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        # Official records are archived, never hard-deleted (core.services.record_archive).
        raise PermissionDenied(_("Hồ sơ chính thức không được xoá; hãy lưu trữ."))


def attachment_path(instance: Attachment, filename: str) -> str:
    # A random name keeps user-chosen file names (and any "../" in them) out of the file system, and
    # the suffix comes from the type read from the content (set before saving), not from the name.
    from khcn.core.filetypes import suffix_for_mime

    suffix = suffix_for_mime(instance.mime_type)
    return f"attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class BulkHistory(HistoricalRecords):
    """History for records written tens of thousands at a time (a year's import of a registry).

    Such history is read one record at a time, by the record's id (its history page, its previous
    and next versions), never across records by date or by user, so it goes without the two
    indexes simple-history adds on `history_date` and `history_user`: each imported row would
    otherwise add an entry to both (0.13 s of PostgreSQL's time for 100,000 rows). Its user is
    kept without a database constraint for the same reason (users are deactivated, never
    deleted; a delete through Django still empties the column)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("user_db_constraint", False)
        super().__init__(*args, **kwargs)

    def get_extra_fields(self, model: Any, fields: Any) -> dict[str, Any]:
        extra: dict[str, Any] = super().get_extra_fields(model, fields)
        extra["history_date"] = models.DateTimeField(db_index=False)
        return extra

    def _get_history_user_fields(self) -> dict[str, Any]:
        fields: dict[str, Any] = super()._get_history_user_fields()
        user = fields.get("history_user")
        if isinstance(user, models.ForeignKey):
            user.db_index = False  # type: ignore[attr-defined]  # set as simple-history itself sets it
        return fields


class Attachment(models.Model):
    """A file on any record; served only to users who may see that record."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.CharField(max_length=64)
    record = GenericForeignKey("content_type", "object_id")
    file = models.FileField(_("tệp"), upload_to=attachment_path, max_length=300)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    mime_type = models.CharField(_("kiểu tệp"), max_length=100)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    sha256 = models.CharField(max_length=64)
    description = models.CharField(_("mô tả"), max_length=500, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("người tải lên")
    )
    uploaded_at = models.DateTimeField(_("tải lên lúc"), default=timezone.now)
    archived_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tệp đính kèm")
        verbose_name_plural = _("tệp đính kèm")
        indexes = [models.Index(fields=["content_type", "object_id"])]
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


class ImportBatch(models.Model):
    """Provenance of one tabular import: which file, who, when, how many rows, and the outcome."""

    class Status(models.TextChoices):
        SUCCEEDED = "succeeded", _("Đã nhập")
        FAILED = "failed", _("Bị từ chối")
        DRY_RUN = "dry_run", _("Chạy thử")

    dataset = models.CharField(_("bộ dữ liệu"), max_length=100)
    file_name = models.CharField(_("tên tệp"), max_length=255)
    sha256 = models.CharField(_("mã kiểm tra SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"), default=0)
    row_count = models.PositiveIntegerField(_("số dòng"), default=0)
    created_count = models.PositiveIntegerField(_("số bản ghi tạo mới"), default=0)
    updated_count = models.PositiveIntegerField(_("số bản ghi cập nhật"), default=0)
    error_count = models.PositiveIntegerField(_("số lỗi"), default=0)
    errors = models.JSONField(_("lỗi"), default=list, blank=True)
    status = models.CharField(_("kết quả"), max_length=20, choices=Status.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người nhập"),
    )
    created_at = models.DateTimeField(_("lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("lần nhập dữ liệu")
        verbose_name_plural = _("lịch sử nhập dữ liệu")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.dataset} – {self.file_name} ({self.created_at:%d/%m/%Y %H:%M})"

    @staticmethod
    def checksum(data: bytes) -> str:
        return hashlib.sha256(data).hexdigest()


class ReminderLog(models.Model):
    """One reminder sent: what it was about, to whom, on which day. Running `remind` twice on the
    same day must not send the same reminder twice."""

    key = models.CharField(_("mã nhắc việc"), max_length=200)
    recipient = models.CharField(_("người nhận"), max_length=254)
    sent_on = models.DateField(_("ngày gửi"))
    title = models.CharField(_("nội dung"), max_length=500)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("nhắc việc đã gửi")
        verbose_name_plural = _("nhắc việc đã gửi")
        ordering = ["-sent_on", "key"]
        constraints = [
            models.UniqueConstraint(fields=["key", "recipient", "sent_on"], name="reminder_once_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.sent_on:%d/%m/%Y} {self.recipient}: {self.title}"


def export_path(instance: ExportJob, filename: str) -> str:
    suffix = "." + filename.rsplit(".", 1)[1].lower()[:8] if "." in filename else ""
    return f"exports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class ExportJob(models.Model):
    """A long export run in the background (a report's DOCX/PDF, a statistics workbook...): who
    asked, what, how far it has got, and the file when done. Only its owner downloads it.
    Not an official record: old jobs and their files are removed by `manage.py cleanup_exports`."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Đang chờ")
        RUNNING = "running", _("Đang tạo")
        DONE = "done", _("Đã xong")
        FAILED = "failed", _("Không thành công")

    name = models.CharField(_("loại tệp"), max_length=100)
    label = models.CharField(_("tên"), max_length=300)
    params = models.JSONField(_("tham số"), default=dict, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("người yêu cầu")
    )
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    message = models.CharField(_("thông báo"), max_length=300, blank=True)
    file = models.FileField(_("tệp"), upload_to=export_path, max_length=300, blank=True)
    file_name = models.CharField(_("tên tệp"), max_length=255, blank=True)
    content_type = models.CharField(_("kiểu tệp"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("yêu cầu lúc"), default=timezone.now)
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("tệp xuất chạy nền")
        verbose_name_plural = _("tệp xuất chạy nền")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.label} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
