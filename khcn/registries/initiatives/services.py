"""Every write about initiatives. Keyword-only, typed, the acting user as `by`; each runs in one
transaction, checks the science division's permission, validates everything before writing, and
saves through core.services.record_save (history, optimistic locking). A refused write raises
ValidationError with Vietnamese messages and changes nothing.

The provincial initiative council is a council of the initiatives kind (khcn.councils): its
members vote through the councils app, whose selectors compute each initiative's result; the
services here only read that result (council_result) to move an initiative on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from khcn.accounts.models import User
from khcn.accounts.permissions import has_role
from khcn.core import services as core_services
from khcn.core.services import record_save
from khcn.councils import aggregation
from khcn.councils import services as council_services
from khcn.councils.models import Council, CouncilObject
from khcn.councils.selectors import CouncilResult, council_result, council_results, latest_meeting
from khcn.directory.models import OfficialDocument, Organisation, Person
from khcn.registries.initiatives import selectors, workflow
from khcn.registries.initiatives.models import Initiative, InitiativeAuthor, InitiativeEvent

S = Initiative.Status
AuthorSpec = Person | tuple[Person, Decimal | None]


def _d(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _require(by: User | None, action: str, model: type[Model]) -> None:
    """Writes are for the science management division: the model's permission (initiatives.*)."""
    perm = f"initiatives.{action}_{model._meta.model_name}"
    if by is None or not getattr(by, "is_authenticated", False) or not by.is_active or not by.has_perm(perm):
        raise PermissionDenied(_("Bạn không có quyền sửa hồ sơ sáng kiến."))


@transaction.atomic
def record_archive(*, record: Any, by: User, reason: str) -> Any:
    """Archive an initiative (never delete it); the reason is required."""
    _require(by, "change", type(record))
    return core_services.record_archive(record=record, by=by, reason=reason)


# --- Applications and authors --------------------------------------------------------------------


def _author_links(initiative: Initiative, authors: Sequence[AuthorSpec]) -> list[InitiativeAuthor]:
    links = []
    seen: set[int] = set()
    for order, spec in enumerate(authors, start=1):
        person, share = spec if isinstance(spec, tuple) else (spec, None)
        if person.pk in seen:
            raise ValidationError(
                {"authors": _("%(name)s được ghi hai lần trong danh sách tác giả.") % {"name": person.display_name}}
            )
        seen.add(person.pk)
        link = InitiativeAuthor(initiative=initiative, person=person, order=order, share_percent=share)
        link.full_clean(exclude=["initiative"])
        links.append(link)
    return links


@transaction.atomic
def initiative_save(
    *,
    initiative: Initiative,
    by: User,
    expected_version: int | None = None,
    authors: Sequence[AuthorSpec] | None = None,
) -> Initiative:
    """Create or update an application (a new one starts as "submitted"); with `authors`, set its
    authors in that order. Its code is unique; it must already have been applied."""
    _require(by, "change" if initiative.pk else "add", Initiative)
    initiative.full_clean()
    links = _author_links(initiative, authors) if authors is not None else None
    record_save(record=initiative, by=by, expected_version=expected_version)
    if links is not None:
        _replace_authors(initiative, links)
    return initiative


def _replace_authors(initiative: Initiative, links: list[InitiativeAuthor]) -> None:
    # Individual deletes and saves, so each author change has its history row.
    for old in initiative.author_links.all():
        old.delete()
    for link in links:
        link.initiative = initiative
        link.save()


@transaction.atomic
def initiative_authors_set(*, initiative: Initiative, authors: Sequence[AuthorSpec], by: User) -> Initiative:
    """Set the authors of an application, in order, with their shares (which need not add to 100 %)."""
    _require(by, "change", Initiative)
    if not authors:
        raise ValidationError({"authors": _("Sáng kiến phải có ít nhất một tác giả.")})
    _replace_authors(initiative, _author_links(initiative, authors))
    return initiative


