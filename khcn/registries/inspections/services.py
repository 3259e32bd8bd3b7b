"""Every write of the inspection registry. Keyword-only, typed, the acting user as `by`; each runs
in one transaction, saves through core.services (history, optimistic locking) and refuses what the
rules forbid with a Vietnamese message, changing nothing. The admin forms run the same `*_check`
functions first, so a refusal shows on the form instead of an error page.

Rules enforced here:
- the department may record a kind of campaign only where an InspectionAuthorityRule in force on
  the campaign's date allows it (no inspections dated from 01/07/2025, Luật Thanh tra 2025);
- dates in order (decision ≤ start ≤ end; a visit within the campaign; a sanction after the start,
  its payment deadline after its decision, its payment after its decision and not in the future);
- one campaign per decision; decision numbers of sanctions unique;
- a finding or a sanction only for an establishment the campaign covers;
- a sanction has a legal ground and a fine in whole đồng, never negative.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from khcn.accounts.models import User
from khcn.core import services as core_services
from khcn.directory.models import Organisation, Person
from khcn.registries.inspections import selectors
from khcn.registries.inspections.models import (
    Finding,
    InspectedEstablishment,
    Inspection,
    InspectionKind,
    Sanction,
    decision_key,
)


def _require(by: User | None, action: str, model: type[Model]) -> None:
    """Writes are for the inspection staff (inspections.* in roles.py)."""
    perm = f"inspections.{action}_{model._meta.model_name}"
    if by is None or not getattr(by, "is_authenticated", False) or not by.has_perm(perm):
        raise PermissionDenied(_("Bạn không có quyền sửa sổ thanh tra, kiểm tra."))


def _save(record: Any, *, by: User, expected_version: int | None, reason: str = "") -> Any:
    _require(by, "change" if record.pk else "add", type(record))
    record.full_clean()
    return core_services.record_save(record=record, by=by, expected_version=expected_version, reason=reason)


def _dmy(value: dt.date) -> str:
    return value.strftime("%d/%m/%Y")


def _add(errors: dict[str, list[str]], field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


# --- Authority ------------------------------------------------------------------------------------


def inspection_authority_check(*, kind: str, on: dt.date) -> None:
    """Refuse a campaign of `kind` dated `on` unless a rule in force that day allows it."""
    rule = selectors.authority_rule(kind, on)
    label = InspectionKind(kind).label
    if rule is None:
        raise ValidationError(
            {
                "kind": _(
                    "Chưa có quy tắc thẩm quyền cho hình thức “%(kind)s” vào ngày %(date)s; "
                    "hãy thêm quy tắc trong mục Quy tắc thẩm quyền thanh tra, kiểm tra."
                )
                % {"kind": label, "date": _dmy(on)}
            }
        )
    if not rule.allowed:
        message = rule.refusal_message or _("Sở không có thẩm quyền %(kind)s vào ngày %(date)s (%(basis)s).") % {
            "kind": str(label).lower(),
            "date": _dmy(on),
            "basis": rule.legal_basis,
        }
        raise ValidationError(
            {
                "kind": _("Không ghi nhận được cuộc %(kind)s ngày %(date)s: %(reason)s")
                % {
                    "kind": str(label).lower(),
                    "date": _dmy(on),
                    "reason": message,
                }
            }
        )


# --- Campaigns ------------------------------------------------------------------------------------


def inspection_check(inspection: Inspection) -> None:
    """Dates in order, one campaign per decision, a unique code, and the authority rule."""
    errors: dict[str, list[str]] = {}
    start, end = inspection.start_date, inspection.end_date
    decision = inspection.decision if inspection.decision_id else None
    if start and end and end < start:
        _add(
            errors,
            "end_date",
            _("Ngày kết thúc (%(e)s) không được trước ngày bắt đầu (%(s)s).") % {"e": _dmy(end), "s": _dmy(start)},
        )
    if decision is not None and start and decision.date > start:
        _add(
            errors,
            "decision",
            _(
                "Quyết định %(n)s ngày %(d)s sau ngày bắt đầu (%(s)s): cuộc thanh tra, kiểm tra phải có quyết định trước."
            )
            % {"n": decision.number, "d": _dmy(decision.date), "s": _dmy(start)},
        )
    if decision is not None:
        other = Inspection.objects.filter(decision=decision).exclude(pk=inspection.pk).first()
        if other is not None:
            _add(
                errors,
                "decision",
                _("Quyết định số %(n)s đã được dùng cho cuộc %(code)s.") % {"n": decision.number, "code": other.code},
            )
    conclusion = inspection.conclusion_document if inspection.conclusion_document_id else None
    if conclusion is not None and start and conclusion.date < start:
        _add(
            errors,
            "conclusion_document",
            _("Văn bản kết luận ngày %(d)s trước ngày bắt đầu (%(s)s).")
            % {"d": _dmy(conclusion.date), "s": _dmy(start)},
        )
    code = (inspection.code or "").strip()
    if code and Inspection.objects.filter(code__iexact=code).exclude(pk=inspection.pk).exists():
        _add(errors, "code", _("Mã cuộc “%(c)s” đã được dùng.") % {"c": code})
    if errors:
        raise ValidationError(errors)
    on = inspection.authority_date
    if on is not None and inspection.kind:
        inspection_authority_check(kind=inspection.kind, on=on)


def next_code(kind: str, year: int) -> str:
    """TT-2023-01, KT-2023-07...: the next number of the year for that kind."""
    prefix = f"{'TT' if kind == InspectionKind.INSPECTION else 'KT'}-{year}-"
    numbers = [0]
    for code in Inspection.objects.filter(code__startswith=prefix).values_list("code", flat=True):
        match = re.fullmatch(re.escape(prefix) + r"(\d+)", code)
        if match:
            numbers.append(int(match.group(1)))
    return f"{prefix}{max(numbers) + 1:02d}"


@transaction.atomic
def inspection_save(
    *,
    inspection: Inspection,
    by: User,
    expected_version: int | None = None,
    team: Iterable[Person] | None = None,
) -> Inspection:
    """Open or correct a campaign (an inspection or a check) under the rules above."""
    _require(by, "change" if inspection.pk else "add", Inspection)
    inspection.code = (inspection.code or "").strip()
    inspection_check(inspection)
    if not inspection.code:
        inspection.code = next_code(inspection.kind, inspection.start_date.year)
    inspection = _save(inspection, by=by, expected_version=expected_version)
    if team is not None:
        inspection.team.set(list(team))
    return inspection


def coverage_check(row: InspectedEstablishment, inspection: Inspection | None = None) -> None:
    """An establishment once per campaign, visited within the campaign's dates. `inspection` is
    the campaign being entered with it (not saved yet when both come from one form)."""
    inspection = inspection if inspection is not None else row.inspection
    errors: dict[str, list[str]] = {}
    if (
        inspection.pk is not None
        and row.organisation_id
        and InspectedEstablishment.objects.filter(inspection_id=inspection.pk, organisation_id=row.organisation_id)
        .exclude(pk=row.pk)
        .exists()
    ):
        _add(errors, "organisation", _("Cơ sở này đã có trong cuộc %(code)s.") % {"code": inspection.code})
    if row.visited_on and inspection.start_date:
        if row.visited_on < inspection.start_date:
            _add(
                errors,
                "visited_on",
                _("Ngày làm việc %(v)s trước ngày bắt đầu cuộc (%(s)s).")
                % {"v": _dmy(row.visited_on), "s": _dmy(inspection.start_date)},
            )
        elif inspection.end_date and row.visited_on > inspection.end_date:
            _add(
                errors,
                "visited_on",
                _("Ngày làm việc %(v)s sau ngày kết thúc cuộc (%(e)s).")
                % {"v": _dmy(row.visited_on), "e": _dmy(inspection.end_date)},
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def inspected_establishment_save(*, row: InspectedEstablishment, by: User) -> InspectedEstablishment:
    _require(by, "change", Inspection)
    coverage_check(row)
    row.full_clean()
    row._history_user = by  # type: ignore[attr-defined]
    row.save()
    return row


def inspection_cover(
    *,
    inspection: Inspection,
    organisation: Organisation,
    by: User,
    outcome: str = InspectedEstablishment.Outcome.PENDING,
    visited_on: dt.date | None = None,
    minutes_number: str = "",
    note: str = "",
) -> InspectedEstablishment:
    """Add an establishment to a campaign (once), with its outcome and minutes."""
    row = InspectedEstablishment(
        inspection=inspection,
        organisation=organisation,
        outcome=outcome,
        visited_on=visited_on,
        minutes_number=minutes_number,
        note=note,
    )
    return inspected_establishment_save(row=row, by=by)


@transaction.atomic
def inspected_establishment_remove(*, row: InspectedEstablishment, by: User) -> None:
    """Take an establishment off a campaign, unless findings or sanctions name it there."""
    _require(by, "change", Inspection)
    used = (
        Finding.objects.filter(inspection_id=row.inspection_id, organisation_id=row.organisation_id).exists()
        or Sanction.objects.filter(inspection_id=row.inspection_id, organisation_id=row.organisation_id).exists()
    )
    if used:
        raise ValidationError(
            _("Không bỏ được %(o)s khỏi cuộc %(c)s: đã có phát hiện hoặc quyết định xử phạt với cơ sở này.")
            % {"o": row.organisation.name, "c": row.inspection.code}
        )
    row._history_user = by  # type: ignore[attr-defined]
    row.delete()


def inspection_archive(*, inspection: Inspection, by: User, reason: str) -> Inspection:
    _require(by, "change", Inspection)
    return core_services.record_archive(record=inspection, by=by, reason=reason)


# --- Findings -------------------------------------------------------------------------------------


def _covered(inspection_id: Any, organisation_id: Any) -> bool:
    return InspectedEstablishment.objects.filter(inspection_id=inspection_id, organisation_id=organisation_id).exists()


def finding_check(finding: Finding) -> None:
    errors: dict[str, list[str]] = {}
    if (
        finding.inspection_id
        and finding.organisation_id
        and not _covered(finding.inspection_id, finding.organisation_id)
    ):
        _add(
            errors,
            "organisation",
            _("Cơ sở này không có trong danh sách cơ sở của cuộc thanh tra, kiểm tra; hãy thêm cơ sở vào cuộc trước."),
        )
    start = finding.inspection.start_date if finding.inspection_id else None
    if start and finding.follow_up_due and finding.follow_up_due < start:
        _add(errors, "follow_up_due", _("Hạn khắc phục trước ngày bắt đầu cuộc (%(s)s).") % {"s": _dmy(start)})
    if start and finding.follow_up_done_on and finding.follow_up_done_on < start:
        _add(
            errors, "follow_up_done_on", _("Ngày khắc phục xong trước ngày bắt đầu cuộc (%(s)s).") % {"s": _dmy(start)}
        )
    if finding.follow_up == Finding.FollowUp.DONE and not finding.follow_up_done_on:
        _add(errors, "follow_up_done_on", _("Hãy ghi ngày khắc phục xong."))
    if finding.follow_up_done_on and finding.follow_up != Finding.FollowUp.DONE:
        _add(errors, "follow_up", _("Đã có ngày khắc phục xong thì chọn “Đã khắc phục”."))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def finding_save(*, finding: Finding, by: User, expected_version: int | None = None) -> Finding:
    """Record what was found; a violation marks the establishment's outcome in the campaign."""
    finding_check(finding)
    finding = _save(finding, by=by, expected_version=expected_version)
    if finding.violation:
        InspectedEstablishment.objects.filter(
            inspection_id=finding.inspection_id, organisation_id=finding.organisation_id
        ).exclude(outcome=InspectedEstablishment.Outcome.REFERRED).update(
            outcome=InspectedEstablishment.Outcome.VIOLATION
        )
    return finding


