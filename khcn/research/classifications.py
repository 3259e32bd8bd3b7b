"""The plan's task groups as data (the groups the 2024 plan decision lists, seed/facts.md).

The data migration loads them on a new installation; `load_plan_groups()` does the same at any
time (demo loader, tests that flush the database) and never changes a group staff have edited.
"""

from __future__ import annotations

from typing import Any

# (code, name, order)
PLAN_GROUPS: tuple[tuple[str, str, int], ...] = (
    ("agriculture", "Nông nghiệp và phát triển nông thôn", 1),
    ("engineering", "Kỹ thuật và công nghệ", 2),
    ("health_environment_it", "Y tế, môi trường, công nghệ thông tin", 3),
    ("social_humanities", "Khoa học xã hội và nhân văn", 4),
    ("security_defence", "An ninh, quốc phòng", 5),
    ("national_counterpart", "Đối ứng kinh phí thực hiện nhiệm vụ KH&CN cấp quốc gia", 6),
    ("ip_programme", "Nhiệm vụ thuộc Chương trình phát triển tài sản trí tuệ giai đoạn 2021–2025", 7),
    (
        "productivity_metrology",
        "Nhiệm vụ thuộc Chương trình quốc gia nâng cao năng suất và chất lượng giai đoạn 2021–2030 "
        "và Đề án đổi mới hoạt động đo lường",
        8,
    ),
)


def load_plan_groups(model: Any = None) -> int:
    """Create the groups that are missing; return how many were created."""
    if model is None:
        from khcn.research.models import PlanGroup as model
    created = 0
    for code, name, order in PLAN_GROUPS:
        _obj, was_created = model.objects.get_or_create(code=code, defaults={"name": name, "order": order})
        created += was_created
    return created
