"""Reads with rules for the radiation registry: who may see what, which rule is in force, the
state of a licence, and the survey's statistics and flags (computed from the stored points).

Survey analytics read a survey's points in one query (values only, no model instances) and compute
in Python: 3,500 points take a few milliseconds, and median and P95 need the sorted values, which
SQLite cannot give in SQL. For surveys of hundreds of thousands of points this is the place to
move to PostgreSQL's percentile_cont.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, Model, OuterRef, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khcn.accounts.permissions import is_department_staff
from khcn.directory.models import AdministrativeUnit
from khcn.registries.radiation.models import (
    Device,
    DeviceVerificationRule,
    LicenceTermRule,
    MeasurementPoint,
    RadiationFacility,
    RadiationLicence,
    Survey,
    SurveyRule,
    Training,
    WorkerCertificate,
)

# --- Access --------------------------------------------------------------------------------------


def can_view(user: Any, model: type[Model]) -> bool:
    """Department staff with the model's view permission (every staff role has radiation.view_*)."""
    return is_department_staff(user) and user.has_perm(f"radiation.view_{model._meta.model_name}")


def can_change(user: Any, model: type[Model]) -> bool:
    """Only the radiation division (radiation.*) edits the registry."""
    return is_department_staff(user) and user.has_perm(f"radiation.change_{model._meta.model_name}")


def _visible(user: Any, qs: QuerySet, model: type[Model]) -> QuerySet:
    return qs if can_view(user, model) else qs.none()


def facility_list_visible_to(user: Any) -> QuerySet[RadiationFacility]:
    qs = RadiationFacility.objects.active().select_related("administrative_unit", "organisation")
    return _visible(user, qs, RadiationFacility)


def licence_list_visible_to(user: Any) -> QuerySet[RadiationLicence]:
    qs = with_followed(RadiationLicence.objects.active().select_related("facility", "previous"))
    return _visible(user, qs, RadiationLicence)


def certificate_list_visible_to(user: Any) -> QuerySet[WorkerCertificate]:
    qs = WorkerCertificate.objects.active().select_related("facility")
    return _visible(user, qs, WorkerCertificate)


def training_list_visible_to(user: Any) -> QuerySet[Training]:
    return _visible(user, Training.objects.active(), Training)


def survey_list_visible_to(user: Any) -> QuerySet[Survey]:
    return _visible(user, Survey.objects.active().select_related("contractor"), Survey)


def get_survey_for(user: Any, pk: int) -> Survey:
    """The survey, if the user may see survey points; PermissionDenied otherwise, 404 if none."""
    if not can_view(user, MeasurementPoint):
        raise PermissionDenied
    survey = Survey.objects.active().select_related("contractor").filter(pk=pk).first()
    if survey is None:
        raise Http404
    return survey


# --- Rules in force ------------------------------------------------------------------------------


def licence_term_rule(activity: str, on: dt.date) -> LicenceTermRule | None:
    """The term rule for `activity` in force on `on`; the earliest one for dates before all rules
    (a licence issued before the first recorded rule still needs a term)."""
    qs = LicenceTermRule.objects.filter(activity=activity, archived_at__isnull=True)
    return qs.in_force(on).first() or qs.order_by("valid_from", "pk").first()  # type: ignore[attr-defined]


def device_verification_rule(kind: str, on: dt.date) -> DeviceVerificationRule | None:
    qs = DeviceVerificationRule.objects.filter(device_kind=kind, archived_at__isnull=True)
    return qs.in_force(on).first() or qs.order_by("valid_from", "pk").first()  # type: ignore[attr-defined]


def survey_rule_in_force(on: dt.date | None = None) -> SurveyRule | None:
    """The flagging rule in force today (or on `on`). Flags are a working list for re-measurement,
    so today's rule applies to every survey, old ones included."""
    on = on or timezone.localdate()
    qs = SurveyRule.objects.filter(archived_at__isnull=True)
    return qs.in_force(on).first() or qs.order_by("valid_from", "pk").first()  # type: ignore[attr-defined]


# --- Licences ------------------------------------------------------------------------------------

# Licences within this many days of expiry show as "sắp hết hạn" (the first reminder).
EXPIRING_WITHIN_DAYS = 90


def with_followed(qs: QuerySet[RadiationLicence]) -> QuerySet[RadiationLicence]:
    """Annotate `followed`: a later licence (renewal, amendment, re-issue) replaces this one.
    One subquery, so a list shows every licence's state without a query per row."""
    followers = RadiationLicence.objects.filter(previous=OuterRef("pk"), archived_at__isnull=True)
    return qs.annotate(followed=Exists(followers))


