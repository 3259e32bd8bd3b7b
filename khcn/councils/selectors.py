"""Reads with rules for councils: who sees which council, and the computed result of each object.

Results are never stored. `council_results` loads everything one council needs in a fixed number
of queries (members, latest meeting, conflicts, sheets with scores, the rule set) and computes each
object's result with khcn.councils.aggregation.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404

from khcn.accounts import roles
from khcn.accounts.permissions import has_role, is_department_staff
from khcn.councils import aggregation
from khcn.councils.aggregation import CouncilResult, Ranked
from khcn.councils.models import (
    ConflictDeclaration,
    Council,
    CouncilMember,
    CouncilObject,
    Meeting,
    RuleSet,
    Score,
    ScoreSheet,
    vote_choices,
)

__all__ = [
    "CouncilResult",
    "council_list_visible_to",
    "council_object_list_for",
    "council_objects_for",
    "council_ranking",
    "council_result",
    "council_results",
    "get_council_for",
    "get_council_object_for",
    "is_council_staff",
    "member_for",
    "rule_set_for",
]


# --- Access -------------------------------------------------------------------------------------


def is_council_staff(user: Any) -> bool:
    """Department staff who may read councils in the back office (and their results and documents)."""
    return is_department_staff(user) and user.has_perm("councils.view_council")


def _is_council_member_user(user: Any) -> bool:
    # Council members work on the front site. Host users never see councils, even if someone
    # linked their directory person to a council by mistake.
    return has_role(user, roles.COUNCIL_MEMBER) and not (has_role(user, roles.HOST_USER) and not user.is_superuser)


def council_list_visible_to(user: Any) -> QuerySet[Council]:
    """Staff with council permissions see every council; a council member sees only the councils
    they sit on (through their directory person); everyone else sees none."""
    qs = Council.objects.active().select_related("decision", "rule_set")
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return qs.none()
    if is_council_staff(user):
        return qs
    if not _is_council_member_user(user):
        return qs.none()
    mine = CouncilMember.objects.active().filter(council=OuterRef("pk"), person__user=user)
    return qs.filter(Exists(mine))


def get_council_for(user: Any, pk: int) -> Council:
    """The council, if the user may see it; 404 otherwise (no hint that it exists)."""
    council = council_list_visible_to(user).filter(pk=pk).first()
    if council is None:
        raise Http404
    return council


def member_for(user: Any, council: Council) -> CouncilMember | None:
    """The user's own seat on the council, if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return CouncilMember.objects.active().select_related("person").filter(council=council, person__user=user).first()


def council_object_list_for(user: Any, council: Council) -> QuerySet[CouncilObject]:
    """The objects of a council (already fetched through get_council_for), with the user's own
    sheet and conflict status annotated: one query whatever the list's length."""
    qs = CouncilObject.objects.active().filter(council=council).select_related("content_type")
    my_sheets = ScoreSheet.objects.active().filter(council_object=OuterRef("pk"), member__person__user=user)
    my_conflicts = ConflictDeclaration.objects.filter(council_object=OuterRef("pk"), member__person__user=user)
    return qs.annotate(  # type: ignore[return-value]
        my_sheet_submitted=Exists(my_sheets),
        my_conflict=Exists(my_conflicts),
        sheet_count=Count("sheets", filter=Q(sheets__archived_at__isnull=True), distinct=True),
    )


def get_council_object_for(user: Any, council_pk: int, object_pk: int) -> CouncilObject:
    council = get_council_for(user, council_pk)
    obj = (
        CouncilObject.objects.active()
        .select_related("council", "council__rule_set", "content_type")
        .filter(council=council, pk=object_pk)
        .first()
    )
    if obj is None:
        raise Http404
    return obj


def council_objects_for(target: models.Model) -> QuerySet[CouncilObject]:
    """Every council appearance of a record (a proposal judged by an identification council, then
    its application by a selection council...), oldest first."""
    content_type = ContentType.objects.get_for_model(type(target))
    return (
        CouncilObject.objects.active()
        .filter(content_type=content_type, object_id=target.pk)
        .select_related("council", "council__rule_set")
        .order_by("council__year", "council__created_at", "id")
    )


