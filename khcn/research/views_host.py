"""Host organisations' pages of part 2 (their tasks, what is due, reports, money): filled in by the host-UI work."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
