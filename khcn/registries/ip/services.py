"""Every write of the IP registry. Keyword-only, typed, the acting user as `by`; each runs in one
transaction, checks the division's permission, validates the whole record (the models' clean()
applies rules.py) and saves through core.services.record_save (history, optimistic locking). A
refused write raises ValidationError with Vietnamese messages and changes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from khcn.accounts.models import User
from khcn.core import services as core_services
from khcn.core.services import record_save
from khcn.registries.ip.models import IPSupportCase, Mark, UseRightCertificate


def _require(by: User | None, action: str, model: type[Model]) -> None:
    """Writes are for the technology and IP division: the model's permission (ip.*)."""
    perm = f"ip.{action}_{model._meta.model_name}"
    if by is None or not getattr(by, "is_authenticated", False) or not by.is_active or not by.has_perm(perm):
        raise PermissionDenied(_("Bạn không có quyền sửa sổ đăng ký sở hữu trí tuệ."))


def _save(record: Any, *, by: User, expected_version: int | None, reason: str = "") -> Any:
    _require(by, "change" if record.pk else "add", type(record))
    record.full_clean()
    return record_save(record=record, by=by, expected_version=expected_version, reason=reason)


@transaction.atomic
def record_archive(*, record: Any, by: User, reason: str) -> Any:
    """Archive a record of this registry (never delete it); the reason is required."""
    _require(by, "change", type(record))
    return core_services.record_archive(record=record, by=by, reason=reason)


# --- Support for marks and designs ---------------------------------------------------------------


@transaction.atomic
def support_case_save(*, case: IPSupportCase, by: User, expected_version: int | None = None) -> IPSupportCase:
    """Create or update a support case: exactly one applicant, an organisation or an individual."""
    return _save(case, by=by, expected_version=expected_version)


@transaction.atomic
def mark_save(*, mark: Mark, by: User, expected_version: int | None = None) -> Mark:
    """Create or update a supported mark or design: its filing number is unique; a filed
    application has a filing date; a granted one its registration number and date."""
    if mark.case_id and mark.case.archived_at is not None:
        raise ValidationError(_("Hồ sơ hỗ trợ này đã được lưu trữ."))
    return _save(mark, by=by, expected_version=expected_version)


@transaction.atomic
def support_case_open(
    *,
    by: User,
    year: int,
    support_amount: int,
    marks: Sequence[Mark],
    applicant_organisation: Any = None,
    applicant_person: Any = None,
    **fields: Any,
) -> IPSupportCase:
    """Record a support case and its marks or designs in one go."""
    case = support_case_save(
        case=IPSupportCase(
            applicant_organisation=applicant_organisation,
            applicant_person=applicant_person,
            year=year,
            support_amount=support_amount,
            **fields,
        ),
        by=by,
    )
    for mark in marks:
        mark.case = case
        mark_save(mark=mark, by=by)
    return case


@transaction.atomic
def mark_status_update(
    *,
    mark: Mark,
    status: str,
    checked_on: dt.date,
    by: User,
    registration_number: str = "",
    grant_date: dt.date | None = None,
    valid_until: dt.date | None = None,
) -> Mark:
    """Record the status the national IP Office shows for an application on `checked_on`."""
    mark.status = status
    mark.status_checked_on = checked_on
    if registration_number:
        mark.registration_number = registration_number
    if grant_date:
        mark.grant_date = grant_date
    if valid_until:
        mark.valid_until = valid_until
    return _save(mark, by=by, expected_version=mark.version, reason=_("Cập nhật tình trạng đơn"))


# --- Use-right certificates ----------------------------------------------------------------------


@transaction.atomic
def certificate_save(
    *, certificate: UseRightCertificate, by: User, expected_version: int | None = None
) -> UseRightCertificate:
    """Create or update a use-right certificate. Refused: a number already used, no holder or two,
    an expiry before the issue date, a revocation without its date and reason. A blank expiry is
    computed by the validity rule in force on the issue date."""
    return _save(certificate, by=by, expected_version=expected_version)


@transaction.atomic
def certificate_bulk_create(
    *, certificates: Sequence[UseRightCertificate], by: User, reason: str = ""
) -> list[UseRightCertificate]:
    """Create many certificates at once (demo data, an old register): each validated as one saved
    alone would be, then all written in bulk with their history rows."""
    _require(by, "add", UseRightCertificate)
    errors: list[str] = []
    for index, certificate in enumerate(certificates, start=1):
        try:
            certificate.full_clean()
        except ValidationError as exc:
            errors.extend(f"{index}: {message}" for message in exc.messages)
    numbers = [c.number.lower() for c in certificates]
    if len(numbers) != len(set(numbers)):
        errors.append(_("Có số giấy chứng nhận bị trùng giữa các giấy chứng nhận."))
    if errors:
        raise ValidationError(errors)
    return bulk_create_with_history(
        list(certificates), UseRightCertificate, default_user=by, default_change_reason=reason or None
    )


@transaction.atomic
def certificate_revoke(*, certificate: UseRightCertificate, on: dt.date, reason: str, by: User) -> UseRightCertificate:
    """Revoke a certificate (the holder broke the regulation of use, stopped producing...)."""
    if certificate.revoked:
        raise ValidationError(
            _("Giấy chứng nhận này đã bị thu hồi ngày %(d)s.")
            % {"d": certificate.revoked_on.strftime("%d/%m/%Y") if certificate.revoked_on else "—"}
        )
    certificate.revoked = True
    certificate.revoked_on = on
    certificate.revocation_reason = (reason or "").strip()
    return _save(certificate, by=by, expected_version=certificate.version, reason=_("Thu hồi giấy chứng nhận"))


@transaction.atomic
def certificate_renew(
    *, certificate: UseRightCertificate, number: str, issue_date: dt.date, by: User, valid_until: dt.date | None = None
) -> UseRightCertificate:
    """Issue the renewal of a certificate: a new certificate that names the old one."""
    if certificate.revoked:
        raise ValidationError(_("Giấy chứng nhận đã bị thu hồi không được gia hạn."))
    renewal = UseRightCertificate(
        kind=certificate.kind,
        designation=certificate.designation,
        number=number,
        holder_organisation=certificate.holder_organisation,
        holder_person=certificate.holder_person,
        product=certificate.product,
        growing_area=certificate.growing_area,
        area_unit=certificate.area_unit,
        area_ha=certificate.area_ha,
        tree_count=certificate.tree_count,
        output_tonnes=certificate.output_tonnes,
        issue_date=issue_date,
        valid_until=valid_until,
        previous=certificate,
    )
    return _save(renewal, by=by, expected_version=None, reason=_("Gia hạn giấy chứng nhận"))
