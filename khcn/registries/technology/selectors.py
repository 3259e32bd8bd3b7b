"""Reads with rules for the technology registry: who sees what, the rule in force on a day, the
appraisal councils of an opinion, and what falls due."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, Model, OuterRef, Q, QuerySet
from django.http import Http404

from khcn.accounts.permissions import is_department_staff
from khcn.councils.models import Council, CouncilObject

TRANSFER_FILING = "transfer_filing"
OPINION_ANSWER = "opinion_answer"


# --- Access --------------------------------------------------------------------------------------


def can_view(user: Any, model: type[Model]) -> bool:
    """Department staff with the model's view permission (every staff role has technology.view_*)."""
    return is_department_staff(user) and user.has_perm(f"technology.view_{model._meta.model_name}")


def can_change(user: Any, model: type[Model]) -> bool:
    """Only the technology and IP division (technology.*) edits the registry."""
    return is_department_staff(user) and user.has_perm(f"technology.change_{model._meta.model_name}")


def _visible(user: Any, qs: QuerySet, model: type[Model]) -> QuerySet:
    return qs if can_view(user, model) else qs.none()


def project_list_visible_to(user: Any) -> QuerySet:
    from khcn.registries.technology.models import InvestmentProject

    qs = (
        InvestmentProject.objects.active()
        .select_related("investor", "location")
        .annotate(opinion_count=Count("opinions", filter=Q(opinions__archived_at__isnull=True)))
    )
    return _visible(user, qs, InvestmentProject)


def opinion_list_visible_to(user: Any) -> QuerySet:
    from khcn.registries.technology.models import TechnologyOpinion

    qs = TechnologyOpinion.objects.active().select_related("project", "project__investor", "project__location")
    return _visible(user, qs, TechnologyOpinion)


def get_opinion_for(user: Any, pk: int) -> Any:
    opinion = opinion_list_visible_to(user).filter(pk=pk).first()
    if opinion is None:
        raise Http404
    return opinion


def certificate_list_visible_to(user: Any) -> QuerySet:
    from khcn.registries.technology.models import TechnologyTransferCertificate

    qs = TechnologyTransferCertificate.objects.active().select_related("transferor", "transferee", "original")
    return _visible(user, qs, TechnologyTransferCertificate)


def workshop_list_visible_to(user: Any) -> QuerySet:
    from khcn.registries.technology.models import Workshop

    return _visible(user, Workshop.objects.active().select_related("location"), Workshop)


# --- Rules in force ------------------------------------------------------------------------------


def deadline_rule(kind: str, on: dt.date) -> Any:
    """The deadline rule of `kind` in force on `on`; for a day before every rule, the earliest
    one (a contract signed before the first recorded rule still has a deadline)."""
    from khcn.registries.technology.models import DeadlineRule

    qs = DeadlineRule.objects.filter(kind=kind, archived_at__isnull=True)
    return qs.in_force(on).first() or qs.order_by("valid_from", "pk").first()  # type: ignore[attr-defined]


# --- Appraisal councils --------------------------------------------------------------------------


def appraisal_councils_for(opinion: Any) -> QuerySet[Council]:
    """The technology appraisal councils an opinion was put before (through the councils app)."""
    content_type = ContentType.objects.get_for_model(type(opinion))
    objects = CouncilObject.objects.active().filter(
        council=OuterRef("pk"), content_type=content_type, object_id=opinion.pk
    )
    return Council.objects.active().filter(Exists(objects)).order_by("year", "pk")


def appraisal_councils(opinion_ids: QuerySet | None = None) -> QuerySet[Council]:
    """Technology appraisal councils; with `opinion_ids`, only those judging one of them."""
    from khcn.registries.technology.models import TechnologyOpinion

    qs = Council.objects.active().filter(kind=Council.Kind.TECHNOLOGY_APPRAISAL)
    if opinion_ids is not None:
        content_type = ContentType.objects.get_for_model(TechnologyOpinion)
        objects = CouncilObject.objects.active().filter(
            council=OuterRef("pk"), content_type=content_type, object_id__in=opinion_ids
        )
        qs = qs.filter(Exists(objects))
    return qs


# --- What falls due ------------------------------------------------------------------------------


def opinions_unanswered(today: dt.date, within_days: int) -> QuerySet:
    """Requests without an answer whose deadline is at most `within_days` away (or past)."""
    from khcn.registries.technology.models import TechnologyOpinion

    return (
        TechnologyOpinion.objects.active()
        .filter(
            answer_date__isnull=True, answer_due__isnull=False, answer_due__lte=today + dt.timedelta(days=within_days)
        )
        .select_related("project", "project__investor")
        .order_by("answer_due", "pk")
    )


def contracts_ending(today: dt.date, within_days: int) -> QuerySet:
    """Registered transfers whose contract ends within `within_days` (the latest certificate of a
    chain carries the end date that holds)."""
    from khcn.registries.technology.models import TechnologyTransferCertificate

    later = TechnologyTransferCertificate.objects.active().filter(original=OuterRef("pk"))
    return (
        TechnologyTransferCertificate.objects.active()
        .filter(
            contract_end__isnull=False,
            contract_end__gte=today,
            contract_end__lte=today + dt.timedelta(days=within_days),
        )
        .exclude(Exists(later))
        .select_related("transferee", "transferor")
        .order_by("contract_end", "pk")
    )
