"""Front-site pages of council members (and staff reading results): my councils, a council, the
score sheet of one object, the conflict declaration, the result, and the .docx downloads.

Every view first fetches through an access-checked getter in selectors.py (404 for what the user
may not see), then does one thing.
"""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from khcn.accounts import roles
from khcn.accounts.models import User
from khcn.accounts.permissions import has_role
from khcn.councils import documents, selectors, services
from khcn.councils.forms import ConflictForm, ScoreSheetForm
from khcn.councils.models import ConflictDeclaration, CouncilMember, CouncilObject, ScoreSheet

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _user(request: HttpRequest) -> User:
    # Every view here is behind @login_required, so the user is a real account.
    return cast(User, request.user)


def _own_sheet(council_object: CouncilObject, member: CouncilMember | None) -> ScoreSheet | None:
    if member is None:
        return None
    return (
        ScoreSheet.objects.active()
        .filter(council_object=council_object, member=member)
        .prefetch_related("scores__criterion")
        .first()
    )


def _own_conflict(council_object: CouncilObject, member: CouncilMember | None) -> ConflictDeclaration | None:
    if member is None:
        return None
    return ConflictDeclaration.objects.filter(council_object=council_object, member=member).first()


def _member_or_403(request: HttpRequest, council_object: CouncilObject) -> CouncilMember:
    member = selectors.member_for(request.user, council_object.council)
    if member is None:
        raise PermissionDenied(
            _("Chỉ thành viên hội đồng chấm điểm trên trang này; phiếu giấy do cán bộ của Sở nhập ở trang quản trị.")
        )
    return member


@login_required
def my_councils(request: HttpRequest) -> HttpResponse:
    """The councils the user sits on (all councils, for staff)."""
    is_staff = selectors.is_council_staff(request.user)
    if not (is_staff or has_role(request.user, roles.COUNCIL_MEMBER)):
        raise PermissionDenied(_("Trang này dành cho thành viên hội đồng."))
    councils = selectors.council_list_for_page(request.user)
    return render(request, "councils/my_councils.html", {"councils": councils, "is_council_staff": is_staff})


