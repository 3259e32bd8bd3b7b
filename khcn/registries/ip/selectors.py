"""Reads with rules for the IP registry: who sees what, the validity rule in force, the state of a
use-right certificate, and what falls due."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Exists, Model, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khcn.accounts.permissions import is_department_staff

# Certificates within this many days of expiry show as "sắp hết hạn" (the first reminder).
EXPIRING_WITHIN_DAYS = 90


# --- Access --------------------------------------------------------------------------------------


def can_view(user: Any, model: type[Model]) -> bool:
    """Department staff with the model's view permission (every staff role has ip.view_*)."""
    return is_department_staff(user) and user.has_perm(f"ip.view_{model._meta.model_name}")


def can_change(user: Any, model: type[Model]) -> bool:
    """Only the technology and IP division (ip.*) edits the registry."""
    return is_department_staff(user) and user.has_perm(f"ip.change_{model._meta.model_name}")


def _visible(user: Any, qs: QuerySet, model: type[Model]) -> QuerySet:
    return qs if can_view(user, model) else qs.none()


def support_case_list_visible_to(user: Any) -> QuerySet:
    from khcn.registries.ip.models import IPSupportCase

    qs = (
        IPSupportCase.objects.active()
        .select_related("applicant_organisation", "applicant_person", "decision")
        .annotate(mark_count=Count("marks", filter=Q(marks__archived_at__isnull=True)))
    )
    return _visible(user, qs, IPSupportCase)


def mark_list_visible_to(user: Any) -> QuerySet:
    from khcn.registries.ip.models import Mark

    qs = Mark.objects.active().select_related("case", "case__applicant_organisation", "case__applicant_person")
    return _visible(user, qs, Mark)


def certificate_list_visible_to(user: Any) -> QuerySet:
    from khcn.registries.ip.models import UseRightCertificate

    qs = with_renewed(
        UseRightCertificate.objects.active().select_related("holder_organisation", "holder_person", "area_unit")
    )
    return _visible(user, qs, UseRightCertificate)


# --- Rules in force ------------------------------------------------------------------------------


def validity_rule(kind: str, on: dt.date) -> Any:
    """The validity rule of `kind` in force on `on`; the earliest for days before every rule."""
    from khcn.registries.ip.models import UseRightValidityRule

    qs = UseRightValidityRule.objects.filter(kind=kind, archived_at__isnull=True)
    return qs.in_force(on).first() or qs.order_by("valid_from", "pk").first()  # type: ignore[attr-defined]


# --- Certificates --------------------------------------------------------------------------------


class CertificateState:
    VALID = "valid"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    RENEWED = "renewed"
    REVOKED = "revoked"
    LABELS = {
        VALID: _("Còn hiệu lực"),
        EXPIRING: _("Sắp hết hạn"),
        EXPIRED: _("Hết hạn"),
        RENEWED: _("Đã được cấp lại, gia hạn"),
        REVOKED: _("Đã thu hồi"),
    }


def with_renewed(qs: QuerySet) -> QuerySet:
    """Annotate `renewed`: a later active certificate names this one as its previous."""
    from khcn.registries.ip.models import UseRightCertificate

    later = UseRightCertificate.objects.active().filter(previous=OuterRef("pk"))
    return qs.annotate(renewed=Exists(later))


def certificate_state(certificate: Any, today: dt.date | None = None) -> str:
    today = today or timezone.localdate()
    if certificate.revoked:
        return CertificateState.REVOKED
    renewed = getattr(certificate, "renewed", None)
    if renewed is None:
        renewed = certificate.renewals.active().exists()
    if renewed:
        return CertificateState.RENEWED
    if certificate.valid_until is None:
        return CertificateState.VALID
    if certificate.valid_until < today:
        return CertificateState.EXPIRED
    if certificate.valid_until <= today + dt.timedelta(days=EXPIRING_WITHIN_DAYS):
        return CertificateState.EXPIRING
    return CertificateState.VALID


def certificates_expiring(start: dt.date, within_days: int) -> QuerySet:
    """Certificates in use (not revoked, not renewed) whose expiry falls in [start, start + days]."""
    from khcn.registries.ip.models import UseRightCertificate

    qs = with_renewed(
        UseRightCertificate.objects.active().filter(
            revoked=False,
            valid_until__isnull=False,
            valid_until__gte=start,
            valid_until__lte=start + dt.timedelta(days=within_days),
        )
    )
    return qs.filter(renewed=False).select_related("holder_organisation", "holder_person").order_by("valid_until", "pk")
