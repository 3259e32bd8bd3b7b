"""The technology registry's rules, as functions of a record and the rule records in force.

Called from the models' clean() (so the back-office form shows each message next to its field)
and from the import datasets (so a file is checked row by row the same way); the services call
full_clean() before every write. Nothing here writes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from khcn.registries.technology import selectors

if TYPE_CHECKING:
    from khcn.registries.technology.models import DeadlineRule, TechnologyTransferCertificate


def _d(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def opinion_answer_due(request_date: dt.date | None) -> dt.date | None:
    """The last day to answer a request received on `request_date`, by the rule in force then."""
    if request_date is None:
        return None
    rule = selectors.deadline_rule(selectors.OPINION_ANSWER, request_date)
    return rule.due_date(request_date) if rule else None


def late_filing_message(*, signed_on: dt.date, filed_on: dt.date, rule: DeadlineRule) -> str | None:
    """The refusal for a transfer filed after the rule's days from signing, or None if in time."""
    due = rule.due_date(signed_on)
    if filed_on <= due:
        return None
    return _(
        "Hồ sơ nộp muộn: ngày nộp %(filed)s đã quá %(days)d ngày kể từ ngày ký hợp đồng %(signed)s "
        "(hạn cuối %(due)s, theo %(basis)s). Hồ sơ nộp quá hạn không được cấp giấy chứng nhận đăng ký."
    ) % {
        "filed": _d(filed_on),
        "days": rule.days,
        "signed": _d(signed_on),
        "due": _d(due),
        "basis": rule.legal_basis,
    }


def transfer_dates_errors(
    *,
    signed_on: dt.date | None,
    filed_on: dt.date | None,
    issue_date: dt.date | None,
    contract_end: dt.date | None = None,
    rule_lookup: Callable[[str, dt.date], DeadlineRule | None] | None = None,
) -> dict[str, str]:
    """Dates in order: signing ≤ filing ≤ issue, and the contract ends after it is signed; then
    the filing deadline. Keys are the model's field names. `rule_lookup` (kind, day) -> rule lets
    an import read the rules once per file."""
    errors: dict[str, str] = {}
    if signed_on and filed_on and filed_on < signed_on:
        errors["filed_on"] = _("Ngày nộp hồ sơ (%(f)s) trước ngày ký hợp đồng (%(s)s).") % {
            "f": _d(filed_on),
            "s": _d(signed_on),
        }
    if filed_on and issue_date and issue_date < filed_on:
        errors["issue_date"] = _("Ngày cấp (%(i)s) trước ngày nộp hồ sơ (%(f)s).") % {
            "i": _d(issue_date),
            "f": _d(filed_on),
        }
    if signed_on and contract_end and contract_end < signed_on:
        errors["contract_end"] = _("Ngày hết hiệu lực hợp đồng (%(e)s) trước ngày ký (%(s)s).") % {
            "e": _d(contract_end),
            "s": _d(signed_on),
        }
    if signed_on and filed_on and "filed_on" not in errors:
        rule = (rule_lookup or selectors.deadline_rule)(selectors.TRANSFER_FILING, signed_on)
        if rule is not None:
            message = late_filing_message(signed_on=signed_on, filed_on=filed_on, rule=rule)
            if message:
                errors["filed_on"] = message
    return errors


def transfer_certificate_errors(certificate: TechnologyTransferCertificate) -> dict[str, Any]:
    """Every rule of one certificate; also sets its filing deadline (a derived field)."""
    from khcn.registries.technology.models import TechnologyTransferCertificate

    Kind = TechnologyTransferCertificate.Kind
    errors: dict[str, Any] = {}
    if certificate.number and certificate.archived_at is None:
        taken = (
            TechnologyTransferCertificate.objects.active()
            .filter(number_key=certificate.number_key)
            .exclude(pk=certificate.pk)
        )
        if taken.exists():
            errors["number"] = _("Số giấy chứng nhận “%(n)s” đã được dùng cho giấy chứng nhận khác.") % {
                "n": certificate.number
            }
    original = certificate.original if certificate.original_id else None
    if certificate.kind == Kind.NEW and original is not None:
        errors["original"] = _("Giấy chứng nhận cấp mới không ghi giấy chứng nhận được sửa đổi.")
    if certificate.kind == Kind.AMENDMENT:
        if original is None:
            errors["original"] = _("Gia hạn, sửa đổi, bổ sung phải chọn giấy chứng nhận được gia hạn, sửa đổi.")
        elif certificate.pk is not None and original.pk == certificate.pk:
            errors["original"] = _("Giấy chứng nhận không thể sửa đổi chính nó.")
        elif original.archived_at is not None:
            errors["original"] = _("Giấy chứng nhận được sửa đổi đã bị lưu trữ.")
        elif certificate.issue_date and original.issue_date > certificate.issue_date:
            errors["original"] = _("Giấy chứng nhận được sửa đổi (cấp ngày %(o)s) cấp sau giấy này (%(i)s).") % {
                "o": _d(original.issue_date),
                "i": _d(certificate.issue_date),
            }
    errors.update(
        transfer_dates_errors(
            signed_on=certificate.contract_signed_on,
            filed_on=certificate.filed_on,
            issue_date=certificate.issue_date,
            contract_end=certificate.contract_end,
        )
    )
    if certificate.contract_signed_on:
        rule = selectors.deadline_rule(selectors.TRANSFER_FILING, certificate.contract_signed_on)
        certificate.filing_due = rule.due_date(certificate.contract_signed_on) if rule else None
    return errors
