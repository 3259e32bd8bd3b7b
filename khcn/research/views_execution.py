"""Staff pages of part 2 (contract to results): filled in by the staff-UI work."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