@transaction.atomic
def initiative_bulk_create(
    *,
    initiatives: Sequence[Initiative],
    authors: Sequence[Sequence[AuthorSpec]],
    by: User,
    reason: str = "",
) -> list[Initiative]:
    """Create many applications with their authors at once (demo data, an old register): each is
    validated as one saved alone would be, then all are written in bulk with their history rows."""
    _require(by, "add", Initiative)
    if len(initiatives) != len(authors):
        raise ValueError("one author list per initiative")
    errors: list[str] = []
    for index, initiative in enumerate(initiatives, start=1):
        try:
            initiative.full_clean()
        except ValidationError as exc:
            errors.extend(f"{index}: {message}" for message in exc.messages)
    codes = [i.code.lower() for i in initiatives]
    if len(codes) != len(set(codes)):
        errors.append(_("Có mã hồ sơ sáng kiến bị trùng giữa các hồ sơ."))
    if errors:
        raise ValidationError(errors)
    change_reason = reason or None
    created = bulk_create_with_history(
        list(initiatives), Initiative, default_user=by, default_change_reason=change_reason
    )
    # bulk_create does not hand back ids on every backend: read them back by code.
    by_code = {i.code: i for i in Initiative.objects.active().filter(code__in=[i.code for i in initiatives])}
    links = []
    for initiative, specs in zip(initiatives, authors, strict=True):
        saved = by_code[initiative.code]
        for link in _author_links(saved, specs):
            links.append(link)
    if links:
        bulk_create_with_history(links, InitiativeAuthor, default_user=by, default_change_reason=change_reason)
    return [by_code[i.code] for i in created]


# --- The provincial initiative council -----------------------------------------------------------


@transaction.atomic
def initiative_council_add(*, council: Council, initiatives: Sequence[Initiative], by: User) -> list[CouncilObject]:
    """Put submitted applications before a session of the provincial initiative council."""
    _require(by, "change", Initiative)
    if council.kind != Council.Kind.INITIATIVES:
        raise ValidationError(_("Hội đồng “%(c)s” không phải hội đồng sáng kiến.") % {"c": council.name})
    wrong = [i for i in initiatives if i.status != S.SUBMITTED or i.archived_at is not None]
    if wrong:
        raise ValidationError(
            _("Chỉ đưa ra hội đồng các hồ sơ đang ở trạng thái “Đã nộp hồ sơ”; không đúng: %(codes)s.")
            % {"codes": ", ".join(i.code for i in wrong)}
        )
    return [
        council_services.council_object_add(council=council, target=initiative, by=by, title=initiative.title)
        for initiative in initiatives
    ]


def _record_move(
    initiative: Initiative,
    to: str,
    *,
    by: User,
    reason: str = "",
    document: OfficialDocument | None = None,
    council_object: CouncilObject | None = None,
    effective_date: dt.date | None = None,
) -> Initiative:
    previous = initiative.status
    initiative.status = to
    record_save(record=initiative, by=by, reason=reason or _("Chuyển trạng thái: %(to)s") % {"to": S(to).label})
    InitiativeEvent.objects.create(
        initiative=initiative,
        from_status=previous,
        to_status=to,
        effective_date=effective_date,
        by=by,
        reason=reason,
        document=document,
        council_object=council_object,
    )
    return initiative


def _expected_move(result: CouncilResult) -> str | None:
    if result.status == aggregation.PASSED:
        return S.RECOMMENDED
    if result.status == aggregation.FAILED:
        return S.NOT_RECOMMENDED
    return None


def _apply_result(
    initiative: Initiative,
    to: str,
    *,
    council_object: CouncilObject,
    result: CouncilResult,
    meeting_date: dt.date | None,
    by: User,
    reason: str,
) -> Initiative:
    expected = _expected_move(result)
    if expected is None:
        raise ValidationError(
            _("Hội đồng chưa có kết quả cho sáng kiến %(code)s: %(why)s")
            % {"code": initiative.code, "why": " ".join(result.explanation)}
        )
    if expected != to:
        raise ValidationError(
            _("Kết quả hội đồng cho sáng kiến %(code)s là “%(result)s”, nên không thể chuyển sang “%(to)s”.")
            % {"code": initiative.code, "result": S(expected).label, "to": S(to).label}
        )
    initiative.council_object = council_object
    initiative.recommended_on = meeting_date
    return _record_move(
        initiative, to, by=by, reason=reason, council_object=council_object, effective_date=meeting_date
    )


