"""Every write of the radiation registry. Keyword-only, typed, the acting user as `by`; each runs
in one transaction, saves through core.services.record_save (history, optimistic locking) and
refuses what the rules forbid with a Vietnamese message, changing nothing."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from khcn.accounts.models import User
from khcn.core.services import record_save
from khcn.directory.models import AdministrativeUnit
from khcn.directory.selectors import current_unit_for
from khcn.registries.radiation import selectors, workflow
from khcn.registries.radiation.checks import point_errors, validation_error
from khcn.registries.radiation.dose import to_nsv_h
from khcn.registries.radiation.models import (
    Device,
    MeasurementPoint,
    RadiationFacility,
    RadiationLicence,
    RadiationSource,
    RadiationWork,
    Survey,
    Training,
    WorkerCertificate,
)

Kind = RadiationLicence.Kind


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, clamped to the month's end (31/01 + 1 month = 28/02 or 29/02)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def _require(by: User | None, action: str, model: type[Model]) -> None:
    """Writes are for the radiation division: the model's add/change permission (radiation.*)."""
    perm = f"radiation.{action}_{model._meta.model_name}"
    if by is None or not getattr(by, "is_authenticated", False) or not by.has_perm(perm):
        raise PermissionDenied(_("Bạn không có quyền sửa sổ đăng ký an toàn bức xạ."))


def _save(record: Any, *, by: User, expected_version: int | None, reason: str = "") -> Any:
    _require(by, "change" if record.pk else "add", type(record))
    record.full_clean()
    return record_save(record=record, by=by, expected_version=expected_version, reason=reason)


# --- Facilities, devices, sources ----------------------------------------------------------------


@transaction.atomic
def facility_save(*, facility: RadiationFacility, by: User, expected_version: int | None = None) -> RadiationFacility:
    """Create or update a facility; its code, when given, is unique."""
    return _save(facility, by=by, expected_version=expected_version)


def next_verification_due(device: Device) -> dt.date | None:
    """Last verification + the interval of the rule for the device kind in force on that day."""
    if device.last_verified_on is None:
        return None
    rule = selectors.device_verification_rule(device.kind, device.last_verified_on)
    if rule is None:
        return None
    return add_months(device.last_verified_on, rule.interval_months)


@transaction.atomic
def device_save(*, device: Device, by: User, expected_version: int | None = None) -> Device:
    """Create or update a device; the next verification date follows from the last one."""
    device.next_verification_due = next_verification_due(device)
    return _save(device, by=by, expected_version=expected_version)


@transaction.atomic
def device_verification_record(*, device: Device, verified_on: dt.date, body: str, by: User) -> Device:
    """Record a passed verification (kiểm định) and move the next due date on."""
    if verified_on > timezone.localdate():
        raise ValidationError({"last_verified_on": _("Ngày kiểm định ở tương lai.")})
    device.last_verified_on = verified_on
    device.verification_body = body
    device.next_verification_due = next_verification_due(device)
    return _save(device, by=by, expected_version=device.version, reason=_("Ghi nhận kiểm định"))


@transaction.atomic
def source_save(*, source: RadiationSource, by: User, expected_version: int | None = None) -> RadiationSource:
    return _save(source, by=by, expected_version=expected_version)


# --- Worker certificates -------------------------------------------------------------------------


def _number_taken(model: type[Model], number: str, pk: Any) -> bool:
    return model._default_manager.filter(number__iexact=number.strip()).exclude(pk=pk).exists()


@transaction.atomic
def certificate_save(
    *, certificate: WorkerCertificate, by: User, expected_version: int | None = None
) -> WorkerCertificate:
    """Create or update a worker certificate: its number is unique (whatever the letter case); a
    certificate issued since 01/02/2021 has no expiry; an expiry is never before the issue date."""
    certificate.number = certificate.number.strip()
    if _number_taken(WorkerCertificate, certificate.number, certificate.pk):
        raise ValidationError(
            {"number": _("Số chứng chỉ “%(n)s” đã được dùng cho một chứng chỉ khác.") % {"n": certificate.number}}
        )
    return _save(certificate, by=by, expected_version=expected_version)


