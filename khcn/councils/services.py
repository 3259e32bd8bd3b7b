"""Every write about councils. Each service checks who may do it and validates everything before
writing anything, in one transaction, and records history through core.services.record_save.

Other apps (research, initiatives, technology) call these with keyword arguments only.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from khcn.accounts.models import User
from khcn.accounts.permissions import is_department_staff
from khcn.core.models import Attachment
from khcn.core.services import attachment_add, record_save
from khcn.councils.models import (
    ConflictDeclaration,
    Council,
    CouncilMember,
    CouncilObject,
    Grade,
    Meeting,
    Method,
    RuleCriterion,
    Score,
    ScoreSheet,
    Vote,
)
from khcn.directory.models import OfficialDocument, Person


def _require(by: User, perm: str, message: str) -> None:
    if not (getattr(by, "is_authenticated", False) and by.is_active and by.has_perm(perm)):
        raise PermissionDenied(message)


def _require_open(council: Council) -> None:
    if council.archived_at is not None:
        raise ValidationError(_("Hội đồng này đã được lưu trữ, không ghi thêm được."), code="council_archived")


def _may_act_for(by: User, member: CouncilMember, perm: str) -> bool:
    """A member acts for themselves; department staff with the permission record on their behalf
    (a paper sheet, a conflict stated at the meeting)."""
    if not (getattr(by, "is_authenticated", False) and by.is_active):
        return False
    if member.person.user_id is not None and member.person.user_id == by.pk:
        return True
    return is_department_staff(by) and by.has_perm(perm)


# --- Councils, members, meetings, objects ----------------------------------------------------------


@transaction.atomic
def council_create(*, kind: str, year: int, name: str, by: User, decision: OfficialDocument | None = None) -> Council:
    """Set up a council; the rule set in force for its kind and date is bound to it now."""
    _require(by, "councils.add_council", _("Bạn không có quyền thành lập hội đồng."))
    council = Council(kind=kind, year=year, name=(name or "").strip(), decision=decision)
    council.full_clean()
    return record_save(record=council, by=by, reason=_("Thành lập hội đồng"))


@transaction.atomic
def council_member_add(*, council: Council, person: Person, role: str, by: User) -> CouncilMember:
    """Add a person to a council; chair, vice-chair and each reviewer are held by one person."""
    _require(by, "councils.add_councilmember", _("Bạn không có quyền thêm thành viên hội đồng."))
    _require_open(council)
    if person.archived_at is not None:
        raise ValidationError(_("Cá nhân này đã được lưu trữ trong danh bạ."), code="person_archived")
    member = CouncilMember(council=council, person=person, role=role)
    member.full_clean()
    return record_save(record=member, by=by, reason=_("Thêm thành viên hội đồng"))


@transaction.atomic
def meeting_record(
    *,
    council: Council,
    date: datetime.date,
    place: str,
    present: list[CouncilMember],
    by: User,
    online: bool = False,
) -> Meeting:
    """Record a sitting and who attended; the latest sitting's attendance decides the quorum."""
    _require(by, "councils.add_meeting", _("Bạn không có quyền ghi nhận phiên họp."))
    _require_open(council)
    errors: dict[str, list[str]] = defaultdict(list)
    strangers = [m for m in present if m.council_id != council.pk or m.archived_at is not None]
    if strangers:
        errors["present"].append(
            _("Không phải thành viên của hội đồng này: %(names)s.")
            % {"names": ", ".join(m.person.display_name for m in strangers)}
        )
    if date > timezone.localdate():
        errors["date"].append(_("Chỉ ghi điểm danh cho phiên họp đã diễn ra (ngày họp đang ở tương lai)."))
    place = (place or "").strip()
    if not place and not online:
        errors["place"].append(_("Hãy ghi địa điểm họp, hoặc đánh dấu họp trực tuyến."))
    if errors:
        raise ValidationError(dict(errors))
    meeting = Meeting(council=council, date=date, place=place, online=online)
    meeting.full_clean()
    record_save(record=meeting, by=by, reason=_("Ghi nhận phiên họp"))
    meeting.present.set(present)
    return meeting


@transaction.atomic
def council_object_add(
    *, council: Council, target: models.Model, by: User, title: str | None = None, group: str = ""
) -> CouncilObject:
    """Put a record before the council; its title is kept as it reads today."""
    _require(by, "councils.add_councilobject", _("Bạn không có quyền thêm đối tượng đánh giá cho hội đồng."))
    _require_open(council)
    if target.pk is None:
        raise ValidationError(_("Hồ sơ được đánh giá phải được lưu trước."), code="unsaved_target")
    order = (council.council_objects.aggregate(m=Max("order"))["m"] or 0) + 1
    obj = CouncilObject(
        council=council,
        content_type=ContentType.objects.get_for_model(type(target)),
        object_id=target.pk,
        title=(title or str(target)).strip()[:1000],
        group=(group or "").strip(),
        order=order,
    )
    obj.full_clean()
    return record_save(record=obj, by=by, reason=_("Thêm đối tượng đánh giá"))


