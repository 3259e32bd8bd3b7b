"""/health/: is the service able to work? For the load balancer and the monitoring probe.

Answers 200 when the database and the file storage work, 503 when either does not. A job queue
that has stopped moving (tasks waiting longer than HEALTH_QUEUE_STALE_MINUTES) or tasks that
failed in the last HEALTH_FAILED_WINDOW_MINUTES make the answer "degraded", still 200: pages
work, only background exports and emails wait. The answer names no path, version, host or error
text (anyone may call it); failures are logged in full on the server.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import tempfile
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger("khcn.health")

OK, DEGRADED, DOWN = "ok", "degraded", "down"


def check_database() -> dict[str, Any]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.exception("health: database check failed")
        return {"status": DOWN}
    return {"status": OK}


def check_storage() -> dict[str, Any]:
    """Uploads and exports are written under MEDIA_ROOT: write a file there and remove it."""
    try:
        # A new installation has no upload yet: storage creates MEDIA_ROOT with the first file, and
        # so does this check, rather than reporting a healthy site as down.
        os.makedirs(settings.MEDIA_ROOT, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=settings.MEDIA_ROOT, prefix=".health-", delete=False) as probe:
            probe.write(b"ok")
            probe.flush()
            os.fsync(probe.fileno())
        os.remove(probe.name)
    except Exception:
        logger.exception("health: storage check failed")
        return {"status": DOWN}
    return {"status": OK}


def check_queue() -> dict[str, Any]:
    """Tasks waiting too long mean no worker (`manage.py db_worker`) is running."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult, get_date_max

    now = timezone.now()
    stale_after = dt.timedelta(minutes=getattr(settings, "HEALTH_QUEUE_STALE_MINUTES", 15))
    failed_window = dt.timedelta(minutes=getattr(settings, "HEALTH_FAILED_WINDOW_MINUTES", 60))
    cutoff = now - stale_after
    try:
        # A task with a later run_after is not late; the queue stores "no run_after" as date max.
        stale = (
            DBTaskResult.objects.filter(status=TaskResultStatus.READY, enqueued_at__lt=cutoff)
            .filter(Q(run_after=get_date_max()) | Q(run_after__lte=cutoff))
            .count()
        )
        failed = DBTaskResult.objects.filter(
            status=TaskResultStatus.FAILED, finished_at__gte=now - failed_window
        ).count()
    except Exception:
        logger.exception("health: job queue check failed")
        return {"status": DEGRADED}
    return {"status": DEGRADED if stale or failed else OK, "stale": stale, "failed_recently": failed}


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    checks = {"database": check_database()}
    checks["storage"] = check_storage()
    # The queue lives in the database: no point asking it when the database is down.
    checks["queue"] = check_queue() if checks["database"]["status"] == OK else {"status": DOWN}
    if checks["database"]["status"] == DOWN or checks["storage"]["status"] == DOWN:
        overall = DOWN
    elif any(c["status"] != OK for c in checks.values()):
        overall = DEGRADED
    else:
        overall = OK
    return JsonResponse({"status": overall, "checks": checks}, status=503 if overall == DOWN else 200)