# --- Licences ------------------------------------------------------------------------------------


def licence_expiry(*, kind: str, activity: str, issue_date: dt.date, previous: RadiationLicence | None) -> dt.date:
    """The expiry the rules give: a new licence runs the term from its issue date, a renewal runs
    it from the old expiry, an amendment or a re-issue keeps the old expiry (NĐ 142/2020 Điều 37)."""
    if kind in (Kind.AMENDMENT, Kind.REISSUE):
        if previous is None:
            raise ValidationError({"previous": _("Hãy chọn giấy phép được sửa đổi hoặc cấp lại.")})
        return previous.expiry_date
    start = issue_date
    if kind == Kind.RENEWAL:
        if previous is None:
            raise ValidationError({"previous": _("Hãy chọn giấy phép được gia hạn.")})
        start = previous.expiry_date
    rule = selectors.licence_term_rule(activity, issue_date)
    if rule is None:
        raise ValidationError(
            {
                "expiry_date": _(
                    "Chưa có quy tắc thời hạn giấy phép cho “%(activity)s”; hãy nhập ngày hết hạn "
                    "hoặc thêm quy tắc trong mục Quy tắc thời hạn giấy phép."
                )
                % {"activity": RadiationWork(activity).label}
            }
        )
    # The licence is valid through the day before the anniversary (3 years from 01/03/2023 ends
    # on 28/02/2026), as licences are written.
    return add_months(start, rule.term_months) - dt.timedelta(days=1)


def _check_devices(licence: RadiationLicence, devices: Iterable[Device]) -> None:
    foreign = [d for d in devices if d.facility_id != licence.facility_id]
    if foreign:
        raise ValidationError(
            {
                "devices": _("Thiết bị không thuộc cơ sở được cấp phép: %(devices)s")
                % {"devices": "; ".join(str(d) for d in foreign)}
            }
        )


@transaction.atomic
def licence_save(
    *,
    licence: RadiationLicence,
    by: User,
    expected_version: int | None = None,
    devices: Sequence[Device] | None = None,
) -> RadiationLicence:
    """Create or update a licence. Its number is unique; a blank expiry is computed by the rules;
    the expiry is never before the issue date; its devices belong to its facility."""
    licence.number = licence.number.strip()
    if _number_taken(RadiationLicence, licence.number, licence.pk):
        raise ValidationError(
            {"number": _("Số giấy phép “%(n)s” đã được dùng cho một giấy phép khác.") % {"n": licence.number}}
        )
    if licence.expiry_date is None and licence.issue_date is not None:
        licence.expiry_date = licence_expiry(
            kind=licence.kind, activity=licence.activity, issue_date=licence.issue_date, previous=licence.previous
        )
    if devices is not None:
        _check_devices(licence, devices)
    licence = _save(licence, by=by, expected_version=expected_version)
    if devices is not None:
        licence.devices.set(devices)
    return licence


def licence_issue(
    *,
    facility: RadiationFacility,
    number: str,
    issue_date: dt.date,
    by: User,
    kind: str = Kind.NEW,
    activity: str = RadiationWork.MEDICAL_XRAY,
    previous: RadiationLicence | None = None,
    expiry_date: dt.date | None = None,
    devices: Sequence[Device] = (),
    **fields: Any,
) -> RadiationLicence:
    """Issue a licence (new, renewal, amendment or re-issue) to a facility."""
    licence = RadiationLicence(
        facility=facility,
        number=number,
        issue_date=issue_date,
        kind=kind,
        activity=activity,
        previous=previous,
        expiry_date=expiry_date,  # type: ignore[misc]
        **fields,
    )
    return licence_save(licence=licence, by=by, devices=list(devices))


