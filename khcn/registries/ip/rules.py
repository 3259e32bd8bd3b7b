"""The IP registry's rules for use-right certificates, as functions of a record and the rules in
force. Called from the model's clean() (so the back-office form shows each message next to its
field) and from the import dataset (row by row); nothing here writes."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from khcn.registries.ip import selectors

if TYPE_CHECKING:
    from khcn.registries.ip.models import UseRightCertificate, UseRightValidityRule


def _d(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, clamped to the month's end (31/01 + 1 month = 28/02 or 29/02)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def valid_until_for(
    kind: str,
    issue_date: dt.date,
    rule_lookup: Callable[[str, dt.date], UseRightValidityRule | None] | None = None,
) -> dt.date | None:
    """The last valid day the rule in force on the issue date gives (the day before the anniversary)."""
    rule = (rule_lookup or selectors.validity_rule)(kind, issue_date)
    if rule is None:
        return None
    return add_months(issue_date, rule.months) - dt.timedelta(days=1)


def dates_errors(
    *,
    issue_date: dt.date | None,
    valid_until: dt.date | None,
    revoked: bool,
    revoked_on: dt.date | None,
    revocation_reason: str,
) -> dict[str, str]:
    """Dates in order and a revocation stated in full. Keys are the model's field names."""
    errors: dict[str, str] = {}
    if issue_date and valid_until and valid_until < issue_date:
        errors["valid_until"] = _("Ngày hết hiệu lực (%(v)s) trước ngày cấp (%(i)s).") % {
            "v": _d(valid_until),
            "i": _d(issue_date),
        }
    if revoked:
        if revoked_on is None:
            errors["revoked_on"] = _("Giấy chứng nhận đã thu hồi phải có ngày thu hồi.")
        elif issue_date and revoked_on < issue_date:
            errors["revoked_on"] = _("Ngày thu hồi (%(r)s) trước ngày cấp (%(i)s).") % {
                "r": _d(revoked_on),
                "i": _d(issue_date),
            }
        if not (revocation_reason or "").strip():
            errors["revocation_reason"] = _("Hãy ghi lý do thu hồi.")
    elif revoked_on is not None:
        errors["revoked_on"] = _("Chỉ ghi ngày thu hồi khi đánh dấu “đã thu hồi”.")
    return errors


def certificate_errors(certificate: UseRightCertificate) -> dict[str, Any]:
    """Every rule of one certificate; also fills a blank expiry from the validity rule."""
    from khcn.registries.ip.models import UseRightCertificate

    errors: dict[str, Any] = {}
    if certificate.number and certificate.archived_at is None:
        taken = (
            UseRightCertificate.objects.active().filter(number_key=certificate.number_key).exclude(pk=certificate.pk)
        )
        if taken.exists():
            errors["number"] = _("Số giấy chứng nhận “%(n)s” đã được dùng cho giấy chứng nhận khác.") % {
                "n": certificate.number
            }
    if bool(certificate.holder_organisation_id) == bool(certificate.holder_person_id):
        errors["holder_organisation"] = _("Chọn đúng một chủ thể được cấp: một tổ chức hoặc một cá nhân, hộ.")
    if certificate.valid_until is None and certificate.issue_date and certificate.kind:
        certificate.valid_until = valid_until_for(certificate.kind, certificate.issue_date)
    errors.update(
        dates_errors(
            issue_date=certificate.issue_date,
            valid_until=certificate.valid_until,
            revoked=certificate.revoked,
            revoked_on=certificate.revoked_on,
            revocation_reason=certificate.revocation_reason,
        )
    )
    previous = certificate.previous if certificate.previous_id else None
    if previous is not None:
        if certificate.pk is not None and previous.pk == certificate.pk:
            errors["previous"] = _("Giấy chứng nhận không thể gia hạn cho chính nó.")
        elif previous.kind != certificate.kind:
            errors["previous"] = _("Giấy chứng nhận trước thuộc loại khác.")
        elif certificate.issue_date and previous.issue_date > certificate.issue_date:
            errors["previous"] = _("Giấy chứng nhận trước cấp sau giấy này.")
    return errors
