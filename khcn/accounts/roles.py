"""The roles of KHCN, as data: each role is a Django group with the permissions listed here.

Permissions are named "app_label.action_model" or "app_label.*" (every permission of an app) or
"app_label.view_*" (every view permission of an app). Apps that do not exist yet are skipped, so a
role can name the permissions of a module before that module is built.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Role:
    code: str
    label: Any
    staff: bool  # may enter the back office (/quan-tri/)
    permissions: tuple[str, ...] = ()


DIRECTORY_EDIT = ("directory.*", "core.view_importbatch", "core.view_attachment", "core.add_attachment")
READ_EVERYTHING = (
    "directory.view_*",
    "research.view_*",
    "councils.view_*",
    "technology.view_*",
    "ip.view_*",
    "initiatives.view_*",
    "innovation.view_*",
    "radiation.view_*",
    "quality.view_*",
    "metrology.view_*",
    "inspections.view_*",
    "legaldocs.view_*",
    "news.view_*",
    "reports.view_*",
    "core.view_importbatch",
    "core.view_attachment",
)

DEPARTMENT_LEADER = "department_leader"
SCIENCE_OFFICER = "science_officer"
TECHNOLOGY_OFFICER = "technology_officer"
QUALITY_OFFICER = "quality_officer"
RADIATION_OFFICER = "radiation_officer"
INSPECTOR = "inspector"
FINANCE_OFFICER = "finance_officer"
COUNCIL_MEMBER = "council_member"
HOST_USER = "host_user"
PROVINCIAL_LEADER = "provincial_leader"

ROLES: tuple[Role, ...] = (
    Role(
        DEPARTMENT_LEADER,
        _("Lãnh đạo Sở"),
        staff=True,
        # The department office (Văn phòng Sở) drafts legal documents and communications under the
        # leadership; there is no office role yet, so the leaders and the science division hold them.
        permissions=READ_EVERYTHING
        + ("research.*", "councils.*", "legaldocs.*", "news.*", "reports.*", "accounts.view_user"),
    ),
    Role(
        SCIENCE_OFFICER,
        _("Phòng Quản lý khoa học"),
        staff=True,
        permissions=READ_EVERYTHING
        + DIRECTORY_EDIT
        + ("research.*", "councils.*", "initiatives.*", "legaldocs.*", "news.*", "public.*", "reports.*"),
    ),
    Role(
        TECHNOLOGY_OFFICER,
        _("Phòng Quản lý công nghệ và sở hữu trí tuệ"),
        staff=True,
        permissions=READ_EVERYTHING
        + DIRECTORY_EDIT
        + ("technology.*", "ip.*", "innovation.*", "councils.*", "public.*"),
    ),
    Role(
        QUALITY_OFFICER,
        _("Tiêu chuẩn – Đo lường – Chất lượng"),
        staff=True,
        permissions=READ_EVERYTHING + DIRECTORY_EDIT + ("quality.*", "metrology.*"),
    ),
    Role(
        RADIATION_OFFICER,
        _("An toàn bức xạ"),
        staff=True,
        permissions=READ_EVERYTHING + DIRECTORY_EDIT + ("radiation.*",),
    ),
    Role(
        INSPECTOR,
        _("Thanh tra, kiểm tra"),
        staff=True,
        permissions=READ_EVERYTHING + DIRECTORY_EDIT + ("inspections.*",),
    ),
    Role(
        FINANCE_OFFICER,
        _("Phòng Kế hoạch – Tài chính"),
        staff=True,
        # The money of S&T tasks: disbursements, settlements, recoveries, assets (tasks.md §3).
        permissions=READ_EVERYTHING
        + (
            "directory.view_*",
            "research.add_disbursement",
            "research.change_disbursement",
            "research.add_settlement",
            "research.change_settlement",
            "research.add_recovery",
            "research.change_recovery",
            "research.add_asset",
            "research.change_asset",
            "core.add_attachment",
        ),
    ),
    Role(COUNCIL_MEMBER, _("Thành viên hội đồng"), staff=False),
    Role(HOST_USER, _("Tổ chức chủ trì"), staff=False),
    Role(PROVINCIAL_LEADER, _("Lãnh đạo tỉnh (chỉ xem)"), staff=True, permissions=READ_EVERYTHING),
)

ROLE_BY_CODE = {role.code: role for role in ROLES}
STAFF_ROLES = frozenset(role.code for role in ROLES if role.staff)


def expand(patterns: tuple[str, ...], permissions: list[Any] | None = None) -> list[Any]:
    """Turn permission patterns into Permission rows that exist now (`permissions`: all of them,
    when the caller has read them already)."""
    from django.contrib.auth.models import Permission

    by_app: dict[str, list[Any]] = {}
    for perm in permissions if permissions is not None else Permission.objects.select_related("content_type"):
        by_app.setdefault(perm.content_type.app_label, []).append(perm)
    found: list[Any] = []
    for pattern in patterns:
        app_label, _, codename = pattern.partition(".")
        for perm in by_app.get(app_label, ()):
            if (
                codename == "*"
                or perm.codename == codename
                or (codename.endswith("*") and perm.codename.startswith(codename[:-1]))
            ):
                found.append(perm)
    return found


def sync_roles() -> None:
    """Create one group per role and give it exactly the permissions roles.py lists."""
    from django.contrib.auth.models import Group, Permission

    # Read once for all roles: the test suite calls this for every user it makes.
    permissions = list(Permission.objects.select_related("content_type"))
    for role in ROLES:
        group, _created = Group.objects.get_or_create(name=role.code)
        group.permissions.set(expand(role.permissions, permissions))


def sync_roles_after_migrate(app_config: Any = None, **kwargs: Any) -> None:
    # post_migrate fires once per app, and each app's permissions are created in its own turn:
    # wait for the last app so every permission exists.
    from django.apps import apps

    with_models = [c for c in apps.get_app_configs() if c.models_module is not None]
    if app_config is not None and with_models and app_config is with_models[-1]:
        sync_roles()
