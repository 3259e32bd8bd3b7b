"""The statistics regimes, their forms and lines: rule data that staff keep up to date when the
Ministry changes the regime (TT 15/2018 → TT 45/2025)."""

from __future__ import annotations

from django.contrib import admin
from unfold.admin import TabularInline

from khcn.core.admin import RecordAdmin
from khcn.reports.models import StatisticsForm, StatisticsLine, StatisticsRegime


class StatisticsFormInline(TabularInline):
    model = StatisticsForm
    fields = ("order", "code", "title")
    extra = 0
    show_change_link = True


class StatisticsLineInline(TabularInline):
    model = StatisticsLine
    fields = ("order", "number", "label", "metric_key", "unit")
    extra = 0


@admin.register(StatisticsRegime)
class StatisticsRegimeAdmin(RecordAdmin):
    list_display = ("code", "name", "valid_from", "valid_to", "deadline")
    search_fields = ("code", "name")
    inlines = [StatisticsFormInline]


@admin.register(StatisticsForm)
class StatisticsFormAdmin(RecordAdmin):
    list_display = ("code", "title", "regime", "order")
    list_filter = ("regime",)
    list_select_related = ("regime",)
    search_fields = ("code", "title")
    inlines = [StatisticsLineInline]
