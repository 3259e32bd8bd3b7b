"""The legal status of a licence changes only along this table (and only the radiation division
moves it). Expiry and replacement by a later licence are not statuses: they follow from the dates
and the `previous` links (selectors.licence_state)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from khcn.accounts import roles
from khcn.accounts.permissions import has_role
from khcn.registries.radiation.models import RadiationLicence

S = RadiationLicence.Status
OFFICERS = frozenset({roles.RADIATION_OFFICER})

TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (S.ACTIVE, S.SUSPENDED): OFFICERS,
    (S.SUSPENDED, S.ACTIVE): OFFICERS,
    (S.ACTIVE, S.REVOKED): OFFICERS,
    (S.SUSPENDED, S.REVOKED): OFFICERS,
    (S.ACTIVE, S.TERMINATED): OFFICERS,
    (S.SUSPENDED, S.TERMINATED): OFFICERS,
}


def check(licence: RadiationLicence, to: str, by: object) -> None:
    """Raise ValidationError for a move the table does not have, PermissionDenied for a role it
    does not allow."""
    allowed = TRANSITIONS.get((licence.status, to))
    if allowed is None:
        raise ValidationError(
            _("Không thể chuyển giấy phép từ “%(from)s” sang “%(to)s”.")
            % {"from": S(licence.status).label, "to": S(to).label},
            code="transition",
        )
    if not has_role(by, *allowed):
        raise PermissionDenied(_("Chỉ bộ phận an toàn bức xạ được đổi tình trạng giấy phép."))
