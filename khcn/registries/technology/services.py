"""Every write of the technology registry. Keyword-only, typed, the acting user as `by`; each runs
in one transaction, checks the division's permission, validates the whole record (the models'
clean() applies rules.py) and saves through core.services.record_save (history, optimistic
locking). A refused write raises ValidationError with Vietnamese messages and changes nothing."""

from __future__ import annotations

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
from khcn.councils import services as council_services
from khcn.councils.models import Council, CouncilObject
from khcn.directory.models import Organisation
from khcn.registries.technology import rules
from khcn.registries.technology.models import (
    InvestmentProject,
    TechnologyOpinion,
    TechnologyTransferCertificate,
    Workshop,
)


def _require(by: User | None, action: str, model: type[Model]) -> None:
    """Writes are for the technology and IP division: the model's permission (technology.*)."""
    perm = f"technology.{action}_{model._meta.model_name}"
    if by is None or not getattr(by, "is_authenticated", False) or not by.is_active or not by.has_perm(perm):
        raise PermissionDenied(_("Bạn không có quyền sửa sổ đăng ký công nghệ."))


def _save(record: Any, *, by: User, expected_version: int | None, reason: str = "") -> Any:
    _require(by, "change" if record.pk else "add", type(record))
    record.full_clean()
    return record_save(record=record, by=by, expected_version=expected_version, reason=reason)


@transaction.atomic
def record_archive(*, record: Any, by: User, reason: str) -> Any:
    """Archive a record of this registry (never delete it); the reason is required."""
    _require(by, "change", type(record))
    return core_services.record_archive(record=record, by=by, reason=reason)


# --- Projects and opinions -----------------------------------------------------------------------


@transaction.atomic
def project_save(*, project: InvestmentProject, by: User, expected_version: int | None = None) -> InvestmentProject:
    """Create or update an investment project; its code, when given, is unique."""
    return _save(project, by=by, expected_version=expected_version)


def _derive_opinion(opinion: TechnologyOpinion) -> None:
    # The deadline comes from the rule in force on the day the request arrived.
    opinion.answer_due = rules.opinion_answer_due(opinion.request_date)


@transaction.atomic
def opinion_save(*, opinion: TechnologyOpinion, by: User, expected_version: int | None = None) -> TechnologyOpinion:
    """Create or update an opinion: the answer never precedes the request, an answer carries the
    department's conclusion, the answer letter's number is unique; the deadline is derived."""
    _derive_opinion(opinion)
    return _save(opinion, by=by, expected_version=expected_version)


@transaction.atomic
def opinion_answer(
    *,
    opinion: TechnologyOpinion,
    answer_number: str,
    answer_date: Any,
    conclusion: str,
    by: User,
    remarks: str = "",
) -> TechnologyOpinion:
    """Record the department's answer to a request (its letter, date and conclusion)."""
    if opinion.answer_date is not None:
        raise ValidationError(
            _("Đề nghị này đã được trả lời ngày %(d)s.") % {"d": opinion.answer_date.strftime("%d/%m/%Y")}
        )
    opinion.answer_number = answer_number
    opinion.answer_date = answer_date
    opinion.conclusion = conclusion
    if remarks:
        opinion.remarks = remarks
    _derive_opinion(opinion)
    return _save(opinion, by=by, expected_version=opinion.version, reason=_("Trả lời ý kiến về công nghệ"))


@transaction.atomic
def opinion_bulk_create(
    *, opinions: Sequence[TechnologyOpinion], by: User, reason: str = ""
) -> list[TechnologyOpinion]:
    """Create many opinions at once (demo data, migrations of old registers): each is validated as
    one saved alone would be, then all are written in bulk with their history rows."""
    _require(by, "add", TechnologyOpinion)
    errors: list[str] = []
    for index, opinion in enumerate(opinions, start=1):
        _derive_opinion(opinion)
        try:
            opinion.full_clean()
        except ValidationError as exc:
            errors.extend(f"{index}: {message}" for message in exc.messages)
    numbers = [o.answer_number.lower() for o in opinions if o.answer_number]
    if len(numbers) != len(set(numbers)):
        errors.append(_("Có số văn bản trả lời bị trùng giữa các ý kiến."))
    if errors:
        raise ValidationError(errors)
    return bulk_create_with_history(
        list(opinions), TechnologyOpinion, default_user=by, default_change_reason=reason or None
    )


@transaction.atomic
def appraisal_council_attach(
    *, opinion: TechnologyOpinion, council: Council, by: User, title: str | None = None
) -> CouncilObject:
    """Put an opinion's project before a technology appraisal council (councils app)."""
    _require(by, "change", TechnologyOpinion)
    if council.kind != Council.Kind.TECHNOLOGY_APPRAISAL:
        raise ValidationError(
            _("Hội đồng “%(c)s” không phải hội đồng thẩm định, cho ý kiến về công nghệ.") % {"c": council.name}
        )
    if opinion.archived_at is not None:
        raise ValidationError(_("Ý kiến này đã được lưu trữ."))
    return council_services.council_object_add(
        council=council,
        target=opinion,
        by=by,
        title=title
        or _("Công nghệ dự án %(p)s (%(i)s)") % {"p": opinion.project.name, "i": opinion.project.investor.name},
    )


# --- Transfer certificates -----------------------------------------------------------------------


@transaction.atomic
def transfer_certificate_save(
    *, certificate: TechnologyTransferCertificate, by: User, expected_version: int | None = None
) -> TechnologyTransferCertificate:
    """Create or update a certificate. Refused: a number already used, dates out of order, an
    amendment without the certificate it changes, a filing later than the rule's days after the
    contract was signed (Luật CGCN 2017, Điều 31: 90 days)."""
    return _save(certificate, by=by, expected_version=expected_version)


def transfer_certificate_issue(
    *,
    number: str,
    transferor: Organisation,
    transferee: Organisation,
    technology: str,
    contract_number: str,
    contract_signed_on: Any,
    filed_on: Any,
    issue_date: Any,
    by: User,
    kind: str = TechnologyTransferCertificate.Kind.NEW,
    original: TechnologyTransferCertificate | None = None,
    **fields: Any,
) -> TechnologyTransferCertificate:
    """Issue a new certificate, or one of extension/amendment (naming `original`)."""
    certificate = TechnologyTransferCertificate(
        number=number,
        kind=kind,
        original=original,
        transferor=transferor,
        transferee=transferee,
        technology=technology,
        contract_number=contract_number,
        contract_signed_on=contract_signed_on,
        filed_on=filed_on,
        issue_date=issue_date,
        **fields,
    )
    return transfer_certificate_save(certificate=certificate, by=by)


# --- Workshops -----------------------------------------------------------------------------------


@transaction.atomic
def workshop_save(
    *,
    workshop: Workshop,
    by: User,
    expected_version: int | None = None,
    organisations: Sequence[Organisation] | None = None,
) -> Workshop:
    """Create or update a workshop or training and, if given, the organisations that attended."""
    if (
        organisations is not None
        and workshop.attendee_count is not None
        and len(organisations) > workshop.attendee_count
    ):
        raise ValidationError(
            {
                "organisations": _("Số tổ chức tham dự (%(o)d) nhiều hơn số người tham dự (%(n)d).")
                % {
                    "o": len(organisations),
                    "n": workshop.attendee_count,
                }
            }
        )
    workshop = _save(workshop, by=by, expected_version=expected_version)
    if organisations is not None:
        workshop.organisations.set(organisations)
    return workshop
