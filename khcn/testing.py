"""Personas and builders shared by the test suite (style.md: defined once, used everywhere)."""

from __future__ import annotations

from typing import Any

from khcn.accounts import roles
from khcn.accounts.models import User
from khcn.directory.models import Organisation, Person

PASSWORD = "mat-khau-thu-nghiem-123"


# Groups and permission links the roles have when in sync; counted after the first sync of a process.
_ROLES_IN_SYNC: tuple[int, int] | None = None


def _ensure_roles() -> None:
    """Migrate syncs the roles (post_migrate) and each test's rollback keeps them, but a transactional
    test's flush and restore can leave the groups without some of their permissions. Syncing costs
    ~70 ms a call (every user a test makes); checking is one query."""
    global _ROLES_IN_SYNC
    from django.contrib.auth.models import Group
    from django.db.models import Count

    def state() -> tuple[int, int]:
        found = Group.objects.filter(name__in=roles.ROLE_BY_CODE).aggregate(
            groups=Count("pk", distinct=True), links=Count("permissions")
        )
        return found["groups"], found["links"]

    if _ROLES_IN_SYNC is not None and state() == _ROLES_IN_SYNC:
        return
    roles.sync_roles()
    _ROLES_IN_SYNC = state()


def make_user(username: str, *role_codes: str, organisation: Organisation | None = None, **extra: Any) -> User:
    """A user with the given roles; staff roles get back-office access, host users a directory person."""
    from django.contrib.auth.models import Group

    _ensure_roles()
    user = User.objects.create_user(
        username=username, password=PASSWORD, full_name=extra.pop("full_name", username), **extra
    )
    if role_codes:
        user.groups.set(Group.objects.filter(name__in=role_codes))
    user.is_staff = user.is_superuser or any(code in roles.STAFF_ROLES for code in role_codes)
    user.save()
    if organisation is not None:
        Person.objects.create(full_name=user.full_name or username, organisation=organisation, user=user)
    return user


def make_organisation(name: str = "Trung tâm Ứng dụng tiến bộ KH&CN", **fields: Any) -> Organisation:
    return Organisation.objects.create(name=name, **fields)


ATTACHMENT_INLINE_PREFIX = "core-attachment-content_type-object_id"


def empty_inline(prefix: str = ATTACHMENT_INLINE_PREFIX) -> dict[str, str]:
    """The management form of an inline with no rows: every RecordAdmin change form carries the
    attachments inline, so a test that posts the form must send it too."""
    return {
        f"{prefix}-TOTAL_FORMS": "0",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