def rule_set_for(*, kind: str, on: dt.date) -> RuleSet | None:
    """The rule set in force for a kind of council on a day (the latest one that started by then)."""
    return (
        RuleSet.objects.active()
        .filter(kind=kind, valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .order_by("-valid_from")
        .first()
    )


# --- Results ------------------------------------------------------------------------------------


def _rule_snapshot(council: Council) -> aggregation.Rule:
    rule_set = RuleSet.objects.prefetch_related("criteria").get(pk=council.rule_set_id)
    yes_label = str(dict(vote_choices(council.kind))["recommend"]).lower()
    return aggregation.Rule(
        kind=council.kind,
        method=rule_set.method,
        quorum_fraction=rule_set.fraction("quorum_fraction"),
        quorum_requires_chair=rule_set.quorum_requires_chair,
        quorum_requires_reviewers=rule_set.quorum_requires_reviewers,
        criteria=tuple(
            aggregation.CriterionRule(code=c.code, label=c.label, max_points=c.max_points, is_key=c.is_key)
            for c in rule_set.criteria.all()
        ),
        pass_mean_score=rule_set.pass_mean_score,
        max_zero_fraction=rule_set.fraction("max_zero_fraction"),
        pass_fraction=rule_set.fraction("pass_fraction"),
        excellent_fraction=rule_set.fraction("excellent_fraction"),
        excellent_requires_no_failed=rule_set.excellent_requires_no_failed,
        recommend_fraction=rule_set.fraction("recommend_fraction"),
        yes_label=yes_label,
    )


def latest_meeting(council: Council) -> Meeting | None:
    return council.meetings.active().prefetch_related("present").order_by("-date", "-id").first()


def council_results(council: Council, objects: list[CouncilObject] | None = None) -> dict[int, CouncilResult]:
    """Results of the council's objects (or of `objects`), keyed by object id, in 6 queries."""
    rule = _rule_snapshot(council)  # 2 queries: rule set, criteria
    members = [
        aggregation.MemberInfo(id=m.pk, name=m.person.display_name, role=m.role, role_label=m.get_role_display())
        for m in council.members.active().select_related("person")
    ]
    meeting = latest_meeting(council)  # 2 queries: meeting, attendance
    meeting_info = None
    if meeting is not None:
        meeting_info = aggregation.MeetingInfo(
            date=meeting.date,
            place=meeting.place,
            online=meeting.online,
            present_ids=frozenset(m.pk for m in meeting.present.all() if m.archived_at is None),
        )
    if objects is None:
        objects = list(council.council_objects.active())
    ids = [o.pk for o in objects]
    conflicts: defaultdict[int, set[int]] = defaultdict(set)
    for object_id, member_id in ConflictDeclaration.objects.filter(council_object_id__in=ids).values_list(
        "council_object_id", "member_id"
    ):
        conflicts[object_id].add(member_id)
    sheets: defaultdict[int, list[aggregation.SheetInfo]] = defaultdict(list)
    scores = Prefetch("scores", queryset=Score.objects.select_related("criterion"))
    for sheet in ScoreSheet.objects.active().filter(council_object_id__in=ids).prefetch_related(scores):
        sheets[sheet.council_object_id].append(
            aggregation.SheetInfo(
                member_id=sheet.member_id,
                scores={s.criterion.code: s.points for s in sheet.scores.all()},
                conclusion=sheet.conclusion,
            )
        )
    return {
        obj.pk: aggregation.aggregate(
            rule=rule,
            members=members,
            meeting=meeting_info,
            conflicted_ids=conflicts[obj.pk],
            sheets=sheets[obj.pk],
        )
        for obj in objects
    }


def council_result(council_object: CouncilObject) -> CouncilResult:
    """The computed result of one object, with its explanation (a list of Vietnamese sentences)."""
    return council_results(council_object.council, [council_object])[council_object.pk]


def council_ranking(council: Council) -> dict[str, list[Ranked]]:
    """Scored objects ranked within each selection group (group "" = the whole council)."""
    objects = list(council.council_objects.active())
    results = council_results(council, objects)
    groups: defaultdict[str, list[tuple[Any, str, CouncilResult]]] = defaultdict(list)
    for obj in objects:
        groups[obj.group].append((obj, obj.title, results[obj.pk]))
    return {group: aggregation.rank(entries) for group, entries in groups.items()}


def sheets_for(council_object: CouncilObject) -> QuerySet[ScoreSheet]:
    """The object's sheets with member and scores, for tables and documents (3 queries)."""
    return (
        ScoreSheet.objects.active()
        .filter(council_object=council_object)
        .select_related("member__person", "entered_by")
        .prefetch_related(Prefetch("scores", queryset=Score.objects.select_related("criterion")))
        .order_by("member_id")
    )


def members_for(council: Council) -> list[CouncilMember]:
    """Members in the order the minutes list them: chair, vice-chair, reviewers, members, secretaries."""
    members = list(council.members.active().select_related("person", "person__organisation"))
    members.sort(key=lambda m: (CouncilMember.ROLE_ORDER.get(m.role, 99), m.pk))
    return members


def council_list_for_page(user: Any) -> QuerySet[Council]:
    """The "my councils" list: each council with its object count, the user's role and its latest
    meeting date, in one query."""
    my_role = CouncilMember.objects.active().filter(council=OuterRef("pk"), person__user=user).values("role")[:1]
    last_meeting = Meeting.objects.active().filter(council=OuterRef("pk")).order_by("-date").values("date")[:1]
    object_count = (
        CouncilObject.objects.active()
        .filter(council=OuterRef("pk"))
        .order_by()
        .values("council")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return council_list_visible_to(user).annotate(
        my_role=Subquery(my_role),
        last_meeting_date=Subquery(last_meeting),
        object_count=Subquery(object_count),
    )