def _follow(
    kind: str, *, licence: RadiationLicence, number: str, issue_date: dt.date, by: User, **fields: Any
) -> RadiationLicence:
    if licence.is_archived:
        raise ValidationError(_("Giấy phép %(n)s đã được lưu trữ.") % {"n": licence.number})
    if licence.status in (RadiationLicence.Status.REVOKED, RadiationLicence.Status.TERMINATED):
        raise ValidationError(
            _("Giấy phép %(n)s đã %(status)s; hãy làm thủ tục cấp mới.")
            % {"n": licence.number, "status": licence.get_status_display().lower()}
        )
    if licence.followers.filter(archived_at__isnull=True).exists():
        raise ValidationError(
            _("Giấy phép %(n)s đã được thay bằng giấy phép sau; hãy làm thủ tục trên giấy phép mới nhất.")
            % {"n": licence.number}
        )
    devices = fields.pop("devices", None)
    return licence_issue(
        facility=licence.facility,
        number=number,
        issue_date=issue_date,
        by=by,
        kind=kind,
        activity=fields.pop("activity", licence.activity),
        previous=licence,
        devices=list(licence.devices.all()) if devices is None else devices,
        conditions=fields.pop("conditions", licence.conditions),
        safety_officer=fields.pop("safety_officer", licence.safety_officer),
        worker_count=fields.pop("worker_count", licence.worker_count),
        **fields,
    )


def licence_renew(
    *, licence: RadiationLicence, number: str, issue_date: dt.date, by: User, **fields: Any
) -> RadiationLicence:
    """Renew (gia hạn): the new licence runs the term from the old expiry date."""
    return _follow(Kind.RENEWAL, licence=licence, number=number, issue_date=issue_date, by=by, **fields)


def licence_amend(
    *, licence: RadiationLicence, number: str, issue_date: dt.date, by: User, **fields: Any
) -> RadiationLicence:
    """Amend (sửa đổi, bổ sung), e.g. devices added: the old expiry date is kept."""
    return _follow(Kind.AMENDMENT, licence=licence, number=number, issue_date=issue_date, by=by, **fields)


def licence_reissue(
    *, licence: RadiationLicence, number: str, issue_date: dt.date, by: User, **fields: Any
) -> RadiationLicence:
    """Re-issue (cấp lại), e.g. a lost licence: the old expiry date is kept."""
    return _follow(Kind.REISSUE, licence=licence, number=number, issue_date=issue_date, by=by, **fields)