# --- Conflicts of interest ---------------------------------------------------------------------------


@transaction.atomic
def conflict_declare(
    *, council_object: CouncilObject, member: CouncilMember, reason: str, by: User
) -> ConflictDeclaration:
    """A member declares a conflict of interest with one object: from then on they cannot score it
    and do not count towards its quorum (a sheet already sent is no longer counted)."""
    reason = (reason or "").strip()
    if council_object.archived_at is not None:
        raise ValidationError(_("Đối tượng này đã được lưu trữ."), code="object_archived")
    if member.council_id != council_object.council_id or member.archived_at is not None:
        raise ValidationError(
            _("Người này không phải thành viên của hội đồng đánh giá đối tượng này."), code="not_member"
        )
    if not _may_act_for(by, member, "councils.add_conflictdeclaration"):
        raise PermissionDenied(_("Bạn chỉ khai báo xung đột lợi ích cho chính mình."))
    if not reason:
        raise ValidationError({"reason": [_("Hãy nêu lý do xung đột lợi ích (ví dụ: là thành viên nhóm thực hiện).")]})
    if ConflictDeclaration.objects.filter(council_object=council_object, member=member).exists():
        raise ValidationError(_("Bạn đã khai báo xung đột lợi ích với đối tượng này."), code="conflict_exists")
    conflict = ConflictDeclaration(council_object=council_object, member=member, reason=reason, declared_by=by)
    conflict._history_user = by  # type: ignore[attr-defined]
    conflict.save()
    return conflict


# --- Score sheets ----------------------------------------------------------------------------------

_INT_RE = re.compile(r"^\s*-?\d+\s*$")


