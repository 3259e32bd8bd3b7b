"""Reads with rules for initiatives: who sees what, the council an initiative is before, and the
list the back office shows (authors in one extra query, whatever the list's length)."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Prefetch, QuerySet

from khcn.accounts.permissions import is_department_staff
from khcn.councils.models import Council, CouncilObject, Meeting


def can_view(user: Any, model: type[Model] | None = None) -> bool:
    """Department staff with the view permission (every staff role has initiatives.view_*)."""
    from khcn.registries.initiatives.models import Initiative

    model = model or Initiative
    return is_department_staff(user) and user.has_perm(f"initiatives.view_{model._meta.model_name}")


def can_change(user: Any) -> bool:
    """Only the science management division (initiatives.*) edits initiatives."""
    return is_department_staff(user) and user.has_perm("initiatives.change_initiative")


def with_authors(qs: QuerySet) -> QuerySet:
    from khcn.registries.initiatives.models import InitiativeAuthor

    return qs.prefetch_related(
        Prefetch("author_links", queryset=InitiativeAuthor.objects.select_related("person").order_by("order", "pk"))
    )


def initiative_list_visible_to(user: Any) -> QuerySet:
    from khcn.registries.initiatives.models import Initiative

    qs = with_authors(Initiative.objects.active().select_related("unit", "decision"))
    return qs if can_view(user) else qs.none()


def _content_type() -> ContentType:
    from khcn.registries.initiatives.models import Initiative

    return ContentType.objects.get_for_model(Initiative)


def council_object_of(initiative: Any) -> CouncilObject | None:
    """The initiative's latest appearance before an initiatives council (a later session replaces
    an earlier one)."""
    return (
        CouncilObject.objects.active()
        .filter(
            content_type=_content_type(),
            object_id=initiative.pk,
            council__kind=Council.Kind.INITIATIVES,
            council__archived_at__isnull=True,
        )
        .select_related("council")
        .order_by("-council__year", "-council__created_at", "-pk")
        .first()
    )


def initiative_objects(council: Council) -> list[CouncilObject]:
    """The council's objects that are initiatives."""
    return list(
        CouncilObject.objects.active().filter(council=council, content_type=_content_type()).select_related("council")
    )


def initiative_councils() -> QuerySet[Council]:
    return Council.objects.active().filter(kind=Council.Kind.INITIATIVES)


def council_meetings(initiative_ids: QuerySet | None = None) -> QuerySet[Meeting]:
    """Sessions of initiatives councils; with `initiative_ids`, only councils judging one of them."""
    qs = Meeting.objects.active().filter(council__kind=Council.Kind.INITIATIVES, council__archived_at__isnull=True)
    if initiative_ids is not None:
        # The councils first (a handful for a province), then their sessions. DISTINCT keeps
        # PostgreSQL from flattening this into a per-session EXISTS, which it plans as a probe of
        # every object of every session's council (hundreds each): 4x slower at national scale.
        councils = (
            CouncilObject.objects.active()
            .filter(content_type=_content_type(), object_id__in=initiative_ids)
            .values("council_id")
            .distinct()
        )
        qs = qs.filter(council_id__in=councils)
    return qs