class LicenceState:
    VALID = "valid"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    REPLACED = "replaced"
    SUSPENDED = "suspended"
    REVOKED = "revoked"
    TERMINATED = "terminated"

    LABELS = {
        VALID: gettext_lazy("Còn hiệu lực"),
        EXPIRING: gettext_lazy("Sắp hết hạn"),
        EXPIRED: gettext_lazy("Đã hết hạn"),
        REPLACED: gettext_lazy("Đã được thay bằng giấy phép sau"),
        SUSPENDED: gettext_lazy("Bị đình chỉ"),
        REVOKED: gettext_lazy("Bị thu hồi"),
        TERMINATED: gettext_lazy("Chấm dứt"),
    }


def licence_state(licence: RadiationLicence, today: dt.date | None = None) -> str:
    """Where a licence stands on `today`: its legal status first, then replaced, then the dates.
    Uses the `followed` annotation when present (lists), else one query."""
    today = today or timezone.localdate()
    status_map: dict[str, str] = {
        RadiationLicence.Status.SUSPENDED: LicenceState.SUSPENDED,
        RadiationLicence.Status.REVOKED: LicenceState.REVOKED,
        RadiationLicence.Status.TERMINATED: LicenceState.TERMINATED,
    }
    if licence.status in status_map:
        return status_map[licence.status]
    followed = getattr(licence, "followed", None)
    if followed is None:
        followed = licence.followers.filter(archived_at__isnull=True).exists()
    if followed:
        return LicenceState.REPLACED
    if licence.expiry_date < today:
        return LicenceState.EXPIRED
    if (licence.expiry_date - today).days <= EXPIRING_WITHIN_DAYS:
        return LicenceState.EXPIRING
    return LicenceState.VALID


def licences_expiring(today: dt.date, within_days: int) -> QuerySet[RadiationLicence]:
    """Active licences not yet replaced whose expiry falls in [today, today + within_days]."""
    return (
        with_followed(RadiationLicence.objects.active())
        .filter(
            status=RadiationLicence.Status.ACTIVE,
            followed=False,  # type: ignore[misc]  # the annotation above
            expiry_date__gte=today,
            expiry_date__lte=today + dt.timedelta(days=within_days),
        )
        .select_related("facility")
        .order_by("expiry_date", "pk")
    )


def devices_verification_due(today: dt.date, within_days: int) -> QuerySet[Device]:
    """Devices in use whose next verification is due by today + within_days (overdue included)."""
    return (
        Device.objects.active()
        .filter(
            status=Device.Status.IN_USE,
            next_verification_due__isnull=False,
            next_verification_due__lte=today + dt.timedelta(days=within_days),
            facility__archived_at__isnull=True,
        )
        .select_related("facility")
        .order_by("next_verification_due", "pk")
    )


# --- Survey analytics ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PointRow:
    id: int
    code: str
    latitude: Decimal
    longitude: Decimal
    value: Decimal | None
    unit_named_id: int | None
    current_unit_id: int | None
    district_then_id: int | None
    land_use: str
    place_name: str
    measured_on: dt.date


_POINT_FIELDS = (
    "id",
    "code",
    "latitude",
    "longitude",
    "value_nsv_h",
    "unit_named_id",
    "current_unit_id",
    "district_then_id",
    "land_use",
    "place_name",
    "measured_on",
)


def survey_points(survey: Survey | int) -> list[PointRow]:
    """Every active point of a survey, as plain rows, in one query."""
    survey_id = survey if isinstance(survey, int) else survey.pk
    rows = (
        MeasurementPoint.objects.active().filter(survey_id=survey_id).order_by("code", "pk").values_list(*_POINT_FIELDS)
    )
    return [PointRow(*row) for row in rows]


@dataclass(frozen=True)
class Stats:
    count: int
    mean: float
    median: float
    minimum: float
    maximum: float
    p95: float


def percentile(sorted_values: Sequence[float], q: float) -> float:
    """The q-th percentile (0–100) with linear interpolation between ranks (numpy's default)."""
    if not sorted_values:
        raise ValueError("no values")
    if len(sorted_values) == 1:
        return float(sorted_values[0])
    rank = (len(sorted_values) - 1) * q / 100
    low = math.floor(rank)
    high = min(low + 1, len(sorted_values) - 1)
    fraction = rank - low
    return float(sorted_values[low]) + (float(sorted_values[high]) - float(sorted_values[low])) * fraction


