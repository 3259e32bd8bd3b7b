"""Reads with rules for the innovation registry."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Model, QuerySet

from khcn.accounts.permissions import is_department_staff
from khcn.core.metrics import Period
from khcn.registries.innovation.models import Event, StartupSupport, Training


def can_view(user: Any, model: type[Model]) -> bool:
    """Department staff with the model's view permission (every staff role has innovation.view_*)."""
    return is_department_staff(user) and user.has_perm(f"innovation.view_{model._meta.model_name}")


def years_of(period: Period) -> tuple[int, int]:
    """The first and last calendar year a period touches: supports are recorded per year."""
    return period.start.year, (period.end - dt.timedelta(days=1)).year


def startup_support_list_visible_to(user: Any) -> QuerySet[StartupSupport]:
    qs = StartupSupport.objects.active().select_related("enterprise", "decision")
    return qs if can_view(user, StartupSupport) else qs.none()


def event_list_visible_to(user: Any) -> QuerySet[Event]:
    qs = Event.objects.active().select_related("administrative_unit").annotate(n_participants=Count("participations"))
    return qs if can_view(user, Event) else qs.none()  # type: ignore[return-value]


def training_list_visible_to(user: Any) -> QuerySet[Training]:
    qs = Training.objects.active().select_related("administrative_unit")
    return qs if can_view(user, Training) else qs.none()
