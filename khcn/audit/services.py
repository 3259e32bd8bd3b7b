"""Writing the audit log: one function chains each row; helpers for the events other apps report."""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import json
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone

from khcn.audit.models import GENESIS, AuditEvent
from khcn.core.logs import current_request

Event = AuditEvent.Event

# Any fixed number: the PostgreSQL advisory lock that puts audit writers in a single file.
_CHAIN_LOCK = 0x4B48434E_41554454  # "KHCN" "AUDT"
MIN_RETENTION_DAYS = 365
DEFAULT_RETENTION_DAYS = 400


def _clean_text(value: Any, limit: int) -> str:
    # PostgreSQL refuses NUL in text; a hostile user agent or username must not make the audit
    # write (and with it the login) fail.
    return str(value or "").replace("\x00", "")[:limit]


def _clean_details(value: Any) -> Any:
    """JSON that reads back exactly as written, on SQLite and in PostgreSQL's jsonb alike.

    Floats become text: jsonb may print a float differently than Python did, and the row's hash
    must be recomputable from what the database gives back.
    """
    if isinstance(value, dict):
        return {str(k): _clean_details(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean_details(v) for v in value]
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return value.replace("\x00", "")
    if value is None or isinstance(value, bool | int):
        return value
    return _clean_details(json.loads(json.dumps(value, cls=DjangoJSONEncoder)))


def _clean_ip(value: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address(value)) if value else None
    except ValueError:
        return None


def canonical(event: AuditEvent) -> str:
    """The row's content as hashed: fixed keys, sorted, UTC time to the microsecond."""
    at = event.at.astimezone(dt.UTC).isoformat(timespec="microseconds")
    content = {
        "at": at,
        "actor": event.actor_id,
        "actor_username": event.actor_username,
        "ip": event.ip or "",
        "user_agent": event.user_agent,
        "event": event.event,
        "object_type": event.object_type_id,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "details": event.details,
    }
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def chain_hash(prev_hash: str, event: AuditEvent) -> str:
    return hashlib.sha256((prev_hash + canonical(event)).encode()).hexdigest()


def client_ip(request: Any) -> str | None:
    """The address axes uses for lockouts (its proxy settings), so both logs name the same one."""
    from axes.helpers import get_client_ip_address

    return _clean_ip(get_client_ip_address(request))


def event_record(
    *,
    event: str,
    actor: Any = None,
    username: str = "",
    obj: models.Model | None = None,
    object_repr: str = "",
    details: dict[str, Any] | None = None,
    request: Any = None,
) -> AuditEvent:
    """Append one event, chained to the last; who and where come from the request being served.

    Writers take one lock in turn (an advisory lock on PostgreSQL; SQLite's IMMEDIATE transactions
    already write one at a time), so two events can never claim the same predecessor.
    """
    request = request if request is not None else current_request()
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        if getattr(user, "is_authenticated", False):
            actor = user
    if not getattr(actor, "is_authenticated", False):
        actor = None
    if actor is not None and not username:
        username = actor.get_username()
    row = AuditEvent(
        actor=actor,
        actor_username=_clean_text(username, 150),
        ip=client_ip(request) if request is not None else None,
        user_agent=_clean_text(request.META.get("HTTP_USER_AGENT"), 300) if request is not None else "",
        event=event,
        object_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=_clean_text(obj.pk, 64) if obj is not None else "",
        object_repr=_clean_text(object_repr or (str(obj) if obj is not None else ""), 300),
        details=_clean_details(details or {}),
    )
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK])
        # Stamped under the lock, so time and id order agree and pruning by age cuts a prefix.
        row.at = timezone.now()
        row.prev_hash = AuditEvent.objects.order_by("-id").values_list("row_hash", flat=True).first() or GENESIS
        row.row_hash = chain_hash(row.prev_hash, row)
        row.save(force_insert=True)
    return row


# --- Events other apps report ---------------------------------------------------------------------


def import_recorded(batch: Any) -> AuditEvent:
    """An import run (any outcome, dry runs included): the dataset, the file's SHA-256, the result."""
    return event_record(
        event=Event.IMPORT,
        actor=batch.created_by,
        obj=batch,
        object_repr=batch.file_name,
        details={
            "dataset": batch.dataset,
            "file_name": batch.file_name,
            "sha256": batch.sha256,
            "size": batch.size,
            "status": batch.status,
            "rows": batch.row_count,
            "created": batch.created_count,
            "updated": batch.updated_count,
            "errors": batch.error_count,
        },
    )


def export_recorded(
    *,
    dataset: str,
    rows: int | None,
    fmt: str,
    actor: Any = None,
    obj: models.Model | None = None,
    request: Any = None,
    **extra: Any,
) -> AuditEvent:
    """Data that left the system: which dataset, how many rows (None when the exporter cannot
    say, e.g. a report document), in what format."""
    details: dict[str, Any] = {"dataset": dataset, "format": fmt, **extra}
    if rows is not None:
        details["rows"] = rows
    return event_record(event=Event.EXPORT, actor=actor, obj=obj, object_repr=dataset, details=details, request=request)


# --- Retention ------------------------------------------------------------------------------------


def retention_days() -> int:
    """AUDIT_RETENTION_DAYS (default 400); anything under a year is refused (G10: kept ≥ 12 months)."""
    days = int(getattr(settings, "AUDIT_RETENTION_DAYS", DEFAULT_RETENTION_DAYS))
    if days < MIN_RETENTION_DAYS:
        raise ImproperlyConfigured(
            f"AUDIT_RETENTION_DAYS={days}: nhật ký an ninh phải lưu ít nhất {MIN_RETENTION_DAYS} ngày."
        )
    return days


def audit_prune(*, by: Any = None) -> int:
    """Delete the rows older than the retention period, and only those; the pruning is itself logged.

    Only a prefix of the chain goes (rows before the first row still within retention), so what
    remains still verifies from its first row.
    """
    cutoff = timezone.now() - dt.timedelta(days=retention_days())
    first_kept = AuditEvent.objects.filter(at__gte=cutoff).order_by("id").values_list("id", flat=True).first()
    old = AuditEvent.objects.filter(at__lt=cutoff)
    if first_kept is not None:
        old = old.filter(id__lt=first_kept)
    # The queryset refuses delete() to everyone else; this is the one sanctioned path.
    deleted, _by_model = models.QuerySet.delete(old)
    if deleted:
        event_record(
            event=Event.PRUNE,
            actor=by,
            details={"deleted": deleted, "before": cutoff.astimezone(dt.UTC).isoformat(timespec="seconds")},
        )
    return deleted
