"""Writes for accounts: roles decide back-office access, never a hand-set flag."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from khcn.accounts import roles
from khcn.accounts.models import User


@transaction.atomic
def user_set_roles(*, user: User, role_codes: Iterable[str]) -> User:
    """Give the user exactly these roles; staff roles open the back office, others close it."""
    codes = set(role_codes)
    unknown = codes - set(roles.ROLE_BY_CODE)
    if unknown:
        raise ValidationError(_("Vai trò không tồn tại: %(codes)s") % {"codes": ", ".join(sorted(unknown))})
    groups = list(Group.objects.filter(name__in=codes))
    if len(groups) != len(codes):
        roles.sync_roles()
        groups = list(Group.objects.filter(name__in=codes))
    user.groups.set(groups)
    user.is_staff = user.is_superuser or bool(codes & roles.STAFF_ROLES)
    user.save(update_fields=["is_staff"])
    user.__dict__.pop("_role_codes", None)
    return user
