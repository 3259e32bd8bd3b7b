"""Staff pages of the radiation registry beyond the back office: the survey list and its map.

Function views; each fetches through an access-checked selector first (style.md, "Views").
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Min
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from khcn.registries.radiation import geo, maps, selectors
from khcn.registries.radiation.dose import CONVERSION_NOTE
from khcn.registries.radiation.models import MeasurementPoint, Survey


@login_required
def survey_list(request: HttpRequest) -> HttpResponse:
    if not selectors.can_view(request.user, Survey):
        raise PermissionDenied
    surveys = selectors.survey_list_visible_to(request.user).annotate(
        n=Count("points"), first=Min("points__measured_on"), last=Max("points__measured_on")
    )
    context = {
        **admin.site.each_context(request),
        "title": _("Quan trắc phông phóng xạ môi trường"),
        "surveys": surveys,
    }
    return render(request, "radiation/survey_list.html", context)


@login_required
def survey_map(request: HttpRequest, pk: int) -> HttpResponse:
    survey = selectors.get_survey_for(request.user, pk)
    rule = selectors.survey_rule_in_force()
    points = selectors.survey_points(survey)
    flags = selectors.flag_points(points, rule)
    drawn = maps.render(points, flags, title=str(survey))
    overall = selectors.compute_stats(p.value for p in points if p.value is not None)
    legend = [
        {"css": cls.css, "colour": cls.colour, "label": cls.label, "count": drawn.counts.get(cls.css, 0)}
        for cls in maps.COLOUR_CLASSES
    ]
    context = {
        **admin.site.each_context(request),
        "title": _("Bản đồ phông phóng xạ – %(survey)s") % {"survey": survey.name},
        "survey": survey,
        "rule": rule,
        "map": drawn,
        "legend": legend,
        "no_value_count": drawn.counts.get(maps.NO_VALUE_CSS, 0),
        "colour_classes": maps.COLOUR_CLASSES,
        "point_count": len(points),
        "overall": overall,
        "by_commune": selectors.area_statistics(points, "current_unit_id"),
        "by_district": selectors.area_statistics(points, "district_then_id"),
        "conversion_note": CONVERSION_NOTE,
        "outline_note": geo.province_outline().note,
        "can_edit": selectors.can_change(request.user, MeasurementPoint),
        # Map tiles need Leaflet from a package installed at build time; none is installed, so a
        # configured tile server is acknowledged and the map stays the offline SVG.
        "tile_url_configured": bool(getattr(settings, "RADIATION_TILE_URL", "")),
    }
    return render(request, "radiation/survey_map.html", context)