def compute_stats(values: Iterable[Decimal | float]) -> Stats | None:
    ordered = sorted(float(v) for v in values)
    if not ordered:
        return None
    return Stats(
        count=len(ordered),
        mean=statistics.fmean(ordered),
        median=statistics.median(ordered),
        minimum=ordered[0],
        maximum=ordered[-1],
        p95=percentile(ordered, 95),
    )


@dataclass(frozen=True)
class AreaStats:
    unit_id: int | None
    name: str
    stats: Stats


def area_statistics(points: Sequence[PointRow], by: str) -> list[AreaStats]:
    """Statistics of measured values grouped by `current_unit_id` (today's commune) or
    `district_then_id` (the district before 2025), largest group first; unit names in one query.
    Points without a value (inaccessible sites) are left out; points without the unit are grouped
    under "không xác định"."""
    if by not in {"current_unit_id", "district_then_id", "unit_named_id"}:
        raise ValueError(by)
    groups: defaultdict[int | None, list[Decimal]] = defaultdict(list)
    for point in points:
        if point.value is not None:
            groups[getattr(point, by)].append(point.value)
    names = unit_names(k for k in groups if k is not None)
    result = []
    for unit_id, values in groups.items():
        stats = compute_stats(values)
        assert stats is not None
        name = names.get(unit_id, "") if unit_id is not None else _("Không xác định")
        result.append(AreaStats(unit_id=unit_id, name=name, stats=stats))
    result.sort(key=lambda a: (-a.stats.count, a.name))
    return result


def unit_names(ids: Iterable[int]) -> dict[int, str]:
    ids = set(ids)
    if not ids:
        return {}
    units = AdministrativeUnit.objects.filter(pk__in=ids).select_related("parent")
    names = {}
    for unit in units:
        # A unit mapped to the whole province (commune unknown) is shown as such, not as a commune.
        if unit.level == AdministrativeUnit.Level.PROVINCE:
            names[unit.pk] = _("%(province)s (chưa rõ xã)") % {"province": unit.name}
        else:
            names[unit.pk] = str(unit)
    return names


@dataclass
class Flag:
    point: PointRow
    above_threshold: bool = False
    above_local_median: bool = False
    local_median: float | None = None
    reasons: list[str] = field(default_factory=list)


def flag_points(points: Sequence[PointRow], rule: SurveyRule | None) -> dict[int, Flag]:
    """Points to re-measure: above the rule's absolute threshold, or above `median_multiple` times
    the median of their commune as named when measured (the survey's median where the commune
    has fewer than `min_points_for_median` points or is unknown)."""
    if rule is None:
        return {}
    threshold = float(rule.threshold_nsv_h)
    multiple = float(rule.median_multiple)
    by_unit: defaultdict[int | None, list[float]] = defaultdict(list)
    everything: list[float] = []
    for point in points:
        if point.value is not None:
            by_unit[point.unit_named_id].append(float(point.value))
            everything.append(float(point.value))
    if not everything:
        return {}
    overall = statistics.median(everything)
    medians: dict[int | None, float] = {
        unit: statistics.median(values)
        for unit, values in by_unit.items()
        if unit is not None and len(values) >= rule.min_points_for_median
    }
    flags: dict[int, Flag] = {}
    for point in points:
        if point.value is None:
            continue
        value = float(point.value)
        local = medians.get(point.unit_named_id, overall)
        flag = Flag(point=point, local_median=local)
        if value > threshold:
            flag.above_threshold = True
            flag.reasons.append(_("vượt ngưỡng %(t)s nSv/h") % {"t": rule.threshold_nsv_h})
        if value > multiple * local:
            flag.above_local_median = True
            flag.reasons.append(
                _("gấp %(x)s lần trung vị địa phương (%(m)s nSv/h)")
                % {"x": _number(value / local, 1), "m": _number(local, 0)}
            )
        if flag.reasons:
            flags[point.id] = flag
    return flags


def flagged_point_ids(survey_ids: Iterable[int] | None = None) -> set[int]:
    """Ids of flagged points of the given surveys (all active surveys by default)."""
    rule = survey_rule_in_force()
    qs = Survey.objects.active()
    if survey_ids is not None:
        qs = qs.filter(pk__in=list(survey_ids))
    ids: set[int] = set()
    for survey_id in qs.values_list("pk", flat=True):
        ids.update(flag_points(survey_points(survey_id), rule))
    return ids


def _number(value: float, places: int) -> str:
    text = f"{value:,.{places}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