@transaction.atomic
def initiative_transition(
    *,
    initiative: Initiative,
    to: str,
    by: User,
    reason: str = "",
    document: OfficialDocument | None = None,
) -> Initiative:
    """Move an initiative along workflow.TRANSITIONS, with the guard of each step:
    recommended / not recommended only as its council's computed result says; recognised only
    with the recognition decision, dated on or after the council's session; withdrawn with a reason."""
    workflow.check(initiative, to, by)
    reason = (reason or "").strip()
    if to in (S.RECOMMENDED, S.NOT_RECOMMENDED):
        council_object = selectors.council_object_of(initiative)
        if council_object is None:
            raise ValidationError(
                _("Sáng kiến %(code)s chưa được đưa ra hội đồng sáng kiến.") % {"code": initiative.code}
            )
        meeting = latest_meeting(council_object.council)
        return _apply_result(
            initiative,
            to,
            council_object=council_object,
            result=council_result(council_object),
            meeting_date=meeting.date if meeting else None,
            by=by,
            reason=reason,
        )
    if to == S.RECOGNISED:
        if document is None:
            raise ValidationError({"decision": _("Công nhận sáng kiến phải kèm quyết định công nhận.")})
        _check_decision_date(document.date, [initiative])
        initiative.decision = document
        initiative.recognised_on = document.date
        return _record_move(initiative, to, by=by, reason=reason, document=document, effective_date=document.date)
    if to == S.WITHDRAWN and not reason:
        raise ValidationError({"reason": _("Hãy nêu lý do rút hồ sơ.")})
    if to == S.SUBMITTED:
        # Back before a later session: the earlier council's verdict no longer applies.
        initiative.council_object = None
        initiative.recommended_on = None
    return _record_move(initiative, to, by=by, reason=reason, effective_date=timezone.localdate())


@transaction.atomic
def initiatives_apply_council_results(*, council: Council, by: User) -> dict[str, int]:
    """Move every submitted initiative before `council` as its computed result says; those
    without a result yet (votes missing, no quorum) stay where they are. Returns the counts."""
    _require(by, "change", Initiative)
    if not has_role(by, *workflow.TRANSITIONS[(S.SUBMITTED, S.RECOMMENDED)]):
        raise PermissionDenied(_("Chỉ Phòng Quản lý khoa học được đổi trạng thái hồ sơ sáng kiến."))
    objects = selectors.initiative_objects(council)
    results = council_results(council, objects)  # a fixed number of queries for the whole council
    meeting = latest_meeting(council)
    initiatives = {
        i.pk: i for i in Initiative.objects.active().filter(pk__in=[o.object_id for o in objects], status=S.SUBMITTED)
    }
    counts = {S.RECOMMENDED: 0, S.NOT_RECOMMENDED: 0, "pending": 0}
    for council_object in objects:
        initiative = initiatives.get(council_object.object_id)
        if initiative is None:
            continue
        result = results[council_object.pk]
        to = _expected_move(result)
        if to is None:
            counts["pending"] += 1
            continue
        _apply_result(
            initiative,
            to,
            council_object=council_object,
            result=result,
            meeting_date=meeting.date if meeting else None,
            by=by,
            reason=_("Theo kết quả bỏ phiếu của %(c)s") % {"c": council.name},
        )
        counts[to] += 1
    return counts


# --- Recognition and wider application ----------------------------------------------------------


def _check_decision_date(date: dt.date, initiatives: Sequence[Initiative]) -> None:
    if date > timezone.localdate():
        raise ValidationError({"date": _("Ngày quyết định (%(d)s) ở tương lai.") % {"d": _d(date)}})
    early = [i for i in initiatives if i.recommended_on and date < i.recommended_on]
    if early:
        raise ValidationError(
            {
                "date": _("Ngày quyết định (%(d)s) trước ngày hội đồng xét sáng kiến %(codes)s.")
                % {
                    "d": _d(date),
                    "codes": ", ".join(f"{i.code} ({_d(i.recommended_on)})" for i in early if i.recommended_on),
                }
            }
        )


