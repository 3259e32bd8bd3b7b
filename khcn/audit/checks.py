from __future__ import annotations

from typing import Any

from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured


@register()
def retention_check(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    from khcn.audit.services import retention_days

    try:
        retention_days()
    except ImproperlyConfigured as exc:
        return [Error(str(exc), hint="AUDIT_RETENTION_DAYS >= 365", id="audit.E001")]
    return []