def _as_int(value: Any) -> int | None:
    """Read a score typed by a person or sent by a program; None if it is not a whole number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float | Decimal) and value == int(value):
        return int(value)
    if isinstance(value, str) and _INT_RE.match(value):
        return int(value)
    return None


def _check_scores(
    criteria: list[RuleCriterion], scores: dict[str, Any] | None, *, required: bool
) -> tuple[dict[str, list[str]], dict[RuleCriterion, int]]:
    errors: dict[str, list[str]] = defaultdict(list)
    given = {k: v for k, v in (scores or {}).items() if v is not None and v != ""}
    by_code = {c.code: c for c in criteria}
    unknown = sorted(set(given) - set(by_code))
    if unknown:
        errors[NON_FIELD_ERRORS].append(
            _("Phiếu có tiêu chí không thuộc bộ tiêu chí của hội đồng: %(codes)s.") % {"codes": ", ".join(unknown)}
        )
    if given and not criteria:
        errors[NON_FIELD_ERRORS].append(_("Hội đồng này không chấm điểm theo tiêu chí."))
    # Optional scores (identification) are all or nothing: half a sheet would skew the mean.
    must_score_all = required or bool(set(given) & set(by_code))
    cleaned: dict[RuleCriterion, int] = {}
    for criterion in criteria:
        field = f"score_{criterion.code}"
        if criterion.code not in given:
            if must_score_all:
                errors[field].append(_("Chưa chấm tiêu chí “%(label)s”.") % {"label": criterion.label})
            continue
        raw = given[criterion.code]
        points = _as_int(raw)
        if points is None:
            errors[field].append(
                _("Điểm tiêu chí “%(label)s” phải là số nguyên (đang là “%(value)s”).")
                % {"label": criterion.label, "value": raw}
            )
        elif points < 0:
            errors[field].append(
                _("Điểm tiêu chí “%(label)s” không được âm (đang là %(value)d).")
                % {"label": criterion.label, "value": points}
            )
        elif points > criterion.max_points:
            errors[field].append(
                _("Điểm tiêu chí “%(label)s” là %(value)d, vượt quá điểm tối đa %(max)d.")
                % {"label": criterion.label, "value": points, "max": criterion.max_points}
            )
        else:
            cleaned[criterion] = points
    return errors, cleaned


@transaction.atomic
def score_sheet_submit(
    *,
    council_object: CouncilObject,
    member: CouncilMember,
    by: User,
    scores: dict[str, int] | None = None,
    vote: str | None = None,
    grade: str | None = None,
    comments: str = "",
    source: str = "online",
) -> ScoreSheet:
    """Submit one member's sheet for one object, once.

    Refused, with nothing written: a non-member or the administrative secretary, a member with a
    declared conflict of interest, a second sheet, a score above the criterion's maximum or below
    0, a missing criterion, vote or grade. Errors are keyed by the scoring form's field names
    (score_<code>, vote, grade) so the page shows each next to its input.
    """
    if source not in ScoreSheet.Source.values:
        raise ValidationError(_("Hình thức phiếu không hợp lệ."), code="bad_source")
    council = council_object.council
    if council_object.archived_at is not None:
        raise ValidationError(_("Đối tượng này đã được lưu trữ, không nhận phiếu."), code="object_archived")
    _require_open(council)
    if member.council_id != council_object.council_id or member.archived_at is not None:
        raise ValidationError(
            _("Người gửi phiếu không phải thành viên của hội đồng đánh giá đối tượng này; phiếu không được nhận."),
            code="not_member",
        )
    if not _may_act_for(by, member, "councils.add_scoresheet"):
        raise PermissionDenied(_("Bạn chỉ gửi được phiếu của chính mình."))
    if source == ScoreSheet.Source.PAPER and not (is_department_staff(by) and by.has_perm("councils.add_scoresheet")):
        raise PermissionDenied(_("Phiếu giấy do cán bộ của Sở nhập."))
    if not member.votes:
        raise ValidationError(_("Thư ký hành chính không chấm điểm, không bỏ phiếu."), code="non_voting")
    if ConflictDeclaration.objects.filter(council_object=council_object, member=member).exists():
        raise ValidationError(
            _("%(name)s đã khai báo xung đột lợi ích với đối tượng này nên không được chấm.")
            % {"name": member.person.display_name},
            code="conflict",
        )
    existing = ScoreSheet.objects.active().filter(council_object=council_object, member=member).first()
    if existing is not None:
        raise ValidationError(
            _("%(name)s đã gửi phiếu cho đối tượng này lúc %(when)s; mỗi thành viên chỉ gửi một phiếu.")
            % {
                "name": member.person.display_name,
                "when": timezone.localtime(existing.submitted_at).strftime("%H:%M %d/%m/%Y"),
            },
            code="duplicate",
        )

    rule_set = council.rule_set
    criteria = list(rule_set.criteria.all())
    errors, cleaned = _check_scores(criteria, scores, required=rule_set.method == Method.SCORE)
    vote = vote or None
    grade = grade or None
    if rule_set.method in (Method.VOTE, Method.SCORE):
        if vote is None and rule_set.method == Method.VOTE:
            errors["vote"].append(_("Hãy chọn đề nghị hoặc không đề nghị."))
        elif vote is not None and vote not in Vote.values:
            errors["vote"].append(_("Lựa chọn bỏ phiếu không hợp lệ."))
        if grade is not None:
            errors[NON_FIELD_ERRORS].append(_("Hội đồng này không xếp loại Xuất sắc/Đạt/Không đạt."))
    else:
        if grade is None:
            errors["grade"].append(_("Hãy chọn xếp loại: Xuất sắc, Đạt hoặc Không đạt."))
        elif grade not in Grade.values:
            errors["grade"].append(_("Xếp loại không hợp lệ."))
        if vote is not None:
            errors[NON_FIELD_ERRORS].append(_("Hội đồng này xếp loại, không bỏ phiếu đề nghị."))
    if errors:
        raise ValidationError({k: v for k, v in errors.items() if v})

    sheet = ScoreSheet(
        council_object=council_object,
        member=member,
        conclusion=vote or grade or "",
        comments=(comments or "").strip(),
        source=source,
        submitted_at=timezone.now(),
        entered_by=by,
    )
    try:
        # A double click sends the form twice: the unique constraint is the last word.
        with transaction.atomic():
            record_save(record=sheet, by=by, reason=_("Gửi phiếu đánh giá"))
    except IntegrityError:
        raise ValidationError(_("Thành viên này đã gửi phiếu cho đối tượng này."), code="duplicate") from None
    Score.objects.bulk_create([Score(sheet=sheet, criterion=c, points=p) for c, p in cleaned.items()])
    return sheet


def score_sheet_attach_scan(*, sheet: ScoreSheet, upload: UploadedFile, by: User) -> Attachment:
    """Keep the scan of a signed paper sheet with the sheet entered from it."""
    if not (is_department_staff(by) and by.has_perm("councils.add_scoresheet")):
        raise PermissionDenied(_("Bạn không có quyền đính kèm bản quét phiếu."))
    return attachment_add(record=sheet, upload=upload, by=by, description=_("Bản quét phiếu đánh giá"))