@login_required
def council_detail(request: HttpRequest, pk: int) -> HttpResponse:
    council = selectors.get_council_for(request.user, pk)
    is_staff = selectors.is_council_staff(request.user)
    context = {
        "council": council,
        "member": selectors.member_for(request.user, council),
        "members": selectors.members_for(council),
        "meeting": selectors.latest_meeting(council),
        "objects": selectors.council_object_list_for(request.user, council),
        "is_council_staff": is_staff,
        "ranking": selectors.council_ranking(council) if is_staff and council.rule_set.method == "score" else None,
    }
    return render(request, "councils/council_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def object_score(request: HttpRequest, council_pk: int, object_pk: int) -> HttpResponse:
    """The member's score sheet for one object: fill in once, then read it back."""
    council_object = selectors.get_council_object_for(request.user, council_pk, object_pk)
    council = council_object.council
    member = _member_or_403(request, council_object)
    criteria = list(council.rule_set.criteria.all())
    sheet = _own_sheet(council_object, member)
    conflict = _own_conflict(council_object, member)
    form = None
    if sheet is None and conflict is None and member.votes:
        form = ScoreSheetForm(request.POST if request.method == "POST" else None, council=council, criteria=criteria)
        if request.method == "POST" and form.is_valid():
            try:
                services.score_sheet_submit(
                    council_object=council_object,
                    member=member,
                    by=_user(request),
                    source="online",
                    **form.service_kwargs(),
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Đã gửi phiếu. Cảm ơn ông/bà."))
                return redirect("councils:object-result", council_pk=council.pk, object_pk=council_object.pk)
    elif request.method == "POST":
        messages.error(request, _("Phiếu không được nhận: ông/bà đã gửi phiếu hoặc đã khai báo xung đột lợi ích."))
        return redirect("councils:object-score", council_pk=council.pk, object_pk=council_object.pk)
    context = {
        "council": council,
        "council_object": council_object,
        "member": member,
        "criteria": criteria,
        "max_total": sum(c.max_points for c in criteria),
        "form": form,
        "sheet": sheet,
        "sheet_scores": {s.criterion.code: s.points for s in sheet.scores.all()} if sheet else {},
        "conflict": conflict,
    }
    return render(request, "councils/object_score.html", context)


@login_required
@require_POST
def object_score_total(request: HttpRequest, council_pk: int, object_pk: int) -> HttpResponse:
    """htmx partial: the running total of the sheet being filled in, with out-of-range warnings."""
    council_object = selectors.get_council_object_for(request.user, council_pk, object_pk)
    _member_or_403(request, council_object)
    criteria = list(council_object.council.rule_set.criteria.all())
    total = 0
    problems: list[str] = []
    for criterion in criteria:
        raw = (request.POST.get(f"score_{criterion.code}") or "").strip()
        if not raw:
            continue
        try:
            points = int(raw)
        except ValueError:
            problems.append(_("“%(label)s”: không phải số nguyên.") % {"label": criterion.label})
            continue
        if points < 0 or points > criterion.max_points:
            problems.append(
                _("“%(label)s”: %(value)d nằm ngoài khoảng 0–%(max)d.")
                % {"label": criterion.label, "value": points, "max": criterion.max_points}
            )
        total += points
    context = {"total": total, "max_total": sum(c.max_points for c in criteria), "problems": problems}
    return render(request, "councils/_score_total.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def object_conflict(request: HttpRequest, council_pk: int, object_pk: int) -> HttpResponse:
    """A member declares a conflict of interest with one object."""
    council_object = selectors.get_council_object_for(request.user, council_pk, object_pk)
    member = _member_or_403(request, council_object)
    existing = _own_conflict(council_object, member)
    form = ConflictForm(request.POST if request.method == "POST" else None)
    if existing is None and request.method == "POST" and form.is_valid():
        try:
            services.conflict_declare(
                council_object=council_object, member=member, reason=form.cleaned_data["reason"], by=_user(request)
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Đã ghi nhận khai báo xung đột lợi ích. Ông/bà sẽ không chấm đối tượng này."))
            return redirect("councils:council-detail", pk=council_object.council_id)
    context = {"council": council_object.council, "council_object": council_object, "form": form, "existing": existing}
    return render(request, "councils/object_conflict.html", context)


@login_required
def object_result(request: HttpRequest, council_pk: int, object_pk: int) -> HttpResponse:
    """The computed result and its reasons: for staff, and for a member once their sheet is in."""
    council_object = selectors.get_council_object_for(request.user, council_pk, object_pk)
    is_staff = selectors.is_council_staff(request.user)
    member = selectors.member_for(request.user, council_object.council)
    own_sheet = _own_sheet(council_object, member)
    if not is_staff and own_sheet is None:
        if member is None:
            raise Http404
        messages.info(request, _("Ông/bà xem được kết quả sau khi đã gửi phiếu cho đối tượng này."))
        return redirect("councils:object-score", council_pk=council_pk, object_pk=object_pk)
    council = council_object.council
    criteria = list(council.rule_set.criteria.all())
    # Staff see every sheet; a member sees the aggregate and their own sheet only.
    sheets = list(selectors.sheets_for(council_object)) if is_staff else []
    rows = []
    for sheet in sheets:
        points = {score.criterion.code: score.points for score in sheet.scores.all()}
        rows.append({"sheet": sheet, "points": [points.get(c.code) for c in criteria]})
    context = {
        "council": council,
        "council_object": council_object,
        "result": selectors.council_result(council_object),
        "criteria": criteria,
        "rows": rows,
        "own_sheet": own_sheet,
        "own_points": {s.criterion.code: s.points for s in own_sheet.scores.all()} if own_sheet else {},
        "is_council_staff": is_staff,
    }
    return render(request, "councils/object_result.html", context)


def _docx_response(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def council_minutes_docx(request: HttpRequest, pk: int) -> HttpResponse:
    council = selectors.get_council_for(request.user, pk)
    if not selectors.is_council_staff(request.user):
        raise Http404
    return _docx_response(documents.minutes_docx(council), f"bien-ban-hoi-dong-{council.pk}.docx")


@login_required
def object_summary_docx(request: HttpRequest, council_pk: int, object_pk: int) -> HttpResponse:
    council_object = selectors.get_council_object_for(request.user, council_pk, object_pk)
    if not selectors.is_council_staff(request.user):
        raise Http404
    return _docx_response(documents.score_summary_docx(council_object), f"tong-hop-ket-qua-{council_object.pk}.docx")
