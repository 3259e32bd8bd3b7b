"""Tabular datasets of the radiation registry (one engine: khcn.lib.tabular + khcn.core.datasets).

- radiation_facilities: facilities (cơ sở bức xạ)
- radiation_licences: licences; a blank expiry is computed by the licence term rules
- radiation_certificates: worker certificates
- radiation_points: survey measurement points, thousands per file. The engine's import page has
  no place to choose a parent record, so the survey is a column (“Mã đợt quan trắc”) holding the
  survey's code; a point is identified by survey + point code, so re-importing a corrected file
  updates the points instead of duplicating them.

Headers are the files' contract: Vietnamese, and the same whatever the interface language.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khcn.core import datasets
from khcn.directory.models import AdministrativeUnit, Organisation
from khcn.directory.selectors import unit_ids_within, units_current
from khcn.lib import tabular
from khcn.lib.formats import ParseError
from khcn.registries.radiation import selectors, services
from khcn.registries.radiation.checks import DEFAULT_MAX_PLAUSIBLE_NSV_H, point_errors, unknown_unit_message
from khcn.registries.radiation.dose import parse_unit
from khcn.registries.radiation.models import (
    FacilityKind,
    MeasurementPoint,
    RadiationFacility,
    RadiationLicence,
    RadiationWork,
    Survey,
    WorkerCertificate,
)

PROVINCE_CODE = "33"  # today's Hưng Yên (Hưng Yên + Thái Bình since 01/07/2025)

# --- Columns the engine does not have ------------------------------------------------------------


class DecimalColumn(tabular.Column):
    """A decimal number: 20.651234 or 20,651234 (Vietnamese Excel writes a decimal comma)."""

    number_format = "0.######"

    def __init__(self, header: str, field: str, *, places: int, **kwargs: Any) -> None:
        super().__init__(header, field, **kwargs)
        self.places = places

    def parse(self, raw: tabular.Cell) -> Decimal:
        if isinstance(raw, bool):
            raise ParseError(_("Phải là một số"))
        if isinstance(raw, int | float):
            value = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw)
        else:
            text = re.sub(r"\s+", "", str(raw))
            if "," in text and "." in text:
                raise ParseError(
                    _("Số không rõ dấu thập phân: “%(v)s”; chỉ dùng một dấu phẩy hoặc một dấu chấm") % {"v": raw}
                )
            text = text.replace(",", ".")
            try:
                value = Decimal(text)
            except InvalidOperation:
                raise ParseError(_("Phải là một số: “%(v)s”") % {"v": raw}) from None
        if not value.is_finite():
            raise ParseError(_("Phải là một số"))
        # Round rather than refuse: a GPS reading with 8 decimals is still a good reading.
        return value.quantize(Decimal(1).scaleb(-self.places))

    def to_cell(self, value: Any, fmt: str) -> tabular.Cell:
        if value is None:
            return ""
        return float(value) if fmt == tabular.XLSX else format(value.normalize(), "f").replace(".", ",")


class DoseUnitColumn(tabular.Column):
    """µSv/h, nSv/h, µGy/h, nGy/h or µR/h, however the micro sign was typed."""

    def parse(self, raw: tabular.Cell) -> str:
        unit = parse_unit(tabular.cell_text(raw))
        if unit is None:
            raise ParseError(unknown_unit_message(tabular.cell_text(raw)))
        return unit

    def empty_value(self) -> str:
        return ""

    def to_cell(self, value: Any, fmt: str) -> tabular.Cell:
        return value or ""


# --- Resolvers -----------------------------------------------------------------------------------

_resolve_organisation = datasets.lookup_resolver(
    (lambda: Organisation.objects.active().exclude(tax_code=""), "tax_code"),
    (lambda: Organisation.objects.active(), "name"),
)

_resolve_facility = datasets.lookup_resolver(
    (lambda: RadiationFacility.objects.active().exclude(code=""), "code"),
    (lambda: RadiationFacility.objects.active(), "name"),
)

_resolve_licence = datasets.lookup_resolver((lambda: RadiationLicence.objects.active(), "number"))

_resolve_survey = datasets.lookup_resolver((lambda: Survey.objects.active(), "code"))

_resolve_any_unit = datasets.lookup_resolver(
    (lambda: AdministrativeUnit.objects.filter(valid_to__isnull=True), "code"),
    (lambda: AdministrativeUnit.objects.all(), "code"),
)


def _resolve_province_unit(keys: set[str]) -> dict[str, Any]:
    """Units by code, only within today's province (old Hưng Yên and Thái Bình units included).

    A code may name an old and a new unit (a new commune often kept one old commune's code); any
    one is returned here, and the point's date picks the version in force (services.UnitMapper).
    """
    province = units_current(AdministrativeUnit.Level.PROVINCE).filter(code=PROVINCE_CODE).first()
    if province is None:
        return {}
    within = unit_ids_within(province)
    found: dict[str, Any] = {}
    for unit in AdministrativeUnit.objects.filter(code__in=keys, pk__in=within).order_by("valid_from"):
        found.setdefault(unit.code, unit)
    return found


def _facility_key(facility: RadiationFacility) -> str:
    return facility.code or facility.name


# --- Datasets ------------------------------------------------------------------------------------


@datasets.register
class FacilityDataset(tabular.Dataset):
    name = "radiation_facilities"
    title = gettext_lazy("Cơ sở bức xạ")
    model = RadiationFacility
    natural_keys = (("code",), ("name",))
    columns = (
        tabular.Text(
            "Mã cơ sở",
            "code",
            max_length=30,
            help_text=gettext_lazy("Dùng để nhận ra cơ sở đã có; không có thì dùng tên"),
        ),
        tabular.Text("Tên cơ sở", "name", max_length=255, required=True),
        tabular.Choice("Loại cơ sở", "kind", choices=FacilityKind.choices, default=FacilityKind.CLINIC),
        tabular.Lookup(
            "Tổ chức (MST hoặc tên)",
            "organisation",
            resolve=_resolve_organisation,
            display=lambda org: org.tax_code or org.name,
            noun=gettext_lazy("tổ chức có mã số thuế hoặc tên"),
            aliases=("Mã số thuế", "MST"),
        ),
        tabular.Text("Địa chỉ", "address", max_length=500),
        tabular.Lookup(
            "Mã đơn vị hành chính",
            "administrative_unit",
            resolve=_resolve_any_unit,
            display=lambda unit: unit.code,
            noun=gettext_lazy("đơn vị hành chính có mã"),
        ),
        tabular.Text("Điện thoại", "phone", max_length=50),
        tabular.Email("Thư điện tử", "email", aliases=("Email",)),
    )

    def export_queryset(self) -> Any:
        return RadiationFacility.objects.active().order_by("name", "pk")


@datasets.register
class LicenceDataset(tabular.Dataset):
    name = "radiation_licences"
    title = gettext_lazy("Giấy phép tiến hành công việc bức xạ")
    model = RadiationLicence
    natural_keys = (("number",),)
    derived_fields = ("expiry_date",)

    def __init__(self) -> None:
        super().__init__()
        # Whether a term rule exists, per radiation work: asked once per file, not once per row.
        self._rules: dict[str, bool] = {}

    columns = (
        tabular.Text("Số giấy phép", "number", max_length=50, required=True),
        tabular.Choice(
            "Loại thủ tục", "kind", choices=RadiationLicence.Kind.choices, default=RadiationLicence.Kind.NEW
        ),
        tabular.Lookup(
            "Cơ sở (mã hoặc tên)",
            "facility",
            resolve=_resolve_facility,
            display=_facility_key,
            noun=gettext_lazy("cơ sở bức xạ có mã hoặc tên"),
            required=True,
        ),
        tabular.Choice(
            "Công việc bức xạ", "activity", choices=RadiationWork.choices, default=RadiationWork.MEDICAL_XRAY
        ),
        tabular.Lookup(
            "Giấy phép trước (số)",
            "previous",
            resolve=_resolve_licence,
            display=lambda licence: licence.number,
            noun=gettext_lazy("giấy phép số"),
            help_text=gettext_lazy(
                "Bắt buộc với gia hạn, sửa đổi, cấp lại: số giấy phép được gia hạn, sửa đổi, cấp lại (phải có sẵn trong hệ thống)"
            ),
        ),
        tabular.Date("Ngày nhận hồ sơ", "received_on"),
        tabular.Date("Ngày cấp", "issue_date", required=True),
        tabular.Date(
            "Ngày hết hạn", "expiry_date", help_text=gettext_lazy("Để trống để tính theo quy tắc thời hạn giấy phép")
        ),
        tabular.Integer("Số nhân viên bức xạ", "worker_count", min_value=0, max_value=10_000),
        tabular.Text("Điều kiện kèm theo", "conditions", max_length=5000),
        tabular.Text("Người ký", "signer", max_length=200),
        tabular.Money("Phí thẩm định (đồng)", "appraisal_fee"),
    )

    def clean_row(self, values: dict[str, Any]) -> list[tuple[str, str]]:
        errors = []
        issue, expiry = values.get("issue_date"), values.get("expiry_date")
        if issue and expiry and expiry < issue:
            errors.append(
                (
                    "expiry_date",
                    _("Ngày hết hạn (%(e)s) trước ngày cấp (%(i)s)")
                    % {"e": expiry.strftime("%d/%m/%Y"), "i": issue.strftime("%d/%m/%Y")},
                )
            )
        received = values.get("received_on")
        if received and issue and received > issue:
            errors.append(("received_on", _("Ngày nhận hồ sơ sau ngày cấp")))
        kind = values.get("kind")
        if kind != RadiationLicence.Kind.NEW and not values.get("previous"):
            errors.append(("previous", _("Gia hạn, sửa đổi hoặc cấp lại phải ghi số giấy phép trước")))
        if kind == RadiationLicence.Kind.NEW and values.get("previous"):
            errors.append(("previous", _("Giấy phép cấp mới không ghi giấy phép trước")))
        previous_number, facility_key = values.get("previous"), values.get("facility")
        if previous_number and facility_key:
            # Lookups are resolved after this check, so read the previous licence's facility here
            # (licence files are dozens of rows, one small query per renewal row).
            previous = (
                RadiationLicence.objects.filter(number=previous_number)
                .values_list("facility__code", "facility__name")
                .first()
            )
            if previous is not None and facility_key not in previous:
                errors.append(("previous", _("Giấy phép trước thuộc cơ sở khác (%(f)s)") % {"f": previous[1]}))
        activity = values.get("activity")
        if expiry is None and kind in (RadiationLicence.Kind.NEW, RadiationLicence.Kind.RENEWAL) and issue and activity:
            if activity not in self._rules:
                self._rules[activity] = selectors.licence_term_rule(activity, issue) is not None
            if not self._rules[activity]:
                errors.append(
                    ("expiry_date", _("Chưa có quy tắc thời hạn cho công việc bức xạ này; hãy ghi ngày hết hạn"))
                )
        return errors

    def prepare(self, instance: Any) -> None:
        instance.number = instance.number.strip()
        if instance.expiry_date is None:
            # Computed as the services do; the term rule comes from the table (LicenceTermRule).
            instance.expiry_date = services.licence_expiry(
                kind=instance.kind,
                activity=instance.activity,
                issue_date=instance.issue_date,
                previous=instance.previous,
            )

    def export_queryset(self) -> Any:
        return RadiationLicence.objects.active().order_by("-issue_date", "number")


@datasets.register
class CertificateDataset(tabular.Dataset):
    name = "radiation_certificates"
    title = gettext_lazy("Chứng chỉ nhân viên bức xạ")
    model = WorkerCertificate
    natural_keys = (("number",),)
    columns = (
        tabular.Text("Số chứng chỉ", "number", max_length=50, required=True),
        tabular.Choice(
            "Loại chứng chỉ", "kind", choices=WorkerCertificate.Kind.choices, default=WorkerCertificate.Kind.WORKER
        ),
        tabular.Text("Họ và tên", "full_name", max_length=200, required=True),
        tabular.Date("Ngày sinh", "birth_date"),
        tabular.Text("Số CCCD", "id_number", max_length=20),
        tabular.Lookup(
            "Cơ sở làm việc (mã hoặc tên)",
            "facility",
            resolve=_resolve_facility,
            display=_facility_key,
            noun=gettext_lazy("cơ sở bức xạ có mã hoặc tên"),
        ),
        tabular.Text("Chức danh", "position", max_length=200),
        tabular.Date("Ngày cấp", "issue_date", required=True),
        tabular.Date("Ngày hết hạn", "expiry_date", help_text=gettext_lazy("Chỉ với chứng chỉ cấp trước 01/02/2021")),
        tabular.Text("Cơ quan cấp", "issuing_body", max_length=200),
    )

    def clean_row(self, values: dict[str, Any]) -> list[tuple[str, str]]:
        from khcn.registries.radiation.models import CERTIFICATE_NO_EXPIRY_FROM

        errors = []
        issue, expiry = values.get("issue_date"), values.get("expiry_date")
        if issue and expiry:
            if expiry < issue:
                errors.append(
                    (
                        "expiry_date",
                        _("Ngày hết hạn (%(e)s) trước ngày cấp (%(i)s)")
                        % {"e": expiry.strftime("%d/%m/%Y"), "i": issue.strftime("%d/%m/%Y")},
                    )
                )
            elif issue >= CERTIFICATE_NO_EXPIRY_FROM:
                errors.append(
                    ("expiry_date", _("Chứng chỉ cấp từ ngày 01/02/2021 không có thời hạn; hãy để trống ngày hết hạn"))
                )
        if not values.get("issuing_body"):
            values["issuing_body"] = WorkerCertificate._meta.get_field("issuing_body").default
        return errors

    def export_queryset(self) -> Any:
        return WorkerCertificate.objects.active().order_by("-issue_date", "number")


@datasets.register
class MeasurementPointDataset(tabular.Dataset):
    name = "radiation_points"
    title = gettext_lazy("Điểm đo phông phóng xạ")
    model = MeasurementPoint
    natural_keys = (("survey", "code"),)
    derived_fields = ("value_nsv_h", "current_unit", "district_then", "unit_named")
    columns = (
        tabular.Lookup(
            "Mã đợt quan trắc",
            "survey",
            resolve=_resolve_survey,
            display=lambda survey: survey.code,
            noun=gettext_lazy("đợt quan trắc có mã"),
            required=True,
            help_text=gettext_lazy("Mã của đợt quan trắc đã tạo trong hệ thống, ví dụ HY-2023"),
        ),
        tabular.Text("Mã điểm", "code", max_length=30, required=True),
        tabular.Date("Ngày đo", "measured_on", required=True),
        DecimalColumn(
            "Vĩ độ",
            "latitude",
            places=6,
            required=True,
            aliases=("Lat", "Latitude"),
            help_text=gettext_lazy("WGS84, độ thập phân, ví dụ 20,6512"),
        ),
        DecimalColumn(
            "Kinh độ",
            "longitude",
            places=6,
            required=True,
            aliases=("Lon", "Long", "Longitude"),
            help_text=gettext_lazy("WGS84, độ thập phân, ví dụ 106,0523"),
        ),
        tabular.Text("Địa danh", "place_name", max_length=255),
        tabular.Lookup(
            "Mã xã/phường (khi đo)",
            "unit_named",
            resolve=_resolve_province_unit,
            display=lambda unit: unit.code,
            noun=gettext_lazy("xã, phường hoặc huyện thuộc tỉnh Hưng Yên (cũ hoặc mới) có mã"),
            aliases=("Mã đơn vị hành chính",),
            help_text=gettext_lazy("Mã xã (hoặc huyện) ghi trong hồ sơ đo; được phép là đơn vị trước 01/07/2025"),
        ),
        tabular.Choice(
            "Loại bề mặt", "land_use", choices=MeasurementPoint.LandUse.choices, default=MeasurementPoint.LandUse.OTHER
        ),
        DecimalColumn("Độ cao đo (m)", "height_m", places=2),
        tabular.Text("Thiết bị đo", "instrument", max_length=200),
        tabular.Date("Ngày hiệu chuẩn", "instrument_calibrated_on"),
        DecimalColumn("Giá trị đo", "raw_value", places=4),
        DoseUnitColumn(
            "Đơn vị đo",
            "raw_unit",
            help_text=gettext_lazy("µSv/h, nSv/h, µGy/h, nGy/h hoặc µR/h (Gy được coi bằng Sv)"),
        ),
        tabular.Text("Người đo", "measured_by", max_length=200),
        tabular.Text(
            "Ghi chú", "note", max_length=500, help_text=gettext_lazy("Bắt buộc khi điểm không đo được: ghi lý do")
        ),
    )

    def __init__(self) -> None:
        super().__init__()
        self._mapper: services.UnitMapper | None = None
        self._max_nsv_h: int | None = None

    def clean_row(self, values: dict[str, Any]) -> list[tuple[str, str]]:
        if self._max_nsv_h is None:
            # Read once per file, not once per row.
            rule = selectors.survey_rule_in_force()
            self._max_nsv_h = rule.max_plausible_nsv_h if rule else DEFAULT_MAX_PLAUSIBLE_NSV_H
        if values.get("height_m") is None:
            values["height_m"] = Decimal("1.00")
        elif not (Decimal("0") <= values["height_m"] <= Decimal("10")):
            return [("height_m", _("Độ cao đo phải từ 0 đến 10 m"))]
        errors = point_errors(
            latitude=values.get("latitude"),
            longitude=values.get("longitude"),
            raw_value=values.get("raw_value"),
            raw_unit=values.get("raw_unit") or "",
            measured_on=values.get("measured_on"),
            calibrated_on=values.get("instrument_calibrated_on"),
            note=values.get("note") or "",
            max_nsv_h=self._max_nsv_h,
        )
        # The engine reports (column, message); "instrument_calibrated_on" is a column here too.
        return errors

    def prepare(self, instance: Any) -> None:
        if self._mapper is None:
            self._mapper = services.UnitMapper()
        services.point_derive(instance, self._mapper)

    def export_queryset(self) -> Any:
        return MeasurementPoint.objects.active().order_by("survey", "code")