# --- Sanctions ------------------------------------------------------------------------------------


def sanction_check(sanction: Sanction) -> None:
    """Legal ground required, fine ≥ 0 in whole đồng, a unique decision number, dates in order,
    the establishment covered by the campaign, and a status that matches its dates."""
    errors: dict[str, list[str]] = {}
    sanction.legal_ground = (sanction.legal_ground or "").strip()
    sanction.decision_number = (sanction.decision_number or "").strip()
    sanction.decision_key = decision_key(sanction.decision_number)
    if not sanction.legal_ground:
        _add(
            errors,
            "legal_ground",
            _("Quyết định xử phạt phải ghi căn cứ pháp lý (điểm, khoản, điều của nghị định xử phạt)."),
        )
    if sanction.amount is None:
        _add(errors, "amount", _("Hãy ghi số tiền phạt (đồng)."))
    elif sanction.amount < 0:
        _add(
            errors,
            "amount",
            _("Số tiền phạt không được âm (đang ghi %(a)s đồng).") % {"a": f"{sanction.amount:,}".replace(",", ".")},
        )
    if (
        sanction.decision_number
        and Sanction.objects.filter(decision_key=sanction.decision_key).exclude(pk=sanction.pk).exists()
    ):
        _add(
            errors,
            "decision_number",
            _("Số quyết định xử phạt “%(n)s” đã được dùng cho một quyết định khác.") % {"n": sanction.decision_number},
        )
    if sanction.offender_kind == Sanction.Offender.INDIVIDUAL and not (sanction.offender_name or "").strip():
        _add(errors, "offender_name", _("Hãy ghi tên cá nhân bị xử phạt."))
    inspection = sanction.inspection if sanction.inspection_id else None
    if inspection is not None and sanction.organisation_id and not _covered(inspection.pk, sanction.organisation_id):
        _add(
            errors,
            "organisation",
            _("Cơ sở này không có trong danh sách cơ sở của cuộc %(c)s; hãy thêm cơ sở vào cuộc trước.")
            % {"c": inspection.code},
        )
    finding = sanction.finding if sanction.finding_id else None
    if finding is not None and (
        finding.inspection_id != sanction.inspection_id or finding.organisation_id != sanction.organisation_id
    ):
        _add(errors, "finding", _("Vi phạm được chọn thuộc cơ sở hoặc cuộc khác."))
    decided = sanction.decision_date
    if decided and inspection is not None and decided < inspection.start_date:
        _add(
            errors,
            "decision_date",
            _("Ngày quyết định xử phạt (%(d)s) trước ngày bắt đầu cuộc %(c)s (%(s)s).")
            % {"d": _dmy(decided), "c": inspection.code, "s": _dmy(inspection.start_date)},
        )
    if decided and sanction.payment_due and sanction.payment_due < decided:
        _add(
            errors,
            "payment_due",
            _("Hạn nộp phạt (%(p)s) không được trước ngày quyết định (%(d)s).")
            % {"p": _dmy(sanction.payment_due), "d": _dmy(decided)},
        )
    today = timezone.localdate()
    for field, day in (("paid_on", sanction.paid_on), ("enforced_on", sanction.enforced_on)):
        if day is None:
            continue
        if decided and day < decided:
            _add(errors, field, _("Ngày %(x)s trước ngày quyết định (%(d)s).") % {"x": _dmy(day), "d": _dmy(decided)})
        if day > today:
            _add(errors, field, _("Ngày %(x)s ở tương lai.") % {"x": _dmy(day)})
    status = sanction.status
    if status == Sanction.Status.PAID and not sanction.paid_on:
        _add(errors, "paid_on", _("Đã nộp phạt thì hãy ghi ngày nộp."))
    if status == Sanction.Status.ENFORCED and not sanction.enforced_on:
        _add(errors, "enforced_on", _("Đã cưỡng chế thì hãy ghi ngày cưỡng chế."))
    if status == Sanction.Status.UNPAID and (sanction.paid_on or sanction.enforced_on):
        _add(errors, "status", _("Đã có ngày nộp phạt hoặc cưỡng chế thì tình trạng không thể là “Chưa nộp phạt”."))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def sanction_save(*, sanction: Sanction, by: User, expected_version: int | None = None) -> Sanction:
    """Record or correct a sanction decision under the rules above."""
    _require(by, "change" if sanction.pk else "add", Sanction)
    sanction_check(sanction)
    return _save(sanction, by=by, expected_version=expected_version)


@transaction.atomic
def sanction_record_payment(*, sanction: Sanction, paid_on: dt.date, by: User) -> Sanction:
    """The fine was paid on `paid_on` (not before the decision, not in the future)."""
    sanction.status = Sanction.Status.PAID
    sanction.paid_on = paid_on
    _require(by, "change", Sanction)
    sanction_check(sanction)
    return _save(sanction, by=by, expected_version=sanction.version, reason=_("Ghi nhận đã nộp phạt"))


@transaction.atomic
def sanction_record_enforcement(*, sanction: Sanction, enforced_on: dt.date, by: User, reason: str = "") -> Sanction:
    """The decision was enforced (cưỡng chế) on `enforced_on`."""
    sanction.status = Sanction.Status.ENFORCED
    sanction.enforced_on = enforced_on
    _require(by, "change", Sanction)
    sanction_check(sanction)
    return _save(sanction, by=by, expected_version=sanction.version, reason=reason or _("Ghi nhận đã cưỡng chế"))


def sanction_archive(*, sanction: Sanction, by: User, reason: str) -> Sanction:
    _require(by, "change", Sanction)
    return core_services.record_archive(record=sanction, by=by, reason=reason)