@transaction.atomic
def recognition_decision_issue(
    *,
    number: str,
    date: dt.date,
    issuer: Organisation,
    initiatives: Sequence[Initiative],
    by: User,
    signer: str = "",
    signer_position: str = "",
    subject: str = "",
) -> OfficialDocument:
    """Record the province's decision recognising initiatives the council recommended, and move
    each to "recognised". Refused, with nothing written: a decision number the issuer has already
    used, a date before the council's session or in the future, an initiative not recommended."""
    _require(by, "change", Initiative)
    number = (number or "").strip()
    if not number:
        raise ValidationError({"number": _("Hãy ghi số quyết định.")})
    existing = OfficialDocument.objects.filter(issuer=issuer, number__iexact=number).first()
    if existing is not None:
        raise ValidationError(
            {
                "number": _("Số quyết định “%(n)s” của %(issuer)s đã được dùng cho văn bản ngày %(d)s (“%(s)s”).")
                % {"n": number, "issuer": issuer.name, "d": _d(existing.date), "s": existing.subject[:120]}
            }
        )
    if not initiatives:
        raise ValidationError(_("Chọn ít nhất một sáng kiến được công nhận."))
    not_recommended = [i for i in initiatives if i.status != S.RECOMMENDED]
    if not_recommended:
        raise ValidationError(
            _("Chỉ công nhận sáng kiến đã được hội đồng đề nghị; không đúng: %(codes)s.")
            % {"codes": ", ".join(f"{i.code} ({S(i.status).label})" for i in not_recommended)}
        )
    _check_decision_date(date, initiatives)
    for initiative in initiatives:
        workflow.check(initiative, S.RECOGNISED, by)
    document = OfficialDocument(
        number=number,
        date=date,
        kind=OfficialDocument.Kind.DECISION,
        issuer=issuer,
        signer=signer,
        signer_position=signer_position,
        subject=subject or _("Công nhận sáng kiến có phạm vi ảnh hưởng cấp tỉnh"),
    )
    document.full_clean()
    record_save(record=document, by=by, reason=_("Quyết định công nhận sáng kiến"))
    for initiative in initiatives:
        initiative_transition(initiative=initiative, to=S.RECOGNISED, by=by, document=document)
    return document


@transaction.atomic
def initiative_support_wider(
    *,
    initiative: Initiative,
    where: str,
    by: User,
    amount: int | None = None,
    on: dt.date | None = None,
) -> Initiative:
    """Record the province's support to apply a recognised initiative more widely (where, how much)."""
    _require(by, "change", Initiative)
    where = (where or "").strip()
    on = on or timezone.localdate()
    errors: dict[str, Any] = {}
    if initiative.status != S.RECOGNISED:
        errors["status"] = _("Chỉ hỗ trợ nhân rộng sáng kiến đã được công nhận (sáng kiến %(code)s đang “%(s)s”).") % {
            "code": initiative.code,
            "s": S(initiative.status).label,
        }
    elif initiative.supported_for_wider_application:
        errors["status"] = _("Sáng kiến %(code)s đã được hỗ trợ nhân rộng.") % {"code": initiative.code}
    if not where:
        errors["where"] = _("Hãy ghi nơi nhân rộng (ví dụ: Trường THPT Phù Cừ, Trường THPT Văn Giang).")
    if amount is not None and amount < 0:
        errors["amount"] = _("Kinh phí không được âm.")
    if initiative.recognised_on and on < initiative.recognised_on:
        errors["on"] = _("Ngày hỗ trợ (%(d)s) trước ngày công nhận (%(r)s).") % {
            "d": _d(on),
            "r": _d(initiative.recognised_on),
        }
    if on > timezone.localdate():
        errors["on"] = _("Ngày hỗ trợ (%(d)s) ở tương lai.") % {"d": _d(on)}
    if errors:
        raise ValidationError(errors)
    initiative.supported_for_wider_application = True
    initiative.wider_application_where = where
    initiative.wider_support_amount = amount
    initiative.wider_support_date = on
    return record_save(record=initiative, by=by, reason=_("Hỗ trợ nhân rộng sáng kiến"))