@transaction.atomic
def licence_transition(*, licence: RadiationLicence, to: str, by: User, reason: str) -> RadiationLicence:
    """Suspend, reinstate, revoke or terminate a licence, along workflow.TRANSITIONS; a reason is required."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"status_reason": _("Hãy nêu lý do (số quyết định, căn cứ).")})
    workflow.check(licence, to, by)
    licence.status = to
    licence.status_reason = reason[:500]
    return _save(licence, by=by, expected_version=licence.version, reason=reason[:100])


# --- Trainings and surveys -----------------------------------------------------------------------


@transaction.atomic
def training_save(*, training: Training, by: User, expected_version: int | None = None) -> Training:
    return _save(training, by=by, expected_version=expected_version)


@transaction.atomic
def survey_save(*, survey: Survey, by: User, expected_version: int | None = None) -> Survey:
    survey.code = survey.code.strip()
    if Survey.objects.filter(code__iexact=survey.code).exclude(pk=survey.pk).exists():
        raise ValidationError({"code": _("Mã đợt quan trắc “%(c)s” đã được dùng.") % {"c": survey.code}})
    return _save(survey, by=by, expected_version=expected_version)


class UnitMapper:
    """Maps the unit a point named to today's unit and to its old district, once per unit.

    A survey names a few hundred units for thousands of points, so each unit is looked up once
    (directory.selectors.current_unit_for) and remembered for the rest of the run.
    """

    def __init__(self, on: dt.date | None = None) -> None:
        self.on = on or timezone.localdate()
        self._current: dict[int, int | None] = {}
        self._district: dict[int, int | None] = {}
        self._versions: dict[tuple[str, str], list[AdministrativeUnit]] = {}

    def current(self, unit_id: int | None) -> int | None:
        if unit_id is None:
            return None
        if unit_id not in self._current:
            units = current_unit_for(unit_id, self.on)
            if len(units) == 1:
                self._current[unit_id] = units[0].pk
            else:
                # An old commune split between several new ones: without its boundary we cannot
                # say which, so the point maps to the province they share (or to nothing).
                parents = {u.parent_id for u in units}
                self._current[unit_id] = parents.pop() if len(parents) == 1 else None
        return self._current[unit_id]

    def district(self, unit: AdministrativeUnit | None) -> int | None:
        if unit is None:
            return None
        if unit.pk not in self._district:
            district = None
            if unit.level == AdministrativeUnit.Level.DISTRICT:
                district = unit.pk
            elif unit.level == AdministrativeUnit.Level.COMMUNE and unit.parent_id:
                parent_level = (
                    AdministrativeUnit.objects.filter(pk=unit.parent_id).values_list("level", flat=True).first()
                )
                if parent_level == AdministrativeUnit.Level.DISTRICT:
                    district = unit.parent_id
            self._district[unit.pk] = district
        return self._district[unit.pk]

    def version_on(self, unit: AdministrativeUnit, on: dt.date) -> AdministrativeUnit:
        """The unit with the same level and code in force on `on`: since 2025 a new commune often
        carries the code of one of the old ones it merged, so a code alone names two units."""
        key = (unit.level, unit.code)
        if key not in self._versions:
            self._versions[key] = list(AdministrativeUnit.objects.filter(level=unit.level, code=unit.code))
        for candidate in self._versions[key]:
            if candidate.is_current(on):
                return candidate
        return unit


def point_derive(point: MeasurementPoint, mapper: UnitMapper) -> MeasurementPoint:
    """Fill what a point's own fields determine: nSv/h, today's unit, the old district."""
    if point.raw_value is not None and point.raw_unit:
        point.value_nsv_h = to_nsv_h(point.raw_value, point.raw_unit)
    else:
        point.value_nsv_h = None
    if point.unit_named is not None and point.measured_on is not None:
        point.unit_named = mapper.version_on(point.unit_named, point.measured_on)
    point.current_unit_id = mapper.current(point.unit_named_id)
    point.district_then_id = mapper.district(point.unit_named)
    return point


@transaction.atomic
def measurement_point_save(
    *, point: MeasurementPoint, by: User, expected_version: int | None = None
) -> MeasurementPoint:
    """Create or update one point: inside the province, a plausible non-negative value in a known
    unit; the normalised value and the unit mapping are derived, never typed."""
    errors = point_errors(
        latitude=point.latitude,
        longitude=point.longitude,
        raw_value=point.raw_value,
        raw_unit=point.raw_unit,
        measured_on=point.measured_on,
        calibrated_on=point.instrument_calibrated_on,
        note=point.note,
    )
    if errors:
        raise validation_error(errors)
    point_derive(point, UnitMapper())
    return _save(point, by=by, expected_version=expected_version)


@transaction.atomic
def measurement_points_remap(*, survey: Survey, by: User, on: dt.date | None = None) -> int:
    """Map a survey's points again to today's units (after the unit table changed); returns how
    many points changed. Bulk, with one history row per changed point."""
    _require(by, "change", MeasurementPoint)
    mapper = UnitMapper(on)
    now = timezone.now()
    changed = []
    points = MeasurementPoint.objects.active().filter(survey=survey).select_related("unit_named")
    for point in points:
        before = (point.current_unit_id, point.district_then_id)
        point_derive(point, mapper)
        if (point.current_unit_id, point.district_then_id) != before:
            point.version += 1
            point.updated_at = now
            changed.append(point)
    if changed:
        bulk_update_with_history(
            changed,
            MeasurementPoint,
            ["current_unit", "district_then", "version", "updated_at"],
            batch_size=500,
            default_user=by,
            default_change_reason=_("Ánh xạ lại đơn vị hành chính"),
        )
    return len(changed)
